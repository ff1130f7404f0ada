//! Presenter mode's screen: one narrated caption in large type over the DAG and the time
//! axis, which fill the rest of the screen; nothing else. The keyboard drives it (→, space,
//! ←, Escape), so a projector needs no mouse.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PresenterProps {
    pub caption: String,
    /// A smaller second line (a lesson step's text, or why).
    pub note: Option<String>,
    /// The lesson's title, or the pipeline's name.
    pub title: String,
    /// The DAG and the time axis, as the page renders them.
    pub dag: Html,
    pub axis: Html,
}

#[function_component]
pub fn Presenter(props: &PresenterProps) -> Html {
    html! {
        <div class="presenter" data-testid="presenter-screen">
            <header class="presenter-head">
                <p class="presenter-title">{ &props.title }</p>
                <p class="caption" data-testid="caption" aria-live="polite">{ &props.caption }</p>
                if let Some(n) = &props.note {
                    <p class="caption-note" data-testid="caption-note">{ n }</p>
                }
            </header>
            <section class="presenter-dag">{ props.dag.clone() }</section>
            <section class="presenter-axis">{ props.axis.clone() }</section>
            <p class="presenter-keys">{ "→ next · space play/pause · ← back · Esc leave" }</p>
        </div>
    }
}

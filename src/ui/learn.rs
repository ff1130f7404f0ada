//! The Learn path: the lessons in order, each with how far the learner got; a click opens
//! one where it was left. Its header holds the presenter mode switch.

use yew::prelude::*;

use crate::state::{Action, LessonAction};

/// One lesson in the path.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnItem {
    pub slug: String,
    pub title: String,
    /// "3 steps", "at 2/5" (where it resumes), "done 3/4" (answers right of those asked).
    pub progress: String,
    pub done: bool,
    /// It is the lesson being taken.
    pub active: bool,
}

#[derive(Properties, PartialEq)]
pub struct LearnProps {
    pub items: Vec<LearnItem>,
    /// The progress could not be read or kept.
    pub error: Option<String>,
    pub on_action: Callback<Action>,
    /// The presenter mode switch.
    pub on_present: Callback<MouseEvent>,
}

#[function_component]
pub fn Learn(props: &LearnProps) -> Html {
    html! {
        <section class="card learn" aria-label="lessons" data-testid="learn">
            <div class="learn-head">
                <h2 title="Predict, then see: each step asks before its batch runs">{ "Learn" }</h2>
                <button class="btn small" data-testid="presenter" role="switch" aria-checked="false"
                    title="Presenter mode, for a projector: the caption, the DAG and the time axis in large type; → next, space play/pause, ← back, Esc leaves"
                    onclick={props.on_present.clone()}>{ "Present" }</button>
            </div>
            <ol>
                { for props.items.iter().map(|item| {
                    let cb = props.on_action.clone();
                    let slug = item.slug.clone();
                    html! {
                        <li>
                            <button class={classes!("lesson-item", item.active.then_some("active"), item.done.then_some("done"))}
                                data-testid={format!("lesson-{}", item.slug)} title={item.title.clone()}
                                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Lesson(LessonAction::Open(slug.clone()))))}>
                                <span class="lesson-title">{ &item.title }</span>
                                <span class="lesson-progress">{ &item.progress }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
            if let Some(e) = &props.error {
                <p class="error small" role="alert">{ e }</p>
            }
        </section>
    }
}

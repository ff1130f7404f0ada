//! The pipeline's card: a gallery example's title and story while it is unchanged; the
//! learner's own pipeline (New pipeline, an edited example, one of My pipelines) with its
//! name and description to edit, and the example it was edited from.

use yew::prelude::*;

use crate::state::{Action, Status};
use crate::ui::event_value;

#[derive(Properties, PartialEq)]
pub struct StoryProps {
    pub name: Option<String>,
    pub description: Option<String>,
    /// The gallery example shown, unchanged: its story is told.
    pub example: bool,
    /// The title of the example it was edited from.
    pub edited_from: Option<String>,
    pub saved_as: Option<String>,
    /// The name or description typed was refused: why.
    pub text_error: Option<String>,
    /// What the page says about the document (a draft not kept, a choice made on reload).
    pub status: Option<Status>,
    pub on_action: Callback<Action>,
}

const HELP: &str = "Click a node to configure it; click a record (a marble or a printed line) to \
                    follow it downstream. Space plays or pauses, → runs one batch, Ctrl+Z undoes.";

#[function_component]
pub fn Story(props: &StoryProps) -> Html {
    let open = use_state(|| false);
    let status = props.status.as_ref().map(|s| match s {
        Status::Info(t) => html! { <p class="small doc-status" data-testid="doc-status">{ t }</p> },
        Status::Error(t) => {
            html! { <p class="small doc-status error" role="alert" data-testid="doc-status">{ t }</p> }
        }
    });
    if props.example {
        let toggle = {
            let open = open.clone();
            Callback::from(move |_: MouseEvent| open.set(!*open))
        };
        return html! {
            <section class="card story" data-testid="story">
                <h2 data-testid="pipeline-title">{ props.name.clone().unwrap_or_default() }</h2>
                if let Some(story) = &props.description {
                    <p class={classes!("story-text", (!*open).then_some("clamped"))} data-testid="story-text">{ story }</p>
                    <button class="link-button small" onclick={toggle}>{ if *open { "less" } else { "more" } }</button>
                }
                <p class="small muted">{ HELP }</p>
                { for status }
            </section>
        };
    }
    let on_name = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| cb.emit(Action::SetName(event_value(&e))))
    };
    let on_description = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| cb.emit(Action::SetDescription(event_value(&e))))
    };
    html! {
        <section class="card story own" data-testid="story">
            <div class="own-head">
                <input type="text" class="name-field" data-testid="pipeline-name" aria-label="pipeline name"
                    placeholder="Name your pipeline" value={props.name.clone().unwrap_or_default()} oninput={on_name} />
                if let Some(from) = &props.edited_from {
                    <span class="small muted" data-testid="edited-from">{ format!("edited from: {from}") }</span>
                }
                if let Some(saved) = &props.saved_as {
                    <span class="small muted" data-testid="saved-as">{ format!("in My pipelines as \"{saved}\"") }</span>
                }
            </div>
            <textarea class="description-field" rows="2" data-testid="pipeline-description" aria-label="pipeline description"
                placeholder="What does it show? (a description, for you and whoever you share it with)"
                value={props.description.clone().unwrap_or_default()} oninput={on_description} />
            if let Some(e) = &props.text_error {
                <p class="error small" data-testid="text-error">{ e }</p>
            }
            <p class="small muted">{ HELP }</p>
            { for status }
        </section>
    }
}

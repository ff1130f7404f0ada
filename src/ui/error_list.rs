//! Every problem that stops the pipeline, in one place under the graph: spec errors (node,
//! field, column, message) before anything runs, a batch's run-time failure, and what the
//! engine worker said when it refused or failed.

use dstream_engine::{BatchError, SpecError};
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ErrorListProps {
    pub spec_errors: Vec<SpecError>,
    pub batch_error: Option<BatchError>,
    /// The batch that stays the next one after a failure (its job failed).
    pub next_batch: u64,
    /// Typed lines kept for it.
    pub kept_lines: usize,
    /// Something the worker said (a refused request, a restart's note).
    pub notice: Option<String>,
    /// Why the engine worker stopped, if it did.
    pub worker_failure: Option<String>,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn ErrorList(props: &ErrorListProps) -> Html {
    if props.spec_errors.is_empty()
        && props.batch_error.is_none()
        && props.notice.is_none()
        && props.worker_failure.is_none()
    {
        return Html::default();
    }
    let items = props.spec_errors.iter().map(|e| {
        let cb = props.on_action.clone();
        let node = e.node.clone();
        html! {
            <li class="error" data-testid="error" role="alert"
                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Select(node.clone())))}>
                { e.to_string() }
            </li>
        }
    });
    html! {
        <div class="error-list">
            if !props.spec_errors.is_empty() {
                <h3>{ format!("The pipeline cannot run: {} problem(s)", props.spec_errors.len()) }</h3>
            }
            <ul>
                { for items }
                if let Some(e) = &props.batch_error {
                    <li class="error batch-error" data-testid="error" role="alert">
                        { format!("{e}. Batch #{} stays the next one{}: fix the lambda and step to run it again with the same records, or reset.",
                            props.next_batch,
                            match props.kept_lines { 0 => String::new(), 1 => ", with the 1 line typed for it".into(), n => format!(", with the {n} lines typed for it") }) }
                    </li>
                }
                if let Some(why) = &props.worker_failure {
                    <li class="error" data-testid="error" role="alert">
                        { format!("The engine worker stopped: {why}. Nothing runs until the page is reloaded.") }
                    </li>
                }
                if let Some(n) = &props.notice {
                    <li class="notice" data-testid="notice">{ n.clone() }</li>
                }
            </ul>
        </div>
    }
}

//! Every problem that stops the pipeline, in one place under the graph: spec errors (node,
//! field, column, message) before anything runs, and a batch's run-time failure.

use dstream_engine::{BatchError, SpecError};
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ErrorListProps {
    pub spec_errors: Vec<SpecError>,
    pub batch_error: Option<BatchError>,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn ErrorList(props: &ErrorListProps) -> Html {
    if props.spec_errors.is_empty() && props.batch_error.is_none() {
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
                        { format!("{e}. The batch's input is kept: fix the lambda, or reset.") }
                    </li>
                }
            </ul>
        </div>
    }
}

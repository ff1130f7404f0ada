//! One lambda of a node (`fn`, `inverse`, `filter`), typed as in the seed's Scala, with the
//! engine's type errors shown in place: the message and a caret under the column.

use dstream_engine::SpecError;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct LambdaFieldProps {
    pub node: String,
    pub field: String,
    pub value: String,
    pub hint: String,
    /// Errors the planner reported for this field.
    pub errors: Vec<SpecError>,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn LambdaField(props: &LambdaFieldProps) -> Html {
    let oninput = {
        let cb = props.on_action.clone();
        let (node, field) = (props.node.clone(), props.field.clone());
        Callback::from(move |e: InputEvent| {
            let text = crate::ui::event_value(&e);
            cb.emit(Action::SetField {
                node: node.clone(),
                field: field.clone(),
                value: (!text.trim().is_empty()).then_some(serde_json::Value::String(text)),
            })
        })
    };
    let invalid = !props.errors.is_empty();
    html! {
        <div class={classes!("field", "lambda", invalid.then_some("invalid"))}>
            <label>
                <span class="field-name">{ &props.field }</span>
                <input type="text" class="code" spellcheck="false" autocomplete="off"
                    data-testid={format!("field-{}-{}", props.node, props.field)}
                    value={props.value.clone()} placeholder={props.hint.clone()} {oninput} />
            </label>
            { for props.errors.iter().map(|e| html! {
                <div class="error" data-testid="error" role="alert">
                    if let Some(c) = e.column {
                        <pre class="caret">{ format!("{}\n{}^", props.value, " ".repeat(c.saturating_sub(1))) }</pre>
                    }
                    <span>{ e.to_string() }</span>
                </div>
            }) }
            if !invalid {
                <span class="hint">{ &props.hint }</span>
            }
        </div>
    }
}

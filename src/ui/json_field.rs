//! A JSON-valued field (a queue's batches, transform's RDD ops): edited as text, applied
//! when it parses, with the parse error shown in place otherwise.

use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct JsonFieldProps {
    pub node: String,
    pub field: String,
    pub value: Option<serde_json::Value>,
    pub hint: String,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn JsonField(props: &JsonFieldProps) -> Html {
    let initial = props.value.as_ref().map(compact_rows).unwrap_or_default();
    let draft = use_state(|| initial.clone());
    let parse_error = use_state(|| None::<String>);
    let onchange = {
        let cb = props.on_action.clone();
        let (node, field) = (props.node.clone(), props.field.clone());
        let draft = draft.clone();
        let parse_error = parse_error.clone();
        Callback::from(move |e: Event| {
            let text = crate::ui::event_value(&e);
            draft.set(text.clone());
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => {
                    parse_error.set(None);
                    cb.emit(Action::SetField {
                        node: node.clone(),
                        field: field.clone(),
                        value: Some(v),
                    });
                }
                Err(err) => parse_error.set(Some(format!(
                    "node `{node}`, field `{field}`: not JSON ({err})"
                ))),
            }
        })
    };
    let rows = draft.lines().count().clamp(3, 12).to_string();
    html! {
        <div class={classes!("field", "json", parse_error.is_some().then_some("invalid"))}>
            <label>
                <span class="field-name">{ &props.field }</span>
                <textarea class="code" spellcheck="false" rows={rows}
                    data-testid={format!("field-{}-{}", props.node, props.field)}
                    value={(*draft).clone()} {onchange} />
            </label>
            if let Some(err) = &*parse_error {
                <div class="error" data-testid="error" role="alert">{ err }</div>
            } else {
                <span class="hint">{ &props.hint }</span>
            }
        </div>
    }
}

/// An array printed one element per line (a queue: one batch per line); anything else compact.
fn compact_rows(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Array(items) if !items.is_empty() => {
            let rows: Vec<String> = items.iter().map(|i| i.to_string()).collect();
            format!("[\n  {}\n]", rows.join(",\n  "))
        }
        other => other.to_string(),
    }
}

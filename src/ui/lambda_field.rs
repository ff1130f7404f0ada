//! One lambda of a node (`fn`, `inverse`, `filter`), typed as in the seed's Scala, with the
//! engine's type errors shown in place: the message and a caret under the column (of its
//! line, for a lambda written over several lines).

use dstream_engine::SpecError;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct LambdaFieldProps {
    pub node: String,
    pub field: String,
    pub value: String,
    pub hint: String,
    /// Edited in a text area (a block over several lines); a value holding a line break
    /// always is.
    #[prop_or_default]
    pub block: bool,
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
    let testid = format!("field-{}-{}", props.node, props.field);
    let editor = if props.block || props.value.contains('\n') {
        let rows = (props.value.lines().count() + 1).clamp(3, 14).to_string();
        html! {
            <textarea class="code" spellcheck="false" autocomplete="off" rows={rows}
                data-testid={testid} value={props.value.clone()}
                placeholder={props.hint.clone()} {oninput} />
        }
    } else {
        html! {
            <input type="text" class="code" spellcheck="false" autocomplete="off"
                data-testid={testid} value={props.value.clone()}
                placeholder={props.hint.clone()} {oninput} />
        }
    };
    html! {
        <div class={classes!("field", "lambda", invalid.then_some("invalid"))}>
            <label>
                <span class="field-name">{ &props.field }</span>
                { editor }
            </label>
            { for props.errors.iter().map(|e| html! {
                <div class="error" data-testid="error" role="alert">
                    if let Some(c) = e.column {
                        <pre class="caret">{ caret(&props.value, c) }</pre>
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

/// The line of `source` holding the 1-based character `column`, and a caret under it.
pub fn caret(source: &str, column: usize) -> String {
    let mut start = 0;
    for line in source.split('\n') {
        let len = line.chars().count();
        if column <= start + len + 1 {
            let at = column.saturating_sub(start + 1);
            return format!("{line}\n{}^", " ".repeat(at));
        }
        start += len + 1;
    }
    format!("{source}\n{}^", " ".repeat(column.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::caret;

    #[test]
    fn the_caret_stands_under_the_column_of_its_own_line() {
        assert_eq!(caret("x => x + y", 10), "x => x + y\n         ^");
        let src = "(w, one, state) => {\n  state.update(\"a\")\n  w\n}";
        // Column 37 is the `"` on the second line (20 characters and a line break before it).
        assert_eq!(caret(src, 37), "  state.update(\"a\")\n               ^");
    }
}

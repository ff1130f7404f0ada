//! Component test (headless Chromium): the node editor shows a lambda's type error in
//! place (node, field, column, a caret), and typing into a lambda dispatches the edit.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_playground::state::Action;
use dstream_playground::ui::node_editor::NodeEditor;
use dstream_playground::ui::props;
use ui_support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_type_error_is_shown_at_its_field_with_node_and_column() {
    let mut sim = run_example("windowed-word-count", 0);
    sim.act(Action::Select(Some("pairs".into())));
    sim.act(Action::SetField {
        node: "pairs".into(),
        field: "fn".into(),
        value: Some(serde_json::json!("w => (w, w * 2)")),
    });
    assert!(
        !sim.state.runnable(),
        "a spec with a type error must not run"
    );
    let (on_action, _) = recorder();
    let root = mount::<NodeEditor>(props::node_editor(&sim.state, on_action)).await;
    let error = text(&root, ".lambda [data-testid=error]");
    assert!(error.contains("node `pairs`"), "{error}");
    assert!(error.contains("field `fn`"), "{error}");
    assert!(error.contains("column "), "{error}");
    let caret = text(&root, ".caret");
    assert!(
        caret.starts_with("w => (w, w * 2)\n") && caret.ends_with('^'),
        "{caret:?}"
    );
}

#[wasm_bindgen_test]
async fn typing_a_lambda_dispatches_the_edit() {
    let mut sim = run_example("windowed-word-count", 0);
    sim.act(Action::Select(Some("words".into())));
    let (on_action, seen) = recorder();
    let root = mount::<NodeEditor>(props::node_editor(&sim.state, on_action)).await;
    let input: web_sys::HtmlInputElement = one(&root, "[data-testid=field-words-fn]")
        .dyn_into()
        .expect("an input");
    assert_eq!(input.value(), "line => line.split(\" \")");
    input.set_value("line => line.split(\",\")");
    fire(&input, "input");
    settle().await;
    let seen = seen.borrow();
    match seen.last() {
        Some(Action::SetField { node, field, value }) => {
            assert_eq!((node.as_str(), field.as_str()), ("words", "fn"));
            assert_eq!(value, &Some(serde_json::json!("line => line.split(\",\")")));
        }
        other => panic!("expected a SetField, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn map_with_state_is_added_with_sparks_function_in_a_text_area() {
    let mut sim = run_example("windowed-word-count", 0);
    sim.act(Action::Select(Some("pairs".into())));
    sim.act(Action::AddNode("mapWithState".into()));
    assert!(
        sim.state.spec_errors.is_empty(),
        "{:?}",
        sim.state.spec_errors
    );
    let id = sim
        .state
        .selected
        .clone()
        .expect("the new node is selected");
    assert_eq!(
        props::types(&sim.state).get(&id).map(String::as_str),
        Some("(String, Int)")
    );
    let (on_action, _) = recorder();
    let root = mount::<NodeEditor>(props::node_editor(&sim.state, on_action)).await;
    let area: web_sys::HtmlTextAreaElement = one(&root, &format!("[data-testid=field-{id}-fn]"))
        .dyn_into()
        .expect("a text area, so a pasted function keeps its lines");
    assert!(
        area.value()
            .starts_with("(word, one, state) => {\n  val sum"),
        "{}",
        area.value()
    );
    assert!(area.value().contains("\n  state.update(sum)\n"));
    one(&root, &format!("[data-testid=field-{id}-timeout_ms]"));
}

#[wasm_bindgen_test]
async fn an_error_in_a_multi_line_lambda_puts_the_caret_under_its_line() {
    let mut sim = run_example("stateful-word-count", 0);
    sim.act(Action::Select(Some("counts".into())));
    sim.act(Action::SetField {
        node: "counts".into(),
        field: "fn".into(),
        value: Some(serde_json::json!(
            "(word, one, state) => {\n  state.update(1)\n  state.update(\"x\")\n  word\n}"
        )),
    });
    let (on_action, _) = recorder();
    let root = mount::<NodeEditor>(props::node_editor(&sim.state, on_action)).await;
    let error = text(&root, ".lambda [data-testid=error]");
    assert!(error.contains("state.update expects Int"), "{error}");
    let caret = text(&root, ".caret");
    assert_eq!(caret, "  state.update(\"x\")\n               ^");
}

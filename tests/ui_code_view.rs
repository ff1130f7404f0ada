//! Component test (headless Chromium): the code view draws the worker's program line by line
//! as text (markup in a pipeline's name stays text), highlights the selected node's lines,
//! selects a node from a click on its line, and shows why there is no program; the paste box
//! reads its text in and lists what could not be read by line and column.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_playground::protocol::CodeLanguage;
use dstream_playground::state::{Action, CodeAction};
use dstream_playground::ui::code_view::CodeView;
use dstream_playground::ui::paste_code::PasteCode;
use dstream_playground::ui::props;
use ui_support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The line numbers drawn highlighted.
fn highlighted(root: &web_sys::Element) -> Vec<u32> {
    all(root, ".line.hl")
        .iter()
        .filter_map(|l| l.get_attribute("data-line")?.parse().ok())
        .collect()
}

#[wasm_bindgen_test]
async fn the_program_is_drawn_as_text_with_the_selected_nodes_lines_lit() {
    let mut sim = run_example("windowed-word-count", 1);
    let mut spec = (*sim.state.spec).clone();
    spec.name = Some("<b class=injected>bold</b> & </pre>".into());
    sim.act(Action::LoadSpec(spec));
    sim.act(Action::Select(Some("counts".into())));
    sim.act(Action::Code(CodeAction::Show(CodeLanguage::Scala)));
    let code = sim.state.shown_code().expect("a program").clone();
    let (on_action, seen) = recorder();
    let root = mount::<CodeView>(props::code_view(&sim.state, on_action)).await;
    let pre = one(&root, "[data-testid=code-text]");
    // Every line of the program, as text: the name's markup made no element.
    assert!(all(&root, ".injected").is_empty(), "{}", pre.inner_html());
    let lines: Vec<String> = all(&pre, ".line")
        .iter()
        .map(|l| {
            let n = l.query_selector(".ln").ok().flatten();
            let number = n.and_then(|n| n.text_content()).unwrap_or_default();
            let all = l.text_content().unwrap_or_default();
            all[number.len()..].trim_end_matches('\n').to_string()
        })
        .collect();
    let want: Vec<&str> = code.text.lines().collect();
    assert_eq!(lines, want);
    assert!(code.text.contains("<b class=injected>bold</b>"));
    // The window's lines are lit, and only those.
    let lit: Vec<u32> = code
        .lines_of("counts")
        .iter()
        .flat_map(|&(a, b)| a..=b)
        .collect();
    assert!(!lit.is_empty());
    assert_eq!(highlighted(&root), lit);
    assert_eq!(
        one(&root, "[data-testid=code-tab-scala]").get_attribute("aria-selected"),
        Some("true".into())
    );
    // A click on a line of `pairs` asks for that line.
    let (line, _) = code.lines_of("pairs")[0];
    fire(&one(&pre, &format!("[data-line='{line}']")), "click");
    fire(&one(&root, "[data-testid=code-tab-pyspark]"), "click");
    fire(&one(&root, "[data-testid=code-copy]"), "click");
    settle().await;
    let got: Vec<String> = seen.borrow().iter().map(|a| format!("{a:?}")).collect();
    let want: Vec<String> = [
        CodeAction::ClickLine(line),
        CodeAction::Show(CodeLanguage::PySpark),
        CodeAction::Copy,
    ]
    .into_iter()
    .map(|a| format!("{:?}", Action::Code(a)))
    .collect();
    assert_eq!(got, want);
    // The reducer turns that click into the node's selection, and its lines light up.
    sim.act(Action::Code(CodeAction::ClickLine(line)));
    assert_eq!(sim.state.selected.as_deref(), Some("pairs"));
}

#[wasm_bindgen_test]
async fn an_invalid_pipeline_shows_why_there_is_no_program() {
    let mut sim = run_example("windowed-word-count", 0);
    sim.act(Action::SetField {
        node: "pairs".into(),
        field: "fn".into(),
        value: Some(serde_json::json!("w => (w, 1")),
    });
    let (on_action, _) = recorder();
    let root = mount::<CodeView>(props::code_view(&sim.state, on_action)).await;
    assert!(
        all(&root, "[data-testid=code-text]").is_empty(),
        "no program"
    );
    let none = one(&root, "[data-testid=code-none]");
    let errors = all(&none, ".error");
    assert_eq!(errors.len(), sim.state.code.errors.len());
    assert!(
        errors[0]
            .text_content()
            .unwrap_or_default()
            .contains("pairs"),
        "{}",
        none.inner_html()
    );
    let copy = one(&root, "[data-testid=code-copy]");
    assert!(copy.has_attribute("disabled"), "nothing to copy");
}

#[wasm_bindgen_test]
async fn the_paste_box_reads_its_text_and_lists_what_it_cannot_read() {
    let mut sim = run_example("windowed-word-count", 0);
    let bad = "object Main {\n  def main(args: Array[String]): Unit = {\n    class Foo\n  }\n}\n";
    sim.act(Action::Code(CodeAction::Paste(bad.into())));
    sim.act(Action::Code(CodeAction::Import));
    let (on_action, seen) = recorder();
    let root = mount::<PasteCode>(props::paste_code(&sim.state, on_action)).await;
    let area: web_sys::HtmlTextAreaElement = one(&root, "[data-testid=paste-text]")
        .dyn_into()
        .expect("a textarea");
    assert_eq!(area.value(), bad, "the text stays");
    let errors = all(&root, "[data-testid=import-error]");
    assert!(!errors.is_empty());
    let first = errors[0].text_content().unwrap_or_default();
    assert!(first.starts_with("line 3, column 5: "), "{first}");
    assert!(first.contains("class"), "{first}");
    area.set_value("val x = 1");
    fire(&area, "input");
    fire(&one(&root, "[data-testid=paste-import]"), "click");
    settle().await;
    let got: Vec<String> = seen.borrow().iter().map(|a| format!("{a:?}")).collect();
    assert_eq!(
        got,
        vec![
            format!("{:?}", Action::Code(CodeAction::Paste("val x = 1".into()))),
            format!("{:?}", Action::Code(CodeAction::Import)),
        ]
    );
}

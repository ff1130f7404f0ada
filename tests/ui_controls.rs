//! Component test (headless Chromium): the transport bar's batch counter, and which buttons
//! a learner may press when paused, playing, or blocked by errors.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_playground::state::Action;
use dstream_playground::ui::controls::Controls;
use dstream_playground::ui::props;
use ui_support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn disabled(root: &web_sys::Element, testid: &str) -> bool {
    one(root, &format!("[data-testid={testid}]")).has_attribute("disabled")
}

#[wasm_bindgen_test]
async fn the_counter_shows_batches_run_and_step_asks_for_a_tick() {
    let sim = run_example("windowed-word-count", 3);
    let (on_action, seen) = recorder();
    let root = mount::<Controls>(props::controls(&sim.state, on_action)).await;
    assert_eq!(text(&root, "[data-testid=batch-counter]"), "3");
    assert!(!disabled(&root, "play"));
    assert!(disabled(&root, "pause"), "nothing to pause while paused");
    fire(&one(&root, "[data-testid=step]"), "click");
    settle().await;
    assert!(
        matches!(seen.borrow().last(), Some(Action::Tick { .. })),
        "{:?}",
        seen.borrow()
    );
}

#[wasm_bindgen_test]
async fn an_invalid_pipeline_cannot_be_played_or_stepped() {
    let mut sim = run_example("windowed-word-count", 0);
    sim.act(Action::SetField {
        node: "counts".into(),
        field: "window_ms".into(),
        value: Some(serde_json::json!(2500)),
    });
    assert!(
        !sim.state.spec_errors.is_empty(),
        "a window of 2.5 batches must be refused"
    );
    let (on_action, _) = recorder();
    let root = mount::<Controls>(props::controls(&sim.state, on_action)).await;
    assert!(disabled(&root, "play"));
    assert!(disabled(&root, "step"));
    assert!(text(&root, ".state-pill").contains("fix errors"));
}

#[wasm_bindgen_test]
async fn while_playing_only_pause_and_reset_are_offered() {
    let mut sim = run_example("windowed-word-count", 1);
    sim.act(Action::Play);
    let (on_action, _) = recorder();
    let root = mount::<Controls>(props::controls(&sim.state, on_action)).await;
    assert!(disabled(&root, "play"));
    assert!(disabled(&root, "step"));
    assert!(!disabled(&root, "pause"));
    assert!(!disabled(&root, "reset"));
}

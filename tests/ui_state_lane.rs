//! Component test (headless Chromium): the time axis draws a state lane for updateStateByKey
//! and mapWithState whose cells say, per batch, what an engine run directly reports: keys
//! added, updated, removed and timed out, and the keys kept after.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_engine::{Engine, StateChanges};
use dstream_playground::examples;
use dstream_playground::ui::props;
use dstream_playground::ui::timeline::Timeline;
use ui_support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Each batch's state changes of `node`, from an engine run directly (not the page's).
fn engine_changes(slug: &str, node: &str, n: u64) -> Vec<(u64, StateChanges)> {
    let spec = examples::find(slug)
        .and_then(|e| e.spec().ok())
        .expect("example");
    let mut e = Engine::new(spec).expect("valid");
    (0..n)
        .filter_map(|b| {
            let r = e.tick().expect("tick");
            let s = r.nodes.iter().find(|r| r.id == node)?.state.clone()?;
            Some((b, s))
        })
        .collect()
}

/// What a cell of the lane says, as the learner reads it.
fn cell_text(c: &StateChanges) -> String {
    let down = if c.timed_out > 0 {
        format!("−{} ⊘{}", c.removed, c.timed_out)
    } else {
        format!("−{}", c.removed)
    };
    format!("+{} ~{}|{down}|{} keys", c.added, c.updated, c.keys_after)
}

#[wasm_bindgen_test]
async fn each_state_cell_says_what_the_engine_reports_for_its_batch() {
    for (slug, node) in [
        ("running-totals", "totals"),
        ("stateful-word-count", "counts"),
    ] {
        let sim = run_example(slug, 12);
        let (on_action, _) = recorder();
        let root = mount::<Timeline>(props::timeline(&sim.state, on_action)).await;
        let lane = one(&root, &format!("[data-testid=state-lane-{node}]"));
        let expected = engine_changes(slug, node, 12);
        assert_eq!(expected.len(), 12, "{slug}: every batch reports its state");
        for (batch, changes) in &expected {
            let cell = one(&lane, &format!("[data-testid=state-cell-{node}-{batch}]"));
            let shown = format!(
                "{}|{}|{}",
                text(&cell, ".sc-up"),
                text(&cell, ".sc-down"),
                text(&cell, ".sc-keys")
            );
            assert_eq!(shown, cell_text(changes), "{slug} batch #{batch}");
        }
    }
}

#[wasm_bindgen_test]
async fn map_with_state_timeouts_show_at_the_batch_of_the_full_scan() {
    let sim = run_example("stateful-word-count", 12);
    let (on_action, _) = recorder();
    let root = mount::<Timeline>(props::timeline(&sim.state, on_action)).await;
    let timed_out: Vec<String> = all(&root, "[data-testid^=state-cell-counts-]")
        .iter()
        .filter(|c| text(c, ".sc-down").contains('⊘'))
        .filter_map(|c| c.get_attribute("data-testid"))
        .collect();
    // The timeout fires in the full scan at t = 10 s (batch #9), as in Spark.
    assert_eq!(timed_out, ["state-cell-counts-9"]);
}

//! Component test (headless Chromium): a node's panel shows its RDD (count, partitions) and
//! what it printed in Spark's `print()` format, and keeps the last firing of a window.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_engine::Value;
use dstream_playground::state::{Action, Followed};
use dstream_playground::ui::node_panel::{NodePanel, NodePanelProps};
use ui_support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_output_prints_like_spark_with_the_time_header() {
    let state = run_example("windowed-word-count", 2);
    let (on_action, _) = recorder();
    let root = mount::<NodePanel>(NodePanelProps {
        state,
        id: "out".into(),
        on_action,
    })
    .await;
    let printed = text(&root, ".print");
    assert!(printed.contains("Time: 2000 ms"), "{printed}");
    let mut records: Vec<String> = all(&root, ".rec")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    records.sort();
    assert_eq!(records, vec!["(a,2)", "(b,2)", "(c,1)", "(x,1)"]);
}

#[wasm_bindgen_test]
async fn between_slides_the_window_keeps_its_last_rdd() {
    // Batch 2 is not a slide time of the 2 s slide: the panel says so and shows batch #1.
    let state = run_example("windowed-word-count", 3);
    let (on_action, _) = recorder();
    let root = mount::<NodePanel>(NodePanelProps {
        state,
        id: "counts".into(),
        on_action,
    })
    .await;
    let body = root.text_content().unwrap_or_default();
    assert!(body.contains("not a slide time"), "{body}");
    assert!(body.contains("batch #1"), "{body}");
    assert!(text(&root, ".print").contains("Time: 2000 ms"));
    assert_eq!(text(&root, ".rdd .count strong"), "4");
    assert_eq!(all(&root, ".part").len(), 2, "two partitions");
}

#[wasm_bindgen_test]
async fn a_node_run_inside_the_reduce_says_so_instead_of_a_time() {
    // words and pairs are pipelined into counts' per-batch reduce; counts runs on its own.
    let state = run_example("windowed-word-count", 2);
    for (id, fused) in [("words", true), ("pairs", true), ("counts", false)] {
        let (on_action, _) = recorder();
        let root = mount::<NodePanel>(NodePanelProps {
            state: state.clone(),
            id: id.into(),
            on_action,
        })
        .await;
        let note = all(&root, "[data-testid=fused-into]");
        if fused {
            assert_eq!(
                note.first().and_then(|e| e.text_content()).as_deref(),
                Some("pipelined into counts: its time is counted there"),
                "{id}"
            );
        } else {
            assert!(note.is_empty(), "{id}");
            assert!(text(&root, ".rdd").contains(" ms"), "{id}");
        }
    }
}

#[wasm_bindgen_test]
async fn a_followed_record_marks_exactly_the_engines_lineage() {
    // Batch #1 is ["b c"]; counts covers ["x a b", "a"] and ["b c"] at t = 2000 ms.
    let state = apply(
        run_example("windowed-word-count", 2),
        Action::Follow(Some(Followed {
            node: "lines".into(),
            record: Value::str("b c"),
        })),
    );
    let (on_action, _) = recorder();
    let root = mount::<NodePanel>(NodePanelProps {
        state: state.clone(),
        id: "counts".into(),
        on_action: on_action.clone(),
    })
    .await;
    let mut lit: Vec<String> = all(&root, ".rec.lit")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    lit.sort();
    assert_eq!(lit, vec!["(b,2)", "(c,1)"]);
    assert_eq!(
        all(&root, ".rec").len(),
        4,
        "the other keys are shown, unmarked"
    );
    assert_eq!(
        text(&root, "[data-testid=derived-counts]"),
        "2 records derive from it"
    );
    // A node the record does not reach (upstream) shows no share.
    let upstream = mount::<NodePanel>(NodePanelProps {
        state,
        id: "lines".into(),
        on_action,
    })
    .await;
    assert_eq!(
        all(&upstream, ".rec.lit").len(),
        1,
        "the followed line itself"
    );
    let unfollowed = apply(run_example("windowed-word-count", 2), Action::Follow(None));
    let (on_action, _) = recorder();
    let plain = mount::<NodePanel>(NodePanelProps {
        state: unfollowed,
        id: "counts".into(),
        on_action,
    })
    .await;
    assert!(all(&plain, ".rec.lit").is_empty());
    assert!(all(&plain, ".derived").is_empty());
}

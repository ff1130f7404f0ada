//! Component test (headless Chromium): a node's panel shows its RDD (count, partitions) and
//! what it printed in Spark's `print()` format, and keeps the last firing of a window.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_engine::Value;
use dstream_playground::state::{Action, Followed};
use dstream_playground::ui::node_panel::NodePanel;
use dstream_playground::ui::props;
use ui_support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_output_prints_like_spark_with_the_time_header() {
    let sim = run_example("windowed-word-count", 2);
    let (on_action, _) = recorder();
    let root =
        mount::<NodePanel>(props::node_panel(&sim.state, "out", on_action).expect("the node"))
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
    // Batch 2 (t = 3 s) is not a slide time of the 2 s slide: the panel says so and shows the
    // RDD of t = 2 s, as records (only an output op prints).
    let sim = run_example("windowed-word-count", 3);
    let (on_action, _) = recorder();
    let root =
        mount::<NodePanel>(props::node_panel(&sim.state, "counts", on_action).expect("the node"))
            .await;
    let job = text(&root, "[data-testid=job-counts]");
    assert!(
        job.contains("t = 3 s is not one of its slide times"),
        "{job}"
    );
    assert_eq!(
        text(&root, ".records-head"),
        "its RDD of t = 2 s (batch #1)"
    );
    assert!(
        all(&root, ".print").is_empty(),
        "a window is not an output: no print() block"
    );
    assert_eq!(all(&root, ".records .rec").len(), 4);
    assert_eq!(text(&root, ".rdd .count strong"), "4");
    assert_eq!(all(&root, ".part").len(), 2, "two partitions");
}

#[wasm_bindgen_test]
async fn upstream_of_a_window_an_rdd_is_computed_by_the_next_slides_job() {
    // The queue's RDD of t = 3 s is defined then, but only the window's job at t = 4 s needs it.
    let mut sim = run_example("windowed-word-count", 3);
    let (on_action, _) = recorder();
    let root =
        mount::<NodePanel>(props::node_panel(&sim.state, "lines", on_action).expect("the node"))
            .await;
    let job = text(&root, "[data-testid=job-lines]");
    assert!(
        job.contains("defined at t = 3 s, not computed yet"),
        "{job}"
    );
    sim.step();
    let (on_action, _) = recorder();
    let root =
        mount::<NodePanel>(props::node_panel(&sim.state, "lines", on_action).expect("the node"))
            .await;
    let job = text(&root, "[data-testid=job-lines]");
    assert!(job.contains("computed by out's job at t = 4 s"), "{job}");
    assert!(
        job.contains("its RDD defined at t = 3 s (batch #2) was computed by out's job at t = 4 s"),
        "{job}"
    );
}

#[wasm_bindgen_test]
async fn a_node_no_output_reads_is_not_computed_and_may_be_peeked_at() {
    let mut sim = run_example("windowed-word-count", 0);
    sim.act(Action::Select(Some("pairs".into())));
    sim.act(Action::AddNode("filter".into()));
    assert!(
        sim.state.spec_errors.is_empty(),
        "{:?}",
        sim.state.spec_errors
    );
    sim.steps(2);
    let (on_action, seen) = recorder();
    let root =
        mount::<NodePanel>(props::node_panel(&sim.state, "filter", on_action).expect("the node"))
            .await;
    assert_eq!(
        text(&root, "[data-testid=job-filter]"),
        "not computed: no output operation uses it (DStreams are lazy)"
    );
    assert!(
        all(&root, ".records .rec").is_empty(),
        "nothing computed, nothing shown"
    );
    fire(&one(&root, "[data-testid=peek-button-filter]"), "click");
    settle().await;
    assert!(
        matches!(seen.borrow().last(), Some(Action::Peek(n)) if n == "filter"),
        "{:?}",
        seen.borrow()
    );
    sim.act(Action::Peek("filter".into()));
    let (on_action, _) = recorder();
    let root =
        mount::<NodePanel>(props::node_panel(&sim.state, "filter", on_action).expect("the node"))
            .await;
    let peek = text(&root, "[data-testid=peek-filter]");
    assert!(
        peek.contains("records in 2 partitions at t = 2 s"),
        "{peek}"
    );
    assert_eq!(
        all(&root, ".rec.peeked").len(),
        2,
        "the pairs of batch #1: (b,1) and (c,1)"
    );
}

#[wasm_bindgen_test]
async fn a_node_run_inside_the_reduce_says_so_instead_of_a_time() {
    // words and pairs are pipelined into counts' per-batch reduce; counts runs on its own.
    let sim = run_example("windowed-word-count", 2);
    for (id, fused) in [("words", true), ("pairs", true), ("counts", false)] {
        let (on_action, _) = recorder();
        let root =
            mount::<NodePanel>(props::node_panel(&sim.state, id, on_action).expect("the node"))
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
    let mut sim = run_example("windowed-word-count", 2);
    sim.act(Action::Follow(Some(Followed {
        node: "lines".into(),
        record: Value::str("b c"),
    })));
    let (on_action, _) = recorder();
    let root = mount::<NodePanel>(
        props::node_panel(&sim.state, "counts", on_action.clone()).expect("the node"),
    )
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
    let upstream =
        mount::<NodePanel>(props::node_panel(&sim.state, "lines", on_action).expect("the node"))
            .await;
    assert_eq!(
        all(&upstream, ".rec.lit").len(),
        1,
        "the followed line itself"
    );
    let mut unfollowed = run_example("windowed-word-count", 2);
    unfollowed.act(Action::Follow(None));
    let (on_action, _) = recorder();
    let plain = mount::<NodePanel>(
        props::node_panel(&unfollowed.state, "counts", on_action).expect("the node"),
    )
    .await;
    assert!(all(&plain, ".rec.lit").is_empty());
    assert!(all(&plain, ".derived").is_empty());
}

//! Browser test: the root component renders the page a learner sees (header, gallery, one set
//! of controls, the DAG) and its step button runs the engine (the worker's host, here in
//! process behind the page's link).
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_playground::app::{App, AppProps};
use dstream_playground::sim::InProcessLink;
use ui_support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Waits (a bounded number of renders) until the batch counter shows `n`.
async fn counter_reaches(root: &web_sys::Element, n: &str) {
    for _ in 0..100 {
        if text(root, "[data-testid=batch-counter]") == n {
            return;
        }
        settle().await;
    }
    assert_eq!(text(root, "[data-testid=batch-counter]"), n);
}

#[wasm_bindgen_test]
async fn the_page_is_the_playground_with_one_set_of_controls() {
    let root = mount::<App>(AppProps {
        connect: InProcessLink::connect,
    })
    .await;
    assert_eq!(text(&root, "h1"), "DStream Playground");
    let page = root.text_content().unwrap_or_default();
    assert!(page.contains("micro-batch"), "tagline missing: {page}");
    assert!(
        all(&root, "[data-testid^=example-]").len() >= 6,
        "the gallery lists the examples"
    );
    // The default example's DAG, node by node.
    for id in ["lines", "words", "pairs", "counts", "out"] {
        assert_eq!(
            all(&root, &format!("[data-testid=dag] [data-testid=node-{id}]")).len(),
            1,
            "DAG node {id}"
        );
    }
    // One transport bar: the playground's. No second clock with its own buttons.
    for control in ["play", "pause", "step", "reset", "speed", "batch-counter"] {
        assert_eq!(
            all(&root, &format!("[data-testid={control}]")).len(),
            1,
            "{control}"
        );
    }
    let buttons: Vec<String> = all(&root, "button")
        .iter()
        .filter_map(|b| b.text_content())
        .collect();
    for word in ["Play", "Step", "Reset"] {
        let n = buttons
            .iter()
            .filter(|b| b.trim_start_matches(|c: char| !c.is_alphanumeric()).trim() == word)
            .count();
        assert_eq!(n, 1, "one {word} button on the page: {buttons:?}");
    }
    assert!(!page.contains("Under the hood") && !page.contains("Batch clock"));
    assert!(!page.contains("no batch yet: the first one runs"), "{page}");
}

#[wasm_bindgen_test]
async fn stepping_runs_the_engine_and_the_window_prints_what_spark_prints() {
    let root = mount::<App>(AppProps {
        connect: InProcessLink::connect,
    })
    .await;
    assert_eq!(text(&root, "[data-testid=batch-counter]"), "0");
    fire(&one(&root, "[data-testid=step]"), "click");
    counter_reaches(&root, "1").await;
    fire(&one(&root, "[data-testid=step]"), "click");
    counter_reaches(&root, "2").await;
    // Batches ["x a b", "a"] and ["b c"]: the 4 s window counts them at t = 2000 ms, and
    // print() writes the JVM's toString of each pair.
    let out = text(&root, "[data-testid=output-out] .print");
    assert!(out.contains("Time: 2000 ms"), "{out}");
    for pair in ["(a,2)", "(b,2)", "(c,1)", "(x,1)"] {
        assert!(out.contains(pair), "{pair} missing from {out}");
    }
}

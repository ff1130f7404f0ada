//! Component test (headless Chromium): the DAG draws a box per node with the latest count,
//! edges labelled with the inferred record types, and selects a node on click.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use std::collections::HashSet;

use dstream_playground::state::Action;
use dstream_playground::ui::dag::Dag;
use dstream_playground::ui::props;
use ui_support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn every_node_has_a_box_and_every_edge_its_record_type() {
    let sim = run_example("windowed-word-count", 2);
    let (on_action, _) = recorder();
    let root = mount::<Dag>(props::dag(&sim.state, on_action)).await;
    for id in ["lines", "words", "pairs", "counts", "out"] {
        one(&root, &format!("[data-testid=node-{id}]"));
    }
    let types: Vec<String> = all(&root, ".edge-type")
        .iter()
        .map(|e| e.get_attribute("data-type").unwrap_or_default())
        .collect();
    // lines→words and words→pairs carry String; pairs→counts and counts→out (String, Int).
    assert_eq!(types.len(), 4);
    assert_eq!(
        types.iter().filter(|t| t.as_str() == "String").count(),
        2,
        "{types:?}"
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| t.as_str() == "(String, Int)")
            .count(),
        2,
        "{types:?}"
    );
    // After batch 1 the window fired with 4 keys.
    assert_eq!(text(&root, "[data-testid=node-counts] .badge"), "4");
    // Layered layout: no two boxes at the same place.
    let places: HashSet<String> = all(&root, ".node")
        .iter()
        .filter_map(|n| n.get_attribute("transform"))
        .collect();
    assert_eq!(places.len(), 5);
}

#[wasm_bindgen_test]
async fn clicking_a_node_selects_it() {
    let sim = run_example("join-streams", 0);
    let (on_action, seen) = recorder();
    let root = mount::<Dag>(props::dag(&sim.state, on_action)).await;
    fire(&one(&root, "[data-testid=node-joined]"), "click");
    settle().await;
    assert!(
        matches!(seen.borrow().last(), Some(Action::Select(Some(id))) if id == "joined"),
        "{:?}",
        seen.borrow()
    );
}

#[wasm_bindgen_test]
async fn a_followed_record_lights_the_nodes_it_reaches_with_their_counts() {
    // Follow the word "c" of batch #1 (["b c"]): upstream `lines` is not part of it.
    let mut sim = run_example("windowed-word-count", 2);
    sim.act(Action::Follow(Some(dstream_playground::state::Followed {
        node: "words".into(),
        record: dstream_engine::Value::str("c"),
    })));
    let (on_action, _) = recorder();
    let root = mount::<Dag>(props::dag(&sim.state, on_action)).await;
    let lit: HashSet<String> = all(&root, ".node.lit")
        .iter()
        .filter_map(|e| e.get_attribute("data-testid"))
        .collect();
    let want: HashSet<String> = ["words", "pairs", "counts", "out"]
        .iter()
        .map(|id| format!("node-{id}"))
        .collect();
    assert_eq!(lit, want);
    assert_eq!(
        text(&root, "[data-testid=derived-count-counts]").trim(),
        "↳ 1 derives"
    );
    assert!(all(&root, "[data-testid=derived-count-lines]").is_empty());
}

//! Component test (headless Chromium): the time axis of the windowed word count shows the
//! window firing on every second batch, the batches it covers, and for the inverse window
//! the batches added and subtracted.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_playground::ui::timeline::{Timeline, TimelineProps};
use ui_support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_window_fires_on_every_second_batch_and_shows_what_it_covers() {
    let state = run_example("windowed-word-count", 6);
    let (on_action, _) = recorder();
    let root = mount::<Timeline>(TimelineProps { state, on_action }).await;

    let row = one(&root, "[data-testid=window-counts]");
    let fired: Vec<String> = all(&row, ".fire text")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    // Batches 1, 3, 5 fire (t = 2 s, 4 s, 6 s) with 4, 5 and 5 keys (Spark's counts).
    assert_eq!(fired, vec!["4", "5", "5"]);
    assert_eq!(
        all(&row, ".no-fire").len(),
        3,
        "batches 0, 2, 4 compute nothing"
    );
    assert_eq!(all(&row, ".bracket").len(), 3, "one bracket per firing");
    assert_eq!(all(&row, ".bracket.latest").len(), 1);
    assert_eq!(
        all(&row, ".delta.added").len(),
        2,
        "batches #4 and #5 enter"
    );
    assert_eq!(
        all(&row, ".delta.removed").len(),
        2,
        "batches #0 and #1 leave"
    );
    assert_eq!(
        all(&root, ".cover-band").len(),
        4,
        "the window covers four batches"
    );
    let caption = text(&root, ".timeline-caption");
    assert!(
        caption.contains("covers batches #2, #3, #4, #5") && caption.contains("subtracted #0, #1"),
        "{caption}"
    );
}

#[wasm_bindgen_test]
async fn each_batch_column_draws_its_input_records_as_marbles() {
    // Queue batches 0..=5 hold 2, 1, 1, 0, 1, 1 lines.
    let state = run_example("windowed-word-count", 6);
    let (on_action, seen) = recorder();
    let root = mount::<Timeline>(TimelineProps { state, on_action }).await;
    let counts: Vec<String> = all(&root, ".source-row .col-count")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert_eq!(counts, vec!["2", "1", "1", "0", "1", "1"]);
    let marbles = all(&root, ".marble");
    assert_eq!(marbles.len(), 6);
    fire(&marbles[0], "click");
    settle().await;
    let seen = seen.borrow();
    assert!(
        matches!(seen.last(), Some(dstream_playground::state::Action::Follow(Some(f))) if f.node == "lines"),
        "clicking a marble follows its record: {seen:?}"
    );
}

#[wasm_bindgen_test]
async fn a_firehose_batch_is_drawn_as_a_bounded_sample() {
    let state = run_example("firehose", 2);
    let (on_action, _) = recorder();
    let root = mount::<Timeline>(TimelineProps { state, on_action }).await;
    let marbles = all(&root, ".marble").len();
    assert!(
        marbles <= 2 * dstream_playground::ui::timeline::MAX_MARBLES,
        "{marbles} marbles drawn"
    );
    assert!(marbles > 0);
    // The column shows the batch's full count, and its tooltip that only a sample is drawn.
    let count = one(&root, ".source-row .col-count.sampled");
    assert_eq!(
        count.text_content().unwrap_or_default(),
        "24 of 100000 records drawn100k"
    );
}

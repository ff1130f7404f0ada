//! Component test (headless Chromium): the time axis of the windowed word count shows the
//! window firing on every second batch, the batches it covers, and for the inverse window
//! the batches added and subtracted.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_playground::ui::props;
use dstream_playground::ui::timeline::Timeline;
use ui_support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_window_fires_on_every_second_batch_and_shows_what_it_covers() {
    let sim = run_example("windowed-word-count", 6);
    let (on_action, _) = recorder();
    let root = mount::<Timeline>(props::timeline(&sim.state, on_action)).await;

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
    let sim = run_example("windowed-word-count", 6);
    let (on_action, seen) = recorder();
    let root = mount::<Timeline>(props::timeline(&sim.state, on_action)).await;
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
    let sim = run_example("firehose", 2);
    let (on_action, _) = recorder();
    let root = mount::<Timeline>(props::timeline(&sim.state, on_action)).await;
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

fn meta(batches_run: u64) -> dstream_playground::storage::CheckpointMeta {
    dstream_playground::storage::CheckpointMeta {
        key: format!("checkpoint/session/{batches_run:012}"),
        batches_run,
        time_ms: batches_run * 1000,
        bytes: 1500,
    }
}

/// The horizontal centre of an element's bounding box on the page.
fn centre_x(el: &web_sys::Element) -> f64 {
    use wasm_bindgen::JsCast;
    use web_sys::js_sys::{Function, Reflect};
    let rect = Reflect::get(el, &"getBoundingClientRect".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(el).ok())
        .expect("a bounding box");
    let get = |k: &str| {
        Reflect::get(&rect, &k.into())
            .ok()
            .and_then(|v| v.as_f64())
            .expect("a number")
    };
    get("x") + get("width") / 2.0
}

/// A bubbling `keydown` of `key` on the element.
fn press(el: &web_sys::Element, key: &str) {
    use wasm_bindgen::JsCast;
    use web_sys::js_sys::{Array, Function, Object, Reflect};
    let ctor: Function = Reflect::get(&web_sys::js_sys::global(), &"KeyboardEvent".into())
        .ok()
        .and_then(|c| c.dyn_into().ok())
        .expect("KeyboardEvent");
    let init = Object::new();
    let _ = Reflect::set(&init, &"key".into(), &key.into());
    let _ = Reflect::set(&init, &"bubbles".into(), &true.into());
    let event = Reflect::construct(&ctor, &Array::of2(&"keydown".into(), &init)).expect("event");
    el.dispatch_event(event.unchecked_ref()).expect("dispatch");
}

fn travelled_to(seen: &[dstream_playground::state::Action]) -> Option<String> {
    use dstream_playground::state::CheckpointAction;
    match seen.last() {
        Some(dstream_playground::state::Action::Checkpoint(CheckpointAction::TravelTo(key))) => {
            Some(key.clone())
        }
        _ => None,
    }
}

#[wasm_bindgen_test]
async fn snapshot_marks_sit_on_their_batch_columns_and_rewind_when_clicked_or_pressed() {
    let sim = run_example("windowed-word-count", 6);
    let (on_action, seen) = recorder();
    let mut p = props::timeline(&sim.state, on_action);
    p.checkpoints.kept = vec![meta(2), meta(4), meta(6)];
    p.checkpoints.damaged.insert(meta(6).key);
    p.checkpoints.state_keys.insert(4, 5);
    let root = mount::<Timeline>(p).await;

    // A snapshot after n batches is taken at batch n - 1's time: its mark is on that column.
    for (n, batch) in [(2, 1), (4, 3), (6, 5)] {
        let mark = one(&root, &format!("[data-testid=snapshot-{n}]"));
        let column = one(&root, &format!("[data-testid=batch-col-{batch}]"));
        let (m, c) = (centre_x(&mark), centre_x(&column));
        assert!(
            (m - c).abs() <= 1.0,
            "snapshot-{n}: mark at {m}, column at {c}"
        );
    }
    let class = |n: u64| {
        one(&root, &format!("[data-testid=snapshot-{n}]"))
            .get_attribute("class")
            .unwrap_or_default()
    };
    assert!(class(6).contains("damaged"), "{}", class(6));
    assert!(
        class(4).contains("newest"),
        "the newest good one: {}",
        class(4)
    );
    assert!(!class(2).contains("newest") && !class(2).contains("damaged"));
    let tip = text(&root, "[data-testid=snapshot-4] title");
    for part in ["after batch #3", "t = 4 s", "1.5 kB", "5 keys of state"] {
        assert!(tip.contains(part), "{part} in {tip}");
    }
    assert!(text(&root, "[data-testid=snapshot-6] title").starts_with("checkpoint-6000: damaged"));
    let mark = one(&root, "[data-testid=snapshot-4]");
    assert_eq!(mark.get_attribute("role").as_deref(), Some("button"));
    assert_eq!(mark.get_attribute("tabindex").as_deref(), Some("0"));

    fire(&mark, "click");
    settle().await;
    assert_eq!(travelled_to(&seen.borrow()), Some(meta(4).key));
    press(&one(&root, "[data-testid=snapshot-2]"), "Enter");
    settle().await;
    assert_eq!(travelled_to(&seen.borrow()), Some(meta(2).key));
}

#[wasm_bindgen_test]
async fn marks_move_with_their_batches_as_the_axis_slides_and_the_rest_are_listed_under_it() {
    use dstream_playground::ui::checkpoint_bar::CheckpointBar;
    // 20 batches: the axis shows the last 12 (#8..#19).
    let sim = run_example("windowed-word-count", 20);
    let (on_action, seen) = recorder();
    let kept = vec![meta(6), meta(10), meta(16)];
    let mut p = props::timeline(&sim.state, on_action.clone());
    p.checkpoints.kept = kept.clone();
    let root = mount::<Timeline>(p).await;
    assert!(root
        .query_selector("[data-testid=batch-col-7]")
        .ok()
        .flatten()
        .is_none());
    for (n, batch) in [(10, 9), (16, 15)] {
        let m = centre_x(&one(&root, &format!("[data-testid=snapshot-{n}]")));
        let c = centre_x(&one(&root, &format!("[data-testid=batch-col-{batch}]")));
        assert!(
            (m - c).abs() <= 1.0,
            "snapshot-{n}: mark at {m}, column at {c}"
        );
    }
    assert!(
        root.query_selector("[data-testid=snapshot-6]")
            .ok()
            .flatten()
            .is_none(),
        "batch #5 has scrolled off the axis"
    );
    assert!(text(&root, "[data-testid=snapshot-hidden]").ends_with("+1 ↓"));
    // The checkpoint bar lists the one off the axis, and it still rewinds.
    let mut p = props::checkpoint_bar(&sim.state, on_action);
    p.checkpoints.kept = kept;
    let bar = mount::<CheckpointBar>(p).await;
    assert_eq!(all(&bar, ".snapshot-chip").len(), 1, "{}", bar.inner_html());
    fire(&one(&bar, "[data-testid=snapshot-6]"), "click");
    settle().await;
    assert_eq!(travelled_to(&seen.borrow()), Some(meta(6).key));

    // Just restored (no batch run since): the axis starts at the restored snapshot's batch.
    let restored = run_example("windowed-word-count", 0);
    let (on_action, _) = recorder();
    let mut p = props::timeline(&restored.state, on_action);
    p.batches_run = 6;
    p.checkpoints.kept = vec![meta(6)];
    let root = mount::<Timeline>(p).await;
    let m = centre_x(&one(&root, "[data-testid=snapshot-6]"));
    let c = centre_x(&one(&root, "[data-testid=batch-col-5]"));
    assert!((m - c).abs() <= 1.0, "mark at {m}, column at {c}");
}

#[wasm_bindgen_test]
async fn a_count_window_shows_its_count_not_its_one_record() {
    // LogAlarmer: err_count (countByWindow) fires every 2 s with one record, the count.
    let sim = run_example("log-alarmer", 6);
    let (on_action, _) = recorder();
    let root = mount::<Timeline>(props::timeline(&sim.state, on_action)).await;
    let shown: Vec<String> = all(&one(&root, "[data-testid=window-err_count]"), ".fire")
        .iter()
        .filter_map(|e| e.get_attribute("data-value"))
        .collect();
    let counts: Vec<String> = sim
        .state
        .run
        .history
        .iter()
        .filter_map(|v| {
            v.report
                .nodes
                .iter()
                .find(|r| r.id == "err_count" && r.fired)
        })
        // An empty RDD (a window that never had data) has no value: ∅.
        .map(|r| r.sample.first().map_or("∅".to_string(), |v| v.to_string()))
        .collect();
    assert_eq!(shown.len(), 3, "it fires at t = 2, 4, 6 s");
    assert_eq!(shown, counts);
    assert!(
        shown.iter().any(|c| c != "1"),
        "the counts, not one record each: {shown:?}"
    );
}

#[wasm_bindgen_test]
async fn a_batch_upstream_of_a_window_waits_for_the_next_slide_to_be_computed() {
    // t = 5 s is not a slide time of the 2 s window: no job computes the queue's RDD of batch
    // #4 yet, so its column says so instead of drawing records; the job at t = 6 s computes it.
    let mut sim = run_example("windowed-word-count", 5);
    let (on_action, _) = recorder();
    let root = mount::<Timeline>(props::timeline(&sim.state, on_action)).await;
    let pending = one(&root, "[data-testid=pending-lines-4]");
    assert!(text(&pending, "title").contains("not computed yet"));
    sim.step();
    let (on_action, _) = recorder();
    let root = mount::<Timeline>(props::timeline(&sim.state, on_action)).await;
    assert!(all(&root, "[data-testid=pending-lines-4]").is_empty());
    let counts: Vec<String> = all(&root, ".source-row .col-count")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    assert_eq!(counts, vec!["2", "1", "1", "0", "1", "1"]);
}

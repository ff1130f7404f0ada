//! Browser test: checkpoints through real IndexedDB in the browser, with the page's own run
//! model (reducer, worker host in process, `storage::serve`): written, recovered on reload
//! and continued like an uninterrupted run; a corrupted, truncated or unknown-version
//! snapshot is named and the last good one used; a version-1 snapshot is migrated and the
//! run continues; a refused write leaves the last good snapshot the latest; only the newest
//! kept; one slot per pipeline, a bounded number of them, each with its kept interval;
//! Reset deletes the pipeline's checkpoints.
#![cfg(target_arch = "wasm32")]

mod ui_support;

use dstream_engine::checkpoint::pipeline_key;
use dstream_engine::{Engine, PipelineSpec};
use dstream_playground::state::{Action, CheckpointAction, State, Status};
use dstream_playground::storage::{snapshot_key, Storage, KEEP, MAX_PIPELINES};
use ui_support::Page;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const PIPELINE: &str = r#"{"version": 1, "batch_interval_ms": 1000, "ticks": 8, "nodes": [
    {"id": "lines", "op": "queueStream", "batches": [["a b", "a"], ["b c"], ["a"], ["c c"], ["b"], [], ["a a"], ["c"]]},
    {"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": "_.split(\" \")"},
    {"id": "pairs", "op": "map", "inputs": ["words"], "fn": "w => (w, 1)"},
    {"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"], "fn": "_ + _", "inverse": "_ - _", "window_ms": 3000},
    {"id": "totals", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.sum + s.getOrElse(0))"},
    {"id": "out", "op": "foreachRDD", "inputs": ["counts"], "action": "collect"},
    {"id": "out2", "op": "foreachRDD", "inputs": ["totals"], "action": "collect"}]}"#;

fn engine() -> Engine {
    Engine::from_json(PIPELINE).expect("valid pipeline")
}

/// The pipeline's checkpoint slot.
fn wc() -> String {
    pipeline_key(&PipelineSpec::from_json(PIPELINE).expect("valid"))
}

fn lines(e: &mut Engine, n: u64) -> Vec<String> {
    (0..n)
        .flat_map(|_| e.tick().expect("tick").outputs)
        .map(|l| l.to_json_line())
        .collect()
}

async fn fresh_db(name: &str) -> Storage {
    Storage::delete_database(name)
        .await
        .expect("clear old test db");
    Storage::open(name).await.expect("open")
}

/// The gallery's first example, as the page opens it, checkpointing every 2 batches for 6
/// batches: its snapshots after batches 2, 4 and 6 are in IndexedDB `db`.
async fn six_batches(db: &str) -> (Page, String) {
    fresh_db(db).await.close();
    let mut page = Page::open(db).await;
    page.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))))
    .await;
    page.step(6).await;
    let slot = page.state.checkpoints.pipeline.clone();
    let storage = Storage::open(db).await.expect("open");
    let kept = storage.checkpoints(&slot).await.expect("index");
    storage.close();
    assert_eq!(
        kept.iter().map(|m| m.batches_run).collect::<Vec<_>>(),
        [2, 4, 6]
    );
    (page, slot)
}

/// The same example, never interrupted, after `n` batches.
async fn uninterrupted(n: usize) -> Vec<String> {
    let db = "test-ckpt-uninterrupted";
    fresh_db(db).await.close();
    let mut page = Page::open(db).await;
    page.step(n).await;
    page.printed("out")
}

fn info(s: &State) -> String {
    match &s.checkpoints.status {
        Some(Status::Info(t)) => t.clone(),
        other => panic!("an info status, got {other:?}"),
    }
}

fn error(s: &State) -> String {
    match &s.checkpoints.status {
        Some(Status::Error(t)) => t.clone(),
        other => panic!("an error status, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_reload_recovers_the_newest_checkpoint_and_continues_like_an_uninterrupted_run() {
    let (_, _) = six_batches("test-ckpt-roundtrip").await;
    let mut page = Page::open("test-ckpt-roundtrip").await;
    assert_eq!(page.state.clock(), (6, 6000));
    let text = info(&page.state);
    assert!(
        text.contains("checkpoint-6000") && text.contains("getOrCreate"),
        "{text}"
    );
    page.step(2).await;
    assert_eq!(page.state.run.batches_run, 8);
    let want = uninterrupted(8).await;
    assert!(!want.is_empty());
    assert_eq!(page.printed("out"), want);
}

#[wasm_bindgen_test]
async fn a_damaged_newest_snapshot_is_named_and_the_last_good_one_used() {
    let db = "test-ckpt-corrupt";
    let (_, slot) = six_batches(db).await;
    let storage = Storage::open(db).await.expect("open");
    let newest = snapshot_key(&slot, 6);
    let good = storage
        .checkpoint_bytes(&newest)
        .await
        .expect("read")
        .expect("stored");
    let cases: [(Vec<u8>, &str); 3] = [
        (
            {
                let mut b = good.clone();
                let last = b.len() - 1;
                b[last] ^= 0x10;
                b
            },
            "corrupted",
        ),
        (good[..good.len() - 7].to_vec(), "truncated"),
        (
            {
                let mut b = good.clone();
                b[8..12].copy_from_slice(&0u32.to_le_bytes());
                b
            },
            "version 0",
        ),
    ];
    for (bytes, needle) in cases {
        storage
            .put_checkpoint_bytes(&newest, &bytes)
            .await
            .expect("damage");
        let page = Page::open(db).await;
        assert_eq!(page.state.clock(), (4, 4000), "{needle}");
        let text = error(&page.state);
        assert!(
            text.contains(needle) && text.contains("checkpoint-6000"),
            "{needle}: {text}"
        );
        assert!(text.contains("Recovered from checkpoint-4000"), "{text}");
        assert!(page.state.checkpoints.damaged.contains(&newest));
    }
    // Every one damaged: nothing usable, every reason named, and a new context.
    for n in [2, 4] {
        storage
            .put_checkpoint_bytes(&snapshot_key(&slot, n), b"garbage")
            .await
            .expect("damage");
    }
    storage.close();
    let page = Page::open(db).await;
    assert_eq!(page.state.clock(), (0, 0));
    let text = error(&page.state);
    assert!(text.contains("not a checkpoint snapshot"), "{text}");
    assert!(text.contains("getOrCreate created a new context"), "{text}");
}

#[wasm_bindgen_test]
async fn a_refused_write_keeps_the_last_good_snapshot_latest() {
    let db = "test-ckpt-refused";
    let (_, slot) = six_batches(db).await;
    let storage = Storage::open(db).await.expect("open");
    // IndexedDB cannot store a function: the write fails inside its transaction, as a quota
    // refusal would.
    let unstorable: wasm_bindgen::JsValue = web_sys::js_sys::Function::new_no_args("").into();
    let r = storage
        .write_checkpoint_value(&slot, 8, 8000, 10, &unstorable)
        .await;
    let err = r.expect_err("the write is refused");
    assert!(
        err.to_string().contains(&format!("checkpoint/{slot}/")),
        "{err}"
    );
    let index = storage.checkpoints(&slot).await.expect("index");
    storage.close();
    assert_eq!(
        index.iter().map(|m| m.batches_run).collect::<Vec<_>>(),
        [2, 4, 6]
    );
    let page = Page::open(db).await;
    assert_eq!(
        page.state.clock(),
        (6, 6000),
        "the last good one is recovered"
    );
}

#[wasm_bindgen_test]
async fn only_the_newest_snapshots_are_kept_and_a_rewind_replaces_later_ones() {
    let storage = fresh_db("test-ckpt-keep").await;
    let mut e = engine();
    for b in 1..=(KEEP as u64 + 2) {
        lines(&mut e, 1);
        storage
            .write_checkpoint(&wc(), b, b * 1000, &e.snapshot().to_bytes())
            .await
            .expect("write");
    }
    let index = storage.checkpoints(&wc()).await.expect("index");
    assert_eq!(index.len(), KEEP);
    assert_eq!(index[0].batches_run, 3);
    assert!(storage
        .checkpoint_bytes(&snapshot_key(&wc(), 1))
        .await
        .expect("read")
        .is_none());
    // Rewound to batch 4 and run again: the snapshots after it belong to the old future.
    let index = storage
        .write_checkpoint(&wc(), 4, 4000, &e.snapshot().to_bytes())
        .await
        .expect("write");
    assert_eq!(
        index.iter().map(|m| m.batches_run).collect::<Vec<_>>(),
        [3, 4]
    );
    assert!(storage
        .checkpoint_bytes(&snapshot_key(&wc(), 5))
        .await
        .expect("read")
        .is_none());
    storage.close();
}

/// The gallery's windowed word count after 6 batches, written by the version-1 engine.
const V1_FIXTURE: &[u8] =
    include_bytes!("../engine/tests/fixtures/snapshot-v1/windowed-word-count-after-6.snap");

#[wasm_bindgen_test]
async fn a_stored_version_1_snapshot_is_migrated_recovered_by_the_page_and_continues() {
    let db = "test-ckpt-migrate";
    let storage = fresh_db(db).await;
    let example = State::default();
    assert_eq!(example.example.as_deref(), Some("windowed-word-count"));
    let key = pipeline_key(&example.spec);
    storage
        .write_checkpoint(&key, 6, 6000, V1_FIXTURE)
        .await
        .expect("write the version-1 bytes");
    assert_eq!(
        storage
            .checkpoint_bytes(&snapshot_key(&key, 6))
            .await
            .expect("read"),
        Some(V1_FIXTURE.to_vec()),
        "stored as the version-1 engine wrote it"
    );
    storage.close();
    let mut page = Page::open(db).await;
    assert_eq!(page.state.clock(), (6, 6000));
    let text = info(&page.state);
    assert!(
        text.contains("Recovered from checkpoint-6000 (written by format version 1, migrated)"),
        "{text}"
    );
    page.step(2).await;
    assert_eq!(page.state.run.batches_run, 8);
    let want = uninterrupted(8).await;
    assert!(!want.is_empty());
    assert_eq!(page.printed("out"), want);
}

#[wasm_bindgen_test]
async fn a_snapshot_filed_under_another_pipeline_is_refused() {
    let db = "test-ckpt-misfiled";
    let storage = fresh_db(db).await;
    let mut e = engine();
    lines(&mut e, 3);
    storage
        .write_checkpoint("0123456789abcdef", 3, 3000, &e.snapshot().to_bytes())
        .await
        .expect("write");
    storage.close();
    let page = Page::open(db).await;
    assert_eq!(
        page.state.clock(),
        (0, 0),
        "another pipeline's snapshot is not restored"
    );
    let text = error(&page.state);
    assert!(
        text.contains(&wc()) && text.contains("filed under"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn reset_deletes_the_pipelines_checkpoints_so_a_reload_starts_anew() {
    let db = "test-ckpt-reset";
    let (mut page, slot) = six_batches(db).await;
    page.act(Action::Reset).await;
    assert!(page.state.confirm_reset, "it asks first");
    page.act(Action::ConfirmReset(true)).await;
    let storage = Storage::open(db).await.expect("open");
    assert!(storage.checkpoints(&slot).await.expect("index").is_empty());
    assert!(storage
        .checkpoint_bytes(&snapshot_key(&slot, 6))
        .await
        .expect("read")
        .is_none());
    storage.close();
    let page = Page::open(db).await;
    assert_eq!(page.state.clock(), (0, 0));
}

#[wasm_bindgen_test]
async fn each_pipeline_has_its_slot_the_oldest_is_evicted_and_the_interval_is_kept() {
    let db = "test-ckpt-slots";
    let storage = fresh_db(db).await;
    let mut e = engine();
    lines(&mut e, 1);
    let bytes = e.snapshot().to_bytes();
    let keys: Vec<String> = (0..=MAX_PIPELINES).map(|i| format!("p{i:02}")).collect();
    storage
        .set_interval(&keys[1], Some(2000))
        .await
        .expect("interval");
    for k in &keys {
        storage
            .write_checkpoint(k, 1, 1000, &bytes)
            .await
            .expect("write");
    }
    // One more pipeline than the bound: the least recently used one lost its slot.
    let slots = storage.pipelines().await.expect("registry");
    assert_eq!(slots.len(), MAX_PIPELINES);
    assert!(slots.iter().all(|s| s.key != keys[0]));
    assert!(storage
        .checkpoints(&keys[0])
        .await
        .expect("index")
        .is_empty());
    assert!(storage
        .checkpoint_bytes(&snapshot_key(&keys[0], 1))
        .await
        .expect("read")
        .is_none());
    assert_eq!(storage.checkpoints(&keys[1]).await.expect("index").len(), 1);
    assert_eq!(
        storage.current_pipeline().await.expect("registry"),
        Some(keys[MAX_PIPELINES].clone())
    );
    storage.close();

    // After a reload (a new connection) the interval of its pipeline is still there.
    let reopened = Storage::open(db).await.expect("reopen");
    assert_eq!(reopened.interval(&keys[1]).await.expect("read"), Some(2000));
    assert_eq!(reopened.interval(&keys[2]).await.expect("read"), None);
    // Writing an older pipeline again makes it the current one.
    reopened
        .write_checkpoint(&keys[1], 2, 2000, &bytes)
        .await
        .expect("write");
    assert_eq!(
        reopened.current_pipeline().await.expect("registry"),
        Some(keys[1].clone())
    );
    reopened.close();
}

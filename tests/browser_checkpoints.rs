//! Browser test: checkpoint snapshots through real IndexedDB in Chromium: written, read back
//! and continued; a corrupted, truncated or unknown-version snapshot is named and the last
//! good one used; a version-1 snapshot is migrated and the app continues from it; a refused
//! write leaves the last good snapshot the latest; only the newest kept; one slot per
//! pipeline, a bounded number of them, each with its kept interval.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use dstream_engine::checkpoint::pipeline_key;
use dstream_engine::{Engine, PipelineSpec, Snapshot};
use dstream_playground::checkpointing::{CheckpointAction, Status};
use dstream_playground::state::{Action, Shared, State};
use dstream_playground::storage::{snapshot_key, Recovery, Storage, KEEP, MAX_PIPELINES};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use yew::Reducible;

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

/// Writes snapshots after batches 2 and 4; returns the storage and the two snapshots.
async fn two_checkpoints(db: &str) -> (Storage, Snapshot, Snapshot) {
    let storage = fresh_db(db).await;
    let mut e = engine();
    lines(&mut e, 2);
    let s2 = e.snapshot();
    storage
        .write_checkpoint(&wc(), 2, 2000, &s2.to_bytes())
        .await
        .expect("write 2");
    lines(&mut e, 2);
    let s4 = e.snapshot();
    let index = storage
        .write_checkpoint(&wc(), 4, 4000, &s4.to_bytes())
        .await
        .expect("write 4");
    assert_eq!(
        index.iter().map(|m| m.batches_run).collect::<Vec<_>>(),
        [2, 4]
    );
    (storage, s2, s4)
}

#[wasm_bindgen_test]
async fn a_written_snapshot_reads_back_and_continues_like_an_uninterrupted_run() {
    let (storage, _, s4) = two_checkpoints("test-ckpt-roundtrip").await;
    let Recovery::Restored {
        meta,
        snapshot,
        skipped,
    } = storage.get_or_create(&wc()).await
    else {
        panic!("a checkpoint exists");
    };
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!((meta.batches_run, meta.time_ms), (4, 4000));
    assert_eq!(snapshot, s4);
    let mut restored = Engine::restore(snapshot).expect("restore");
    let mut whole = engine();
    let all = lines(&mut whole, 8);
    let mut got = lines(&mut engine(), 4);
    got.extend(lines(&mut restored, 4));
    assert_eq!(got, all);
    // Another pipeline has no checkpoint: a new context.
    assert!(matches!(
        storage.get_or_create("other").await,
        Recovery::Fresh
    ));
    storage.close();
}

#[wasm_bindgen_test]
async fn a_damaged_newest_snapshot_is_named_and_the_last_good_one_used() {
    let (storage, s2, s4) = two_checkpoints("test-ckpt-corrupt").await;
    let key = storage.checkpoints(&wc()).await.expect("index")[1]
        .key
        .clone();
    let good = s4.to_bytes();
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
            .put_checkpoint_bytes(&key, &bytes)
            .await
            .expect("damage");
        let Recovery::Restored {
            meta,
            snapshot,
            skipped,
        } = storage.get_or_create(&wc()).await
        else {
            panic!("{needle}: the older snapshot is intact");
        };
        assert_eq!(meta.batches_run, 2, "{needle}");
        assert_eq!(snapshot, s2, "{needle}");
        assert_eq!(skipped.len(), 1, "{needle}");
        assert!(skipped[0].contains(needle), "{needle}: {}", skipped[0]);
        assert!(skipped[0].contains("after batch 4"), "{}", skipped[0]);
    }
    // Both damaged: nothing usable, and both reasons given.
    let first = storage.checkpoints(&wc()).await.expect("index")[0]
        .key
        .clone();
    storage
        .put_checkpoint_bytes(&first, b"garbage")
        .await
        .expect("damage");
    let Recovery::Unusable(reasons) = storage.get_or_create(&wc()).await else {
        panic!("no snapshot is usable");
    };
    assert_eq!(reasons.len(), 2);
    assert!(
        reasons[1].contains("not a checkpoint snapshot"),
        "{}",
        reasons[1]
    );
    storage.close();
}

#[wasm_bindgen_test]
async fn a_refused_write_keeps_the_last_good_snapshot_latest() {
    let (storage, _, s4) = two_checkpoints("test-ckpt-refused").await;
    // IndexedDB cannot store a function: the write fails inside its transaction, as a quota
    // refusal would.
    let unstorable: wasm_bindgen::JsValue = web_sys::js_sys::Function::new_no_args("").into();
    let r = storage
        .write_checkpoint_value(&wc(), 6, 6000, 10, &unstorable)
        .await;
    let err = r.expect_err("the write is refused");
    assert!(
        err.to_string().contains(&format!("checkpoint/{}/", wc())),
        "{err}"
    );
    let index = storage.checkpoints(&wc()).await.expect("index");
    assert_eq!(
        index.iter().map(|m| m.batches_run).collect::<Vec<_>>(),
        [2, 4]
    );
    let Recovery::Restored { snapshot, .. } = storage.get_or_create(&wc()).await else {
        panic!("the last good snapshot is there");
    };
    assert_eq!(snapshot, s4);
    storage.close();
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

fn printed(s: &State) -> Vec<String> {
    let mut v: Vec<String> = s
        .outputs
        .get("out")
        .map(|l| l.records.iter().map(|r| r.to_string()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn tick(s: Rc<State>) -> Rc<State> {
    s.reduce(Action::Tick {
        due_ms: 0.0,
        started_ms: 0.0,
    })
}

#[wasm_bindgen_test]
async fn a_stored_version_1_snapshot_is_migrated_restored_by_the_app_and_continues() {
    let storage = fresh_db("test-ckpt-migrate").await;
    let example = State::default();
    assert_eq!(example.example.as_deref(), Some("windowed-word-count"));
    let key = example.pipeline_key();
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
    let Recovery::Restored {
        meta,
        snapshot,
        skipped,
    } = storage.get_or_create(&key).await
    else {
        panic!("the version-1 snapshot is usable");
    };
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(snapshot.migrated_from, Some(1));
    assert_eq!(snapshot.pipeline_key, key);
    storage.close();

    // The app's getOrCreate outcome, as the page's lookup reports it.
    let s = Rc::new(State::default()).reduce(Action::Checkpoint(CheckpointAction::Found {
        pipeline: key.clone(),
        on_load: true,
        restore: Some((meta, Shared(Rc::new(snapshot)))),
        problems: Vec::new(),
        kept: Vec::new(),
        interval_ms: None,
    }));
    assert_eq!(s.batches_run, 6);
    let Some(Status::Info(text)) = s.checkpoints.status.clone() else {
        panic!("a restore message: {:?}", s.checkpoints.status);
    };
    assert!(
        text.contains("Restored a version-1 checkpoint after 6 batches, migrated to version 2"),
        "{text}"
    );
    let mut restored = s;
    let mut whole = Rc::new(State::default());
    for _ in 0..6 {
        whole = tick(whole);
    }
    for _ in 0..2 {
        restored = tick(restored);
        whole = tick(whole);
    }
    assert_eq!(restored.batches_run, 8);
    assert!(!printed(&restored).is_empty());
    assert_eq!(printed(&restored), printed(&whole));
}

#[wasm_bindgen_test]
async fn a_snapshot_filed_under_another_pipeline_is_refused() {
    let storage = fresh_db("test-ckpt-misfiled").await;
    let mut e = engine();
    lines(&mut e, 3);
    storage
        .write_checkpoint("0123456789abcdef", 3, 3000, &e.snapshot().to_bytes())
        .await
        .expect("write");
    let Recovery::Unusable(reasons) = storage.get_or_create("0123456789abcdef").await else {
        panic!("another pipeline's snapshot must not be restored");
    };
    assert!(reasons[0].contains(&wc()), "{}", reasons[0]);
    assert!(reasons[0].contains("filed under"), "{}", reasons[0]);
    storage.close();
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

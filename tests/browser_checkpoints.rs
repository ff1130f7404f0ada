//! Browser test: checkpoint snapshots through real IndexedDB in Chromium: written, read back
//! and continued; a corrupted, truncated or older-version snapshot is named and the last good
//! one used; a refused write leaves the last good snapshot the latest; only the newest kept.
#![cfg(target_arch = "wasm32")]

use dstream_engine::{Engine, Snapshot};
use dstream_playground::storage::{Recovery, Storage, KEEP};
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
        .write_checkpoint("wc", 2, 2000, &s2.to_bytes())
        .await
        .expect("write 2");
    lines(&mut e, 2);
    let s4 = e.snapshot();
    let index = storage
        .write_checkpoint("wc", 4, 4000, &s4.to_bytes())
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
    } = storage.get_or_create("wc").await
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
    let key = storage.checkpoints("wc").await.expect("index")[1]
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
        } = storage.get_or_create("wc").await
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
    let first = storage.checkpoints("wc").await.expect("index")[0]
        .key
        .clone();
    storage
        .put_checkpoint_bytes(&first, b"garbage")
        .await
        .expect("damage");
    let Recovery::Unusable(reasons) = storage.get_or_create("wc").await else {
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
        .write_checkpoint_value("wc", 6, 6000, 10, &unstorable)
        .await;
    let err = r.expect_err("the write is refused");
    assert!(err.to_string().contains("checkpoint/wc/"), "{err}");
    let index = storage.checkpoints("wc").await.expect("index");
    assert_eq!(
        index.iter().map(|m| m.batches_run).collect::<Vec<_>>(),
        [2, 4]
    );
    let Recovery::Restored { snapshot, .. } = storage.get_or_create("wc").await else {
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
            .write_checkpoint("wc", b, b * 1000, &e.snapshot().to_bytes())
            .await
            .expect("write");
    }
    let index = storage.checkpoints("wc").await.expect("index");
    assert_eq!(index.len(), KEEP);
    assert_eq!(index[0].batches_run, 3);
    assert!(storage
        .checkpoint_bytes("checkpoint/wc/000000000001")
        .await
        .expect("read")
        .is_none());
    // Rewound to batch 4 and run again: the snapshots after it belong to the old future.
    let index = storage
        .write_checkpoint("wc", 4, 4000, &e.snapshot().to_bytes())
        .await
        .expect("write");
    assert_eq!(
        index.iter().map(|m| m.batches_run).collect::<Vec<_>>(),
        [3, 4]
    );
    assert!(storage
        .checkpoint_bytes("checkpoint/wc/000000000005")
        .await
        .expect("read")
        .is_none());
    storage.close();
}

//! Browser benchmark (ignored by the test run; `node tests/bench/snapshot.mjs` runs it):
//! checkpoint write and restore times for 100 000 keys of `updateStateByKey` state in
//! headless Chromium, through real IndexedDB. Write = `Engine::snapshot` + `to_bytes` +
//! `Storage::write_checkpoint`; restore = read + `Snapshot::from_bytes` + `Engine::restore`.
//! Prints the median of several runs; asserts only that the restored state is whole.
#![cfg(target_arch = "wasm32")]

use dstream_engine::{Engine, Snapshot, Value};
use dstream_playground::storage::Storage;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const KEYS: usize = 100_000;
const RUNS: usize = 7;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[wasm_bindgen_test]
#[ignore]
async fn snapshot_write_and_restore_times_for_100k_keys() {
    let json = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
        {"id": "in", "op": "textInput"},
        {"id": "pairs", "op": "map", "inputs": ["in"], "fn": "l => (l, 1)"},
        {"id": "totals", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.sum + s.getOrElse(0))"},
        {"id": "out", "op": "foreachRDD", "inputs": ["totals"], "action": "count"}]}"#;
    let mut e = Engine::from_json(json).expect("valid");
    let lines: Vec<Value> = (0..KEYS).map(|i| Value::str(&format!("key-{i}"))).collect();
    e.feed("in", lines).expect("feed");
    e.tick().expect("tick");
    // One empty batch: what is left is the state, not the input batch.
    let r = e.tick().expect("tick");
    assert_eq!(r.outputs[0].records, vec![Value::Int(KEYS as i64)]);

    let db = "bench-snapshot";
    Storage::delete_database(db).await.expect("clear");
    let storage = Storage::open(db).await.expect("open");
    let (mut writes, mut snaps, mut restores, mut decodes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut size = 0;
    for run in 0..RUNS {
        let t0 = now();
        let bytes = e.snapshot().to_bytes();
        let t1 = now();
        storage
            .write_checkpoint("bench", 2 + run as u64, 2000, &bytes)
            .await
            .expect("write");
        let t2 = now();
        size = bytes.len();
        snaps.push(t1 - t0);
        writes.push(t2 - t0);

        let key = dstream_playground::storage::snapshot_key("bench", 2 + run as u64);
        let t3 = now();
        let read = storage
            .checkpoint_bytes(&key)
            .await
            .expect("read")
            .expect("there");
        let t4 = now();
        let snapshot = Snapshot::from_bytes(&read).expect("intact");
        let mut restored = Engine::restore(snapshot).expect("restore");
        let t5 = now();
        decodes.push(t5 - t4);
        restores.push(t5 - t3);
        let again = restored.tick().expect("tick");
        assert_eq!(again.outputs[0].records, vec![Value::Int(KEYS as i64)]);
    }
    storage.close();
    console_log!(
        "snapshot of {KEYS} keys: {size} bytes; median of {RUNS}: write {:.1} ms (snapshot+encode {:.1} ms), restore {:.1} ms (decode+restore {:.1} ms)",
        median(writes),
        median(snaps),
        median(restores),
        median(decodes)
    );
}

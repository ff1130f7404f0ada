//! Browser test: saved pipelines really go through IndexedDB in Chromium and come back.
#![cfg(target_arch = "wasm32")]

use dstream_playground::storage::{Storage, Store};
use serde_json::json;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_saved_pipeline_comes_back_and_is_gone_with_its_database() {
    let db = "test-storage-roundtrip";
    // A run that failed half-way may have left the database behind.
    Storage::delete_database(db)
        .await
        .expect("clear old test db");

    let pipeline = json!({
        "version": 1,
        "name": "Windowed word count",
        "batch_interval_ms": 1000,
        "nodes": [
            {"id": "lines", "op": "queueStream", "batches": [["a b", "a"], ["b c"]]},
            {"id": "out", "op": "foreachRDD", "inputs": ["lines"], "action": "collect"}
        ]
    });

    let storage = Storage::open(db).await.expect("open");
    assert_eq!(storage.name(), db);
    assert_eq!(
        storage
            .get(Store::Pipelines, "word count")
            .await
            .expect("get"),
        None
    );
    storage
        .put(Store::Pipelines, "word count", &pipeline)
        .await
        .expect("put");
    assert_eq!(
        storage
            .get(Store::Pipelines, "word count")
            .await
            .expect("get"),
        Some(pipeline.clone())
    );
    assert_eq!(
        storage.keys(Store::Pipelines).await.expect("keys"),
        vec!["word count".to_owned()]
    );
    // Stores are separate: the pipeline is not a snapshot.
    assert_eq!(
        storage
            .get(Store::Snapshots, "word count")
            .await
            .expect("get"),
        None
    );
    storage.close();

    // A new connection (as after a reload) still sees it.
    let reopened = Storage::open(db).await.expect("reopen");
    assert_eq!(
        reopened
            .get(Store::Pipelines, "word count")
            .await
            .expect("get"),
        Some(pipeline)
    );
    reopened.close();

    Storage::delete_database(db).await.expect("delete db");
    let fresh = Storage::open(db).await.expect("open after delete");
    assert_eq!(
        fresh.keys(Store::Pipelines).await.expect("keys"),
        Vec::<String>::new()
    );
    fresh.close();
    Storage::delete_database(db).await.expect("delete db again");
}

#[wasm_bindgen_test]
async fn deleting_one_record_keeps_the_others() {
    let db = "test-storage-delete";
    Storage::delete_database(db)
        .await
        .expect("clear old test db");
    let storage = Storage::open(db).await.expect("open");
    storage
        .put(Store::Snapshots, "t=3000", &json!({"batch_time_ms": 3000}))
        .await
        .expect("put");
    storage
        .put(Store::Snapshots, "t=4000", &json!({"batch_time_ms": 4000}))
        .await
        .expect("put");
    storage
        .delete(Store::Snapshots, "t=3000")
        .await
        .expect("delete");
    assert_eq!(
        storage.get(Store::Snapshots, "t=3000").await.expect("get"),
        None
    );
    assert_eq!(
        storage.get(Store::Snapshots, "t=4000").await.expect("get"),
        Some(json!({"batch_time_ms": 4000}))
    );
    storage.close();
    Storage::delete_database(db).await.expect("delete db");
}

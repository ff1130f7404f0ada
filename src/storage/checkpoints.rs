//! Checkpoints in IndexedDB: Spark's checkpoint directory for the page, one per pipeline.
//! Each snapshot is the engine's bytes (`dstream_engine::checkpoint`: header, CRC-32,
//! postcard payload) stored as a `Uint8Array`; a pointer record per pipeline (keyed by the
//! snapshot format's `pipeline_key`) lists the kept ones, newest last; a registry record lists
//! the pipelines that have a slot, least recently used first, with each one's checkpoint
//! interval setting. Which snapshots and slots stay is `slots.rs`'s rule.
//!
//! A write is one read-write transaction that stores the new snapshot, then flips the pointer,
//! drops the snapshots that leave, and marks the pipeline most recently used in the registry,
//! evicting the slots that go. IndexedDB commits a transaction whole or not at all, so a write
//! that fails (quota, a closed tab) leaves the previous pointer, and with it the last good
//! snapshot, readable. The page reads bytes only; the engine worker checks and decodes them.

use idb::{ObjectStore, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::Uint8Array;

use super::slots::{
    current, evicted, pointer_key, record_pipeline_write, record_write, snapshot_key, touch,
    CheckpointMeta, PipelineSlot, REGISTRY_KEY,
};
use super::{request_error, Storage, StorageError, Store};

fn parse_index(
    store: Store,
    key: &str,
    found: Option<JsValue>,
) -> Result<Vec<CheckpointMeta>, StorageError> {
    Ok(super::decode_json(store, key, found, "the checkpoint index")?.unwrap_or_default())
}

fn parse_registry(found: Option<JsValue>) -> Result<Vec<PipelineSlot>, StorageError> {
    Ok(super::decode_json(
        Store::Snapshots,
        REGISTRY_KEY,
        found,
        "the pipelines' registry",
    )?
    .unwrap_or_default())
}

impl Storage {
    /// Stores `bytes` (a snapshot after `batches_run` batches) for `pipeline` and makes it
    /// the latest, atomically. Returns the kept snapshots, oldest first.
    pub async fn write_checkpoint(
        &self,
        pipeline: &str,
        batches_run: u64,
        time_ms: u64,
        bytes: &[u8],
    ) -> Result<Vec<CheckpointMeta>, StorageError> {
        let value: JsValue = Uint8Array::from(bytes).into();
        self.write_checkpoint_value(pipeline, batches_run, time_ms, bytes.len() as u64, &value)
            .await
    }

    /// [`Storage::write_checkpoint`] with any value as the snapshot: tests pass one IndexedDB
    /// cannot store, to see a refused write keep the last good snapshot.
    #[doc(hidden)]
    pub async fn write_checkpoint_value(
        &self,
        pipeline: &str,
        batches_run: u64,
        time_ms: u64,
        len: u64,
        value: &JsValue,
    ) -> Result<Vec<CheckpointMeta>, StorageError> {
        let store = Store::Snapshots;
        let key = snapshot_key(pipeline, batches_run);
        let index_key = pointer_key(pipeline);
        let fail = request_error("write", store, &key);
        // One transaction: should any step fail, nothing of this write stays, and the last
        // good snapshot remains the latest.
        self.read_write("write", store, &key, async |os: &ObjectStore| {
            let found = os
                .get(JsValue::from_str(&index_key))
                .map_err(&fail)?
                .await
                .map_err(&fail)?;
            let mut index = parse_index(store, &index_key, found)?;
            // 1. the snapshot itself,
            os.put(value, Some(&JsValue::from_str(&key)))
                .map_err(&fail)?
                .await
                .map_err(&fail)?;
            // 2. then the pointer (a rewind may rewrite a batch: the newer copy wins),
            let dropped = record_write(
                &mut index,
                CheckpointMeta {
                    key: key.clone(),
                    batches_run,
                    time_ms,
                    bytes: len,
                },
            );
            let text = serde_json::to_string(&index).unwrap_or_default();
            os.put(
                &JsValue::from_str(&text),
                Some(&JsValue::from_str(&index_key)),
            )
            .map_err(&fail)?
            .await
            .map_err(&fail)?;
            // 3. the snapshots that fell off the end,
            for m in &dropped {
                os.delete(JsValue::from_str(&m.key))
                    .map_err(&fail)?
                    .await
                    .map_err(&fail)?;
            }
            // 4. and the registry: this pipeline written last, the oldest slots evicted.
            let mut registry = read_registry(os, &fail).await?;
            let gone = record_pipeline_write(&mut registry, pipeline);
            for other in gone {
                drop_slot(os, &other, &fail).await?;
            }
            put_registry(os, &registry, &fail).await?;
            Ok(index)
        })
        .await
    }

    /// The registry: pipelines with a slot, least recently used first.
    pub async fn pipelines(&self) -> Result<Vec<PipelineSlot>, StorageError> {
        parse_registry(self.get_raw(Store::Snapshots, REGISTRY_KEY).await?)
    }

    /// The pipeline whose checkpoint was written last, if any: what page load restores.
    pub async fn current_pipeline(&self) -> Result<Option<String>, StorageError> {
        Ok(current(&self.pipelines().await?))
    }

    /// The checkpoint interval kept for `pipeline` (`None`: Spark's default).
    pub async fn interval(&self, pipeline: &str) -> Result<Option<u64>, StorageError> {
        Ok(self
            .pipelines()
            .await?
            .into_iter()
            .find(|s| s.key == pipeline)
            .and_then(|s| s.interval_ms))
    }

    /// Keeps `interval_ms` as `pipeline`'s checkpoint interval (in its registry entry, so it
    /// is bounded and evicted with the pipeline's slot).
    pub async fn set_interval(
        &self,
        pipeline: &str,
        interval_ms: Option<u64>,
    ) -> Result<(), StorageError> {
        let store = Store::Snapshots;
        let fail = request_error("write", store, REGISTRY_KEY);
        self.read_write("write", store, REGISTRY_KEY, async |os: &ObjectStore| {
            let mut registry = read_registry(os, &fail).await?;
            touch(&mut registry, pipeline).interval_ms = interval_ms;
            for other in evicted(&mut registry) {
                drop_slot(os, &other.key, &fail).await?;
            }
            put_registry(os, &registry, &fail).await
        })
        .await
    }

    /// The kept snapshots of `pipeline`, oldest first.
    pub async fn checkpoints(&self, pipeline: &str) -> Result<Vec<CheckpointMeta>, StorageError> {
        let store = Store::Snapshots;
        let index_key = pointer_key(pipeline);
        let found = self.get_raw(store, &index_key).await?;
        parse_index(store, &index_key, found)
    }

    /// The bytes stored under `key` (`None` if there is none).
    pub async fn checkpoint_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let store = Store::Snapshots;
        let Some(found) = self.get_raw(store, key).await? else {
            return Ok(None);
        };
        if !found.is_instance_of::<Uint8Array>() {
            return Err(StorageError::Corrupt {
                store,
                key: key.to_owned(),
                reason: "it is not a snapshot's bytes".to_owned(),
            });
        }
        Ok(Some(Uint8Array::new(&found).to_vec()))
    }

    /// Replaces the bytes under `key` as they are (tests damage a stored snapshot with it).
    #[doc(hidden)]
    pub async fn put_checkpoint_bytes(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let store = Store::Snapshots;
        let fail = request_error("write", store, key);
        let value: JsValue = Uint8Array::from(bytes).into();
        self.read_write("write", store, key, async |os: &ObjectStore| {
            os.put(&value, Some(&JsValue::from_str(key)))
                .map_err(&fail)?
                .await
                .map_err(&fail)?;
            Ok(())
        })
        .await
    }

    /// Deletes `pipeline`'s snapshots and pointer (a Reset starts a new context, as deleting
    /// the checkpoint directory would); its interval setting stays, and page load no longer
    /// recovers it.
    pub async fn drop_checkpoints(&self, pipeline: &str) -> Result<(), StorageError> {
        let store = Store::Snapshots;
        let index_key = pointer_key(pipeline);
        let fail = request_error("delete", store, &index_key);
        self.read_write("delete", store, &index_key, async |os: &ObjectStore| {
            drop_slot(os, pipeline, &fail).await?;
            let mut registry = read_registry(os, &fail).await?;
            for slot in registry.iter_mut().filter(|s| s.key == pipeline) {
                slot.written = 0;
            }
            put_registry(os, &registry, &fail).await
        })
        .await
    }

    /// The stored value under `key` as IndexedDB gives it back; `None` if there is none.
    pub(super) async fn get_raw(
        &self,
        store: Store,
        key: &str,
    ) -> Result<Option<JsValue>, StorageError> {
        let fail = request_error("read", store, key);
        let tx = self
            .db
            .transaction(&[store.name()], TransactionMode::ReadOnly)
            .map_err(&fail)?;
        let os = tx.object_store(store.name()).map_err(&fail)?;
        let found = os
            .get(JsValue::from_str(key))
            .map_err(&fail)?
            .await
            .map_err(&fail)?;
        tx.await.map_err(&fail)?;
        Ok(found)
    }
}

/// Deletes a pipeline's pointer and every snapshot it lists.
async fn drop_slot(
    os: &ObjectStore,
    pipeline: &str,
    fail: &impl Fn(idb::Error) -> StorageError,
) -> Result<(), StorageError> {
    let index_key = pointer_key(pipeline);
    let found = os
        .get(JsValue::from_str(&index_key))
        .map_err(fail)?
        .await
        .map_err(fail)?;
    // A damaged index cannot list its snapshots; the pointer goes anyway.
    let index = parse_index(Store::Snapshots, &index_key, found).unwrap_or_default();
    for key in index
        .iter()
        .map(|m| m.key.as_str())
        .chain([index_key.as_str()])
    {
        os.delete(JsValue::from_str(key))
            .map_err(fail)?
            .await
            .map_err(fail)?;
    }
    Ok(())
}

/// The registry, read inside a write's transaction.
async fn read_registry(
    os: &ObjectStore,
    fail: &impl Fn(idb::Error) -> StorageError,
) -> Result<Vec<PipelineSlot>, StorageError> {
    let found = os
        .get(JsValue::from_str(REGISTRY_KEY))
        .map_err(fail)?
        .await
        .map_err(fail)?;
    parse_registry(found)
}

async fn put_registry(
    os: &ObjectStore,
    registry: &[PipelineSlot],
    fail: &impl Fn(idb::Error) -> StorageError,
) -> Result<(), StorageError> {
    let text = serde_json::to_string(registry).unwrap_or_default();
    os.put(
        &JsValue::from_str(&text),
        Some(&JsValue::from_str(REGISTRY_KEY)),
    )
    .map_err(fail)?
    .await
    .map_err(fail)?;
    Ok(())
}

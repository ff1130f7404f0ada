//! Checkpoints in IndexedDB: Spark's checkpoint directory for the page. Each snapshot is the
//! engine's bytes (`dstream_engine::checkpoint`: header, CRC-32, postcard payload) stored as a
//! `Uint8Array`; a pointer record per pipeline lists the kept ones, newest last.
//!
//! A write is one read-write transaction that stores the new snapshot, then flips the pointer
//! and drops the snapshots beyond [`KEEP`]. IndexedDB commits a transaction whole or not at
//! all, so a write that fails (quota, a closed tab) leaves the previous pointer, and with it
//! the last good snapshot, readable. Reading ([`Storage::get_or_create`]) checks every
//! snapshot's header and checksum and falls back to the newest one that is intact.

use dstream_engine::{Snapshot, SnapshotError};
use idb::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::Uint8Array;

use super::{request_error, Storage, StorageError, Store};

/// How many snapshots per pipeline stay on the time axis.
pub const KEEP: usize = 6;

/// One kept snapshot: where it is and which batch it follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointMeta {
    /// Its key in the snapshots store.
    pub key: String,
    /// Batches run when it was taken: the next tick is batch `batches_run`.
    pub batches_run: u64,
    pub time_ms: u64,
    pub bytes: u64,
}

/// What page load finds for a pipeline (Spark's `StreamingContext.getOrCreate`).
#[derive(Debug)]
pub enum Recovery {
    /// No checkpoint: create a new context.
    Fresh,
    /// The newest intact snapshot. `skipped` says why newer ones were unusable, if any were.
    Restored {
        meta: CheckpointMeta,
        snapshot: Snapshot,
        skipped: Vec<String>,
    },
    /// Checkpoints exist but none is usable: the reasons, newest first. Start anew.
    Unusable(Vec<String>),
}

/// The pointer record's key for a pipeline.
pub fn pointer_key(pipeline: &str) -> String {
    format!("checkpoint-index/{pipeline}")
}

/// A snapshot's key: zero-padded so keys sort by batch.
pub fn snapshot_key(pipeline: &str, batches_run: u64) -> String {
    format!("checkpoint/{pipeline}/{batches_run:012}")
}

fn parse_index(
    store: Store,
    key: &str,
    found: Option<JsValue>,
) -> Result<Vec<CheckpointMeta>, StorageError> {
    Ok(super::decode_json(store, key, found, "the checkpoint index")?.unwrap_or_default())
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
        let tx = self
            .db
            .transaction(&[store.name()], TransactionMode::ReadWrite)
            .map_err(&fail)?;
        let os = tx.object_store(store.name()).map_err(&fail)?;
        let written = async {
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
            // Snapshots after this batch belong to a future a rewind abandoned.
            let abandoned: Vec<CheckpointMeta> = index
                .iter()
                .filter(|m| m.batches_run > batches_run && m.key != key)
                .cloned()
                .collect();
            index.retain(|m| m.key != key && m.batches_run < batches_run);
            index.push(CheckpointMeta {
                key: key.clone(),
                batches_run,
                time_ms,
                bytes: len,
            });
            let mut dropped: Vec<CheckpointMeta> = if index.len() > KEEP {
                index.drain(..index.len() - KEEP).collect()
            } else {
                Vec::new()
            };
            dropped.extend(abandoned);
            let text = serde_json::to_string(&index).unwrap_or_default();
            os.put(
                &JsValue::from_str(&text),
                Some(&JsValue::from_str(&index_key)),
            )
            .map_err(&fail)?
            .await
            .map_err(&fail)?;
            // 3. and the snapshots that fell off the end.
            for m in &dropped {
                os.delete(JsValue::from_str(&m.key))
                    .map_err(&fail)?
                    .await
                    .map_err(&fail)?;
            }
            Ok::<_, StorageError>(index)
        }
        .await;
        let index = match written {
            Ok(index) => index,
            Err(e) => {
                // Nothing of this write may stay: the last good snapshot remains the latest.
                let _ = tx.abort();
                return Err(e);
            }
        };
        let outcome = tx.commit().map_err(&fail)?.await.map_err(&fail)?;
        if outcome.is_committed() {
            Ok(index)
        } else {
            Err(StorageError::Request {
                action: "write",
                store,
                key: key.clone(),
                reason: "the transaction was aborted (is the storage quota exceeded?)".to_owned(),
            })
        }
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
        let tx = self
            .db
            .transaction(&[store.name()], TransactionMode::ReadWrite)
            .map_err(&fail)?;
        let os = tx.object_store(store.name()).map_err(&fail)?;
        let value: JsValue = Uint8Array::from(bytes).into();
        os.put(&value, Some(&JsValue::from_str(key)))
            .map_err(&fail)?
            .await
            .map_err(&fail)?;
        tx.commit().map_err(&fail)?.await.map_err(&fail)?;
        Ok(())
    }

    /// Reads and checks one kept snapshot.
    pub async fn load_checkpoint(&self, meta: &CheckpointMeta) -> Result<Snapshot, String> {
        let describe = |e: String| format!("the checkpoint after batch {}: {e}", meta.batches_run);
        match self.checkpoint_bytes(&meta.key).await {
            Ok(Some(bytes)) => {
                Snapshot::from_bytes(&bytes).map_err(|e: SnapshotError| describe(e.to_string()))
            }
            Ok(None) => Err(describe("it is missing".to_owned())),
            Err(e) => Err(describe(e.to_string())),
        }
    }

    /// Page load: the newest intact snapshot of `pipeline`, or `Fresh` when there is none.
    pub async fn get_or_create(&self, pipeline: &str) -> Recovery {
        let index = match self.checkpoints(pipeline).await {
            Ok(index) => index,
            Err(e) => return Recovery::Unusable(vec![e.to_string()]),
        };
        if index.is_empty() {
            return Recovery::Fresh;
        }
        let mut skipped = Vec::new();
        for meta in index.iter().rev() {
            match self.load_checkpoint(meta).await {
                Ok(snapshot) => {
                    return Recovery::Restored {
                        meta: meta.clone(),
                        snapshot,
                        skipped,
                    }
                }
                Err(e) => skipped.push(e),
            }
        }
        Recovery::Unusable(skipped)
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

//! Checkpoints in IndexedDB: Spark's checkpoint directory for the page, one per pipeline.
//! Each snapshot is the engine's bytes (`dstream_engine::checkpoint`: header, CRC-32,
//! postcard payload) stored as a `Uint8Array`; a pointer record per pipeline (keyed by the
//! snapshot format's `pipeline_key`) lists the kept ones, newest last; a registry record lists
//! the pipelines that have a slot, least recently used first, with each one's checkpoint
//! interval setting.
//!
//! A write is one read-write transaction that stores the new snapshot, then flips the pointer,
//! drops the snapshots beyond [`KEEP`], and marks the pipeline most recently used in the
//! registry, evicting the least recently used pipelines' slots beyond [`MAX_PIPELINES`].
//! IndexedDB commits a transaction whole or not at all, so a write that fails (quota, a
//! closed tab) leaves the previous pointer, and with it the last good snapshot, readable.
//! Reading ([`Storage::get_or_create`]) checks every snapshot's header, checksum and pipeline
//! and falls back to the newest one that is intact.

use dstream_engine::{Snapshot, SnapshotError};
use idb::{ObjectStore, TransactionMode};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::Uint8Array;

use super::{request_error, Storage, StorageError, Store};

/// How many snapshots per pipeline stay on the time axis.
pub const KEEP: usize = 6;
/// How many pipelines keep a checkpoint slot: storage holds at most
/// `MAX_PIPELINES × KEEP` snapshots; the least recently used pipeline's slot goes first.
pub const MAX_PIPELINES: usize = 8;
/// The registry record: the pipelines with a slot, least recently used first.
pub const REGISTRY_KEY: &str = "checkpoint-pipelines";
/// The one slot of earlier versions (before slots per pipeline): read once on page load if no
/// pipeline has a slot yet, and dropped by the first write.
pub const LEGACY_SESSION: &str = "session";

/// A pipeline's entry in the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineSlot {
    /// The pipeline's key (`dstream_engine::checkpoint::pipeline_key`).
    pub key: String,
    /// The learner's checkpoint interval for it; `None`: Spark's default rule.
    #[serde(default)]
    pub interval_ms: Option<u64>,
    /// Order of its last checkpoint write among all pipelines (0: none yet): page load
    /// restores the pipeline written last.
    #[serde(default)]
    pub written: u64,
}

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

fn parse_registry(found: Option<JsValue>) -> Result<Vec<PipelineSlot>, StorageError> {
    Ok(super::decode_json(
        Store::Snapshots,
        REGISTRY_KEY,
        found,
        "the pipelines' registry",
    )?
    .unwrap_or_default())
}

/// Moves `key` to the most recently used end (adding it if new) and returns its entry.
fn touch<'a>(registry: &'a mut Vec<PipelineSlot>, key: &str) -> &'a mut PipelineSlot {
    let slot = match registry.iter().position(|s| s.key == key) {
        Some(i) => registry.remove(i),
        None => PipelineSlot {
            key: key.to_owned(),
            interval_ms: None,
            written: 0,
        },
    };
    registry.push(slot);
    let last = registry.len() - 1;
    &mut registry[last]
}

/// The least recently used slots beyond [`MAX_PIPELINES`], taken out of the registry.
fn evicted(registry: &mut Vec<PipelineSlot>) -> Vec<PipelineSlot> {
    let over = registry.len().saturating_sub(MAX_PIPELINES);
    registry.drain(..over).collect()
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
            // 3. the snapshots that fell off the end,
            for m in &dropped {
                os.delete(JsValue::from_str(&m.key))
                    .map_err(&fail)?
                    .await
                    .map_err(&fail)?;
            }
            // 4. and the registry: this pipeline written last, the oldest slots evicted.
            let mut registry = read_registry(os, &fail).await?;
            let first_write = registry.iter().all(|s| s.written == 0);
            let seq = registry.iter().map(|s| s.written).max().unwrap_or(0) + 1;
            touch(&mut registry, pipeline).written = seq;
            let mut gone: Vec<String> = evicted(&mut registry).into_iter().map(|s| s.key).collect();
            if first_write && pipeline != LEGACY_SESSION {
                // The single slot of earlier versions has served its one restore.
                gone.push(LEGACY_SESSION.to_owned());
            }
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
        Ok(self
            .pipelines()
            .await?
            .into_iter()
            .filter(|s| s.written > 0)
            .max_by_key(|s| s.written)
            .map(|s| s.key))
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

    /// Page load or a switch to `pipeline`: its newest intact snapshot, or `Fresh` when there
    /// is none.
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
            let checked = self.load_checkpoint(meta).await.and_then(|snapshot| {
                // The legacy slot held whatever ran; a pipeline's slot only its own snapshots.
                if pipeline == LEGACY_SESSION {
                    return Ok(snapshot);
                }
                snapshot
                    .check_pipeline(pipeline)
                    .map(|()| snapshot)
                    .map_err(|e| format!("the checkpoint after batch {}: {e}", meta.batches_run))
            });
            match checked {
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

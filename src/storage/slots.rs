//! The rules of the checkpoint directory, apart from IndexedDB: which snapshots a pipeline
//! keeps after a write, and which pipelines keep a slot. IndexedDB (`checkpoints.rs`) and the
//! in-memory storage of the native tests (`crate::sim`) both apply them, so they agree.

use serde::{Deserialize, Serialize};

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

impl CheckpointMeta {
    /// The one name a checkpoint has everywhere on the page: Spark names a checkpoint file
    /// after its batch time (`checkpoint-4000`), so the page does too.
    pub fn name(&self) -> String {
        checkpoint_name(self.time_ms)
    }
}

/// Spark's name for the checkpoint of batch time `time_ms`.
pub fn checkpoint_name(time_ms: u64) -> String {
    format!("checkpoint-{time_ms}")
}

/// The pointer record's key for a pipeline.
pub fn pointer_key(pipeline: &str) -> String {
    format!("checkpoint-index/{pipeline}")
}

/// A snapshot's key: zero-padded so keys sort by batch.
pub fn snapshot_key(pipeline: &str, batches_run: u64) -> String {
    format!("checkpoint/{pipeline}/{batches_run:012}")
}

/// Puts `meta` in `index` as the newest kept snapshot and returns the snapshots that leave:
/// those beyond [`KEEP`], and those after its batch (a future a rewind abandoned).
pub fn record_write(index: &mut Vec<CheckpointMeta>, meta: CheckpointMeta) -> Vec<CheckpointMeta> {
    let abandoned: Vec<CheckpointMeta> = index
        .iter()
        .filter(|m| m.batches_run > meta.batches_run && m.key != meta.key)
        .cloned()
        .collect();
    index.retain(|m| m.key != meta.key && m.batches_run < meta.batches_run);
    index.push(meta);
    let mut dropped: Vec<CheckpointMeta> = if index.len() > KEEP {
        index.drain(..index.len() - KEEP).collect()
    } else {
        Vec::new()
    };
    dropped.extend(abandoned);
    dropped
}

/// Moves `key` to the most recently used end (adding it if new) and returns its entry.
pub fn touch<'a>(registry: &'a mut Vec<PipelineSlot>, key: &str) -> &'a mut PipelineSlot {
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

/// Marks `pipeline` written last and returns the slots that go: the least recently used
/// beyond [`MAX_PIPELINES`], and on the first write ever the legacy slot.
pub fn record_pipeline_write(registry: &mut Vec<PipelineSlot>, pipeline: &str) -> Vec<String> {
    let first_write = registry.iter().all(|s| s.written == 0);
    let seq = registry.iter().map(|s| s.written).max().unwrap_or(0) + 1;
    touch(registry, pipeline).written = seq;
    let mut gone: Vec<String> = evicted(registry).into_iter().map(|s| s.key).collect();
    if first_write && pipeline != LEGACY_SESSION {
        // The single slot of earlier versions has served its one restore.
        gone.push(LEGACY_SESSION.to_owned());
    }
    gone
}

/// The least recently used slots beyond [`MAX_PIPELINES`], taken out of the registry.
pub fn evicted(registry: &mut Vec<PipelineSlot>) -> Vec<PipelineSlot> {
    let over = registry.len().saturating_sub(MAX_PIPELINES);
    registry.drain(..over).collect()
}

/// The pipeline whose checkpoint was written last, if any: what page load restores.
pub fn current(registry: &[PipelineSlot]) -> Option<String> {
    registry
        .iter()
        .filter(|s| s.written > 0)
        .max_by_key(|s| s.written)
        .map(|s| s.key.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(n: u64) -> CheckpointMeta {
        CheckpointMeta {
            key: snapshot_key("p", n),
            batches_run: n,
            time_ms: n * 1000,
            bytes: 10,
        }
    }

    #[test]
    fn only_the_newest_are_kept_and_a_rewinds_write_drops_the_abandoned_future() {
        let mut index = Vec::new();
        for n in 1..=8 {
            record_write(&mut index, meta(n));
        }
        let kept: Vec<u64> = index.iter().map(|m| m.batches_run).collect();
        assert_eq!(kept, [3, 4, 5, 6, 7, 8]);
        let dropped = record_write(&mut index, meta(5));
        let kept: Vec<u64> = index.iter().map(|m| m.batches_run).collect();
        assert_eq!(kept, [3, 4, 5]);
        let gone: Vec<u64> = dropped.iter().map(|m| m.batches_run).collect();
        assert_eq!(gone, [6, 7, 8]);
    }

    #[test]
    fn the_least_recently_written_pipeline_is_evicted_beyond_the_limit() {
        let mut registry = Vec::new();
        let mut gone = Vec::new();
        for i in 0..=MAX_PIPELINES {
            gone.extend(record_pipeline_write(&mut registry, &format!("p{i}")));
        }
        assert_eq!(gone, [LEGACY_SESSION.to_string(), "p0".to_string()]);
        assert_eq!(registry.len(), MAX_PIPELINES);
        assert_eq!(
            current(&registry).as_deref(),
            Some(&*format!("p{MAX_PIPELINES}"))
        );
        record_pipeline_write(&mut registry, "p3");
        assert_eq!(current(&registry).as_deref(), Some("p3"));
    }
}

//! The snapshot layouts of formats 1 and 2, as those engines wrote them: read only to
//! migrate them to the current format (and written again only to re-create and test the
//! migration). Version 2 added to version 1 the pipeline key, the batch time and a
//! queueStream's changed batches (`queue_rest`); version 3 moved the typed lines and those
//! changed batches into the input log, gave mapWithState's state its own slot (it was in
//! the window's, `last_window`), and dropped the accumulators (a restored context starts
//! them at 0, as Spark's does).

use serde::{Deserialize, Serialize};

use super::{pipeline_key, NodeState, PairParts, SavedRdd, Snapshot, SnapshotError};
use crate::catalog::{self, OpKind};
use crate::input::InputLog;
use crate::rdd::{Rdd, DEFAULT_PARTITIONS};
use crate::spec::PipelineSpec;
use crate::value::Value;

/// The version-1 payload.
#[derive(Serialize, Deserialize)]
pub(super) struct SnapshotV1 {
    spec_json: String,
    batches_run: u64,
    nodes: Vec<NodeStateV1>,
}

/// A node's state in version 1 (version 2 added `queue_rest`).
#[derive(Serialize, Deserialize)]
struct NodeStateV1 {
    id: String,
    history: Vec<(u64, SavedRdd)>,
    reduced: Vec<(u64, PairParts)>,
    last_window: Option<(u64, SavedRdd)>,
    accumulator: Option<Value>,
    pending: Vec<Value>,
}

/// The version-2 payload.
#[derive(Serialize, Deserialize)]
pub(super) struct SnapshotV2 {
    spec_json: String,
    pipeline_key: String,
    batches_run: u64,
    time_ms: u64,
    nodes: Vec<NodeStateV2>,
}

/// A node's state in version 2.
#[derive(Serialize, Deserialize)]
struct NodeStateV2 {
    id: String,
    history: Vec<(u64, SavedRdd)>,
    /// A windowed node: the parent's per-batch reduced pairs, by parent time.
    reduced: Vec<(u64, PairParts)>,
    /// An incremental window's value at its last slide, or mapWithState's state.
    last_window: Option<(u64, SavedRdd)>,
    accumulator: Option<Value>,
    /// A textInput's lines fed but not yet run.
    pending: Vec<Value>,
    /// A queueStream the fault lab changed: its batches from the snapshot's on.
    queue_rest: Option<Vec<Vec<Value>>>,
}

fn spec_of(json: &str) -> Result<PipelineSpec, SnapshotError> {
    PipelineSpec::from_json(json).map_err(|e| SnapshotError::Spec(vec![e]))
}

impl SnapshotV1 {
    /// Version 2 adds what version 1 left implicit: the pipeline's key and the batch time,
    /// both derived from the spec the snapshot carries.
    pub(super) fn migrate(self) -> Result<SnapshotV2, SnapshotError> {
        let spec = spec_of(&self.spec_json)?;
        Ok(SnapshotV2 {
            pipeline_key: pipeline_key(&spec),
            time_ms: self.batches_run * spec.batch_interval_ms,
            spec_json: self.spec_json,
            batches_run: self.batches_run,
            nodes: self
                .nodes
                .into_iter()
                .map(|n| NodeStateV2 {
                    id: n.id,
                    history: n.history,
                    reduced: n.reduced,
                    last_window: n.last_window,
                    accumulator: n.accumulator,
                    pending: n.pending,
                    queue_rest: None,
                })
                .collect(),
        })
    }
}

/// Which partitions of `batch` (as the engine slices it) are missing from `kept`, the batch
/// a version-2 fault lab left: it dropped whole partitions and kept the others in order.
fn lost_partitions(batch: &[Value], kept: &[Value]) -> Option<Vec<usize>> {
    let parts = Rdd::parallelize(batch.to_vec(), DEFAULT_PARTITIONS).parts;
    let n = parts.len();
    (0u32..1 << n).find_map(|mask| {
        let lost: Vec<usize> = (0..n).filter(|p| mask & (1 << p) != 0).collect();
        let rest: Vec<&Value> = parts
            .iter()
            .enumerate()
            .filter(|(p, _)| !lost.contains(p))
            .flat_map(|(_, part)| part)
            .collect();
        (rest.len() == kept.len() && rest.iter().zip(kept).all(|(a, b)| *a == b)).then_some(lost)
    })
}

impl SnapshotV2 {
    /// Version 3: typed lines and a queue's lost records into the input log, mapWithState's
    /// state out of the window's slot, the accumulators dropped.
    pub(super) fn migrate(self, from: u32) -> Result<Snapshot, SnapshotError> {
        let spec = spec_of(&self.spec_json)?;
        let mut input = InputLog::default();
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for (i, n) in self.nodes.into_iter().enumerate() {
            let op = spec.nodes.get(i).and_then(|s| catalog::op_named(&s.op));
            let kind = op.map(|o| o.kind);
            let lines = n.pending.iter().map(|v| match v {
                Value::Str(s) => s.clone(),
                other => other.to_string().into(),
            });
            input.push(self.batches_run, &n.id, lines);
            if let Some(rest) = &n.queue_rest {
                let batches = spec.nodes[i]
                    .field("batches")
                    .and_then(|b| crate::sources::queue::parse_batches(&n.id, b).ok())
                    .map(|(b, _)| b)
                    .unwrap_or_default();
                for (k, kept) in rest.iter().enumerate() {
                    let batch = self.batches_run + k as u64;
                    let original = usize::try_from(batch)
                        .ok()
                        .and_then(|b| batches.get(b))
                        .cloned()
                        .unwrap_or_default();
                    let lost = lost_partitions(&original, kept).ok_or_else(|| {
                        SnapshotError::Mismatch(format!(
                            "node `{}`: its changed batch {batch} is not that batch less whole \
                             partitions",
                            n.id
                        ))
                    })?;
                    for p in lost {
                        input.lose(batch, &n.id, p);
                    }
                }
            }
            let (window, state) = match kind {
                Some(OpKind::MapWithState) => (None, n.last_window),
                _ => (n.last_window, None),
            };
            nodes.push(NodeState {
                id: n.id,
                history: n.history,
                reduced: n.reduced,
                window,
                state,
            });
        }
        Ok(Snapshot {
            spec_json: self.spec_json,
            pipeline_key: self.pipeline_key,
            batches_run: self.batches_run,
            time_ms: self.time_ms,
            nodes,
            input,
            migrated_from: Some(from),
        })
    }
}

/// A version-1 payload of `s`: for re-creating the version-1 fixtures and testing the
/// migration (the typed lines of the next batch become its pending lines; no accumulators).
pub(super) fn v1_of(s: &Snapshot) -> SnapshotV1 {
    SnapshotV1 {
        spec_json: s.spec_json.clone(),
        batches_run: s.batches_run,
        nodes: s
            .nodes
            .iter()
            .map(|n| NodeStateV1 {
                id: n.id.clone(),
                history: n.history.clone(),
                reduced: n.reduced.clone(),
                last_window: n.window.clone().or_else(|| n.state.clone()),
                accumulator: None,
                pending: pending(s, &n.id),
            })
            .collect(),
    }
}

/// A version-2 payload of `s` (no queue changes: the migration of those is tested on the
/// fixtures the version-2 engine wrote).
pub(super) fn v2_of(s: &Snapshot) -> SnapshotV2 {
    SnapshotV2 {
        spec_json: s.spec_json.clone(),
        pipeline_key: s.pipeline_key.clone(),
        batches_run: s.batches_run,
        time_ms: s.time_ms,
        nodes: s
            .nodes
            .iter()
            .map(|n| NodeStateV2 {
                id: n.id.clone(),
                history: n.history.clone(),
                reduced: n.reduced.clone(),
                last_window: n.window.clone().or_else(|| n.state.clone()),
                accumulator: None,
                pending: pending(s, &n.id),
                queue_rest: None,
            })
            .collect(),
    }
}

fn pending(s: &Snapshot, node: &str) -> Vec<Value> {
    s.input
        .lines_of(node, s.batches_run)
        .iter()
        .map(|l| Value::Str(l.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: &[&str]) -> Vec<Value> {
        v.iter().map(|s| Value::str(s)).collect()
    }

    #[test]
    fn a_v2_queue_change_is_named_by_the_partitions_it_dropped() {
        let batch = strs(&["a", "b", "c", "d"]);
        assert_eq!(lost_partitions(&batch, &batch), Some(vec![]));
        assert_eq!(lost_partitions(&batch, &strs(&["a", "b"])), Some(vec![1]));
        assert_eq!(lost_partitions(&batch, &strs(&["c", "d"])), Some(vec![0]));
        assert_eq!(lost_partitions(&batch, &[]), Some(vec![0, 1]));
        assert_eq!(lost_partitions(&batch, &strs(&["a", "c"])), None);
    }
}

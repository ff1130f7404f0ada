//! The fault lab: what survives when a receiver, an executor or the driver dies, computed by
//! the engine so the page only shows it. A simplified but faithful model of Spark Streaming's
//! receivers, block manager, write-ahead log and checkpoint recovery:
//!
//! - The next batch's input is *received but not yet processed*: per source, its records in
//!   partitions (blocks), partition `p` stored on executor `p % executors` and, with
//!   replication 2, copied to the next executor. The last partition is still in the
//!   receiver's buffer (not yet a stored block). The receiver runs on executor 0.
//! - Receiver mode: `Push` (unreliable, like a socket: what the source sent is gone once it is
//!   lost on our side) or `Pull` (replayable, like Kafka's direct stream: the source keeps
//!   the records and re-delivers from the last processed offset). A `generator` is always
//!   replayable: its records are a function of seed and batch time.
//! - The write-ahead log (WAL) saves every stored block to reliable storage before it is
//!   acknowledged: it outlives executors and the driver, but not the receiver's buffer.
//!
//! Kills: the **receiver** restarts; its buffer is lost in push mode, re-sent in pull mode.
//! An **executor**: its blocks without a live replica are recovered from the WAL or the
//! source, else lost; its partitions of the last computed RDDs are recomputed from lineage.
//! The **driver** takes every executor with it: with a checkpoint, the engine restores it and
//! the batches since are replayed (their input re-read from a replayable source or the WAL,
//! else lost); without one, a new context starts from nothing. Lost records are really
//! removed from what the engine processes next, so the outputs show the loss.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::checkpoint::Snapshot;
use crate::engine::Engine;
use crate::plan::NodeOp;
use crate::rdd::{Rdd, DEFAULT_PARTITIONS};
use crate::report::BatchReport;
use crate::sources::queue;
use crate::value::Value;

/// How a receiver gets its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReceiverMode {
    /// Unreliable: records exist only once received (a socket, `textInput`).
    Push,
    /// Reliable/replayable: the source keeps records until processed (Kafka direct).
    Pull,
}

/// The lab's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultConfig {
    pub mode: ReceiverMode,
    pub wal: bool,
    /// 1 or 2 (Spark's `MEMORY_AND_DISK_SER_2` default for receivers is 2).
    pub replication: u8,
    pub executors: u8,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            mode: ReceiverMode::Push,
            wal: false,
            replication: 2,
            executors: 2,
        }
    }
}

/// What to kill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    Receiver,
    Executor(u8),
    Driver,
}

/// One block of received, unprocessed records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub source: String,
    pub partition: usize,
    pub records: u64,
    /// `None`: still in the receiver's buffer on executor 0.
    pub executor: Option<u8>,
    pub replica: Option<u8>,
    pub in_wal: bool,
}

/// A partition recomputed from lineage after an executor died.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recomputed {
    pub node: String,
    pub partition: usize,
    pub records: u64,
    /// Batches of lineage walked back (to the last checkpoint for stateful nodes).
    pub lineage_batches: u64,
}

/// What a kill did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultReport {
    pub lost: u64,
    pub recovered: u64,
    pub recomputed: Vec<Recomputed>,
    /// Batches re-run after a driver restore (their indices).
    pub replayed_batches: Vec<u64>,
    /// The checkpoint's batch count a driver restore went back to.
    pub restored_from: Option<u64>,
    /// Keys of state that vanished (driver without a checkpoint).
    pub state_keys_lost: u64,
    /// One sentence per thing that happened, for the page.
    pub notes: Vec<String>,
}

/// The lab next to an engine: the settings, the last checkpoint, a log of input per batch
/// (counts, and typed lines as the WAL would hold them), and the running totals.
#[derive(Clone, Debug, Default)]
pub struct FaultLab {
    pub config: FaultConfig,
    checkpoint: Option<Snapshot>,
    /// Per batch since the checkpoint: per source node, records and (textInput) the lines.
    log: BTreeMap<u64, Vec<(usize, u64, Vec<Value>)>>,
    pub lost_total: u64,
    pub recovered_total: u64,
}

fn is_source(op: &NodeOp) -> bool {
    matches!(
        op,
        NodeOp::Queue(_) | NodeOp::TextInput | NodeOp::Generator(_)
    )
}

impl FaultLab {
    pub fn new(config: FaultConfig) -> FaultLab {
        FaultLab {
            config,
            ..FaultLab::default()
        }
    }

    /// Call after every successful tick with the lines fed just before it.
    pub fn after_tick(
        &mut self,
        engine: &Engine,
        report: &BatchReport,
        fed: &[(String, Vec<Value>)],
    ) {
        let mut entry = Vec::new();
        for (i, n) in engine.plan.nodes.iter().enumerate() {
            if !is_source(&n.op) {
                continue;
            }
            let count = report.nodes.get(i).map_or(0, |r| r.count);
            let lines: Vec<Value> = fed
                .iter()
                .filter(|(id, _)| *id == n.id)
                .flat_map(|(_, l)| l.iter().cloned())
                .collect();
            entry.push((i, count, lines));
        }
        self.log.insert(report.batch, entry);
    }

    /// A checkpoint was written: the log before it is no longer needed.
    pub fn checkpointed(&mut self, snapshot: Snapshot) {
        let from = snapshot.batches_run;
        self.log = self.log.split_off(&from);
        self.checkpoint = Some(snapshot);
    }

    pub fn checkpoint_batch(&self) -> Option<u64> {
        self.checkpoint.as_ref().map(|s| s.batches_run)
    }

    /// Whether records of source node `i` can be had again after being lost on our side.
    fn replayable(&self, engine: &Engine, i: usize) -> bool {
        self.config.mode == ReceiverMode::Pull
            || matches!(engine.plan.nodes[i].op, NodeOp::Generator(_))
    }

    /// The received, unprocessed blocks of the next batch.
    pub fn blocks(&self, engine: &Engine) -> Vec<Block> {
        let e = self.config.executors.max(1);
        let mut out = Vec::new();
        for (i, n) in engine.plan.nodes.iter().enumerate() {
            let Some(rdd) = next_input(engine, i) else {
                continue;
            };
            let last = rdd.parts.len().saturating_sub(1);
            for (p, part) in rdd.parts.iter().enumerate() {
                let buffered = p == last;
                let exec = (p % e as usize) as u8;
                out.push(Block {
                    source: n.id.clone(),
                    partition: p,
                    records: part.len() as u64,
                    executor: (!buffered).then_some(exec),
                    replica: (!buffered && self.config.replication >= 2 && e > 1)
                        .then_some((exec + 1) % e),
                    in_wal: !buffered && self.config.wal,
                });
            }
        }
        out
    }

    /// Kills `fault` and applies its consequences to `engine` (a driver kill replaces it: set
    /// its stopwatch and sample limit again).
    pub fn kill(&mut self, engine: &mut Engine, fault: Fault) -> FaultReport {
        let mut r = FaultReport::default();
        match fault {
            Fault::Receiver => {
                r.notes.push("The receiver restarted on executor 0.".into());
                let blocks = self.blocks(engine);
                let losses = self.lose_buffer(engine, &blocks, &mut r);
                drop_next(engine, &losses);
            }
            Fault::Executor(x) => self.kill_executor(engine, x, &mut r),
            Fault::Driver => self.kill_driver(engine, &mut r),
        }
        self.lost_total += r.lost;
        self.recovered_total += r.recovered;
        r
    }

    /// The receiver's buffer (each source's last partition of the next batch).
    fn lose_buffer(
        &self,
        engine: &Engine,
        blocks: &[Block],
        r: &mut FaultReport,
    ) -> Vec<(usize, usize)> {
        let mut losses = Vec::new();
        for b in blocks {
            if b.executor.is_some() || b.records == 0 {
                continue;
            }
            let Some(i) = engine.plan.nodes.iter().position(|n| n.id == b.source) else {
                continue;
            };
            if self.replayable(engine, i) {
                r.recovered += b.records;
                r.notes.push(format!(
                    "{}: {} buffered records were not acknowledged; the source sends them again.",
                    b.source, b.records
                ));
            } else {
                r.lost += b.records;
                losses.push((i, b.partition));
                r.notes.push(format!(
                    "{}: {} records in the receiver's buffer were lost (push source, not yet stored).",
                    b.source, b.records
                ));
            }
        }
        losses
    }

    fn kill_executor(&self, engine: &mut Engine, x: u8, r: &mut FaultReport) {
        let e = self.config.executors.max(1);
        let x = x % e;
        r.notes
            .push(format!("Executor {x} died; a new one replaces it."));
        let blocks = self.blocks(engine);
        let mut losses = Vec::new();
        for b in &blocks {
            if b.executor != Some(x) || b.records == 0 {
                continue;
            }
            let Some(i) = engine.plan.nodes.iter().position(|n| n.id == b.source) else {
                continue;
            };
            let how = if b.replica.is_some_and(|c| c != x) {
                Some("its replica on another executor")
            } else if b.in_wal {
                Some("the write-ahead log")
            } else if self.replayable(engine, i) {
                Some("the source (replayable)")
            } else {
                None
            };
            match how {
                Some(how) => {
                    r.recovered += b.records;
                    r.notes.push(format!(
                        "{} block {}: {} records recovered from {how}.",
                        b.source, b.partition, b.records
                    ));
                }
                None => {
                    r.lost += b.records;
                    losses.push((i, b.partition));
                    r.notes.push(format!(
                        "{} block {}: {} records lost (one copy, no WAL, push source).",
                        b.source, b.partition, b.records
                    ));
                }
            }
        }
        if x == 0 {
            r.notes.push("The receiver ran on it.".into());
            losses.extend(self.lose_buffer(engine, &blocks, r));
        }
        drop_next(engine, &losses);
        let since = engine.batches_run - self.checkpoint_batch().unwrap_or(0);
        for (i, n) in engine.plan.nodes.iter().enumerate() {
            let Some((_, rdd)) = engine.history[i].last_key_value() else {
                continue;
            };
            let stateful = matches!(
                n.op,
                NodeOp::UpdateStateByKey(..) | NodeOp::MapWithState(..) | NodeOp::Window(_)
            );
            for (p, part) in rdd.parts.iter().enumerate() {
                if p % e as usize == x as usize {
                    r.recomputed.push(Recomputed {
                        node: n.id.clone(),
                        partition: p,
                        records: part.len() as u64,
                        lineage_batches: if stateful { since.max(1) } else { 1 },
                    });
                }
            }
        }
        if !r.recomputed.is_empty() {
            r.notes.push(format!(
                "{} cached partitions were recomputed from lineage (same results).",
                r.recomputed.len()
            ));
        }
    }

    fn kill_driver(&mut self, engine: &mut Engine, r: &mut FaultReport) {
        let now = engine.batches_run;
        // What was received for the next batch dies with the executors unless replayable or
        // in the WAL (the receiver's buffer is never in the WAL).
        let pending: Vec<Block> = self.blocks(engine);
        let mut lost_next: Vec<(usize, usize)> = Vec::new();
        for b in &pending {
            if b.records == 0 {
                continue;
            }
            let Some(i) = engine.plan.nodes.iter().position(|n| n.id == b.source) else {
                continue;
            };
            if self.replayable(engine, i) || b.in_wal {
                r.recovered += b.records;
            } else {
                r.lost += b.records;
                lost_next.push((i, b.partition));
            }
        }
        let Some(cp) = self.checkpoint.clone() else {
            let spec = engine.spec.clone();
            r.state_keys_lost = engine
                .last_window
                .iter()
                .flatten()
                .map(|(_, w)| w.count())
                .sum::<u64>()
                + engine
                    .plan
                    .nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| matches!(n.op, NodeOp::UpdateStateByKey(..)))
                    .filter_map(|(i, _)| engine.history[i].last_key_value().map(|(_, s)| s.count()))
                    .sum::<u64>();
            let processed: u64 = self.log.values().flatten().map(|(_, c, _)| c).sum();
            r.lost += processed;
            if let Ok(fresh) = Engine::new(spec) {
                *engine = fresh;
            }
            self.log.clear();
            r.notes.push(format!(
                "No checkpoint: a new context starts at batch 0; {} keys of state and the results of {processed} processed records are gone.",
                r.state_keys_lost
            ));
            return;
        };
        let texts: Vec<(usize, Vec<Value>)> = pending_lines(engine);
        let Ok(mut restored) = Engine::restore(cp.clone()) else {
            r.notes.push("The checkpoint could not be restored.".into());
            return;
        };
        r.restored_from = Some(cp.batches_run);
        r.replayed_batches = (cp.batches_run..now).collect();
        // Batches since the checkpoint are re-run; their input comes back only from a
        // replayable source or the WAL.
        for (&batch, entry) in self.log.range(cp.batches_run..now) {
            for (i, count, lines) in entry {
                if *count == 0 {
                    continue;
                }
                let typed = matches!(restored.plan.nodes[*i].op, NodeOp::TextInput);
                if self.replayable(&restored, *i) || self.config.wal {
                    r.recovered += count;
                    if typed {
                        // Typed lines come back from the WAL (or a replayable source) in one go.
                        restored.pending[*i].extend(lines.iter().cloned());
                    }
                } else {
                    r.lost += count;
                    if !typed {
                        blank_queue_batch(&mut restored, *i, batch);
                    }
                }
            }
        }
        // The next batch's received records: kept only if replayable or logged.
        for (i, lines) in texts {
            if self.config.wal || self.config.mode == ReceiverMode::Pull {
                restored.pending[i].extend(lines);
            }
        }
        lost_next.retain(|(i, _)| matches!(restored.plan.nodes[*i].op, NodeOp::Queue(_)));
        let mut by_source: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, p) in lost_next {
            by_source.entry(i).or_default().push(p);
        }
        for (i, ps) in by_source {
            drop_partitions_at(&mut restored, i, now, &ps);
        }
        r.notes.push(format!(
            "The driver restarted from the checkpoint after batch {}; batches {}..{} are replayed.",
            cp.batches_run,
            cp.batches_run,
            now.max(cp.batches_run + 1) - 1
        ));
        *engine = restored;
        // The replayed batches log themselves again as they run.
        self.log.clear();
    }
}

/// Typed lines waiting for the next batch, per textInput node.
fn pending_lines(engine: &Engine) -> Vec<(usize, Vec<Value>)> {
    engine
        .pending
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| (i, p.clone()))
        .collect()
}

/// The input source node `i` receives for the next batch, as the engine will partition it.
fn next_input(engine: &Engine, i: usize) -> Option<Rdd> {
    let b = engine.plan.batch_interval_ms;
    let t = (engine.batches_run + 1) * b;
    match &engine.plan.nodes[i].op {
        NodeOp::Queue(batches) => Some(queue::batch_rdd(batches, engine.batches_run)),
        NodeOp::TextInput => Some(Rdd::parallelize(
            engine.pending[i].clone(),
            DEFAULT_PARTITIONS,
        )),
        NodeOp::Generator(g) => Some(g.batch_rdd(t, b)),
        _ => None,
    }
}

/// Removes partitions `ps` of source `i`'s batch `batch` (as the engine partitions it).
fn drop_partitions_at(engine: &mut Engine, i: usize, batch: u64, ps: &[usize]) {
    let keep = |rdd: Rdd| -> Vec<Value> {
        rdd.parts
            .into_iter()
            .enumerate()
            .filter(|(q, _)| !ps.contains(q))
            .flat_map(|(_, part)| part)
            .collect()
    };
    match &engine.plan.nodes[i].op {
        NodeOp::Queue(batches) => {
            let kept = keep(queue::batch_rdd(batches, batch));
            set_queue_batch(engine, i, batch, kept);
        }
        NodeOp::TextInput => {
            let pending = std::mem::take(&mut engine.pending[i]);
            engine.pending[i] = keep(Rdd::parallelize(pending, DEFAULT_PARTITIONS));
        }
        _ => {}
    }
}

/// Applies the losses `(source, partition)` to the next batch, all against its original
/// partitioning.
fn drop_next(engine: &mut Engine, losses: &[(usize, usize)]) {
    let at = engine.batches_run;
    let mut by_source: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(i, p) in losses {
        by_source.entry(i).or_default().push(p);
    }
    for (i, ps) in by_source {
        drop_partitions_at(engine, i, at, &ps);
    }
}

fn blank_queue_batch(engine: &mut Engine, i: usize, batch: u64) {
    set_queue_batch(engine, i, batch, Vec::new());
}

/// Replaces one batch of a queue in the running plan (the spec is left as written).
fn set_queue_batch(engine: &mut Engine, i: usize, batch: u64, records: Vec<Value>) {
    if let NodeOp::Queue(batches) = &engine.plan.nodes[i].op {
        let Ok(k) = usize::try_from(batch) else {
            return;
        };
        if k >= batches.len() {
            return;
        }
        let mut copy: Vec<Vec<Value>> = (**batches).clone();
        copy[k] = records;
        engine.plan.nodes[i].op = NodeOp::Queue(Rc::new(copy));
        engine.queue_edited[i] = true;
    }
}

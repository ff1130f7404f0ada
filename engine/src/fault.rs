//! The fault lab: what survives when a receiver, an executor or the driver dies, computed by
//! the engine so the page only shows it. A simplified but faithful model of Spark Streaming's
//! receivers, block manager, write-ahead log and checkpoint recovery, for every source:
//!
//! - The next batch's input is *received but not yet processed*: per source, its records in
//!   partitions (blocks), partition `p` stored on executor `p % executors` and, with
//!   replication 2, copied to the next executor. The last partition is still in the
//!   receiver's buffer (not yet a stored block). The receiver runs on executor 0.
//! - Receiver mode, for every source (queue, typed lines, generator): `Push` (unreliable,
//!   like a socket: a record lost on our side is gone) or `Pull` (replayable, like Kafka's
//!   direct stream: the source keeps the records and re-delivers them).
//! - The write-ahead log (WAL) saves every stored block before it is acknowledged: it
//!   outlives executors and the driver, but not the receiver's buffer. Spark keeps it in the
//!   checkpoint directory (a receiver with a WAL and no `ssc.checkpoint(dir)` does not start),
//!   and reads it back only through the checkpoint's metadata.
//!
//! Kills: the **receiver** restarts; its buffer is lost in push mode, re-sent in pull mode.
//! An **executor**: its blocks without a live replica come back from the WAL or a pull
//! source, else are lost; its partitions of the last RDDs are recomputed from lineage. The
//! **driver** takes every executor with it: with a checkpoint, a new context restores it
//! (accumulators at 0) and re-runs the batches since, their input re-read from a pull
//! source or the WAL, else lost; without one, a new context starts from nothing (a WAL
//! alone recovers nothing). What is lost is really gone from the engine's input (its input
//! log), so the next batches, and a snapshot taken after, show the loss; each report lists
//! what those next batches then contain.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::checkpoint::Snapshot;
use crate::engine::Engine;
use crate::plan::NodeOp;
use crate::rdd::{Rdd, DEFAULT_PARTITIONS};
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

/// What one source holds for one batch after a kill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInput {
    pub node: String,
    pub records: u64,
}

/// A batch the engine runs next, as the kill left its input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextBatch {
    pub batch: u64,
    pub time_ms: u64,
    /// Per source node, in spec order.
    pub sources: Vec<SourceInput>,
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
    /// A new context started from nothing (a driver without a checkpoint).
    pub new_context: bool,
    /// Keys of state that vanished (driver without a checkpoint).
    pub state_keys_lost: u64,
    /// Outputs whose accumulator starts again at 0 (any driver restart: Spark cannot
    /// recover accumulators from a checkpoint).
    pub accumulators_reset: Vec<String>,
    /// The batches the engine runs next and what each contains: after a driver restore the
    /// batches it re-runs and then the received one; otherwise the next batch.
    pub next: Vec<NextBatch>,
    /// One sentence per thing that happened, for the page.
    pub notes: Vec<String>,
}

/// The lab next to an engine: the settings, the checkpoint a driver restart recovers from,
/// and the running totals. It reads the engine's input (log) itself.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FaultLab {
    pub config: FaultConfig,
    checkpoint: Option<Snapshot>,
    pub lost_total: u64,
    pub recovered_total: u64,
}

/// A loss to apply: source node, batch, the partition as the engine slices the batch.
type Loss = (usize, u64, usize);

impl FaultLab {
    pub fn new(config: FaultConfig) -> FaultLab {
        FaultLab {
            config,
            ..FaultLab::default()
        }
    }

    /// A new context (Reset, another pipeline): no checkpoint, totals at 0; the settings stay.
    pub fn reset(&mut self) {
        *self = FaultLab::new(self.config);
    }

    /// A checkpoint was written: a driver restart recovers from it.
    pub fn checkpointed(&mut self, snapshot: Snapshot) {
        self.checkpoint = Some(snapshot);
    }

    pub fn checkpoint_batch(&self) -> Option<u64> {
        self.checkpoint.as_ref().map(|s| s.batches_run)
    }

    fn pull(&self) -> bool {
        self.config.mode == ReceiverMode::Pull
    }

    /// The WAL is on and can be: Spark keeps it in the checkpoint directory.
    fn wal(&self, engine: &Engine) -> bool {
        self.config.wal && engine.plan.checkpoint
    }

    /// The received, unprocessed blocks of the next batch.
    pub fn blocks(&self, engine: &Engine) -> Vec<Block> {
        let e = self.config.executors.max(1);
        let wal = self.wal(engine);
        let batch = engine.batches_run;
        let mut out = Vec::new();
        for (i, n) in engine.plan.nodes.iter().enumerate() {
            if !n.is_source() {
                continue;
            }
            let blocks = engine.source_blocks(i, batch);
            let buffered = buffered_block(engine, i, batch);
            for (p, records) in blocks {
                let in_buffer = Some(p) == buffered;
                let exec = (p % e as usize) as u8;
                out.push(Block {
                    source: n.id.clone(),
                    partition: p,
                    records,
                    executor: (!in_buffer).then_some(exec),
                    replica: (!in_buffer && self.config.replication >= 2 && e > 1)
                        .then_some((exec + 1) % e),
                    in_wal: !in_buffer && wal,
                });
            }
        }
        out
    }

    /// Kills `fault` and applies its consequences to `engine` (a driver kill replaces it by
    /// the new context, which keeps the old one's stopwatch and sample limit).
    pub fn kill(&mut self, engine: &mut Engine, fault: Fault) -> FaultReport {
        let mut r = FaultReport::default();
        if self.config.wal && !engine.plan.checkpoint {
            r.notes.push(
                "The program does not call ssc.checkpoint(dir), so there is no write-ahead log \
                 (Spark refuses to start a receiver with a WAL and no checkpoint directory)."
                    .into(),
            );
        }
        let restart = match fault {
            Fault::Receiver => {
                r.notes.push("The receiver restarted on executor 0.".into());
                let blocks = self.blocks(engine);
                let losses = self.lose_buffer(engine, &blocks, &mut r);
                apply(engine, &losses);
                None
            }
            Fault::Executor(x) => {
                self.kill_executor(engine, x, &mut r);
                None
            }
            Fault::Driver => Some(self.kill_driver(engine, &mut r)),
        };
        let from = engine.batches_run;
        let to = restart.unwrap_or(from).max(from);
        r.next = (from..=to).map(|b| next_batch(engine, b)).collect();
        self.lost_total += r.lost;
        self.recovered_total += r.recovered;
        r
    }

    /// The receiver's buffer (each source's last block of the next batch).
    fn lose_buffer(&self, engine: &Engine, blocks: &[Block], r: &mut FaultReport) -> Vec<Loss> {
        let mut losses = Vec::new();
        for b in blocks {
            if b.executor.is_some() || b.records == 0 {
                continue;
            }
            let Some(i) = engine.plan.index(&b.source) else {
                continue;
            };
            if self.pull() {
                r.recovered += b.records;
                r.notes.push(format!(
                    "{}: {} buffered records were not acknowledged; the source sends them again.",
                    b.source, b.records
                ));
            } else {
                r.lost += b.records;
                losses.push((i, engine.batches_run, b.partition));
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
            let Some(i) = engine.plan.index(&b.source) else {
                continue;
            };
            let how = if b.replica.is_some_and(|c| c != x) {
                Some("its replica on another executor")
            } else if b.in_wal {
                Some("the write-ahead log")
            } else if self.pull() {
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
                    losses.push((i, engine.batches_run, b.partition));
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
        apply(engine, &losses);
        let since = engine.batches_run - self.checkpoint_batch().unwrap_or(0);
        for (i, n) in engine.plan.nodes.iter().enumerate() {
            let Some(rdd) = engine.last[i].as_ref() else {
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

    /// Returns the batch that was next before the kill (the last one the report lists).
    fn kill_driver(&mut self, engine: &mut Engine, r: &mut FaultReport) -> u64 {
        let now = engine.batches_run;
        let wal = self.wal(engine);
        r.accumulators_reset = engine
            .plan
            .nodes
            .iter()
            .filter(|n| {
                matches!(
                    n.op,
                    NodeOp::Output {
                        accumulate: true,
                        ..
                    }
                )
            })
            .map(|n| n.id.clone())
            .collect();
        if !r.accumulators_reset.is_empty() {
            r.notes.push(format!(
                "{}: the accumulator starts again at 0 (Spark cannot recover accumulators from \
                 a checkpoint).",
                r.accumulators_reset.join(", ")
            ));
        }
        let checkpoint = self.checkpoint.clone().filter(|_| engine.plan.checkpoint);
        let restored = checkpoint
            .as_ref()
            .map(|cp| (cp.batches_run, Engine::restore(cp.clone())));
        let Some((from, Ok(mut restored))) = restored else {
            if let Some((_, Err(e))) = restored {
                r.notes
                    .push(format!("The checkpoint could not be restored: {e}."));
            }
            let received: u64 = self.blocks(engine).iter().map(|b| b.records).sum();
            r.lost += received;
            r.state_keys_lost = state_keys(engine);
            let processed: u64 = (0..now).map(|b| input_records(engine, b)).sum();
            r.new_context = true;
            r.notes.push(format!(
                "No checkpoint: StreamingContext.getOrCreate finds none and creates a new \
                 context at batch 0; {} keys of state, the results of {processed} processed \
                 records and the {received} received ones are gone.",
                r.state_keys_lost
            ));
            if self.config.wal {
                r.notes.push(
                    "The write-ahead log is not read: Spark recovers it only through a \
                     checkpoint's metadata."
                        .into(),
                );
            }
            if let Ok(mut fresh) = Engine::new(engine.spec.clone()) {
                fresh.take_settings(engine);
                *engine = fresh;
            }
            return 0;
        };
        r.restored_from = Some(from);
        r.replayed_batches = (from..now).collect();
        // The new context reads the same input log, less what this kill loses.
        restored.input = engine.input.clone();
        let mut losses = Vec::new();
        for batch in from..now {
            for (i, n) in engine.plan.nodes.iter().enumerate() {
                if !n.is_source() {
                    continue;
                }
                let count = engine.source_count(i, batch);
                if count == 0 {
                    continue;
                }
                if self.pull() || wal {
                    r.recovered += count;
                } else {
                    r.lost += count;
                    for (p, _) in engine.source_blocks(i, batch) {
                        losses.push((i, batch, p));
                    }
                }
            }
        }
        // The next batch's received records: stored blocks come back from the WAL or a pull
        // source; the receiver's buffer only from a pull source.
        for b in self.blocks(engine) {
            let Some(i) = engine.plan.index(&b.source) else {
                continue;
            };
            if b.records == 0 {
                continue;
            }
            if self.pull() || (b.in_wal && b.executor.is_some()) {
                r.recovered += b.records;
            } else {
                r.lost += b.records;
                losses.push((i, now, b.partition));
            }
        }
        r.notes.push(format!(
            "The driver restarted: StreamingContext.getOrCreate recovered checkpoint-{} \
             (taken after batch #{}); {}.",
            from * engine.plan.batch_interval_ms,
            from.saturating_sub(1),
            if from < now {
                format!(
                    "batches #{from}..#{} are run again, their input {}",
                    now - 1,
                    if self.pull() {
                        "re-read from the source"
                    } else if wal {
                        "read back from the write-ahead log"
                    } else {
                        "lost (push source, no write-ahead log)"
                    }
                )
            } else {
                "no batch ran since".to_string()
            }
        ));
        apply(&mut restored, &losses);
        restored.take_settings(engine);
        *engine = restored;
        now
    }
}

/// The block of `batch` still in the receiver's buffer: the last slice of the batch (for
/// typed lines, of the lines typed so far, the most recent ones).
fn buffered_block(engine: &Engine, i: usize, batch: u64) -> Option<usize> {
    let last = DEFAULT_PARTITIONS - 1;
    engine
        .source_blocks(i, batch)
        .iter()
        .any(|(p, _)| *p == last)
        .then_some(last)
}

/// Records the sources hold for `batch`.
fn input_records(engine: &Engine, batch: u64) -> u64 {
    (0..engine.plan.nodes.len())
        .filter(|&i| engine.plan.nodes[i].is_source())
        .map(|i| engine.source_count(i, batch))
        .sum()
}

/// Keys held in state: windows' and mapWithState's values, updateStateByKey's latest.
fn state_keys(engine: &Engine) -> u64 {
    engine
        .plan
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let run = &engine.nodes[i];
            let slot =
                |s: &Option<(u64, crate::rdd::RddRef)>| s.as_ref().map_or(0, |(_, r)| r.count());
            slot(&run.window)
                + slot(&run.state)
                + if matches!(n.op, NodeOp::UpdateStateByKey(..)) {
                    run.history.last_key_value().map_or(0, |(_, s)| s.count())
                } else {
                    0
                }
        })
        .sum()
}

/// What batch `batch` of `engine` holds, per source.
fn next_batch(engine: &Engine, batch: u64) -> NextBatch {
    NextBatch {
        batch,
        time_ms: (batch + 1) * engine.plan.batch_interval_ms,
        sources: (0..engine.plan.nodes.len())
            .filter(|&i| engine.plan.nodes[i].is_source())
            .map(|i| SourceInput {
                node: engine.plan.nodes[i].id.clone(),
                records: engine.source_count(i, batch),
            })
            .collect(),
    }
}

/// Applies losses to the engine's input: a queue's or generator's block is marked lost; a
/// textInput's lines of that slice leave the log.
fn apply(engine: &mut Engine, losses: &[Loss]) {
    let mut typed: Vec<(usize, u64, Vec<usize>)> = Vec::new();
    for &(i, batch, p) in losses {
        let node = &engine.plan.nodes[i];
        if matches!(node.op, NodeOp::TextInput) {
            match typed.iter_mut().find(|(j, b, _)| *j == i && *b == batch) {
                Some((_, _, ps)) => ps.push(p),
                None => typed.push((i, batch, vec![p])),
            }
        } else {
            let id = node.id.clone();
            engine.input.lose(batch, &id, p);
        }
    }
    for (i, batch, ps) in typed {
        let id = engine.plan.nodes[i].id.clone();
        let lines: Vec<Value> = engine
            .input
            .lines_of(&id, batch)
            .iter()
            .map(|l| Value::Str(l.clone()))
            .collect();
        let kept: Vec<Rc<str>> = Rdd::parallelize(lines, DEFAULT_PARTITIONS)
            .parts
            .into_iter()
            .enumerate()
            .filter(|(q, _)| !ps.contains(q))
            .flat_map(|(_, part)| part)
            .map(|v| match v {
                Value::Str(s) => s,
                other => other.to_string().into(),
            })
            .collect();
        engine.input.set(batch, &id, kept);
    }
}

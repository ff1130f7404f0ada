//! The fault lab, every combination: receiver mode × WAL × replication × fault, on every
//! source kind at once (a queue, typed lines, a generator), each checked against what the
//! next batches then really contain (every source's records, collected by an output of its
//! own), and against the report's own account (`lost`, `recovered`, `next`).
//!
//! The reference is the lab's model, written out here independently of the engine: the
//! next batch's records are in 2 blocks (parallelize's slices); block 0 is stored on
//! executor 0 (with replication 2, a copy on executor 1; with a WAL, also in the log), block
//! 1 is still in the receiver's buffer on executor 0. Push loses what is lost on our side;
//! pull re-reads it from the source; the WAL keeps stored blocks; a driver restarts from the
//! checkpoint (batch 1 here) and re-runs the batches since, or, without one, starts a new
//! context with nothing.

use std::collections::BTreeMap;

use dstream_engine::fault::{Fault, FaultConfig, FaultLab, FaultReport, ReceiverMode};
use dstream_engine::sources::generator::{Generator, Kind};
use dstream_engine::{Engine, Value};

const TICKS: u64 = 8;
/// Batches run before the kill; the checkpoint is the one after `CHECKPOINT` batches.
const RUN: u64 = 3;
const CHECKPOINT: u64 = 1;
const SOURCES: [&str; 3] = ["q", "in", "g"];

fn pipeline() -> String {
    let batches: Vec<Vec<String>> = (0..TICKS)
        .map(|k| {
            ["a", "b", "c", "d"]
                .iter()
                .map(|x| format!("q{k}{x}"))
                .collect()
        })
        .collect();
    serde_json::json!({"version": 1, "batch_interval_ms": 1000, "ticks": TICKS, "nodes": [
        {"id": "q", "op": "queueStream", "batches": batches},
        {"id": "in", "op": "textInput"},
        {"id": "g", "op": "generator", "kind": "words", "rate_per_s": 4, "seed": 7},
        {"id": "q_out", "op": "foreachRDD", "inputs": ["q"], "action": "collect"},
        {"id": "in_out", "op": "foreachRDD", "inputs": ["in"], "action": "collect"},
        {"id": "g_out", "op": "foreachRDD", "inputs": ["g"], "action": "collect"},
        {"id": "all", "op": "union", "inputs": ["q", "in", "g"]},
        {"id": "seen", "op": "foreachRDD", "inputs": ["all"], "action": "count", "accumulate": true}]})
    .to_string()
}

/// The lines typed for batch `k`.
fn typed(k: u64) -> Vec<String> {
    (0..4).map(|j| format!("in{k}-{j}")).collect()
}

/// What source `s` sends for batch `k`, as the program defines it.
fn source(s: &str, k: u64) -> Vec<String> {
    match s {
        "q" => ["a", "b", "c", "d"]
            .iter()
            .map(|x| format!("q{k}{x}"))
            .collect(),
        "in" => typed(k),
        _ => Generator {
            kind: Kind::Words,
            rate_per_s: 4,
            seed: 7,
        }
        .records((k + 1) * 1000, 1000)
        .iter()
        .map(|v| v.to_string())
        .collect(),
    }
}

/// Batch `k` of source `s` without the blocks in `lost` (0: the stored one, 1: the buffer).
fn without(s: &str, k: u64, lost: &[usize]) -> Vec<String> {
    let all = source(s, k);
    let half = all.len() / 2;
    let mut kept = Vec::new();
    if !lost.contains(&0) {
        kept.extend_from_slice(&all[..half]);
    }
    if !lost.contains(&1) {
        kept.extend_from_slice(&all[half..]);
    }
    kept
}

fn cfg(mode: ReceiverMode, wal: bool, replication: u8) -> FaultConfig {
    FaultConfig {
        mode,
        wal,
        replication,
        executors: 2,
    }
}

/// An engine after `RUN` batches (typed lines fed before each, and the next batch's typed
/// too), with a lab that has the checkpoint after `CHECKPOINT` batches if `checkpoint`.
fn setup(config: FaultConfig, checkpoint: bool) -> (Engine, FaultLab) {
    let mut e = Engine::from_json(&pipeline()).expect("valid");
    let mut lab = FaultLab::new(config);
    for k in 0..RUN {
        if checkpoint && k == CHECKPOINT {
            lab.checkpointed(e.snapshot());
        }
        e.feed("in", typed(k).iter().map(|l| Value::str(l)).collect())
            .expect("fed");
        e.tick().expect("runs");
    }
    e.feed("in", typed(RUN).iter().map(|l| Value::str(l)).collect())
        .expect("fed");
    (e, lab)
}

/// What the kill should leave, by the lab's model: per batch the engine runs next, per
/// source the records; and the totals lost and recovered.
struct Expected {
    batches: Vec<(u64, BTreeMap<&'static str, Vec<String>>)>,
    lost: u64,
    recovered: u64,
}

fn expected(config: FaultConfig, fault: Fault, checkpoint: bool) -> Expected {
    let pull = config.mode == ReceiverMode::Pull;
    let (wal, repl2) = (config.wal, config.replication >= 2);
    let (mut lost, mut recovered) = (0, 0);
    let mut count = |kept: bool, n: u64| {
        if kept {
            recovered += n;
        } else {
            lost += n;
        }
    };
    let one = |lost_blocks: &[usize], k: u64| -> BTreeMap<&'static str, Vec<String>> {
        SOURCES
            .iter()
            .map(|s| (*s, without(s, k, lost_blocks)))
            .collect()
    };
    let mut blocks_lost = Vec::new();
    let batches = match fault {
        Fault::Receiver => {
            count(pull, 2 * 3);
            if !pull {
                blocks_lost.push(1);
            }
            vec![(RUN, one(&blocks_lost, RUN))]
        }
        Fault::Executor(0) => {
            let stored = repl2 || wal || pull;
            count(stored, 2 * 3);
            count(pull, 2 * 3);
            if !stored {
                blocks_lost.push(0);
            }
            if !pull {
                blocks_lost.push(1);
            }
            vec![(RUN, one(&blocks_lost, RUN))]
        }
        Fault::Executor(_) => vec![(RUN, one(&[], RUN))],
        Fault::Driver if checkpoint => {
            // Batches 1 and 2 run again (4 records per source each), then batch 3.
            let again = pull || wal;
            count(again, 4 * 3 * (RUN - CHECKPOINT));
            let mut out: Vec<_> = (CHECKPOINT..RUN)
                .map(|k| (k, one(if again { &[] } else { &[0, 1] }, k)))
                .collect();
            count(pull || wal, 2 * 3);
            count(pull, 2 * 3);
            if !(pull || wal) {
                blocks_lost.push(0);
            }
            if !pull {
                blocks_lost.push(1);
            }
            out.push((RUN, one(&blocks_lost, RUN)));
            out
        }
        Fault::Driver => {
            // A new context: the program's first batch; nothing typed yet.
            count(false, 4 * 3);
            let mut first = one(&[], 0);
            first.insert("in", Vec::new());
            vec![(0, first)]
        }
    };
    Expected {
        batches,
        lost,
        recovered,
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn check(config: FaultConfig, fault: Fault, checkpoint: bool) {
    let what = format!("{config:?} {fault:?} checkpoint {checkpoint}");
    let (mut e, mut lab) = setup(config, checkpoint);
    let r: FaultReport = lab.kill(&mut e, fault);
    let want = expected(config, fault, checkpoint);
    assert_eq!(
        (r.lost, r.recovered),
        (want.lost, want.recovered),
        "{what}: {:?}",
        r.notes
    );
    assert_eq!(
        (lab.lost_total, lab.recovered_total),
        (want.lost, want.recovered)
    );
    // The report's account of the next batches is what they then contain, and what the
    // model says they contain.
    assert_eq!(r.next.len(), want.batches.len(), "{what}");
    for ((batch, sources), next) in want.batches.iter().zip(&r.next) {
        assert_eq!(next.batch, *batch, "{what}");
        assert_eq!(e.batches_run(), *batch, "{what}");
        let report = e.tick().unwrap_or_else(|err| panic!("{what}: {err}"));
        for s in SOURCES {
            let out = format!("{s}_out");
            let line = report
                .outputs
                .iter()
                .find(|l| l.output == out)
                .unwrap_or_else(|| panic!("{what}: no line of {out}"));
            let got: Vec<String> = line.records.iter().map(Value::to_string).collect();
            assert_eq!(
                sorted(got),
                sorted(sources[s].clone()),
                "{what}: {s} at batch {batch}"
            );
            let said = next.sources.iter().find(|x| x.node == s).map(|x| x.records);
            assert_eq!(
                said,
                Some(sources[s].len() as u64),
                "{what}: {s} at batch {batch}"
            );
        }
        let total: u64 = sources.values().map(|v| v.len() as u64).sum();
        assert_eq!(report.input_records, total, "{what}");
    }
}

#[test]
fn every_mode_wal_replication_and_fault_loses_exactly_what_the_model_loses() {
    let mut cases = 0;
    for mode in [ReceiverMode::Push, ReceiverMode::Pull] {
        for wal in [false, true] {
            for replication in [1, 2] {
                let config = cfg(mode, wal, replication);
                for fault in [Fault::Receiver, Fault::Executor(0), Fault::Executor(1)] {
                    check(config, fault, true);
                    cases += 1;
                }
                for checkpoint in [true, false] {
                    check(config, Fault::Driver, checkpoint);
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 2 * 2 * 2 * 5);
}

/// A push generator is unreliable like a socket: what its receiver lost is really gone.
#[test]
fn a_push_generators_lost_records_vanish_from_the_next_batch() {
    let (mut e, mut lab) = setup(cfg(ReceiverMode::Push, false, 1), false);
    let r = lab.kill(&mut e, Fault::Executor(0));
    assert!(
        r.notes.iter().all(|n| !n.contains("replayable")),
        "{:?}",
        r.notes
    );
    let next = e.tick().expect("runs");
    let g = next
        .outputs
        .iter()
        .find(|l| l.output == "g_out")
        .expect("g_out");
    assert!(g.records.is_empty(), "{:?}", g.records);
}

/// After a driver restart the `foreachRDD` accumulator starts again at 0 (Spark cannot
/// recover accumulators from a checkpoint), and the report says which.
#[test]
fn a_driver_restart_starts_the_accumulators_at_0() {
    let (mut uninterrupted, _) = setup(cfg(ReceiverMode::Pull, false, 2), true);
    let (mut e, mut lab) = setup(cfg(ReceiverMode::Pull, false, 2), true);
    let r = lab.kill(&mut e, Fault::Driver);
    assert_eq!(r.accumulators_reset, ["seen"]);
    assert_eq!(r.restored_from, Some(CHECKPOINT));
    assert_eq!(r.replayed_batches, [1, 2]);
    let seen = |e: &mut Engine| {
        let report = e.tick().expect("runs");
        let line = report.outputs.iter().find(|l| l.output == "seen").cloned();
        line.map(|l| l.records)
    };
    // The re-run batch 1 counts only itself: 12 records, not 24.
    assert_eq!(seen(&mut e), Some(vec![Value::Int(12)]));
    assert_eq!(seen(&mut e), Some(vec![Value::Int(24)]));
    assert_eq!(seen(&mut e), Some(vec![Value::Int(36)]));
    assert_eq!(seen(&mut uninterrupted), Some(vec![Value::Int(48)]));
}

/// A WAL without a checkpoint recovers nothing: Spark reads it back only through the
/// checkpoint's metadata; the new context starts empty, as the report says.
#[test]
fn a_wal_without_a_checkpoint_recovers_nothing() {
    let (mut e, mut lab) = setup(cfg(ReceiverMode::Push, true, 2), false);
    let r = lab.kill(&mut e, Fault::Driver);
    assert!(r.new_context && r.restored_from.is_none());
    assert_eq!(r.recovered, 0);
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("write-ahead log is not read")),
        "{:?}",
        r.notes
    );
    assert_eq!(e.batches_run(), 0);
    assert_eq!(r.next[0].batch, 0);
    let first = e.tick().expect("runs");
    let typed = first
        .outputs
        .iter()
        .find(|l| l.output == "in_out")
        .expect("in_out");
    assert!(typed.records.is_empty());
}

/// A snapshot taken after a kill carries its losses (in the input log): restored, the rest
/// of the run equals the killed engine's own, not one where the lost records came back.
#[test]
fn a_snapshot_after_a_kill_keeps_its_losses() {
    for mode in [ReceiverMode::Push, ReceiverMode::Pull] {
        let (mut killed, mut lab) = setup(cfg(mode, false, 2), false);
        lab.kill(&mut killed, Fault::Receiver);
        let bytes = killed.snapshot().to_bytes();
        let mut restored = dstream_engine::Snapshot::from_bytes(&bytes)
            .and_then(Engine::restore)
            .unwrap_or_else(|e| panic!("{e}"));
        let rest = |e: &mut Engine| -> Vec<String> {
            (RUN..TICKS)
                .flat_map(|_| e.tick().expect("runs").outputs)
                .filter(|l| l.output != "seen")
                .map(|l| l.to_json_line())
                .collect()
        };
        let (want, got) = (rest(&mut killed), rest(&mut restored));
        assert_eq!(got, want, "{mode:?}");
        let clean = rest(&mut setup(cfg(mode, false, 2), false).0);
        match mode {
            ReceiverMode::Push => assert_ne!(got, clean),
            ReceiverMode::Pull => assert_eq!(got, clean),
        }
    }
}

/// An executor's partitions of the last RDDs are recomputed from lineage (no data lost):
/// a stateful node's back to the checkpoint.
#[test]
fn an_executors_partitions_are_recomputed_from_lineage() {
    let json = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
        {"id": "q", "op": "queueStream", "batches": [["a", "b"], ["a"], ["b", "c"], ["c"]]},
        {"id": "pairs", "op": "map", "inputs": ["q"], "fn": "w => (w, 1)"},
        {"id": "totals", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.sum + s.getOrElse(0))"},
        {"id": "out", "op": "foreachRDD", "inputs": ["totals"], "action": "collect"}]}"#;
    let mut e = Engine::from_json(json).expect("valid");
    let mut lab = FaultLab::new(cfg(ReceiverMode::Push, false, 2));
    e.tick().expect("runs");
    lab.checkpointed(e.snapshot());
    e.tick().expect("runs");
    e.tick().expect("runs");
    let r = lab.kill(&mut e, Fault::Executor(1));
    assert_eq!((r.lost, r.recovered), (0, 0));
    // Partition 1 of every node's last RDD: batch 2 = [b, c] → q's partition 1 holds c.
    let q = r.recomputed.iter().find(|x| x.node == "q").expect("q");
    assert_eq!((q.partition, q.records, q.lineage_batches), (1, 1, 1));
    let totals = r
        .recomputed
        .iter()
        .find(|x| x.node == "totals")
        .expect("totals");
    assert_eq!(
        totals.lineage_batches, 2,
        "back to the checkpoint after batch 1"
    );
}

/// `reset` is a new context for the lab: no checkpoint, totals at 0, settings kept.
#[test]
fn reset_clears_the_checkpoint_and_the_totals() {
    let config = cfg(ReceiverMode::Push, true, 1);
    let (mut e, mut lab) = setup(config, true);
    lab.kill(&mut e, Fault::Receiver);
    assert!(lab.lost_total > 0 && lab.checkpoint_batch() == Some(CHECKPOINT));
    lab.reset();
    assert_eq!((lab.lost_total, lab.recovered_total), (0, 0));
    assert_eq!(lab.checkpoint_batch(), None);
    assert_eq!(lab.config, config);
}

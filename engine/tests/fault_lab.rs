//! The fault lab's numbers: which records a kill loses or recovers under each receiver mode,
//! replication and WAL setting, and that the engine really processes what survived.

use dstream_engine::fault::{Fault, FaultConfig, FaultLab, ReceiverMode};
use dstream_engine::{Engine, Value};

const QUEUE: &str = r#"{"version": 1, "batch_interval_ms": 1000, "ticks": 6, "nodes": [
    {"id": "q", "op": "queueStream", "batches": [["a", "b"], ["a"], ["b", "c"], ["c"], ["a", "b", "c", "d"], ["d"]]},
    {"id": "pairs", "op": "map", "inputs": ["q"], "fn": "w => (w, 1)"},
    {"id": "totals", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.sum + s.getOrElse(0))"},
    {"id": "out", "op": "foreachRDD", "inputs": ["totals"], "action": "collect"}]}"#;

fn cfg(mode: ReceiverMode, wal: bool, replication: u8) -> FaultConfig {
    FaultConfig {
        mode,
        wal,
        replication,
        executors: 2,
    }
}

/// An engine and lab after `n` batches, with a checkpoint after `cp` batches if given.
fn run(config: FaultConfig, n: u64, cp: Option<u64>) -> (Engine, FaultLab) {
    let mut e = Engine::from_json(QUEUE).unwrap();
    let mut lab = FaultLab::new(config);
    for b in 0..n {
        if cp == Some(b) {
            lab.checkpointed(e.snapshot());
        }
        let r = e.tick().unwrap();
        lab.after_tick(&e, &r, &[]);
    }
    if cp == Some(n) {
        lab.checkpointed(e.snapshot());
    }
    (e, lab)
}

fn next_input(e: &mut Engine) -> u64 {
    e.tick().unwrap().input_records
}

/// Batch 4 holds a b c d: block 0 (a b) stored on executor 0, c d still in the receiver.
#[test]
fn a_push_receivers_buffer_is_lost_a_pull_receivers_is_sent_again() {
    let (mut e, mut lab) = run(cfg(ReceiverMode::Push, false, 2), 4, None);
    let r = lab.kill(&mut e, Fault::Receiver);
    assert_eq!((r.lost, r.recovered), (2, 0), "{:?}", r.notes);
    assert_eq!(next_input(&mut e), 2);

    let (mut e, mut lab) = run(cfg(ReceiverMode::Pull, false, 1), 4, None);
    let r = lab.kill(&mut e, Fault::Receiver);
    assert_eq!((r.lost, r.recovered), (0, 2));
    assert_eq!(next_input(&mut e), 4);
    assert_eq!((lab.lost_total, lab.recovered_total), (0, 2));
}

#[test]
fn an_executors_blocks_survive_by_replica_or_wal_and_are_lost_otherwise() {
    // Replication 2: block 0 has a copy on executor 1; the receiver's buffer dies with it.
    let (mut e, mut lab) = run(cfg(ReceiverMode::Push, false, 2), 4, None);
    let r = lab.kill(&mut e, Fault::Executor(0));
    assert_eq!((r.lost, r.recovered), (2, 2), "{:?}", r.notes);
    assert_eq!(next_input(&mut e), 2);
    // One copy, but in the WAL.
    let (mut e, mut lab) = run(cfg(ReceiverMode::Push, true, 1), 4, None);
    let r = lab.kill(&mut e, Fault::Executor(0));
    assert_eq!((r.lost, r.recovered), (2, 2));
    assert!(
        r.notes.iter().any(|n| n.contains("write-ahead log")),
        "{:?}",
        r.notes
    );
    // One copy, no WAL, push: everything received is gone.
    let (mut e, mut lab) = run(cfg(ReceiverMode::Push, false, 1), 4, None);
    let r = lab.kill(&mut e, Fault::Executor(0));
    assert_eq!((r.lost, r.recovered), (4, 0));
    assert_eq!(next_input(&mut e), 0);
}

#[test]
fn an_executors_partitions_are_recomputed_from_lineage() {
    let (mut e, mut lab) = run(cfg(ReceiverMode::Push, false, 2), 3, Some(1));
    let r = lab.kill(&mut e, Fault::Executor(1));
    assert_eq!((r.lost, r.recovered), (0, 0));
    // Partition 1 of every node's last RDD: batch 2 = [b, c] → q's partition 1 holds c.
    let q = r.recomputed.iter().find(|x| x.node == "q").unwrap();
    assert_eq!((q.partition, q.records, q.lineage_batches), (1, 1, 1));
    let totals = r.recomputed.iter().find(|x| x.node == "totals").unwrap();
    assert_eq!(
        totals.lineage_batches, 2,
        "back to the checkpoint after batch 1"
    );
    // Nothing changed: the run goes on as if nothing happened.
    let mut clean = run(cfg(ReceiverMode::Push, false, 2), 3, None).0;
    assert_eq!(
        e.tick().unwrap().outputs[0].records,
        clean.tick().unwrap().outputs[0].records
    );
}

fn sorted(mut v: Vec<Value>) -> Vec<Value> {
    v.sort();
    v
}

#[test]
fn a_driver_restored_from_a_checkpoint_replays_the_batches_since() {
    // Pull: every record comes back; the rest of the run equals an uninterrupted one.
    let (mut e, mut lab) = run(cfg(ReceiverMode::Pull, false, 2), 4, Some(2));
    let r = lab.kill(&mut e, Fault::Driver);
    assert_eq!(r.restored_from, Some(2));
    assert_eq!(r.replayed_batches, [2, 3]);
    assert_eq!((r.lost, r.recovered), (0, 3 + 4));
    assert_eq!(e.batches_run(), 2);
    let mut clean = run(cfg(ReceiverMode::Pull, false, 2), 2, None).0;
    for _ in 2..6 {
        assert_eq!(
            sorted(e.tick().unwrap().outputs[0].records.clone()),
            sorted(clean.tick().unwrap().outputs[0].records.clone())
        );
    }
    // Push without WAL: batches 2 and 3 (3 records) and the received batch 4 (4) are lost,
    // and the replayed batches really run without them.
    let (mut e, mut lab) = run(cfg(ReceiverMode::Push, false, 2), 4, Some(2));
    let r = lab.kill(&mut e, Fault::Driver);
    assert_eq!((r.lost, r.recovered), (3 + 4, 0));
    assert_eq!(next_input(&mut e), 0);
    assert_eq!(next_input(&mut e), 0);
    assert_eq!(next_input(&mut e), 0);
    let last = e.tick().unwrap();
    assert_eq!(last.input_records, 1);
    // a b from batches 0-1 only, then d.
    assert_eq!(
        sorted(last.outputs[0].records.clone()),
        sorted(vec![
            Value::pair(Value::str("a"), Value::Int(2)),
            Value::pair(Value::str("b"), Value::Int(1)),
            Value::pair(Value::str("d"), Value::Int(1)),
        ])
    );
}

#[test]
fn a_driver_without_a_checkpoint_loses_its_state() {
    let (mut e, mut lab) = run(cfg(ReceiverMode::Push, true, 2), 4, None);
    let r = lab.kill(&mut e, Fault::Driver);
    assert_eq!(r.restored_from, None);
    assert_eq!(e.batches_run(), 0);
    // a b c in state; 6 records processed; batch 4 was in the WAL (its stored block),
    // but its receiver buffer (c d) was not.
    assert_eq!(r.state_keys_lost, 3);
    assert_eq!(r.lost, 6 + 2);
    assert_eq!(r.recovered, 2);
}

#[test]
fn typed_lines_since_the_checkpoint_come_back_from_the_wal() {
    let json = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
        {"id": "in", "op": "textInput"},
        {"id": "out", "op": "foreachRDD", "inputs": ["in"], "action": "count", "accumulate": true}]}"#;
    for wal in [true, false] {
        let mut e = Engine::from_json(json).unwrap();
        let mut lab = FaultLab::new(cfg(ReceiverMode::Push, wal, 2));
        lab.checkpointed(e.snapshot());
        for line in ["x", "y z"] {
            let fed = vec![("in".to_string(), vec![Value::str(line)])];
            e.feed("in", fed[0].1.clone()).unwrap();
            let r = e.tick().unwrap();
            lab.after_tick(&e, &r, &fed);
        }
        let r = lab.kill(&mut e, Fault::Driver);
        assert_eq!((r.recovered, r.lost), if wal { (2, 0) } else { (0, 2) });
        let line = e.tick().unwrap();
        assert_eq!(line.input_records, if wal { 2 } else { 0 }, "wal {wal}");
    }
}

/// A push receiver's lost buffer is gone from the next batch, and a snapshot taken right
/// after the kill carries that: restored (as the page hands a run to its worker), the rest of
/// the run equals the killed engine's own, not one where the lost records came back.
#[test]
fn a_snapshot_after_a_receiver_kill_keeps_its_losses() {
    for mode in [ReceiverMode::Push, ReceiverMode::Pull] {
        let (mut killed, mut lab) = run(cfg(mode, false, 2), 4, None);
        lab.kill(&mut killed, Fault::Receiver);
        let bytes = killed.snapshot().to_bytes();
        let mut restored =
            match dstream_engine::Snapshot::from_bytes(&bytes).and_then(Engine::restore) {
                Ok(e) => e,
                Err(err) => panic!("{err}"),
            };
        let rest = |e: &mut Engine| -> Vec<String> {
            (4..6)
                .flat_map(|_| e.tick().unwrap().outputs)
                .map(|l| l.to_json_line())
                .collect()
        };
        let (want, got) = (rest(&mut killed), rest(&mut restored));
        assert_eq!(got, want, "{mode:?}");
        let fresh = rest(&mut run(cfg(mode, false, 2), 4, None).0);
        match mode {
            // c and d never reach the state: totals differ from a run without the kill.
            ReceiverMode::Push => assert_ne!(got, fresh),
            ReceiverMode::Pull => assert_eq!(got, fresh),
        }
    }
}

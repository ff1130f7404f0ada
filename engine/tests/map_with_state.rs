//! `mapWithState` through the planner and the engine: the functional form of Spark's
//! mapping function, per-record output with the state so far, timeouts in the batches Spark
//! full-scans (every 10 slides), type errors named, and checkpoints carrying the state.

use dstream_engine::{Engine, Snapshot, Value};

const PIPELINE: &str = r#"{"version": 1, "batch_interval_ms": 1000, "ticks": 12, "nodes": [
    {"id": "q", "op": "queueStream", "batches": [[["a", 1], ["b", 2], ["a", 3]], [["a", 1]], [], [], [["c", 5]]]},
    {"id": "sums", "op": "mapWithState", "inputs": ["q"], "timeout_ms": 3000,
     "fn": "(k, v, s) => if (v.isDefined) ((k, v.get + s.getOrElse(0)), Some(v.get + s.getOrElse(0))) else ((k + \" timed out\", s.getOrElse(0)), None)"},
    {"id": "out", "op": "foreachRDD", "inputs": ["sums"], "action": "collect"}]}"#;

fn strings(records: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    v.sort();
    v
}

#[test]
fn every_record_maps_with_its_state_and_idle_keys_time_out_at_the_full_scan() {
    let mut e = Engine::from_json(PIPELINE).unwrap();
    assert_eq!(
        e.node_type("sums").map(|t| t.to_string()).as_deref(),
        Some("(String, Int)")
    );
    let mut outs = Vec::new();
    for _ in 0..12 {
        let r = e.tick().unwrap();
        outs.push(strings(&r.outputs[0].records));
    }
    assert_eq!(outs[0], ["(a,1)", "(a,4)", "(b,2)"]);
    assert_eq!(outs[1], ["(a,5)"]);
    assert_eq!(outs[4], ["(c,5)"]);
    // t = 10 s is the first full scan: a (updated at 2 s), b (1 s) and c (5 s) have been idle
    // longer than 3 s; each is called with None once and removed.
    for (i, o) in outs.iter().enumerate() {
        if i != 9 && i != 0 && i != 1 && i != 4 {
            assert!(o.is_empty(), "batch {i}: {o:?}");
        }
    }
    assert_eq!(
        outs[9],
        ["(a timed out,5)", "(b timed out,2)", "(c timed out,5)"]
    );
}

#[test]
fn the_state_survives_a_checkpoint() {
    for n in 0..12 {
        let mut whole = Engine::from_json(PIPELINE).unwrap();
        let all: Vec<String> = whole
            .replay()
            .unwrap()
            .iter()
            .map(|l| l.to_json_line())
            .collect();
        let mut first = Engine::from_json(PIPELINE).unwrap();
        let mut got = Vec::new();
        for _ in 0..n {
            got.extend(
                first
                    .tick()
                    .unwrap()
                    .outputs
                    .iter()
                    .map(|l| l.to_json_line()),
            );
        }
        let snap = Snapshot::from_bytes(&first.snapshot().to_bytes()).unwrap();
        let mut second = Engine::restore(snap).unwrap();
        for _ in n..12 {
            got.extend(
                second
                    .tick()
                    .unwrap()
                    .outputs
                    .iter()
                    .map(|l| l.to_json_line()),
            );
        }
        assert_eq!(got, all, "snapshot after {n}");
    }
}

#[test]
fn a_function_of_the_wrong_shape_is_named() {
    let json = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
        {"id": "q", "op": "queueStream", "batches": [[["a", 1]]]},
        {"id": "m", "op": "mapWithState", "inputs": ["q"], "fn": "(k, v, s) => v.get"}]}"#;
    let errors = Engine::from_json(json).err().expect("refused");
    assert!(
        errors
            .iter()
            .any(|e| e.node.as_deref() == Some("m") && e.field.as_deref() == Some("fn")),
        "{errors:?}"
    );
}

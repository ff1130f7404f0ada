//! What a batch did to a stateful op's state (`NodeReport::state`), against a plain model of
//! the same function's state kept in a `BTreeMap` outside the engine: the keys added,
//! updated, removed and timed out per batch, the state before and after, for
//! `updateStateByKey` (a key dropped with `None`) and `mapWithState` (`state.remove()`,
//! timeouts in the batches Spark full-scans), over random batches; and the samples are the
//! first `sample_limit` records.

use std::collections::{BTreeMap, BTreeSet};

use dstream_engine::{Change, Engine, NodeReport, PipelineSpec, StateChanges, Value};
use proptest::prelude::*;

/// Running sums, a key reaching 4 dropped.
const UPDATE_FN: &str =
    "(values, state) => { val n = values.sum + state.getOrElse(0); if (n >= 4) None else Some(n) }";

/// Running sums per record, a key reaching 4 removed; idle keys time out after 2 s.
const MAP_FN: &str = "(k, v, state) => {
  if (state.isTimingOut) (k, -1)
  else {
    val n = v.get + state.getOption.getOrElse(0)
    if (n >= 4) { state.remove(); (k, 0) }
    else { state.update(n); (k, n) }
  }
}";

const TIMEOUT_MS: i64 = 2000;

fn pipeline(batches: &[Vec<(String, i64)>]) -> PipelineSpec {
    let json = serde_json::json!({"version": 1, "batch_interval_ms": 1000, "nodes": [
        {"id": "q", "op": "queueStream", "batches": batches},
        {"id": "totals", "op": "updateStateByKey", "inputs": ["q"], "fn": UPDATE_FN},
        {"id": "sums", "op": "mapWithState", "inputs": ["q"], "timeout_ms": TIMEOUT_MS, "fn": MAP_FN},
        {"id": "a", "op": "foreachRDD", "inputs": ["totals"], "action": "count"},
        {"id": "b", "op": "foreachRDD", "inputs": ["sums"], "action": "count"}]});
    PipelineSpec::from_json(&json.to_string()).expect("valid pipeline")
}

/// Counts of one batch, as the model sees them.
#[derive(Debug, Default, PartialEq)]
struct Counts {
    added: u64,
    updated: u64,
    removed: u64,
    timed_out: u64,
    after: BTreeMap<String, i64>,
}

fn counts_of(c: &StateChanges) -> Counts {
    let after = c
        .after
        .iter()
        .map(|r| match r.as_pair() {
            Some((Value::Str(k), Value::Int(v))) => (k.to_string(), *v),
            _ => panic!("a state record is not (String, Int): {r}"),
        })
        .collect();
    Counts {
        added: c.added,
        updated: c.updated,
        removed: c.removed,
        timed_out: c.timed_out,
        after,
    }
}

/// updateStateByKey: every key of the state or the batch gets `values.sum + state`.
fn model_update(batches: &[Vec<(String, i64)>]) -> Vec<Counts> {
    let mut state: BTreeMap<String, i64> = BTreeMap::new();
    let mut out = Vec::new();
    for batch in batches {
        let mut sums: BTreeMap<String, i64> = BTreeMap::new();
        for (k, v) in batch {
            *sums.entry(k.clone()).or_default() += v;
        }
        let keys: BTreeSet<String> = state.keys().chain(sums.keys()).cloned().collect();
        let mut c = Counts::default();
        for k in keys {
            let n = sums.get(&k).copied().unwrap_or(0) + state.get(&k).copied().unwrap_or(0);
            match (state.get(&k).copied(), n >= 4) {
                (None, false) => c.added += 1,
                (Some(_), true) => c.removed += 1,
                (Some(before), false) if before != n => c.updated += 1,
                _ => {}
            }
            if n >= 4 {
                state.remove(&k);
            } else {
                state.insert(k, n);
            }
        }
        c.after = state.clone();
        out.push(c);
    }
    out
}

/// mapWithState: one call per record in order; idle keys time out in full scans (every 10
/// batches of 1 s), when saved more than the timeout before.
fn model_map(batches: &[Vec<(String, i64)>]) -> Vec<Counts> {
    let mut state: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut out = Vec::new();
    for (b, batch) in batches.iter().enumerate() {
        let now = (b as i64 + 1) * 1000;
        let before: BTreeMap<String, i64> =
            state.iter().map(|(k, (v, _))| (k.clone(), *v)).collect();
        let mut updated = BTreeSet::new();
        for (k, v) in batch {
            let n = v + state.get(k).map_or(0, |s| s.0);
            if n >= 4 {
                state.remove(k);
                updated.remove(k);
            } else {
                state.insert(k.clone(), (n, now));
                updated.insert(k.clone());
            }
        }
        let mut c = Counts::default();
        if now % 10_000 == 0 {
            let idle: Vec<String> = state
                .iter()
                .filter(|(_, (_, t))| *t < now - TIMEOUT_MS)
                .map(|(k, _)| k.clone())
                .collect();
            for k in idle {
                state.remove(&k);
                c.timed_out += 1;
            }
        }
        let touched: BTreeSet<&String> = batch.iter().map(|(k, _)| k).collect();
        for k in touched {
            match (before.contains_key(k), state.contains_key(k)) {
                (false, true) => c.added += 1,
                (true, false) => c.removed += 1,
                (true, true) if updated.contains(k) => c.updated += 1,
                _ => {}
            }
        }
        c.after = state.iter().map(|(k, (v, _))| (k.clone(), *v)).collect();
        out.push(c);
    }
    out
}

fn run(batches: &[Vec<(String, i64)>]) -> (Vec<Counts>, Vec<Counts>) {
    let mut e = Engine::new(pipeline(batches)).expect("starts");
    e.set_sample_limit(1000);
    let mut totals = Vec::new();
    let mut sums = Vec::new();
    let node = |r: &dstream_engine::BatchReport, id: &str| -> StateChanges {
        let n: &NodeReport = r.nodes.iter().find(|n| n.id == id).expect("node");
        n.state.clone().expect("a stateful node reports its state")
    };
    for _ in batches {
        let r = e.tick().expect("tick");
        totals.push(counts_of(&node(&r, "totals")));
        sums.push(counts_of(&node(&r, "sums")));
    }
    (totals, sums)
}

fn batches() -> impl Strategy<Value = Vec<Vec<(String, i64)>>> {
    let record = (0..6u8, 1..3i64).prop_map(|(k, v)| (format!("k{k}"), v));
    // 12 to 24 batches, so full scans at 10 s and 20 s are in most runs; empty batches often.
    // The first batch has a record, so the queue's record type is known.
    proptest::collection::vec(proptest::collection::vec(record, 0..5), 12..24).prop_map(|mut b| {
        b[0].push(("k0".to_string(), 1));
        b
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_batch_reports_what_the_plain_model_changed(b in batches()) {
        let (totals, sums) = run(&b);
        prop_assert_eq!(totals, model_update(&b));
        prop_assert_eq!(sums, model_map(&b));
    }
}

#[test]
fn a_fixed_run_adds_updates_removes_and_times_out() {
    let kv = |k: &str, v: i64| (k.to_string(), v);
    let mut b = vec![
        vec![kv("a", 1), kv("b", 2), kv("a", 1)],
        vec![kv("a", 1), kv("b", 2)],
        vec![kv("c", 1)],
    ];
    b.resize(10, Vec::new());
    let (totals, sums) = run(&b);
    // updateStateByKey: a 2 -> 3 (updated), b 2 -> 4 (dropped); c added.
    assert_eq!(
        (totals[1].added, totals[1].updated, totals[1].removed),
        (0, 1, 1)
    );
    assert_eq!((totals[2].added, totals[2].updated), (1, 0));
    // mapWithState: same, then at t = 10 s (a full scan) a (saved at 2 s) and c (3 s) time out.
    assert_eq!((sums[1].updated, sums[1].removed), (1, 1));
    assert_eq!(sums[9].timed_out, 2);
    assert!(sums[9].after.is_empty());
    assert_eq!(sums[8].timed_out, 0, "timeouts only in a full scan");
}

#[test]
fn the_state_samples_are_the_first_records_and_the_changes_name_before_and_after() {
    let json = include_str!("../../www/examples/stateful-word-count.json");
    let mut e = Engine::from_json(json).expect("starts");
    e.set_sample_limit(2);
    let changes: Vec<StateChanges> = (0..10)
        .map(|_| {
            let r = e.tick().expect("tick");
            let n = r.nodes.iter().find(|n| n.id == "counts").expect("counts");
            n.state.clone().expect("state")
        })
        .collect();
    // Batch #0: to, be, or, not are added; the samples hold 2 of each list.
    assert_eq!((changes[0].added, changes[0].keys_after), (4, 4));
    assert_eq!(changes[0].after.len(), 2);
    assert_eq!(changes[0].changes.len(), 2);
    assert!(changes[0].before.is_empty());
    // Batch #1: "be quick": be 2 -> 3, quick added.
    let be = changes[1]
        .changes
        .iter()
        .find(|c| c.key == Value::str("be"))
        .expect("be changed");
    assert_eq!(
        (be.change, be.before.clone(), be.after.clone()),
        (Change::Updated, Some(Value::Int(2)), Some(Value::Int(3)))
    );
    assert_eq!(changes[1].added, 1);
    // t = 10 s, a full scan: every key but be (seen at 9 s) times out.
    assert_eq!(changes[9].timed_out, 5);
    assert_eq!(changes[9].keys_after, 1);
}

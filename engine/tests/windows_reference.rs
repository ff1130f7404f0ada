//! Incremental (inverse) windows against a plain reference: at every slide, the engine's
//! incrementally maintained window must equal a full recompute over the window's batches,
//! apart from the keys Spark keeps at zero, which must be exactly the keys seen earlier that
//! have no data in the current window.

use std::collections::{BTreeMap, BTreeSet};

use dstream_engine::{Engine, Value};
use proptest::prelude::*;
use serde_json::json;

const B: u64 = 1000;

#[derive(Debug, Clone)]
struct Case {
    slide: u64,
    window: u64,
    batches: Vec<Vec<(u8, i64)>>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        1u64..=3,
        1u64..=4,
        prop::collection::vec(prop::collection::vec((0u8..6, -3i64..=5), 0..6), 1..12),
    )
        .prop_flat_map(|(s, k, batches)| (Just(s), s * k..=s * k + s - 1, Just(batches)))
        .prop_map(|(s, w, batches)| Case {
            slide: s * B,
            window: w.max(s) * B,
            batches,
        })
}

fn key(k: u8) -> String {
    format!("k{k}")
}

/// Batch indices in the window ending at `t`: times in (t - window, t].
fn in_window(c: &Case, t: u64) -> Vec<usize> {
    (0..c.batches.len())
        .filter(|&i| {
            let bt = (i as u64 + 1) * B;
            bt + c.window > t && bt <= t
        })
        .collect()
}

fn run(c: &Case, nodes: serde_json::Value) -> Vec<(u64, String, Vec<Value>)> {
    let ticks = c.batches.len() as u64 + c.window / B + 1;
    let spec = json!({"version": 1, "batch_interval_ms": B, "ticks": ticks, "nodes": nodes});
    let mut e = match Engine::from_json(&spec.to_string()) {
        Ok(e) => e,
        Err(errs) => panic!(
            "{}",
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    let lines = e.replay().unwrap_or_else(|err| panic!("{err}"));
    lines
        .into_iter()
        .map(|l| (l.time_ms, l.output, l.records))
        .collect()
}

fn pairs_queue(c: &Case) -> serde_json::Value {
    let batches: Vec<Vec<serde_json::Value>> = c
        .batches
        .iter()
        .map(|b| b.iter().map(|(k, v)| json!([key(*k), v])).collect())
        .collect();
    json!({"id": "pairs", "op": "queueStream", "batches": batches})
}

fn keys_queue(c: &Case) -> serde_json::Value {
    let batches: Vec<Vec<String>> = c
        .batches
        .iter()
        .map(|b| b.iter().map(|(k, _)| key(*k)).collect())
        .collect();
    json!({"id": "keys", "op": "queueStream", "batches": batches})
}

fn as_map(records: &[Value]) -> BTreeMap<String, i64> {
    records
        .iter()
        .map(|r| match r.as_pair() {
            Some((Value::Str(k), Value::Int(v))) => (k.to_string(), *v),
            _ => panic!("not a (String, Int) pair: {r}"),
        })
        .collect()
}

fn seen_until(c: &Case, t: u64) -> BTreeSet<String> {
    c.batches
        .iter()
        .enumerate()
        .filter(|(i, _)| (*i as u64 + 1) * B <= t)
        .flat_map(|(_, b)| b.iter().map(|(k, _)| key(*k)))
        .collect()
}

fn check_fires(c: &Case, lines: &[(u64, String, Vec<Value>)], output: &str) {
    let times: Vec<u64> = lines
        .iter()
        .filter(|l| l.1 == output)
        .map(|l| l.0)
        .collect();
    let expected: Vec<u64> = (1..=c.batches.len() as u64 + c.window / B + 1)
        .map(|i| i * B)
        .filter(|t| t % c.slide == 0)
        .collect();
    assert_eq!(
        times, expected,
        "{output} fires at every slide time, only then"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// reduceByKeyAndWindow(_ + _, _ - _) == reduceByKey over the window, plus zero keys.
    #[test]
    fn reduce_by_key_and_window_with_inverse_equals_recompute(c in case()) {
        let nodes = json!([
            pairs_queue(&c),
            {"id": "inc", "op": "reduceByKeyAndWindow", "inputs": ["pairs"], "fn": "_ + _",
             "inverse": "_ - _", "window_ms": c.window, "slide_ms": c.slide},
            {"id": "full", "op": "reduceByKeyAndWindow", "inputs": ["pairs"], "fn": "_ + _",
             "window_ms": c.window, "slide_ms": c.slide},
            {"id": "inc_out", "op": "foreachRDD", "inputs": ["inc"], "action": "collect"},
            {"id": "full_out", "op": "foreachRDD", "inputs": ["full"], "action": "collect"},
        ]);
        let lines = run(&c, nodes);
        check_fires(&c, &lines, "inc_out");
        for (t, out, records) in &lines {
            let mut reference: BTreeMap<String, i64> = BTreeMap::new();
            for i in in_window(&c, *t) {
                for (k, v) in &c.batches[i] {
                    *reference.entry(key(*k)).or_default() += v;
                }
            }
            let got = as_map(records);
            if out == "full_out" {
                prop_assert_eq!(&got, &reference, "no inverse: exactly the recompute at t={}", t);
                continue;
            }
            for (k, v) in &reference {
                prop_assert_eq!(got.get(k), Some(v), "key {} at t={}", k, t);
            }
            let extra: BTreeSet<String> = got.keys().filter(|k| !reference.contains_key(*k)).cloned().collect();
            let gone: BTreeSet<String> = seen_until(&c, *t).into_iter().filter(|k| !reference.contains_key(k)).collect();
            prop_assert_eq!(&extra, &gone, "kept keys at t={} are the ones that left", t);
            for k in &extra {
                prop_assert_eq!(got[k], 0, "a kept key is zero: {} at t={}", k, t);
            }
        }
    }

    /// reduceByWindow(_ + _, _ - _) == the sum over the window, `[0]` for an empty window
    /// once data was seen and `[]` before; without an inverse `[]` for any empty window.
    #[test]
    fn reduce_by_window_equals_recompute(c in case()) {
        let batches: Vec<Vec<i64>> = c.batches.iter().map(|b| b.iter().map(|(_, v)| *v).collect()).collect();
        let nodes = json!([
            {"id": "nums", "op": "queueStream", "batches": batches},
            {"id": "inc", "op": "reduceByWindow", "inputs": ["nums"], "fn": "_ + _",
             "inverse": "_ - _", "window_ms": c.window, "slide_ms": c.slide},
            {"id": "full", "op": "reduceByWindow", "inputs": ["nums"], "fn": "_ + _",
             "window_ms": c.window, "slide_ms": c.slide},
            {"id": "inc_out", "op": "foreachRDD", "inputs": ["inc"], "action": "collect"},
            {"id": "full_out", "op": "foreachRDD", "inputs": ["full"], "action": "collect"},
        ]);
        let lines = run(&c, nodes);
        check_fires(&c, &lines, "inc_out");
        check_fires(&c, &lines, "full_out");
        for (t, out, records) in &lines {
            let window: Vec<i64> = in_window(&c, *t).into_iter().flat_map(|i| batches[i].clone()).collect();
            let any_seen = batches.iter().take((*t / B) as usize).any(|b| !b.is_empty());
            let expected = if !window.is_empty() {
                vec![Value::Int(window.iter().sum())]
            } else if out == "inc_out" && any_seen {
                vec![Value::Int(0)]
            } else {
                vec![]
            };
            prop_assert_eq!(records, &expected, "{} at t={}", out, t);
        }
    }

    /// countByValueAndWindow (inverse + filter) == count per value over the window;
    /// countByWindow == records in the window, `[0]` once data was seen, `[]` before.
    #[test]
    fn count_windows_equal_recompute(c in case()) {
        let nodes = json!([
            keys_queue(&c),
            {"id": "cbv", "op": "countByValueAndWindow", "inputs": ["keys"],
             "window_ms": c.window, "slide_ms": c.slide},
            {"id": "cbw", "op": "countByWindow", "inputs": ["keys"],
             "window_ms": c.window, "slide_ms": c.slide},
            {"id": "cbv_out", "op": "foreachRDD", "inputs": ["cbv"], "action": "collect"},
            {"id": "cbw_out", "op": "foreachRDD", "inputs": ["cbw"], "action": "collect"},
        ]);
        let lines = run(&c, nodes);
        check_fires(&c, &lines, "cbv_out");
        check_fires(&c, &lines, "cbw_out");
        for (t, out, records) in &lines {
            let mut reference: BTreeMap<String, i64> = BTreeMap::new();
            for i in in_window(&c, *t) {
                for (k, _) in &c.batches[i] {
                    *reference.entry(key(*k)).or_default() += 1;
                }
            }
            if out == "cbv_out" {
                prop_assert_eq!(as_map(records), reference, "t={}", t);
            } else {
                let total: i64 = reference.values().sum();
                let expected = if total == 0 && seen_until(&c, *t).is_empty() {
                    vec![]
                } else {
                    vec![Value::Int(total)]
                };
                prop_assert_eq!(records, &expected, "t={}", t);
            }
        }
    }
}

//! Spark's job model and start checks, against what Spark 4.3.0 itself did
//! (`tests/fixtures/spark/`, written by the Java programs there): the same pipelines through
//! the engine must start or be refused as Spark's `ssc.start()` did, with its message, and
//! run their jobs at the times Spark ran them, each computing what Spark's computed.

use std::collections::BTreeMap;
use std::path::Path;

use dstream_engine::{Engine, NotComputed, Value};
use serde_json::json;

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/spark")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `Check.java`'s graphs, as pipelines: name → (the nodes after `lines`, `pairs` and `ones`,
/// whether the program calls `ssc.checkpoint`).
fn check_pipelines() -> BTreeMap<&'static str, (serde_json::Value, bool)> {
    let out = |input: &str| json!({"id": "out", "op": "foreachRDD", "inputs": [input], "action": "count"});
    let state = json!({"id": "s", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.size + s.getOrElse(0))"});
    let win = |op: &str, extra: serde_json::Value| {
        let mut n = json!({"id": "s", "op": op, "window_ms": 4000, "slide_ms": 2000});
        for (k, v) in extra.as_object().into_iter().flatten() {
            n[k] = v.clone();
        }
        n
    };
    let on_pairs = json!({"inputs": ["pairs"]});
    let on_ones = json!({"inputs": ["ones"]});
    let on_lines = json!({"inputs": ["lines"]});
    let add = |e: &mut serde_json::Value, k: &str, v: serde_json::Value| e[k] = v;
    let mut rbk_inv = win("reduceByKeyAndWindow", on_pairs.clone());
    add(&mut rbk_inv, "fn", json!("_ + _"));
    add(&mut rbk_inv, "inverse", json!("_ - _"));
    let mut rbk = win("reduceByKeyAndWindow", on_pairs.clone());
    add(&mut rbk, "fn", json!("_ + _"));
    let mut rbw_inv = win("reduceByWindow", on_ones.clone());
    add(&mut rbw_inv, "fn", json!("_ + _"));
    add(&mut rbw_inv, "inverse", json!("_ - _"));
    let mut rbw = win("reduceByWindow", on_ones);
    add(&mut rbw, "fn", json!("_ + _"));
    let list = |nodes: Vec<serde_json::Value>| serde_json::Value::Array(nodes);
    BTreeMap::from([
        (
            "no-output",
            (
                list(vec![
                    json!({"id": "m", "op": "map", "inputs": ["lines"], "fn": "x => x.length"}),
                ]),
                false,
            ),
        ),
        (
            "updateStateByKey",
            (list(vec![state.clone(), out("s")]), false),
        ),
        (
            "mapWithState",
            (
                list(vec![
                    json!({"id": "s", "op": "mapWithState", "inputs": ["pairs"], "fn": "(k, v, state) => { state.update(1); k }"}),
                    out("s"),
                ]),
                false,
            ),
        ),
        (
            "reduceByKeyAndWindow-inverse",
            (list(vec![rbk_inv, out("s")]), false),
        ),
        (
            "reduceByKeyAndWindow-no-inverse",
            (list(vec![rbk, out("s")]), false),
        ),
        (
            "reduceByWindow-inverse",
            (list(vec![rbw_inv, out("s")]), false),
        ),
        (
            "reduceByWindow-no-inverse",
            (list(vec![rbw, out("s")]), false),
        ),
        (
            "countByWindow",
            (
                list(vec![win("countByWindow", on_lines.clone()), out("s")]),
                false,
            ),
        ),
        (
            "countByValueAndWindow",
            (
                list(vec![
                    win("countByValueAndWindow", on_lines.clone()),
                    out("s"),
                ]),
                false,
            ),
        ),
        (
            "window",
            (list(vec![win("window", on_lines), out("s")]), false),
        ),
        (
            "groupByKeyAndWindow",
            (
                list(vec![win("groupByKeyAndWindow", on_pairs), out("s")]),
                false,
            ),
        ),
        (
            "updateStateByKey-unreachable",
            (list(vec![state.clone(), out("lines")]), false),
        ),
        (
            "updateStateByKey-with-checkpoint",
            (list(vec![state.clone(), out("s")]), true),
        ),
        ("no-output-and-stateful", (list(vec![state]), false)),
    ])
}

#[test]
fn pipelines_start_or_are_refused_as_sparks_ssc_start_did() {
    let spark = fixture("start_refusals.out");
    let pipelines = check_pipelines();
    let mut checked = 0;
    for line in spark.lines() {
        let rest = line.strip_prefix("CHECK ").expect("a CHECK line");
        let (name, outcome) = rest.split_once(": ").expect("name: outcome");
        let (nodes, checkpoint) = pipelines
            .get(name)
            .unwrap_or_else(|| panic!("no pipeline for Spark's check {name}"));
        let mut all = vec![
            json!({"id": "lines", "op": "queueStream", "batches": [["a b", "a"], ["b"]]}),
            json!({"id": "pairs", "op": "map", "inputs": ["lines"], "fn": "l => (l, 1)"}),
            json!({"id": "ones", "op": "map", "inputs": ["lines"], "fn": "l => 1"}),
        ];
        all.extend(nodes.as_array().cloned().unwrap_or_default());
        let spec = json!({"version": 1, "batch_interval_ms": 1000, "checkpoint": checkpoint, "nodes": all});
        let engine = Engine::from_json(&spec.to_string());
        match outcome.strip_prefix("java.lang.IllegalArgumentException: ") {
            None => {
                assert_eq!(outcome, "started", "{name}");
                assert!(
                    engine.is_ok(),
                    "{name}: Spark started it: {:?}",
                    engine.err()
                );
            }
            Some(message) => {
                let errors = engine
                    .err()
                    .unwrap_or_else(|| panic!("{name}: Spark refused it"));
                assert!(
                    errors.iter().all(|e| e.message == message),
                    "{name}: {errors:?} vs Spark's {message}"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, pipelines.len());
}

/// One of `Jobs.java`'s runs: per job (time, the output op's source line, ok or failure),
/// the records the logging `map` computed in it.
struct SparkJob {
    time: u64,
    line: u32,
    failure: Option<String>,
    computed: Vec<String>,
}

fn spark_runs() -> BTreeMap<String, Vec<SparkJob>> {
    let mut runs: BTreeMap<String, Vec<SparkJob>> = BTreeMap::new();
    let mut name = String::new();
    let mut pending = Vec::new();
    for line in fixture("jobs.out").lines() {
        let l = line.trim();
        if let Some(n) = l.strip_prefix("== ") {
            name = n.split(" (start").next().unwrap_or(n).to_string();
        } else if let Some(rest) = l.strip_prefix("job t=") {
            let (time, rest) = rest.split_once(' ').expect("job t=T op#k …");
            let (site, outcome) = rest.split_once(": ").expect("…: outcome");
            let line_no = site
                .rsplit(':')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("line");
            runs.entry(name.clone()).or_default().push(SparkJob {
                time: time.parse().expect("a time"),
                line: line_no,
                failure: (outcome != "ok").then(|| outcome.to_string()),
                computed: std::mem::take(&mut pending),
            });
        } else if let Some(rest) = l
            .strip_prefix("map computes \"")
            .or(l.strip_prefix("lazy map computes \""))
        {
            pending.push(rest.trim_end_matches('"').to_string());
        }
    }
    runs
}

fn queue(batches: &[&[&str]]) -> serde_json::Value {
    json!({"id": "q", "op": "queueStream", "batches": batches})
}

#[test]
fn a_failing_record_upstream_of_a_window_fails_the_job_at_the_windows_slide_as_in_spark() {
    let runs = spark_runs();
    let spark = &runs["toInt upstream of window(2s,2s)"];
    // Spark: jobs at 2 s (ok) and 4 s (fails on "x", the record of 3 s), none at odd times.
    let times: Vec<u64> = spark.iter().map(|j| j.time).collect();
    assert_eq!(times, [2000, 4000, 6000]);
    let failed = spark
        .iter()
        .find(|j| j.failure.is_some())
        .expect("a failed job");
    assert!(failed
        .failure
        .as_deref()
        .is_some_and(|f| f.contains("For input string: \"x\"")));
    assert_eq!(failed.computed, ["x", "4"]);
    let spec = json!({"version": 1, "batch_interval_ms": 1000, "ticks": 6, "nodes": [
        queue(&[&["1"], &["2"], &["x"], &["4"], &["5"], &["6"]]),
        {"id": "n", "op": "map", "inputs": ["q"], "fn": "s => s.toInt"},
        {"id": "w", "op": "window", "inputs": ["n"], "window_ms": 2000, "slide_ms": 2000},
        {"id": "out", "op": "foreachRDD", "inputs": ["w"], "action": "collect"}]});
    let mut e = Engine::from_json(&spec.to_string()).expect("valid");
    let b0 = e.tick().expect("no job at 1 s");
    assert!(b0.jobs.is_empty());
    assert_eq!(b0.nodes[1].not_computed, Some(NotComputed::NotYet));
    let b1 = e.tick().expect("the job at 2 s");
    assert_eq!(b1.jobs, ["out"]);
    assert_eq!(b1.nodes[1].computed_times_ms, [1000, 2000]);
    assert_eq!(b1.outputs[0].records, [Value::Int(1), Value::Int(2)]);
    assert!(e.tick().expect("no job at 3 s").jobs.is_empty());
    let err = e.tick().expect_err("the job at 4 s fails");
    assert_eq!(
        (err.batch, err.time_ms, err.job.as_str(), err.job_time_ms),
        (2, 3000, "out", failed.time)
    );
    assert_eq!(
        (err.node.as_str(), err.record.as_deref()),
        ("n", Some("\"x\""))
    );
    assert!(err.message.contains("For input string: \"x\""), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("batch 2 (time 3000 ms)") && text.contains("at 4000 ms"),
        "{text}"
    );
    assert_eq!(e.batches_run(), 3, "the batch at 4 s runs again");
}

#[test]
fn a_map_no_output_reads_is_never_computed_and_never_fails_as_in_spark() {
    let runs = spark_runs();
    let spark = &runs["failing map no output reads"];
    assert!(spark
        .iter()
        .all(|j| j.failure.is_none() && j.computed.is_empty()));
    let spec = json!({"version": 1, "batch_interval_ms": 1000, "ticks": 4, "nodes": [
        queue(&[&["1"], &["2"], &["x"], &["4"]]),
        {"id": "lazy", "op": "map", "inputs": ["q"], "fn": "s => s.toInt"},
        {"id": "out", "op": "foreachRDD", "inputs": ["q"], "action": "count"}]});
    let mut e = Engine::from_json(&spec.to_string()).expect("valid");
    for job in spark {
        let r = e.tick().expect("nothing fails");
        assert_eq!(r.time_ms, job.time);
        assert_eq!(r.jobs, ["out"]);
        assert_eq!(r.nodes[1].not_computed, Some(NotComputed::NoOutput));
        assert!(r.nodes[1].computed_times_ms.is_empty());
        assert_eq!(
            NotComputed::NoOutput.reason(),
            "not computed: no output operation uses it (DStreams are lazy)"
        );
    }
}

#[test]
fn a_node_two_outputs_read_is_computed_by_the_first_job_that_needs_it_as_in_spark() {
    let runs = spark_runs();
    let spark = &runs["map read by a per-batch output and a window"];
    // Jobs.java: line 70 is the window's output (`win`, registered first), 71 the per-batch one.
    let id = |line: u32| match line {
        70 => "win",
        71 => "per",
        other => panic!("line {other}"),
    };
    let spec = json!({"version": 1, "batch_interval_ms": 1000, "ticks": 4, "nodes": [
        queue(&[&["a"], &["b"], &["c"], &["d"]]),
        {"id": "m", "op": "map", "inputs": ["q"], "fn": "s => s"},
        {"id": "w", "op": "window", "inputs": ["m"], "window_ms": 2000, "slide_ms": 2000},
        {"id": "win", "op": "foreachRDD", "inputs": ["w"], "action": "collect"},
        {"id": "per", "op": "foreachRDD", "inputs": ["m"], "action": "collect"}]});
    let mut e = Engine::from_json(&spec.to_string()).expect("valid");
    let mut by_time: BTreeMap<u64, Vec<&SparkJob>> = BTreeMap::new();
    for j in spark {
        by_time.entry(j.time).or_default().push(j);
    }
    for (time, jobs) in by_time {
        let r = e.tick().expect("runs");
        assert_eq!(r.time_ms, time);
        let spark_jobs: Vec<&str> = jobs.iter().map(|j| id(j.line)).collect();
        assert_eq!(r.jobs, spark_jobs, "at {time} ms");
        // The job in which Spark's map computed the batch's record computed our `m` at t.
        let computing = jobs
            .iter()
            .find(|j| !j.computed.is_empty())
            .expect("one computes");
        assert_eq!(
            r.nodes[1].computed_by.as_deref(),
            Some(id(computing.line)),
            "at {time}"
        );
        let record = Value::str(&computing.computed[0]);
        assert_eq!(r.nodes[1].sample, [record], "at {time}");
    }
}

#[test]
fn a_wal_without_a_checkpoint_directory_keeps_sparks_receiver_from_starting() {
    let spark = fixture("wal_without_checkpoint.out");
    assert!(spark.contains("WAL: started"));
    assert!(
        spark.contains("Cannot enable receiver write-ahead log without checkpoint directory set")
    );
    // The lab says so, and recovers nothing from a WAL Spark never wrote.
    use dstream_engine::fault::{Fault, FaultConfig, FaultLab, ReceiverMode};
    let spec = r#"{"version": 1, "batch_interval_ms": 1000, "checkpoint": false, "nodes": [
        {"id": "q", "op": "queueStream", "batches": [["a", "b", "c", "d"], ["e", "f", "g", "h"]]},
        {"id": "out", "op": "foreachRDD", "inputs": ["q"], "action": "collect"}]}"#;
    let mut e = Engine::from_json(spec).expect("valid");
    e.tick().expect("runs");
    let mut lab = FaultLab::new(FaultConfig {
        mode: ReceiverMode::Push,
        wal: true,
        replication: 1,
        executors: 2,
    });
    let r = lab.kill(&mut e, Fault::Executor(0));
    assert!(
        r.notes.iter().any(|n| n.contains("no write-ahead log")),
        "{:?}",
        r.notes
    );
    assert_eq!((r.lost, r.recovered), (4, 0));
}

#[test]
fn print_writes_what_sparks_dstream_print_writes() {
    let spec = json!({"version": 1, "batch_interval_ms": 1000, "ticks": 2, "nodes": [
        queue(&[&["a b", "c", "a"], &[]]),
        {"id": "words", "op": "flatMap", "inputs": ["q"], "fn": "l => l.split(\" \")"},
        {"id": "pairs", "op": "map", "inputs": ["words"], "fn": "w => (w, 1)"},
        {"id": "out", "op": "print", "inputs": ["pairs"], "num": 2}]});
    let mut e = Engine::from_json(&spec.to_string()).expect("valid");
    let printed: String = (0..2)
        .flat_map(|_| e.tick().expect("runs").outputs)
        .map(|l| l.spark_print(2))
        .collect();
    assert_eq!(printed, fixture("print.out"));
}

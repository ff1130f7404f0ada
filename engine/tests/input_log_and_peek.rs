//! The engine API the page's one run model stands on: the input log a new context replays
//! (an edit keeps every typed line, and reproduces the run under the edited pipeline; a failed
//! batch keeps its input), and `peek`, what a node would hold that no job computed, without
//! changing the engine.

use dstream_engine::{Engine, InputLog, PipelineSpec, Snapshot, Value};
use proptest::prelude::*;
use serde_json::json;

fn spec(window_ms: u64, map_fn: &str) -> PipelineSpec {
    let j = json!({"version": 1, "batch_interval_ms": 1000, "nodes": [
        {"id": "in", "op": "textInput"},
        {"id": "other", "op": "textInput"},
        {"id": "words", "op": "flatMap", "inputs": ["in"], "fn": "l => l.split(\" \")"},
        {"id": "tagged", "op": "map", "inputs": ["words"], "fn": map_fn},
        {"id": "counts", "op": "countByValueAndWindow", "inputs": ["tagged"], "window_ms": window_ms, "slide_ms": 1000},
        {"id": "out", "op": "foreachRDD", "inputs": ["counts"], "action": "collect"},
        {"id": "other_out", "op": "foreachRDD", "inputs": ["other"], "action": "count"}]});
    PipelineSpec::from_json(&j.to_string()).expect("valid")
}

fn lines(v: &[String]) -> Vec<Value> {
    v.iter().map(|l| Value::str(l)).collect()
}

/// Runs `spec` live: each batch's lines fed before its tick; the output lines.
fn live(spec: &PipelineSpec, typed: &[(Vec<String>, Vec<String>)]) -> (Engine, Vec<String>) {
    let mut e = Engine::new(spec.clone()).expect("valid");
    let mut out = Vec::new();
    for (a, b) in typed {
        e.feed("in", lines(a)).expect("fed");
        e.feed("other", lines(b)).expect("fed");
        out.extend(e.tick().expect("runs").outputs.iter().map(sorted_line));
    }
    (e, out)
}

fn sorted_line(l: &dstream_engine::OutputLine) -> String {
    let mut r: Vec<String> = l.records.iter().map(Value::to_string).collect();
    r.sort();
    format!("{} {} {}", l.batch, l.output, r.join(" "))
}

fn typed() -> impl Strategy<Value = Vec<(Vec<String>, Vec<String>)>> {
    let line = prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 1..4)
        .prop_map(|w| w.join(" "));
    prop::collection::vec(
        (
            prop::collection::vec(line.clone(), 0..3),
            prop::collection::vec(line, 0..2),
        ),
        1..8,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A new context replaying the log of a run, ticked to where the run was, is the run the
    /// edited pipeline would have made live from the same typing.
    #[test]
    fn an_edited_pipeline_replaying_the_log_is_the_edited_run(typed in typed(), w in 1u64..4) {
        let (old, _) = live(&spec(2000, "w => w"), &typed);
        let edited = spec(w * 1000, "w => w + \"!\"");
        let (_, want) = live(&edited, &typed);
        let mut replayed = Engine::with_input(edited, old.input_log().clone()).expect("valid");
        let run = replayed.run_to(old.batches_run());
        prop_assert!(run.error.is_none());
        let got: Vec<String> = run.reports.iter().flat_map(|r| r.outputs.iter().map(sorted_line)).collect();
        prop_assert_eq!(got, want);
        prop_assert_eq!(replayed.input_log(), old.input_log());
    }
}

#[test]
fn lines_of_a_node_an_edit_removed_stay_in_the_log_unread() {
    let typed = vec![
        (
            vec!["a b".to_string()],
            vec!["x".to_string(), "y".to_string()],
        ),
        (vec!["b".to_string()], vec!["z".to_string()]),
    ];
    let (old, _) = live(&spec(2000, "w => w"), &typed);
    let mut edited = spec(2000, "w => w");
    edited
        .nodes
        .retain(|n| n.id != "other" && n.id != "other_out");
    let mut e = Engine::with_input(edited, old.input_log().clone()).expect("valid");
    let run = e.run_to(2);
    assert!(run.error.is_none());
    assert_eq!(texts(e.input_log().lines_of("other", 0)), ["x", "y"]);
    assert_eq!(e.input_log().line_count(), 5);
    // Put back, the node gets its lines again.
    let mut back = Engine::with_input(spec(2000, "w => w"), e.input_log().clone()).expect("ok");
    let counts: Vec<Vec<Value>> = back
        .run_to(2)
        .reports
        .iter()
        .map(|r| {
            r.outputs
                .iter()
                .find(|l| l.output == "other_out")
                .expect("line")
                .records
                .clone()
        })
        .collect();
    assert_eq!(counts, [vec![Value::Int(2)], vec![Value::Int(1)]]);
}

/// A run-time error keeps the failing batch's input: the lines logged for it are what the
/// fixed pipeline's new context feeds that batch.
#[test]
fn a_failed_batch_keeps_its_input_for_the_fixed_pipeline() {
    let failing = spec(2000, "w => if (w == \"boom\") (1 / 0).toString else w");
    let mut e = Engine::new(failing).expect("valid");
    e.feed("in", lines(&["a b".into()])).expect("fed");
    e.tick().expect("runs");
    e.feed("in", lines(&["boom a".into()])).expect("fed");
    let err = e.tick().expect_err("divides by zero");
    assert_eq!((err.batch, err.node.as_str()), (1, "tagged"));
    assert_eq!(e.batches_run(), 1);
    assert_eq!(texts(e.input_log().lines_of("in", 1)), ["boom a"]);
    // Fixed: the new context runs batch 1 with the same line, after replaying batch 0.
    let mut fixed = Engine::with_input(spec(2000, "w => w"), e.input_log().clone()).expect("ok");
    let run = fixed.run_to(2);
    assert!(run.error.is_none());
    let last = sorted_line(&run.reports[1].outputs[0]);
    assert_eq!(last, "1 out (a,2) (b,1) (boom,1)");
    // The helper stops at the first run-time error, with it.
    let mut again = Engine::with_input(
        spec(2000, "w => if (w == \"boom\") (1 / 0).toString else w"),
        e.input_log().clone(),
    )
    .expect("ok");
    let run = again.run_to(5);
    assert_eq!(run.reports.len(), 1);
    assert_eq!(run.error.map(|e| e.batch), Some(1));
    assert_eq!(again.batches_run(), 1);
}

#[test]
fn the_input_log_crosses_as_json_and_in_a_snapshot() {
    let (e, _) = live(
        &spec(2000, "w => w"),
        &[(vec!["a".into()], vec![]), (vec![], vec!["q".into()])],
    );
    let log = e.input_log().clone();
    let text = serde_json::to_string(&log).expect("serialises");
    assert_eq!(
        text,
        r#"{"lines":[{"batch":0,"node":"in","lines":["a"]},{"batch":1,"node":"other","lines":["q"]}],"lost":[]}"#
    );
    let back: InputLog = serde_json::from_str(&text).expect("reads");
    assert_eq!(back, log);
    let restored = Engine::restore(Snapshot::from_bytes(&e.snapshot().to_bytes()).expect("ok"))
        .expect("restores");
    assert_eq!(restored.input_log(), &log);
}

const PEEKED: &str = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
    {"id": "q", "op": "queueStream", "batches": [["a", "bb"], ["ccc", "a"], ["bb", "a", "dddd"]]},
    {"id": "pairs", "op": "map", "inputs": ["q"], "fn": "w => (w, 1)"},
    {"id": "out", "op": "foreachRDD", "inputs": ["pairs"], "action": "collect"},
    {"id": "long", "op": "filter", "inputs": ["q"], "fn": "w => w.length > 1"},
    {"id": "totals", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.sum + s.getOrElse(0))"},
    {"id": "r", "op": "queueStream", "batches": [["x"], ["y"], ["z", "zz"]]},
    {"id": "w", "op": "window", "inputs": ["r"], "window_ms": 2000, "slide_ms": 2000},
    {"id": "w_out", "op": "foreachRDD", "inputs": ["w"], "action": "count"}]}"#;

fn sorted(v: &[Value]) -> Vec<String> {
    let mut s: Vec<String> = v.iter().map(Value::to_string).collect();
    s.sort();
    s
}

#[test]
fn a_peek_shows_what_a_lazy_node_would_hold_and_changes_nothing() {
    let mut e = Engine::from_json(PEEKED).expect("valid");
    for _ in 0..3 {
        e.tick().expect("runs");
    }
    let before = e.snapshot().to_bytes();
    // A filter no output reads: what it would hold at batch 2.
    let long = e.peek("long").expect("peeks");
    assert!(!long.computed && long.defined);
    assert_eq!((long.batch, long.time_ms), (2, 3000));
    assert_eq!(sorted(&long.sample), ["bb", "dddd"]);
    assert!(long.note.contains("Spark does not do"), "{}", long.note);
    // A state no output reads: its whole history computed again, as an output would have.
    let totals = e.peek("totals").expect("peeks");
    let mut reference: serde_json::Value = serde_json::from_str(PEEKED).expect("json");
    reference["nodes"].as_array_mut().expect("nodes").push(
        json!({"id": "t_out", "op": "foreachRDD", "inputs": ["totals"], "action": "collect"}),
    );
    let mut r = Engine::from_json(&reference.to_string()).expect("valid");
    let last = (0..3)
        .map(|_| r.tick().expect("runs"))
        .last()
        .expect("3 batches");
    let want = &last
        .outputs
        .iter()
        .find(|l| l.output == "t_out")
        .expect("t_out")
        .records;
    assert_eq!(sorted(&totals.sample), sorted(want));
    assert_eq!(totals.count, 4, "a, bb, ccc, dddd");
    // A source upstream of the window at an odd batch: no job needed it yet.
    let r = e.peek("r").expect("peeks");
    assert!(!r.computed && r.note.contains("no job"), "{}", r.note);
    assert_eq!(sorted(&r.sample), ["z", "zz"]);
    // A node the last batch's job computed: the same as the report.
    let pairs = e.peek("pairs").expect("peeks");
    assert!(pairs.computed);
    assert_eq!(pairs.count, 3);
    // An output: what its job emitted at 3 s.
    let out = e.peek("out").expect("peeks");
    assert!(out.computed);
    assert_eq!(sorted(&out.sample), ["(a,1)", "(bb,1)", "(dddd,1)"]);
    // The window defines no RDD at 3 s.
    let w = e.peek("w").expect("peeks");
    assert!(!w.defined && w.sample.is_empty());
    assert_eq!(e.snapshot().to_bytes(), before, "a peek changes nothing");
    assert!(e.peek("nowhere").is_err());
    assert!(
        Engine::from_json(PEEKED).expect("valid").peek("q").is_err(),
        "no batch yet"
    );
}

/// The logged lines as text.
fn texts(lines: &[std::rc::Rc<str>]) -> Vec<&str> {
    lines.iter().map(|l| &**l).collect()
}

//! The replay CLI on bad input and on pipelines Spark refuses to start: exit status 1,
//! nothing on stdout, and a message on stderr that names the node and the reason (Spark's
//! own for the refusals). On a run-time error: the lines of the batches that ran before it,
//! then the error (naming the record's batch and the job's time), exit status 1.

use std::process::Command;

fn replay_file(path: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_replay"))
        .arg(path)
        .output()
        .expect("the replay binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn replay(name: &str, json: &str) -> (i32, String, String) {
    let path = std::env::temp_dir().join(format!(
        "dstream_replay_cli_{}_{name}.json",
        std::process::id()
    ));
    std::fs::write(&path, json).expect("temp file");
    let r = replay_file(&path.to_string_lossy());
    let _ = std::fs::remove_file(&path);
    r
}

/// Asserts a failed run: exit 1, empty stdout, stderr containing every `needle`.
fn assert_fails(name: &str, json: &str, needles: &[&str]) {
    let (code, stdout, stderr) = replay(name, json);
    assert_eq!(code, 1, "{name}: exit status (stderr: {stderr})");
    assert!(
        stdout.is_empty(),
        "{name}: stdout must be empty, got {stdout}"
    );
    assert!(!stderr.contains("panicked"), "{name}: panicked: {stderr}");
    for n in needles {
        assert!(
            stderr.contains(n),
            "{name}: stderr should mention {n:?}: {stderr}"
        );
    }
}

fn pipeline(nodes: &str) -> String {
    format!(r#"{{"version": 1, "batch_interval_ms": 1000, "nodes": [{nodes}]}}"#)
}

const LINES: &str = r#"{"id": "lines", "op": "queueStream", "batches": [["a b", "c"], ["b"]]}"#;

#[test]
fn a_good_pipeline_prints_lines_and_exits_0() {
    let json = pipeline(&format!(
        r#"{LINES}, {{"id": "n", "op": "count", "inputs": ["lines"]}},
           {{"id": "out", "op": "foreachRDD", "inputs": ["n"], "action": "collect"}}"#
    ));
    let (code, stdout, stderr) = replay("good", &json);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "{\"batch\":0,\"time_ms\":1000,\"output\":\"out\",\"records\":[2]}\n\
         {\"batch\":1,\"time_ms\":2000,\"output\":\"out\",\"records\":[1]}\n"
    );
}

#[test]
fn unreadable_file() {
    let (code, stdout, stderr) = replay_file("/nonexistent/dir/pipeline.json");
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("/nonexistent/dir/pipeline.json") && stderr.contains("cannot read"),
        "{stderr}"
    );
}

#[test]
fn malformed_json() {
    assert_fails(
        "malformed",
        r#"{"version": 1, "nodes": [ "#,
        &["not valid pipeline JSON"],
    );
}

#[test]
fn unknown_op() {
    assert_fails(
        "unknown_op",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "w", "op": "flatMapp", "inputs": ["lines"], "fn": "x => x"}}"#
        )),
        &["node `w`", "unknown op `flatMapp`", "flatMap"],
    );
}

#[test]
fn unknown_field_lists_the_accepted_ones() {
    assert_fails(
        "unknown_field",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "win", "op": "window", "inputs": ["lines"], "window_ms": 2000, "slid_ms": 1000}}"#
        )),
        &["node `win`", "field `slid_ms`", "window_ms, slide_ms"],
    );
}

#[test]
fn cycle_and_forward_input() {
    assert_fails(
        "cycle",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "a", "op": "union", "inputs": ["lines", "b"]}},
               {{"id": "b", "op": "repartition", "inputs": ["a"], "partitions": 2}}"#
        )),
        &["node `a`", "cycle", "a → b → a"],
    );
    assert_fails(
        "forward",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "a", "op": "count", "inputs": ["b"]}},
               {{"id": "b", "op": "count", "inputs": ["lines"]}}"#
        )),
        &["node `a`", "defined after this node"],
    );
    assert_fails(
        "dangling",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "a", "op": "count", "inputs": ["nope"]}}"#
        )),
        &["node `a`", "no node has id `nope`"],
    );
}

#[test]
fn wrong_arity() {
    assert_fails(
        "arity",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "j", "op": "join", "inputs": ["lines"]}}"#
        )),
        &["node `j`", "wrong arity", "exactly 2 inputs"],
    );
}

#[test]
fn window_not_a_multiple_of_the_batch_interval() {
    assert_fails(
        "window_multiple",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "win", "op": "window", "inputs": ["lines"], "window_ms": 2500}}"#
        )),
        &[
            "node `win`",
            "field `window_ms`",
            "multiple of the batch interval",
        ],
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    assert_fails(
        "many",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "x", "op": "nope", "inputs": ["lines"]}},
               {{"id": "x", "op": "count", "inputs": ["lines"]}},
               {{"id": "1bad", "op": "count", "inputs": ["lines"]}}"#
        )),
        &["unknown op `nope`", "duplicate id", "bad id"],
    );
}

#[test]
fn type_errors() {
    assert_fails(
        "not_pairs",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "g", "op": "groupByKey", "inputs": ["lines"]}}"#
        )),
        &["node `g`", "groupByKey needs (key, value) pairs", "String"],
    );
    assert_fails(
        "lambda_type",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "doubled", "op": "map", "inputs": ["lines"], "fn": "x => x * 2"}}"#
        )),
        &["node `doubled`", "field `fn`", "column"],
    );
    assert_fails(
        "queue_types",
        &pipeline(r#"{"id": "q", "op": "queueStream", "batches": [["a"], ["b", 3]]}"#),
        &["node `q`", "batch 1, record 1"],
    );
}

/// Asserts a run that fails at run time: exit 1, stdout exactly `printed`, stderr naming
/// every `needle`.
fn assert_fails_after(name: &str, json: &str, printed: &str, needles: &[&str]) {
    let (code, stdout, stderr) = replay(name, json);
    assert_eq!(code, 1, "{name}: exit status (stderr: {stderr})");
    assert_eq!(
        stdout, printed,
        "{name}: the lines of the batches before the error"
    );
    assert!(!stderr.contains("panicked"), "{name}: panicked: {stderr}");
    for n in needles {
        assert!(
            stderr.contains(n),
            "{name}: stderr should mention {n:?}: {stderr}"
        );
    }
}

#[test]
fn run_time_error_prints_the_batches_before_and_names_node_and_record() {
    assert_fails_after(
        "runtime",
        &pipeline(
            r#"{"id": "q", "op": "queueStream", "batches": [["1", "2"], ["3", "x"]]},
               {"id": "nums", "op": "map", "inputs": ["q"], "fn": "s => s.toInt"},
               {"id": "out", "op": "foreachRDD", "inputs": ["nums"], "action": "collect"}"#,
        ),
        "{\"batch\":0,\"time_ms\":1000,\"output\":\"out\",\"records\":[1,2]}\n",
        &[
            "node `nums`",
            "batch 1 (time 2000 ms)",
            "in the job of `out` at 2000 ms",
            "\"x\"",
            "NumberFormatException",
        ],
    );
}

/// As Spark does (checked on 4.3.0: the job at 4 s fails on the record of 3 s): a record
/// that fails upstream of a 2 s-slide window fails the window's job at its next slide.
#[test]
fn a_failure_upstream_of_a_window_fails_the_windows_job_at_its_slide_time() {
    assert_fails_after(
        "runtime_window",
        &pipeline(
            r#"{"id": "q", "op": "queueStream", "batches": [["1"], ["2"], ["x"], ["4"]]},
               {"id": "nums", "op": "map", "inputs": ["q"], "fn": "s => s.toInt"},
               {"id": "w", "op": "window", "inputs": ["nums"], "window_ms": 2000, "slide_ms": 2000},
               {"id": "out", "op": "foreachRDD", "inputs": ["w"], "action": "collect"}"#,
        ),
        "{\"batch\":1,\"time_ms\":2000,\"output\":\"out\",\"records\":[1,2]}\n",
        &[
            "node `nums`",
            "batch 2 (time 3000 ms)",
            "in the job of `out` at 4000 ms",
            "\"x\"",
        ],
    );
}

#[test]
fn a_filter_that_drops_a_live_key_fails_as_in_spark() {
    // `a` (1) is filtered out of the window at 1 s; when its batch leaves at 3 s there is no
    // previous value and no new value: Spark's ReducedWindowedDStream throws.
    assert_fails_after(
        "neither",
        &pipeline(
            r#"{"id": "q", "op": "queueStream", "batches": [[["a", 1]], [], []]},
               {"id": "w", "op": "reduceByKeyAndWindow", "inputs": ["q"], "fn": "_ + _",
                "inverse": "_ - _", "filter": "kv => kv._2 > 1", "window_ms": 2000},
               {"id": "out", "op": "foreachRDD", "inputs": ["w"], "action": "collect"}"#,
        ),
        "{\"batch\":0,\"time_ms\":1000,\"output\":\"out\",\"records\":[]}\n\
         {\"batch\":1,\"time_ms\":2000,\"output\":\"out\",\"records\":[]}\n",
        &[
            "node `w`",
            "batch 2",
            "Neither previous window has value for key, nor new values found",
        ],
    );
}

/// Spark's `ssc.start()` refuses a graph without an output op (message checked on 4.3.0).
#[test]
fn a_pipeline_without_an_output_op_is_refused_with_sparks_message() {
    assert_fails(
        "no_output",
        &pipeline(&format!(
            r#"{LINES}, {{"id": "n", "op": "count", "inputs": ["lines"]}}"#
        )),
        &["requirement failed: No output operations registered, so nothing to execute"],
    );
}

/// With `"checkpoint": false` (no `ssc.checkpoint(dir)`), Spark refuses every stream it must
/// checkpoint that an output reads (message checked on 4.3.0); a window without an inverse,
/// and a stateful node no output reads, run.
#[test]
fn without_a_checkpoint_stateful_and_inverse_windows_are_refused_with_sparks_message() {
    let message = "requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().";
    let off = |nodes: &str| {
        format!(
            r#"{{"version": 1, "batch_interval_ms": 1000, "checkpoint": false, "nodes": [{LINES}, {{"id": "pairs", "op": "map", "inputs": ["lines"], "fn": "l => (l, 1)"}}, {nodes}]}}"#
        )
    };
    let refused = [
        r#"{"id": "s", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.size)"}"#,
        r#"{"id": "s", "op": "mapWithState", "inputs": ["pairs"], "fn": "(k, v, state) => { state.update(1); k }"}"#,
        r#"{"id": "s", "op": "reduceByKeyAndWindow", "inputs": ["pairs"], "fn": "_ + _", "inverse": "_ - _", "window_ms": 2000}"#,
        r#"{"id": "s", "op": "reduceByWindow", "inputs": ["lines"], "fn": "_ + _", "inverse": "_ + _", "window_ms": 2000}"#,
        r#"{"id": "s", "op": "countByWindow", "inputs": ["lines"], "window_ms": 2000}"#,
        r#"{"id": "s", "op": "countByValueAndWindow", "inputs": ["lines"], "window_ms": 2000}"#,
    ];
    for (k, node) in refused.iter().enumerate() {
        let json = off(&format!(
            r#"{node}, {{"id": "out", "op": "foreachRDD", "inputs": ["s"], "action": "count"}}"#
        ));
        assert_fails(&format!("no_checkpoint_{k}"), &json, &["node `s`", message]);
    }
    let runs = [
        r#"{"id": "s", "op": "reduceByKeyAndWindow", "inputs": ["pairs"], "fn": "_ + _", "window_ms": 2000}"#,
        r#"{"id": "s", "op": "window", "inputs": ["lines"], "window_ms": 2000}"#,
        r#"{"id": "s", "op": "groupByKeyAndWindow", "inputs": ["pairs"], "window_ms": 2000}"#,
        r#"{"id": "s", "op": "reduceByWindow", "inputs": ["lines"], "fn": "_ + _", "window_ms": 2000}"#,
    ];
    for (k, node) in runs.iter().enumerate() {
        let json = off(&format!(
            r#"{node}, {{"id": "out", "op": "foreachRDD", "inputs": ["s"], "action": "count"}}"#
        ));
        let (code, stdout, stderr) = replay(&format!("checkpoint_off_runs_{k}"), &json);
        assert_eq!(code, 0, "{node}: {stderr}");
        assert_eq!(stdout.lines().count(), 2, "{node}");
    }
    // A stateful node no output reads is never started, so Spark lets it be.
    let json = off(
        r#"{"id": "s", "op": "updateStateByKey", "inputs": ["pairs"], "fn": "(vs, s) => Some(vs.size)"},
           {"id": "out", "op": "foreachRDD", "inputs": ["pairs"], "action": "count"}"#,
    );
    let (code, _, stderr) = replay("checkpoint_off_unread_state", &json);
    assert_eq!(code, 0, "{stderr}");
    // The same pipelines with the checkpoint on (absent, or true) run.
    for on in [r#""checkpoint": true,"#, ""] {
        let json = off(&format!(
            r#"{}, {{"id": "out", "op": "foreachRDD", "inputs": ["s"], "action": "count"}}"#,
            refused[0]
        ))
        .replace(r#""checkpoint": false,"#, on);
        let (code, _, stderr) = replay("checkpoint_on", &json);
        assert_eq!(code, 0, "{on}: {stderr}");
    }
}

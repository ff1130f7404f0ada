//! `mapWithState` through the planner and the engine, with Spark's own mapping function
//! `(key, value: Option[V], state: State[S]) => mapped`: Spark's stateful word count against
//! a plain reference, timeouts in the batches Spark full-scans (every 10 slides) with
//! `isTimingOut` and `remove`, Spark's `StateImpl` failures naming node, record and reason,
//! type errors named, and checkpoints carrying the state.

use dstream_engine::{Engine, PipelineSpec, Snapshot, Value};

/// Spark's `StatefulNetworkWordCount` mapping function, as its source writes it.
const SPARK_WORD_COUNT: &str = "(word, one, state) => {
  val sum = one.getOrElse(0) + state.getOption.getOrElse(0)
  val output = (word, sum)
  state.update(sum)
  output
}";

/// Running sums; a key reaching 10 is removed; idle keys time out after 3 s and say so.
const TIMEOUT_FN: &str = "(k, v, state) => {
  if (state.isTimingOut) (k + \" timed out\", state.get)
  else {
    val n = v.get + state.getOption.getOrElse(0)
    if (n >= 10) { state.remove(); (k + \" reached 10\", n) }
    else { state.update(n); (k, n) }
  }
}";

fn timeout_pipeline() -> String {
    let spec = serde_json::json!({"version": 1, "batch_interval_ms": 1000, "ticks": 12, "nodes": [
        {"id": "q", "op": "queueStream", "batches": [
            [["a", 1], ["b", 2], ["a", 3]], [["a", 1]], [], [["d", 4], ["d", 6]], [["c", 5]]]},
        {"id": "sums", "op": "mapWithState", "inputs": ["q"], "timeout_ms": 3000, "fn": TIMEOUT_FN},
        {"id": "out", "op": "foreachRDD", "inputs": ["sums"], "action": "collect"}]});
    spec.to_string()
}

fn strings(records: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    v.sort();
    v
}

fn word_count_pipeline(batches: &[Vec<String>], timeout: Option<u64>) -> String {
    let mut m = serde_json::json!({"id": "counts", "op": "mapWithState", "inputs": ["pairs"],
        "fn": SPARK_WORD_COUNT});
    if let Some(t) = timeout {
        m["timeout_ms"] = t.into();
    }
    serde_json::json!({"version": 1, "batch_interval_ms": 1000, "ticks": batches.len(), "nodes": [
        {"id": "lines", "op": "queueStream", "batches": batches},
        {"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": "_.split(\" \")"},
        {"id": "pairs", "op": "map", "inputs": ["words"], "fn": "word => (word, 1)"},
        m,
        {"id": "out", "op": "foreachRDD", "inputs": ["counts"], "action": "collect"},
        {"id": "totals", "op": "updateStateByKey", "inputs": ["pairs"],
         "fn": "(values: Seq[Int], state: Option[Int]) => Some(values.sum + state.getOrElse(0))"},
        {"id": "totals_out", "op": "foreachRDD", "inputs": ["totals"], "action": "collect"}]})
    .to_string()
}

/// Seeded lines of words from a small vocabulary (SplitMix64).
fn random_batches(seed: u64, n: usize) -> Vec<Vec<String>> {
    let mut x = seed;
    let mut next = move || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let vocab = ["to", "be", "or", "not", "spark", "stream"];
    (0..n)
        .map(|_| {
            (0..next() % 4)
                .map(|_| {
                    (0..1 + next() % 4)
                        .map(|_| vocab[(next() % vocab.len() as u64) as usize])
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect()
}

#[test]
fn sparks_stateful_word_count_emits_each_words_running_sum_as_a_reference_computes_it() {
    for seed in 1..=12 {
        let batches = random_batches(seed, 8);
        let mut e = Engine::from_json(&word_count_pipeline(&batches, None)).unwrap();
        assert_eq!(
            e.node_type("counts").map(|t| t.to_string()).as_deref(),
            Some("(String, Int)")
        );
        let mut seen: std::collections::HashMap<String, i64> = Default::default();
        for (i, batch) in batches.iter().enumerate() {
            let r = e.tick().unwrap();
            // Reference: every word occurrence emits (word, occurrences so far).
            let mut want = Vec::new();
            for line in batch {
                for w in line.split(' ') {
                    let n = seen.entry(w.to_string()).or_default();
                    *n += 1;
                    want.push(format!("({w},{n})"));
                }
            }
            want.sort();
            let out = r.outputs.iter().find(|o| o.output == "out").unwrap();
            assert_eq!(strings(&out.records), want, "seed {seed}, batch {i}");
            // Each key's last mapped record is updateStateByKey's total for it.
            let totals = r.outputs.iter().find(|o| o.output == "totals_out").unwrap();
            for t in &totals.records {
                let (k, v) = t.as_pair().unwrap();
                if batch
                    .iter()
                    .any(|l| l.split(' ').any(|w| Value::str(w) == *k))
                {
                    assert!(
                        out.records.contains(t),
                        "seed {seed}, batch {i}: {k} totals {v} but mapWithState emitted {:?}",
                        strings(&out.records)
                    );
                }
            }
        }
    }
}

#[test]
fn idle_keys_time_out_at_the_full_scan_and_removed_keys_start_over() {
    let mut e = Engine::from_json(&timeout_pipeline()).unwrap();
    assert_eq!(
        e.node_type("sums").map(|t| t.to_string()).as_deref(),
        Some("(String, Int)")
    );
    let mut outs = Vec::new();
    let mut keys = Vec::new();
    for _ in 0..12 {
        let r = e.tick().unwrap();
        outs.push(strings(&r.outputs[0].records));
        keys.push(
            r.nodes
                .iter()
                .find(|n| n.id == "sums")
                .and_then(|n| n.state_keys),
        );
    }
    assert_eq!(outs[0], ["(a,1)", "(a,4)", "(b,2)"]);
    assert_eq!(outs[1], ["(a,5)"]);
    // d reaches 10 and is removed: it holds no state afterwards.
    assert_eq!(outs[3], ["(d reached 10,10)", "(d,4)"]);
    assert_eq!(keys[3], Some(2), "a and b; d was removed");
    assert_eq!(outs[4], ["(c,5)"]);
    // t = 10 s is the first full scan: a (saved at 2 s), b (1 s) and c (5 s) have been idle
    // longer than 3 s; each is called once with isTimingOut and removed.
    for (i, o) in outs.iter().enumerate() {
        if ![0, 1, 3, 4, 9].contains(&i) {
            assert!(o.is_empty(), "batch {i}: {o:?}");
        }
    }
    assert_eq!(
        outs[9],
        ["(a timed out,5)", "(b timed out,2)", "(c timed out,5)"]
    );
    assert_eq!(keys[9], Some(0));
}

#[test]
fn a_key_with_data_is_kept_from_timing_out_even_without_an_update() {
    // The function never updates a known key: with a timeout, Spark saves the existing state
    // again with the batch time, so "a" (data every batch) never times out; "b" does.
    let spec = serde_json::json!({"version": 1, "batch_interval_ms": 1000, "ticks": 10, "nodes": [
        {"id": "q", "op": "queueStream", "batches": [
            [["a", 1], ["b", 1]], [["a", 1]], [["a", 1]], [["a", 1]], [["a", 1]],
            [["a", 1]], [["a", 1]], [["a", 1]], [["a", 1]], [["a", 1]]]},
        {"id": "m", "op": "mapWithState", "inputs": ["q"], "timeout_ms": 2000,
         "fn": "(k, v, state) => { if (!state.exists) state.update(0); (k, state.isTimingOut) }"},
        {"id": "out", "op": "foreachRDD", "inputs": ["m"], "action": "collect"}]});
    let mut e = Engine::from_json(&spec.to_string()).unwrap();
    let lines = e.replay().unwrap();
    let last = lines.last().unwrap();
    assert_eq!(last.time_ms, 10_000);
    assert_eq!(strings(&last.records), ["(a,false)", "(b,true)"]);
}

#[test]
fn state_misuse_fails_the_batch_naming_node_record_and_sparks_reason() {
    let cases = [
        (
            "(w, one, state) => { if (w == \"boom\") state.remove(); state.update(1); (w, 1) }",
            "Cannot update the state after it has been removed",
        ),
        (
            "(w, one, state) => { if (w == \"boom\") { state.remove(); state.remove() }; state.update(1); (w, 1) }",
            "Cannot remove the state that has already been removed",
        ),
        (
            "(w, one, state) => { val n = if (w == \"boom\") state.get else 1; state.update(n); (w, n) }",
            "java.util.NoSuchElementException: State is not set",
        ),
    ];
    for (f, reason) in cases {
        let spec = serde_json::json!({"version": 1, "batch_interval_ms": 1000, "nodes": [
            {"id": "lines", "op": "textInput"},
            {"id": "pairs", "op": "map", "inputs": ["lines"], "fn": "w => (w, 1)"},
            {"id": "counts", "op": "mapWithState", "inputs": ["pairs"], "fn": f},
            {"id": "out", "op": "foreachRDD", "inputs": ["counts"], "action": "collect"}]});
        let mut e = Engine::from_json(&spec.to_string()).unwrap();
        e.feed("lines", vec![Value::str("fine")]).unwrap();
        e.tick().unwrap();
        e.feed("lines", vec![Value::str("ok"), Value::str("boom")])
            .unwrap();
        let before = e.snapshot().to_bytes();
        let err = e.tick().expect_err(f);
        assert_eq!(err.node, "counts", "{err}");
        assert_eq!(err.batch, 1);
        assert_eq!(err.record.as_deref(), Some("[\"boom\",1]"), "{err}");
        assert!(err.message.contains(reason), "{f}: {err}");
        // Nothing of the failed batch is committed: the engine is as it was, the batch's
        // input still waiting.
        assert_eq!(e.batches_run(), 1);
        assert_eq!(e.snapshot().to_bytes(), before, "{f}");
        // The learner fixes the function: a new context replays the logged input, and the
        // kept batch runs with the same records, nothing lost.
        let mut fixed: PipelineSpec = PipelineSpec::from_json(&spec.to_string()).unwrap();
        fixed.nodes[2]
            .fields
            .insert("fn".into(), SPARK_WORD_COUNT.into());
        let mut e = Engine::with_input(fixed, e.input_log().clone()).unwrap();
        let replay = e.run_to(2);
        assert_eq!(replay.error, None);
        let r = &replay.reports[1];
        assert_eq!(strings(&r.outputs[0].records), ["(boom,1)", "(ok,1)"]);
    }
}

#[test]
fn timing_out_state_cannot_be_updated_or_removed_and_the_batch_is_named() {
    for (f, reason) in [
        (
            "(k, v, state) => { state.update(v.getOrElse(0)); (k, 1) }",
            "Cannot update the state that is timing out",
        ),
        (
            "(k, v, state) => { if (state.isTimingOut) state.remove() else state.update(1); (k, 1) }",
            "Cannot remove the state that is timing out",
        ),
    ] {
        let spec = serde_json::json!({"version": 1, "batch_interval_ms": 1000, "ticks": 10, "nodes": [
            {"id": "q", "op": "queueStream", "batches": [[["a", 1]]]},
            {"id": "m", "op": "mapWithState", "inputs": ["q"], "timeout_ms": 1000, "fn": f},
            {"id": "out", "op": "foreachRDD", "inputs": ["m"], "action": "collect"}]});
        let mut e = Engine::from_json(&spec.to_string()).unwrap();
        for _ in 0..9 {
            e.tick().unwrap();
        }
        // The first full scan (10 s) times "a" out.
        let err = e.tick().expect_err(f);
        assert_eq!((err.node.as_str(), err.time_ms), ("m", 10_000));
        assert_eq!(err.record.as_deref(), Some("[\"a\",1]"), "{err}");
        assert!(err.message.contains(reason), "{err}");
        assert!(err.message.contains("timing out"), "{err}");
        assert_eq!(e.batches_run(), 9);
    }
}

#[test]
fn type_errors_name_the_node_the_lambda_and_what_was_expected() {
    let cases = [
        (
            "(k, v, state) => (k, v.getOrElse(0))",
            "cannot tell the type of the state",
        ),
        (
            "(k, v, state) => { state.update(v.getOrElse(0)); state.update(\"x\"); k }",
            "state.update expects Int",
        ),
        (
            "(k, v, state) => { state.update(1); val s: String = state.get; s }",
            "expected String, found Int",
        ),
        ("(k, v) => (k, v)", "takes 3 parameters"),
    ];
    for (f, message) in cases {
        let spec = serde_json::json!({"version": 1, "batch_interval_ms": 1000, "nodes": [
            {"id": "q", "op": "queueStream", "batches": [[["a", 1]]]},
            {"id": "m", "op": "mapWithState", "inputs": ["q"], "fn": f}]});
        let errors = Engine::from_json(&spec.to_string()).err().expect("refused");
        assert!(
            errors.iter().any(|e| e.node.as_deref() == Some("m")
                && e.field.as_deref() == Some("fn")
                && e.column.is_some()
                && e.message.contains(message)),
            "{f}: {errors:?}"
        );
    }
}

#[test]
fn the_state_survives_a_checkpoint_after_every_batch() {
    let pipelines = [
        timeout_pipeline(),
        word_count_pipeline(&random_batches(7, 12), Some(2000)),
    ];
    for json in &pipelines {
        let ticks = PipelineSpec::from_json(json).unwrap().ticks.unwrap() as usize;
        let mut whole = Engine::from_json(json).unwrap();
        let all: Vec<String> = whole
            .replay()
            .unwrap()
            .iter()
            .map(|l| l.to_json_line())
            .collect();
        for n in 0..ticks {
            let mut first = Engine::from_json(json).unwrap();
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
            for _ in n..ticks {
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
}

#[test]
fn the_replay_cli_runs_the_gallery_example_with_its_timeouts() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../www/examples/stateful-word-count.json"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_replay"))
        .arg(example)
        .output()
        .expect("replay runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 20);
    assert!(lines[0].contains(r#"["to",1]"#) && lines[0].contains(r#"["to",2]"#));
    // The first full scan (10 s) times out every word idle for 5 s; be, seen at 9 s, lasts
    // until the next one (20 s).
    for w in [
        "to (timed out)",
        "or (timed out)",
        "not (timed out)",
        "quick (timed out)",
    ] {
        assert!(lines[9].contains(w), "{w}: {}", lines[9]);
    }
    assert!(!lines[9].contains("be (timed out)"));
    assert!(
        lines[19].contains(r#"["be (timed out)",4]"#),
        "{}",
        lines[19]
    );
}

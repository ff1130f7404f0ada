//! The word-count kernels (a literal one-character `split`, `x => (x, c)`, `_ + _`/`_ - _`
//! over `Int`, run without calling the lambda) against the lambdas they stand for: the same
//! pieces as the compiled `split`, and, over random text, every node's report and every output
//! identical to a pipeline whose lambdas compute the same but are not recognised (so it runs
//! the closures), fused or not.

use dstream_engine::lambda::{compile, split_char, Shape, Signature};
use dstream_engine::{BatchReport, Engine, Type, Value};
use proptest::prelude::*;
use serde_json::json;

fn shape(src: &str, params: Vec<Type>) -> Shape {
    let sig = Signature {
        params,
        result: Type::Var(0),
    };
    match compile(src, &sig) {
        Ok(l) => l.shape().clone(),
        Err(e) => panic!("{src}: {e}"),
    }
}

#[test]
fn only_the_exact_forms_are_recognised() {
    use Type::{Int, String as Str};
    let cases = [
        ("l => l.split(\" \")", vec![Str], Shape::SplitChar(' ')),
        ("_.split(\",\")", vec![Str], Shape::SplitChar(',')),
        ("s => s.split(\"\\\\|\")", vec![Str], Shape::SplitChar('|')),
        ("s => s.split('é')", vec![Str], Shape::SplitChar('é')),
        ("s => s.split(\"\\\\s+\")", vec![Str], Shape::Opaque),
        ("s => s.trim.split(\" \")", vec![Str], Shape::Opaque),
        ("w => (w, 1)", vec![Str], Shape::PairWith(Value::Int(1))),
        (
            "w => (w, \"x\")",
            vec![Str],
            Shape::PairWith(Value::str("x")),
        ),
        ("w => (1, w)", vec![Str], Shape::Opaque),
        ("w => (w, w.length)", vec![Str], Shape::Opaque),
        ("_ + _", vec![Int, Int], Shape::AddInt),
        ("(a, b) => a - b", vec![Int, Int], Shape::SubInt),
        ("(a, b) => b - a", vec![Int, Int], Shape::Opaque),
        ("_ + _", vec![Str, Str], Shape::Opaque),
        ("_ + _", vec![Type::Double, Type::Double], Shape::Opaque),
        ("(a, b) => a * b", vec![Int, Int], Shape::Opaque),
    ];
    for (src, params, want) in cases {
        assert_eq!(shape(src, params), want, "{src}");
    }
}

/// `split_char`'s pieces and the compiled `s => s.split(sep)`'s list.
fn both_splits(s: &str, sep: char) -> (Vec<String>, Vec<String>) {
    let mut kernel = Vec::new();
    let _ = split_char(s, sep, |p| -> Result<(), ()> {
        kernel.push(p.to_string());
        Ok(())
    });
    let src = format!("s => s.split('{sep}')");
    let sig = Signature {
        params: vec![Type::String],
        result: Type::Var(0),
    };
    let closure = match compile(&src, &sig).map(|l| l.call(&[Value::str(s)])) {
        Ok(Ok(Value::List(items))) => items.iter().map(|v| v.to_string()).collect(),
        other => panic!("{src} on {s:?}: {other:?}"),
    };
    (kernel, closure)
}

#[test]
fn split_keeps_javas_edge_cases() {
    for (s, want) in [
        ("", vec![""]),
        (" ", vec![]),
        ("a", vec!["a"]),
        (" a", vec!["", "a"]),
        ("a  b  ", vec!["a", "", "b"]),
        ("  ", vec![]),
    ] {
        let (kernel, closure) = both_splits(s, ' ');
        assert_eq!(kernel, want, "{s:?}");
        assert_eq!(closure, want, "{s:?}");
    }
}

/// Text over a few words and separators, empty pieces and non-ASCII included.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["a", "bb", "é", "the", " ", ",", "é,", "", "  "]),
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn split_char_gives_the_compiled_splits_pieces(s in text(), sep in prop::sample::select(vec![' ', ',', 'é', 'x'])) {
        let (kernel, closure) = both_splits(&s, sep);
        prop_assert_eq!(kernel, closure);
    }

    #[test]
    fn kernels_report_what_the_closures_report(
        batches in prop::collection::vec(prop::collection::vec(text(), 0..6), 1..6),
        window in 1u64..4,
        by_value in any::<bool>(),
    ) {
        let ticks = batches.len() as u64 + window + 1;
        // The recognised forms, then the same computations written so that they are not.
        let kernels = pipeline(&batches, window, by_value, ["l => l.split(\" \")", "w => (w, 1)", "_ + _", "_ - _"], false);
        let closures = pipeline(&batches, window, by_value, ["l => if (l.length >= 0) l.split(\" \") else List()", "w => (w + \"\", 1)", "(a, b) => a + b + 0", "(a, b) => a - b + 0"], false);
        let unfused = pipeline(&batches, window, by_value, ["l => l.split(\" \")", "w => (w, 1)", "_ + _", "_ - _"], true);
        let (k, c, u) = (run(&kernels, ticks), run(&closures, ticks), run(&unfused, ticks));
        prop_assert_eq!(&k, &c);
        prop_assert_eq!(&k, &u);
    }
}

/// Split → pair → reduceByKeyAndWindow (or split → countByValueAndWindow), sliding every
/// batch; with `taps`, outputs also read the split and the pairs, so nothing is fused.
fn pipeline(
    batches: &[Vec<String>],
    window: u64,
    by_value: bool,
    [split, pair, add, sub]: [&str; 4],
    taps: bool,
) -> serde_json::Value {
    let mut nodes = vec![
        json!({"id": "lines", "op": "queueStream", "batches": batches}),
        json!({"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": split}),
    ];
    if by_value {
        nodes.push(
            json!({"id": "counts", "op": "countByValueAndWindow", "inputs": ["words"],
                          "window_ms": window * 1000}),
        );
    } else {
        nodes.push(json!({"id": "pairs", "op": "map", "inputs": ["words"], "fn": pair}));
        nodes.push(
            json!({"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"],
                          "fn": add, "inverse": sub, "window_ms": window * 1000}),
        );
    }
    nodes.push(json!({"id": "out", "op": "foreachRDD", "inputs": ["counts"], "action": "collect"}));
    if taps {
        nodes.push(
            json!({"id": "tw", "op": "foreachRDD", "inputs": ["words"], "action": "collect"}),
        );
        if !by_value {
            nodes.push(
                json!({"id": "tp", "op": "foreachRDD", "inputs": ["pairs"], "action": "count"}),
            );
        }
    }
    json!({"version": 1, "batch_interval_ms": 1000, "nodes": nodes})
}

/// A pipeline node's id, count, partition counts and sample (its timing aside).
type NodeSeen = (String, u64, Vec<u64>, Vec<Value>);

/// Per batch, what each pipeline node reports and the `out` records.
fn run(spec: &serde_json::Value, ticks: u64) -> Vec<(Vec<NodeSeen>, Vec<Value>)> {
    let mut e = match Engine::from_json(&spec.to_string()) {
        Ok(e) => e,
        Err(errs) => panic!("{errs:?}"),
    };
    e.set_sample_limit(4);
    (0..ticks)
        .map(|_| match e.tick() {
            Ok(r) => seen(&r),
            Err(err) => panic!("{err}"),
        })
        .collect()
}

fn seen(r: &BatchReport) -> (Vec<NodeSeen>, Vec<Value>) {
    let nodes = r
        .nodes
        .iter()
        .filter(|n| !n.id.starts_with('t') && n.id != "out")
        .map(|n| {
            (
                n.id.clone(),
                n.count,
                n.partitions.clone(),
                n.sample.clone(),
            )
        })
        .collect();
    let out = r
        .outputs
        .iter()
        .find(|o| o.output == "out")
        .map(|o| o.records.clone())
        .unwrap_or_default();
    (nodes, out)
}

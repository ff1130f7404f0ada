//! The spec parser and planner never panic, whatever they are given: arbitrary text, and
//! arbitrary pipelines made of real op and field names with random values; a pipeline that
//! validates also runs a few ticks without panicking.

use dstream_engine::catalog::{self, OpKind};
use dstream_engine::plan::{plan, NO_OUTPUT_MESSAGE};
use dstream_engine::{validate, Engine, NodeSpec, PipelineSpec};
use proptest::prelude::*;
use serde_json::{json, Value as J};

/// Every op and field name the catalogue has, and one of neither.
fn op_names() -> Vec<&'static str> {
    catalog::OPS
        .iter()
        .map(|o| o.name)
        .chain(["nope"])
        .collect()
}

fn field_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = catalog::OPS
        .iter()
        .flat_map(|o| o.fields.iter().map(|f| f.name))
        .chain(["bogus"])
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Values a field might hold: the catalogue's choices (generator kinds, actions), RDD op
/// names, and a few lambdas.
fn word_values() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = catalog::GENERATOR_KINDS.to_vec();
    words.extend(catalog::ACTIONS.iter().map(|(_, n)| *n));
    words.extend(catalog::RDD_OPS.iter().map(|o| o.name));
    words.extend(["_ + _", "x => x"]);
    words
}

fn json_leaf() -> impl Strategy<Value = J> {
    prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
        (0u64..10_000).prop_map(|i| json!(i * 500)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(J::Null, J::Number)),
        "[a-z ,]{0,8}".prop_map(J::String),
        prop::sample::select(word_values()).prop_map(|s| J::String(s.to_string())),
    ]
}

fn json_value() -> impl Strategy<Value = J> {
    json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(J::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["op", "n", "fn", "ascending", "fraction"]),
                    inner
                ),
                0..3
            )
            .prop_map(|kv| J::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

fn node(ids: usize) -> impl Strategy<Value = J> {
    (
        0..ids,
        prop::sample::select(op_names()),
        prop::collection::vec(0..ids + 1, 0..3),
        prop::collection::vec((prop::sample::select(field_names()), json_value()), 0..4),
    )
        .prop_map(|(id, op, inputs, fields)| {
            let mut o = serde_json::Map::new();
            o.insert("id".into(), json!(format!("n{id}")));
            o.insert("op".into(), json!(op));
            o.insert(
                "inputs".into(),
                json!(inputs.iter().map(|i| format!("n{i}")).collect::<Vec<_>>()),
            );
            for (k, v) in fields {
                o.insert(k.to_string(), v);
            }
            J::Object(o)
        })
}

fn pipeline() -> impl Strategy<Value = J> {
    (
        prop_oneof![Just(1000u64), Just(500), Just(0), any::<u64>()],
        prop::collection::vec(node(6), 0..7),
        prop_oneof![Just(1u32), any::<u32>()],
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(b, nodes, version, checkpoint)| {
            let mut p =
                json!({"version": version, "batch_interval_ms": b, "ticks": 3, "nodes": nodes});
            if let Some(c) = checkpoint {
                p["checkpoint"] = json!(c);
            }
            p
        })
}

/// One plausible node: a real op with fields of the right shape (values still random),
/// reading earlier nodes.
fn plausible_node(i: usize) -> impl Strategy<Value = J> {
    let lambdas = prop::sample::select(vec![
        "x => x",
        "x => (x, 1)",
        "_ + _",
        "_ - _",
        "(a, b) => a",
        "x => x.toString.split(\" \")",
        "kv => kv._2 > 0",
        "x => x.toString.length",
        "(vs, s) => Some(vs.size)",
        "x => List(x, x)",
        "x => 1 / 0",
        "x => x.toString.toInt",
        "v => Some(v)",
    ]);
    let ops = prop::sample::select(op_names());
    let dur = (1u64..4).prop_map(|k| json!(k * 1000));
    (
        ops,
        prop::collection::vec(0..i, 2..3),
        lambdas.clone(),
        lambdas.clone(),
        dur.clone(),
        dur,
        0u64..4,
        prop::sample::select(catalog::ACTIONS.iter().map(|(_, n)| *n).collect::<Vec<_>>()),
        any::<bool>(),
    )
        .prop_map(move |(op, inputs, f, g, w, s, n, action, acc)| {
            // As many inputs as the op takes (at most 2: a union of 2).
            let arity = catalog::op_named(op).map_or(1, |o| o.min_inputs);
            let s = if n % 2 == 0 { json!(null) } else { s };
            json!({
                "id": format!("n{i}"), "op": op,
                "inputs": inputs.iter().take(arity).map(|j| format!("n{j}")).collect::<Vec<_>>(),
                "fn": f, "inverse": g, "window_ms": w, "slide_ms": s, "partitions": n.max(1),
                "n": n, "action": action, "accumulate": acc, "num": n,
                "rdd": [{"op": "sortBy", "fn": f, "ascending": acc}, {"op": "take", "n": n}],
            })
        })
        .prop_map(|mut v| {
            // Keep only the fields the op accepts, so most pipelines pass the field check.
            let op = v["op"].as_str().unwrap_or("").to_string();
            let accepted: Vec<&str> = catalog::op_named(&op)
                .map(|o| o.fields.iter().map(|f| f.name).collect())
                .unwrap_or_default();
            if let J::Object(o) = &mut v {
                o.retain(|k, v| {
                    !v.is_null()
                        && (["id", "op", "inputs"].contains(&k.as_str())
                            || accepted.contains(&k.as_str()))
                });
                if catalog::op_named(&op).is_some_and(|o| o.kind == OpKind::Generator) {
                    o.insert("kind".into(), json!("words"));
                    o.insert("rate_per_s".into(), json!(20));
                }
            }
            v
        })
}

fn plausible_pipeline() -> impl Strategy<Value = J> {
    let source = prop_oneof![
        Just(json!([["a b", "c"], [], ["a"]])),
        Just(json!([[1, 2, -3], [0], []])),
        Just(json!([[["a", 1], ["b", 2]], [["a", -1]], []])),
    ];
    (
        source,
        (1usize..10).prop_flat_map(|k| (0..k).map(|i| plausible_node(i + 1)).collect::<Vec<_>>()),
    )
        .prop_map(|(batches, rest)| {
            let mut nodes = vec![json!({"id": "n0", "op": "queueStream", "batches": batches})];
            nodes.extend(rest);
            json!({"version": 1, "batch_interval_ms": 500, "ticks": 6, "nodes": nodes})
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Invalid nodes are pruned (the errors name them) until the pipeline plans; what is left
    /// (given an output if it has none) runs 6 ticks: a tick either reports every node or
    /// fails with a named error.
    #[test]
    fn plausible_pipelines_validate_or_run_without_panics(p in plausible_pipeline()) {
        let mut spec = PipelineSpec::from_json(&p.to_string()).unwrap();
        loop {
            match plan(&spec) {
                Ok(_) => break,
                Err(errors) => {
                    let bad: Vec<String> = errors.iter().filter_map(|e| e.node.clone()).collect();
                    prop_assert!(!bad.is_empty(), "errors name their node: {:?}", errors);
                    spec.nodes.retain(|n| !bad.contains(&n.id));
                }
            }
        }
        // What is left plans; without an output op Spark refuses to start it, with its message.
        let is_output = |n: &NodeSpec| catalog::op_named(&n.op).is_some_and(|o| o.is_output());
        if !spec.nodes.iter().any(is_output) {
            let errors = validate(&spec).err().unwrap_or_default();
            prop_assert_eq!(errors.len(), 1);
            prop_assert_eq!(errors[0].message.as_str(), NO_OUTPUT_MESSAGE);
            let last = spec.nodes.last().map(|n| n.id.clone()).unwrap_or_default();
            spec.nodes.push(
                NodeSpec::new("fuzz_out", "foreachRDD", &[&last]).with("action", json!("count")),
            );
        }
        let mut e = Engine::new(spec.clone()).unwrap();
        for _ in 0..6 {
            match e.tick() {
                Ok(r) => prop_assert_eq!(r.nodes.len(), e.spec().nodes.len()),
                Err(err) => prop_assert!(!err.message.is_empty() && !err.node.is_empty()),
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = Engine::from_json(&text);
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        let _ = Engine::from_json(&v.to_string());
    }

    #[test]
    fn arbitrary_pipelines_validate_and_run_without_panics(p in pipeline()) {
        let text = p.to_string();
        if let Ok(spec) = PipelineSpec::from_json(&text) {
            // Round trip of whatever parsed.
            prop_assert_eq!(&PipelineSpec::from_json(&spec.to_json()).unwrap(), &spec);
            match validate(&spec) {
                Ok(_) => {
                    let mut e = Engine::new(spec).unwrap();
                    for _ in 0..3 {
                        let _ = e.tick();
                    }
                }
                Err(errors) => prop_assert!(!errors.is_empty()),
            }
        }
    }
}

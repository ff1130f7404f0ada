//! The spec parser and planner never panic, whatever they are given: arbitrary text, and
//! arbitrary pipelines made of real op and field names with random values; a pipeline that
//! validates also runs a few ticks without panicking.

use dstream_engine::{validate, Engine, PipelineSpec};
use proptest::prelude::*;
use serde_json::{json, Value as J};

const OPS: &[&str] = &[
    "queueStream",
    "textInput",
    "generator",
    "map",
    "flatMap",
    "filter",
    "mapValues",
    "flatMapValues",
    "reduceByKey",
    "groupByKey",
    "countByValue",
    "count",
    "reduce",
    "repartition",
    "union",
    "join",
    "leftOuterJoin",
    "rightOuterJoin",
    "fullOuterJoin",
    "cogroup",
    "intersection",
    "subtract",
    "cartesian",
    "transform",
    "window",
    "countByWindow",
    "reduceByWindow",
    "reduceByKeyAndWindow",
    "countByValueAndWindow",
    "groupByKeyAndWindow",
    "updateStateByKey",
    "mapWithState",
    "print",
    "foreachRDD",
    "nope",
];
const FIELDS: &[&str] = &[
    "batches",
    "kind",
    "rate_per_s",
    "seed",
    "fn",
    "partitions",
    "rdd",
    "window_ms",
    "slide_ms",
    "inverse",
    "filter",
    "num",
    "action",
    "n",
    "accumulate",
    "bogus",
];

fn json_leaf() -> impl Strategy<Value = J> {
    prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
        (0u64..10_000).prop_map(|i| json!(i * 500)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(J::Null, J::Number)),
        "[a-z ,]{0,8}".prop_map(J::String),
        prop::sample::select(vec![
            "words", "collect", "count", "top", "take", "reduce", "_ + _", "x => x"
        ])
        .prop_map(|s| J::String(s.to_string())),
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
        prop::sample::select(OPS),
        prop::collection::vec(0..ids + 1, 0..3),
        prop::collection::vec((prop::sample::select(FIELDS), json_value()), 0..4),
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
    )
        .prop_map(|(b, nodes, version)| {
            json!({"version": version, "batch_interval_ms": b, "ticks": 3, "nodes": nodes})
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

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

//! Plausible pipelines for property tests: real ops with fields of the right shape (their
//! values, and which optional fields are there, random), each node reading earlier ones, with
//! random names, descriptions and checkpointing. Many do not validate; [`valid_part`] prunes
//! the nodes the planner names until the rest does. Included by `spec_fuzz.rs` and
//! `import_scala.rs` (`#[path]`), the tests that need proptest.
#![allow(dead_code)]

use dstream_engine::catalog::{self, OpKind};
use dstream_engine::{validate, PipelineSpec};
use proptest::prelude::*;
use serde_json::{json, Value as J};

/// Every op name the catalogue has, and one it has not.
pub fn op_names() -> Vec<&'static str> {
    catalog::OPS
        .iter()
        .map(|o| o.name)
        .chain(["nope"])
        .collect()
}

/// Text that tries to break out of a string or a comment.
pub const NASTY: &str = "q\"uo'te \\ back\\slash\n*/ \"\"\" \r\u{2028} é😀 \\u0022 ${x}";

const LAMBDAS: &[&str] = &[
    "x => x",
    "x => (x, 1)",
    "_ + _",
    "_ - _",
    "(a, b) => a",
    "x => x.toString.split(\" \")",
    "kv => kv._2 > 0",
    "x => x.toString.length",
    "(vs, s) => Some(vs.size)",
    "(values, state) => Some(values.sum + state.getOrElse(0))",
    "x => List(x, x)",
    "x => 1 / 0",
    "x => x.toString.toInt",
    "v => Some(v)",
    "x => x.toString + \"\\\"q\\\\ */ \\n\"",
    "x => { val s = x.toString\n  s.length * -2 }",
    "(k, v, state) => { state.update(1); (k, state.get) }",
    "(word, one, state) => { val sum = one.getOrElse(0) + state.getOption.getOrElse(0)\n  state.update(sum)\n  (word, sum) }",
    "kv => (kv._2, kv._1)",
    "x => if (x.toString.isEmpty) 1.5 else 2.0e-3",
    "t => t._1",
];

fn maybe<T: Strategy>(s: T) -> impl Strategy<Value = Option<T::Value>>
where
    T::Value: Clone,
{
    prop_oneof![Just(None), s.prop_map(Some)]
}

fn rdd_list() -> impl Strategy<Value = J> {
    let step = prop_oneof![
        (prop::sample::select(LAMBDAS), maybe(any::<bool>())).prop_map(|(f, asc)| match asc {
            Some(a) => json!({"op": "sortBy", "fn": f, "ascending": a}),
            None => json!({"op": "sortBy", "fn": f}),
        }),
        (0u64..4).prop_map(|n| json!({"op": "take", "n": n})),
        Just(json!({"op": "distinct"})),
        (0u32..=4, 0u64..9)
            .prop_map(|(f, s)| json!({"op": "sample", "fraction": f as f64 / 4.0, "seed": s})),
        maybe(any::<bool>()).prop_map(|asc| match asc {
            Some(a) => json!({"op": "sortByKey", "ascending": a}),
            None => json!({"op": "sortByKey"}),
        }),
        (0u64..4, maybe(prop::sample::select(LAMBDAS))).prop_map(|(n, f)| match f {
            Some(f) => json!({"op": "top", "n": n, "fn": f}),
            None => json!({"op": "top", "n": n}),
        }),
    ];
    prop::collection::vec(step, 1..3).prop_map(J::Array)
}

/// One plausible node: a real op with fields of the right shape (values still random),
/// reading earlier nodes.
pub fn plausible_node(i: usize) -> impl Strategy<Value = J> {
    let lambdas = prop::sample::select(LAMBDAS);
    let ops = prop::sample::select(op_names());
    let dur = (1u64..4).prop_map(|k| json!(k * 1000));
    (
        (
            ops,
            prop::collection::vec(0..i, 2..3),
            lambdas.clone(),
            lambdas.clone(),
            lambdas,
            dur.clone(),
            dur,
        ),
        (
            0u64..4,
            prop::sample::select(catalog::ACTIONS.iter().map(|(_, n)| *n).collect::<Vec<_>>()),
            any::<bool>(),
            rdd_list(),
            // Which optional fields the node has.
            any::<u16>(),
            prop::sample::select(vec!["words", "logs", "sales"]),
        ),
    )
        .prop_map(
            move |((op, inputs, f, g, h, w, s), (n, action, acc, rdd, mask, kind))| {
                // As many inputs as the op takes at least (a union of 2).
                let arity = catalog::op_named(op).map_or(1, |o| o.min_inputs);
                let mut v = json!({
                    "id": format!("n{i}"), "op": op,
                    "inputs": inputs.iter().take(arity).map(|j| format!("n{j}")).collect::<Vec<_>>(),
                    "fn": f, "inverse": g, "filter": h, "window_ms": w, "slide_ms": s,
                    "partitions": n.max(1), "n": n, "action": action, "accumulate": acc,
                    "num": n, "rdd": rdd, "timeout_ms": w, "kind": kind, "rate_per_s": n * 7,
                    "seed": n,
                });
                // Optional fields come and go with the mask (required ones stay).
                let optional = [
                    "inverse",
                    "filter",
                    "slide_ms",
                    "partitions",
                    "accumulate",
                    "num",
                    "timeout_ms",
                    "seed",
                    "fn",
                    "n",
                ];
                if let J::Object(o) = &mut v {
                    for (b, k) in optional.iter().enumerate() {
                        if mask & (1 << b) != 0 {
                            o.remove(*k);
                        }
                    }
                }
                v
            },
        )
        .prop_map(|mut v| {
            // Keep only the fields the op accepts, so most pipelines pass the field check.
            let op = v["op"].as_str().unwrap_or("").to_string();
            let info = catalog::op_named(&op);
            let accepted: Vec<&str> = info
                .map(|o| o.fields.iter().map(|f| f.name).collect())
                .unwrap_or_default();
            let kind = info.map(|o| o.kind);
            if let J::Object(o) = &mut v {
                o.retain(|k, v| {
                    !v.is_null()
                        && (["id", "op", "inputs"].contains(&k.as_str())
                            || accepted.contains(&k.as_str()))
                });
                if kind == Some(OpKind::Generator) && !o.contains_key("rate_per_s") {
                    o.insert("rate_per_s".into(), json!(20));
                }
                if kind == Some(OpKind::MapWithState) && !o.contains_key("fn") {
                    o.insert("fn".into(), json!("(k, v, state) => k"));
                }
            }
            v
        })
}

pub fn plausible_pipeline() -> impl Strategy<Value = J> {
    let source = prop_oneof![
        Just(json!([["a b", "c"], [], ["a"]])),
        Just(json!([[1, 2, -3], [0], []])),
        Just(json!([[["a", 1], ["b", 2]], [["a", -1]], []])),
        Just(json!([[NASTY, "x y"], [], [NASTY]])),
        Just(json!([[1.5, -0.25, 1e300], [2.0]])),
    ];
    let text = prop_oneof![
        Just("word count".to_string()),
        Just(NASTY.to_string()),
        Just("pipeline".to_string()),
        "[a-z ]{0,12}",
    ];
    (
        source,
        (1usize..10).prop_flat_map(|k| (0..k).map(|i| plausible_node(i + 1)).collect::<Vec<_>>()),
        (maybe(text.clone()), maybe(text)),
        (prop_oneof![Just(500u64), Just(1000)], maybe(1u64..8)),
        prop_oneof![Just(None), Just(Some(false)), Just(Some(true))],
    )
        .prop_map(|(batches, rest, (name, description), (b, ticks), checkpoint)| {
            let mut nodes = vec![json!({"id": "n0", "op": "queueStream", "batches": batches})];
            nodes.extend(rest);
            let mut p = json!({"version": 1, "batch_interval_ms": b, "ticks": ticks.unwrap_or(6), "nodes": nodes});
            if let J::Object(o) = &mut p {
                if let Some(n) = name {
                    o.insert("name".into(), json!(n));
                }
                if let Some(d) = description {
                    o.insert("description".into(), json!(d));
                }
                if let Some(c) = checkpoint {
                    o.insert("checkpoint".into(), json!(c));
                }
            }
            p
        })
}

/// The pipeline without the nodes the planner names, until it validates.
pub fn valid_part(p: &J) -> Option<PipelineSpec> {
    let mut spec = PipelineSpec::from_json(&p.to_string()).ok()?;
    loop {
        match validate(&spec) {
            Ok(_) => return Some(spec),
            Err(errors) => {
                let bad: Vec<String> = errors.iter().filter_map(|e| e.node.clone()).collect();
                if bad.is_empty() {
                    return None;
                }
                spec.nodes.retain(|n| !bad.contains(&n.id));
            }
        }
    }
}

/// The record types the typed generator tracks.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    Str,
    Int,
    /// `(String, Int)`.
    Pair,
    /// Anything else (only outputs read it).
    Other,
}

/// A pipeline valid by construction: each op is picked for the type flowing into it (a
/// string, a number, a `(String, Int)` pair), windows are multiples of their parent's slide,
/// two-input ops read streams of the same slide. `choices` drive every pick.
pub fn typed_pipeline() -> impl Strategy<Value = PipelineSpec> {
    (
        prop::collection::vec(any::<u32>(), 1..14),
        (0u8..5, prop_oneof![Just(500u64), Just(1000)]),
        (
            maybe(prop::sample::select(vec!["word count", NASTY, "pipeline"])),
            maybe(Just(NASTY)),
        ),
        (any::<bool>(), maybe(1u64..9)),
    )
        .prop_map(|(choices, (source, b), (name, description), (ck, ticks))| {
            build_typed(&choices, source, b, name, description, ck, ticks)
        })
}

type Streams = Vec<(String, Ty, u64)>;

/// Appends node `n` (id `n<k>`) reading `inputs`; a stream of `ty` at `slide` for later ops.
fn add(nodes: &mut Vec<J>, streams: &mut Streams, mut n: J, inputs: &[&str], ty: Ty, slide: u64) {
    let id = format!("n{}", nodes.len());
    if let J::Object(o) = &mut n {
        o.insert("id".into(), json!(id));
        if !inputs.is_empty() {
            o.insert("inputs".into(), json!(inputs));
        }
    }
    nodes.push(n);
    if ty != Ty::Other || slide > 0 {
        streams.push((id, ty, slide));
    }
}

fn build_typed(
    choices: &[u32],
    source: u8,
    b: u64,
    name: Option<&str>,
    description: Option<&str>,
    no_checkpoint: bool,
    ticks: Option<u64>,
) -> PipelineSpec {
    // (id, type, slide) of each stream so far.
    let mut streams: Streams = Vec::new();
    let mut nodes: Vec<J> = Vec::new();
    let mut stateful = false;
    let (src, ty) = match source {
        0 => (
            json!({"op": "queueStream", "batches": [["a b", "b c a"], [], [NASTY, "c"]]}),
            Ty::Str,
        ),
        1 => (
            json!({"op": "queueStream", "batches": [[3, -1, 4], [1, 5], [], [9]]}),
            Ty::Int,
        ),
        2 => (
            json!({"op": "queueStream", "batches": [[["a", 1], ["b", 2]], [["a", 3]], []]}),
            Ty::Pair,
        ),
        3 => (json!({"op": "textInput"}), Ty::Str),
        _ => (
            json!({"op": "generator", "kind": "words", "rate_per_s": 5, "seed": 3}),
            Ty::Str,
        ),
    };
    add(&mut nodes, &mut streams, src, &[], ty, b);
    for (k, &c) in choices.iter().enumerate() {
        let pick = |n: usize| (c as usize / 7) % n.max(1);
        let (id, ty, slide) = streams[(c as usize) % streams.len()].clone();
        let same_slide: Streams = streams
            .iter()
            .filter(|s| s.1 == ty && s.2 == slide && s.0 != id)
            .cloned()
            .collect();
        let flag = c & (1 << 20) != 0;
        let win = slide * (1 + (c as u64 >> 24) % 3);
        let win_slide = if flag { slide } else { win };
        let windowed = |op: &str| {
            let mut w = json!({"op": op, "window_ms": win});
            if flag || c & (1 << 21) != 0 {
                w["slide_ms"] = json!(win_slide);
            }
            w
        };
        let out_slide = if flag || c & (1 << 21) != 0 {
            win_slide
        } else {
            slide
        };
        // Outputs now and then, of any stream.
        if k % 3 == 2 {
            let out = match pick(7) {
                0 => json!({"op": "print"}),
                1 => json!({"op": "print", "num": pick(4)}),
                2 => json!({"op": "foreachRDD", "action": "collect"}),
                3 => json!({"op": "foreachRDD", "action": "count", "accumulate": flag}),
                4 => json!({"op": "foreachRDD", "action": "countByValue"}),
                5 => json!({"op": "foreachRDD", "action": "take", "n": pick(3)}),
                _ => json!({"op": "foreachRDD", "action": "top", "n": 2}),
            };
            add(&mut nodes, &mut streams, out, &[&id], Ty::Other, 0);
            continue;
        }
        let (node, out_ty, s) = match ty {
            Ty::Str => match pick(9) {
                0 => (
                    json!({"op": "flatMap", "fn": "_.split(\" \")"}),
                    Ty::Str,
                    slide,
                ),
                1 => (json!({"op": "map", "fn": "w => (w, 1)"}), Ty::Pair, slide),
                2 => (json!({"op": "map", "fn": "l => l.length"}), Ty::Int, slide),
                3 => (
                    json!({"op": "filter", "fn": "s => s.nonEmpty && !s.contains(\"\\\"\")"}),
                    Ty::Str,
                    slide,
                ),
                4 => (
                    json!({"op": "map", "fn": "l => {\n  val t = l.trim\n  t.toUpperCase + \" */ \\\\\"\n}"}),
                    Ty::Str,
                    slide,
                ),
                5 => (windowed("window"), Ty::Str, out_slide),
                6 => (
                    json!({"op": "transform", "rdd": [{"op": "distinct"}, {"op": "sortBy", "fn": "x => x", "ascending": flag}]}),
                    Ty::Str,
                    slide,
                ),
                7 => match same_slide.as_slice() {
                    // A union of three is `a.union(b).union(c)` in Scala.
                    [b2, c2, ..] if flag => {
                        let inputs = [id.as_str(), b2.0.as_str(), c2.0.as_str()];
                        let n = json!({"op": "union"});
                        add(&mut nodes, &mut streams, n, &inputs, Ty::Str, slide);
                        continue;
                    }
                    [other, ..] => {
                        let n = json!({"op": if flag { "union" } else { "intersection" }});
                        add(
                            &mut nodes,
                            &mut streams,
                            n,
                            &[&id, &other.0],
                            Ty::Str,
                            slide,
                        );
                        continue;
                    }
                    [] => (json!({"op": "countByValue"}), Ty::Pair, slide),
                },
                _ => (
                    json!({"op": "transform", "rdd": [{"op": "sample", "fraction": 0.5, "seed": 7}, {"op": "take", "n": 2}]}),
                    Ty::Str,
                    slide,
                ),
            },
            Ty::Int => match pick(8) {
                0 => (json!({"op": "map", "fn": "x => x * 2 - 1"}), Ty::Int, slide),
                1 => (json!({"op": "filter", "fn": "_ % 2 == 0"}), Ty::Int, slide),
                2 => (json!({"op": "reduce", "fn": "_ + _"}), Ty::Int, slide),
                3 => {
                    let mut w = windowed("reduceByWindow");
                    w["fn"] = json!("(a, b) => a + b");
                    if flag {
                        w["inverse"] = json!("(a, b) => a - b");
                        stateful = true;
                    }
                    (w, Ty::Int, out_slide)
                }
                4 => (
                    json!({"op": "map", "fn": "n => (\"k\" + n % 3, n)"}),
                    Ty::Pair,
                    slide,
                ),
                5 => {
                    stateful = true;
                    (windowed("countByWindow"), Ty::Int, out_slide)
                }
                6 => (json!({"op": "count"}), Ty::Int, slide),
                _ => (
                    json!({"op": "map", "fn": "n => n.toString + \"\\u00e9\""}),
                    Ty::Str,
                    slide,
                ),
            },
            Ty::Pair => match pick(10) {
                0 => {
                    let mut n = json!({"op": "reduceByKey", "fn": "_ + _"});
                    if flag {
                        n["partitions"] = json!(3);
                    }
                    (n, Ty::Pair, slide)
                }
                1 => {
                    let mut w = windowed("reduceByKeyAndWindow");
                    w["fn"] = json!("_ + _");
                    if flag {
                        w["inverse"] = json!("_ - _");
                        w["filter"] = json!("kv => kv._2 > 0");
                        stateful = true;
                    }
                    (w, Ty::Pair, out_slide)
                }
                2 => (
                    json!({"op": "mapValues", "fn": "v => v * 10"}),
                    Ty::Pair,
                    slide,
                ),
                3 => {
                    stateful = true;
                    (
                        json!({"op": "updateStateByKey", "fn": "(values, state) => Some(values.sum + state.getOrElse(0))"}),
                        Ty::Pair,
                        slide,
                    )
                }
                4 => {
                    stateful = true;
                    let mut n = json!({"op": "mapWithState", "fn": "(word, one, state) => {\n  val sum = one.getOrElse(0) + state.getOption.getOrElse(0)\n  state.update(sum)\n  (word, sum)\n}"});
                    if flag {
                        n["timeout_ms"] = json!(slide * 2);
                    }
                    (n, Ty::Pair, slide)
                }
                5 => (json!({"op": "groupByKey"}), Ty::Other, slide),
                6 => (
                    json!({"op": "transform", "rdd": [{"op": "sortByKey", "ascending": flag}, {"op": "top", "n": 2, "fn": "kv => kv._2"}]}),
                    Ty::Pair,
                    slide,
                ),
                7 => match same_slide.first() {
                    Some(other) => {
                        let op = if flag { "join" } else { "leftOuterJoin" };
                        add(
                            &mut nodes,
                            &mut streams,
                            json!({"op": op}),
                            &[&id, &other.0],
                            Ty::Other,
                            slide,
                        );
                        continue;
                    }
                    None => (
                        json!({"op": "filter", "fn": "kv => kv._2 > 1"}),
                        Ty::Pair,
                        slide,
                    ),
                },
                8 => (json!({"op": "map", "fn": "kv => kv._1"}), Ty::Str, slide),
                _ => {
                    stateful = true;
                    (windowed("countByValueAndWindow"), Ty::Other, out_slide)
                }
            },
            Ty::Other => (
                json!({"op": "foreachRDD", "action": "collect"}),
                Ty::Other,
                0,
            ),
        };
        add(&mut nodes, &mut streams, node, &[&id], out_ty, s);
    }
    if !nodes
        .iter()
        .any(|n| matches!(n["op"].as_str(), Some("print" | "foreachRDD")))
    {
        let last = streams.last().map(|s| s.0.clone()).unwrap_or_default();
        add(
            &mut nodes,
            &mut streams,
            json!({"op": "print"}),
            &[&last],
            Ty::Other,
            0,
        );
    }
    let mut p = json!({"version": 1, "batch_interval_ms": b, "nodes": nodes});
    if let Some(t) = ticks {
        p["ticks"] = json!(t);
    }
    if let Some(n) = name {
        p["name"] = json!(n);
    }
    if let Some(d) = description {
        p["description"] = json!(d);
    }
    if no_checkpoint && !stateful {
        p["checkpoint"] = json!(false);
    }
    serde_json::from_value(p).expect("a typed pipeline is pipeline JSON")
}

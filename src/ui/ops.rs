//! The palette's catalog of DStream ops: family, arity, the fields the editor offers and the
//! defaults a new node starts with (from `pipeline-spec.md`). Data only, no component.

use serde_json::{json, Value as Json};

/// How the node editor edits one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A lambda in the seed's Scala syntax, type-checked by the engine.
    Lambda,
    /// A lambda usually written as a block over several lines (mapWithState's function):
    /// edited in a text area, so a pasted Scala function keeps its line breaks.
    LambdaBlock,
    /// Milliseconds (window, slide, timeout).
    Millis,
    /// A small whole number (partitions, n, num).
    Count,
    /// Records per second of a generator: a slider.
    Rate,
    /// A whole number (seed).
    Number,
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    Flag,
    /// Free JSON (queue batches, transform's RDD ops).
    Json,
}

/// One field of an op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldInfo {
    pub name: &'static str,
    pub kind: FieldKind,
    /// Shown under the field.
    pub hint: &'static str,
}

/// The palette's families, in the order a pipeline reads.
pub const FAMILIES: [&str; 5] = [
    "sources",
    "transformations",
    "windowed",
    "stateful",
    "output",
];

/// One op of the palette.
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    pub op: &'static str,
    pub family: &'static str,
    pub min_inputs: usize,
    pub max_inputs: usize,
    pub fields: &'static [FieldInfo],
    /// Field values a new node starts with, given the batch interval.
    pub defaults: fn(u64) -> Vec<(&'static str, Json)>,
    /// One line for the palette's tooltip.
    pub doc: &'static str,
}

const fn f(name: &'static str, kind: FieldKind, hint: &'static str) -> FieldInfo {
    FieldInfo { name, kind, hint }
}

const GENERATOR_KINDS: &[&str] = &["words", "logs", "sales"];
const ACTIONS: &[&str] = &["collect", "count", "countByValue", "take", "top", "reduce"];

const FN_T: FieldInfo = f("fn", FieldKind::Lambda, "record => …");
const FN_VV: FieldInfo = f("fn", FieldKind::Lambda, "(a, b) => … (or _ + _)");
const INVERSE: FieldInfo = f(
    "inverse",
    FieldKind::Lambda,
    "undoes fn: (a, b) => … (optional)",
);
const WINDOW: FieldInfo = f(
    "window_ms",
    FieldKind::Millis,
    "window length, a multiple of the batch interval",
);
const SLIDE: FieldInfo = f("slide_ms", FieldKind::Millis, "how often the window fires");
const PARTITIONS: FieldInfo = f(
    "partitions",
    FieldKind::Count,
    "partitions of the result (optional)",
);

/// Spark's `StatefulNetworkWordCount` mapping function, for a `(String, Int)` stream.
pub const SPARK_MAPPING_FUNCTION: &str = "(word, one, state) => {
  val sum = one.getOrElse(0) + state.getOption.getOrElse(0)
  val output = (word, sum)
  state.update(sum)
  output
}";

fn none(_: u64) -> Vec<(&'static str, Json)> {
    Vec::new()
}
fn window_defaults(b: u64) -> Vec<(&'static str, Json)> {
    vec![("window_ms", json!(4 * b)), ("slide_ms", json!(2 * b))]
}

/// Every op the editor can add.
pub const OPS: &[OpInfo] = &[
    OpInfo {
        op: "queueStream",
        family: "sources",
        min_inputs: 0,
        max_inputs: 0,
        fields: &[f("batches", FieldKind::Json, "one JSON array of records per batch")],
        defaults: |_| vec![("batches", json!([["to be or", "not to be"], ["be quick"], []]))],
        doc: "A queue of prepared batches, one per tick (ssc.queueStream).",
    },
    OpInfo {
        op: "textInput",
        family: "sources",
        min_inputs: 0,
        max_inputs: 0,
        fields: &[],
        defaults: none,
        doc: "Lines you type, like `nc -lk 9999` feeding socketTextStream.",
    },
    OpInfo {
        op: "generator",
        family: "sources",
        min_inputs: 0,
        max_inputs: 0,
        fields: &[
            f("kind", FieldKind::Choice(GENERATOR_KINDS), "what it generates"),
            f("rate_per_s", FieldKind::Rate, "records per simulated second"),
            f("seed", FieldKind::Number, "same seed, same records"),
        ],
        defaults: |_| vec![("kind", json!("words")), ("rate_per_s", json!(5)), ("seed", json!(42))],
        doc: "Seeded random records: words, access logs or sales.",
    },
    OpInfo {
        op: "map",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[FN_T],
        defaults: |_| vec![("fn", json!("x => x"))],
        doc: "One record out for each record in.",
    },
    OpInfo {
        op: "flatMap",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[FN_T],
        defaults: |_| vec![("fn", json!("line => line.split(\" \")"))],
        doc: "Zero or more records out for each record in (a List).",
    },
    OpInfo {
        op: "filter",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[FN_T],
        defaults: |_| vec![("fn", json!("x => true"))],
        doc: "Keeps the records for which fn is true.",
    },
    OpInfo {
        op: "mapValues",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[f("fn", FieldKind::Lambda, "value => …")],
        defaults: |_| vec![("fn", json!("v => v"))],
        doc: "Maps the value of each (key, value) pair.",
    },
    OpInfo {
        op: "flatMapValues",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[f("fn", FieldKind::Lambda, "value => List(…)")],
        defaults: |_| vec![("fn", json!("v => List(v)"))],
        doc: "Zero or more values per (key, value) pair.",
    },
    OpInfo {
        op: "reduceByKey",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[FN_VV, PARTITIONS],
        defaults: |_| vec![("fn", json!("_ + _"))],
        doc: "Combines the values of each key within the batch.",
    },
    OpInfo {
        op: "groupByKey",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[],
        defaults: none,
        doc: "(key, List[value]) per key within the batch.",
    },
    OpInfo {
        op: "countByValue",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[],
        defaults: none,
        doc: "(record, count) per distinct record in the batch.",
    },
    OpInfo {
        op: "count",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[],
        defaults: none,
        doc: "One record: the batch's size (0 for an empty batch).",
    },
    OpInfo {
        op: "reduce",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[FN_VV],
        defaults: |_| vec![("fn", json!("_ + _"))],
        doc: "One record: all records combined by fn.",
    },
    OpInfo {
        op: "repartition",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[f("partitions", FieldKind::Count, "number of partitions")],
        defaults: |_| vec![("partitions", json!(4))],
        doc: "Spreads the records over n partitions.",
    },
    OpInfo {
        op: "union",
        family: "transformations",
        min_inputs: 2,
        max_inputs: 8,
        fields: &[],
        defaults: none,
        doc: "All records of two or more streams (duplicates kept).",
    },
    OpInfo {
        op: "join",
        family: "transformations",
        min_inputs: 2,
        max_inputs: 2,
        fields: &[PARTITIONS],
        defaults: none,
        doc: "(key, (v, w)) for each matching pair of two keyed streams.",
    },
    OpInfo {
        op: "leftOuterJoin",
        family: "transformations",
        min_inputs: 2,
        max_inputs: 2,
        fields: &[PARTITIONS],
        defaults: none,
        doc: "Like join, keeping left keys without a match (None).",
    },
    OpInfo {
        op: "rightOuterJoin",
        family: "transformations",
        min_inputs: 2,
        max_inputs: 2,
        fields: &[PARTITIONS],
        defaults: none,
        doc: "Like join, keeping right keys without a match (None).",
    },
    OpInfo {
        op: "fullOuterJoin",
        family: "transformations",
        min_inputs: 2,
        max_inputs: 2,
        fields: &[PARTITIONS],
        defaults: none,
        doc: "Keys of either side, None where one side is missing.",
    },
    OpInfo {
        op: "cogroup",
        family: "transformations",
        min_inputs: 2,
        max_inputs: 2,
        fields: &[PARTITIONS],
        defaults: none,
        doc: "(key, (List[v], List[w])) per key of either stream.",
    },
    OpInfo {
        op: "transform",
        family: "transformations",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[f("rdd", FieldKind::Json, "RDD ops, e.g. [{\"op\":\"sortBy\",\"fn\":\"kv => kv._2\",\"ascending\":false},{\"op\":\"take\",\"n\":3}]")],
        defaults: |_| vec![("rdd", json!([{"op": "distinct"}]))],
        doc: "Arbitrary RDD ops on each batch: sort, top, take, distinct…",
    },
    OpInfo {
        op: "window",
        family: "windowed",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[WINDOW, SLIDE],
        defaults: window_defaults,
        doc: "All records of the batches in the window.",
    },
    OpInfo {
        op: "countByWindow",
        family: "windowed",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[WINDOW, SLIDE],
        defaults: window_defaults,
        doc: "How many records the window holds.",
    },
    OpInfo {
        op: "reduceByWindow",
        family: "windowed",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[FN_VV, INVERSE, WINDOW, SLIDE],
        defaults: |b| {
            let mut d = window_defaults(b);
            d.push(("fn", json!("_ + _")));
            d
        },
        doc: "All records of the window combined by fn.",
    },
    OpInfo {
        op: "reduceByKeyAndWindow",
        family: "windowed",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[
            FN_VV,
            INVERSE,
            f("filter", FieldKind::Lambda, "kv => … keeps keys (optional)"),
            WINDOW,
            SLIDE,
            PARTITIONS,
        ],
        defaults: |b| {
            let mut d = window_defaults(b);
            d.push(("fn", json!("_ + _")));
            d.push(("inverse", json!("_ - _")));
            d
        },
        doc: "Per key over the window; with an inverse, incrementally.",
    },
    OpInfo {
        op: "countByValueAndWindow",
        family: "windowed",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[WINDOW, SLIDE],
        defaults: window_defaults,
        doc: "(record, count) over the window.",
    },
    OpInfo {
        op: "groupByKeyAndWindow",
        family: "windowed",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[WINDOW, SLIDE],
        defaults: window_defaults,
        doc: "(key, List[value]) over the window.",
    },
    OpInfo {
        op: "updateStateByKey",
        family: "stateful",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[f("fn", FieldKind::Lambda, "(values, state) => Some(…) or None")],
        defaults: |_| vec![("fn", json!("(values, state) => Some(values.sum + state.getOrElse(0))"))],
        doc: "Keyed state carried from batch to batch.",
    },
    OpInfo {
        op: "mapWithState",
        family: "stateful",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[
            f(
                "fn",
                FieldKind::LambdaBlock,
                "(key, value: Option[V], state: State[S]) => mapped, as in Spark",
            ),
            f(
                "timeout_ms",
                FieldKind::Millis,
                "idle keys time out (checked every 10 batches, as Spark does; optional)",
            ),
        ],
        defaults: |_| vec![("fn", json!(SPARK_MAPPING_FUNCTION))],
        doc: "Keyed state with Spark's State: one mapped record per record, optional timeout.",
    },
    OpInfo {
        op: "print",
        family: "output",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[f("num", FieldKind::Count, "records to print")],
        defaults: |_| vec![("num", json!(10))],
        doc: "Prints the first records of every batch, as DStream.print().",
    },
    OpInfo {
        op: "foreachRDD",
        family: "output",
        min_inputs: 1,
        max_inputs: 1,
        fields: &[
            f("action", FieldKind::Choice(ACTIONS), "what the driver does with each RDD"),
            f("n", FieldKind::Count, "for take and top"),
            f("fn", FieldKind::Lambda, "for reduce: (a, b) => …"),
            f("accumulate", FieldKind::Flag, "keep a running total across batches (count, reduce)"),
        ],
        defaults: |_| vec![("action", json!("collect"))],
        doc: "Runs an action on every RDD on the driver.",
    },
];

/// The catalog entry of `op`.
pub fn info(op: &str) -> Option<&'static OpInfo> {
    OPS.iter().find(|o| o.op == op)
}

/// The ops of one palette family.
pub fn family(name: &str) -> impl Iterator<Item = &'static OpInfo> + '_ {
    OPS.iter().filter(move |o| o.family == name)
}

/// Windowed ops fire only at slide times and show a bracket on the time axis.
pub fn is_windowed(op: &str) -> bool {
    info(op).is_some_and(|i| i.family == "windowed")
}

pub fn is_source(op: &str) -> bool {
    info(op).is_some_and(|i| i.family == "sources")
}

pub fn is_output(op: &str) -> bool {
    info(op).is_some_and(|i| i.family == "output")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dstream_engine::Engine;

    #[test]
    fn map_with_states_default_is_sparks_function_and_runs_on_word_pairs() {
        let m = info("mapWithState").expect("in the palette");
        assert_eq!(m.family, "stateful");
        let fields: Vec<&str> = m.fields.iter().map(|f| f.name).collect();
        assert_eq!(fields, ["fn", "timeout_ms"]);
        let defaults = (m.defaults)(1000);
        let f = defaults
            .iter()
            .find(|(k, _)| *k == "fn")
            .map(|(_, v)| v.clone())
            .expect("a default fn");
        let spec = json!({"version": 1, "batch_interval_ms": 1000, "nodes": [
            {"id": "q", "op": "queueStream", "batches": [[["a", 1], ["b", 1], ["a", 1]], [["a", 1]]]},
            {"id": "m", "op": "mapWithState", "inputs": ["q"], "fn": f},
            {"id": "out", "op": "foreachRDD", "inputs": ["m"], "action": "collect"}]});
        let mut e = Engine::from_json(&spec.to_string()).expect("the default validates");
        let lines: Vec<String> = e
            .replay()
            .expect("runs")
            .iter()
            .map(|l| l.to_json_line())
            .collect();
        assert_eq!(
            lines,
            [
                r#"{"batch":0,"time_ms":1000,"output":"out","records":[["b",1],["a",1],["a",2]]}"#,
                r#"{"batch":1,"time_ms":2000,"output":"out","records":[["a",3]]}"#,
            ]
        );
    }
}

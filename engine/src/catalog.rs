//! The one catalogue of ops: every DStream op and every RDD op inside `transform`, with its
//! family, fields (kind, required or not, a hint), arity, defaults for a new node and a
//! one-line hint. The planner, the fuzz tests and the app's palette and editor all read it;
//! it is plain data (no planner, no evaluator), so the page's wasm can link it alone.

use serde_json::{json, Value as Json};

/// The palette's families, and the RDD ops inside `transform`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Sources,
    Transformations,
    Windowed,
    Stateful,
    Output,
    /// An RDD op inside `transform`'s `rdd` list, not a DStream op.
    RddOps,
}

/// The DStream families in the order a pipeline reads (the palette's order).
pub const FAMILIES: [Family; 5] = [
    Family::Sources,
    Family::Transformations,
    Family::Windowed,
    Family::Stateful,
    Family::Output,
];

impl Family {
    /// `sources`, `transformations`, `windowed`, `stateful`, `output`, `rdd ops`.
    pub fn name(self) -> &'static str {
        match self {
            Family::Sources => "sources",
            Family::Transformations => "transformations",
            Family::Windowed => "windowed",
            Family::Stateful => "stateful",
            Family::Output => "output",
            Family::RddOps => "rdd ops",
        }
    }
}

/// What a field holds, and so how the editor edits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A lambda in the seed's Scala syntax, type-checked by the planner.
    Lambda,
    /// A lambda usually written as a block over several lines (mapWithState's function):
    /// edited in a text area, so a pasted Scala function keeps its line breaks.
    LambdaBlock,
    /// Milliseconds (window, slide, timeout): a whole number.
    Millis,
    /// A small whole number (partitions, n, num).
    Count,
    /// Records per second of a generator (a whole number; a slider in the editor).
    Rate,
    /// A whole number (seed).
    Number,
    /// A number between 0 and 1 (sample's fraction).
    Fraction,
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    /// `true` or `false`.
    Flag,
    /// Free JSON (queue batches).
    Json,
    /// A list of RDD ops, each an object with its own `op` (`transform`'s `rdd`).
    RddOps,
}

/// One field of an op (besides `id`, `op` and `inputs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldInfo {
    pub name: &'static str,
    pub kind: FieldKind,
    /// The planner refuses the op without it (for foreachRDD's `n` and `fn`: required by
    /// some actions only, so `false` here).
    pub required: bool,
    /// Shown under the field.
    pub hint: &'static str,
}

/// Field values a new node starts with, given the batch interval.
pub type Defaults = fn(u64) -> Vec<(&'static str, Json)>;

/// Every DStream op, one variant each: the planner matches on it, so an op added here
/// without a plan is a compile error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpKind {
    QueueStream,
    TextInput,
    Generator,
    Map,
    FlatMap,
    Filter,
    MapValues,
    FlatMapValues,
    ReduceByKey,
    GroupByKey,
    CountByValue,
    Count,
    Reduce,
    Repartition,
    Union,
    Join,
    LeftOuterJoin,
    RightOuterJoin,
    FullOuterJoin,
    Cogroup,
    Intersection,
    Subtract,
    Cartesian,
    Transform,
    Window,
    CountByWindow,
    ReduceByWindow,
    ReduceByKeyAndWindow,
    CountByValueAndWindow,
    GroupByKeyAndWindow,
    UpdateStateByKey,
    MapWithState,
    Print,
    ForeachRdd,
}

/// Every RDD op inside `transform`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RddOpKind {
    Distinct,
    Sample,
    SortBy,
    SortByKey,
    Take,
    Top,
}

/// One DStream op.
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    pub kind: OpKind,
    /// As the pipeline JSON and Spark's Scala API spell it.
    pub name: &'static str,
    pub family: Family,
    pub min_inputs: usize,
    /// `None`: any number from `min_inputs` on (`union`).
    pub max_inputs: Option<usize>,
    pub fields: &'static [FieldInfo],
    pub defaults: Defaults,
    /// One line for the palette's tooltip.
    pub hint: &'static str,
}

/// One RDD op of `transform`'s `rdd` list.
#[derive(Clone, Copy, Debug)]
pub struct RddOpInfo {
    pub kind: RddOpKind,
    pub name: &'static str,
    pub fields: &'static [FieldInfo],
    pub defaults: Defaults,
    pub hint: &'static str,
}

/// A `foreachRDD` action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    Collect,
    Count,
    CountByValue,
    Take,
    Top,
    Reduce,
}

/// The actions, as `foreachRDD`'s `action` spells them, in this order.
pub const ACTIONS: [(ActionKind, &str); 6] = [
    (ActionKind::Collect, "collect"),
    (ActionKind::Count, "count"),
    (ActionKind::CountByValue, "countByValue"),
    (ActionKind::Take, "take"),
    (ActionKind::Top, "top"),
    (ActionKind::Reduce, "reduce"),
];

const ACTION_NAMES: &[&str] = &["collect", "count", "countByValue", "take", "top", "reduce"];

/// The generator kinds.
pub const GENERATOR_KINDS: &[&str] = &["words", "logs", "sales"];

/// Spark's `StatefulNetworkWordCount` mapping function, for a `(String, Int)` stream: the
/// default of a new mapWithState node.
pub const SPARK_MAPPING_FUNCTION: &str = "(word, one, state) => {
  val sum = one.getOrElse(0) + state.getOption.getOrElse(0)
  val output = (word, sum)
  state.update(sum)
  output
}";

const fn field(
    name: &'static str,
    kind: FieldKind,
    required: bool,
    hint: &'static str,
) -> FieldInfo {
    FieldInfo {
        name,
        kind,
        required,
        hint,
    }
}

const FN_T: FieldInfo = field("fn", FieldKind::Lambda, true, "record => …");
const FN_VV: FieldInfo = field("fn", FieldKind::Lambda, true, "(a, b) => … (or _ + _)");
const INVERSE: FieldInfo = field(
    "inverse",
    FieldKind::Lambda,
    false,
    "undoes fn: (a, b) => … (optional; Spark then needs ssc.checkpoint)",
);
const WINDOW: FieldInfo = field(
    "window_ms",
    FieldKind::Millis,
    true,
    "window length, a multiple of the batch interval",
);
const SLIDE: FieldInfo = field(
    "slide_ms",
    FieldKind::Millis,
    false,
    "how often the window fires (default: the input's slide)",
);
const PARTITIONS: FieldInfo = field(
    "partitions",
    FieldKind::Count,
    false,
    "partitions of the result (optional)",
);
const WINDOWED: &[FieldInfo] = &[WINDOW, SLIDE];
const WINDOWED_PARTS: &[FieldInfo] = &[WINDOW, SLIDE, PARTITIONS];

fn none(_: u64) -> Vec<(&'static str, Json)> {
    Vec::new()
}

fn window_defaults(b: u64) -> Vec<(&'static str, Json)> {
    vec![("window_ms", json!(4 * b)), ("slide_ms", json!(2 * b))]
}

fn add_fn(b: u64) -> Vec<(&'static str, Json)> {
    let _ = b;
    vec![("fn", json!("_ + _"))]
}

const fn op(
    kind: OpKind,
    name: &'static str,
    family: Family,
    inputs: (usize, Option<usize>),
    fields: &'static [FieldInfo],
    defaults: Defaults,
    hint: &'static str,
) -> OpInfo {
    OpInfo {
        kind,
        name,
        family,
        min_inputs: inputs.0,
        max_inputs: inputs.1,
        fields,
        defaults,
        hint,
    }
}

const SOURCE: (usize, Option<usize>) = (0, Some(0));
const ONE: (usize, Option<usize>) = (1, Some(1));
const TWO: (usize, Option<usize>) = (2, Some(2));

/// Every DStream op, by family in the palette's order.
pub const OPS: &[OpInfo] = &[
    op(
        OpKind::QueueStream,
        "queueStream",
        Family::Sources,
        SOURCE,
        &[field("batches", FieldKind::Json, true, "one JSON array of records per batch")],
        |_| vec![("batches", json!([["to be or", "not to be"], ["be quick"], []]))],
        "A queue of prepared batches, one per tick (ssc.queueStream).",
    ),
    op(
        OpKind::TextInput,
        "textInput",
        Family::Sources,
        SOURCE,
        &[],
        none,
        "Lines you type, like `nc -lk 9999` feeding socketTextStream.",
    ),
    op(
        OpKind::Generator,
        "generator",
        Family::Sources,
        SOURCE,
        &[
            field("kind", FieldKind::Choice(GENERATOR_KINDS), true, "what it generates"),
            field("rate_per_s", FieldKind::Rate, true, "records per simulated second"),
            field("seed", FieldKind::Number, false, "same seed, same records (default 0)"),
        ],
        |_| vec![("kind", json!("words")), ("rate_per_s", json!(5)), ("seed", json!(42))],
        "Seeded random records: words, access logs or sales.",
    ),
    op(
        OpKind::Map,
        "map",
        Family::Transformations,
        ONE,
        &[FN_T],
        |_| vec![("fn", json!("x => x"))],
        "One record out for each record in.",
    ),
    op(
        OpKind::FlatMap,
        "flatMap",
        Family::Transformations,
        ONE,
        &[field("fn", FieldKind::Lambda, true, "record => List(…) (or a split)")],
        |_| vec![("fn", json!("line => line.split(\" \")"))],
        "Zero or more records out for each record in (a List).",
    ),
    op(
        OpKind::Filter,
        "filter",
        Family::Transformations,
        ONE,
        &[field("fn", FieldKind::Lambda, true, "record => Boolean")],
        |_| vec![("fn", json!("x => true"))],
        "Keeps the records for which fn is true.",
    ),
    op(
        OpKind::MapValues,
        "mapValues",
        Family::Transformations,
        ONE,
        &[field("fn", FieldKind::Lambda, true, "value => …")],
        |_| vec![("fn", json!("v => v"))],
        "Maps the value of each (key, value) pair.",
    ),
    op(
        OpKind::FlatMapValues,
        "flatMapValues",
        Family::Transformations,
        ONE,
        &[field("fn", FieldKind::Lambda, true, "value => List(…)")],
        |_| vec![("fn", json!("v => List(v)"))],
        "Zero or more values per (key, value) pair.",
    ),
    op(
        OpKind::ReduceByKey,
        "reduceByKey",
        Family::Transformations,
        ONE,
        &[FN_VV, PARTITIONS],
        add_fn,
        "Combines the values of each key within the batch.",
    ),
    op(
        OpKind::GroupByKey,
        "groupByKey",
        Family::Transformations,
        ONE,
        &[PARTITIONS],
        none,
        "(key, List[value]) per key within the batch.",
    ),
    op(
        OpKind::CountByValue,
        "countByValue",
        Family::Transformations,
        ONE,
        &[PARTITIONS],
        none,
        "(record, count) per distinct record in the batch.",
    ),
    op(
        OpKind::Count,
        "count",
        Family::Transformations,
        ONE,
        &[],
        none,
        "One record: the batch's size (0 for an empty batch).",
    ),
    op(
        OpKind::Reduce,
        "reduce",
        Family::Transformations,
        ONE,
        &[FN_VV],
        add_fn,
        "One record: all records combined by fn.",
    ),
    op(
        OpKind::Repartition,
        "repartition",
        Family::Transformations,
        ONE,
        &[field("partitions", FieldKind::Count, true, "number of partitions")],
        |_| vec![("partitions", json!(4))],
        "Spreads the records over n partitions.",
    ),
    op(
        OpKind::Union,
        "union",
        Family::Transformations,
        (2, None),
        &[],
        none,
        "All records of two or more streams (duplicates kept).",
    ),
    op(
        OpKind::Join,
        "join",
        Family::Transformations,
        TWO,
        &[PARTITIONS],
        none,
        "(key, (v, w)) for each matching pair of two keyed streams.",
    ),
    op(
        OpKind::LeftOuterJoin,
        "leftOuterJoin",
        Family::Transformations,
        TWO,
        &[PARTITIONS],
        none,
        "Like join, keeping left keys without a match (None).",
    ),
    op(
        OpKind::RightOuterJoin,
        "rightOuterJoin",
        Family::Transformations,
        TWO,
        &[PARTITIONS],
        none,
        "Like join, keeping right keys without a match (None).",
    ),
    op(
        OpKind::FullOuterJoin,
        "fullOuterJoin",
        Family::Transformations,
        TWO,
        &[PARTITIONS],
        none,
        "Keys of either side, None where one side is missing.",
    ),
    op(
        OpKind::Cogroup,
        "cogroup",
        Family::Transformations,
        TWO,
        &[PARTITIONS],
        none,
        "(key, (List[v], List[w])) per key of either stream.",
    ),
    op(
        OpKind::Intersection,
        "intersection",
        Family::Transformations,
        TWO,
        &[],
        none,
        "Records in both streams' batches, once each (transform with rdd.intersection).",
    ),
    op(
        OpKind::Subtract,
        "subtract",
        Family::Transformations,
        TWO,
        &[],
        none,
        "Records of the first stream's batch not in the second's (rdd.subtract).",
    ),
    op(
        OpKind::Cartesian,
        "cartesian",
        Family::Transformations,
        TWO,
        &[],
        none,
        "Every pair of a record of each stream's batch (rdd.cartesian).",
    ),
    op(
        OpKind::Transform,
        "transform",
        Family::Transformations,
        ONE,
        &[field(
            "rdd",
            FieldKind::RddOps,
            true,
            "RDD ops, e.g. [{\"op\":\"sortBy\",\"fn\":\"kv => kv._2\",\"ascending\":false},{\"op\":\"take\",\"n\":3}]",
        )],
        |_| vec![("rdd", json!([{"op": "distinct"}]))],
        "Arbitrary RDD ops on each batch: sort, top, take, distinct…",
    ),
    op(
        OpKind::Window,
        "window",
        Family::Windowed,
        ONE,
        WINDOWED,
        window_defaults,
        "All records of the batches in the window.",
    ),
    op(
        OpKind::CountByWindow,
        "countByWindow",
        Family::Windowed,
        ONE,
        WINDOWED,
        window_defaults,
        "How many records the window holds (an inverse window: needs ssc.checkpoint).",
    ),
    op(
        OpKind::ReduceByWindow,
        "reduceByWindow",
        Family::Windowed,
        ONE,
        &[FN_VV, INVERSE, WINDOW, SLIDE],
        |b| {
            let mut d = window_defaults(b);
            d.push(("fn", json!("_ + _")));
            d
        },
        "All records of the window combined by fn.",
    ),
    op(
        OpKind::ReduceByKeyAndWindow,
        "reduceByKeyAndWindow",
        Family::Windowed,
        ONE,
        &[
            FN_VV,
            INVERSE,
            field(
                "filter",
                FieldKind::Lambda,
                false,
                "kv => … keeps keys (optional; needs an inverse)",
            ),
            WINDOW,
            SLIDE,
            PARTITIONS,
        ],
        |b| {
            let mut d = window_defaults(b);
            d.push(("fn", json!("_ + _")));
            d.push(("inverse", json!("_ - _")));
            d
        },
        "Per key over the window; with an inverse, incrementally.",
    ),
    op(
        OpKind::CountByValueAndWindow,
        "countByValueAndWindow",
        Family::Windowed,
        ONE,
        WINDOWED_PARTS,
        window_defaults,
        "(record, count) over the window (an inverse window: needs ssc.checkpoint).",
    ),
    op(
        OpKind::GroupByKeyAndWindow,
        "groupByKeyAndWindow",
        Family::Windowed,
        ONE,
        WINDOWED_PARTS,
        window_defaults,
        "(key, List[value]) over the window.",
    ),
    op(
        OpKind::UpdateStateByKey,
        "updateStateByKey",
        Family::Stateful,
        ONE,
        &[
            field("fn", FieldKind::Lambda, true, "(values, state) => Some(…) or None"),
            PARTITIONS,
        ],
        |_| vec![("fn", json!("(values, state) => Some(values.sum + state.getOrElse(0))"))],
        "Keyed state carried from batch to batch (needs ssc.checkpoint).",
    ),
    op(
        OpKind::MapWithState,
        "mapWithState",
        Family::Stateful,
        ONE,
        &[
            field(
                "fn",
                FieldKind::LambdaBlock,
                true,
                "(key, value: Option[V], state: State[S]) => mapped, as in Spark",
            ),
            field(
                "timeout_ms",
                FieldKind::Millis,
                false,
                "idle keys time out (checked every 10 batches, as Spark does; optional)",
            ),
        ],
        |_| vec![("fn", json!(SPARK_MAPPING_FUNCTION))],
        "Keyed state with Spark's State: one mapped record per record (needs ssc.checkpoint).",
    ),
    op(
        OpKind::Print,
        "print",
        Family::Output,
        ONE,
        &[field("num", FieldKind::Count, false, "records to print (default 10)")],
        |_| vec![("num", json!(10))],
        "Prints the first records of every batch, as DStream.print().",
    ),
    op(
        OpKind::ForeachRdd,
        "foreachRDD",
        Family::Output,
        ONE,
        &[
            field(
                "action",
                FieldKind::Choice(ACTION_NAMES),
                true,
                "what the driver does with each RDD",
            ),
            field("n", FieldKind::Count, false, "for take and top (required there)"),
            field("fn", FieldKind::Lambda, false, "for reduce: (a, b) => …; for top: a key"),
            field(
                "accumulate",
                FieldKind::Flag,
                false,
                "keep a running total across batches (count, reduce); starts at 0 after a restart",
            ),
        ],
        |_| vec![("action", json!("collect"))],
        "Runs an action on every RDD on the driver.",
    ),
];

/// Every RDD op of `transform`.
pub const RDD_OPS: &[RddOpInfo] = &[
    RddOpInfo {
        kind: RddOpKind::Distinct,
        name: "distinct",
        fields: &[],
        defaults: none,
        hint: "Each record once.",
    },
    RddOpInfo {
        kind: RddOpKind::Sample,
        name: "sample",
        fields: &[
            field(
                "fraction",
                FieldKind::Fraction,
                true,
                "share of records kept, 0 to 1",
            ),
            field(
                "seed",
                FieldKind::Number,
                false,
                "same seed, same sample (default 0)",
            ),
        ],
        defaults: |_| vec![("fraction", json!(0.5))],
        hint: "A random share of the records (without replacement).",
    },
    RddOpInfo {
        kind: RddOpKind::SortBy,
        name: "sortBy",
        fields: &[
            field("fn", FieldKind::Lambda, true, "record => sort key"),
            field("ascending", FieldKind::Flag, false, "default true"),
        ],
        defaults: |_| vec![("fn", json!("x => x"))],
        hint: "Sorts the records by a key.",
    },
    RddOpInfo {
        kind: RddOpKind::SortByKey,
        name: "sortByKey",
        fields: &[field("ascending", FieldKind::Flag, false, "default true")],
        defaults: none,
        hint: "Sorts (key, value) pairs by key.",
    },
    RddOpInfo {
        kind: RddOpKind::Take,
        name: "take",
        fields: &[field("n", FieldKind::Count, true, "how many records")],
        defaults: |_| vec![("n", json!(3))],
        hint: "The first n records, as one partition.",
    },
    RddOpInfo {
        kind: RddOpKind::Top,
        name: "top",
        fields: &[
            field("n", FieldKind::Count, true, "how many records"),
            field(
                "fn",
                FieldKind::Lambda,
                false,
                "record => key to rank by (optional)",
            ),
        ],
        defaults: |_| vec![("n", json!(3))],
        hint: "The n largest records, largest first.",
    },
];

/// The catalogue entry of the DStream op named `name`.
pub fn op_named(name: &str) -> Option<&'static OpInfo> {
    OPS.iter().find(|o| o.name == name)
}

/// The catalogue entry of `kind`.
pub fn info(kind: OpKind) -> &'static OpInfo {
    // Every kind has exactly one entry (tested); the fallback is never taken.
    OPS.iter().find(|o| o.kind == kind).unwrap_or(&OPS[0])
}

/// The catalogue entry of the RDD op named `name`.
pub fn rdd_op_named(name: &str) -> Option<&'static RddOpInfo> {
    RDD_OPS.iter().find(|o| o.name == name)
}

/// The action named `name`.
pub fn action_named(name: &str) -> Option<ActionKind> {
    ACTIONS.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
}

/// The op named `name` is a source.
pub fn is_source(name: &str) -> bool {
    op_named(name).is_some_and(OpInfo::is_source)
}

/// The op named `name` is one of the window family (fires at slide times, a bracket on the
/// time axis).
pub fn is_windowed(name: &str) -> bool {
    op_named(name).is_some_and(OpInfo::is_windowed)
}

/// The op named `name` is an output op.
pub fn is_output(name: &str) -> bool {
    op_named(name).is_some_and(OpInfo::is_output)
}

/// The ops of one family, in catalogue order.
pub fn family(f: Family) -> impl Iterator<Item = &'static OpInfo> {
    OPS.iter().filter(move |o| o.family == f)
}

impl OpInfo {
    /// The field named `name`, if the op accepts it.
    pub fn field(&self, name: &str) -> Option<&'static FieldInfo> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn is_source(&self) -> bool {
        self.family == Family::Sources
    }

    pub fn is_output(&self) -> bool {
        self.family == Family::Output
    }

    /// Fires only at slide times and draws a bracket on the time axis.
    pub fn is_windowed(&self) -> bool {
        self.family == Family::Windowed
    }

    /// `exactly 1 input`, `no inputs (it is a source)`, `at least 2 inputs`.
    pub fn arity_text(&self) -> String {
        match (self.min_inputs, self.max_inputs) {
            (0, Some(0)) => "no inputs (it is a source)".to_string(),
            (l, Some(h)) if l == h => {
                format!("exactly {l} input{}", if l == 1 { "" } else { "s" })
            }
            (l, Some(h)) => format!("{l} to {h} inputs"),
            (l, None) => format!("at least {l} inputs"),
        }
    }

    /// Whether `n` inputs fit.
    pub fn takes_inputs(&self, n: usize) -> bool {
        n >= self.min_inputs && self.max_inputs.is_none_or(|h| n <= h)
    }
}

/// A run of op names found outside the catalogue by [`op_name_lists`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpNameList {
    /// 1-based line of the first name.
    pub line: usize,
    pub names: Vec<String>,
}

/// Finds lists of op names written out in Rust `source`: three or more distinct DStream or
/// RDD op names as string literals within ten lines, outside the places a name is not a
/// list (a pipeline's `"op": "map"`, `"action": "count"`, a JSON key, `NodeSpec::new`'s op,
/// comments, raw strings). The test that no list of ops exists beside this catalogue runs
/// it over the engine's sources; the app's tests can run it over theirs.
pub fn op_name_lists(source: &str) -> Vec<OpNameList> {
    let names: Vec<&str> = OPS
        .iter()
        .map(|o| o.name)
        .chain(RDD_OPS.iter().map(|o| o.name))
        .collect();
    let found = op_name_literals(source, &names);
    let mut lists = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let start = found[i].0;
        let mut j = i;
        let mut distinct: Vec<String> = Vec::new();
        while j < found.len() && found[j].0 < start + 10 {
            if !distinct.contains(&found[j].1) {
                distinct.push(found[j].1.clone());
            }
            j += 1;
        }
        if distinct.len() >= 3 {
            lists.push(OpNameList {
                line: start,
                names: distinct,
            });
            i = j;
        } else {
            i += 1;
        }
    }
    lists
}

/// `(line, name)` of every string literal in `source` whose text is one of `names`, except
/// where it names one op of one pipeline (see [`op_name_lists`]).
fn op_name_literals(source: &str, names: &[&str]) -> Vec<(usize, String)> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // What came before the current literal, without whitespace (the last few tokens).
    let mut before = String::new();
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                line += usize::from(b[i] == b'\n');
                i += 1;
            }
            i += 2;
            continue;
        }
        if c == b'r' && matches!(b.get(i + 1), Some(b'#') | Some(b'"')) && !ident_before(b, i) {
            // A raw string: opaque (pipelines written as JSON text).
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) == Some(&b'"') {
                j += 1;
                loop {
                    if j >= b.len() {
                        break;
                    }
                    if b[j] == b'"' && (0..hashes).all(|h| b.get(j + 1 + h) == Some(&b'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    line += usize::from(b[j] == b'\n');
                    j += 1;
                }
                i = j;
                before.push_str("r\"\"");
                continue;
            }
        }
        if c == b'\'' {
            // A char literal ('"') or a lifetime: skip the quote and what it quotes.
            if b.get(i + 2) == Some(&b'\'') {
                i += 3;
                continue;
            }
            if b.get(i + 1) == Some(&b'\\') && b.get(i + 3) == Some(&b'\'') {
                i += 4;
                continue;
            }
        }
        if c == b'"' {
            let start_line = line;
            let mut j = i + 1;
            let mut text = String::new();
            while j < b.len() && b[j] != b'"' {
                if b[j] == b'\\' {
                    j += 1;
                }
                if j < b.len() {
                    line += usize::from(b[j] == b'\n');
                    text.push(b[j] as char);
                }
                j += 1;
            }
            let after = source[(j + 1).min(b.len())..]
                .chars()
                .find(|c| !c.is_whitespace());
            if names.contains(&text.as_str()) {
                let json_key = after == Some(':');
                let named = ["\"op\":", "\"action\":"]
                    .iter()
                    .any(|p| before.ends_with(p))
                    || second_argument_of_node_spec_new(&before);
                if !json_key && !named {
                    out.push((start_line, text.clone()));
                }
            }
            before.push('"');
            before.push_str(&text);
            before.push('"');
            i = j + 1;
            trim_front(&mut before);
            continue;
        }
        if !c.is_ascii_whitespace() {
            before.push(c as char);
            trim_front(&mut before);
        }
        i += 1;
    }
    out
}

/// `before` (what precedes a literal, whitespace removed) ends inside `NodeSpec::new(id, `:
/// the literal is the op of one node.
fn second_argument_of_node_spec_new(before: &str) -> bool {
    let Some(at) = before.rfind("NodeSpec::new(") else {
        return false;
    };
    let first = &before[at + "NodeSpec::new(".len()..];
    first.ends_with(',')
        && first.matches(',').count() == 1
        && !first.contains(['(', ')', '[', ']', '{', '}', ';'])
}

fn ident_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

fn trim_front(s: &mut String) {
    if s.len() > 64 {
        let cut = s.len() - 48;
        let cut = (cut..s.len()).find(|&k| s.is_char_boundary(k)).unwrap_or(0);
        s.drain(..cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_entry_and_every_name_one_kind() {
        for o in OPS {
            assert_eq!(info(o.kind).name, o.name);
            assert_eq!(op_named(o.name).map(|x| x.kind), Some(o.kind));
            assert_eq!(
                OPS.iter().filter(|x| x.kind == o.kind).count(),
                1,
                "{}",
                o.name
            );
        }
        for r in RDD_OPS {
            assert_eq!(RDD_OPS.iter().filter(|x| x.kind == r.kind).count(), 1);
            assert!(op_named(r.name).is_none(), "{} is both", r.name);
        }
        for f in FAMILIES {
            assert!(family(f).count() > 0, "{}", f.name());
        }
        // Families come in the palette's order.
        let order: Vec<usize> = OPS
            .iter()
            .map(|o| FAMILIES.iter().position(|f| *f == o.family).unwrap_or(99))
            .collect();
        assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    }

    #[test]
    fn defaults_name_only_fields_the_op_has() {
        for o in OPS {
            for (name, _) in (o.defaults)(1000) {
                assert!(o.field(name).is_some(), "{}: default for {name}", o.name);
            }
        }
        for r in RDD_OPS {
            for (name, _) in (r.defaults)(1000) {
                assert!(
                    r.fields.iter().any(|f| f.name == name),
                    "{}: {name}",
                    r.name
                );
            }
        }
        let w = op_named("reduceByKeyAndWindow").map(|o| (o.defaults)(500));
        assert_eq!(
            w.unwrap_or_default()[..2],
            [("window_ms", json!(2000)), ("slide_ms", json!(1000))]
        );
    }

    #[test]
    fn a_list_of_op_names_is_found_and_one_pipelines_ops_are_not() {
        let list = "const OPS: &[&str] = &[\n  \"map\",\n  \"filter\",\n  \"window\",\n];";
        let found = op_name_lists(list);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 2);
        assert_eq!(found[0].names, ["map", "filter", "window"]);
        let arms = "match op { \"union\" | \"join\" => 2, \"take\" => 1, _ => 0 }";
        assert_eq!(op_name_lists(arms).len(), 1);
        let pipeline = r##"
            json!({"id": "a", "op": "map", "fn": "x => x"});
            json!({"id": "b", "op": "filter", "filter": 1});
            json!({"id": "c", "op": "window", "action": "count"});
            NodeSpec::new("d", "union", &["a"]);
            NodeSpec::new(&ones, "map", &[&n.inputs[0]]);
            // "map", "filter", "window" in a comment
            let text = r#"["map", "filter", "window"]"#;
            let one = "count";
        "##;
        assert_eq!(op_name_lists(pipeline), []);
    }
}

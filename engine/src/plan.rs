//! Validation and type inference: turns a `PipelineSpec` into an executable `Plan`, or into
//! every error found, each naming the node (and field, and lambda column) and the reason.

use std::fmt;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::error::SpecError;
use crate::lambda::{self, EvalError, Lambda, Shape, Signature};
use crate::ops::join::JoinKind;
use crate::ops::keyed::Keying;
use crate::ops::output::Action;
use crate::rdd::{func, shaped, Func, DEFAULT_PARTITIONS};
use crate::sources::generator::{Generator, Kind};
use crate::sources::queue;
use crate::spec::{NodeSpec, PipelineSpec};
use crate::types::{unify, Type};
use crate::value::Value;

/// A checked pipeline, ready to run.
pub struct Plan {
    pub batch_interval_ms: u64,
    /// Batches the replay runs (`ticks`, default the longest queue).
    pub ticks: u64,
    pub nodes: Vec<PlanNode>,
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("batch_interval_ms", &self.batch_interval_ms)
            .field("ticks", &self.ticks)
            .field("nodes", &self.nodes)
            .finish()
    }
}

/// One node of the plan.
#[derive(Debug)]
pub struct PlanNode {
    pub id: String,
    pub op: NodeOp,
    /// Indices of the input nodes (earlier in the plan).
    pub inputs: Vec<usize>,
    /// The node computes at batch times that are multiples of this.
    pub slide_ms: u64,
    /// Record type of its output (for outputs: of the emitted records).
    pub ty: Type,
    /// Spark defines the order of its records (after a sort or top).
    pub ordered: bool,
    /// How long its computed RDDs are kept (windows over it, its own state).
    pub remember_ms: u64,
}

impl PlanNode {
    pub fn is_output(&self) -> bool {
        matches!(self.op, NodeOp::Output { .. })
    }
}

/// An RDD op inside `transform`.
#[derive(Clone)]
pub enum RddOp {
    Distinct,
    Sample { fraction: f64, seed: u64 },
    SortBy(Func, bool),
    SortByKey(bool),
    Take(usize),
    Top(usize, Option<Func>),
}

/// How a windowed node combines the parent RDDs it covers.
#[derive(Clone)]
pub enum WindowKind {
    /// `window`: the union.
    Plain,
    /// Reduce by key (`reduceByKeyAndWindow` and the ops Spark derives from it).
    Keyed {
        keying: Keying,
        f: Func,
        inverse: Option<Func>,
        filter: Option<Func>,
        partitions: usize,
        /// `_._2` of the result (`reduceByWindow`, `countByWindow`).
        values_only: bool,
    },
    /// `groupByKeyAndWindow`.
    Grouped(usize),
}

/// A windowed node's durations and combine.
#[derive(Clone)]
pub struct WindowOp {
    pub window_ms: u64,
    pub slide_ms: u64,
    pub parent_slide_ms: u64,
    pub kind: WindowKind,
}

/// What a node does, with its lambdas compiled.
#[derive(Clone)]
pub enum NodeOp {
    Queue(Rc<Vec<Vec<Value>>>),
    TextInput,
    Generator(Generator),
    Map(Func),
    FlatMap(Func),
    Filter(Func),
    MapValues(Func),
    FlatMapValues(Func),
    ReduceByKey(Func, usize),
    GroupByKey(usize),
    CountByValue(usize),
    Count,
    Reduce(Func),
    Repartition(usize),
    Union,
    Join(JoinKind, usize),
    Cogroup(usize),
    Intersection,
    Subtract,
    Cartesian,
    Transform(Vec<RddOp>),
    Window(WindowOp),
    UpdateStateByKey(Func, usize),
    /// `mapWithState`: the mapping function, `timeout_ms`, partitions.
    MapWithState(Rc<Lambda>, Option<u64>, usize),
    Output {
        action: Action,
        accumulate: bool,
    },
}

impl fmt::Debug for NodeOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            NodeOp::Queue(_) => "queueStream",
            NodeOp::TextInput => "textInput",
            NodeOp::Generator(_) => "generator",
            NodeOp::Map(_) => "map",
            NodeOp::FlatMap(_) => "flatMap",
            NodeOp::Filter(_) => "filter",
            NodeOp::MapValues(_) => "mapValues",
            NodeOp::FlatMapValues(_) => "flatMapValues",
            NodeOp::ReduceByKey(..) => "reduceByKey",
            NodeOp::GroupByKey(_) => "groupByKey",
            NodeOp::CountByValue(_) => "countByValue",
            NodeOp::Count => "count",
            NodeOp::Reduce(_) => "reduce",
            NodeOp::Repartition(_) => "repartition",
            NodeOp::Union => "union",
            NodeOp::Join(..) => "join",
            NodeOp::Cogroup(_) => "cogroup",
            NodeOp::Intersection => "intersection",
            NodeOp::Subtract => "subtract",
            NodeOp::Cartesian => "cartesian",
            NodeOp::Transform(_) => "transform",
            NodeOp::Window(_) => "window",
            NodeOp::UpdateStateByKey(..) => "updateStateByKey",
            NodeOp::MapWithState(..) => "mapWithState",
            NodeOp::Output { .. } => "output",
        };
        f.write_str(name)
    }
}

/// Longest batch interval: a day.
pub const MAX_BATCH_INTERVAL_MS: u64 = 86_400_000;
/// Longest window or slide, in batch intervals.
pub const MAX_WINDOW_BATCHES: u64 = 100_000;
/// Most records a generator makes per batch.
pub const MAX_GENERATED_PER_BATCH: u64 = 1_000_000;
/// Most batches a replay runs.
pub const MAX_TICKS: u64 = 1_000_000;
/// Highest generator rate, records per second.
pub const MAX_RATE_PER_S: u64 = 10_000_000;

const WIN: &[&str] = &["window_ms", "slide_ms"];

/// Every op the planner knows, with the fields it accepts (besides id, op, inputs).
pub const OPS: &[(&str, &[&str])] = &[
    ("queueStream", &["batches"]),
    ("textInput", &[]),
    ("generator", &["kind", "rate_per_s", "seed"]),
    ("map", &["fn"]),
    ("flatMap", &["fn"]),
    ("filter", &["fn"]),
    ("mapValues", &["fn"]),
    ("flatMapValues", &["fn"]),
    ("reduceByKey", &["fn", "partitions"]),
    ("groupByKey", &["partitions"]),
    ("countByValue", &["partitions"]),
    ("count", &[]),
    ("reduce", &["fn"]),
    ("repartition", &["partitions"]),
    ("union", &[]),
    ("join", &["partitions"]),
    ("leftOuterJoin", &["partitions"]),
    ("rightOuterJoin", &["partitions"]),
    ("fullOuterJoin", &["partitions"]),
    ("cogroup", &["partitions"]),
    ("intersection", &[]),
    ("subtract", &[]),
    ("cartesian", &[]),
    ("transform", &["rdd"]),
    ("window", WIN),
    ("countByWindow", WIN),
    (
        "reduceByWindow",
        &["fn", "inverse", "window_ms", "slide_ms"],
    ),
    (
        "reduceByKeyAndWindow",
        &[
            "fn",
            "inverse",
            "filter",
            "partitions",
            "window_ms",
            "slide_ms",
        ],
    ),
    (
        "countByValueAndWindow",
        &["partitions", "window_ms", "slide_ms"],
    ),
    (
        "groupByKeyAndWindow",
        &["partitions", "window_ms", "slide_ms"],
    ),
    ("updateStateByKey", &["fn", "partitions"]),
    ("mapWithState", &["fn", "timeout_ms"]),
    ("print", &["num"]),
    ("foreachRDD", &["action", "n", "fn", "accumulate"]),
];

const RDD_OPS: &[(&str, &[&str])] = &[
    ("distinct", &[]),
    ("sample", &["fraction", "seed"]),
    ("sortBy", &["fn", "ascending"]),
    ("sortByKey", &["ascending"]),
    ("take", &["n"]),
    ("top", &["n", "fn"]),
];

fn op_fields(op: &str) -> Option<&'static [&'static str]> {
    OPS.iter().find(|(o, _)| *o == op).map(|(_, f)| *f)
}

fn arity(op: &str) -> (usize, Option<usize>) {
    match op {
        "queueStream" | "textInput" | "generator" => (0, Some(0)),
        "union" => (2, None),
        "join" | "leftOuterJoin" | "rightOuterJoin" | "fullOuterJoin" | "cogroup"
        | "intersection" | "subtract" | "cartesian" => (2, Some(2)),
        _ => (1, Some(1)),
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Reads one node's fields, compiling lambdas; collects its errors.
struct Fields<'a> {
    node: &'a str,
    fields: &'a std::collections::BTreeMap<String, serde_json::Value>,
    errors: Vec<SpecError>,
}

impl<'a> Fields<'a> {
    fn err(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .push(SpecError::field(self.node, field, message));
    }

    fn get(&self, field: &str) -> Option<&'a serde_json::Value> {
        self.fields.get(field)
    }

    fn string(&mut self, field: &str, required: bool) -> Option<String> {
        match self.get(field) {
            None => {
                if required {
                    self.err(field, format!("`{field}` is required"));
                }
                None
            }
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.err(field, format!("expected a string, found {other}"));
                None
            }
        }
    }

    fn uint(&mut self, field: &str, required: bool, min: u64) -> Option<u64> {
        match self.get(field) {
            None => {
                if required {
                    self.err(field, format!("`{field}` is required"));
                }
                None
            }
            Some(v) => match v.as_u64() {
                Some(n) if n >= min => Some(n),
                _ => {
                    self.err(field, format!("expected an integer >= {min}, found {v}"));
                    None
                }
            },
        }
    }

    fn boolean(&mut self, field: &str, default: bool) -> bool {
        match self.get(field) {
            None => default,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(other) => {
                self.err(field, format!("expected true or false, found {other}"));
                default
            }
        }
    }

    fn partitions(&mut self) -> usize {
        self.uint("partitions", false, 1)
            .map(|p| p.min(1024) as usize)
            .unwrap_or(DEFAULT_PARTITIONS)
    }

    /// Compiles the lambda in `field` against `sig`: its function and resolved result type.
    fn lambda(&mut self, field: &str, sig: Signature, required: bool) -> Option<(Func, Type)> {
        let src = self.string(field, required)?;
        match lambda::compile(&src, &sig) {
            Ok(l) => {
                let result = l.result().clone();
                let shape = l.shape().clone();
                let l = Rc::new(l);
                Some((shaped(shape, move |a: &[Value]| l.call(a)), result))
            }
            Err(e) => {
                self.errors.push(SpecError {
                    node: Some(self.node.to_string()),
                    field: Some(field.to_string()),
                    column: Some(e.column),
                    message: e.message,
                });
                None
            }
        }
    }
}

fn sig(params: Vec<Type>, result: Type) -> Signature {
    Signature { params, result }
}

fn var() -> Type {
    Type::Var(0)
}

fn list_elem(t: &Type) -> Type {
    match t {
        Type::List(e) => (**e).clone(),
        _ => Type::Unknown,
    }
}

fn int_op(sub: bool) -> Func {
    let shape = if sub { Shape::SubInt } else { Shape::AddInt };
    shaped(shape, move |a: &[Value]| match (&a[0], &a[1]) {
        (Value::Int(x), Value::Int(y)) => Ok(Value::Int(if sub {
            x.wrapping_sub(*y)
        } else {
            x.wrapping_add(*y)
        })),
        _ => Err(EvalError {
            message: "expected Int arguments".into(),
        }),
    })
}

fn nonzero_value() -> Func {
    func(|a: &[Value]| match a[0].as_pair() {
        Some((_, Value::Int(n))) => Ok(Value::Bool(*n != 0)),
        _ => Err(EvalError {
            message: "expected a (value, count) pair".into(),
        }),
    })
}

/// Checks a spec without running it (for the editor): all errors, not just the first.
pub fn validate(spec: &PipelineSpec) -> Result<Plan, Vec<SpecError>> {
    let mut errors = Vec::new();
    if spec.version != 1 {
        errors.push(SpecError::pipeline(format!(
            "unsupported pipeline version {} (this engine reads version 1)",
            spec.version
        )));
    }
    let b = spec.batch_interval_ms;
    if b == 0 || b > MAX_BATCH_INTERVAL_MS {
        errors.push(SpecError::pipeline(format!(
            "batch_interval_ms must be between 1 and {MAX_BATCH_INTERVAL_MS} (a day)"
        )));
    }
    let b = b.clamp(1, MAX_BATCH_INTERVAL_MS);
    if spec.ticks.is_some_and(|t| t > MAX_TICKS) {
        errors.push(SpecError::pipeline(format!(
            "ticks must be at most {MAX_TICKS}"
        )));
    }
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, n) in spec.nodes.iter().enumerate() {
        if !valid_id(&n.id) {
            errors.push(SpecError::node(
                &n.id,
                "bad id: an id is a letter or `_` followed by letters, digits or `_`",
            ));
        }
        if index.contains_key(n.id.as_str()) {
            errors.push(SpecError::node(
                &n.id,
                "duplicate id: another node has this id",
            ));
        } else {
            index.insert(&n.id, i);
        }
    }
    let mut nodes: Vec<PlanNode> = Vec::with_capacity(spec.nodes.len());
    // A node whose own spec or inputs are broken: its type is unknown, and nodes reading it
    // are not type-checked (that would only repeat the error).
    let mut poisoned = vec![false; spec.nodes.len()];
    for (i, n) in spec.nodes.iter().enumerate() {
        let before = errors.len();
        let mut inputs = Vec::new();
        let mut input_ok = true;
        match op_fields(&n.op) {
            None => {
                let known: Vec<&str> = OPS.iter().map(|(o, _)| *o).collect();
                errors.push(SpecError::node(
                    &n.id,
                    format!("unknown op `{}`; the ops are: {}", n.op, known.join(", ")),
                ));
            }
            Some(accepted) => {
                for f in n.fields.keys() {
                    if !accepted.contains(&f.as_str()) {
                        let list = if accepted.is_empty() {
                            "none besides id, op, inputs".to_string()
                        } else {
                            accepted.join(", ")
                        };
                        errors.push(SpecError::field(
                            &n.id,
                            f,
                            format!("unknown field `{f}` for {}; it accepts: {list}", n.op),
                        ));
                    }
                }
                let (lo, hi) = arity(&n.op);
                let count = n.inputs.len();
                if count < lo || hi.is_some_and(|h| count > h) {
                    let want = match (lo, hi) {
                        (0, Some(0)) => "no inputs (it is a source)".to_string(),
                        (l, Some(h)) if l == h => {
                            format!("exactly {l} input{}", if l == 1 { "" } else { "s" })
                        }
                        (l, _) => format!("at least {l} inputs"),
                    };
                    errors.push(SpecError::field(
                        &n.id,
                        "inputs",
                        format!("wrong arity: {} takes {want}, got {count}", n.op),
                    ));
                }
            }
        }
        for inp in &n.inputs {
            match index.get(inp.as_str()) {
                None => {
                    input_ok = false;
                    errors.push(SpecError::field(
                        &n.id,
                        "inputs",
                        format!("dangling input: no node has id `{inp}`"),
                    ))
                }
                Some(&j) if j >= i => {
                    input_ok = false;
                    let msg = match cycle_path(spec, &index, i, j) {
                        Some(path) => format!("cycle: {path}"),
                        None => format!(
                            "input `{inp}` is defined after this node (inputs must be earlier nodes)"
                        ),
                    };
                    errors.push(SpecError::field(&n.id, "inputs", msg));
                }
                Some(&j) => {
                    if nodes.get(j).is_some_and(|p| p.is_output()) {
                        input_ok = false;
                        errors.push(SpecError::field(
                            &n.id,
                            "inputs",
                            format!(
                                "`{inp}` is an output ({}) and feeds no other node",
                                spec.nodes[j].op
                            ),
                        ));
                    }
                    if poisoned.get(j).copied().unwrap_or(true) {
                        input_ok = false;
                    }
                    inputs.push(j);
                }
            }
        }
        let mut planned = None;
        if errors.len() == before && input_ok {
            let mut fields = Fields {
                node: &n.id,
                fields: &n.fields,
                errors: Vec::new(),
            };
            let p = plan_node(n, &inputs, &nodes, b, &mut fields);
            errors.extend(fields.errors);
            planned = p;
        }
        let ok = errors.len() == before && planned.is_some();
        poisoned[i] = !ok;
        let (op, ty, slide, ordered) = planned.unwrap_or((NodeOp::Count, Type::Unknown, b, false));
        nodes.push(PlanNode {
            id: n.id.clone(),
            op,
            inputs,
            slide_ms: slide,
            ty,
            ordered,
            remember_ms: 0,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Remember: a node keeps its RDDs as long as a window over it, or its own state, needs.
    for i in 0..nodes.len() {
        let mut keep = nodes[i].slide_ms;
        if let NodeOp::Window(w) = &nodes[i].op {
            keep = keep.max(w.slide_ms);
        }
        for c in &nodes {
            if let NodeOp::Window(w) = &c.op {
                if matches!(w.kind, WindowKind::Plain) && c.inputs.first() == Some(&i) {
                    keep = keep.max(w.window_ms);
                }
            }
        }
        nodes[i].remember_ms = keep;
    }
    Ok(Plan {
        batch_interval_ms: b,
        ticks: spec.tick_count(),
        nodes,
    })
}

/// A path `a → b → … → a` if node `later` (at or after `node`) reaches `node` via inputs.
fn cycle_path(
    spec: &PipelineSpec,
    index: &FxHashMap<&str, usize>,
    node: usize,
    later: usize,
) -> Option<String> {
    let mut path = vec![node, later];
    let mut seen = vec![false; spec.nodes.len()];
    fn dfs(
        spec: &PipelineSpec,
        index: &FxHashMap<&str, usize>,
        target: usize,
        at: usize,
        seen: &mut [bool],
        path: &mut Vec<usize>,
    ) -> bool {
        if at == target {
            return true;
        }
        if std::mem::replace(&mut seen[at], true) {
            return false;
        }
        for inp in &spec.nodes[at].inputs {
            if let Some(&j) = index.get(inp.as_str()) {
                path.push(j);
                if dfs(spec, index, target, j, seen, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    if !dfs(spec, index, node, later, &mut seen, &mut path) {
        return None;
    }
    // path: node, later, ..., node (inputs direction); print as data flows.
    let ids: Vec<&str> = path
        .iter()
        .rev()
        .map(|&k| spec.nodes[k].id.as_str())
        .collect();
    Some(ids.join(" → "))
}

type Planned = (NodeOp, Type, u64, bool);

fn pair_types(f: &mut Fields, op: &str, input: &PlanNode) -> Option<(Type, Type)> {
    match &input.ty {
        Type::Unknown => Some((Type::Unknown, Type::Unknown)),
        t => match t.as_pair() {
            Some((k, v)) => Some((k.clone(), v.clone())),
            None => {
                f.errors.push(SpecError::node(
                    f.node,
                    format!(
                        "{op} needs (key, value) pairs, but `{}` gives {t}",
                        input.id
                    ),
                ));
                None
            }
        },
    }
}

fn durations(f: &mut Fields, b: u64, parent: &PlanNode) -> Option<(u64, u64)> {
    let w = f.uint("window_ms", true, 1);
    let s = f.uint("slide_ms", false, 1).or(Some(parent.slide_ms));
    let (w, s) = (w?, s?);
    let mut ok = true;
    for (field, what, d) in [("window_ms", "window", w), ("slide_ms", "slide", s)] {
        if d / b > MAX_WINDOW_BATCHES {
            f.err(
                field,
                format!("the {what} ({d} ms) is longer than {MAX_WINDOW_BATCHES} batch intervals"),
            );
            ok = false;
        } else if !d.is_multiple_of(b) {
            f.err(
                field,
                format!("the {what} ({d} ms) must be a multiple of the batch interval ({b} ms)"),
            );
            ok = false;
        } else if !d.is_multiple_of(parent.slide_ms) {
            f.err(
                field,
                format!(
                    "the {what} ({d} ms) must be a multiple of the slide of `{}` ({} ms)",
                    parent.id, parent.slide_ms
                ),
            );
            ok = false;
        }
    }
    ok.then_some((w, s))
}

fn plan_node(
    n: &NodeSpec,
    inputs: &[usize],
    nodes: &[PlanNode],
    b: u64,
    f: &mut Fields,
) -> Option<Planned> {
    let first = inputs.first().map(|&j| &nodes[j]);
    let t_in = first.map(|p| p.ty.clone()).unwrap_or(Type::Unknown);
    let slide = first.map(|p| p.slide_ms).unwrap_or(b);
    let ord_in = first.is_some_and(|p| p.ordered);
    let keyed = |f: &mut Fields| first.and_then(|p| pair_types(f, &n.op, p));
    let same_slide = |f: &mut Fields| {
        let slides: Vec<u64> = inputs.iter().map(|&j| nodes[j].slide_ms).collect();
        if slides.windows(2).any(|w| w[0] != w[1]) {
            let desc: Vec<String> = inputs
                .iter()
                .map(|&j| format!("`{}` {} ms", nodes[j].id, nodes[j].slide_ms))
                .collect();
            f.errors.push(SpecError::node(
                f.node,
                format!("inputs have different slide durations: {}", desc.join(", ")),
            ));
            false
        } else {
            true
        }
    };
    let p = |op, ty, ordered| Some((op, ty, slide, ordered));
    match n.op.as_str() {
        "queueStream" => {
            let Some(j) = f.get("batches") else {
                f.err("batches", "`batches` is required");
                return None;
            };
            match queue::parse_batches(f.node, j) {
                Ok((batches, ty)) => Some((NodeOp::Queue(Rc::new(batches)), ty, b, false)),
                Err(e) => {
                    f.errors.push(e);
                    None
                }
            }
        }
        "textInput" => Some((NodeOp::TextInput, Type::String, b, false)),
        "generator" => {
            let kind = f.string("kind", true);
            let rate = f.uint("rate_per_s", true, 0);
            if rate.is_some_and(|r| r > MAX_RATE_PER_S) {
                f.err(
                    "rate_per_s",
                    format!("at most {MAX_RATE_PER_S} records per second"),
                );
                return None;
            }
            let seed = f.uint("seed", false, 0).unwrap_or(0);
            let kind = match kind.as_deref().map(|k| (k, Kind::parse(k))) {
                Some((_, Some(k))) => k,
                Some((k, None)) => {
                    f.err(
                        "kind",
                        format!("unknown generator kind `{k}`; the kinds are: words, logs, sales"),
                    );
                    return None;
                }
                None => return None,
            };
            Some((
                NodeOp::Generator(Generator {
                    kind,
                    rate_per_s: rate?,
                    seed,
                }),
                Type::String,
                b,
                false,
            ))
        }
        "map" => {
            let (l, r) = f.lambda("fn", sig(vec![t_in], var()), true)?;
            p(NodeOp::Map(l), r, ord_in)
        }
        "flatMap" => {
            let (l, r) = f.lambda("fn", sig(vec![t_in], Type::list(var())), true)?;
            p(NodeOp::FlatMap(l), list_elem(&r), ord_in)
        }
        "filter" => {
            let (l, _) = f.lambda("fn", sig(vec![t_in.clone()], Type::Boolean), true)?;
            p(NodeOp::Filter(l), t_in, ord_in)
        }
        "mapValues" => {
            let (k, v) = keyed(f)?;
            let (l, r) = f.lambda("fn", sig(vec![v], var()), true)?;
            p(NodeOp::MapValues(l), Type::pair(k, r), ord_in)
        }
        "flatMapValues" => {
            let (k, v) = keyed(f)?;
            let (l, r) = f.lambda("fn", sig(vec![v], Type::list(var())), true)?;
            p(
                NodeOp::FlatMapValues(l),
                Type::pair(k, list_elem(&r)),
                ord_in,
            )
        }
        "reduceByKey" => {
            let (k, v) = keyed(f)?;
            let parts = f.partitions();
            let (l, r) = f.lambda("fn", sig(vec![v.clone(), v.clone()], v), true)?;
            p(NodeOp::ReduceByKey(l, parts), Type::pair(k, r), false)
        }
        "groupByKey" => {
            let (k, v) = keyed(f)?;
            p(
                NodeOp::GroupByKey(f.partitions()),
                Type::pair(k, Type::list(v)),
                false,
            )
        }
        "countByValue" => p(
            NodeOp::CountByValue(f.partitions()),
            Type::pair(t_in, Type::Int),
            false,
        ),
        "count" => p(NodeOp::Count, Type::Int, false),
        "reduce" => {
            let (l, r) = f.lambda("fn", sig(vec![t_in.clone(), t_in.clone()], t_in), true)?;
            p(NodeOp::Reduce(l), r, false)
        }
        "repartition" => {
            let parts = f.uint("partitions", true, 1)?;
            p(NodeOp::Repartition(parts.min(1024) as usize), t_in, false)
        }
        "union" | "intersection" | "subtract" => {
            if !same_slide(f) {
                return None;
            }
            let mut ty = Type::Unknown;
            for &j in inputs {
                match unify(&ty, &nodes[j].ty) {
                    Some(t) => ty = t,
                    None => {
                        f.errors.push(SpecError::field(
                            f.node,
                            "inputs",
                            format!(
                                "{} needs inputs of one type: `{}` gives {}, expected {ty}",
                                n.op, nodes[j].id, nodes[j].ty
                            ),
                        ));
                        return None;
                    }
                }
            }
            let op = match n.op.as_str() {
                "union" => NodeOp::Union,
                "intersection" => NodeOp::Intersection,
                _ => NodeOp::Subtract,
            };
            p(op, ty, false)
        }
        "cartesian" => {
            if !same_slide(f) {
                return None;
            }
            p(
                NodeOp::Cartesian,
                Type::pair(t_in, nodes[inputs[1]].ty.clone()),
                false,
            )
        }
        "join" | "leftOuterJoin" | "rightOuterJoin" | "fullOuterJoin" | "cogroup" => {
            if !same_slide(f) {
                return None;
            }
            let (k1, v) = pair_types(f, &n.op, &nodes[inputs[0]])?;
            let (k2, w) = pair_types(f, &n.op, &nodes[inputs[1]])?;
            let Some(k) = unify(&k1, &k2) else {
                f.errors.push(SpecError::field(
                    f.node,
                    "inputs",
                    format!(
                        "{} needs the same key type on both sides: {k1} vs {k2}",
                        n.op
                    ),
                ));
                return None;
            };
            let parts = f.partitions();
            let (op, ty) = match n.op.as_str() {
                "join" => (NodeOp::Join(JoinKind::Inner, parts), Type::pair(v, w)),
                "leftOuterJoin" => (
                    NodeOp::Join(JoinKind::LeftOuter, parts),
                    Type::pair(v, Type::option(w)),
                ),
                "rightOuterJoin" => (
                    NodeOp::Join(JoinKind::RightOuter, parts),
                    Type::pair(Type::option(v), w),
                ),
                "fullOuterJoin" => (
                    NodeOp::Join(JoinKind::FullOuter, parts),
                    Type::pair(Type::option(v), Type::option(w)),
                ),
                _ => (
                    NodeOp::Cogroup(parts),
                    Type::pair(Type::list(v), Type::list(w)),
                ),
            };
            p(op, Type::pair(k, ty), false)
        }
        "transform" => plan_transform(f, t_in, ord_in).map(|(ops, ord)| {
            (
                NodeOp::Transform(ops),
                first.map(|p| p.ty.clone()).unwrap_or(Type::Unknown),
                slide,
                ord,
            )
        }),
        "window"
        | "countByWindow"
        | "reduceByWindow"
        | "reduceByKeyAndWindow"
        | "countByValueAndWindow"
        | "groupByKeyAndWindow" => {
            let parent = first?;
            let dur = durations(f, b, parent);
            let (kind, ty) = match n.op.as_str() {
                "window" => (WindowKind::Plain, t_in),
                "countByWindow" => (
                    WindowKind::Keyed {
                        keying: Keying::OneOne,
                        f: int_op(false),
                        inverse: Some(int_op(true)),
                        filter: None,
                        partitions: 1,
                        values_only: true,
                    },
                    Type::Int,
                ),
                "reduceByWindow" => {
                    let s = sig(vec![t_in.clone(), t_in.clone()], t_in.clone());
                    let (l, r) = f.lambda("fn", s.clone(), true)?;
                    let inv = match f.get("inverse") {
                        Some(_) => Some(f.lambda("inverse", s, true)?.0),
                        None => None,
                    };
                    (
                        WindowKind::Keyed {
                            keying: Keying::OneValue,
                            f: l,
                            inverse: inv,
                            filter: None,
                            partitions: 1,
                            values_only: true,
                        },
                        r,
                    )
                }
                "reduceByKeyAndWindow" => {
                    let (k, v) = keyed(f)?;
                    let parts = f.partitions();
                    let s = sig(vec![v.clone(), v.clone()], v.clone());
                    let (l, r) = f.lambda("fn", s.clone(), true)?;
                    let inv = match f.get("inverse") {
                        Some(_) => Some(f.lambda("inverse", s, true)?.0),
                        None => None,
                    };
                    let filter = match f.get("filter") {
                        Some(_) if inv.is_none() => {
                            f.err(
                                "filter",
                                "a filter needs an inverse (as in Spark's reduceByKeyAndWindow)",
                            );
                            return None;
                        }
                        Some(_) => Some(
                            f.lambda(
                                "filter",
                                sig(vec![Type::pair(k.clone(), r.clone())], Type::Boolean),
                                true,
                            )?
                            .0,
                        ),
                        None => None,
                    };
                    (
                        WindowKind::Keyed {
                            keying: Keying::Pair,
                            f: l,
                            inverse: inv,
                            filter,
                            partitions: parts,
                            values_only: false,
                        },
                        Type::pair(k, r),
                    )
                }
                "countByValueAndWindow" => (
                    WindowKind::Keyed {
                        keying: Keying::ValueOne,
                        f: int_op(false),
                        inverse: Some(int_op(true)),
                        filter: Some(nonzero_value()),
                        partitions: f.partitions(),
                        values_only: false,
                    },
                    Type::pair(t_in, Type::Int),
                ),
                _ => {
                    let (k, v) = keyed(f)?;
                    (
                        WindowKind::Grouped(f.partitions()),
                        Type::pair(k, Type::list(v)),
                    )
                }
            };
            let (window_ms, slide_ms) = dur?;
            Some((
                NodeOp::Window(WindowOp {
                    window_ms,
                    slide_ms,
                    parent_slide_ms: parent.slide_ms,
                    kind,
                }),
                ty,
                slide_ms,
                false,
            ))
        }
        "updateStateByKey" => {
            let (k, v) = keyed(f)?;
            let parts = f.partitions();
            let s = sig(
                vec![Type::list(v), Type::option(var())],
                Type::option(var()),
            );
            let (l, r) = f.lambda("fn", s, true)?;
            let state = match r {
                Type::Option(s) => *s,
                other => other,
            };
            p(
                NodeOp::UpdateStateByKey(l, parts),
                Type::pair(k, state),
                false,
            )
        }
        "mapWithState" => {
            // Spark's (key, value: Option[V], state: State[S]) => mapped; the mapped type is
            // the function's result, S what its updates store.
            let (k, v) = keyed(f)?;
            let timeout = f.uint("timeout_ms", false, 1);
            let s = sig(vec![k, Type::option(v)], Type::Unknown);
            let src = f.string("fn", true)?;
            match lambda::compile_with_state("mapWithState", &src, &s) {
                Ok(l) => {
                    let mapped = l.result().clone();
                    p(
                        NodeOp::MapWithState(Rc::new(l), timeout, DEFAULT_PARTITIONS),
                        mapped,
                        false,
                    )
                }
                Err(e) => {
                    f.errors.push(SpecError {
                        node: Some(f.node.to_string()),
                        field: Some("fn".into()),
                        column: Some(e.column),
                        message: e.message,
                    });
                    None
                }
            }
        }
        "print" => {
            let num = f.uint("num", false, 0).unwrap_or(10) as usize;
            p(
                NodeOp::Output {
                    action: Action::Print(num),
                    accumulate: false,
                },
                t_in,
                ord_in,
            )
        }
        "foreachRDD" => plan_action(f, t_in, ord_in).map(|(action, accumulate, ty, ord)| {
            (NodeOp::Output { action, accumulate }, ty, slide, ord)
        }),
        _ => None,
    }
}

fn plan_action(f: &mut Fields, t_in: Type, ord_in: bool) -> Option<(Action, bool, Type, bool)> {
    let action = f.string("action", true)?;
    let accumulate = f.boolean("accumulate", false);
    if accumulate && !matches!(action.as_str(), "count" | "reduce") {
        f.err("accumulate", "only the count and reduce actions accumulate");
    }
    let check_extra = |f: &mut Fields, allowed: &[&str]| {
        for field in ["n", "fn"] {
            if f.get(field).is_some() && !allowed.contains(&field) {
                f.err(field, format!("the {action} action takes no `{field}`"));
            }
        }
    };
    match action.as_str() {
        "collect" => {
            check_extra(f, &[]);
            Some((Action::Collect, false, t_in, ord_in))
        }
        "count" => {
            check_extra(f, &[]);
            Some((Action::Count, accumulate, Type::Int, false))
        }
        "countByValue" => {
            check_extra(f, &[]);
            Some((
                Action::CountByValue,
                false,
                Type::pair(t_in, Type::Int),
                false,
            ))
        }
        "take" => {
            check_extra(f, &["n"]);
            let n = f.uint("n", true, 0)? as usize;
            Some((Action::Take(n), false, t_in, ord_in))
        }
        "top" => {
            check_extra(f, &["n", "fn"]);
            let n = f.uint("n", true, 0)? as usize;
            let key = match f.get("fn") {
                Some(_) => Some(f.lambda("fn", sig(vec![t_in.clone()], var()), true)?.0),
                None => None,
            };
            Some((Action::Top(n, key), false, t_in, true))
        }
        "reduce" => {
            check_extra(f, &["fn"]);
            let (l, r) = f.lambda("fn", sig(vec![t_in.clone(), t_in.clone()], t_in), true)?;
            Some((Action::Reduce(l), accumulate, r, false))
        }
        other => {
            f.err(
                "action",
                format!("unknown action `{other}`; the actions are: collect, count, countByValue, take, top, reduce"),
            );
            None
        }
    }
}

fn plan_transform(f: &mut Fields, t_in: Type, ord_in: bool) -> Option<(Vec<RddOp>, bool)> {
    let Some(list) = f.get("rdd") else {
        f.err("rdd", "`rdd` is required (a list of RDD ops)");
        return None;
    };
    let Some(list) = list.as_array() else {
        f.err("rdd", "expected a list of RDD ops");
        return None;
    };
    let mut ops = Vec::new();
    let mut ordered = ord_in;
    let mut ok = true;
    for (i, entry) in list.iter().enumerate() {
        let here = format!("rdd[{i}]");
        let Some(obj) = entry.as_object() else {
            f.err(&here, "expected an object like {\"op\": \"distinct\"}");
            ok = false;
            continue;
        };
        let Some(op) = obj.get("op").and_then(|o| o.as_str()) else {
            f.err(&here, "needs an `op`");
            ok = false;
            continue;
        };
        let Some((_, accepted)) = RDD_OPS.iter().find(|(o, _)| *o == op) else {
            let known: Vec<&str> = RDD_OPS.iter().map(|(o, _)| *o).collect();
            f.err(
                &here,
                format!(
                    "unknown RDD op `{op}`; the RDD ops are: {}",
                    known.join(", ")
                ),
            );
            ok = false;
            continue;
        };
        for k in obj.keys() {
            if k != "op" && !accepted.contains(&k.as_str()) {
                f.err(
                    &here,
                    format!(
                        "unknown field `{k}` for {op}; it accepts: {}",
                        accepted.join(", ")
                    ),
                );
                ok = false;
            }
        }
        let fields: std::collections::BTreeMap<String, serde_json::Value> =
            obj.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut sub = Fields {
            node: f.node,
            fields: &fields,
            errors: Vec::new(),
        };
        let op = match op {
            "distinct" => {
                ordered = false;
                Some(RddOp::Distinct)
            }
            "sample" => {
                let fraction = match sub.get("fraction").and_then(|v| v.as_f64()) {
                    Some(x) if (0.0..=1.0).contains(&x) => Some(x),
                    _ => {
                        sub.err("fraction", "expected a number between 0 and 1");
                        None
                    }
                };
                let seed = sub.uint("seed", false, 0).unwrap_or(0);
                fraction.map(|fraction| RddOp::Sample { fraction, seed })
            }
            "sortBy" => {
                ordered = true;
                let asc = sub.boolean("ascending", true);
                sub.lambda("fn", sig(vec![t_in.clone()], var()), true)
                    .map(|(l, _)| RddOp::SortBy(l, asc))
            }
            "sortByKey" => {
                ordered = true;
                if t_in != Type::Unknown && t_in.as_pair().is_none() {
                    sub.err(
                        "op",
                        format!("sortByKey needs (key, value) pairs, but the records are {t_in}"),
                    );
                }
                Some(RddOp::SortByKey(sub.boolean("ascending", true)))
            }
            "take" => sub.uint("n", true, 0).map(|n| RddOp::Take(n as usize)),
            "top" => {
                ordered = true;
                let n = sub.uint("n", true, 0);
                let key = match sub.get("fn") {
                    Some(_) => sub
                        .lambda("fn", sig(vec![t_in.clone()], var()), true)
                        .map(|(l, _)| Some(l)),
                    None => Some(None),
                };
                match (n, key) {
                    (Some(n), Some(key)) => Some(RddOp::Top(n as usize, key)),
                    _ => None,
                }
            }
            _ => None,
        };
        for mut e in sub.errors {
            e.field = Some(format!("{here}.{}", e.field.unwrap_or_default()));
            f.errors.push(e);
            ok = false;
        }
        match op {
            Some(op) => ops.push(op),
            None => ok = false,
        }
    }
    ok.then_some((ops, ordered))
}

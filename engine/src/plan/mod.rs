//! Validation and type inference: turns a `PipelineSpec` into an executable `Plan`, or into
//! every error found, each naming the node (and field, and lambda column) and the reason.
//! The ops, their fields and arity come from the catalogue (`catalog.rs`); what
//! `ssc.start()` refuses (no output op, a checkpoint Spark needs and the program does not
//! set) is checked last, with Spark's own messages.

mod fields;
mod node;

use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::catalog::{self, ActionKind, OpKind, RddOpKind};
use crate::error::SpecError;
use crate::lambda::{self, Signature};
use crate::ops::join::JoinKind;
use crate::ops::keyed::Keying;
use crate::ops::output::Action;
use crate::rdd::{Func, DEFAULT_PARTITIONS};
use crate::sources::generator::{Generator, Kind};
use crate::sources::queue;
use crate::spec::{NodeSpec, PipelineSpec};
use crate::types::{unify, Type};

use fields::Fields;
pub use node::{NodeOp, Plan, PlanNode, RddOp, Source, WindowKind, WindowOp};

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

/// Spark's refusal of a graph without an output op (`DStreamGraph.validate`, checked on
/// Spark 4.3.0).
pub const NO_OUTPUT_MESSAGE: &str =
    "requirement failed: No output operations registered, so nothing to execute";
/// Spark's refusal of a stream that must checkpoint when the program never called
/// `ssc.checkpoint(dir)` (`DStream.validateAtStart`, checked on Spark 4.3.0).
pub const NO_CHECKPOINT_MESSAGE: &str = "requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().";

/// A windowed op's combine: from the fields and the input's record type, how the window
/// combines the batches it covers and the type it gives.
type Combine<'c> = &'c dyn Fn(&mut Fields, Type) -> Option<(WindowKind, Type)>;

/// What `plan_node` makes of one node.
struct Planned {
    op: NodeOp,
    ty: Type,
    slide_ms: u64,
    ordered: bool,
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
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

/// `_ + _` or `_ - _` over `Int`: the counts of countByWindow and countByValueAndWindow.
fn int_op(sub: bool) -> Func {
    let src = if sub { "_ - _" } else { "_ + _" };
    Func::builtin(src, vec![Type::Int, Type::Int])
}

/// countByValueAndWindow's filter: keys whose count fell back to 0 leave the window.
fn nonzero_value() -> Func {
    Func::builtin("p => p._2 != 0", vec![Type::pair(Type::Unknown, Type::Int)])
}

/// The pipeline as the DStream API builds it: every error a program would meet before
/// `ssc.start()` (ids, inputs, fields, intervals, lambda types). What `start` refuses is
/// [`validate`]'s; this plan serves the editor's types for a pipeline not yet runnable.
pub fn plan(spec: &PipelineSpec) -> Result<Plan, Vec<SpecError>> {
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
        let info = catalog::op_named(&n.op);
        match info {
            None => {
                let known: Vec<&str> = catalog::OPS.iter().map(|o| o.name).collect();
                errors.push(SpecError::node(
                    &n.id,
                    format!("unknown op `{}`; the ops are: {}", n.op, known.join(", ")),
                ));
            }
            Some(info) => {
                for f in n.fields.keys() {
                    if info.field(f).is_none() {
                        let list = if info.fields.is_empty() {
                            "none besides id, op, inputs".to_string()
                        } else {
                            let names: Vec<&str> = info.fields.iter().map(|f| f.name).collect();
                            names.join(", ")
                        };
                        errors.push(SpecError::field(
                            &n.id,
                            f,
                            format!("unknown field `{f}` for {}; it accepts: {list}", n.op),
                        ));
                    }
                }
                let count = n.inputs.len();
                if !info.takes_inputs(count) {
                    errors.push(SpecError::field(
                        &n.id,
                        "inputs",
                        format!(
                            "wrong arity: {} takes {}, got {count}",
                            n.op,
                            info.arity_text()
                        ),
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
        if let (Some(info), true) = (info, errors.len() == before && input_ok) {
            let mut fields = Fields::new(&n.id, &n.fields);
            planned = plan_node(n, info.kind, &inputs, &nodes, b, &mut fields);
            errors.extend(fields.errors);
        }
        let ok = errors.len() == before && planned.is_some();
        poisoned[i] = !ok;
        let planned = planned.unwrap_or(Planned {
            op: NodeOp::Count,
            ty: Type::Unknown,
            slide_ms: b,
            ordered: false,
        });
        nodes.push(PlanNode {
            id: n.id.clone(),
            kind: info.map_or(OpKind::Count, |i| i.kind),
            op: planned.op,
            inputs,
            slide_ms: planned.slide_ms,
            ty: planned.ty,
            ordered: planned.ordered,
            remember_ms: 0,
            reachable: false,
            lag_ms: 0,
            retain_ms: 0,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    keep_durations(&mut nodes);
    Ok(Plan {
        batch_interval_ms: b,
        ticks: spec.tick_count(),
        checkpoint: spec.checkpoint.unwrap_or(true),
        nodes,
    })
}

/// Checks a spec as `ssc.start()` would, without running it (for the editor and before
/// every run): [`plan`]'s errors, or else what Spark refuses at start, with its messages:
/// no output op, or (with `"checkpoint": false`) a stream an output reads that Spark must
/// checkpoint. A stateful node no output reads is never started, so Spark lets it be.
pub fn validate(spec: &PipelineSpec) -> Result<Plan, Vec<SpecError>> {
    let plan = plan(spec)?;
    if !plan.nodes.iter().any(PlanNode::is_output) {
        return Err(vec![SpecError::pipeline(NO_OUTPUT_MESSAGE)]);
    }
    if !plan.checkpoint {
        let refused: Vec<SpecError> = plan
            .nodes
            .iter()
            .filter(|n| n.reachable && n.must_checkpoint())
            .map(|n| SpecError::node(&n.id, NO_CHECKPOINT_MESSAGE))
            .collect();
        if !refused.is_empty() {
            return Err(refused);
        }
    }
    Ok(plan)
}

/// Fills in, from the outputs back, which nodes an output reads (`reachable`), how late a
/// job may first compute each node's RDD (`lag_ms`), and how long the engine keeps them
/// (`retain_ms`; `remember_ms`, Spark's remember for direct readers, as before).
fn keep_durations(nodes: &mut [PlanNode]) {
    let n = nodes.len();
    for i in (0..n).rev() {
        let mut reachable = nodes[i].is_output();
        let mut lag = 0;
        let mut remember = nodes[i].slide_ms;
        let slide = nodes[i].slide_ms;
        let mut retain = slide;
        for c in &nodes[i + 1..] {
            if !c.inputs.contains(&i) {
                continue;
            }
            if let Some(w) = c.op.window() {
                if matches!(w.kind, WindowKind::Plain) {
                    remember = remember.max(w.window_ms);
                }
            }
            if !c.reachable {
                continue;
            }
            reachable = true;
            // A window's job computes its parent's batch at its next slide; a plain window
            // reads it again at every slide its length covers; any other reader once.
            let (via, read) = match c.op.window() {
                Some(w) => (
                    c.lag_ms + w.slide_ms - slide.min(w.slide_ms),
                    match w.kind {
                        WindowKind::Plain => w.window_ms + c.lag_ms,
                        WindowKind::Keyed { .. } | WindowKind::Grouped(_) => w.slide_ms + c.lag_ms,
                    },
                ),
                None => (c.lag_ms, c.lag_ms + slide),
            };
            lag = lag.max(via);
            retain = retain.max(read);
        }
        if matches!(nodes[i].op, NodeOp::UpdateStateByKey(..)) {
            retain = retain.max(slide + lag);
        }
        let node = &mut nodes[i];
        node.reachable = reachable;
        node.lag_ms = lag;
        node.remember_ms = remember;
        node.retain_ms = retain.max(remember);
    }
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
    kind: OpKind,
    inputs: &[usize],
    nodes: &[PlanNode],
    b: u64,
    f: &mut Fields,
) -> Option<Planned> {
    let name = n.op.as_str();
    let first = inputs.first().map(|&j| &nodes[j]);
    let t_in = first.map(|p| p.ty.clone()).unwrap_or(Type::Unknown);
    let slide = first.map(|p| p.slide_ms).unwrap_or(b);
    let ord_in = first.is_some_and(|p| p.ordered);
    let keyed = |f: &mut Fields| first.and_then(|p| pair_types(f, name, p));
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
    let p = |op, ty, ordered| {
        Some(Planned {
            op,
            ty,
            slide_ms: slide,
            ordered,
        })
    };
    // union, intersection, subtract: inputs of one type, that type out.
    let same_type = |f: &mut Fields, op: NodeOp| -> Option<Planned> {
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
                            "{name} needs inputs of one type: `{}` gives {}, expected {ty}",
                            nodes[j].id, nodes[j].ty
                        ),
                    ));
                    return None;
                }
            }
        }
        p(op, ty, false)
    };
    // joins and cogroup: one key type, the values combined by `out`.
    let by_key = |f: &mut Fields, out: &dyn Fn(usize, Type, Type) -> (NodeOp, Type)| {
        if !same_slide(f) {
            return None;
        }
        let (k1, v) = pair_types(f, name, &nodes[inputs[0]])?;
        let (k2, w) = pair_types(f, name, &nodes[inputs[1]])?;
        let Some(k) = unify(&k1, &k2) else {
            f.errors.push(SpecError::field(
                f.node,
                "inputs",
                format!("{name} needs the same key type on both sides: {k1} vs {k2}"),
            ));
            return None;
        };
        let (op, ty) = out(f.partitions(), v, w);
        p(op, Type::pair(k, ty), false)
    };
    let join = |f: &mut Fields, kind: JoinKind| {
        by_key(f, &|parts, v, w| {
            let ty = match kind {
                JoinKind::Inner => Type::pair(v, w),
                JoinKind::LeftOuter => Type::pair(v, Type::option(w)),
                JoinKind::RightOuter => Type::pair(Type::option(v), w),
                JoinKind::FullOuter => Type::pair(Type::option(v), Type::option(w)),
            };
            (NodeOp::Join(kind, parts), ty)
        })
    };
    // The window family: durations checked against the parent, then its combine.
    let windowed = |f: &mut Fields, combine: Combine| -> Option<Planned> {
        let parent = first?;
        let dur = durations(f, b, parent);
        let (kind, ty) = combine(f, t_in.clone())?;
        let (window_ms, slide_ms) = dur?;
        Some(Planned {
            op: NodeOp::Window(WindowOp {
                window_ms,
                slide_ms,
                parent_slide_ms: parent.slide_ms,
                kind,
            }),
            ty,
            slide_ms,
            ordered: false,
        })
    };
    let counting = |keying: Keying, filter: Option<Func>, partitions: usize| WindowKind::Keyed {
        keying,
        f: int_op(false),
        inverse: Some(int_op(true)),
        filter,
        partitions,
        values_only: keying == Keying::OneOne,
    };
    match kind {
        OpKind::QueueStream => {
            let Some(j) = f.get("batches") else {
                f.err("batches", "`batches` is required");
                return None;
            };
            match queue::parse_batches(f.node, j) {
                Ok((batches, ty)) => Some(Planned {
                    op: NodeOp::Queue(Rc::new(batches)),
                    ty,
                    slide_ms: b,
                    ordered: false,
                }),
                Err(e) => {
                    f.errors.push(e);
                    None
                }
            }
        }
        OpKind::TextInput => Some(Planned {
            op: NodeOp::TextInput,
            ty: Type::String,
            slide_ms: b,
            ordered: false,
        }),
        OpKind::Generator => {
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
                        format!(
                            "unknown generator kind `{k}`; the kinds are: {}",
                            catalog::GENERATOR_KINDS.join(", ")
                        ),
                    );
                    return None;
                }
                None => return None,
            };
            Some(Planned {
                op: NodeOp::Generator(Generator {
                    kind,
                    rate_per_s: rate?,
                    seed,
                }),
                ty: Type::String,
                slide_ms: b,
                ordered: false,
            })
        }
        OpKind::Map => {
            let (l, r) = f.lambda("fn", sig(vec![t_in], var()), true)?;
            p(NodeOp::Map(l), r, ord_in)
        }
        OpKind::FlatMap => {
            let (l, r) = f.lambda("fn", sig(vec![t_in], Type::list(var())), true)?;
            p(NodeOp::FlatMap(l), list_elem(&r), ord_in)
        }
        OpKind::Filter => {
            let (l, _) = f.lambda("fn", sig(vec![t_in.clone()], Type::Boolean), true)?;
            p(NodeOp::Filter(l), t_in, ord_in)
        }
        OpKind::MapValues => {
            let (k, v) = keyed(f)?;
            let (l, r) = f.lambda("fn", sig(vec![v], var()), true)?;
            p(NodeOp::MapValues(l), Type::pair(k, r), ord_in)
        }
        OpKind::FlatMapValues => {
            let (k, v) = keyed(f)?;
            let (l, r) = f.lambda("fn", sig(vec![v], Type::list(var())), true)?;
            p(
                NodeOp::FlatMapValues(l),
                Type::pair(k, list_elem(&r)),
                ord_in,
            )
        }
        OpKind::ReduceByKey => {
            let (k, v) = keyed(f)?;
            let parts = f.partitions();
            let (l, r) = f.lambda("fn", sig(vec![v.clone(), v.clone()], v), true)?;
            p(NodeOp::ReduceByKey(l, parts), Type::pair(k, r), false)
        }
        OpKind::GroupByKey => {
            let (k, v) = keyed(f)?;
            p(
                NodeOp::GroupByKey(f.partitions()),
                Type::pair(k, Type::list(v)),
                false,
            )
        }
        OpKind::CountByValue => p(
            NodeOp::CountByValue(f.partitions()),
            Type::pair(t_in, Type::Int),
            false,
        ),
        OpKind::Count => p(NodeOp::Count, Type::Int, false),
        OpKind::Reduce => {
            let (l, r) = f.lambda("fn", sig(vec![t_in.clone(), t_in.clone()], t_in), true)?;
            p(NodeOp::Reduce(l), r, false)
        }
        OpKind::Repartition => {
            let parts = f.uint("partitions", true, 1)?;
            p(NodeOp::Repartition(parts.min(1024) as usize), t_in, false)
        }
        OpKind::Union => same_type(f, NodeOp::Union),
        OpKind::Intersection => same_type(f, NodeOp::Intersection),
        OpKind::Subtract => same_type(f, NodeOp::Subtract),
        OpKind::Cartesian => {
            if !same_slide(f) {
                return None;
            }
            p(
                NodeOp::Cartesian,
                Type::pair(t_in, nodes[inputs[1]].ty.clone()),
                false,
            )
        }
        OpKind::Join => join(f, JoinKind::Inner),
        OpKind::LeftOuterJoin => join(f, JoinKind::LeftOuter),
        OpKind::RightOuterJoin => join(f, JoinKind::RightOuter),
        OpKind::FullOuterJoin => join(f, JoinKind::FullOuter),
        OpKind::Cogroup => by_key(f, &|parts, v, w| {
            (
                NodeOp::Cogroup(parts),
                Type::pair(Type::list(v), Type::list(w)),
            )
        }),
        OpKind::Transform => plan_transform(f, t_in.clone(), ord_in).map(|(ops, ord)| Planned {
            op: NodeOp::Transform(ops),
            ty: t_in,
            slide_ms: slide,
            ordered: ord,
        }),
        OpKind::Window => windowed(f, &|_, t| Some((WindowKind::Plain, t))),
        OpKind::CountByWindow => windowed(f, &|_, _| {
            Some((counting(Keying::OneOne, None, 1), Type::Int))
        }),
        OpKind::ReduceByWindow => windowed(f, &|f, t| {
            let s = sig(vec![t.clone(), t.clone()], t);
            let (l, r) = f.lambda("fn", s.clone(), true)?;
            let inverse = match f.get("inverse") {
                Some(_) => Some(f.lambda("inverse", s, true)?.0),
                None => None,
            };
            Some((
                WindowKind::Keyed {
                    keying: Keying::OneValue,
                    f: l,
                    inverse,
                    filter: None,
                    partitions: 1,
                    values_only: true,
                },
                r,
            ))
        }),
        OpKind::ReduceByKeyAndWindow => windowed(f, &|f, _| {
            let (k, v) = keyed(f)?;
            let parts = f.partitions();
            let s = sig(vec![v.clone(), v.clone()], v);
            let (l, r) = f.lambda("fn", s.clone(), true)?;
            let inverse = match f.get("inverse") {
                Some(_) => Some(f.lambda("inverse", s, true)?.0),
                None => None,
            };
            let filter = match f.get("filter") {
                Some(_) if inverse.is_none() => {
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
            Some((
                WindowKind::Keyed {
                    keying: Keying::Pair,
                    f: l,
                    inverse,
                    filter,
                    partitions: parts,
                    values_only: false,
                },
                Type::pair(k, r),
            ))
        }),
        OpKind::CountByValueAndWindow => windowed(f, &|f, t| {
            let parts = f.partitions();
            Some((
                counting(Keying::ValueOne, Some(nonzero_value()), parts),
                Type::pair(t, Type::Int),
            ))
        }),
        OpKind::GroupByKeyAndWindow => windowed(f, &|f, _| {
            let (k, v) = keyed(f)?;
            Some((
                WindowKind::Grouped(f.partitions()),
                Type::pair(k, Type::list(v)),
            ))
        }),
        OpKind::UpdateStateByKey => {
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
        OpKind::MapWithState => {
            // Spark's (key, value: Option[V], state: State[S]) => mapped; the mapped type is
            // the function's result, S what its updates store.
            let (k, v) = keyed(f)?;
            let timeout = f.uint("timeout_ms", false, 1);
            let s = sig(vec![k, Type::option(v)], Type::Unknown);
            let src = f.string("fn", true)?;
            match lambda::compile_with_state(name, &src, &s) {
                Ok(l) => {
                    let mapped = l.result().clone();
                    p(
                        NodeOp::MapWithState(Rc::new(l), timeout, DEFAULT_PARTITIONS),
                        mapped,
                        false,
                    )
                }
                Err(e) => {
                    f.lambda_error("fn", e);
                    None
                }
            }
        }
        OpKind::Print => {
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
        OpKind::ForeachRdd => {
            plan_action(f, t_in, ord_in).map(|(action, accumulate, ty, ord)| Planned {
                op: NodeOp::Output { action, accumulate },
                ty,
                slide_ms: slide,
                ordered: ord,
            })
        }
    }
}

fn plan_action(f: &mut Fields, t_in: Type, ord_in: bool) -> Option<(Action, bool, Type, bool)> {
    let name = f.string("action", true)?;
    let Some(action) = catalog::action_named(&name) else {
        let known: Vec<&str> = catalog::ACTIONS.iter().map(|(_, n)| *n).collect();
        f.err(
            "action",
            format!(
                "unknown action `{name}`; the actions are: {}",
                known.join(", ")
            ),
        );
        return None;
    };
    let accumulate = f.boolean("accumulate", false);
    if accumulate && !matches!(action, ActionKind::Count | ActionKind::Reduce) {
        f.err("accumulate", "only the count and reduce actions accumulate");
    }
    let check_extra = |f: &mut Fields, allowed: &[&str]| {
        for field in ["n", "fn"] {
            if f.get(field).is_some() && !allowed.contains(&field) {
                f.err(field, format!("the {name} action takes no `{field}`"));
            }
        }
    };
    match action {
        ActionKind::Collect => {
            check_extra(f, &[]);
            Some((Action::Collect, false, t_in, ord_in))
        }
        ActionKind::Count => {
            check_extra(f, &[]);
            Some((Action::Count, accumulate, Type::Int, false))
        }
        ActionKind::CountByValue => {
            check_extra(f, &[]);
            Some((
                Action::CountByValue,
                false,
                Type::pair(t_in, Type::Int),
                false,
            ))
        }
        ActionKind::Take => {
            check_extra(f, &["n"]);
            let n = f.uint("n", true, 0)? as usize;
            Some((Action::Take(n), false, t_in, ord_in))
        }
        ActionKind::Top => {
            check_extra(f, &["n", "fn"]);
            let n = f.uint("n", true, 0)? as usize;
            let key = match f.get("fn") {
                Some(_) => Some(f.lambda("fn", sig(vec![t_in.clone()], var()), true)?.0),
                None => None,
            };
            Some((Action::Top(n, key), false, t_in, true))
        }
        ActionKind::Reduce => {
            check_extra(f, &["fn"]);
            let (l, r) = f.lambda("fn", sig(vec![t_in.clone(), t_in.clone()], t_in), true)?;
            Some((Action::Reduce(l), accumulate, r, false))
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
        let Some(info) = catalog::rdd_op_named(op) else {
            let known: Vec<&str> = catalog::RDD_OPS.iter().map(|o| o.name).collect();
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
            if k != "op" && !info.fields.iter().any(|fi| fi.name == k) {
                let accepted: Vec<&str> = info.fields.iter().map(|fi| fi.name).collect();
                let accepted = if accepted.is_empty() {
                    "none besides op".to_string()
                } else {
                    accepted.join(", ")
                };
                f.err(
                    &here,
                    format!("unknown field `{k}` for {op}; it accepts: {accepted}"),
                );
                ok = false;
            }
        }
        let fields: std::collections::BTreeMap<String, serde_json::Value> =
            obj.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut sub = Fields::new(f.node, &fields);
        let op = match info.kind {
            RddOpKind::Distinct => {
                ordered = false;
                Some(RddOp::Distinct)
            }
            RddOpKind::Sample => {
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
            RddOpKind::SortBy => {
                ordered = true;
                let asc = sub.boolean("ascending", true);
                sub.lambda("fn", sig(vec![t_in.clone()], var()), true)
                    .map(|(l, _)| RddOp::SortBy(l, asc))
            }
            RddOpKind::SortByKey => {
                ordered = true;
                if t_in != Type::Unknown && t_in.as_pair().is_none() {
                    sub.err(
                        "op",
                        format!("sortByKey needs (key, value) pairs, but the records are {t_in}"),
                    );
                }
                Some(RddOp::SortByKey(sub.boolean("ascending", true)))
            }
            RddOpKind::Take => sub.uint("n", true, 0).map(|n| RddOp::Take(n as usize)),
            RddOpKind::Top => {
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

//! What the planner makes of a pipeline: a [`Plan`] of [`PlanNode`]s, each with its op's
//! compiled form ([`NodeOp`]), record type, slide and the durations the engine keeps its
//! RDDs for. The engine, lineage, checkpoints and the fault lab read these; only the planner
//! builds them.

use std::fmt;
use std::rc::Rc;

use crate::catalog::{self, OpKind};
use crate::lambda::Lambda;
use crate::ops::join::JoinKind;
use crate::ops::keyed::Keying;
use crate::ops::output::Action;
use crate::rdd::Func;
use crate::sources::generator::Generator;
use crate::types::Type;
use crate::value::Value;

/// A checked pipeline, ready to run.
pub struct Plan {
    pub batch_interval_ms: u64,
    /// Batches the replay runs (`ticks`, default the longest queue).
    pub ticks: u64,
    /// The program calls `ssc.checkpoint(dir)` (the pipeline's `checkpoint`, default true).
    pub checkpoint: bool,
    pub nodes: Vec<PlanNode>,
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("batch_interval_ms", &self.batch_interval_ms)
            .field("ticks", &self.ticks)
            .field("checkpoint", &self.checkpoint)
            .field("nodes", &self.nodes)
            .finish()
    }
}

impl Plan {
    /// The inferred record type of node `id` (for an output: of the records it emits).
    pub fn node_type(&self, id: &str) -> Option<&Type> {
        self.nodes.iter().find(|n| n.id == id).map(|n| &n.ty)
    }

    /// The index of node `id`.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }
}

/// One node of the plan.
#[derive(Debug)]
pub struct PlanNode {
    pub id: String,
    /// The catalogue op it was planned from.
    pub kind: OpKind,
    pub op: NodeOp,
    /// Indices of the input nodes (earlier in the plan).
    pub inputs: Vec<usize>,
    /// The node's RDDs are defined at batch times that are multiples of this.
    pub slide_ms: u64,
    /// Record type of its output (for outputs: of the emitted records).
    pub ty: Type,
    /// Spark defines the order of its records (after a sort or top).
    pub ordered: bool,
    /// How long windows over it or its own state read its RDDs back (Spark's remember
    /// duration, from its direct readers): a node that keeps none is one a fused chain may
    /// run through without building its RDDs.
    pub remember_ms: u64,
    /// An output op reads it, directly or through other nodes. Spark never computes the
    /// RDDs of a node that no output reads (DStreams are lazy).
    pub reachable: bool,
    /// How much later than its batch time a job may first compute its RDD: 0 for a node an
    /// output reads per batch; up to a window's slide minus its own upstream of a window
    /// (the window's job at its next slide time computes it).
    pub lag_ms: u64,
    /// How long the engine keeps a computed RDD of it: while a later job may still read it
    /// (its readers' lags, windows' lengths and slides, its own state), at least its slide.
    pub retain_ms: u64,
}

impl PlanNode {
    pub fn is_output(&self) -> bool {
        matches!(self.op, NodeOp::Output { .. })
    }

    pub fn is_source(&self) -> bool {
        self.op.source().is_some()
    }

    /// As the pipeline spells the op.
    pub fn op_name(&self) -> &'static str {
        catalog::info(self.kind).name
    }

    /// Whether its RDD is defined at batch time `t` (a multiple of its slide after zero).
    pub fn defined_at(&self, t: u64) -> bool {
        t > 0 && t.is_multiple_of(self.slide_ms)
    }

    /// Spark must checkpoint it (`mustCheckpoint`): state, or an inverse window (which
    /// `countByWindow` and `countByValueAndWindow` are built on).
    pub fn must_checkpoint(&self) -> bool {
        match &self.op {
            NodeOp::UpdateStateByKey(..) | NodeOp::MapWithState(..) => true,
            NodeOp::Window(w) => matches!(
                w.kind,
                WindowKind::Keyed {
                    inverse: Some(_),
                    ..
                }
            ),
            NodeOp::Queue(_)
            | NodeOp::TextInput
            | NodeOp::Generator(_)
            | NodeOp::Map(_)
            | NodeOp::FlatMap(_)
            | NodeOp::Filter(_)
            | NodeOp::MapValues(_)
            | NodeOp::FlatMapValues(_)
            | NodeOp::ReduceByKey(..)
            | NodeOp::GroupByKey(_)
            | NodeOp::CountByValue(_)
            | NodeOp::Count
            | NodeOp::Reduce(_)
            | NodeOp::Repartition(_)
            | NodeOp::Union
            | NodeOp::Join(..)
            | NodeOp::Cogroup(_)
            | NodeOp::Intersection
            | NodeOp::Subtract
            | NodeOp::Cartesian
            | NodeOp::Transform(_)
            | NodeOp::Output { .. } => false,
        }
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

impl WindowOp {
    /// Incremental: the previous slide's value, plus the batches entering, minus those
    /// leaving (Spark's `ReducedWindowedDStream`).
    pub fn incremental(&self) -> bool {
        matches!(
            self.kind,
            WindowKind::Keyed {
                inverse: Some(_),
                ..
            }
        )
    }
}

/// What a node does, with its lambdas compiled.
#[derive(Clone)]
pub enum NodeOp {
    /// The spec's batches, as written (a fault lab's losses are the engine's run state).
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

/// A source op, borrowed from its [`NodeOp`].
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    Queue(&'a [Vec<Value>]),
    TextInput,
    Generator(&'a Generator),
}

impl NodeOp {
    /// The window this op is, if it is one of the window family.
    pub fn window(&self) -> Option<&WindowOp> {
        match self {
            NodeOp::Window(w) => Some(w),
            NodeOp::Queue(_)
            | NodeOp::TextInput
            | NodeOp::Generator(_)
            | NodeOp::Map(_)
            | NodeOp::FlatMap(_)
            | NodeOp::Filter(_)
            | NodeOp::MapValues(_)
            | NodeOp::FlatMapValues(_)
            | NodeOp::ReduceByKey(..)
            | NodeOp::GroupByKey(_)
            | NodeOp::CountByValue(_)
            | NodeOp::Count
            | NodeOp::Reduce(_)
            | NodeOp::Repartition(_)
            | NodeOp::Union
            | NodeOp::Join(..)
            | NodeOp::Cogroup(_)
            | NodeOp::Intersection
            | NodeOp::Subtract
            | NodeOp::Cartesian
            | NodeOp::Transform(_)
            | NodeOp::UpdateStateByKey(..)
            | NodeOp::MapWithState(..)
            | NodeOp::Output { .. } => None,
        }
    }

    /// The source this op is, if it is one.
    pub fn source(&self) -> Option<Source<'_>> {
        match self {
            NodeOp::Queue(b) => Some(Source::Queue(b)),
            NodeOp::TextInput => Some(Source::TextInput),
            NodeOp::Generator(g) => Some(Source::Generator(g)),
            NodeOp::Map(_)
            | NodeOp::FlatMap(_)
            | NodeOp::Filter(_)
            | NodeOp::MapValues(_)
            | NodeOp::FlatMapValues(_)
            | NodeOp::ReduceByKey(..)
            | NodeOp::GroupByKey(_)
            | NodeOp::CountByValue(_)
            | NodeOp::Count
            | NodeOp::Reduce(_)
            | NodeOp::Repartition(_)
            | NodeOp::Union
            | NodeOp::Join(..)
            | NodeOp::Cogroup(_)
            | NodeOp::Intersection
            | NodeOp::Subtract
            | NodeOp::Cartesian
            | NodeOp::Transform(_)
            | NodeOp::Window(_)
            | NodeOp::UpdateStateByKey(..)
            | NodeOp::MapWithState(..)
            | NodeOp::Output { .. } => None,
        }
    }
}

/// The variant (a compiled op has closures, which print nothing useful).
impl fmt::Debug for NodeOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let variant = match self {
            NodeOp::Queue(b) => return write!(f, "Queue({} batches)", b.len()),
            NodeOp::TextInput => "TextInput",
            NodeOp::Generator(g) => return write!(f, "{g:?}"),
            NodeOp::Map(_) => "Map",
            NodeOp::FlatMap(_) => "FlatMap",
            NodeOp::Filter(_) => "Filter",
            NodeOp::MapValues(_) => "MapValues",
            NodeOp::FlatMapValues(_) => "FlatMapValues",
            NodeOp::ReduceByKey(..) => "ReduceByKey",
            NodeOp::GroupByKey(_) => "GroupByKey",
            NodeOp::CountByValue(_) => "CountByValue",
            NodeOp::Count => "Count",
            NodeOp::Reduce(_) => "Reduce",
            NodeOp::Repartition(n) => return write!(f, "Repartition({n})"),
            NodeOp::Union => "Union",
            NodeOp::Join(k, _) => return write!(f, "Join({k:?})"),
            NodeOp::Cogroup(_) => "Cogroup",
            NodeOp::Intersection => "Intersection",
            NodeOp::Subtract => "Subtract",
            NodeOp::Cartesian => "Cartesian",
            NodeOp::Transform(ops) => return write!(f, "Transform({} RDD ops)", ops.len()),
            NodeOp::Window(w) => {
                return write!(f, "Window({} ms every {} ms)", w.window_ms, w.slide_ms)
            }
            NodeOp::UpdateStateByKey(..) => "UpdateStateByKey",
            NodeOp::MapWithState(..) => "MapWithState",
            NodeOp::Output { .. } => "Output",
        };
        f.write_str(variant)
    }
}

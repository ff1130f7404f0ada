//! Spark's job model: at batch time `t`, each output op whose stream fires at `t` makes one
//! job, in output order; a job computes the RDDs it needs and only those (Spark's
//! `getOrCompute`, whose generated RDDs later jobs reuse). A node upstream of a window is
//! computed by the window's job at its next slide time; a node no output reads, never.
//!
//! A job is two passes. `demand` walks back from the output over what each RDD needs (its
//! inputs at the same time, a window's covered batches, a state's previous value) and stops
//! at what is computed already; `evaluate` then computes the items in (time, node) order,
//! which puts every input before its reader. A chain of narrow ops feeding a reduce
//! (`ops/fused.rs`) is one item: the reduce runs the chain record by record.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use crate::engine::Engine;
use crate::error::BatchError;
use crate::ops::fused::{self, Chain};
use crate::ops::window::{covered, entering, leaving};
use crate::ops::{join, keyed, map_with_state, output, state, stateless, transform, window};
use crate::plan::{NodeOp, RddOp, WindowKind, WindowOp};
use crate::rdd::{OpError, PairRdd, Rdd, RddRef, DEFAULT_PARTITIONS};
use crate::report::{OutputLine, StateChanges};
use crate::value::Value;

/// How a pass computes: a tick's jobs (chains fused, outputs emit and accumulate), or a peek
/// (every node built, nothing emitted).
#[derive(Clone, Copy)]
pub(crate) struct Mode {
    pub fuse: bool,
    pub emit: bool,
}

impl Mode {
    pub const JOBS: Mode = Mode {
        fuse: true,
        emit: true,
    };
    pub const PEEK: Mode = Mode {
        fuse: false,
        emit: false,
    };
}

/// One RDD a job computed: its time, the job, and what its report needs.
#[derive(Clone, Debug)]
pub(crate) struct Done {
    pub time: u64,
    /// The output node whose job computed it.
    pub job: usize,
    /// Run inside this reduce's chain (no RDD of its own).
    pub fused_into: Option<usize>,
    pub count: u64,
    pub partitions: Vec<u64>,
    pub sample: Vec<Value>,
    pub state_keys: Option<u64>,
    /// A stateful op: what the batch did to its state.
    pub state: Option<StateChanges>,
}

/// Everything a tick (or a peek) computes, before it commits: per node, by batch time.
pub(crate) struct Staged {
    pub out: Vec<BTreeMap<u64, RddRef>>,
    /// A window's per-batch reductions of its parent, by parent time.
    pub reduced: Vec<BTreeMap<u64, Rc<PairRdd>>>,
    /// A keyed window's value (before `values_only`), by its time.
    pub window: Vec<BTreeMap<u64, RddRef>>,
    /// mapWithState's state records `(key, state, updated_ms)`, by its time.
    pub state: Vec<BTreeMap<u64, RddRef>>,
    pub accumulators: Vec<Option<Value>>,
    pub done: Vec<Vec<Done>>,
    pub elapsed_ms: Vec<f64>,
    /// What each output emitted at the job's time.
    pub emitted: Vec<Option<Vec<Value>>>,
    pub lines: Vec<OutputLine>,
}

impl Staged {
    pub fn new(n: usize, accumulators: &[Option<Value>]) -> Staged {
        Staged {
            out: vec![BTreeMap::new(); n],
            reduced: vec![BTreeMap::new(); n],
            window: vec![BTreeMap::new(); n],
            state: vec![BTreeMap::new(); n],
            accumulators: accumulators.to_vec(),
            done: vec![Vec::new(); n],
            elapsed_ms: vec![0.0; n],
            emitted: vec![None; n],
            lines: Vec::new(),
        }
    }
}

/// Which of a node's results an item is: a window's reduction of its parent at a time, or
/// the node's own RDD (an output: its action).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Reduced,
    Rdd,
}

/// One thing a job computes. Ordered by time, then node, then part: inputs come first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    time: u64,
    node: usize,
    part: Part,
}

/// What an item needs.
#[derive(Clone, Copy, Debug)]
enum Dep {
    Rdd(usize, u64),
    Reduced(usize, u64),
    /// An incremental window's value, or mapWithState's state, at that time.
    Prev(usize, u64),
}

/// The job's output and time, for errors.
#[derive(Clone, Copy)]
struct JobAt {
    output: usize,
    time: u64,
}

impl Engine {
    /// Runs the job of output `output` at `t`: computes what it needs, then its action.
    pub(crate) fn run_job(
        &self,
        st: &mut Staged,
        output: usize,
        t: u64,
        mode: Mode,
    ) -> Result<(), BatchError> {
        let job = JobAt { output, time: t };
        for item in self.demand(st, Dep::Rdd(output, t), mode) {
            self.evaluate(st, item, job, mode)?;
        }
        Ok(())
    }

    /// Computes node `i`'s RDD at `t` (and what it needs) as if a job of `i` ran: a peek.
    pub(crate) fn compute_for(
        &self,
        st: &mut Staged,
        i: usize,
        t: u64,
        mode: Mode,
    ) -> Result<(), BatchError> {
        self.run_job(st, i, t, mode)
    }

    /// A node's RDD at `time`: computed by this pass, else kept from an earlier batch.
    pub(crate) fn rdd_at(&self, st: &Staged, node: usize, time: u64) -> Option<RddRef> {
        st.out[node]
            .get(&time)
            .or_else(|| self.nodes[node].history.get(&time))
            .cloned()
    }

    fn reduced_at(&self, st: &Staged, node: usize, time: u64) -> Option<Rc<PairRdd>> {
        st.reduced[node]
            .get(&time)
            .or_else(|| self.nodes[node].reduced.get(&time))
            .cloned()
    }

    /// An incremental window's value, or mapWithState's state, at exactly `time`.
    fn prev_at(&self, st: &Staged, node: usize, time: u64) -> Option<RddRef> {
        let (staged, kept) = match self.plan.nodes[node].op {
            NodeOp::MapWithState(..) => (&st.state[node], &self.nodes[node].state),
            _ => (&st.window[node], &self.nodes[node].window),
        };
        staged.get(&time).cloned().or_else(|| match kept {
            Some((t, r)) if *t == time => Some(r.clone()),
            _ => None,
        })
    }

    /// The fused chain feeding sink `n` this pass runs through, if any.
    fn chain_of(&self, n: usize, mode: Mode) -> Option<&[usize]> {
        if mode.fuse {
            self.chains[n].as_deref()
        } else {
            None
        }
    }

    /// The node a sink's input is read from: the chain's source, or its own input.
    fn sink_input(&self, n: usize, mode: Mode) -> usize {
        match self.chain_of(n, mode) {
            Some(chain) => self.plan.nodes[chain[0]].inputs[0],
            None => self.plan.nodes[n].inputs[0],
        }
    }

    /// What computing `item` needs.
    fn deps(&self, item: Item, mode: Mode) -> Vec<Dep> {
        let n = item.node;
        let t = item.time;
        let node = &self.plan.nodes[n];
        if item.part == Part::Reduced {
            return vec![Dep::Rdd(self.sink_input(n, mode), t)];
        }
        let before = |s: u64| t.checked_sub(s).filter(|p| *p > 0);
        match &node.op {
            NodeOp::Queue(_) | NodeOp::TextInput | NodeOp::Generator(_) => Vec::new(),
            NodeOp::ReduceByKey(..) => vec![Dep::Rdd(self.sink_input(n, mode), t)],
            NodeOp::Map(_)
            | NodeOp::FlatMap(_)
            | NodeOp::Filter(_)
            | NodeOp::MapValues(_)
            | NodeOp::FlatMapValues(_)
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
            | NodeOp::Output { .. } => node.inputs.iter().map(|&j| Dep::Rdd(j, t)).collect(),
            NodeOp::Window(w) => {
                let ps = w.parent_slide_ms;
                match &w.kind {
                    WindowKind::Plain => covered(t, w.window_ms, ps)
                        .into_iter()
                        .map(|p| Dep::Rdd(node.inputs[0], p))
                        .collect(),
                    WindowKind::Keyed { inverse: None, .. } | WindowKind::Grouped(_) => {
                        covered(t, w.window_ms, ps)
                            .into_iter()
                            .map(|p| Dep::Reduced(n, p))
                            .collect()
                    }
                    WindowKind::Keyed {
                        inverse: Some(_), ..
                    } => {
                        let mut deps: Vec<Dep> = entering(t, w.slide_ms, ps)
                            .into_iter()
                            .chain(leaving(t, w.window_ms, w.slide_ms, ps))
                            .map(|p| Dep::Reduced(n, p))
                            .collect();
                        deps.extend(before(w.slide_ms).map(|p| Dep::Prev(n, p)));
                        deps
                    }
                }
            }
            NodeOp::UpdateStateByKey(..) => {
                let mut deps = vec![Dep::Rdd(node.inputs[0], t)];
                deps.extend(before(node.slide_ms).map(|p| Dep::Rdd(n, p)));
                deps
            }
            NodeOp::MapWithState(..) => {
                let mut deps = vec![Dep::Rdd(node.inputs[0], t)];
                deps.extend(before(node.slide_ms).map(|p| Dep::Prev(n, p)));
                deps
            }
        }
    }

    /// The items a job rooted at `root` must compute, in evaluation order: walking back
    /// through what each needs, stopping at what is already computed (this pass or kept).
    fn demand(&self, st: &Staged, root: Dep, mode: Mode) -> Vec<Item> {
        let mut needed = BTreeSet::new();
        let mut stack = vec![root];
        while let Some(dep) = stack.pop() {
            let item = match dep {
                Dep::Rdd(j, t) => {
                    if !self.plan.nodes[j].defined_at(t) || self.rdd_at(st, j, t).is_some() {
                        continue;
                    }
                    Item {
                        time: t,
                        node: j,
                        part: Part::Rdd,
                    }
                }
                Dep::Reduced(j, t) => {
                    if t == 0 || self.reduced_at(st, j, t).is_some() {
                        continue;
                    }
                    Item {
                        time: t,
                        node: j,
                        part: Part::Reduced,
                    }
                }
                Dep::Prev(j, t) => {
                    if !self.plan.nodes[j].defined_at(t) || self.prev_at(st, j, t).is_some() {
                        continue;
                    }
                    Item {
                        time: t,
                        node: j,
                        part: Part::Rdd,
                    }
                }
            };
            if needed.insert(item) {
                stack.extend(self.deps(item, mode));
            }
        }
        needed.into_iter().collect()
    }

    fn evaluate(
        &self,
        st: &mut Staged,
        item: Item,
        job: JobAt,
        mode: Mode,
    ) -> Result<(), BatchError> {
        let t0 = self.now();
        let n = item.node;
        let result = match item.part {
            Part::Reduced => self
                .reduce_parent(st, n, item.time, job, mode)
                .map(|pairs| {
                    st.reduced[n].insert(item.time, Rc::new(pairs));
                }),
            Part::Rdd => self.compute(st, n, item.time, job, mode),
        };
        st.elapsed_ms[n] += self.now() - t0;
        result
    }

    fn fail(&self, node: usize, time: u64, job: JobAt) -> impl Fn(OpError) -> BatchError + '_ {
        move |e: OpError| {
            let b = self.plan.batch_interval_ms.max(1);
            BatchError {
                batch: (time / b).saturating_sub(1),
                time_ms: time,
                node: self.plan.nodes[node].id.clone(),
                record: e.record,
                message: e.message,
                job: self.plan.nodes[job.output].id.clone(),
                job_time_ms: job.time,
            }
        }
    }

    /// An input the demand pass put before its reader.
    fn need(&self, st: &Staged, node: usize, time: u64) -> Result<RddRef, OpError> {
        self.rdd_at(st, node, time).ok_or_else(|| {
            OpError::new(format!(
                "the RDD of `{}` at {time} ms was not computed (an engine bug)",
                self.plan.nodes[node].id
            ))
        })
    }

    /// Records what the pass computed of node `n` at `time`, and stages its RDD.
    fn computed(&self, st: &mut Staged, n: usize, time: u64, job: JobAt, rdd: RddRef) {
        st.done[n].push(Done {
            time,
            job: job.output,
            fused_into: None,
            count: rdd.count(),
            partitions: rdd.partition_counts(),
            sample: rdd.iter().take(self.sample_limit).cloned().collect(),
            state_keys: None,
            state: None,
        });
        st.out[n].insert(time, rdd);
    }

    /// Node `n`'s RDD at `time` (an output: its action), its inputs computed.
    fn compute(
        &self,
        st: &mut Staged,
        n: usize,
        time: u64,
        job: JobAt,
        mode: Mode,
    ) -> Result<(), BatchError> {
        let node = &self.plan.nodes[n];
        let fail = self.fail(n, time, job);
        let input = |st: &Staged| self.need(st, node.inputs[0], time).map_err(&fail);
        let rdd: Rdd = match &node.op {
            NodeOp::Queue(_) | NodeOp::TextInput | NodeOp::Generator(_) => self.source_rdd(n, time),
            NodeOp::Map(f) => stateless::map(&*input(st)?, f).map_err(&fail)?,
            NodeOp::FlatMap(f) => stateless::flat_map(&*input(st)?, f).map_err(&fail)?,
            NodeOp::Filter(f) => stateless::filter(&*input(st)?, f).map_err(&fail)?,
            NodeOp::MapValues(f) => stateless::map_values(&*input(st)?, f).map_err(&fail)?,
            NodeOp::FlatMapValues(f) => {
                stateless::flat_map_values(&*input(st)?, f).map_err(&fail)?
            }
            NodeOp::ReduceByKey(f, parts) => match self.chain_of(n, mode) {
                Some(chain) => self.run_chain(st, n, chain, time, job)?.to_rdd(),
                None => keyed::reduce_by_key(&*input(st)?, *parts, f).map_err(&fail)?,
            },
            NodeOp::GroupByKey(parts) => {
                keyed::group_by_key(&*input(st)?, *parts).map_err(&fail)?
            }
            NodeOp::CountByValue(parts) => keyed::count_by_value(&*input(st)?, *parts),
            NodeOp::Count => stateless::count(&*input(st)?, DEFAULT_PARTITIONS),
            NodeOp::Reduce(f) => stateless::reduce(&*input(st)?, f).map_err(&fail)?,
            NodeOp::Repartition(parts) => stateless::repartition(&*input(st)?, *parts),
            NodeOp::Union => {
                let ins = node
                    .inputs
                    .iter()
                    .map(|&j| self.need(st, j, time))
                    .collect::<Result<Vec<RddRef>, OpError>>()
                    .map_err(&fail)?;
                let r: Vec<&Rdd> = ins.iter().map(|r| &**r).collect();
                stateless::union(&r)
            }
            NodeOp::Join(kind, parts) => {
                let (a, b) = self.two(st, n, time).map_err(&fail)?;
                join::join(&a, &b, *parts, *kind).map_err(&fail)?
            }
            NodeOp::Cogroup(parts) => {
                let (a, b) = self.two(st, n, time).map_err(&fail)?;
                join::cogroup(&a, &b, *parts).map_err(&fail)?
            }
            NodeOp::Intersection => {
                let (a, b) = self.two(st, n, time).map_err(&fail)?;
                transform::intersection(&a, &b)
            }
            NodeOp::Subtract => {
                let (a, b) = self.two(st, n, time).map_err(&fail)?;
                transform::subtract(&a, &b)
            }
            NodeOp::Cartesian => {
                let (a, b) = self.two(st, n, time).map_err(&fail)?;
                transform::cartesian(&a, &b)
            }
            NodeOp::Transform(ops) => {
                let mut cur: Rdd = (*input(st)?).clone();
                for op in ops {
                    cur = match op {
                        RddOp::Distinct => transform::distinct(&cur),
                        RddOp::Sample { fraction, seed } => {
                            transform::sample(&cur, *fraction, *seed)
                        }
                        RddOp::SortBy(f, asc) => {
                            transform::sort_by(&cur, f, *asc).map_err(&fail)?
                        }
                        RddOp::SortByKey(asc) => {
                            transform::sort_by_key(&cur, *asc).map_err(&fail)?
                        }
                        RddOp::Take(k) => transform::take(&cur, *k),
                        RddOp::Top(k, key) => {
                            Rdd::new(vec![transform::top(&cur, *k, key.as_ref()).map_err(&fail)?])
                        }
                    };
                }
                cur
            }
            NodeOp::Window(w) => {
                let (rdd, keys) = self.compute_window(st, n, w, time).map_err(&fail)?;
                let rdd = Rc::new(rdd);
                self.computed(st, n, time, job, rdd);
                if let Some(d) = st.done[n].last_mut() {
                    d.state_keys = keys;
                }
                return Ok(());
            }
            NodeOp::UpdateStateByKey(f, parts) => {
                let prev = time
                    .checked_sub(node.slide_ms)
                    .and_then(|p| self.rdd_at(st, n, p));
                let (r, changes) = state::update_state_by_key(
                    prev.as_deref(),
                    &*input(st)?,
                    f,
                    *parts,
                    self.sample_limit,
                )
                .map_err(&fail)?;
                let keys = r.count();
                self.computed(st, n, time, job, Rc::new(r));
                if let Some(d) = st.done[n].last_mut() {
                    d.state_keys = Some(keys);
                    d.state = Some(changes);
                }
                return Ok(());
            }
            NodeOp::MapWithState(f, timeout, parts) => {
                // Full scans (timeouts) where Spark checkpoints the state: every 10 slides.
                let prev = time
                    .checked_sub(node.slide_ms)
                    .and_then(|p| self.prev_at(st, n, p));
                let scan = map_with_state::FULL_SCAN_EVERY_SLIDES * node.slide_ms;
                let m = map_with_state::map_with_state(
                    prev.as_deref(),
                    &*input(st)?,
                    f,
                    time,
                    *timeout,
                    time.is_multiple_of(scan),
                    *parts,
                    self.sample_limit,
                )
                .map_err(&fail)?;
                let keys = m.state.count();
                st.state[n].insert(time, Rc::new(m.state));
                self.computed(st, n, time, job, Rc::new(m.mapped));
                if let Some(d) = st.done[n].last_mut() {
                    d.state_keys = Some(keys);
                    d.state = Some(m.changes);
                }
                return Ok(());
            }
            NodeOp::Output { action, accumulate } => {
                let rdd = input(st)?;
                let emitted = if mode.emit {
                    output::run(action, &rdd, *accumulate, &mut st.accumulators[n])
                } else {
                    output::run(action, &rdd, false, &mut None)
                }
                .map_err(&fail)?;
                let records = emitted.records;
                if mode.emit {
                    let b = self.plan.batch_interval_ms.max(1);
                    st.lines.push(OutputLine {
                        batch: (time / b).saturating_sub(1),
                        time_ms: time,
                        output: node.id.clone(),
                        records: records.clone(),
                        ordered: node.ordered,
                        more: emitted.more,
                    });
                }
                st.done[n].push(Done {
                    time,
                    job: job.output,
                    fused_into: None,
                    count: records.len() as u64,
                    partitions: vec![records.len() as u64],
                    sample: records.iter().take(self.sample_limit).cloned().collect(),
                    state_keys: None,
                    state: None,
                });
                st.emitted[n] = Some(records);
                return Ok(());
            }
        };
        self.computed(st, n, time, job, Rc::new(rdd));
        Ok(())
    }

    /// The two inputs of a two-stream op at `time`.
    fn two(&self, st: &Staged, n: usize, time: u64) -> Result<(RddRef, RddRef), OpError> {
        let ins = &self.plan.nodes[n].inputs;
        Ok((self.need(st, ins[0], time)?, self.need(st, ins[1], time)?))
    }

    /// A windowed node at one of its slide times: combines the covered batches (an inverse
    /// window: incrementally from its previous value). Returns its RDD and, for a keyed
    /// window, the keys its value holds (staged as the window's value).
    fn compute_window(
        &self,
        st: &mut Staged,
        n: usize,
        w: &WindowOp,
        t: u64,
    ) -> Result<(Rdd, Option<u64>), OpError> {
        let ps = w.parent_slide_ms;
        let gather = |st: &Staged, times: Vec<u64>| -> Vec<Rc<PairRdd>> {
            times
                .into_iter()
                .filter_map(|p| self.reduced_at(st, n, p))
                .collect()
        };
        match &w.kind {
            WindowKind::Plain => {
                let parent = self.plan.nodes[n].inputs[0];
                let rdds: Vec<RddRef> = covered(t, w.window_ms, ps)
                    .into_iter()
                    .filter_map(|p| self.rdd_at(st, parent, p))
                    .collect();
                let r: Vec<&Rdd> = rdds.iter().map(|r| &**r).collect();
                Ok((window::window(&r), None))
            }
            WindowKind::Grouped(parts) => {
                let rdds = gather(st, covered(t, w.window_ms, ps));
                let r: Vec<&PairRdd> = rdds.iter().map(|r| &**r).collect();
                Ok((window::group_full(&r, *parts)?, None))
            }
            WindowKind::Keyed {
                f,
                inverse,
                filter,
                partitions,
                values_only,
                ..
            } => {
                let keyed_window = match inverse {
                    None => {
                        let rdds = gather(st, covered(t, w.window_ms, ps));
                        let r: Vec<&PairRdd> = rdds.iter().map(|r| &**r).collect();
                        window::reduce_full(&r, f, *partitions)?
                    }
                    Some(inv) => {
                        let prev = t
                            .checked_sub(w.slide_ms)
                            .and_then(|p| self.prev_at(st, n, p));
                        let old = gather(st, leaving(t, w.window_ms, w.slide_ms, ps));
                        let new = gather(st, entering(t, w.slide_ms, ps));
                        let old: Vec<&PairRdd> = old.iter().map(|r| &**r).collect();
                        let new: Vec<&PairRdd> = new.iter().map(|r| &**r).collect();
                        window::reduce_incremental(
                            prev.as_deref(),
                            &old,
                            &new,
                            f,
                            inv,
                            filter.as_ref(),
                            *partitions,
                        )?
                    }
                };
                let keys = keyed_window.count();
                let keyed_window = Rc::new(keyed_window);
                st.window[n].insert(t, keyed_window.clone());
                let out = if *values_only {
                    window::values_only(&keyed_window)?
                } else {
                    (*keyed_window).clone()
                };
                Ok((out, Some(keys)))
            }
        }
    }

    /// A window's per-batch reduction of its parent at parent time `p` (through its fused
    /// chain, if it has one).
    fn reduce_parent(
        &self,
        st: &mut Staged,
        n: usize,
        p: u64,
        job: JobAt,
        mode: Mode,
    ) -> Result<PairRdd, BatchError> {
        let fail = self.fail(n, p, job);
        let NodeOp::Window(w) = &self.plan.nodes[n].op else {
            return Err(fail(OpError::new("only a window reduces its parent")));
        };
        if let Some(chain) = self.chain_of(n, mode) {
            return self.run_chain(st, n, chain, p, job);
        }
        let parent = self
            .need(st, self.plan.nodes[n].inputs[0], p)
            .map_err(&fail)?;
        match &w.kind {
            WindowKind::Keyed {
                keying,
                f,
                partitions,
                ..
            } => keyed::reduce_by_key_iter(parent.iter(), *keying, *partitions, f),
            WindowKind::Grouped(parts) => keyed::group_pairs(&parent, *parts),
            WindowKind::Plain => Err(OpError::new("a plain window keeps its parent's RDDs")),
        }
        .map_err(&fail)
    }

    /// Runs the fused `chain` into the reduce of `sink` at `time`: its map-side pairs, the
    /// chain's nodes reported from the taps. If anything fails, the chain's nodes are
    /// computed one by one and the reduce made from the last, so the error is the unfused one.
    fn run_chain(
        &self,
        st: &mut Staged,
        sink: usize,
        chain: &[usize],
        time: u64,
        job: JobAt,
    ) -> Result<PairRdd, BatchError> {
        let source = self.plan.nodes[chain[0]].inputs[0];
        let fail = self.fail(sink, time, job);
        let src = self.need(st, source, time).map_err(&fail)?;
        let Some((keying, f, parts)) = fused::sink_reduce(&self.plan.nodes[sink].op) else {
            return Err(fail(OpError::new("a fused chain feeds a reduce")));
        };
        let c = Chain {
            source: src,
            nodes: chain.to_vec(),
        };
        if let Ok((pairs, taps)) =
            fused::reduce_by_key(&self.plan, &c, keying, parts, f, self.sample_limit)
        {
            for (&k, tap) in chain.iter().zip(taps) {
                let count = tap.count();
                st.done[k].push(Done {
                    time,
                    job: job.output,
                    fused_into: Some(sink),
                    count,
                    partitions: tap.partitions,
                    sample: tap.sample,
                    state_keys: None,
                    state: None,
                });
            }
            return Ok(pairs);
        }
        let unfused = Mode {
            fuse: false,
            emit: false,
        };
        for &k in chain {
            self.evaluate(
                st,
                Item {
                    time,
                    node: k,
                    part: Part::Rdd,
                },
                job,
                unfused,
            )?;
        }
        let last = self.need(st, chain[chain.len() - 1], time).map_err(&fail)?;
        keyed::reduce_by_key_iter(last.iter(), keying, parts, f).map_err(&fail)
    }
}

//! The engine the app and the replay CLI drive: `feed` input, `tick` one batch, get a
//! `BatchReport`. Like Spark's DStream graph, every node keeps a per-time history of its
//! computed RDDs (shared, immutable) only as long as a window over it or its own state needs.
//! A tick is transactional: everything it computes is staged, and only a tick that succeeds
//! commits, so a run-time error leaves the engine exactly as it was (the batch is retried).

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::error::{BatchError, SpecError};
use crate::lineage::Lineage;
use crate::ops::fused::{self, Chain};
use crate::ops::output::run;
use crate::ops::window::{covered, entering, leaving};
use crate::ops::{join, keyed, map_with_state, state, stateless, transform, window};
use crate::plan::{validate, NodeOp, Plan, PlanNode, RddOp, WindowKind, WindowOp};
use crate::rdd::{OpError, PairRdd, Rdd, RddRef};
use crate::report::{BatchReport, NodeReport, OutputLine, WindowSpan};
use crate::sources::{queue, text_input};
use crate::spec::PipelineSpec;
use crate::types::Type;
use crate::value::Value;

/// A running pipeline.
/// (`checkpoint.rs` snapshots and restores the crate-visible fields.)
pub struct Engine {
    pub(crate) spec: PipelineSpec,
    pub(crate) plan: Plan,
    pub(crate) batches_run: u64,
    /// Per node: its computed RDDs by batch time.
    pub(crate) history: Vec<BTreeMap<u64, RddRef>>,
    /// Per windowed node: the parent's per-batch reduced (or grouped) pairs by parent time.
    pub(crate) reduced: Vec<BTreeMap<u64, Rc<PairRdd>>>,
    /// Per incremental window: the keyed window value at its last slide.
    pub(crate) last_window: Vec<Option<(u64, RddRef)>>,
    /// Per output: the running value of `accumulate: true`.
    pub(crate) accumulators: Vec<Option<Value>>,
    /// Per textInput: lines fed for the next tick.
    pub(crate) pending: Vec<Vec<Value>>,
    /// Per queueStream: whether the running plan's batches differ from the spec's (the fault
    /// lab removed records a receiver lost), so a snapshot must carry them.
    pub(crate) queue_edited: Vec<bool>,
    /// Per node: its RDD at the last batch (`None`: not computed, or fused), and that
    /// batch's time; what `follow` traces a record through.
    pub(crate) last: Vec<Option<RddRef>>,
    pub(crate) last_time: Option<u64>,
    stopwatch: Option<Box<dyn Fn() -> f64>>,
    sample_limit: usize,
}

/// Everything one tick computes before it commits.
struct Staged {
    out: Vec<Option<RddRef>>,
    reduced: Vec<Option<Rc<PairRdd>>>,
    window: Vec<Option<RddRef>>,
    accumulators: Vec<Option<Value>>,
}

fn default_stopwatch() -> Option<Box<dyn Fn() -> f64>> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let start = std::time::Instant::now();
        Some(Box::new(move || start.elapsed().as_secs_f64() * 1000.0))
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

fn batch_indices(times: &[u64], b: u64) -> Vec<u64> {
    times.iter().map(|t| t / b - 1).collect()
}

impl Engine {
    pub fn new(spec: PipelineSpec) -> Result<Engine, Vec<SpecError>> {
        let plan = validate(&spec)?;
        let n = plan.nodes.len();
        Ok(Engine {
            spec,
            plan,
            batches_run: 0,
            history: vec![BTreeMap::new(); n],
            reduced: vec![BTreeMap::new(); n],
            last_window: vec![None; n],
            accumulators: vec![None; n],
            pending: vec![Vec::new(); n],
            queue_edited: vec![false; n],
            last: vec![None; n],
            last_time: None,
            stopwatch: default_stopwatch(),
            sample_limit: 20,
        })
    }

    pub fn from_json(text: &str) -> Result<Engine, Vec<SpecError>> {
        Engine::new(PipelineSpec::from_json(text).map_err(|e| vec![e])?)
    }

    pub fn spec(&self) -> &PipelineSpec {
        &self.spec
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The inferred record type of a node's output (for an output node: of its records).
    pub fn node_type(&self, id: &str) -> Option<&Type> {
        self.plan.nodes.iter().find(|n| n.id == id).map(|n| &n.ty)
    }

    pub fn batches_run(&self) -> u64 {
        self.batches_run
    }

    pub fn next_time_ms(&self) -> u64 {
        (self.batches_run + 1) * self.plan.batch_interval_ms
    }

    /// Queues lines for a `textInput` node; they form its next batch.
    pub fn feed(&mut self, node: &str, records: Vec<Value>) -> Result<(), SpecError> {
        let Some(i) = self.plan.nodes.iter().position(|n| n.id == node) else {
            return Err(SpecError::node(node, "no node has this id"));
        };
        if !matches!(self.plan.nodes[i].op, NodeOp::TextInput) {
            return Err(SpecError::node(
                node,
                format!(
                    "only a textInput node takes typed input; this is {:?}",
                    self.plan.nodes[i].op
                ),
            ));
        }
        if let Some(bad) = records.iter().find(|r| !text_input::accepts(r)) {
            return Err(SpecError::node(
                node,
                format!("a textInput takes String lines, got {}", bad.type_of()),
            ));
        }
        self.pending[i].extend(records);
        Ok(())
    }

    /// Replaces the clock used for timings (the web app passes `performance.now`).
    pub fn set_stopwatch(&mut self, now_ms: Box<dyn Fn() -> f64>) {
        self.stopwatch = Some(now_ms);
    }

    /// How many records each `NodeReport::sample` holds.
    pub fn set_sample_limit(&mut self, n: usize) {
        self.sample_limit = n;
    }

    fn now(&self) -> f64 {
        self.stopwatch.as_ref().map_or(0.0, |f| f())
    }

    /// A node's RDD at `time`: staged for the current tick, else from its history.
    fn rdd_at(&self, staged: &Staged, node: usize, time: u64, now: u64) -> Option<RddRef> {
        if time == now {
            staged.out[node].clone()
        } else {
            self.history[node].get(&time).cloned()
        }
    }

    fn reduced_at(&self, staged: &Staged, node: usize, time: u64, now: u64) -> Option<Rc<PairRdd>> {
        if time == now {
            staged.reduced[node].clone()
        } else {
            self.reduced[node].get(&time).cloned()
        }
    }

    /// Runs the next batch. On error nothing changes and the same batch runs on retry.
    pub fn tick(&mut self) -> Result<BatchReport, BatchError> {
        let start = self.now();
        let batch = self.batches_run;
        let b = self.plan.batch_interval_ms;
        let t = (batch + 1) * b;
        let n = self.plan.nodes.len();
        let mut staged = Staged {
            out: vec![None; n],
            reduced: vec![None; n],
            window: vec![None; n],
            accumulators: self.accumulators.clone(),
        };
        let mut reports = Vec::with_capacity(n);
        let mut outputs = Vec::new();
        let mut input_records = 0;
        let fusible = fused::fusible(&self.plan);
        let mut chain: Option<Chain> = None;
        for i in 0..n {
            let node = &self.plan.nodes[i];
            let t0 = self.now();
            let fired = t.is_multiple_of(node.slide_ms);
            if fusible.get(i) == Some(&true) {
                // Runs later, record by record, inside the reduce it feeds; reported then.
                chain = self.extend_chain(chain.take(), i, &staged, fired);
                reports.push(NodeReport::idle(&node.id));
                continue;
            }
            let fed = match chain.take() {
                Some(c) => self.run_chain(i, &c, &mut staged, &mut reports, batch, t)?,
                None => None,
            };
            let fail = |e: OpError| BatchError {
                batch,
                time_ms: t,
                node: node.id.clone(),
                record: e.record,
                message: e.message,
            };
            let mut span = None;
            let mut state_keys = None;
            let mut emitted: Option<Vec<Value>> = None;
            let result: Option<RddRef> = match &node.op {
                NodeOp::Window(w) => {
                    let r = self
                        .compute_window(i, node, w, &mut staged, t, fired, fed)
                        .map_err(fail)?;
                    if fired {
                        span = Some(WindowSpan {
                            covers: batch_indices(&covered(t, w.window_ms, b), b),
                            added: batch_indices(&entering(t, w.slide_ms, b), b),
                            removed: batch_indices(&leaving(t, w.window_ms, w.slide_ms, b), b),
                        });
                        if let Some(win) = &staged.window[i] {
                            state_keys = Some(win.count());
                        }
                    }
                    r
                }
                _ if !fired => None,
                NodeOp::Queue(batches) => Some(Rc::new(queue::batch_rdd(batches, batch))),
                NodeOp::TextInput => Some(Rc::new(text_input::batch_rdd(&self.pending[i]))),
                NodeOp::Generator(g) => Some(Rc::new(g.batch_rdd(t, b))),
                NodeOp::Output { action, accumulate } => {
                    if let Some(input) = staged.out[node.inputs[0]].clone() {
                        let e = run(action, &input, *accumulate, &mut staged.accumulators[i])
                            .map_err(fail)?;
                        outputs.push(OutputLine {
                            batch,
                            time_ms: t,
                            output: node.id.clone(),
                            records: e.records.clone(),
                            ordered: node.ordered,
                            more: e.more,
                        });
                        emitted = Some(e.records);
                    }
                    None
                }
                NodeOp::MapWithState(f, timeout, parts) => {
                    match staged.out[node.inputs[0]].clone() {
                        Some(input) => {
                            // The state (key, state, updated) lives in the window slot, so
                            // checkpoints carry it; full scans where Spark checkpoints it.
                            let prev = self.last_window[i].as_ref().map(|(_, r)| r.clone());
                            let scan = map_with_state::FULL_SCAN_EVERY_SLIDES * node.slide_ms;
                            let (mapped, st) = map_with_state::map_with_state(
                                prev.as_deref(),
                                &input,
                                f,
                                t,
                                *timeout,
                                t.is_multiple_of(scan),
                                *parts,
                            )
                            .map_err(fail)?;
                            state_keys = Some(st.count());
                            staged.window[i] = Some(Rc::new(st));
                            Some(Rc::new(mapped))
                        }
                        None => None,
                    }
                }
                NodeOp::UpdateStateByKey(f, parts) => match staged.out[node.inputs[0]].clone() {
                    Some(input) => {
                        let prev = t
                            .checked_sub(node.slide_ms)
                            .and_then(|p| self.history[i].get(&p).cloned());
                        let r = state::update_state_by_key(prev.as_deref(), &input, f, *parts)
                            .map_err(fail)?;
                        state_keys = Some(r.count());
                        Some(Rc::new(r))
                    }
                    None => None,
                },
                NodeOp::ReduceByKey(..) if fed.is_some() => fed.map(|p| Rc::new(p.to_rdd())),
                op => {
                    let ins: Option<Vec<RddRef>> =
                        node.inputs.iter().map(|&j| staged.out[j].clone()).collect();
                    match ins {
                        Some(ins) => Some(Rc::new(per_batch(op, &ins).map_err(fail)?)),
                        None => None,
                    }
                }
            };
            if matches!(
                node.op,
                NodeOp::Queue(_) | NodeOp::TextInput | NodeOp::Generator(_)
            ) {
                input_records += result.as_ref().map_or(0, |r| r.count());
            }
            let elapsed_ms = self.now() - t0;
            let report = match (&result, emitted) {
                (Some(r), _) => NodeReport {
                    id: node.id.clone(),
                    fired: true,
                    count: r.count(),
                    partitions: r.partition_counts(),
                    sample: r.iter().take(self.sample_limit).cloned().collect(),
                    elapsed_ms,
                    state_keys,
                    window: span,
                    fused_into: None,
                },
                (None, Some(records)) => NodeReport {
                    id: node.id.clone(),
                    fired: true,
                    count: records.len() as u64,
                    partitions: vec![records.len() as u64],
                    sample: records.into_iter().take(self.sample_limit).collect(),
                    elapsed_ms,
                    state_keys: None,
                    window: None,
                    fused_into: None,
                },
                (None, None) => NodeReport {
                    elapsed_ms,
                    ..NodeReport::idle(&node.id)
                },
            };
            reports.push(report);
            staged.out[i] = result;
        }
        self.commit(staged, t);
        self.batches_run += 1;
        Ok(BatchReport {
            batch,
            time_ms: t,
            nodes: reports,
            outputs,
            input_records,
            processing_ms: self.now() - start,
        })
    }

    /// Adds fusible node `i` to the chain its input ends (or starts one at a computed input).
    fn extend_chain(
        &self,
        chain: Option<Chain>,
        i: usize,
        staged: &Staged,
        fired: bool,
    ) -> Option<Chain> {
        let input = self.plan.nodes[i].inputs[0];
        match (fired, staged.out[input].clone(), chain) {
            (false, _, _) => None,
            (true, Some(source), _) => Some(Chain {
                source,
                nodes: vec![i],
            }),
            (true, None, Some(mut c)) if c.nodes.last() == Some(&input) => {
                c.nodes.push(i);
                Some(c)
            }
            _ => None,
        }
    }

    /// Runs a fused chain into the reduce of node `sink`: its map-side pairs, with the fused
    /// nodes' reports filled in. If anything fails, the chain's nodes are computed one by one
    /// instead (into `staged`, and `None` returned), so the error is the unfused one.
    fn run_chain(
        &self,
        sink: usize,
        c: &Chain,
        staged: &mut Staged,
        reports: &mut [NodeReport],
        batch: u64,
        t: u64,
    ) -> Result<Option<PairRdd>, BatchError> {
        let limit = self.sample_limit;
        if let Some((keying, f, parts)) = fused::sink_reduce(&self.plan.nodes[sink].op) {
            if let Ok((pairs, taps)) = fused::reduce_by_key(&self.plan, c, keying, parts, f, limit)
            {
                let into = &self.plan.nodes[sink].id;
                for (&k, tap) in c.nodes.iter().zip(taps) {
                    reports[k].fused_into = Some(into.clone());
                    reports[k].fired = true;
                    reports[k].count = tap.count();
                    reports[k].partitions = tap.partitions;
                    reports[k].sample = tap.sample;
                }
                return Ok(Some(pairs));
            }
        }
        let mut input = c.source.clone();
        for &k in &c.nodes {
            let node = &self.plan.nodes[k];
            let t0 = self.now();
            let r = per_batch(&node.op, &[input]).map_err(|e| BatchError {
                batch,
                time_ms: t,
                node: node.id.clone(),
                record: e.record,
                message: e.message,
            })?;
            input = Rc::new(r);
            let report = &mut reports[k];
            report.fired = true;
            report.count = input.count();
            report.partitions = input.partition_counts();
            report.sample = input.iter().take(limit).cloned().collect();
            report.elapsed_ms = self.now() - t0;
            staged.out[k] = Some(input.clone());
        }
        Ok(None)
    }

    /// A windowed node: records the parent's per-batch reduction at every parent time, and
    /// at its own slide times combines the covered ones (incrementally with an inverse).
    /// `fed`: the reduction, already made by a fused chain.
    #[allow(clippy::too_many_arguments)]
    fn compute_window(
        &self,
        i: usize,
        node: &PlanNode,
        w: &WindowOp,
        staged: &mut Staged,
        t: u64,
        fired: bool,
        fed: Option<PairRdd>,
    ) -> Result<Option<RddRef>, OpError> {
        let parent = node.inputs[0];
        let ps = w.parent_slide_ms;
        if let Some(pairs) = fed {
            staged.reduced[i] = Some(Rc::new(pairs));
        } else if let Some(p) = staged.out[parent].clone() {
            let pre = match &w.kind {
                WindowKind::Plain => None,
                WindowKind::Keyed {
                    keying,
                    f,
                    partitions,
                    ..
                } => Some(keyed::reduce_by_key_iter(
                    p.iter(),
                    *keying,
                    *partitions,
                    f,
                )?),
                WindowKind::Grouped(parts) => Some(keyed::group_pairs(&p, *parts)?),
            };
            staged.reduced[i] = pre.map(Rc::new);
        }
        if !fired {
            return Ok(None);
        }
        let gather = |times: Vec<u64>| -> Vec<Rc<PairRdd>> {
            times
                .into_iter()
                .filter_map(|p| self.reduced_at(staged, i, p, t))
                .collect()
        };
        Ok(Some(match &w.kind {
            WindowKind::Plain => {
                let rdds: Vec<RddRef> = covered(t, w.window_ms, ps)
                    .into_iter()
                    .filter_map(|p| self.rdd_at(staged, parent, p, t))
                    .collect();
                let r: Vec<&Rdd> = rdds.iter().map(|r| &**r).collect();
                Rc::new(window::window(&r))
            }
            WindowKind::Grouped(parts) => {
                let rdds = gather(covered(t, w.window_ms, ps));
                let r: Vec<&PairRdd> = rdds.iter().map(|r| &**r).collect();
                Rc::new(window::group_full(&r, *parts)?)
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
                        let rdds = gather(covered(t, w.window_ms, ps));
                        let r: Vec<&PairRdd> = rdds.iter().map(|r| &**r).collect();
                        window::reduce_full(&r, f, *partitions)?
                    }
                    Some(inv) => {
                        let prev = match &self.last_window[i] {
                            Some((time, r)) if *time + w.slide_ms == t => Some(r.clone()),
                            _ => None,
                        };
                        let old = gather(leaving(t, w.window_ms, w.slide_ms, ps));
                        let new = gather(entering(t, w.slide_ms, ps));
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
                let keyed_window = Rc::new(keyed_window);
                staged.window[i] = Some(keyed_window.clone());
                if *values_only {
                    Rc::new(window::values_only(&keyed_window)?)
                } else {
                    keyed_window
                }
            }
        }))
    }

    fn commit(&mut self, staged: Staged, t: u64) {
        self.last.clone_from(&staged.out);
        self.last_time = Some(t);
        for (i, node) in self.plan.nodes.iter().enumerate() {
            if let Some(r) = &staged.out[i] {
                self.history[i].insert(t, r.clone());
            }
            let keep = node.remember_ms;
            forget_before(&mut self.history[i], keep, t);
            if let Some(mut r) = staged.reduced[i].clone() {
                let window = staged.window[i]
                    .as_ref()
                    .or(self.last_window[i].as_ref().map(|(_, w)| w));
                if let (Some(window), Some(pairs)) = (window, Rc::get_mut(&mut r)) {
                    share_keys(pairs, window);
                }
                self.reduced[i].insert(t, r);
            }
            if let NodeOp::Window(w) = &node.op {
                // The next slide still removes the batches in (t' - slide - window, t' - window].
                let keep = w.window_ms + w.slide_ms;
                forget_before(&mut self.reduced[i], keep, t);
            }
            if let Some(r) = &staged.window[i] {
                self.last_window[i] = Some((t, r.clone()));
            }
            if matches!(node.op, NodeOp::TextInput) && staged.out[i].is_some() {
                self.pending[i].clear();
            }
        }
        self.accumulators = staged.accumulators;
    }

    /// Which records of the last batch derive from `record` of node `node` (see
    /// `lineage.rs`); a record not in that batch gives an empty lineage with a reason.
    pub fn follow(&self, node: &str, record: &Value) -> Result<Lineage, SpecError> {
        self.lineage(node, record)
    }

    /// Runs the spec's `ticks` batches and returns every output line (replay CLI, tests).
    pub fn replay(&mut self) -> Result<Vec<OutputLine>, BatchError> {
        let mut lines = Vec::new();
        for _ in 0..self.plan.ticks {
            lines.extend(self.tick()?.outputs);
        }
        Ok(lines)
    }
}

/// Makes the kept per-batch pairs use the window's own key values where they are equal, so
/// a long window holds one copy of each key instead of pinning every batch's strings (and
/// the allocator keeps a compact heap). O(keys in the batch + keys in the window).
fn share_keys(pairs: &mut PairRdd, window: &Rdd) {
    let keys: rustc_hash::FxHashSet<&Value> = window
        .iter()
        .filter_map(|r| r.as_pair().map(|(k, _)| k))
        .collect();
    for (k, _) in pairs.parts.iter_mut().flatten() {
        if let Some(shared) = keys.get(&*k) {
            *k = (*shared).clone();
        }
    }
}

/// Drops the RDDs older than `keep` ms before `t`, oldest first: O(dropped), not O(kept),
/// so a long window's history costs nothing per tick.
fn forget_before<V>(history: &mut BTreeMap<u64, V>, keep: u64, t: u64) {
    while let Some((&time, _)) = history.first_key_value() {
        if time.saturating_add(keep) > t {
            break;
        }
        history.pop_first();
    }
}

/// The per-batch ops: inputs at this batch time in, the node's RDD out.
fn per_batch(op: &NodeOp, ins: &[RddRef]) -> Result<Rdd, OpError> {
    let a = &ins[0];
    Ok(match op {
        NodeOp::Map(f) => stateless::map(a, f)?,
        NodeOp::FlatMap(f) => stateless::flat_map(a, f)?,
        NodeOp::Filter(f) => stateless::filter(a, f)?,
        NodeOp::MapValues(f) => stateless::map_values(a, f)?,
        NodeOp::FlatMapValues(f) => stateless::flat_map_values(a, f)?,
        NodeOp::ReduceByKey(f, parts) => keyed::reduce_by_key(a, *parts, f)?,
        NodeOp::GroupByKey(parts) => keyed::group_by_key(a, *parts)?,
        NodeOp::CountByValue(parts) => keyed::count_by_value(a, *parts),
        NodeOp::Count => stateless::count(a, crate::rdd::DEFAULT_PARTITIONS),
        NodeOp::Reduce(f) => stateless::reduce(a, f)?,
        NodeOp::Repartition(parts) => stateless::repartition(a, *parts),
        NodeOp::Union => {
            let r: Vec<&Rdd> = ins.iter().map(|r| &**r).collect();
            stateless::union(&r)
        }
        NodeOp::Join(kind, parts) => join::join(a, &ins[1], *parts, *kind)?,
        NodeOp::Cogroup(parts) => join::cogroup(a, &ins[1], *parts)?,
        NodeOp::Intersection => transform::intersection(a, &ins[1]),
        NodeOp::Subtract => transform::subtract(a, &ins[1]),
        NodeOp::Cartesian => transform::cartesian(a, &ins[1]),
        NodeOp::Transform(ops) => {
            let mut cur: Rdd = (**a).clone();
            for op in ops {
                cur = match op {
                    RddOp::Distinct => transform::distinct(&cur),
                    RddOp::Sample { fraction, seed } => transform::sample(&cur, *fraction, *seed),
                    RddOp::SortBy(f, asc) => transform::sort_by(&cur, f, *asc)?,
                    RddOp::SortByKey(asc) => transform::sort_by_key(&cur, *asc)?,
                    RddOp::Take(n) => transform::take(&cur, *n),
                    RddOp::Top(n, key) => Rdd::new(vec![transform::top(&cur, *n, key.as_ref())?]),
                };
            }
            cur
        }
        // Sources, windows, state and outputs are handled by the engine itself.
        _ => Rdd::empty(1),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lambda::EvalError;
    use crate::rdd::func;

    /// An engine over `nodes` (the spec's node list, as JSON objects), 1 s batches.
    pub(crate) fn engine(nodes: &str) -> Engine {
        let json = format!(r#"{{"version": 1, "batch_interval_ms": 1000, "nodes": [{nodes}]}}"#);
        match Engine::from_json(&json) {
            Ok(e) => e,
            Err(errs) => panic!("{errs:?}"),
        }
    }

    /// A map that fails on the record "bad", standing in for a lambda like `s => s.toInt`.
    fn failing_map() -> NodeOp {
        NodeOp::Map(func(|a: &[Value]| match &a[0] {
            Value::Str(s) if &**s == "bad" => Err(EvalError {
                message: "java.lang.NumberFormatException: For input string: \"bad\"".into(),
            }),
            v => Ok(v.clone()),
        }))
    }

    #[test]
    fn a_failed_tick_changes_nothing_and_the_batch_is_retried() {
        let mut e = engine(
            r#"{"id": "q", "op": "queueStream", "batches": [["a"], ["bad", "b"], ["c"]]},
               {"id": "m", "op": "repartition", "inputs": ["q"], "partitions": 2},
               {"id": "w", "op": "window", "inputs": ["m"], "window_ms": 3000},
               {"id": "out", "op": "foreachRDD", "inputs": ["w"], "action": "count", "accumulate": true}"#,
        );
        e.plan.nodes[1].op = failing_map();
        let r0 = e.tick().unwrap();
        assert_eq!(r0.outputs[0].records, vec![Value::Int(1)]);
        for _ in 0..2 {
            let err = e.tick().unwrap_err();
            assert_eq!((err.batch, err.time_ms, err.node.as_str()), (1, 2000, "m"));
            assert_eq!(err.record.as_deref(), Some("\"bad\""));
            assert!(err.to_string().contains("NumberFormatException"), "{err}");
            assert_eq!(e.batches_run(), 1);
            assert_eq!(e.next_time_ms(), 2000);
        }
        // Fixed: the same batch (with "bad") runs; the window and the running count go on
        // from where they were.
        e.plan.nodes[1].op = NodeOp::Repartition(2);
        let r1 = e.tick().unwrap();
        assert_eq!(r1.batch, 1);
        assert_eq!(r1.nodes[0].count, 2);
        // window holds 3 records; accumulated count 1 + 3.
        assert_eq!(r1.outputs[0].records, vec![Value::Int(4)]);
    }

    #[test]
    fn fed_lines_survive_a_failed_tick() {
        let mut e = engine(
            r#"{"id": "in", "op": "textInput"},
               {"id": "m", "op": "repartition", "inputs": ["in"], "partitions": 1},
               {"id": "out", "op": "foreachRDD", "inputs": ["m"], "action": "collect"}"#,
        );
        e.feed("in", vec![Value::str("ok"), Value::str("bad")])
            .unwrap();
        e.plan.nodes[1].op = failing_map();
        assert!(e.tick().is_err());
        e.plan.nodes[1].op = NodeOp::Repartition(1);
        let r = e.tick().unwrap();
        assert_eq!(
            r.outputs[0].records,
            vec![Value::str("ok"), Value::str("bad")]
        );
        assert_eq!(r.input_records, 2);
        // Consumed: the next batch is empty.
        assert!(e.tick().unwrap().outputs[0].records.is_empty());
        assert!(e.feed("m", vec![Value::str("x")]).is_err());
        assert!(e.feed("in", vec![Value::Int(1)]).is_err());
    }

    #[test]
    fn reports_show_windows_firing_only_at_slide_times() {
        let mut e = engine(
            r#"{"id": "q", "op": "queueStream", "batches": [["a", "b"], ["c"], [], ["d"]]},
               {"id": "c", "op": "countByValueAndWindow", "inputs": ["q"], "window_ms": 3000, "slide_ms": 2000},
               {"id": "out", "op": "print", "inputs": ["c"], "num": 1}"#,
        );
        e.set_sample_limit(1);
        let r0 = e.tick().unwrap();
        assert_eq!(r0.nodes.len(), 3);
        assert!(r0.nodes[0].fired && !r0.nodes[1].fired && !r0.nodes[2].fired);
        assert!(r0.outputs.is_empty());
        assert_eq!(r0.nodes[0].partitions, vec![1, 1]);
        let r1 = e.tick().unwrap();
        let c = &r1.nodes[1];
        assert!(c.fired);
        assert_eq!(c.count, 3);
        assert_eq!(c.sample.len(), 1);
        assert_eq!(c.state_keys, Some(3));
        assert_eq!(
            c.window,
            Some(WindowSpan {
                covers: vec![0, 1],
                added: vec![0, 1],
                removed: vec![]
            })
        );
        assert_eq!(r1.outputs[0].records.len(), 1);
        assert!(r1.outputs[0].more);
        e.tick().unwrap();
        let r3 = e.tick().unwrap();
        assert_eq!(
            r3.nodes[1].window,
            Some(WindowSpan {
                covers: vec![1, 2, 3],
                added: vec![2, 3],
                removed: vec![0]
            })
        );
        // a and b fell to zero and were filtered out; c and d remain.
        assert_eq!(r3.nodes[1].count, 2);
        assert_eq!(r3.outputs[0].records.len(), 1);
        assert!(r3.outputs[0].more);
    }

    #[test]
    fn a_window_of_a_window_counts_a_record_once_per_inner_window() {
        let mut e = engine(
            r#"{"id": "q", "op": "queueStream", "batches": [["a"], ["b"], ["c"]]},
               {"id": "inner", "op": "window", "inputs": ["q"], "window_ms": 2000},
               {"id": "outer", "op": "window", "inputs": ["inner"], "window_ms": 2000},
               {"id": "out", "op": "foreachRDD", "inputs": ["outer"], "action": "countByValue"}"#,
        );
        let lines = e.replay().unwrap();
        let at = |i: usize| {
            let mut v: Vec<String> = lines[i].records.iter().map(|r| r.to_string()).collect();
            v.sort();
            v
        };
        // inner@1000 = {a}, inner@2000 = {a, b}, inner@3000 = {b, c}.
        assert_eq!(at(0), ["(a,1)"]);
        assert_eq!(at(1), ["(a,2)", "(b,1)"]);
        assert_eq!(at(2), ["(a,1)", "(b,2)", "(c,1)"]);
    }

    fn sorted_lines(e: &mut Engine) -> Vec<Vec<String>> {
        e.replay()
            .unwrap()
            .iter()
            .map(|l| {
                let mut v: Vec<String> = l.records.iter().map(|r| r.to_string()).collect();
                v.sort();
                v
            })
            .collect()
    }

    #[test]
    fn group_by_key_and_window_concatenates_the_batches_groups() {
        let mut e = engine(
            r#"{"id": "q", "op": "queueStream", "batches": [[["a", 1], ["b", 2]], [["a", 3]], [["b", 4]]]},
               {"id": "g", "op": "groupByKeyAndWindow", "inputs": ["q"], "window_ms": 2000},
               {"id": "out", "op": "foreachRDD", "inputs": ["g"], "action": "collect"}"#,
        );
        let lines = sorted_lines(&mut e);
        assert_eq!(lines[0], ["(a,List(1))", "(b,List(2))"]);
        assert_eq!(lines[1], ["(a,List(1, 3))", "(b,List(2))"]);
        assert_eq!(lines[2], ["(a,List(3))", "(b,List(4))"]);
    }

    #[test]
    fn set_ops_between_streams_per_batch() {
        let mut e = engine(
            r#"{"id": "x", "op": "queueStream", "batches": [["a", "b", "b"], ["c"]]},
               {"id": "y", "op": "queueStream", "batches": [["b", "z"], []]},
               {"id": "u", "op": "union", "inputs": ["x", "y", "x"]},
               {"id": "i", "op": "intersection", "inputs": ["x", "y"]},
               {"id": "s", "op": "subtract", "inputs": ["x", "y"]},
               {"id": "c", "op": "cartesian", "inputs": ["x", "y"]},
               {"id": "uo", "op": "foreachRDD", "inputs": ["u"], "action": "count"},
               {"id": "io", "op": "foreachRDD", "inputs": ["i"], "action": "collect"},
               {"id": "so", "op": "foreachRDD", "inputs": ["s"], "action": "collect"},
               {"id": "co", "op": "foreachRDD", "inputs": ["c"], "action": "count"}"#,
        );
        let lines = sorted_lines(&mut e);
        assert_eq!(lines[0], ["8"]);
        assert_eq!(lines[1], ["b"]);
        assert_eq!(lines[2], ["a"]);
        assert_eq!(lines[3], ["6"]);
        assert_eq!(lines[4], ["2"]);
        assert!(lines[5].is_empty());
        assert_eq!(lines[6], ["c"]);
        assert_eq!(lines[7], ["0"]);
    }

    #[test]
    fn node_types_are_inferred_without_lambdas() {
        let e = engine(
            r#"{"id": "a", "op": "queueStream", "batches": [[["k", 1]]]},
               {"id": "b", "op": "queueStream", "batches": [[["k", "x"]]]},
               {"id": "j", "op": "leftOuterJoin", "inputs": ["a", "b"]},
               {"id": "g", "op": "cogroup", "inputs": ["a", "b"]},
               {"id": "c", "op": "countByValue", "inputs": ["a"]},
               {"id": "w", "op": "groupByKeyAndWindow", "inputs": ["a"], "window_ms": 2000}"#,
        );
        let ty = |id| e.node_type(id).map(|t| t.to_string());
        assert_eq!(ty("j").as_deref(), Some("(String, (Int, Option[String]))"));
        assert_eq!(
            ty("g").as_deref(),
            Some("(String, (List[Int], List[String]))")
        );
        assert_eq!(ty("c").as_deref(), Some("((String, Int), Int)"));
        assert_eq!(ty("w").as_deref(), Some("(String, List[Int])"));
    }

    #[test]
    fn generator_batches_have_rate_times_interval_records() {
        let json = r#"{"version": 1, "batch_interval_ms": 500, "ticks": 3, "nodes": [
            {"id": "g", "op": "generator", "kind": "sales", "rate_per_s": 40, "seed": 9},
            {"id": "out", "op": "foreachRDD", "inputs": ["g"], "action": "count"}]}"#;
        let run = || {
            let mut e = Engine::from_json(json).unwrap();
            e.replay().unwrap()
        };
        let lines = run();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.records == vec![Value::Int(20)]));
        let mut e = Engine::from_json(json).unwrap();
        let a = e.tick().unwrap().nodes[0].sample.clone();
        let mut e2 = Engine::from_json(json).unwrap();
        assert_eq!(a, e2.tick().unwrap().nodes[0].sample);
    }
}

//! The engine the app and the replay CLI drive: `feed` input, `tick` one batch, get a
//! `BatchReport`. A tick runs the batch's jobs (`jobs.rs`); like Spark's DStream graph,
//! every node keeps its computed RDDs (shared, immutable) by batch time only as long as a
//! later job may read them. A tick is transactional: everything it computes is staged, and
//! only a tick whose jobs all succeed commits, so a run-time error leaves the engine exactly
//! as it was (the batch, with its input, runs again).

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::error::{BatchError, SpecError};
use crate::input::InputLog;
use crate::jobs::{Mode, Staged};
use crate::lineage::Lineage;
use crate::ops::fused;
use crate::ops::window::{covered, entering, leaving};
use crate::plan::{validate, NodeOp, Plan, WindowKind};
use crate::rdd::{PairRdd, Rdd, RddRef};
use crate::report::{
    BatchReport, EarlierRdd, NodeReport, NotComputed, OutputLine, Peek, WindowSpan,
};
use crate::sources::text_input;
use crate::spec::PipelineSpec;
use crate::types::Type;
use crate::value::Value;

/// A running pipeline: one `StreamingContext`.
/// (`checkpoint.rs` snapshots and restores the crate-visible fields.)
pub struct Engine {
    pub(crate) spec: PipelineSpec,
    pub(crate) plan: Plan,
    pub(crate) batches_run: u64,
    /// Per node, what the next batches may still read.
    pub(crate) nodes: Vec<NodeRun>,
    /// The learner's input (typed lines by batch) and the blocks a kill lost.
    pub(crate) input: InputLog,
    /// Per output: the running value of `accumulate: true` (a driver-side accumulator,
    /// which a restored context starts at 0, as Spark's does).
    pub(crate) accumulators: Vec<Option<Value>>,
    /// Per node: its RDD at the last batch time, if a job computed it then (`None` too for a
    /// fused node: `last_fused`); what `follow` traces a record through.
    pub(crate) last: Vec<Option<RddRef>>,
    pub(crate) last_fused: Vec<bool>,
    pub(crate) last_time: Option<u64>,
    /// Per reduce a fused chain feeds: the chain's nodes, in order.
    pub(crate) chains: Vec<Option<Vec<usize>>>,
    /// Per node: who reads its RDDs after the batch they belong to.
    pub(crate) readers: Vec<Vec<Reader>>,
    stopwatch: Option<Box<dyn Fn() -> f64>>,
    pub(crate) sample_limit: usize,
}

/// What one node keeps across batches.
#[derive(Clone, Default)]
pub(crate) struct NodeRun {
    /// Its computed RDDs by batch time (an updateStateByKey's state is its latest).
    pub history: BTreeMap<u64, RddRef>,
    /// A window: the parent's per-batch reduced (or grouped) pairs, by parent time.
    pub reduced: BTreeMap<u64, Rc<PairRdd>>,
    /// A keyed window: its value at its last slide (an incremental window's next start).
    pub window: Option<(u64, RddRef)>,
    /// mapWithState: its state records `(key, state, updated_ms)` after its last batch.
    pub state: Option<(u64, RddRef)>,
    /// The latest batch time a job computed this node at (0: none since this engine
    /// started), and a window's latest reduced parent time: what its inputs' kept RDDs
    /// are still read for.
    pub computed_to: u64,
    pub reduced_to: u64,
}

/// Who reads a node's kept RDDs in a later job.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Reader {
    /// A plain window: at every slide its length covers (`lag`: how late its job may run).
    Window { window_ms: u64, lag_ms: u64 },
    /// A keyed window reduces each batch once (the parent's RDD, or a chain's source).
    Reduces(usize),
    /// A node computes from it once per batch (through a fused chain: its reduce).
    Computes(usize),
}

/// What [`Engine::run_to`] ran: the reports of the batches that ran, and the run-time error
/// that stopped it, if one did (the engine is then before that batch).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Replay {
    pub reports: Vec<BatchReport>,
    pub error: Option<BatchError>,
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

/// Per node, the reachable nodes that read it (a fused node stands for the reduce it runs in).
fn readers(plan: &Plan, chains: &[Option<Vec<usize>>]) -> Vec<Vec<Reader>> {
    let sink_of = |c: usize| {
        chains
            .iter()
            .position(|ch| ch.as_ref().is_some_and(|ch| ch.contains(&c)))
    };
    (0..plan.nodes.len())
        .map(|i| {
            plan.nodes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.reachable && c.inputs.contains(&i))
                .map(|(c, node)| {
                    let reader = sink_of(c).unwrap_or(c);
                    match plan.nodes[reader].op.window().map(|w| (w, &w.kind)) {
                        Some((w, WindowKind::Plain)) => Reader::Window {
                            window_ms: w.window_ms,
                            lag_ms: node.lag_ms,
                        },
                        Some((_, WindowKind::Keyed { .. } | WindowKind::Grouped(_))) => {
                            Reader::Reduces(reader)
                        }
                        None => Reader::Computes(reader),
                    }
                })
                .collect()
        })
        .collect()
}

/// For each reduce that a chain of fusible nodes feeds, the chain (`ops/fused.rs`).
fn chains(plan: &Plan) -> Vec<Option<Vec<usize>>> {
    let fusible = fused::fusible(plan);
    (0..plan.nodes.len())
        .map(|i| {
            fused::sink_reduce(&plan.nodes[i].op)?;
            let mut start = i;
            while start > 0 && fusible[start - 1] && plan.nodes[start].inputs == [start - 1] {
                start -= 1;
            }
            (start < i).then(|| (start..i).collect())
        })
        .collect()
}

impl Engine {
    /// A new context for `spec`, refused as `ssc.start()` refuses it (see `plan::validate`).
    pub fn new(spec: PipelineSpec) -> Result<Engine, Vec<SpecError>> {
        let plan = validate(&spec)?;
        let n = plan.nodes.len();
        let chains = chains(&plan);
        Ok(Engine {
            readers: readers(&plan, &chains),
            chains,
            spec,
            plan,
            batches_run: 0,
            nodes: vec![NodeRun::default(); n],
            input: InputLog::default(),
            accumulators: vec![None; n],
            last: vec![None; n],
            last_fused: vec![false; n],
            last_time: None,
            stopwatch: default_stopwatch(),
            sample_limit: 20,
        })
    }

    pub fn from_json(text: &str) -> Result<Engine, Vec<SpecError>> {
        Engine::new(PipelineSpec::from_json(text).map_err(|e| vec![e])?)
    }

    /// A new context for `spec` that replays `input`: when it ticks batch `k`, its textInput
    /// nodes receive the lines logged for batch `k` (lines of a node the spec no longer has
    /// stay in the log, unread), and a queue's or generator's lost blocks stay lost. Ticked
    /// up to the batch an old run had reached, it is that run under the edited pipeline.
    pub fn with_input(spec: PipelineSpec, input: InputLog) -> Result<Engine, Vec<SpecError>> {
        let mut e = Engine::new(spec)?;
        e.input = input;
        Ok(e)
    }

    pub fn spec(&self) -> &PipelineSpec {
        &self.spec
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The inferred record type of a node's output (for an output node: of its records).
    pub fn node_type(&self, id: &str) -> Option<&Type> {
        self.plan.node_type(id)
    }

    pub fn batches_run(&self) -> u64 {
        self.batches_run
    }

    pub fn next_time_ms(&self) -> u64 {
        (self.batches_run + 1) * self.plan.batch_interval_ms
    }

    /// The input so far: every typed line with its batch, and what kills lost.
    pub fn input_log(&self) -> &InputLog {
        &self.input
    }

    /// Queues lines for a `textInput` node: they go into the next batch (the log keeps them).
    pub fn feed(&mut self, node: &str, records: Vec<Value>) -> Result<(), SpecError> {
        let Some(i) = self.plan.index(node) else {
            return Err(SpecError::node(node, "no node has this id"));
        };
        if !matches!(self.plan.nodes[i].op, NodeOp::TextInput) {
            return Err(SpecError::node(
                node,
                format!(
                    "only a textInput node takes typed input; this is {}",
                    self.plan.nodes[i].op_name()
                ),
            ));
        }
        if let Some(bad) = records.iter().find(|r| !text_input::accepts(r)) {
            return Err(SpecError::node(
                node,
                format!("a textInput takes String lines, got {}", bad.type_of()),
            ));
        }
        let lines = records.into_iter().map(|r| match r {
            Value::Str(s) => s,
            other => other.to_string().into(),
        });
        self.input.push(self.batches_run, node, lines);
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

    /// Takes an old context's stopwatch and sample limit (a restart keeps the page's).
    pub(crate) fn take_settings(&mut self, old: &mut Engine) {
        self.stopwatch = old.stopwatch.take();
        self.sample_limit = old.sample_limit;
    }

    pub(crate) fn now(&self) -> f64 {
        self.stopwatch.as_ref().map_or(0.0, |f| f())
    }

    /// Runs the next batch: at its time, one job per output op whose stream fires, in output
    /// order. On error nothing changes and the same batch (with the same input) runs on retry.
    pub fn tick(&mut self) -> Result<BatchReport, BatchError> {
        let start = self.now();
        let batch = self.batches_run;
        let t = (batch + 1) * self.plan.batch_interval_ms;
        let mut st = Staged::new(self.plan.nodes.len(), &self.accumulators);
        let mut jobs = Vec::new();
        for o in 0..self.plan.nodes.len() {
            let node = &self.plan.nodes[o];
            if node.is_output() && node.defined_at(t) {
                self.run_job(&mut st, o, t, Mode::JOBS)?;
                jobs.push(node.id.clone());
            }
        }
        let mut report = self.report(&st, batch, t, jobs);
        self.commit(st, t);
        self.batches_run += 1;
        report.processing_ms = self.now() - start;
        Ok(report)
    }

    /// Ticks until `batches` batches have run, or a run-time error stops it (a new context
    /// replaying its input up to where the old run was).
    pub fn run_to(&mut self, batches: u64) -> Replay {
        let mut reports = Vec::new();
        while self.batches_run < batches {
            match self.tick() {
                Ok(r) => reports.push(r),
                Err(e) => {
                    return Replay {
                        reports,
                        error: Some(e),
                    }
                }
            }
        }
        Replay {
            reports,
            error: None,
        }
    }

    /// What node `node` would hold at the last batch time, computed without changing the
    /// engine: for a node no output uses, or whose RDD no job needed at that time, a peek
    /// (Spark never computes it; `Peek::computed` is false). Its inputs come from what the
    /// engine kept or are computed again from the sources and the input log.
    pub fn peek(&self, node: &str) -> Result<Peek, SpecError> {
        let Some(i) = self.plan.index(node) else {
            return Err(SpecError::node(node, "no node has this id"));
        };
        let Some(t) = self.last_time else {
            return Err(SpecError::node(node, "no batch has run yet"));
        };
        let b = self.plan.batch_interval_ms;
        let pn = &self.plan.nodes[i];
        let mut peek = Peek {
            node: node.to_string(),
            batch: t / b - 1,
            time_ms: t,
            computed: false,
            defined: pn.defined_at(t),
            count: 0,
            partitions: Vec::new(),
            sample: Vec::new(),
            note: String::new(),
        };
        if !peek.defined {
            peek.note = format!(
                "it defines no RDD at {t} ms: it computes every {} ms",
                pn.slide_ms
            );
            return Ok(peek);
        }
        let mut st = Staged::new(self.plan.nodes.len(), &self.accumulators);
        let kept = self.last[i].clone();
        let records: Vec<Value> = match kept {
            Some(r) => {
                peek.computed = true;
                peek.partitions = r.partition_counts();
                r.collect()
            }
            None => {
                // An output keeps no RDD; its job ran at every one of its slide times.
                peek.computed = pn.is_output();
                self.compute_for(&mut st, i, t, Mode::PEEK)
                    .map_err(|e| SpecError::node(node, format!("the peek failed: {e}")))?;
                match (st.out[i].get(&t), st.emitted[i].take()) {
                    (Some(r), _) => {
                        peek.partitions = r.partition_counts();
                        r.collect()
                    }
                    (None, Some(lines)) => {
                        peek.partitions = vec![lines.len() as u64];
                        lines
                    }
                    (None, None) => Vec::new(),
                }
            }
        };
        peek.count = records.len() as u64;
        peek.sample = records.into_iter().take(self.sample_limit).collect();
        peek.note = if peek.computed {
            format!("computed at {t} ms by a job: this is what the report shows")
        } else if pn.reachable {
            format!("a peek: no job at {t} ms needed this RDD, so Spark had not computed it yet")
        } else {
            "a peek Spark does not do: no output operation uses this node, so Spark never \
             computes it (DStreams are lazy)"
                .to_string()
        };
        Ok(peek)
    }

    /// The batch's report, from what its jobs computed.
    fn report(&self, st: &Staged, batch: u64, t: u64, jobs: Vec<String>) -> BatchReport {
        let b = self.plan.batch_interval_ms;
        let id = |k: usize| self.plan.nodes[k].id.clone();
        let mut nodes = Vec::with_capacity(self.plan.nodes.len());
        for (i, node) in self.plan.nodes.iter().enumerate() {
            let mut r = NodeReport::idle(&node.id);
            r.elapsed_ms = st.elapsed_ms[i];
            let mut done: Vec<_> = st.done[i].iter().collect();
            done.sort_by_key(|d| d.time);
            r.computed_times_ms = done.iter().map(|d| d.time).collect();
            for d in &done {
                if d.time == t {
                    r.fired = true;
                    r.count = d.count;
                    r.partitions = d.partitions.clone();
                    r.sample = d.sample.clone();
                    r.state_keys = d.state_keys;
                    r.state = d.state.clone();
                    r.fused_into = d.fused_into.map(id);
                    r.computed_by = Some(id(d.job));
                    r.computed_at_ms = Some(t);
                } else {
                    r.earlier.push(EarlierRdd {
                        batch: d.time / b - 1,
                        time_ms: d.time,
                        computed_by: id(d.job),
                        count: d.count,
                        partitions: d.partitions.clone(),
                        sample: d.sample.clone(),
                        fused_into: d.fused_into.map(id),
                        state: d.state.clone(),
                    });
                }
            }
            if r.fired {
                if let NodeOp::Window(w) = &node.op {
                    r.window = Some(WindowSpan {
                        covers: batch_indices(&covered(t, w.window_ms, b), b),
                        added: batch_indices(&entering(t, w.slide_ms, b), b),
                        removed: batch_indices(&leaving(t, w.window_ms, w.slide_ms, b), b),
                    });
                }
            } else {
                r.not_computed = Some(if !node.reachable {
                    NotComputed::NoOutput
                } else if !node.defined_at(t) {
                    NotComputed::NotASlideTime
                } else {
                    NotComputed::NotYet
                });
            }
            nodes.push(r);
        }
        let input_records = (0..self.plan.nodes.len())
            .filter(|&i| self.plan.nodes[i].is_source())
            .map(|i| self.source_count(i, batch))
            .sum();
        BatchReport {
            batch,
            time_ms: t,
            nodes,
            outputs: st.lines.clone(),
            jobs,
            input_records,
            processing_ms: 0.0,
        }
    }

    /// Whether node `i`'s RDD at `p` may still be read by a job after batch time `t`: within
    /// its retention, by its own next state (updateStateByKey), a plain window still
    /// covering it, or a reader that has not computed that batch yet.
    pub(crate) fn still_read(&self, i: usize, p: u64, t: u64) -> bool {
        let node = &self.plan.nodes[i];
        if p + node.retain_ms <= t {
            return false;
        }
        if matches!(node.op, NodeOp::UpdateStateByKey(..))
            && self.nodes[i].history.keys().next_back() == Some(&p)
        {
            return true;
        }
        self.readers[i].iter().any(|r| match *r {
            Reader::Window { window_ms, lag_ms } => p + window_ms + lag_ms > t,
            Reader::Reduces(w) => p > self.nodes[w].reduced_to,
            Reader::Computes(c) => p > self.nodes[c].computed_to,
        })
    }

    fn commit(&mut self, st: Staged, t: u64) {
        for (i, run) in self.nodes.iter_mut().enumerate() {
            self.last[i] = st.out[i].get(&t).cloned();
            self.last_fused[i] = st.done[i]
                .iter()
                .any(|d| d.time == t && d.fused_into.is_some());
            if let Some(m) = st.done[i].iter().map(|d| d.time).max() {
                run.computed_to = run.computed_to.max(m);
            }
            if let Some(m) = st.reduced[i].keys().next_back() {
                run.reduced_to = run.reduced_to.max(*m);
            }
            for (time, r) in &st.out[i] {
                run.history.insert(*time, r.clone());
            }
            if let Some((time, w)) = st.window[i].iter().next_back() {
                run.window = Some((*time, w.clone()));
            }
            if let Some((time, s)) = st.state[i].iter().next_back() {
                run.state = Some((*time, s.clone()));
            }
            for (time, r) in &st.reduced[i] {
                let mut r = r.clone();
                if let (Some((_, window)), Some(pairs)) = (&run.window, Rc::get_mut(&mut r)) {
                    share_keys(pairs, window);
                }
                run.reduced.insert(*time, r);
            }
        }
        for i in 0..self.nodes.len() {
            // Oldest first: what is no longer read goes (a later entry is read at least as
            // long as an earlier one).
            let gone: Vec<u64> = self.nodes[i]
                .history
                .keys()
                .take_while(|p| !self.still_read(i, **p, t))
                .copied()
                .collect();
            let run = &mut self.nodes[i];
            for p in gone {
                run.history.remove(&p);
            }
            if let NodeOp::Window(w) = &self.plan.nodes[i].op {
                // The next slides still remove the batches in (t' - slide - window, t' - window].
                let keep = w.window_ms + w.slide_ms + self.plan.nodes[i].lag_ms;
                forget_before(&mut run.reduced, keep, t);
            }
        }
        self.accumulators = st.accumulators;
        self.last_time = Some(t);
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

/// Drops the entries older than `keep` ms before `t`, oldest first: O(dropped), not
/// O(kept), so a long window's history costs nothing per tick.
fn forget_before<V>(history: &mut BTreeMap<u64, V>, keep: u64, t: u64) {
    while let Some((&time, _)) = history.first_key_value() {
        if time.saturating_add(keep) > t {
            break;
        }
        history.pop_first();
    }
}
#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rdd::Func;
    use crate::types::Type;

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
        NodeOp::Map(Func::builtin(
            "s => if (s == \"bad\") s.toInt.toString else s",
            vec![Type::String],
        ))
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
        // No job at 1 s: the queue's batch waits for the window's job at 2 s.
        assert!(r0.nodes.iter().all(|n| !n.fired));
        assert!(r0.outputs.is_empty() && r0.jobs.is_empty());
        assert_eq!(r0.input_records, 2);
        assert_eq!(r0.nodes[0].not_computed, Some(NotComputed::NotYet));
        assert_eq!(r0.nodes[1].not_computed, Some(NotComputed::NotASlideTime));
        let r1 = e.tick().unwrap();
        assert_eq!(r1.jobs, ["out"]);
        let q = &r1.nodes[0];
        assert_eq!(q.computed_times_ms, [1000, 2000]);
        assert_eq!(q.earlier[0].partitions, vec![1, 1]);
        assert_eq!(q.earlier[0].computed_by, "out");
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
    fn node_types_are_inferred_without_lambdas_and_without_an_output() {
        // No output op: Spark would not start it, but the DAG's types are known.
        let json = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
               {"id": "a", "op": "queueStream", "batches": [[["k", 1]]]},
               {"id": "b", "op": "queueStream", "batches": [[["k", "x"]]]},
               {"id": "j", "op": "leftOuterJoin", "inputs": ["a", "b"]},
               {"id": "g", "op": "cogroup", "inputs": ["a", "b"]},
               {"id": "c", "op": "countByValue", "inputs": ["a"]},
               {"id": "w", "op": "groupByKeyAndWindow", "inputs": ["a"], "window_ms": 2000}]}"#;
        let spec = PipelineSpec::from_json(json).unwrap();
        assert!(Engine::new(spec.clone()).is_err());
        let plan = crate::plan::plan(&spec).unwrap();
        let ty = |id| plan.node_type(id).map(|t| t.to_string());
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

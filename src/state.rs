//! The playground's state and the only place it changes: a plain `State`, the `Action`s a
//! learner's clicks and the batch timer map to, and `impl Reducible`. Stream results come
//! from the engine's `BatchReport`s; this module only stores them and keeps timing books.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::rc::Rc;

use dstream_engine::{
    validate, BatchError, BatchReport, Engine, Lineage, NodeSpec, OutputLine, PipelineSpec,
    SpecError, Value,
};
use yew::Reducible;

use crate::hooks::EngineWorker;
use crate::ui::examples::{self, Example};
use crate::ui::ops::{self, OpInfo};
use crate::worker_protocol::{Reply, Request};

/// Batches kept for the time axis and the node panels.
pub const HISTORY_LEN: usize = 12;
/// Ticks that may wait while the worker runs a batch (beyond that the page drops them).
pub const MAX_QUEUED: usize = 1000;
/// Batches kept for the metrics charts.
pub const METRICS_LEN: usize = 60;
/// Records per node the engine samples into each report (what the page can draw).
pub const SAMPLE_LIMIT: usize = 24;
/// The speeds the speed control offers.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 10.0];

/// Shares a value that has no useful equality (the engine, reports); two handles are equal
/// when they point at the same value, which is what a re-render needs to know.
pub struct Shared<T: ?Sized>(pub Rc<T>);

impl<T: ?Sized> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T: ?Sized> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: ?Sized> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Shared(..)")
    }
}

/// One batch as the page shows it: the engine's report plus when the timer wanted it and
/// when it ran (the app's own bookkeeping for scheduling delay).
#[derive(Clone, Debug)]
pub struct BatchView {
    pub report: Rc<BatchReport>,
    pub batch_interval_ms: u64,
    /// Page time (ms, `performance.now`) at which the tick was due.
    pub due_ms: f64,
    /// Page time at which the tick started.
    pub started_ms: f64,
    /// The engine worker computed it (its reply carried the report), not this thread.
    pub in_worker: bool,
}

impl BatchView {
    /// How long the batch waited for its turn (the timer or a previous batch ran late).
    pub fn scheduling_delay_ms(&self) -> f64 {
        (self.started_ms - self.due_ms).max(0.0)
    }
    /// Scheduling delay plus processing time, as on Spark's Streaming tab.
    pub fn total_delay_ms(&self) -> f64 {
        self.scheduling_delay_ms() + self.report.processing_ms
    }
    /// Input records per simulated second of this batch.
    pub fn input_rate(&self) -> f64 {
        if self.batch_interval_ms == 0 {
            return 0.0;
        }
        self.report.input_records as f64 * 1000.0 / self.batch_interval_ms as f64
    }
}

/// A record the learner clicked to follow through the DAG.
#[derive(Clone, Debug, PartialEq)]
pub struct Followed {
    pub node: String,
    pub record: Value,
}

/// Everything the page shows, in one plain value.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The pipeline being edited and run.
    pub spec: PipelineSpec,
    /// Gallery slug the pipeline came from, if any.
    pub example: Option<String>,
    /// `None` when the spec does not validate: nothing can run.
    pub engine: Option<Shared<RefCell<Engine>>>,
    /// Problems found in the spec, each naming node, field and column.
    pub spec_errors: Vec<SpecError>,
    /// The last run-time failure; playback pauses on it.
    pub batch_error: Option<BatchError>,
    /// Inferred record type of every node (its outgoing edges).
    pub types: BTreeMap<String, String>,
    /// The last `HISTORY_LEN` batches, oldest first.
    pub history: Shared<VecDeque<BatchView>>,
    /// Timing per batch for the charts: (batch, input rate, processing, scheduling, total).
    pub metrics: Shared<VecDeque<MetricPoint>>,
    /// Last emission of every output node.
    pub outputs: Shared<BTreeMap<String, Rc<OutputLine>>>,
    pub batches_run: u64,
    pub playing: bool,
    pub speed: f64,
    pub selected: Option<String>,
    pub followed: Option<Followed>,
    /// The engine's answer for `followed`: what derives from it in the last batch.
    pub lineage: Option<Rc<Lineage>>,
    /// Lines typed into each `textInput` node since the last tick: the next batch.
    pub typed: BTreeMap<String, String>,
    /// The engine worker; batches run there (off the page's thread) once it is ready.
    pub worker: Option<Shared<EngineWorker>>,
    pub worker_ready: bool,
    /// Bumped on every (re)start; worker replies of an older run are ignored.
    pub generation: u64,
    /// Whether the current run lives in the worker (else in `engine`, on this thread).
    pub remote: bool,
    /// The batch the worker is running: when it was due and when it was sent (page times).
    pub in_flight: Option<(f64, f64)>,
    /// Ticks that came due while a batch was still running, by due time: like Spark's job
    /// queue, they wait, and their scheduling delay grows.
    pub queued: VecDeque<f64>,
    /// Checkpoints in IndexedDB: interval, kept snapshots, status (`checkpointing.rs`).
    pub checkpoints: crate::checkpointing::Checkpoints,
}

/// One batch's figures on the Streaming-tab charts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricPoint {
    pub batch: u64,
    pub input_rate: f64,
    pub processing_ms: f64,
    pub scheduling_delay_ms: f64,
    pub total_delay_ms: f64,
    pub batch_interval_ms: u64,
}

/// What can happen to the state: a learner's edit or click, or a timer tick.
#[derive(Clone, Debug)]
pub enum Action {
    LoadExample(String),
    LoadSpec(PipelineSpec),
    /// Adds an op from the palette, connected to the selected node when that makes sense.
    AddNode(String),
    RemoveNode(String),
    /// Sets (or with `None`, removes) one field of a node.
    SetField {
        node: String,
        field: String,
        value: Option<serde_json::Value>,
    },
    AddInput {
        node: String,
        input: String,
    },
    RemoveInput {
        node: String,
        input: String,
    },
    Rename {
        node: String,
        to: String,
    },
    Select(Option<String>),
    Follow(Option<Followed>),
    /// Lines typed into a `textInput` source (the whole text box).
    Type {
        node: String,
        text: String,
    },
    /// Runs one batch. `due_ms`/`started_ms` are page times from the timer.
    Tick {
        due_ms: f64,
        started_ms: f64,
    },
    /// The engine worker was spawned (it is used once it says it is ready).
    AttachWorker(Shared<EngineWorker>),
    /// A message from the engine worker and the page time it arrived.
    WorkerReply {
        text: String,
        at_ms: f64,
    },
    /// The worker could not start or crashed: run on the page's thread.
    WorkerFailed(String),
    Play,
    Pause,
    TogglePlay,
    Reset,
    SetSpeed(f64),
    SetBatchInterval(u64),
    /// Checkpoint writes, restores and settings (`checkpointing.rs`).
    Checkpoint(crate::checkpointing::CheckpointAction),
}

impl Default for State {
    fn default() -> Self {
        let spec = examples::EXAMPLES
            .first()
            .and_then(|e| e.spec().ok())
            .unwrap_or_else(|| PipelineSpec {
                version: 1,
                name: None,
                description: None,
                batch_interval_ms: 1000,
                ticks: None,
                nodes: Vec::new(),
            });
        let mut s = State::with_spec(spec, None);
        let spec = s.spec.clone();
        s.load(spec, examples::EXAMPLES.first().map(|e| e.slug.to_string()));
        s
    }
}

impl State {
    /// A fresh state for `spec`: validated, and an engine built if it is valid.
    pub fn with_spec(spec: PipelineSpec, example: Option<String>) -> State {
        let mut s = State {
            spec,
            example,
            engine: None,
            spec_errors: Vec::new(),
            batch_error: None,
            types: BTreeMap::new(),
            history: Shared(Rc::new(VecDeque::new())),
            metrics: Shared(Rc::new(VecDeque::new())),
            outputs: Shared(Rc::new(BTreeMap::new())),
            batches_run: 0,
            playing: false,
            speed: 1.0,
            selected: None,
            followed: None,
            lineage: None,
            typed: BTreeMap::new(),
            worker: None,
            worker_ready: false,
            generation: 0,
            remote: false,
            in_flight: None,
            queued: VecDeque::new(),
            checkpoints: Default::default(),
        };
        s.rebuild();
        s
    }

    /// Validates the spec and (re)starts the engine on it: an edit restarts the stream, as
    /// changing a DStream graph restarts a StreamingContext.
    pub fn rebuild(&mut self) {
        self.generation += 1;
        self.checkpoints.handoff = None;
        self.remote = false;
        self.in_flight = None;
        self.queued.clear();
        self.engine = None;
        self.batch_error = None;
        self.history = Shared(Rc::new(VecDeque::new()));
        self.metrics = Shared(Rc::new(VecDeque::new()));
        self.outputs = Shared(Rc::new(BTreeMap::new()));
        self.batches_run = 0;
        self.followed = None;
        self.lineage = None;
        match Engine::new(self.spec.clone()) {
            Ok(mut engine) => {
                engine.set_sample_limit(SAMPLE_LIMIT);
                install_stopwatch(&mut engine);
                self.types = self
                    .spec
                    .nodes
                    .iter()
                    .filter_map(|n| {
                        engine
                            .node_type(&n.id)
                            .map(|t| (n.id.clone(), t.to_string()))
                    })
                    .collect();
                self.spec_errors = Vec::new();
                self.engine = Some(Shared(Rc::new(RefCell::new(engine))));
                self.load_remote();
            }
            Err(errors) => {
                // Types from before the edit would be stale: the engine gives none for a
                // spec that does not validate.
                self.types = BTreeMap::new();
                self.spec_errors = errors;
                self.playing = false;
            }
        }
    }

    /// The latest report, if a batch ran.
    pub fn latest(&self) -> Option<&BatchView> {
        self.history.back()
    }

    pub fn node(&self, id: &str) -> Option<&NodeSpec> {
        self.spec.nodes.iter().find(|n| n.id == id)
    }

    /// Errors that belong to one node (for the DAG badge and the editor).
    pub fn errors_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a SpecError> + 'a {
        self.spec_errors
            .iter()
            .filter(move |e| e.node.as_deref() == Some(id))
    }

    pub fn can_run(&self) -> bool {
        self.engine.is_some()
    }

    /// Starts the current run in the worker, if it is ready.
    fn load_remote(&mut self) {
        let Some(worker) = self.worker.as_ref().filter(|_| self.worker_ready) else {
            return;
        };
        let request = Request::Load {
            generation: self.generation,
            spec: self.spec.to_json(),
            sample_limit: SAMPLE_LIMIT,
        };
        if let Ok(text) = serde_json::to_string(&request) {
            worker.post(&text);
            self.remote = true;
        }
    }

    fn tick(&mut self, due_ms: f64, started_ms: f64) {
        if self.awaiting_worker() {
            // A restored run waits for the worker: the engine here is not the run's.
            return;
        }
        if self.remote {
            if self.in_flight.is_some() {
                if self.queued.len() < MAX_QUEUED {
                    self.queued.push_back(due_ms);
                }
            } else {
                self.send_tick(due_ms, started_ms);
            }
            return;
        }
        let Some(engine) = self.engine.clone() else {
            self.playing = false;
            return;
        };
        let mut engine = engine.0.borrow_mut();
        for (node, lines) in self.take_typed() {
            let records: Vec<Value> = lines.iter().map(|l| Value::str(l)).collect();
            if let Err(e) = engine.feed(&node, records) {
                self.spec_errors = vec![e];
                self.playing = false;
                return;
            }
        }
        let result = engine.tick();
        // `record` asks the engine again for the followed record's lineage.
        drop(engine);
        match result {
            Ok(report) => self.record(report, due_ms, started_ms, false),
            Err(e) => {
                self.batch_error = Some(e);
                self.playing = false;
            }
        }
    }

    /// The typed lines of every `textInput`, emptied: they are this tick's batch.
    fn take_typed(&mut self) -> BTreeMap<String, Vec<String>> {
        let typed: BTreeMap<String, Vec<String>> = std::mem::take(&mut self.typed)
            .into_iter()
            .map(|(node, text)| {
                let lines: Vec<String> = text
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
                (node, lines)
            })
            .filter(|(_, lines)| !lines.is_empty())
            .collect();
        // The fault lab's write-ahead log keeps what was received.
        self.note_typed(&typed);
        typed
    }

    fn send_tick(&mut self, due_ms: f64, started_ms: f64) {
        let typed = self.take_typed();
        let Some(worker) = self.worker.as_ref() else {
            return;
        };
        let request = Request::Tick {
            generation: self.generation,
            typed,
        };
        if let Ok(text) = serde_json::to_string(&request) {
            worker.post(&text);
            self.in_flight = Some((due_ms, started_ms));
        }
    }

    fn on_reply(&mut self, text: &str, at_ms: f64) {
        let Ok(reply) = serde_json::from_str::<Reply>(text) else {
            return;
        };
        if let Reply::Ready = reply {
            self.worker_ready = true;
            // A restored run waiting for the worker goes there now; else a fresh one does.
            if !self.send_handoff()
                && self.batches_run == 0
                && self.engine.is_some()
                && !self.remote
            {
                self.load_remote();
            }
            return;
        }
        if reply.generation() != self.generation || !self.remote {
            return;
        }
        match reply {
            Reply::Ready | Reply::Loaded { .. } => {}
            reply @ Reply::Snapshot { .. } => self.on_snapshot_reply(reply),
            reply @ (Reply::Restored { .. } | Reply::RestoreFailed { .. }) => {
                self.on_restore_reply(reply)
            }
            Reply::Report { report, .. } => {
                let (due, started) = self.in_flight.take().unwrap_or((at_ms, at_ms));
                self.record(report, due, started, true);
                if let Some(next_due) = self.queued.pop_front() {
                    self.send_tick(next_due, at_ms);
                }
            }
            Reply::BatchError { error, .. } => {
                self.batch_error = Some(error);
                self.stop_remote_batches();
            }
            Reply::SpecErrors { errors, .. } => {
                self.spec_errors = errors;
                self.stop_remote_batches();
            }
            Reply::Lineage { lineage, .. } => {
                let current = self
                    .followed
                    .as_ref()
                    .is_some_and(|f| f.node == lineage.node && f.record == lineage.record);
                if current {
                    self.lineage = Some(Rc::new(lineage));
                }
            }
        }
    }

    /// Follows a record (or stops, with `None`): asks the engine which records of the last
    /// batch derive from it. The answer arrives later when the run lives in the worker.
    fn follow(&mut self, followed: Option<Followed>) {
        self.followed = followed;
        self.lineage = None;
        self.request_lineage();
    }

    fn request_lineage(&mut self) {
        let Some(f) = self.followed.clone() else {
            return;
        };
        if self.remote {
            let request = Request::Follow {
                generation: self.generation,
                node: f.node,
                record: f.record,
            };
            if let (Some(worker), Ok(text)) =
                (self.worker.as_ref(), serde_json::to_string(&request))
            {
                worker.post(&text);
            }
            return;
        }
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let answer = engine.0.borrow().follow(&f.node, &f.record);
        self.lineage = Some(Rc::new(answer.unwrap_or_else(|e| Lineage {
            node: f.node,
            record: f.record,
            batch: None,
            nodes: Vec::new(),
            reason: Some(e.to_string()),
        })));
    }

    fn stop_remote_batches(&mut self) {
        self.playing = false;
        self.in_flight = None;
        self.queued.clear();
    }

    /// Stores one batch's report and its timing.
    fn record(&mut self, report: BatchReport, due_ms: f64, started_ms: f64, in_worker: bool) {
        self.batch_error = None;
        self.batches_run = report.batch + 1;
        let view = BatchView {
            report: Rc::new(report),
            batch_interval_ms: self.spec.batch_interval_ms,
            due_ms,
            started_ms,
            in_worker,
        };
        let mut metrics = (*self.metrics.0).clone();
        metrics.push_back(MetricPoint {
            batch: view.report.batch,
            input_rate: view.input_rate(),
            processing_ms: view.report.processing_ms,
            scheduling_delay_ms: view.scheduling_delay_ms(),
            total_delay_ms: view.total_delay_ms(),
            batch_interval_ms: view.batch_interval_ms,
        });
        while metrics.len() > METRICS_LEN {
            metrics.pop_front();
        }
        self.metrics = Shared(Rc::new(metrics));
        if !view.report.outputs.is_empty() {
            let mut outputs = (*self.outputs.0).clone();
            for line in &view.report.outputs {
                outputs.insert(line.output.clone(), Rc::new(line.clone()));
            }
            self.outputs = Shared(Rc::new(outputs));
        }
        let mut history = (*self.history.0).clone();
        history.push_back(view);
        while history.len() > HISTORY_LEN {
            history.pop_front();
        }
        self.history = Shared(Rc::new(history));
        self.checkpoint_if_due();
        // A new batch: what the followed record became is asked again (it is in the past
        // now, and the engine says so).
        self.request_lineage();
    }

    /// Replaces the pipeline (a gallery click), keeping the page's settings and worker.
    fn load(&mut self, spec: PipelineSpec, example: Option<String>) {
        self.spec = spec;
        self.example = example;
        self.playing = false;
        // The first windowed node is what most examples are about: show its settings.
        self.selected = self
            .spec
            .nodes
            .iter()
            .find(|n| ops::is_windowed(&n.op))
            .map(|n| n.id.clone());
        self.typed.clear();
        self.rebuild();
    }

    /// Applies an edit to the spec, then validates and restarts.
    fn edit(&mut self, f: impl FnOnce(&mut PipelineSpec)) {
        f(&mut self.spec);
        self.example = None;
        self.rebuild();
        self.replay_edit_from_rewind();
    }

    fn add_node(&mut self, op: &str) {
        let Some(info) = ops::info(op) else {
            return;
        };
        let id = fresh_id(&self.spec, op);
        let interval = self.spec.batch_interval_ms;
        let inputs = self.inputs_for_new(info);
        let mut node = NodeSpec::new(&id, op, &[]);
        node.inputs = inputs;
        for (field, value) in (info.defaults)(interval) {
            node.fields.insert(field.to_string(), value);
        }
        self.edit(|spec| spec.nodes.push(node));
        self.selected = Some(id);
    }

    /// A new node reads from the selected node (or the last one), and a two-input op also
    /// from the node before that.
    fn inputs_for_new(&self, info: &OpInfo) -> Vec<String> {
        if info.min_inputs == 0 {
            return Vec::new();
        }
        let mut inputs = Vec::new();
        let first = self
            .selected
            .as_deref()
            .and_then(|s| self.node(s))
            .or_else(|| self.spec.nodes.last());
        if let Some(first) = first {
            inputs.push(first.id.clone());
        }
        if info.min_inputs >= 2 {
            if let Some(other) = self
                .spec
                .nodes
                .iter()
                .rev()
                .find(|n| !inputs.contains(&n.id))
            {
                inputs.push(other.id.clone());
            }
        }
        inputs
    }
}

/// Gives the engine the page's clock for its per-node timings (only a browser has one).
fn install_stopwatch(engine: &mut Engine) {
    #[cfg(target_arch = "wasm32")]
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        engine.set_stopwatch(Box::new(move || perf.now()));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = engine;
}

/// `map`, `map2`, …: the first id of that shape not in use.
fn fresh_id(spec: &PipelineSpec, op: &str) -> String {
    let base: String = op
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>();
    let base = if base.is_empty() { "node".into() } else { base };
    let taken = |id: &str| spec.nodes.iter().any(|n| n.id == id);
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::LoadExample(slug) => {
                if let Some(spec) = examples::find(&slug).and_then(|e: &Example| e.spec().ok()) {
                    next.load(spec, Some(slug));
                    next.switch_checkpoints();
                }
            }
            Action::LoadSpec(spec) => {
                next.load(spec, None);
                next.switch_checkpoints();
            }
            Action::Checkpoint(a) => next.on_checkpoint(a),
            Action::AddNode(op) => next.add_node(&op),
            Action::RemoveNode(id) => {
                next.edit(|spec| {
                    spec.nodes.retain(|n| n.id != id);
                    for n in &mut spec.nodes {
                        n.inputs.retain(|i| *i != id);
                    }
                });
                if next.selected.as_deref() == Some(id.as_str()) {
                    next.selected = None;
                }
            }
            Action::SetField { node, field, value } => next.edit(|spec| {
                if let Some(n) = spec.nodes.iter_mut().find(|n| n.id == node) {
                    match value {
                        Some(v) => {
                            n.fields.insert(field, v);
                        }
                        None => {
                            n.fields.remove(&field);
                        }
                    }
                }
            }),
            Action::AddInput { node, input } => next.edit(|spec| {
                if let Some(n) = spec.nodes.iter_mut().find(|n| n.id == node) {
                    if !n.inputs.contains(&input) && n.id != input {
                        n.inputs.push(input);
                    }
                }
            }),
            Action::RemoveInput { node, input } => next.edit(|spec| {
                if let Some(n) = spec.nodes.iter_mut().find(|n| n.id == node) {
                    n.inputs.retain(|i| *i != input);
                }
            }),
            Action::Rename { node, to } => {
                if to.is_empty() || next.node(&to).is_some() {
                    return self;
                }
                next.edit(|spec| {
                    for n in &mut spec.nodes {
                        if n.id == node {
                            n.id = to.clone();
                        }
                        for i in &mut n.inputs {
                            if *i == node {
                                *i = to.clone();
                            }
                        }
                    }
                });
                next.selected = Some(to);
            }
            Action::Select(id) => next.selected = id,
            Action::Follow(f) => next.follow(f),
            Action::Type { node, text } => {
                next.typed.insert(node, text);
            }
            Action::Tick { due_ms, started_ms } => next.tick(due_ms, started_ms),
            Action::AttachWorker(w) => next.worker = Some(w),
            Action::WorkerReply { text, at_ms } => next.on_reply(&text, at_ms),
            Action::WorkerFailed(_) => {
                next.worker = None;
                next.worker_ready = false;
                if next.checkpoints.handoff.is_some() {
                    // A restored run on its way to the worker: run it on this thread.
                    next.run_handoff_here();
                } else if next.remote {
                    // The run was in the worker: start it again on this thread.
                    next.rebuild();
                }
            }
            Action::Play => next.playing = next.can_run(),
            Action::Pause => {
                next.playing = false;
                next.queued.clear();
            }
            Action::TogglePlay => next.playing = !next.playing && next.can_run(),
            Action::Reset => {
                next.playing = false;
                next.rebuild();
                // A fresh run: an edit from now on restarts from batch 0, not from a rewind.
                next.checkpoints.rewound = None;
            }
            Action::SetSpeed(s) => {
                next.speed = if s.is_finite() {
                    s.clamp(crate::clock::MIN_SPEED, crate::clock::MAX_SPEED)
                } else {
                    1.0
                }
            }
            Action::SetBatchInterval(ms) => {
                if ms > 0 {
                    next.edit(|spec| spec.batch_interval_ms = ms);
                }
            }
        }
        Rc::new(next)
    }
}

/// Validation without building an engine: for checks that must not restart a run.
pub fn check(spec: &PipelineSpec) -> Vec<SpecError> {
    validate(spec).err().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(s: Rc<State>) -> Rc<State> {
        s.reduce(Action::Tick {
            due_ms: 10.0,
            started_ms: 14.0,
        })
    }

    #[test]
    fn every_gallery_example_validates_and_runs() {
        for e in examples::EXAMPLES {
            let mut s = Rc::new(State::default()).reduce(Action::LoadExample(e.slug.into()));
            assert!(s.spec_errors.is_empty(), "{}: {:?}", e.slug, s.spec_errors);
            assert_eq!(s.example.as_deref(), Some(e.slug));
            for _ in 0..4 {
                s = tick(s);
            }
            assert!(s.batch_error.is_none(), "{}: {:?}", e.slug, s.batch_error);
            assert_eq!(s.batches_run, 4, "{}", e.slug);
            assert_eq!(s.history.len(), 4);
            assert!(!s.types.is_empty(), "{}: no inferred types", e.slug);
        }
    }

    #[test]
    fn history_is_bounded_and_timing_is_bookkept() {
        let mut s = Rc::new(State::default());
        for _ in 0..(HISTORY_LEN + 3) {
            s = tick(s);
        }
        assert_eq!(s.history.len(), HISTORY_LEN);
        assert_eq!(s.history.front().map(|v| v.report.batch), Some(3));
        let m = s.metrics.back().copied().expect("a metric point");
        assert_eq!(m.scheduling_delay_ms, 4.0);
        assert_eq!(m.batch, (HISTORY_LEN + 2) as u64);
    }

    #[test]
    fn a_new_node_reads_from_the_selected_one_and_removal_disconnects() {
        let s = Rc::new(State::default()).reduce(Action::Select(Some("pairs".into())));
        let s = s.reduce(Action::AddNode("filter".into()));
        let added = s.node("filter").expect("added");
        assert_eq!(added.inputs, vec!["pairs".to_string()]);
        assert_eq!(s.selected.as_deref(), Some("filter"));
        assert_eq!(
            s.example, None,
            "an edited pipeline is no longer the example"
        );
        let s = s.reduce(Action::Rename {
            node: "pairs".into(),
            to: "kv".into(),
        });
        assert_eq!(
            s.node("filter").map(|n| n.inputs.clone()),
            Some(vec!["kv".to_string()])
        );
        let s = s.reduce(Action::RemoveNode("kv".into()));
        assert!(s.node("filter").is_some_and(|n| n.inputs.is_empty()));
        assert!(
            !s.spec_errors.is_empty(),
            "a map without input must be refused"
        );
        assert!(!s.can_run());
    }

    #[test]
    fn typed_lines_become_the_next_batch_only() {
        let s = Rc::new(State::default()).reduce(Action::LoadExample("typed-lines".into()));
        let s = s.reduce(Action::Type {
            node: "socket".into(),
            text: "a b\n\na".into(),
        });
        let s = tick(s);
        assert!(s.typed.is_empty(), "typed lines are consumed by the tick");
        let input = s.latest().map(|v| v.report.input_records);
        assert_eq!(input, Some(2), "two non-empty lines");
        let s = tick(s);
        assert_eq!(s.latest().map(|v| v.report.input_records), Some(0));
    }

    #[test]
    fn following_a_record_stores_the_engines_lineage_until_the_next_batch() {
        let mut s =
            Rc::new(State::default()).reduce(Action::LoadExample("windowed-word-count".into()));
        for _ in 0..2 {
            s = tick(s);
        }
        let s = s.reduce(Action::Follow(Some(Followed {
            node: "lines".into(),
            record: Value::str("b c"),
        })));
        let l = s.lineage.clone().expect("a local run answers at once");
        assert_eq!(l.reason, None);
        let c = |k: &str, n: i64| Value::pair(Value::str(k), Value::Int(n));
        assert!(l.marks("counts", &c("b", 2)) && l.marks("counts", &c("c", 1)));
        assert!(!l.marks("counts", &c("a", 2)) && !l.marks("counts", &c("x", 1)));
        assert_eq!(l.of("words").map(|n| n.count), Some(2));
        let s = tick(s);
        let stale = s.lineage.clone().expect("asked again after the batch");
        assert!(stale.reason.is_some(), "{stale:?}");
        assert!(!stale.marks("counts", &c("b", 2)));
        let s = s.reduce(Action::Follow(None));
        assert!(s.followed.is_none() && s.lineage.is_none());
    }

    #[test]
    fn play_needs_a_valid_pipeline_and_speed_is_bounded() {
        let s = Rc::new(State::default()).reduce(Action::SetBatchInterval(700));
        assert!(
            !s.spec_errors.is_empty(),
            "a 4 s window is not a multiple of 700 ms"
        );
        let s = s.reduce(Action::Play);
        assert!(!s.playing);
        let s = s
            .reduce(Action::SetBatchInterval(1000))
            .reduce(Action::Play);
        assert!(s.playing);
        let s = s.reduce(Action::SetSpeed(50.0));
        assert_eq!(s.speed, crate::clock::MAX_SPEED);
    }
}

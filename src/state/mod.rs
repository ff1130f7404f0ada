//! The playground as one value, and the only place it changes: `State::reduce(action)` gives
//! the next state and the effects to run (a request to the engine worker, storage work, the
//! batch timer); `hooks::use_playground` runs them and turns their answers into actions.

mod checkpoints;
mod code;
mod document;
mod edits;
mod embed;
mod fast_forward;
mod fault_lab;
mod input;
mod lesson;
mod library;
mod measure;
mod presenter;
mod run;
mod sharing;
mod views;

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use dstream_engine::{Lineage, NodeSpec, Peek, PipelineSpec};
use dstream_engine::{SpecError, Value};

pub use checkpoints::{Checkpoints, Lookup, Next, Status};
pub use code::{CodeAction, CodeView, ImportStatus};
pub use document::{dag_key, new_pipeline, Choice, Document, How, Load, ReloadChoice, Step};
pub use fast_forward::FastForward;
pub use fault_lab::{Lab, LabAction, LabSetting};
pub use input::{lines, Input};
pub use lesson::{LessonAction, Lessons, OpenLesson, Stage, Verdict};
pub use library::{Library, LibraryAction};
pub use measure::{Explained, Truth};
pub use presenter::Present;
pub use run::{Phase, Run, Timing};
pub use sharing::{file_name, Pending, Sharing, Source};
pub use views::*;

use crate::clock::tick_delay_ms;
use crate::examples;
use crate::protocol::{PlanInfo, Reply, Request};
use crate::storage::{LoadPurpose, StorageReply, StorageRequest};

/// Ticks that may wait while the worker runs a batch (beyond that the page drops them).
pub const MAX_QUEUED: usize = 1000;
/// Batches kept for the metrics charts.
pub const METRICS_LEN: usize = 60;
/// The speeds the speed control offers.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 10.0];

/// Something the reducer wants done; the effects hook does it.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A request to the engine worker.
    Send(Request),
    /// IndexedDB work; its answer comes back as `Action::Stored`.
    Store(StorageRequest),
    /// Run the batch timer every so many ms (`None`: stop it).
    Timer(Option<u32>),
    /// Work of the page itself: the clipboard, a download, the address bar.
    Page(PageEffect),
    /// Put this text on the clipboard; the answer comes back as `CodeAction::Copied`.
    Clipboard(String),
    /// Save this text as a file of that name (a Blob link); a refusal comes back as
    /// `Action::DownloadFailed` for the part of the page that asked.
    Download {
        file_name: String,
        text: String,
        from: Saver,
    },
}

/// Which button asked for a download: where its failure is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saver {
    /// The code view's Download (the program).
    CodeView,
    /// The toolbar's Export (the pipeline JSON).
    PipelineFile,
}

/// What the page does in the browser for the reducer.
#[derive(Clone, Debug, PartialEq)]
pub enum PageEffect {
    /// Makes the page's address with this fragment, tries the clipboard, and answers
    /// `Action::Shared`.
    CopyLink(String),
    /// Takes the fragment off the address (a link was opened: a reload shows the draft).
    ClearFragment,
}

/// Where the engine worker is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Worker {
    #[default]
    Starting,
    Ready,
    /// It could not start or it crashed: nothing runs until the page is reloaded.
    Failed(String),
}

/// What the engine worker tells the page.
#[derive(Clone, Debug)]
pub enum WorkerEvent {
    Ready,
    Reply { reply: Box<Reply>, at_ms: f64 },
    Failed(String),
}

/// What the checkpoint controls ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckpointAction {
    SetInterval(Option<u64>),
    /// Whether the program calls `ssc.checkpoint(dir)` (the pipeline's `checkpoint` field):
    /// changing it is an edit.
    SetEnabled(bool),
    /// Rewind to a kept snapshot (its key).
    TravelTo(String),
}

/// A record the learner clicked to follow through the DAG.
#[derive(Clone, Debug, PartialEq)]
pub struct Followed {
    pub node: String,
    pub record: Value,
}

/// What can happen: a learner's edit or click, a timer tick, an answer of the worker or of
/// storage.
#[derive(Clone, Debug)]
pub enum Action {
    /// The page is up: `getOrCreate` for the pipeline checkpointed last.
    Mounted,
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
    SetBatchInterval(u64),
    Select(Option<String>),
    Follow(Option<Followed>),
    Peek(String),
    /// The whole text of a `textInput`'s box.
    Type {
        node: String,
        text: String,
    },
    /// Runs one batch: page times the tick was due and fired at.
    Tick {
        due_ms: f64,
        fired_ms: f64,
    },
    Play,
    Pause,
    TogglePlay,
    SetSpeed(f64),
    /// Reset asks first when the pipeline has checkpoints (they are dropped).
    Reset,
    ConfirmReset(bool),
    Worker(WorkerEvent),
    Stored(StorageReply),
    Checkpoint(CheckpointAction),
    Lab(LabAction),
    /// The pipeline's name, or its description (empty: none). No part of the DAG: the run
    /// goes on.
    SetName(String),
    SetDescription(String),
    /// An empty pipeline with a source, at batch 0.
    NewPipeline,
    Undo,
    Redo,
    /// The answer to the reload's question (the draft changed after its last checkpoint).
    Choose(ReloadChoice),
    Library(LibraryAction),
    /// Makes a link to the pipeline and its logged input.
    Share,
    /// Closes the toolbar's share box and its message.
    CloseShareBar,
    /// The page made the link and tried the clipboard.
    Shared {
        url: String,
        copied: Result<(), String>,
    },
    /// A link's fragment (page load, or the address changed).
    OpenLink(String),
    /// A pipeline file picked to import: its name and text, or why it could not be read.
    Import {
        file: String,
        text: Result<String, String>,
    },
    Export,
    /// The browser would not save a file the page offered (`Effect::Download`).
    DownloadFailed {
        from: Saver,
        message: String,
    },
    FastForward(FastForward),
    /// The state lane's batch clicked: the state before and after it (`None`: closed).
    InspectState(Option<(String, u64)>),
    /// The code view and the paste box.
    Code(CodeAction),
    /// The Learn path.
    Lesson(LessonAction),
    /// Presenter mode and its keys.
    Present(Present),
    /// The page opened with `?embed` (instead of `Mounted`), with its fragment.
    Embed(Option<String>),
}

/// Everything the page shows, in one plain value.
#[derive(Clone, Debug)]
pub struct State {
    /// The pipeline being edited and run.
    pub spec: Rc<PipelineSpec>,
    /// Gallery slug the pipeline came from, while unchanged.
    pub example: Option<String>,
    /// The worker's plan of the pipeline (`None` until it answers, or with errors).
    pub plan: Option<PlanInfo>,
    /// Problems found in the spec, each naming node, field and column.
    pub spec_errors: Vec<SpecError>,
    pub run: Run,
    pub input: Input,
    pub selected: Option<String>,
    pub followed: Option<Followed>,
    /// The engine's answer for `followed`: what derives from it in the last batch.
    pub lineage: Option<Rc<Lineage>>,
    /// What nodes that no job computed would hold (asked for, Spark does not do it).
    pub peeks: Rc<BTreeMap<String, Result<Peek, String>>>,
    pub playing: bool,
    pub speed: f64,
    pub worker: Worker,
    pub checkpoints: Checkpoints,
    pub lab: Lab,
    /// Reset was pressed and the pipeline has checkpoints: the page asks first.
    pub confirm_reset: bool,
    /// The pipeline as a document: provenance, undo, its draft, the reload's choice.
    pub doc: Document,
    pub library: Library,
    pub sharing: Sharing,
    /// A stateful node's batch whose state the page shows.
    pub inspected: Option<(String, u64)>,
    /// The pipeline as a Spark program, and the paste box.
    pub code: CodeView,
    /// The Learn path: its progress and the lesson being taken.
    pub lessons: Lessons,
    /// Presenter mode: the caption, the DAG and the time axis alone, for a projector.
    pub presenter: bool,
    /// Embed mode (`?embed`): compact, and no storage at all.
    pub embedded: bool,
    /// The fragment the embed was opened with.
    pub embed_fragment: Option<String>,
    /// Requests waiting for the worker to be ready, in order.
    unsent: Rc<Vec<Request>>,
}

impl Default for State {
    fn default() -> Self {
        let first = examples::EXAMPLES.first();
        let spec = first
            .and_then(|e| e.spec().ok())
            .unwrap_or_else(examples::empty);
        State::new(spec, first.map(|e| e.slug.to_string()))
    }
}

impl State {
    /// The page before the worker and storage answered: `spec` shown, no context yet.
    pub fn new(spec: PipelineSpec, example: Option<String>) -> State {
        let mut s = State {
            spec: Rc::new(spec),
            example,
            plan: None,
            spec_errors: Vec::new(),
            run: Run {
                generation: 0,
                phase: Phase::Recovering,
                batches_run: 0,
                target: 0,
                history: Rc::default(),
                metrics: Rc::default(),
                batch_error: None,
                in_flight: None,
                queued: VecDeque::new(),
                progress: None,
                notice: None,
            },
            input: Input::default(),
            selected: None,
            followed: None,
            lineage: None,
            peeks: Rc::default(),
            playing: false,
            speed: 1.0,
            worker: Worker::Starting,
            checkpoints: Checkpoints::default(),
            lab: Lab::default(),
            confirm_reset: false,
            doc: Document::default(),
            library: Library::default(),
            sharing: Sharing::default(),
            inspected: None,
            code: CodeView::default(),
            lessons: Lessons::default(),
            presenter: false,
            embedded: false,
            embed_fragment: None,
            unsent: Rc::default(),
        };
        s.select_first_window();
        s
    }

    /// The next state and the effects `action` asks for.
    pub fn reduce(&self, action: Action) -> (State, Vec<Effect>) {
        let mut next = self.clone();
        let mut fx = Vec::new();
        next.apply(action, &mut fx);
        next.advance_lesson(&mut fx);
        next.refresh_code(&mut fx);
        let timer = |s: &State| {
            s.playing
                .then(|| tick_delay_ms(s.spec.batch_interval_ms, s.speed))
        };
        if timer(self) != timer(&next) {
            fx.push(Effect::Timer(timer(&next)));
        }
        // The draft follows the pipeline shown, from the moment the stored one was read.
        if next.doc.load != Load::Reading && next.draft() != self.draft() {
            fx.push(Effect::Store(StorageRequest::SaveDraft(next.draft())));
        }
        next.embed_filter(&mut fx);
        (next, fx)
    }

    pub(super) fn apply(&mut self, action: Action, fx: &mut Vec<Effect>) {
        match action {
            Action::Mounted => {
                // The draft first: it is the pipeline getOrCreate then looks for.
                self.doc.load = Load::Reading;
                fx.push(Effect::Store(StorageRequest::LoadDraft));
                fx.push(Effect::Store(StorageRequest::ListSaved));
                fx.push(Effect::Store(StorageRequest::LoadLessons));
                self.run.phase = Phase::Recovering;
            }
            Action::Checkpoint(CheckpointAction::SetEnabled(on)) => {
                if on != self.checkpointing() {
                    self.edit(fx, |spec| spec.checkpoint = (!on).then_some(false));
                }
            }
            Action::LoadExample(slug) => {
                if let Some(spec) = examples::find(&slug).and_then(|e| e.spec().ok()) {
                    self.remember(How::Switch, None);
                    self.doc.based_on = None;
                    self.doc.saved_as = None;
                    self.switch(spec, Some(slug), fx);
                }
            }
            Action::LoadSpec(spec) => {
                self.remember(How::Switch, None);
                self.doc.based_on = None;
                self.doc.saved_as = None;
                self.switch(spec, None, fx)
            }
            Action::AddNode(op) => self.add_node(&op, fx),
            Action::RemoveNode(id) => {
                self.edit(fx, |spec| {
                    spec.nodes.retain(|n| n.id != id);
                    for n in &mut spec.nodes {
                        n.inputs.retain(|i| *i != id);
                    }
                });
                if self.selected.as_deref() == Some(id.as_str()) {
                    self.selected = None;
                }
            }
            Action::SetField { node, field, value } => {
                let typing = Some(format!("{node}.{field}"));
                self.edit_typing(fx, typing, |spec| {
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
                })
            }
            Action::AddInput { node, input } => self.edit(fx, |spec| {
                if let Some(n) = spec.nodes.iter_mut().find(|n| n.id == node) {
                    if !n.inputs.contains(&input) && n.id != input {
                        n.inputs.push(input);
                    }
                }
            }),
            Action::RemoveInput { node, input } => self.edit(fx, |spec| {
                if let Some(n) = spec.nodes.iter_mut().find(|n| n.id == node) {
                    n.inputs.retain(|i| *i != input);
                }
            }),
            Action::Rename { node, to } => {
                if to.is_empty() || self.node(&to).is_some() {
                    return;
                }
                self.edit(fx, |spec| {
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
                if let Some(text) = self.input.drafts.remove(&node) {
                    self.input.drafts.insert(to.clone(), text);
                }
                self.selected = Some(to);
            }
            Action::SetBatchInterval(ms) => {
                if ms > 0 {
                    self.edit(fx, |spec| spec.batch_interval_ms = ms);
                }
            }
            Action::Select(id) => self.selected = id,
            Action::Follow(f) => {
                self.followed = f;
                self.lineage = None;
                self.request_lineage(fx);
            }
            Action::Peek(node) => {
                if self.run.phase == Phase::Ready {
                    let generation = self.run.generation;
                    self.send(fx, Request::Peek { generation, node });
                }
            }
            Action::Type { node, text } => {
                self.input.drafts.insert(node, text);
            }
            // A lesson's steps run its batches: a question is asked before its batch runs.
            Action::Tick { .. } | Action::Play | Action::TogglePlay
                if self.lesson_holds_the_clock() =>
            {
                self.playing = false;
                self.run.notice = Some(lesson::HOLDS_THE_CLOCK.into());
            }
            Action::Tick { due_ms, fired_ms } => self.tick(due_ms, fired_ms, fx),
            Action::Play => self.playing = self.runnable(),
            Action::Pause => {
                self.playing = false;
                self.run.queued.clear();
            }
            Action::TogglePlay => self.playing = !self.playing && self.runnable(),
            Action::SetSpeed(s) => {
                self.speed = if s.is_finite() {
                    s.clamp(crate::clock::MIN_SPEED, crate::clock::MAX_SPEED)
                } else {
                    1.0
                }
            }
            Action::Reset => {
                if self.checkpoints.kept.is_empty() {
                    self.reset(fx);
                } else {
                    self.confirm_reset = true;
                    self.playing = false;
                }
            }
            Action::ConfirmReset(yes) => {
                self.confirm_reset = false;
                if yes {
                    self.reset(fx);
                }
            }
            Action::Worker(e) => self.on_worker(e, fx),
            Action::Stored(
                r @ (StorageReply::LessonsLoaded(_) | StorageReply::LessonsSaved(_)),
            ) => self.lessons_stored(r),
            Action::Stored(StorageReply::DraftLoaded(found)) => self.draft_loaded(found, fx),
            Action::Stored(StorageReply::DraftSaved(result)) => {
                self.doc.draft_error = result.err().map(|e| {
                    format!(
                        "Your pipeline could not be kept as a draft in IndexedDB ({e}): a reload may not bring this edit back. Save it in My pipelines, or export it."
                    )
                });
            }
            Action::Stored(StorageReply::Library {
                change,
                result,
                list,
            }) => self.library_stored(change, result, list),
            Action::Stored(StorageReply::Listed { pipeline, kept, .. }) if matches!(&self.doc.load, Load::Listing(c) if c.slot == pipeline) => {
                if let Load::Listing(from) = std::mem::take(&mut self.doc.load) {
                    self.choice_listed(from, kept, fx);
                }
            }
            Action::Stored(reply) => {
                if let StorageReply::Written {
                    pipeline,
                    result: Ok(_),
                    ..
                } = &reply
                {
                    // The pipeline's own checkpoint: a reload recovers this run.
                    if let Some(w) = self.doc.writing.take_if(|w| w.slot == *pipeline) {
                        self.doc.checkpointed = Some(w);
                    }
                }
                let mut out = Vec::new();
                let next = self
                    .checkpoints
                    .stored(reply, self.run.generation, &mut out);
                fx.extend(out.into_iter().map(Effect::Store));
                self.follow_up(next, fx);
            }
            Action::Checkpoint(CheckpointAction::SetInterval(ms)) => {
                let ask = self.checkpoints.set_interval(ms);
                fx.push(Effect::Store(ask));
            }
            Action::Checkpoint(CheckpointAction::TravelTo(key)) => {
                if let Some(ask) = self.checkpoints.rewind(&key) {
                    fx.push(Effect::Store(ask));
                }
            }
            Action::Code(a) => self.on_code(a, fx),
            Action::Lab(a) => {
                if matches!(a, LabAction::Kill(_)) && self.run.phase != Phase::Ready {
                    return;
                }
                if let Some(request) = self.lab.on(a, self.run.generation) {
                    self.send(fx, request);
                }
            }
            Action::SetName(name) => self.set_text("name", name),
            Action::SetDescription(d) => self.set_text("description", d),
            Action::NewPipeline => self.new_pipeline(fx),
            Action::Undo => self.undo(fx),
            Action::Redo => self.redo(fx),
            Action::Choose(c) => self.choose(c, fx),
            Action::Library(a) => self.library(a, fx),
            Action::Share => self.share(fx),
            Action::CloseShareBar => self.close_share_bar(),
            Action::Shared { url, copied } => self.shared(url, copied),
            Action::OpenLink(fragment) => match crate::lessons::from_fragment(&fragment) {
                Some(slug) => self.on_lesson(LessonAction::Open(slug.into()), fx),
                None => self.open_link(&fragment, fx),
            },
            Action::Lesson(a) => self.on_lesson(a, fx),
            Action::Present(p) => self.present(p, fx),
            Action::Embed(fragment) => self.embed(fragment, fx),
            Action::Import { file, text } => self.import(file, text, fx),
            Action::Export => self.export(fx),
            Action::DownloadFailed { from, message } => match from {
                Saver::CodeView => self.code.copy_status = Some(Err(message)),
                Saver::PipelineFile => self.sharing.message = Some(Status::Error(message)),
            },
            Action::FastForward(ff) => self.fast_forward(ff, fx),
            Action::InspectState(at) => self.inspected = at,
        }
    }

    /// What the checkpoint lookup asks for next.
    pub(super) fn follow_up(&mut self, next: Next, fx: &mut Vec<Effect>) {
        match next {
            Next::Wait => {}
            Next::Create => self.create(fx),
            Next::Restore {
                bytes,
                filed_under,
                purpose,
            } => {
                let previous = match purpose {
                    // A rewind restores over a running context, which goes on if it fails.
                    LoadPurpose::Rewind => Some(self.run.generation),
                    LoadPurpose::Recover => None,
                };
                self.run.generation += 1;
                self.run.phase = Phase::Restoring { previous };
                self.run.in_flight = None;
                self.playing = false;
                let request = Request::Restore {
                    generation: self.run.generation,
                    pipeline: filed_under,
                    lab: self.lab.config,
                    bytes,
                };
                self.send(fx, request);
            }
        }
    }

    /// Sends `request` now, or once the worker is ready.
    pub(super) fn send(&mut self, fx: &mut Vec<Effect>, request: Request) {
        match self.worker {
            Worker::Ready => fx.push(Effect::Send(request)),
            Worker::Starting => Rc::make_mut(&mut self.unsent).push(request),
            Worker::Failed(_) => {}
        }
    }

    pub(super) fn on_worker(&mut self, event: WorkerEvent, fx: &mut Vec<Effect>) {
        match event {
            WorkerEvent::Ready => {
                self.worker = Worker::Ready;
                let unsent = std::mem::take(Rc::make_mut(&mut self.unsent));
                fx.extend(unsent.into_iter().map(Effect::Send));
            }
            WorkerEvent::Failed(message) => {
                self.worker = Worker::Failed(message);
                self.run.phase = Phase::Stopped;
                self.playing = false;
                self.unsent = Rc::default();
            }
            WorkerEvent::Reply { reply, at_ms } => self.on_reply(*reply, at_ms, fx),
        }
    }

    /// The header's clock: batches run, and the time of the last one (Spark's batch time).
    pub fn clock(&self) -> (u64, u64) {
        let n = self.run.batches_run;
        (n, n * self.spec.batch_interval_ms)
    }

    /// What to do next, when the page has nothing else to say.
    pub fn hint(&self) -> Option<String> {
        if self.run.phase != Phase::Ready || !self.run.history.is_empty() {
            return None;
        }
        let (n, t) = self.clock();
        Some(if n == 0 {
            "Press play or step (→) to run the first batch.".to_string()
        } else {
            format!(
                "The stream stopped at t = {}: press play or step (→) to run batch #{n}.",
                crate::clock::duration(t)
            )
        })
    }

    /// Whether the program calls `ssc.checkpoint(dir)`.
    pub fn checkpointing(&self) -> bool {
        self.spec.checkpoint != Some(false)
    }

    pub fn node(&self, id: &str) -> Option<&NodeSpec> {
        self.spec.nodes.iter().find(|n| n.id == id)
    }
}

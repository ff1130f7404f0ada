//! The page's run model without a browser: the reducer, the engine host behind an
//! in-process link, and checkpoint storage in memory, so native tests (and the component
//! tests) play whole scenarios: play, a failing batch, an edit mid-run, a reload, a rewind,
//! each kill, replies that arrive late or for an old context.

use std::collections::{BTreeMap, VecDeque};

use crate::host::EngineHost;
use crate::protocol::Request;
use crate::state::{Action, Effect, PageEffect, State, WorkerEvent};
use crate::storage::{
    check_rename, current, record_pipeline_write, record_write, renamed, snapshot_key, sort, touch,
    CheckpointMeta, DraftRecord, LessonProgress, LibraryChange, PipelineSlot, SavedPipeline,
    StorageReply, StorageRequest, LEGACY_SESSION,
};

/// IndexedDB in memory: checkpoints with the same slot rules (`storage::slots`), the draft
/// and My pipelines with the same rules (`storage::pipelines`).
#[derive(Clone, Debug, Default)]
pub struct MemoryStorage {
    registry: Vec<PipelineSlot>,
    indexes: BTreeMap<String, Vec<CheckpointMeta>>,
    pub bytes: BTreeMap<String, Vec<u8>>,
    /// Set: every write is refused with this reason (a full quota).
    pub refuse_writes: Option<String>,
    pub draft: Option<DraftRecord>,
    pub saved: Vec<SavedPipeline>,
    pub lessons: LessonProgress,
}

impl MemoryStorage {
    fn library(&mut self, change: LibraryChange, result: Result<(), String>) -> StorageReply {
        sort(&mut self.saved);
        StorageReply::Library {
            change,
            result,
            list: Ok(self.saved.clone()),
        }
    }

    pub fn serve(&mut self, request: StorageRequest) -> StorageReply {
        match request {
            StorageRequest::LoadDraft => StorageReply::DraftLoaded(Ok(self.draft.clone())),
            StorageRequest::LoadLessons => StorageReply::LessonsLoaded(Ok(self.lessons.clone())),
            StorageRequest::SaveLessons(p) => {
                StorageReply::LessonsSaved(match &self.refuse_writes {
                    Some(why) => Err(why.clone()),
                    None => {
                        self.lessons = p;
                        Ok(())
                    }
                })
            }
            StorageRequest::SaveDraft(d) => StorageReply::DraftSaved(match &self.refuse_writes {
                Some(why) => Err(why.clone()),
                None => {
                    self.draft = Some(d);
                    Ok(())
                }
            }),
            StorageRequest::ListSaved => self.library(LibraryChange::Listed, Ok(())),
            StorageRequest::SavePipeline(p) => {
                let change = LibraryChange::Saved(p.name.clone());
                self.saved.retain(|s| s.name != p.name);
                self.saved.push(p);
                self.library(change, Ok(()))
            }
            StorageRequest::RenamePipeline { from, to } => {
                let names: Vec<String> = self.saved.iter().map(|p| p.name.clone()).collect();
                let result = check_rename(&names, &from, &to);
                if result.is_ok() {
                    if let Some(i) = self.saved.iter().position(|p| p.name == from) {
                        let p = self.saved.remove(i);
                        self.saved.push(renamed(p, &to));
                    }
                }
                self.library(LibraryChange::Renamed { from, to }, result)
            }
            StorageRequest::DeletePipeline(name) => {
                self.saved.retain(|p| p.name != name);
                self.library(LibraryChange::Deleted(name), Ok(()))
            }
            StorageRequest::List { pipeline, on_load } => {
                let pipeline = if on_load {
                    current(&self.registry)
                        .or_else(|| {
                            self.indexes
                                .contains_key(LEGACY_SESSION)
                                .then(|| LEGACY_SESSION.to_owned())
                        })
                        .unwrap_or(pipeline)
                } else {
                    pipeline
                };
                StorageReply::Listed {
                    kept: Ok(self.indexes.get(&pipeline).cloned().unwrap_or_default()),
                    interval_ms: self
                        .registry
                        .iter()
                        .find(|s| s.key == pipeline)
                        .and_then(|s| s.interval_ms),
                    pipeline,
                    on_load,
                }
            }
            StorageRequest::Load {
                pipeline,
                meta,
                purpose,
            } => StorageReply::Loaded {
                bytes: self
                    .bytes
                    .get(&meta.key)
                    .cloned()
                    .ok_or_else(|| "it is missing from IndexedDB".to_owned()),
                pipeline,
                meta,
                purpose,
            },
            StorageRequest::Write {
                pipeline,
                batches_run,
                time_ms,
                bytes,
            } => {
                let result = match &self.refuse_writes {
                    Some(why) => Err(why.clone()),
                    None => {
                        let key = snapshot_key(&pipeline, batches_run);
                        let meta = CheckpointMeta {
                            key: key.clone(),
                            batches_run,
                            time_ms,
                            bytes: bytes.len() as u64,
                        };
                        self.bytes.insert(key, bytes);
                        let index = self.indexes.entry(pipeline.clone()).or_default();
                        for gone in record_write(index, meta) {
                            self.bytes.remove(&gone.key);
                        }
                        let index = index.clone();
                        for other in record_pipeline_write(&mut self.registry, &pipeline) {
                            self.drop_slot(&other);
                        }
                        Ok(index)
                    }
                };
                StorageReply::Written {
                    pipeline,
                    batches_run,
                    time_ms,
                    result,
                }
            }
            StorageRequest::SetInterval {
                pipeline,
                interval_ms,
            } => {
                touch(&mut self.registry, &pipeline).interval_ms = interval_ms;
                StorageReply::IntervalSaved { result: Ok(()) }
            }
            StorageRequest::Drop { pipeline } => {
                self.drop_slot(&pipeline);
                for slot in self.registry.iter_mut().filter(|s| s.key == pipeline) {
                    slot.written = 0;
                }
                StorageReply::Dropped {
                    pipeline,
                    result: Ok(()),
                }
            }
        }
    }

    fn drop_slot(&mut self, pipeline: &str) {
        for m in self.indexes.remove(pipeline).unwrap_or_default() {
            self.bytes.remove(&m.key);
        }
    }

    /// The kept snapshots of `pipeline`, oldest first.
    pub fn kept(&self, pipeline: &str) -> Vec<CheckpointMeta> {
        self.indexes.get(pipeline).cloned().unwrap_or_default()
    }
}

/// The address the simulated page is served at (share links start with it).
pub const SIM_PAGE: &str = "http://127.0.0.1:8080/";

/// One page, its worker and its storage.
pub struct Sim {
    pub state: State,
    pub host: EngineHost,
    pub storage: MemoryStorage,
    /// Answers not yet handed to the reducer, oldest first.
    pub inbox: VecDeque<Action>,
    /// The batch timer's delay while it runs.
    pub timer: Option<u32>,
    /// Every request the page sent, in order.
    pub sent: Vec<Request>,
    /// Batches a re-run runs before the host reports progress and takes other requests.
    pub slice: u64,
    /// The page's clock (ms).
    pub now: f64,
    /// Unset: the host's long runs wait for [`Sim::work_slice`] (to cancel one half-way).
    pub auto_work: bool,
    /// What the page was asked to do in the browser, in order.
    pub page: Vec<PageEffect>,
    /// What the Copy button last put on the clipboard.
    pub clipboard: Option<String>,
    /// The files the Download button saved: (name, text).
    pub downloads: Vec<(String, String)>,
    /// When set, the browser refuses every download with this reason.
    pub refuse_downloads: Option<String>,
}

impl Sim {
    /// A page showing `state`, not mounted yet, its worker not ready yet.
    pub fn new(state: State) -> Sim {
        Sim {
            state,
            host: EngineHost::new(None),
            storage: MemoryStorage::default(),
            inbox: VecDeque::new(),
            timer: None,
            sent: Vec::new(),
            slice: u64::MAX,
            now: 0.0,
            auto_work: true,
            page: Vec::new(),
            clipboard: None,
            downloads: Vec::new(),
            refuse_downloads: None,
        }
    }

    /// The page as a learner opens it: mounted, the worker ready, everything answered.
    pub fn open(state: State) -> Sim {
        Sim::open_with(state, MemoryStorage::default())
    }

    /// [`Sim::open`] with the storage of an earlier visit.
    pub fn open_with(state: State, storage: MemoryStorage) -> Sim {
        let mut sim = Sim::new(state);
        sim.storage = storage;
        sim.dispatch(Action::Mounted);
        sim.dispatch(Action::Worker(WorkerEvent::Ready));
        sim.settle();
        sim
    }

    /// The gallery example `slug`, opened on a fresh page with no checkpoints.
    pub fn example(slug: &str) -> Sim {
        let mut sim = Sim::open(State::default());
        sim.dispatch(Action::LoadExample(slug.into()));
        sim.settle();
        sim
    }

    /// A reload: a new page (the default example) with the same storage.
    pub fn reload(&self) -> Sim {
        Sim::open_with(State::default(), self.storage.clone())
    }

    pub fn dispatch(&mut self, action: Action) {
        let (next, effects) = self.state.reduce(action);
        self.state = next;
        for e in effects {
            self.run(e);
        }
    }

    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Send(request) => {
                self.sent.push(request.clone());
                let replies = self.host.handle(request);
                self.queue(replies);
                if self.auto_work {
                    while self.host.busy() {
                        self.work_slice();
                    }
                }
            }
            Effect::Store(request) => {
                let reply = self.storage.serve(request);
                self.inbox.push_back(Action::Stored(reply));
            }
            Effect::Timer(t) => self.timer = t,
            Effect::Page(p) => {
                if let PageEffect::CopyLink(fragment) = &p {
                    self.inbox.push_back(Action::Shared {
                        url: format!("{SIM_PAGE}#{fragment}"),
                        copied: Ok(()),
                    });
                }
                self.page.push(p);
            }
            Effect::Clipboard(text) => {
                self.clipboard = Some(text);
                self.inbox
                    .push_back(Action::Code(crate::state::CodeAction::Copied(Ok(()))));
            }
            Effect::Download {
                file_name,
                text,
                from,
            } => match &self.refuse_downloads {
                Some(why) => self.inbox.push_back(Action::DownloadFailed {
                    from,
                    message: format!("{file_name} could not be saved: {why}"),
                }),
                None => self.downloads.push((file_name, text)),
            },
        }
    }

    /// Lets the host run one slice of its long run, as the worker does between messages.
    pub fn work_slice(&mut self) {
        let mut left = self.slice;
        let replies = self.host.work(&mut || {
            left = left.saturating_sub(1);
            left > 0
        });
        self.queue(replies);
    }

    fn queue(&mut self, replies: Vec<crate::protocol::Reply>) {
        let at_ms = self.now;
        self.inbox.extend(replies.into_iter().map(|reply| {
            Action::Worker(WorkerEvent::Reply {
                reply: Box::new(reply),
                at_ms,
            })
        }));
    }

    /// Hands every waiting answer to the reducer, and the answers those cause, until none.
    pub fn settle(&mut self) {
        while let Some(a) = self.inbox.pop_front() {
            self.dispatch(a);
        }
    }

    /// Steps one batch (the Step button) and waits for everything it causes.
    pub fn step(&mut self) {
        self.now += 1.0;
        self.dispatch(Action::Tick {
            due_ms: self.now,
            fired_ms: self.now,
        });
        self.settle();
    }

    pub fn steps(&mut self, n: usize) {
        for _ in 0..n {
            self.step();
        }
    }

    /// Does `action`, then waits for everything it causes.
    pub fn act(&mut self, action: Action) {
        self.dispatch(action);
        self.settle();
    }

    /// Types `text` into text source `node` as the learner would (one line), and settles.
    pub fn type_line(&mut self, node: &str, text: &str) {
        self.act(Action::Type {
            node: node.into(),
            text: text.into(),
        });
    }

    /// Sets `field` of `node` as the node editor does, and settles.
    pub fn set_field(&mut self, node: &str, field: &str, value: serde_json::Value) {
        self.act(Action::SetField {
            node: node.into(),
            field: field.into(),
            value: Some(value),
        });
    }

    /// What output `out` printed at the last batch it fired, as the page holds it, sorted
    /// (records are a multiset).
    pub fn printed(&self, out: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .state
            .run
            .history
            .iter()
            .rev()
            .filter(|v| v.current())
            .find_map(|v| v.report.outputs.iter().find(|o| o.output == out))
            .map(|o| o.records.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// The engine host in this page's thread behind the page's `Link`, answering on the next
/// turn of the event loop as the worker would: for the browser component tests only (the
/// page itself always uses the worker).
#[cfg(target_arch = "wasm32")]
pub struct InProcessLink {
    host: std::rc::Rc<std::cell::RefCell<EngineHost>>,
    on_event: yew::Callback<WorkerEvent>,
}

#[cfg(target_arch = "wasm32")]
impl InProcessLink {
    pub fn connect(
        on_event: yew::Callback<WorkerEvent>,
    ) -> Result<Box<dyn crate::effects::Link>, String> {
        let ready = on_event.clone();
        wasm_bindgen_futures::spawn_local(async move { ready.emit(WorkerEvent::Ready) });
        Ok(Box::new(InProcessLink {
            host: std::rc::Rc::new(std::cell::RefCell::new(EngineHost::new(None))),
            on_event,
        }))
    }
}

#[cfg(target_arch = "wasm32")]
impl crate::effects::Link for InProcessLink {
    fn send(&self, request: Request) -> Result<(), String> {
        let (host, on_event) = (self.host.clone(), self.on_event.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let mut replies = host.borrow_mut().handle(request);
            while host.borrow().busy() {
                replies.extend(host.borrow_mut().work(&mut || true));
            }
            for reply in replies {
                on_event.emit(WorkerEvent::Reply {
                    reply: Box::new(reply),
                    at_ms: crate::clock::now_ms(),
                });
            }
        });
        Ok(())
    }
}

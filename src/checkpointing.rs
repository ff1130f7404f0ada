//! Checkpointing the playground, as `StreamingContext.checkpoint` + `getOrCreate`: every
//! checkpoint interval the engine's snapshot goes to IndexedDB (`storage::checkpoints`), in
//! the slot of its pipeline (the snapshot's `pipeline_key`); on page load the newest intact
//! snapshot of the pipeline checkpointed last is restored, and switching to a pipeline (a
//! gallery example) restores that pipeline's, and the page says so; a kept snapshot clicked
//! on the time axis rewinds the whole playground to it. The interval setting is kept per
//! pipeline. Failures (a damaged snapshot, a refused write, a full quota) become a message;
//! the pipeline and the last good snapshot stay.
//!
//! The reducer stays synchronous: IndexedDB work runs in spawned futures that report back
//! through the `sink` callback the checkpoint bar attaches, as `Action::Checkpoint`.
//!
//! A restored run (getOrCreate, a rewind, the state a fault-lab kill left) goes back to the
//! engine worker as a snapshot (`Request::Restore`): the page keeps only an idle engine of
//! the pipeline (types, plan), as for a fresh run.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use dstream_engine::checkpoint::{pipeline_key, FORMAT_VERSION};
use dstream_engine::fault::{Fault, FaultConfig, FaultLab, FaultReport, ReceiverMode};
use dstream_engine::{Engine, PipelineSpec, Snapshot, SnapshotError, Value};
use yew::Callback;

use crate::state::{Action, Shared, State, SAMPLE_LIMIT};
use crate::storage::{CheckpointMeta, Recovery, Storage, APP_DATABASE, LEGACY_SESSION};
use crate::ui::examples;
use crate::worker_protocol::{Reply, Request};

/// A status line under the time axis.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Info(String),
    /// Something went wrong; what was kept is said in the text.
    Error(String),
}

/// The page's checkpoint state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checkpoints {
    /// Set by the learner (ms); `None`: Spark's default for the pipeline.
    pub interval_ms: Option<u64>,
    /// Kept snapshots, oldest first (marks on the time axis).
    pub kept: Vec<CheckpointMeta>,
    pub status: Option<Status>,
    /// The snapshot the run continues from, if it was restored.
    pub restored_from: Option<u64>,
    /// Where spawned IndexedDB work reports; `None` (component tests): nothing is written.
    pub sink: Option<Callback<Action>>,
    /// `getOrCreate` finished: checkpoints may be written from now on.
    pub ready: bool,
    /// The run generation a switch's lookup was started for: a Reset or an edit since then
    /// means the learner chose a fresh run, so the lookup's snapshot is not restored.
    pub lookup: Option<u64>,
    /// The fault lab (`ui::fault_lab`): settings, input log, last checkpoint, totals.
    pub lab: Shared<RefCell<FaultLab>>,
    /// The run generation the lab's log belongs to.
    pub lab_generation: u64,
    /// What the last kill did (computed by the engine).
    pub last_fault: Option<FaultReport>,
    /// A kill waiting for the worker's snapshot (the run moves to this thread first).
    pub pending_kill: Option<Fault>,
    /// The snapshot the playground was last rewound to: an edit made from there replays
    /// from its batch with the edited downstream (`Engine::restore_with`).
    pub rewound: Option<Shared<Snapshot>>,
    /// Lines fed to the engine since the last recorded batch (the lab's WAL keeps them).
    pub fed_next: Vec<(String, Vec<Value>)>,
    /// A restored run on its way to the engine worker (until the worker answers).
    pub handoff: Option<Handoff>,
    /// Keys of kept snapshots found damaged (skipped by getOrCreate, or failing to load).
    pub damaged: BTreeSet<String>,
    /// Keys of state in each snapshot this page wrote or read, by its `batches_run`.
    pub state_keys: BTreeMap<u64, u64>,
}

/// Why a run goes to the worker as a snapshot: what to say when the worker answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoffCause {
    /// getOrCreate or a rewind (the page already said so).
    Restore,
    /// The state a fault-lab kill left on this thread.
    Kill,
    /// An edit after a rewind: the snapshot under the edited pipeline (`restore_with`).
    Edit,
}

/// A run continued from a snapshot in the engine worker (`Request::Restore`).
#[derive(Clone, Debug, PartialEq)]
pub struct Handoff {
    pub bytes: Shared<Vec<u8>>,
    /// Run this edited pipeline from the snapshot (`Engine::restore_with`).
    pub edited: Option<PipelineSpec>,
    pub batches_run: u64,
    pub cause: HandoffCause,
    /// Posted to the worker (else it waits for the worker's `Ready`).
    pub sent: bool,
}

impl Default for Shared<RefCell<FaultLab>> {
    fn default() -> Self {
        Shared(Rc::new(RefCell::new(FaultLab::new(FaultConfig::default()))))
    }
}

/// What the checkpoint machinery tells the reducer.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckpointAction {
    /// The checkpoint bar mounted: start `getOrCreate`.
    Attach(Callback<Action>),
    /// `getOrCreate`'s outcome for `pipeline` (on page load, or after a switch to it): the
    /// snapshot to restore (with the reasons newer ones were skipped), or nothing, or only
    /// reasons; its kept list and its kept interval setting.
    Found {
        pipeline: String,
        on_load: bool,
        restore: Option<(CheckpointMeta, Shared<Snapshot>)>,
        problems: Vec<String>,
        kept: Vec<CheckpointMeta>,
        interval_ms: Option<u64>,
    },
    /// A write for `pipeline` after `n` batches finished: the kept list, or why not.
    Written {
        pipeline: String,
        n: u64,
        result: Result<Vec<CheckpointMeta>, String>,
    },
    SetInterval(Option<u64>),
    /// Keeping the interval setting failed (it still applies until the page reloads).
    IntervalNotSaved(String),
    /// Rewind to a kept snapshot (its key).
    TravelTo(String),
    /// A kept snapshot's bytes arrived (or why not).
    Loaded(Result<(CheckpointMeta, Shared<Snapshot>), String>),
    /// The kept snapshot with this key did not load: mark it damaged on the time axis.
    Damaged(String),
    /// One of the fault lab's settings changed (the others stay as they are now).
    Configure(LabSetting),
    /// Kill the receiver, an executor or the driver.
    Kill(Fault),
}

/// A fault lab setting the learner changed. One setting per action, applied to the lab's
/// current settings, so two changes in a row (faster than a render) both hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LabSetting {
    Mode(ReceiverMode),
    Wal(bool),
    Replication(u8),
}

impl LabSetting {
    fn apply(self, c: &mut FaultConfig) {
        match self {
            LabSetting::Mode(m) => c.mode = m,
            LabSetting::Wal(on) => c.wal = on,
            LabSetting::Replication(r) => c.replication = r,
        }
    }
}

fn spawn(f: impl std::future::Future<Output = ()> + 'static) {
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(f);
    #[cfg(not(target_arch = "wasm32"))]
    drop(f);
}

/// The snapshot itself if this is its only handle (it usually is), else a copy.
fn owned(s: Shared<Snapshot>) -> Snapshot {
    Rc::try_unwrap(s.0).unwrap_or_else(|rc| (*rc).clone())
}

fn batches(n: u64) -> String {
    if n == 1 {
        "1 batch".into()
    } else {
        format!("{n} batches")
    }
}

/// getOrCreate: the newest intact snapshot of a pipeline, with its kept list and interval.
/// On page load the pipeline is the one checkpointed last (else `shown`, the page's own, or
/// the single slot of earlier versions); after a switch it is `shown`.
async fn look_up(shown: String, on_load: bool) -> CheckpointAction {
    let storage = match Storage::open(APP_DATABASE).await {
        Ok(storage) => storage,
        Err(e) => {
            return CheckpointAction::Found {
                pipeline: shown,
                on_load,
                restore: None,
                problems: vec![e.to_string()],
                kept: Vec::new(),
                interval_ms: None,
            }
        }
    };
    let mut problems = Vec::new();
    let pipeline = if on_load {
        match storage.current_pipeline().await {
            Ok(Some(current)) => current,
            Ok(None)
                if !storage
                    .checkpoints(LEGACY_SESSION)
                    .await
                    .unwrap_or_default()
                    .is_empty() =>
            {
                LEGACY_SESSION.to_owned()
            }
            Ok(None) => shown,
            Err(e) => {
                problems.push(e.to_string());
                shown
            }
        }
    } else {
        shown
    };
    let kept = storage.checkpoints(&pipeline).await.unwrap_or_default();
    let interval_ms = storage.interval(&pipeline).await.unwrap_or_default();
    let restore = match storage.get_or_create(&pipeline).await {
        Recovery::Fresh => None,
        Recovery::Restored {
            meta,
            snapshot,
            skipped,
        } => {
            problems.extend(skipped);
            Some((meta, Shared(Rc::new(snapshot))))
        }
        Recovery::Unusable(reasons) => {
            problems.extend(reasons);
            None
        }
    };
    storage.close();
    CheckpointAction::Found {
        // The legacy slot's snapshot files itself under its own pipeline from now on.
        pipeline: restore
            .as_ref()
            .map_or(pipeline, |(_, s)| s.pipeline_key.clone()),
        on_load,
        restore,
        problems,
        kept,
        interval_ms,
    }
}

impl State {
    /// The key of the pipeline shown: its checkpoint slot.
    pub fn pipeline_key(&self) -> String {
        pipeline_key(&self.spec)
    }

    /// After a switch to another pipeline (a gallery example, a loaded spec): its own
    /// checkpoints, interval and getOrCreate. Nothing is written until the lookup answers, so
    /// an early batch cannot replace the pipeline's later snapshots.
    pub(crate) fn switch_checkpoints(&mut self) {
        self.checkpoints.kept = Vec::new();
        self.checkpoints.interval_ms = None;
        self.checkpoints.restored_from = None;
        self.checkpoints.rewound = None;
        self.checkpoints.status = None;
        let Some(sink) = self.checkpoints.sink.clone() else {
            return;
        };
        self.checkpoints.ready = false;
        self.checkpoints.lookup = Some(self.generation);
        let shown = self.pipeline_key();
        spawn(async move {
            sink.emit(Action::Checkpoint(look_up(shown, false).await));
        });
    }

    /// A restored pipeline that is a gallery example is shown as that example.
    fn name_example(&mut self) {
        let key = self.pipeline_key();
        if let Some(e) = examples::EXAMPLES
            .iter()
            .find(|e| e.spec().ok().is_some_and(|s| pipeline_key(&s) == key))
        {
            self.example = Some(e.slug.to_string());
        }
    }

    /// The interval in effect: the learner's, else Spark's default for this pipeline.
    pub fn checkpoint_interval_ms(&self) -> u64 {
        self.checkpoints.interval_ms.unwrap_or_else(|| {
            self.engine
                .as_ref()
                .map_or(10_000, |e| e.0.borrow().default_checkpoint_interval_ms())
        })
    }

    /// Asks the engine worker for a snapshot of its run; `false` if no request was sent.
    fn request_worker_snapshot(&self) -> bool {
        let Some(worker) = self.worker.as_ref() else {
            return false;
        };
        let request = Request::Snapshot {
            generation: self.generation,
        };
        let Ok(text) = serde_json::to_string(&request) else {
            return false;
        };
        worker.post(&text);
        true
    }

    pub(crate) fn on_checkpoint(&mut self, action: CheckpointAction) {
        match action {
            CheckpointAction::Attach(sink) => {
                self.checkpoints.sink = Some(sink.clone());
                let shown = self.pipeline_key();
                spawn(async move {
                    sink.emit(Action::Checkpoint(look_up(shown, true).await));
                });
            }
            CheckpointAction::Found {
                pipeline,
                on_load,
                restore,
                problems,
                kept,
                interval_ms,
            } => {
                // A lookup for a pipeline the learner has left since: the newer one decides.
                if !on_load && pipeline != self.pipeline_key() {
                    return;
                }
                let restarted = !on_load && self.checkpoints.lookup != Some(self.generation);
                self.checkpoints.lookup = None;
                self.checkpoints.ready = true;
                // getOrCreate walks from the newest: every kept snapshot newer than the one
                // it restored (or all, if none) was skipped as damaged.
                let restored_n = restore.as_ref().map(|(m, _)| m.batches_run);
                if !problems.is_empty() {
                    self.checkpoints.damaged.extend(
                        kept.iter()
                            .filter(|m| restored_n.is_none_or(|n| m.batches_run > n))
                            .map(|m| m.key.clone()),
                    );
                }
                let problem = (!problems.is_empty()).then(|| problems.join("; "));
                let mine = restore.is_some() || pipeline == self.pipeline_key();
                self.checkpoints.kept = if mine { kept } else { Vec::new() };
                self.checkpoints.interval_ms = if mine { interval_ms } else { None };
                if restarted {
                    // Reset (or edited) before the lookup answered: the fresh run stays.
                    self.checkpoints.status = Some(Status::Info(match &restore {
                        Some((meta, _)) => format!(
                            "Started anew; this pipeline's checkpoint after {} stays on the time axis.",
                            batches(meta.batches_run)
                        ),
                        None => "No checkpoint yet: started a new context.".into(),
                    }));
                    return;
                }
                match restore {
                    Some((meta, snapshot)) => {
                        let migrated = snapshot.migrated_from;
                        match self.restore_snapshot(owned(snapshot)) {
                            Ok(()) => {
                                self.name_example();
                                let what = match migrated {
                                    Some(v) => format!(
                                        "Restored a version-{v} checkpoint after {}, migrated to version {FORMAT_VERSION}",
                                        batches(meta.batches_run)
                                    ),
                                    None => format!(
                                        "Restored the checkpoint after {}",
                                        batches(meta.batches_run)
                                    ),
                                };
                                let text = format!(
                                    "{what} (t = {} ms): the next batch continues where the stream stopped.",
                                    meta.time_ms
                                );
                                self.checkpoints.status = Some(match problem {
                                    Some(p) => Status::Error(format!(
                                        "{p}. Kept the last good one instead. {text}"
                                    )),
                                    None => Status::Info(text),
                                });
                            }
                            Err(e) => {
                                self.checkpoints.status = Some(Status::Error(format!(
                                    "The checkpoint after {} cannot be restored: {e}. Started a new context.",
                                    batches(meta.batches_run)
                                )))
                            }
                        }
                    }
                    None => {
                        self.checkpoints.status = Some(match problem {
                            Some(p) => Status::Error(format!(
                                "{p}. No usable checkpoint: started a new context; your pipeline is kept."
                            )),
                            None => Status::Info(
                                "No checkpoint yet: started a new context.".into(),
                            ),
                        })
                    }
                }
            }
            CheckpointAction::Written {
                pipeline,
                n,
                result: Ok(kept),
            } => {
                if pipeline == self.pipeline_key() {
                    // A snapshot written after `n` batches replaces a damaged one of that batch.
                    for m in kept.iter().filter(|m| m.batches_run == n) {
                        self.checkpoints.damaged.remove(&m.key);
                    }
                    self.checkpoints.kept = kept;
                }
                self.checkpoints.status = Some(Status::Info(format!(
                    "Checkpoint after {} saved ({} kept).",
                    batches(n),
                    self.checkpoints.kept.len()
                )));
            }
            CheckpointAction::Written {
                n, result: Err(e), ..
            } => {
                let last = self
                    .checkpoints
                    .kept
                    .last()
                    .map(|m| format!("the one after {} is kept", batches(m.batches_run)))
                    .unwrap_or_else(|| "there is no earlier one".into());
                self.checkpoints.status = Some(Status::Error(format!(
                    "The checkpoint after {} was not saved: {e}. The playground keeps running and your pipeline is kept; {last}.",
                    batches(n)
                )));
            }
            CheckpointAction::SetInterval(ms) => {
                self.checkpoints.interval_ms = ms;
                if let Some(sink) = self.checkpoints.sink.clone() {
                    let pipeline = self.pipeline_key();
                    spawn(async move {
                        let saved = match Storage::open(APP_DATABASE).await {
                            Ok(storage) => {
                                let r = storage.set_interval(&pipeline, ms).await;
                                storage.close();
                                r.map_err(|e| e.to_string())
                            }
                            Err(e) => Err(e.to_string()),
                        };
                        if let Err(e) = saved {
                            sink.emit(Action::Checkpoint(CheckpointAction::IntervalNotSaved(e)));
                        }
                    });
                }
            }
            CheckpointAction::IntervalNotSaved(e) => {
                self.checkpoints.status = Some(Status::Error(format!(
                    "The checkpoint interval was not kept for the next visit: {e}. It applies until the page reloads."
                )));
            }
            CheckpointAction::TravelTo(key) => {
                let Some(meta) = self.checkpoints.kept.iter().find(|m| m.key == key).cloned()
                else {
                    return;
                };
                let Some(sink) = self.checkpoints.sink.clone() else {
                    return;
                };
                spawn(async move {
                    let key = meta.key.clone();
                    let loaded = match Storage::open(APP_DATABASE).await {
                        Ok(storage) => {
                            let r = storage
                                .load_checkpoint(&meta)
                                .await
                                .map(|s| (meta, Shared(Rc::new(s))));
                            storage.close();
                            r
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    if loaded.is_err() {
                        sink.emit(Action::Checkpoint(CheckpointAction::Damaged(key)));
                    }
                    sink.emit(Action::Checkpoint(CheckpointAction::Loaded(loaded)));
                });
            }
            CheckpointAction::Loaded(Ok((meta, snapshot))) => {
                match self.restore_snapshot(owned(snapshot)) {
                    Ok(()) => {
                        self.checkpoints.status = Some(Status::Info(format!(
                            "Rewound to the checkpoint after {} (t = {} ms).",
                            batches(meta.batches_run),
                            meta.time_ms
                        )))
                    }
                    Err(e) => self.checkpoints.status = Some(Status::Error(e)),
                }
            }
            CheckpointAction::Damaged(key) => {
                self.checkpoints.damaged.insert(key);
            }
            CheckpointAction::Loaded(Err(e)) => {
                self.checkpoints.status = Some(Status::Error(format!(
                    "{e}. The playground keeps running as it was."
                )))
            }
            CheckpointAction::Configure(setting) => {
                setting.apply(&mut self.checkpoints.lab.0.borrow_mut().config);
            }
            CheckpointAction::Kill(fault) => {
                if self.awaiting_worker() {
                    // The run is on its way to the worker: nothing here to kill yet.
                    return;
                }
                if self.remote {
                    // The run lives in the worker: bring it here first (its snapshot), then kill.
                    if self.request_worker_snapshot() {
                        self.checkpoints.pending_kill = Some(fault);
                    }
                } else {
                    self.kill_here(fault);
                }
            }
        }
    }

    /// The lab's log belongs to the current run; a new run starts a new log.
    fn lab_for_run(&mut self) -> Shared<RefCell<FaultLab>> {
        if self.checkpoints.lab_generation != self.generation {
            let config = self.checkpoints.lab.0.borrow().config;
            self.checkpoints.lab = Shared(Rc::new(RefCell::new(FaultLab::new(config))));
            self.checkpoints.lab_generation = self.generation;
        }
        self.checkpoints.lab.clone()
    }

    /// Applies a kill to the engine on this thread; the engine computes what was lost.
    fn kill_here(&mut self, fault: Fault) {
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let lab = self.lab_for_run();
        // Lines typed but not yet run are received records too.
        let typed = std::mem::take(&mut self.typed);
        let mut fed = Vec::new();
        let report = {
            let mut engine = engine.0.borrow_mut();
            for (node, text) in typed {
                let lines: Vec<Value> = text
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(Value::str)
                    .collect();
                if engine.feed(&node, lines.clone()).is_ok() {
                    fed.push((node, lines));
                }
            }
            let before = engine.batches_run();
            let report = lab.0.borrow_mut().kill(&mut engine, fault);
            (
                report,
                before != engine.batches_run() || fault == Fault::Driver,
            )
        };
        let (report, replaced) = report;
        self.checkpoints.fed_next.extend(fed);
        if replaced {
            // The driver restarted: the engine in the cell is a restored (or new) one.
            let n = engine.0.borrow().batches_run();
            let spec = self.spec.clone();
            self.install_shared(engine, spec);
            self.batches_run = n;
        }
        self.checkpoints.last_fault = Some(report);
    }

    /// [`State::restore_snapshot`] from a snapshot's bytes.
    #[cfg(test)]
    pub(crate) fn restore_bytes(&mut self, bytes: &[u8]) -> Result<(), String> {
        let snapshot = Snapshot::from_bytes(bytes).map_err(|e| e.to_string())?;
        self.restore_snapshot(snapshot)
    }

    /// Replaces the run with the snapshot's: its pipeline, its batch count, its state. The
    /// engine worker restores it (the page keeps an idle engine of the pipeline); without a
    /// worker (component tests, a failed worker) it runs on this thread.
    pub(crate) fn restore_snapshot(&mut self, snapshot: Snapshot) -> Result<(), String> {
        let spec = PipelineSpec::from_json(&snapshot.spec_json).map_err(|e| e.to_string())?;
        let n = snapshot.batches_run;
        self.checkpoints.state_keys.insert(n, snapshot.state_keys());
        if self.worker.is_some() {
            let idle = Engine::for_snapshot(&snapshot).map_err(|e| e.to_string())?;
            let bytes = (snapshot.to_bytes(), n);
            self.hand_over(idle, spec, bytes, None, HandoffCause::Restore);
        } else {
            let engine = Engine::restore(snapshot.clone()).map_err(|e| e.to_string())?;
            self.install_engine(engine, spec);
        }
        self.batches_run = n;
        // A driver killed now recovers from this snapshot.
        self.lab_for_run()
            .0
            .borrow_mut()
            .checkpointed(snapshot.clone());
        self.checkpoints.rewound = Some(Shared(Rc::new(snapshot)));
        self.checkpoints.restored_from = Some(n);
        Ok(())
    }

    /// Runs `engine` (a restored or fault-hit one) on this thread from now on.
    fn install_engine(&mut self, engine: Engine, spec: PipelineSpec) {
        self.install_shared(Shared(Rc::new(RefCell::new(engine))), spec);
    }

    fn install_shared(&mut self, engine: Shared<RefCell<Engine>>, spec: PipelineSpec) {
        {
            let mut e = engine.0.borrow_mut();
            e.set_sample_limit(SAMPLE_LIMIT);
            #[cfg(target_arch = "wasm32")]
            if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
                e.set_stopwatch(Box::new(move || perf.now()));
            }
        }
        if self.spec != spec {
            self.example = None;
        }
        self.spec = spec;
        self.playing = false;
        let lab = self.checkpoints.lab.clone();
        self.rebuild();
        // Replies of the worker's fresh run belong to an older generation now.
        self.generation += 1;
        self.remote = false;
        self.in_flight = None;
        self.queued.clear();
        self.engine = Some(engine);
        self.batches_run = 0;
        // The same run goes on: the lab keeps its log and checkpoint.
        self.checkpoints.lab = lab;
        self.checkpoints.lab_generation = self.generation;
    }

    /// Typed lines handed to the engine for the next batch.
    pub(crate) fn note_typed(&mut self, typed: &std::collections::BTreeMap<String, Vec<String>>) {
        for (node, lines) in typed {
            let lines = lines.iter().map(|l| Value::str(l)).collect();
            self.checkpoints.fed_next.push((node.clone(), lines));
        }
    }

    /// After an edit (which restarts the stream): if the playground was rewound to a
    /// snapshot of this pipeline's sources, replay from that snapshot's batch instead, the
    /// unchanged upstream nodes keeping their state and the edited ones starting empty.
    pub(crate) fn replay_edit_from_rewind(&mut self) {
        let Some(snap) = self.checkpoints.rewound.clone() else {
            return;
        };
        if self.engine.is_none() {
            return;
        }
        let Ok(old) = PipelineSpec::from_json(&snap.spec_json) else {
            return;
        };
        let sources_same = self
            .spec
            .nodes
            .iter()
            .filter(|n| n.inputs.is_empty())
            .all(|n| old.nodes.contains(n));
        if !sources_same {
            self.checkpoints.rewound = None;
            return;
        }
        if self.worker.is_some() {
            // The worker rewinds under the edited pipeline; it names the kept nodes.
            let Some(idle) = self
                .engine
                .as_ref()
                .and_then(|_| Engine::new(self.spec.clone()).ok())
            else {
                return;
            };
            let n = snap.batches_run;
            let spec = self.spec.clone();
            let bytes = (snap.to_bytes(), n);
            self.hand_over(idle, spec.clone(), bytes, Some(spec), HandoffCause::Edit);
            self.checkpoints.status = Some(Status::Info(format!(
                "Edited after a rewind: replaying from the checkpoint after {}…",
                batches(n)
            )));
            return;
        }
        match Engine::restore_with((*snap.0).clone(), self.spec.clone()) {
            Ok((engine, kept)) => {
                let n = engine.batches_run();
                let spec = self.spec.clone();
                self.install_engine(engine, spec);
                self.batches_run = n;
                self.checkpoints.status = Some(edit_replayed(n, &kept));
            }
            Err(e) => {
                self.checkpoints.rewound = None;
                self.checkpoints.status = Some(Status::Error(format!(
                    "The edit cannot replay from the rewound checkpoint ({e}); the stream restarted from batch 0."
                )));
            }
        }
    }

    /// After every recorded batch: writes a snapshot when the batch time is a multiple of
    /// the interval (the worker's run asks the worker for it).
    pub(crate) fn checkpoint_if_due(&mut self) {
        // Back before the rewound snapshot (a reset): edits restart from batch 0 again.
        if self
            .checkpoints
            .rewound
            .as_ref()
            .is_some_and(|s| self.batches_run < s.batches_run)
        {
            self.checkpoints.rewound = None;
        }
        // The fault lab logs every batch's input counts (from the report, wherever it ran).
        if let (Some(report), Some(engine)) = (
            self.history.back().map(|v| v.report.clone()),
            self.engine.clone(),
        ) {
            let fed = std::mem::take(&mut self.checkpoints.fed_next);
            let lab = self.lab_for_run();
            lab.0
                .borrow_mut()
                .after_tick(&engine.0.borrow(), &report, &fed);
        }
        if !self.checkpoints.ready || self.checkpoints.sink.is_none() {
            return;
        }
        let t = self.batches_run * self.spec.batch_interval_ms;
        let interval = self.checkpoint_interval_ms();
        if interval == 0 || t == 0 || !t.is_multiple_of(interval) {
            return;
        }
        if self.remote {
            self.request_worker_snapshot();
            return;
        }
        let Some(engine) = self.engine.as_ref() else {
            return;
        };
        let snapshot = engine.0.borrow().snapshot();
        let bytes = snapshot.to_bytes();
        self.write_snapshot(self.batches_run, bytes, Ok(snapshot));
    }

    /// The worker's snapshot arrived.
    pub(crate) fn on_snapshot_reply(&mut self, reply: Reply) {
        if let Reply::Snapshot {
            batches_run, bytes, ..
        } = reply
        {
            if let Some(fault) = self.checkpoints.pending_kill.take() {
                match crate::worker_protocol::restore(&bytes, None) {
                    Ok((engine, _)) => {
                        let spec = self.spec.clone();
                        self.install_engine(engine, spec);
                        self.batches_run = batches_run;
                        self.kill_here(fault);
                        self.hand_back_after_kill();
                    }
                    Err(e) => self.checkpoints.status = Some(Status::Error(e)),
                }
                return;
            }
            let snapshot = Snapshot::from_bytes(&bytes);
            self.write_snapshot(batches_run, bytes, snapshot);
        }
    }

    /// A restored run waits for the worker to start: this thread's engine is only idle.
    pub(crate) fn awaiting_worker(&self) -> bool {
        self.checkpoints.handoff.as_ref().is_some_and(|h| !h.sent)
    }

    /// Continues the run from `bytes` in the engine worker: the page keeps `idle` (a fresh
    /// engine of the pipeline, for types and the plan) and the lab; the worker restores.
    fn hand_over(
        &mut self,
        idle: Engine,
        spec: PipelineSpec,
        (bytes, n): (Vec<u8>, u64),
        edited: Option<PipelineSpec>,
        cause: HandoffCause,
    ) {
        self.install_engine(idle, spec);
        self.batches_run = n;
        self.checkpoints.handoff = Some(Handoff {
            bytes: Shared(Rc::new(bytes)),
            edited,
            batches_run: n,
            cause,
            sent: false,
        });
        self.send_handoff();
    }

    /// Posts the waiting handoff if the worker is ready; `true` if it was posted now.
    pub(crate) fn send_handoff(&mut self) -> bool {
        let Some(worker) = self.worker.clone().filter(|_| self.worker_ready) else {
            return false;
        };
        let Some(h) = self.checkpoints.handoff.as_mut().filter(|h| !h.sent) else {
            return false;
        };
        let request = Request::Restore {
            generation: self.generation,
            bytes: h.bytes.to_vec(),
            spec: h.edited.as_ref().map(PipelineSpec::to_json),
            sample_limit: SAMPLE_LIMIT,
        };
        let Ok(text) = serde_json::to_string(&request) else {
            return false;
        };
        worker.post(&text);
        h.sent = true;
        self.remote = true;
        true
    }

    /// The worker is gone: the run waiting for it (or just sent) continues on this thread.
    pub(crate) fn run_handoff_here(&mut self) {
        let Some(h) = self.checkpoints.handoff.take() else {
            return;
        };
        match crate::worker_protocol::restore(&h.bytes, h.edited) {
            Ok((engine, _)) => {
                let spec = self.spec.clone();
                self.install_engine(engine, spec);
                self.batches_run = h.batches_run;
            }
            Err(e) => self.restore_failed(h.cause, &e),
        }
    }

    /// After a kill on this thread: the run goes back to the worker as a snapshot (which
    /// carries what the kill changed, records a queueStream's receiver lost included).
    fn hand_back_after_kill(&mut self) {
        if self.worker.is_none() {
            return;
        }
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let bytes = {
            let engine = engine.0.borrow();
            (engine.snapshot().to_bytes(), engine.batches_run())
        };
        let Ok(idle) = Engine::new(self.spec.clone()) else {
            return;
        };
        let spec = self.spec.clone();
        self.hand_over(idle, spec, bytes, None, HandoffCause::Kill);
    }

    /// The worker's answer to a handoff.
    pub(crate) fn on_restore_reply(&mut self, reply: Reply) {
        let Some(h) = self.checkpoints.handoff.take() else {
            return;
        };
        match reply {
            // After an edit, the worker names the nodes that kept their state.
            Reply::Restored {
                batches_run, kept, ..
            } if h.cause == HandoffCause::Edit => {
                self.checkpoints.status = Some(edit_replayed(batches_run, &kept));
            }
            Reply::RestoreFailed { message, .. } => self.restore_failed(h.cause, &message),
            _ => {}
        }
    }

    /// A snapshot that does not restore: say so and start a new context of the pipeline.
    fn restore_failed(&mut self, cause: HandoffCause, e: &str) {
        if cause == HandoffCause::Edit {
            self.checkpoints.rewound = None;
        }
        self.checkpoints.status = Some(Status::Error(match cause {
            HandoffCause::Edit => format!(
                "The edit cannot replay from the rewound checkpoint ({e}); the stream restarted from batch 0."
            ),
            _ => format!(
                "The snapshot cannot be restored: {e}. Started a new context; your pipeline is kept."
            ),
        }));
        self.rebuild();
    }

    /// Stores `bytes`, the snapshot after `batches_run` batches (`snapshot`: the same,
    /// decoded, or why it does not decode), and gives the snapshot to the fault lab.
    fn write_snapshot(
        &mut self,
        batches_run: u64,
        bytes: Vec<u8>,
        snapshot: Result<Snapshot, SnapshotError>,
    ) {
        let Some(sink) = self.checkpoints.sink.clone() else {
            return;
        };
        let time_ms = batches_run * self.spec.batch_interval_ms;
        // Filed under the pipeline the snapshot names (the spec shown, unless it is damaged).
        let mut pipeline = self.pipeline_key();
        if let Ok(snapshot) = snapshot {
            self.checkpoints
                .state_keys
                .insert(batches_run, snapshot.state_keys());
            pipeline.clone_from(&snapshot.pipeline_key);
            self.lab_for_run().0.borrow_mut().checkpointed(snapshot);
        }
        spawn(async move {
            let result = match Storage::open(APP_DATABASE).await {
                Ok(storage) => {
                    let r = storage
                        .write_checkpoint(&pipeline, batches_run, time_ms, &bytes)
                        .await
                        .map_err(|e| e.to_string());
                    storage.close();
                    r
                }
                Err(e) => Err(e.to_string()),
            };
            sink.emit(Action::Checkpoint(CheckpointAction::Written {
                pipeline,
                n: batches_run,
                result,
            }));
        });
    }
}

/// The status after an edit replayed from a rewound snapshot.
fn edit_replayed(n: u64, kept: &[String]) -> Status {
    Status::Info(format!(
        "Edited after a rewind: replaying from the checkpoint after {}; state kept for {}, the edited nodes start empty.",
        batches(n),
        if kept.is_empty() { "no node".to_string() } else { kept.join(", ") }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::examples;

    fn state() -> State {
        let spec = examples::find("windowed-word-count")
            .and_then(|e| e.spec().ok())
            .expect("the example loads");
        State::with_spec(spec, None)
    }

    fn tick(s: Rc<State>) -> Rc<State> {
        yew::Reducible::reduce(
            s,
            Action::Tick {
                due_ms: 0.0,
                started_ms: 0.0,
            },
        )
    }

    fn printed(s: &State) -> Vec<String> {
        let mut v: Vec<String> = s
            .outputs
            .get("out")
            .map(|l| l.records.iter().map(|r| r.to_string()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The page's engine's snapshot now, as bytes.
    fn snapshot_bytes(s: &State) -> Vec<u8> {
        let engine = s.engine.as_ref().expect("runs");
        let bytes = engine.0.borrow().snapshot().to_bytes();
        bytes
    }

    #[test]
    fn a_restored_snapshot_continues_and_an_edit_after_it_replays_from_its_batch() {
        let mut s = Rc::new(state());
        for _ in 0..4 {
            s = tick(s);
        }
        let bytes = snapshot_bytes(&s);
        let mut whole = s.clone();
        for _ in 0..2 {
            whole = tick(whole);
        }

        let mut restored = state();
        restored.restore_bytes(&bytes).expect("restores");
        assert_eq!(restored.batches_run, 4);
        let mut r = Rc::new(restored);
        for _ in 0..2 {
            r = tick(r);
        }
        assert_eq!(r.batches_run, 6);
        assert_eq!(printed(&r), printed(&whole));
        assert!(!printed(&r).is_empty());

        // Edit the downstream print: the run replays from batch 4, the window keeps its state.
        let edited = yew::Reducible::reduce(
            r,
            Action::SetField {
                node: "out".into(),
                field: "num".into(),
                value: Some(serde_json::json!(20)),
            },
        );
        assert_eq!(edited.batches_run, 4);
        assert!(
            matches!(&edited.checkpoints.status, Some(Status::Info(t)) if t.contains("counts"))
        );
        let mut e = edited;
        for _ in 0..2 {
            e = tick(e);
        }
        assert_eq!(printed(&e), printed(&whole));

        // An edit of a source is not a downstream edit: the stream restarts from batch 0.
        let restarted = yew::Reducible::reduce(
            e,
            Action::SetField {
                node: "lines".into(),
                field: "batches".into(),
                value: Some(serde_json::json!([["z"]])),
            },
        );
        assert_eq!(restarted.batches_run, 0);
    }

    fn reduce(s: Rc<State>, a: Action) -> Rc<State> {
        yew::Reducible::reduce(s, a)
    }

    /// What a switch's lookup reports for `s`'s pipeline: its snapshot after `n` batches.
    fn found(s: &State, n: u64) -> CheckpointAction {
        let mut e = Engine::new(s.spec.clone()).expect("valid");
        for _ in 0..n {
            e.tick().expect("runs");
        }
        let snapshot = e.snapshot();
        let meta = CheckpointMeta {
            key: crate::storage::snapshot_key(&snapshot.pipeline_key, n),
            batches_run: n,
            time_ms: snapshot.time_ms,
            bytes: 0,
        };
        CheckpointAction::Found {
            pipeline: snapshot.pipeline_key.clone(),
            on_load: false,
            restore: Some((meta.clone(), Shared(Rc::new(snapshot)))),
            problems: Vec::new(),
            kept: vec![meta],
            interval_ms: Some(2000),
        }
    }

    #[test]
    fn a_switch_restores_its_pipelines_checkpoint_unless_left_or_restarted_since() {
        let s = Rc::new(state());
        let wwc = found(&s, 5);
        // Switched away before the answer came: another pipeline's lookup is dropped.
        let mut other = (*reduce(s.clone(), Action::LoadExample("running-totals".into()))).clone();
        other.checkpoints.lookup = Some(other.generation);
        let other = reduce(Rc::new(other), Action::Checkpoint(wwc.clone()));
        assert_eq!(other.batches_run, 0);
        assert!(other.checkpoints.kept.is_empty());
        assert_eq!(other.checkpoints.interval_ms, None);

        // Answered while still on the pipeline: restored, with its kept list and interval.
        let mut on = (*s).clone();
        on.checkpoints.lookup = Some(on.generation);
        let on = reduce(Rc::new(on), Action::Checkpoint(wwc.clone()));
        assert_eq!(on.batches_run, 5);
        assert_eq!(on.checkpoints.interval_ms, Some(2000));
        assert_eq!(on.checkpoints.kept.len(), 1);
        assert!(
            matches!(&on.checkpoints.status, Some(Status::Info(t)) if t.starts_with("Restored the checkpoint after 5 batches")),
            "{:?}",
            on.checkpoints.status
        );

        // Reset before the answer: the fresh run stays, the checkpoint is kept for later.
        let mut reset = (*s).clone();
        reset.checkpoints.lookup = Some(reset.generation);
        let reset = tick(tick(reduce(Rc::new(reset), Action::Reset)));
        let reset = reduce(reset, Action::Checkpoint(wwc));
        assert_eq!(reset.batches_run, 2);
        assert_eq!(reset.checkpoints.kept.len(), 1);
        assert!(
            matches!(&reset.checkpoints.status, Some(Status::Info(t)) if t.starts_with("Started anew")),
            "{:?}",
            reset.checkpoints.status
        );
    }

    #[test]
    fn lab_settings_changed_one_after_another_all_hold() {
        let s = Rc::new(state());
        let s = reduce(
            s,
            Action::Checkpoint(CheckpointAction::Configure(LabSetting::Mode(
                ReceiverMode::Pull,
            ))),
        );
        let s = reduce(
            s,
            Action::Checkpoint(CheckpointAction::Configure(LabSetting::Replication(1))),
        );
        let s = reduce(
            s,
            Action::Checkpoint(CheckpointAction::Configure(LabSetting::Wal(true))),
        );
        let config = s.checkpoints.lab.0.borrow().config;
        assert_eq!(
            (config.mode, config.replication, config.wal),
            (ReceiverMode::Pull, 1, true)
        );
    }

    #[test]
    fn a_killed_driver_replays_typed_lines_from_the_wal_and_loses_them_without() {
        use dstream_engine::fault::Fault;
        for wal in [true, false] {
            let spec = examples::find("typed-lines")
                .and_then(|e| e.spec().ok())
                .expect("the example loads");
            let typed = |s: Rc<State>, text: &str| {
                let s = reduce(
                    s,
                    Action::Type {
                        node: "socket".into(),
                        text: text.into(),
                    },
                );
                tick(s)
            };
            let s = typed(Rc::new(State::with_spec(spec.clone(), None)), "a b");
            let bytes = snapshot_bytes(&s);
            let mut restored = (*s).clone();
            restored.restore_bytes(&bytes).expect("restores");
            let s = reduce(
                Rc::new(restored),
                Action::Checkpoint(CheckpointAction::Configure(LabSetting::Wal(wal))),
            );
            let s = typed(s, "c\nd e");
            assert_eq!(s.batches_run, 2);
            let s = reduce(s, Action::Checkpoint(CheckpointAction::Kill(Fault::Driver)));
            let report = s.checkpoints.last_fault.clone().expect("a report");
            assert_eq!(report.restored_from, Some(1));
            assert_eq!(s.batches_run, 1);
            assert_eq!(
                (report.recovered, report.lost),
                if wal { (2, 0) } else { (0, 2) }
            );
            let s = tick(s);
            let input = s.latest().map(|v| v.report.input_records);
            assert_eq!(input, Some(if wal { 2 } else { 0 }), "wal {wal}");
        }
    }
}

//! Checkpoints, as `ssc.checkpoint(dir)` and `StreamingContext.getOrCreate` make them: the
//! slot of the pipeline shown in IndexedDB (its kept snapshots, the interval setting), the
//! lookup that recovers a context from the newest intact snapshot (on page load, on a switch
//! to a pipeline, on a rewind), and what the page says about it. Storage work goes out as
//! `StorageRequest`s; a snapshot to restore goes back to the reducer, which asks the worker.

use std::collections::{BTreeMap, BTreeSet};

use crate::protocol::{Generation, Restarted};
use crate::storage::{
    checkpoint_name, CheckpointMeta, LoadPurpose, StorageReply, StorageRequest, LEGACY_SESSION,
};

/// A status line under the time axis.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Info(String),
    /// Something went wrong; what was kept is said in the text.
    Error(String),
}

/// What the page says of a program without `ssc.checkpoint(dir)`.
pub const OFF: &str = "This program never calls ssc.checkpoint(dir): nothing is checkpointed, a driver failure loses everything, and Spark refuses to start stateful ops (updateStateByKey, mapWithState) and windows with an inverse.";

/// What the checkpoint lookup is doing.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Lookup {
    #[default]
    Idle,
    /// Asked storage what the pipeline keeps, for context `generation` (an edit or a Reset
    /// since means the learner chose a fresh run).
    Listing { generation: Generation },
    /// Reading or restoring `meta`; `rest`: older candidates, newest first.
    Trying {
        purpose: LoadPurpose,
        meta: CheckpointMeta,
        rest: Vec<CheckpointMeta>,
        skipped: Vec<String>,
    },
}

/// What the reducer does next.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Nothing more than the storage requests already given.
    Wait,
    /// Restore this snapshot in a new context; `filed_under`: the slot it must belong to.
    Restore {
        bytes: Vec<u8>,
        filed_under: Option<String>,
        purpose: LoadPurpose,
    },
    /// No checkpoint to recover from: create a new context.
    Create,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checkpoints {
    /// The slot shown: the pipeline key of the pipeline on the page (or, on load, of the one
    /// checkpointed last).
    pub pipeline: String,
    /// Set by the learner (ms); `None`: Spark's default for the pipeline.
    pub interval_ms: Option<u64>,
    /// Kept snapshots, oldest first (marks on the time axis).
    pub kept: Vec<CheckpointMeta>,
    /// Keys of kept snapshots found damaged.
    pub damaged: BTreeSet<String>,
    /// Keys of state in each snapshot this page wrote or restored, by its `batches_run`.
    pub state_keys: BTreeMap<u64, u64>,
    pub status: Option<Status>,
    /// The snapshot the run continues from, if it was restored (its `batches_run`).
    pub restored_from: Option<u64>,
    /// The lookup answered: snapshots may be written from now on.
    pub ready: bool,
    pub lookup: Lookup,
}

impl Checkpoints {
    /// `getOrCreate` for `pipeline` in context `generation` (page load: the pipeline
    /// checkpointed last, if any). Nothing is written until it answers.
    pub fn look_up(
        &mut self,
        pipeline: String,
        on_load: bool,
        generation: Generation,
    ) -> StorageRequest {
        *self = Checkpoints {
            pipeline: pipeline.clone(),
            lookup: Lookup::Listing { generation },
            ..Checkpoints::default()
        };
        StorageRequest::List { pipeline, on_load }
    }

    /// A program that never calls `ssc.checkpoint(dir)`: no slot, nothing written.
    pub fn without_directory(&mut self, pipeline: String) {
        *self = Checkpoints {
            pipeline,
            ready: true,
            status: Some(Status::Info(OFF.into())),
            ..Checkpoints::default()
        };
    }

    /// Storage's answers. `generation`: the context now.
    pub fn stored(
        &mut self,
        reply: StorageReply,
        generation: Generation,
        out: &mut Vec<StorageRequest>,
    ) -> Next {
        match reply {
            StorageReply::Listed {
                pipeline,
                kept,
                interval_ms,
                ..
            } => {
                let Lookup::Listing { generation: asked } = self.lookup else {
                    return Next::Wait;
                };
                self.lookup = Lookup::Idle;
                if asked != generation {
                    // The learner moved on (Reset, an edit) before the answer came.
                    self.ready = true;
                    return Next::Wait;
                }
                self.pipeline = pipeline;
                self.interval_ms = interval_ms;
                let kept = match kept {
                    Ok(kept) => kept,
                    Err(e) => {
                        self.ready = true;
                        self.status = Some(Status::Error(format!(
                            "The checkpoint directory cannot be read: {e}. getOrCreate created a new context; your pipeline is kept."
                        )));
                        return Next::Create;
                    }
                };
                self.kept = kept;
                let mut candidates: Vec<CheckpointMeta> = self.kept.iter().rev().cloned().collect();
                if candidates.is_empty() {
                    self.ready = true;
                    self.status = Some(Status::Info(
                        "No checkpoint of this pipeline yet: StreamingContext.getOrCreate(dir, create) called create() for a new context; ssc.checkpoint(dir) writes one at each checkpoint interval."
                            .into(),
                    ));
                    return Next::Create;
                }
                let meta = candidates.remove(0);
                out.push(self.load(&meta, LoadPurpose::Recover));
                self.lookup = Lookup::Trying {
                    purpose: LoadPurpose::Recover,
                    meta,
                    rest: candidates,
                    skipped: Vec::new(),
                };
                Next::Wait
            }
            StorageReply::Loaded {
                pipeline,
                meta,
                purpose,
                bytes,
            } => {
                let current = matches!(&self.lookup, Lookup::Trying { meta: m, .. } if *m == meta);
                if !current || pipeline != self.pipeline {
                    return Next::Wait;
                }
                match bytes {
                    Ok(bytes) => Next::Restore {
                        bytes,
                        filed_under: (self.pipeline != LEGACY_SESSION)
                            .then(|| self.pipeline.clone()),
                        purpose,
                    },
                    Err(e) => self.failed(&e, out),
                }
            }
            StorageReply::Written {
                pipeline,
                batches_run,
                time_ms,
                result,
            } => {
                let name = checkpoint_name(time_ms);
                match result {
                    Ok(kept) => {
                        if pipeline == self.pipeline {
                            // A snapshot written after `n` batches replaces a damaged one.
                            for m in kept.iter().filter(|m| m.batches_run == batches_run) {
                                self.damaged.remove(&m.key);
                            }
                            self.kept = kept;
                        }
                        self.status = Some(Status::Info(format!(
                            "{name} saved: ssc.checkpoint(dir) keeps the newest {} of this pipeline.",
                            self.kept.len()
                        )));
                    }
                    Err(e) => {
                        let last = self
                            .kept
                            .last()
                            .map(|m| format!("{} stays the newest", m.name()))
                            .unwrap_or_else(|| "there is no earlier one".into());
                        self.status = Some(Status::Error(format!(
                            "{name} was not saved: {e}. The playground keeps running and your pipeline is kept; {last}."
                        )));
                    }
                }
                Next::Wait
            }
            StorageReply::IntervalSaved { result } => {
                if let Err(e) = result {
                    self.status = Some(Status::Error(format!(
                        "The checkpoint interval was not kept for the next visit: {e}. It applies until the page reloads."
                    )));
                }
                Next::Wait
            }
            // The draft and My pipelines are the document's (`document.rs`, `library.rs`), the
            // progress the lessons' (`lesson.rs`).
            StorageReply::DraftLoaded(_)
            | StorageReply::DraftSaved(_)
            | StorageReply::Library { .. }
            | StorageReply::LessonsLoaded(_)
            | StorageReply::LessonsSaved(_) => Next::Wait,
            StorageReply::Dropped { result, .. } => {
                if let Err(e) = result {
                    self.status = Some(Status::Error(format!(
                        "The old checkpoints could not be deleted: {e}. A reload may recover the old run."
                    )));
                }
                Next::Wait
            }
        }
    }

    /// The learner clicked a kept snapshot: read it, to rewind to it.
    pub fn rewind(&mut self, key: &str) -> Option<StorageRequest> {
        let meta = self.kept.iter().find(|m| m.key == key)?.clone();
        self.lookup = Lookup::Trying {
            purpose: LoadPurpose::Rewind,
            meta: meta.clone(),
            rest: Vec::new(),
            skipped: Vec::new(),
        };
        Some(self.load(&meta, LoadPurpose::Rewind))
    }

    /// The worker restored the snapshot being tried.
    pub fn restored(&mut self, r: &Restarted) {
        let Lookup::Trying {
            purpose,
            meta,
            skipped,
            ..
        } = std::mem::take(&mut self.lookup)
        else {
            return;
        };
        self.ready = true;
        self.restored_from = Some(meta.batches_run);
        self.state_keys.insert(meta.batches_run, r.state_keys);
        let name = meta.name();
        let migrated = r
            .migrated_from
            .map(|v| format!(" (written by format version {v}, migrated)"))
            .unwrap_or_default();
        let text = match purpose {
            LoadPurpose::Recover => format!(
                "Recovered from {name}{migrated}: StreamingContext.getOrCreate(dir, create) rebuilt the context from the checkpoint, so the next batch is #{} and its state and windows go on where the stream stopped.",
                meta.batches_run
            ),
            LoadPurpose::Rewind => format!(
                "Rewound to {name}: a new context recovered from it, as getOrCreate does after a driver restart; the next batch is #{}.",
                meta.batches_run
            ),
        };
        self.status = Some(if skipped.is_empty() {
            Status::Info(text)
        } else {
            Status::Error(format!("{}. {text}", skipped.join("; ")))
        });
    }

    /// The worker could not restore the snapshot being tried (`message` says why).
    pub fn restore_failed(&mut self, message: &str, out: &mut Vec<StorageRequest>) -> Next {
        if !matches!(self.lookup, Lookup::Trying { .. }) {
            return Next::Wait;
        }
        self.failed(message, out)
    }

    /// The snapshot being tried is unusable: mark it, and try the next older one.
    fn failed(&mut self, why: &str, out: &mut Vec<StorageRequest>) -> Next {
        let Lookup::Trying {
            purpose,
            meta,
            mut rest,
            mut skipped,
        } = std::mem::take(&mut self.lookup)
        else {
            return Next::Wait;
        };
        self.damaged.insert(meta.key.clone());
        let problem = format!("{} cannot be used: {why}", meta.name());
        if purpose == LoadPurpose::Rewind {
            self.status = Some(Status::Error(format!(
                "{problem}. The playground keeps running as it was."
            )));
            return Next::Wait;
        }
        skipped.push(problem);
        if rest.is_empty() {
            self.ready = true;
            self.status = Some(Status::Error(format!(
                "{}. No usable checkpoint: getOrCreate created a new context; your pipeline is kept.",
                skipped.join("; ")
            )));
            return Next::Create;
        }
        let next = rest.remove(0);
        out.push(self.load(&next, LoadPurpose::Recover));
        self.lookup = Lookup::Trying {
            purpose,
            meta: next,
            rest,
            skipped,
        };
        Next::Wait
    }

    fn load(&self, meta: &CheckpointMeta, purpose: LoadPurpose) -> StorageRequest {
        StorageRequest::Load {
            pipeline: self.pipeline.clone(),
            meta: meta.clone(),
            purpose,
        }
    }

    /// The interval in effect: the learner's, else Spark's default for this pipeline.
    pub fn interval_or(&self, default_ms: u64) -> u64 {
        self.interval_ms.unwrap_or(default_ms)
    }

    /// A batch whose snapshot should be written: its time is a multiple of the interval.
    pub fn due(&self, time_ms: u64, default_ms: u64) -> bool {
        let interval = self.interval_or(default_ms);
        self.ready && interval > 0 && time_ms > 0 && time_ms.is_multiple_of(interval)
    }

    /// A snapshot taken after `batches_run` batches, to be written: keep its key count.
    pub fn write(
        &mut self,
        batches_run: u64,
        time_ms: u64,
        state_keys: u64,
        bytes: Vec<u8>,
    ) -> StorageRequest {
        self.state_keys.insert(batches_run, state_keys);
        StorageRequest::Write {
            pipeline: self.pipeline.clone(),
            batches_run,
            time_ms,
            bytes,
        }
    }

    pub fn set_interval(&mut self, interval_ms: Option<u64>) -> StorageRequest {
        self.interval_ms = interval_ms;
        StorageRequest::SetInterval {
            pipeline: self.pipeline.clone(),
            interval_ms,
        }
    }

    /// Reset: a new context with no checkpoint directory to recover from.
    pub fn drop_all(&mut self) -> Option<StorageRequest> {
        let n = self.kept.len();
        self.kept.clear();
        self.damaged.clear();
        self.state_keys.clear();
        self.restored_from = None;
        self.lookup = Lookup::Idle;
        self.ready = true;
        self.status = Some(Status::Info(if n == 0 {
            "Reset: a new context from batch 0.".into()
        } else {
            format!("Reset: a new context from batch 0; this pipeline's {n} checkpoint(s) were deleted, as deleting its checkpoint directory would.")
        }));
        (n > 0).then(|| StorageRequest::Drop {
            pipeline: self.pipeline.clone(),
        })
    }

    /// The newest kept snapshot not known to be damaged: the one a reload would restore.
    pub fn newest_good(&self) -> Option<&CheckpointMeta> {
        self.kept
            .iter()
            .rev()
            .find(|m| !self.damaged.contains(&m.key))
    }
}

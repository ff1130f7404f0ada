//! The run of the pipeline shown: its context (created, recovered, restarted), the batches
//! it ran as the page shows them, and the ticks waiting for the worker, like Spark's job queue.

use std::collections::VecDeque;
use std::rc::Rc;

use dstream_engine::checkpoint::pipeline_key;
use dstream_engine::{BatchError, BatchReport, InputLog, PipelineSpec};

use super::document::dag_key;
use super::{
    BatchView, Checkpoints, Effect, Input, MetricPoint, Origin, Restart, State, Worker, MAX_QUEUED,
    METRICS_LEN,
};
use crate::examples;
use crate::protocol::{Generation, Reply, Request, Restarted, HISTORY_LEN};
use crate::storage::CheckpointedFrom;

/// Where the run's context is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for `getOrCreate` (storage) before a context is created or recovered.
    Recovering,
    /// A new context was asked for: planned, then re-run up to `target`.
    Starting,
    /// A snapshot is being restored; `previous`: the context that goes on if it fails.
    Restoring { previous: Option<Generation> },
    /// The context runs batches.
    Ready,
    /// The context runs batches at full speed up to a batch (`Run::progress`).
    FastForwarding,
    /// Nothing can run: the pipeline has errors, or the worker failed.
    Stopped,
}

/// A batch the worker is running, with the page times of its tick.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// When the timer wanted the tick.
    pub due_ms: f64,
    /// When the timer (or the Step button) fired.
    pub fired_ms: f64,
    /// When the batch was handed to the worker (after the previous batch finished).
    pub started_ms: f64,
}

/// The run of the pipeline shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub generation: Generation,
    pub phase: Phase,
    pub batches_run: u64,
    /// The batch the learner had reached: an edit's new context re-runs up to it.
    pub target: u64,
    /// The last `HISTORY_LEN` batches, by batch.
    pub history: Rc<VecDeque<BatchView>>,
    pub metrics: Rc<VecDeque<MetricPoint>>,
    /// The last run-time failure; playback pauses on it.
    pub batch_error: Option<BatchError>,
    pub in_flight: Option<Timing>,
    /// Ticks that came due while a batch ran: like Spark's job queue they wait, and their
    /// scheduling delay grows. `(due, fired)` page times.
    pub queued: VecDeque<(f64, f64)>,
    /// A long re-run: `(reached, target)`.
    pub progress: Option<(u64, u64)>,
    /// A request the worker refused, said as it said it.
    pub notice: Option<String>,
}

impl State {
    /// Whether the pipeline can run (or will, once its context is up).
    pub fn runnable(&self) -> bool {
        self.spec_errors.is_empty()
            && !matches!(self.worker, Worker::Failed(_))
            && self.run.phase != Phase::Stopped
    }

    pub(super) fn tick(&mut self, due_ms: f64, fired_ms: f64, fx: &mut Vec<Effect>) {
        if !self.runnable() {
            self.playing = false;
            return;
        }
        if self.run.phase == Phase::Ready && self.run.in_flight.is_none() {
            self.send_tick(
                Timing {
                    due_ms,
                    fired_ms,
                    started_ms: fired_ms,
                },
                fx,
            );
        } else if self.run.queued.len() < MAX_QUEUED {
            self.run.queued.push_back((due_ms, fired_ms));
        }
    }

    pub(super) fn send_tick(&mut self, timing: Timing, fx: &mut Vec<Effect>) {
        let batch = self.run.batches_run;
        let typed = self.input.take(batch);
        let time = (batch + 1) * self.spec.batch_interval_ms;
        let default = self
            .plan
            .as_ref()
            .map_or(10_000, |p| p.default_checkpoint_interval_ms);
        // An embed keeps nothing: no snapshot is taken to be written.
        let checkpoint =
            !self.embedded && self.checkpointing() && self.checkpoints.due(time, default);
        self.run.in_flight = Some(timing);
        let generation = self.run.generation;
        self.send(
            fx,
            Request::Tick {
                generation,
                typed,
                checkpoint,
            },
        );
    }

    /// The next queued tick, now that the worker is free (`now`: page time).
    pub(super) fn send_queued(&mut self, now: f64, fx: &mut Vec<Effect>) {
        if self.run.phase != Phase::Ready || self.run.in_flight.is_some() {
            return;
        }
        if let Some((due_ms, fired_ms)) = self.run.queued.pop_front() {
            self.send_tick(
                Timing {
                    due_ms,
                    fired_ms,
                    started_ms: now.max(fired_ms),
                },
                fx,
            );
        }
    }

    /// A new context of the pipeline shown, re-running the logged input up to `target`.
    pub(super) fn create(&mut self, fx: &mut Vec<Effect>) {
        let key = pipeline_key(&self.spec);
        if self.checkpoints.pipeline != key {
            // getOrCreate looked at another pipeline's slot and found nothing usable.
            self.checkpoints.pipeline = key;
            self.checkpoints.kept.clear();
            self.checkpoints.interval_ms = None;
        }
        self.run.generation += 1;
        self.run.phase = Phase::Starting;
        self.run.in_flight = None;
        self.run.progress = None;
        self.run.batch_error = None;
        self.run.notice = None;
        self.lineage = None;
        self.peeks = Rc::default();
        let request = Request::Start {
            generation: self.run.generation,
            spec_json: self.spec.to_json(),
            input: (*self.input.log).clone(),
            upto: self.run.target,
            lab: self.lab.config,
        };
        self.send(fx, request);
    }

    /// Another pipeline (a gallery example, one of My pipelines, an undo of a switch): its
    /// own checkpoints decide whether it is recovered or created (`getOrCreate`).
    pub(super) fn switch(
        &mut self,
        spec: PipelineSpec,
        example: Option<String>,
        fx: &mut Vec<Effect>,
    ) {
        self.show(spec, example);
        if !self.checkpointing() {
            // No ssc.checkpoint(dir): nothing to recover from, a new context is created.
            self.checkpoints.without_directory(pipeline_key(&self.spec));
            self.create(fx);
            return;
        }
        let ask = self
            .checkpoints
            .look_up(pipeline_key(&self.spec), false, self.run.generation);
        fx.push(Effect::Store(ask));
    }

    /// Another pipeline at batch 0 in a new context, `input` queued for its batches (New
    /// pipeline, a share link, an imported file): no checkpoint is recovered.
    pub(super) fn open_fresh(
        &mut self,
        spec: PipelineSpec,
        example: Option<String>,
        input: InputLog,
        fx: &mut Vec<Effect>,
    ) {
        self.show(spec, example);
        self.input.log = Rc::new(input);
        if self.checkpointing() {
            self.checkpoints = Checkpoints {
                pipeline: pipeline_key(&self.spec),
                ready: true,
                ..Checkpoints::default()
            };
        } else {
            self.checkpoints.without_directory(pipeline_key(&self.spec));
        }
        self.create(fx);
    }

    /// The page as it shows a pipeline it just opened, before any context of it.
    fn show(&mut self, spec: PipelineSpec, example: Option<String>) {
        self.doc.checkpointed = None;
        self.doc.writing = None;
        self.doc.choice = None;
        self.doc.text_error = None;
        self.inspected = None;
        self.spec = Rc::new(spec);
        self.example = example;
        self.plan = None;
        self.spec_errors.clear();
        self.playing = false;
        self.confirm_reset = false;
        self.followed = None;
        self.lineage = None;
        self.input = Input::default();
        self.lab.new_context();
        self.run.generation += 1;
        self.run.phase = Phase::Recovering;
        self.run.batches_run = 0;
        self.run.target = 0;
        self.run.history = Rc::default();
        self.run.metrics = Rc::default();
        self.run.batch_error = None;
        self.run.in_flight = None;
        self.run.progress = None;
        self.run.queued.clear();
        self.select_first_window();
    }

    /// Reset: a new context from batch 0 with no checkpoint to recover from.
    pub(super) fn reset(&mut self, fx: &mut Vec<Effect>) {
        self.playing = false;
        self.run.batches_run = 0;
        self.run.target = 0;
        self.run.history = Rc::default();
        self.run.metrics = Rc::default();
        self.run.queued.clear();
        self.followed = None;
        self.inspected = None;
        self.input.clear_log();
        self.lab.new_context();
        self.doc.checkpointed = None;
        self.doc.writing = None;
        if let Some(ask) = self.checkpoints.drop_all() {
            fx.push(Effect::Store(ask));
        }
        self.create(fx);
    }

    /// The batches shown so far belong to a context that is gone.
    pub(super) fn grey_history(&mut self, why: Restart) {
        if self.run.history.is_empty() {
            return;
        }
        for v in Rc::make_mut(&mut self.run.history).iter_mut() {
            if !matches!(v.origin, Origin::Before(_)) {
                v.origin = Origin::Before(why);
            }
        }
    }

    /// A context recovered from a checkpoint (a reload, a switch, a rewind, a driver kill).
    pub(super) fn restart(&mut self, r: Restarted, why: Restart) {
        let Ok(spec) = PipelineSpec::from_json(&r.spec_json) else {
            self.run.notice = Some("the restored snapshot's pipeline does not parse".into());
            return;
        };
        // A name or a description is no part of the DAG: the page keeps the learner's.
        let same = dag_key(&spec) == dag_key(&self.spec);
        if same {
            self.grey_history(why);
        } else {
            self.run.history = Rc::default();
            self.run.metrics = Rc::default();
            self.example = examples::matching(&spec).map(|e| e.slug.to_string());
            self.spec = Rc::new(spec);
            self.select_first_window();
        }
        self.plan = Some(r.plan);
        self.spec_errors.clear();
        self.run.phase = Phase::Ready;
        self.run.batches_run = r.batches_run;
        self.run.target = r.batches_run;
        self.run.batch_error = None;
        self.run.in_flight = None;
        self.run.progress = None;
        self.followed = None;
        self.lineage = None;
        self.peeks = Rc::default();
        let back = self.input.restart(r.input, r.batches_run);
        let mut notes = Vec::new();
        let accumulators: Vec<&str> = self
            .spec
            .nodes
            .iter()
            .filter(|n| n.field("accumulate").and_then(|v| v.as_bool()) == Some(true))
            .map(|n| n.id.as_str())
            .collect();
        if !accumulators.is_empty() {
            notes.push(format!(
                "The accumulator of {} starts again at 0 in the new context: Spark cannot recover accumulators from a checkpoint (its guide recommends a lazily created singleton instead).",
                accumulators.join(", ")
            ));
        }
        if back > 0 {
            notes.push(format!(
                "{back} typed line(s) of batch #{} and later are back in their box: a socket source does not send them again after a restart.",
                r.batches_run
            ));
        }
        self.run.notice = (!notes.is_empty()).then(|| notes.join(" "));
    }

    pub(super) fn on_reply(&mut self, reply: Reply, at_ms: f64, fx: &mut Vec<Effect>) {
        if reply.generation().is_some_and(|g| g != self.run.generation) {
            // A reply of a context that has been replaced.
            return;
        }
        match reply {
            Reply::Ready => {}
            Reply::Exported { .. } | Reply::Imported { .. } => self.on_code_reply(reply, fx),
            Reply::Planned { plan, errors, .. } => {
                self.plan = plan;
                self.spec_errors = errors;
                if !self.spec_errors.is_empty() {
                    self.run.phase = Phase::Stopped;
                    self.run.queued.clear();
                    self.playing = false;
                }
            }
            Reply::Progress {
                reached, target, ..
            } => self.run.progress = Some((reached, target)),
            Reply::Started {
                batches_run,
                reports,
                error,
                ..
            } => {
                self.run.phase = Phase::Ready;
                self.run.progress = None;
                for report in reports {
                    self.record(report, None, Origin::Rerun);
                }
                self.run.batches_run = batches_run;
                if let Some(error) = error {
                    self.fail(error);
                }
                self.send_queued(at_ms, fx);
                self.request_lineage(fx);
            }
            Reply::FastForwarded {
                batches_run,
                reports,
                error,
                cancelled,
                snapshot,
                ..
            } => {
                self.fast_forwarded(batches_run, reports, error, cancelled, snapshot, fx);
                self.request_lineage(fx);
            }
            Reply::Checked { token, errors } => self.checked(token, errors, fx),
            Reply::Restored { restarted, .. } => {
                let why = match self.run.phase {
                    Phase::Restoring { previous: Some(_) } => Restart::Rewind,
                    _ => Restart::Recovered,
                };
                self.checkpoints.restored(&restarted);
                if let Ok(spec) = PipelineSpec::from_json(&restarted.spec_json) {
                    self.doc.checkpointed = Some(CheckpointedFrom {
                        slot: self.checkpoints.pipeline.clone(),
                        dag: dag_key(&spec),
                    });
                }
                self.lab.new_context();
                self.lab.checkpoint_batch = Some(restarted.batches_run);
                self.restart(restarted, why);
                self.send_queued(at_ms, fx);
            }
            Reply::RestoreFailed { message, .. } => {
                let previous = match self.run.phase {
                    Phase::Restoring { previous } => previous,
                    _ => None,
                };
                let mut out = Vec::new();
                let next = self.checkpoints.restore_failed(&message, &mut out);
                fx.extend(out.into_iter().map(Effect::Store));
                match previous {
                    Some(g) => {
                        // The worker kept the context it had: it goes on.
                        self.run.generation = g;
                        self.run.phase = Phase::Ready;
                    }
                    None => {
                        self.run.phase = Phase::Recovering;
                        self.follow_up(next, fx);
                    }
                }
            }
            Reply::Report {
                report, snapshot, ..
            } => {
                let timing = self.run.in_flight.take();
                self.record(report, timing, Origin::Live);
                if let Some(s) = snapshot {
                    self.write_snapshot(s, fx);
                }
                self.send_queued(at_ms, fx);
                // A new batch: what the followed record became is asked again.
                self.request_lineage(fx);
            }
            Reply::BatchError { error, .. } => {
                self.run.in_flight = None;
                self.fail(error);
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
            Reply::Peeked { node, peek, .. } => {
                Rc::make_mut(&mut self.peeks).insert(node, peek);
            }
            reply @ Reply::Killed { .. } => {
                self.lab.killed(&reply);
                if let Reply::Killed {
                    restarted, input, ..
                } = reply
                {
                    match restarted {
                        Some(r) => self.restart(*r, Restart::Driver),
                        // What the kill lost is gone from the engine's log too.
                        None => self.input.log = Rc::new(input),
                    }
                }
            }
            Reply::Refused { message, .. } => {
                self.run.in_flight = None;
                self.run.queued.clear();
                self.playing = false;
                self.run.notice = Some(format!("The engine worker refused a request: {message}"));
            }
        }
    }

    /// A snapshot the worker took goes to IndexedDB; once written, the run continues from
    /// this pipeline's own checkpoint directory.
    pub(super) fn write_snapshot(
        &mut self,
        s: crate::protocol::SnapshotTaken,
        fx: &mut Vec<Effect>,
    ) {
        self.lab.checkpoint_batch = Some(s.batches_run);
        self.doc.writing = Some(CheckpointedFrom {
            slot: self.checkpoints.pipeline.clone(),
            dag: dag_key(&self.spec),
        });
        let ask = self
            .checkpoints
            .write(s.batches_run, s.time_ms, s.state_keys, s.bytes);
        fx.push(Effect::Store(ask));
    }

    /// A batch failed: it stays the next one, with its input, until the lambda is fixed.
    pub(super) fn fail(&mut self, error: BatchError) {
        self.run.batch_error = Some(error);
        self.run.queued.clear();
        self.playing = false;
    }

    /// Stores one batch's report (replacing an older one of the same batch) and its timing.
    pub(super) fn record(&mut self, report: BatchReport, timing: Option<Timing>, origin: Origin) {
        self.run.batch_error = None;
        // A peek was about the batch before.
        self.peeks = Rc::default();
        self.run.batches_run = report.batch + 1;
        if origin == Origin::Live {
            self.run.target = self.run.batches_run;
        }
        let view = BatchView {
            report: Rc::new(report),
            batch_interval_ms: self.spec.batch_interval_ms,
            timing,
            origin,
        };
        if let Some(point) = view.metric() {
            let metrics = Rc::make_mut(&mut self.run.metrics);
            metrics.push_back(point);
            while metrics.len() > METRICS_LEN {
                metrics.pop_front();
            }
        }
        let history = Rc::make_mut(&mut self.run.history);
        let batch = view.report.batch;
        history.retain(|v| v.report.batch != batch);
        let at = history.partition_point(|v| v.report.batch < batch);
        history.insert(at, view);
        while history.len() > HISTORY_LEN {
            history.pop_front();
        }
    }

    pub(super) fn request_lineage(&mut self, fx: &mut Vec<Effect>) {
        let Some(f) = self.followed.clone() else {
            return;
        };
        if self.run.phase != Phase::Ready {
            return;
        }
        let generation = self.run.generation;
        self.send(
            fx,
            Request::Follow {
                generation,
                node: f.node,
                record: f.record,
            },
        );
    }
}

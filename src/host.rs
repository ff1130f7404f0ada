//! The engine worker's side of the protocol: the one `Engine` of the page and the fault lab
//! beside it, driven by `Request`s. Pure Rust (no browser API), so native tests run the
//! page's scenarios against it through an in-process link; the worker binary only moves
//! messages. A long run (a re-run after an edit, a fast-forward) goes in slices, so newer
//! requests cut in.

use std::collections::VecDeque;

use dstream_engine::fault::{Fault, FaultConfig, FaultLab};
use dstream_engine::plan::{plan, NodeOp, Plan, WindowKind};
use dstream_engine::{BatchError, BatchReport, Engine, InputLog, PipelineSpec, Snapshot, Value};

use crate::protocol::{
    Generation, PlanInfo, Reply, Request, Restarted, SnapshotTaken, HISTORY_LEN, SAMPLE_LIMIT,
};

/// A long run's batches still to run: a `Start`'s re-run or a `RunTo`'s fast-forward.
struct Rerun {
    target: u64,
    reports: VecDeque<BatchReport>,
    /// A fast-forward: snapshot after this many batches; the snapshot taken.
    fast: Option<(Option<u64>, Option<SnapshotTaken>)>,
}

/// The worker's state: one context at a time.
pub struct EngineHost {
    engine: Option<Engine>,
    generation: Generation,
    lab: FaultLab,
    rerun: Option<Rerun>,
    /// Requests of the current context that came during a re-run: served after it.
    deferred: VecDeque<Request>,
    stopwatch: Option<fn() -> f64>,
}

impl EngineHost {
    pub fn new(stopwatch: Option<fn() -> f64>) -> EngineHost {
        EngineHost {
            engine: None,
            generation: 0,
            lab: FaultLab::new(FaultConfig::default()),
            rerun: None,
            deferred: VecDeque::new(),
            stopwatch,
        }
    }

    /// A re-run is under way: call [`EngineHost::work`] until it is not.
    pub fn busy(&self) -> bool {
        self.rerun.is_some()
    }

    /// Serves one request; a `Start` may leave work for [`EngineHost::work`].
    pub fn handle(&mut self, request: Request) -> Vec<Reply> {
        match request {
            Request::Start {
                generation,
                spec_json,
                input,
                upto,
                lab,
            } => self.start(generation, &spec_json, input, upto, lab),
            Request::Restore {
                generation,
                pipeline,
                lab,
                bytes,
            } => vec![self.restore(generation, pipeline.as_deref(), lab, &bytes)],
            Request::Configure { lab } => {
                self.lab.config = lab;
                Vec::new()
            }
            Request::Check { token, spec_json } => vec![check(token, &spec_json)],
            Request::Export {
                tag,
                language,
                spec_json,
                input,
            } => vec![crate::host_code::exported(
                tag, language, &spec_json, &input,
            )],
            Request::Import { tag, text } => vec![crate::host_code::imported(tag, &text)],
            Request::Cancel { generation } if generation == self.generation => {
                match self.rerun.take() {
                    Some(rerun) => {
                        let mut out = vec![self.started(rerun, None, true)];
                        out.extend(self.serve_deferred());
                        out
                    }
                    None => Vec::new(),
                }
            }
            other if other.generation() != Some(self.generation) => {
                vec![Reply::Refused {
                    generation: other.generation().unwrap_or(0),
                    message: "this request belongs to a context that has been replaced".into(),
                }]
            }
            other if self.rerun.is_some() => {
                self.deferred.push_back(other);
                Vec::new()
            }
            other => self.serve(other),
        }
    }

    /// Runs batches of the current re-run while `more()` says there is time, then reports
    /// progress, or the end of the re-run and the requests that waited for it.
    pub fn work(&mut self, more: &mut dyn FnMut() -> bool) -> Vec<Reply> {
        let Some(mut rerun) = self.rerun.take() else {
            return Vec::new();
        };
        let Some(engine) = self.engine.as_mut() else {
            return Vec::new();
        };
        while engine.batches_run() < rerun.target {
            // The engine feeds each batch the lines its log holds for it.
            match engine.tick() {
                Ok(report) => {
                    rerun.reports.push_back(report);
                    while rerun.reports.len() > HISTORY_LEN {
                        rerun.reports.pop_front();
                    }
                    if let Some((Some(at), taken)) = &mut rerun.fast {
                        if engine.batches_run() == *at {
                            *taken = Some(snapshot(engine, &mut self.lab));
                        }
                    }
                }
                Err(error) => {
                    let mut out = vec![self.started(rerun, Some(error), false)];
                    out.extend(self.serve_deferred());
                    return out;
                }
            }
            if !more() {
                break;
            }
        }
        if engine.batches_run() < rerun.target {
            let reached = engine.batches_run();
            let target = rerun.target;
            self.rerun = Some(rerun);
            return vec![Reply::Progress {
                generation: self.generation,
                reached,
                target,
            }];
        }
        let mut out = vec![self.started(rerun, None, false)];
        out.extend(self.serve_deferred());
        out
    }

    fn started(&self, rerun: Rerun, error: Option<BatchError>, cancelled: bool) -> Reply {
        let batches_run = self.engine.as_ref().map_or(0, Engine::batches_run);
        let reports = rerun.reports.into();
        match rerun.fast {
            Some((_, snapshot)) => Reply::FastForwarded {
                generation: self.generation,
                batches_run,
                reports,
                error,
                cancelled,
                snapshot,
            },
            None => Reply::Started {
                generation: self.generation,
                batches_run,
                reports,
                error,
                cancelled,
            },
        }
    }

    fn serve_deferred(&mut self) -> Vec<Reply> {
        let mut out = Vec::new();
        while self.rerun.is_none() {
            let Some(r) = self.deferred.pop_front() else {
                break;
            };
            out.extend(self.handle(r));
        }
        out
    }

    /// A fresh context: the engine, the lab's checkpoint and totals start anew.
    fn new_context(&mut self, generation: Generation, lab: FaultConfig, engine: Option<Engine>) {
        self.generation = generation;
        self.engine = engine;
        self.rerun = None;
        self.deferred.clear();
        self.lab = FaultLab::new(lab);
    }

    fn start(
        &mut self,
        generation: Generation,
        spec_json: &str,
        input: InputLog,
        upto: u64,
        lab: FaultConfig,
    ) -> Vec<Reply> {
        self.new_context(generation, lab, None);
        let spec = match PipelineSpec::from_json(spec_json) {
            Ok(spec) => spec,
            Err(e) => {
                return vec![Reply::Planned {
                    generation,
                    plan: None,
                    errors: vec![e],
                }]
            }
        };
        // The types show even when Spark would refuse to start the program.
        let info = plan(&spec).ok().map(|p| plan_info(&p));
        let mut engine = match Engine::with_input(spec, input) {
            Ok(engine) => engine,
            Err(errors) => {
                return vec![Reply::Planned {
                    generation,
                    plan: info,
                    errors,
                }]
            }
        };
        prepare(&mut engine, self.stopwatch);
        self.engine = Some(engine);
        self.rerun = Some(Rerun {
            target: upto,
            reports: VecDeque::new(),
            fast: None,
        });
        let mut out = vec![Reply::Planned {
            generation,
            plan: info,
            errors: Vec::new(),
        }];
        if upto == 0 {
            out.extend(self.work(&mut || true));
        }
        out
    }

    /// A context recovered from `bytes`; if they do not restore, the running context (and
    /// its generation) stays as it was.
    fn restore(
        &mut self,
        generation: Generation,
        pipeline: Option<&str>,
        lab: FaultConfig,
        bytes: &[u8],
    ) -> Reply {
        let restored = Snapshot::from_bytes(bytes).and_then(|snapshot| {
            if let Some(key) = pipeline {
                snapshot.check_pipeline(key)?;
            }
            Engine::restore(snapshot.clone()).map(|e| (e, snapshot))
        });
        match restored {
            Ok((mut engine, snapshot)) => {
                prepare(&mut engine, self.stopwatch);
                let restarted = restarted(&engine, snapshot.migrated_from, snapshot.state_keys());
                self.new_context(generation, lab, Some(engine));
                self.lab.checkpointed(snapshot);
                Reply::Restored {
                    generation,
                    restarted,
                }
            }
            Err(e) => Reply::RestoreFailed {
                generation,
                message: e.to_string(),
            },
        }
    }

    /// A request of the current context, no re-run under way.
    fn serve(&mut self, request: Request) -> Vec<Reply> {
        let generation = self.generation;
        let Some(engine) = self.engine.as_mut() else {
            return vec![Reply::Refused {
                generation,
                message: "no pipeline is running in the engine worker".into(),
            }];
        };
        let reply = match request {
            Request::Tick {
                typed, checkpoint, ..
            } => {
                if let Err(message) = feed(engine, typed) {
                    return vec![Reply::Refused {
                        generation,
                        message,
                    }];
                }
                match engine.tick() {
                    Ok(report) => {
                        let snapshot = checkpoint.then(|| snapshot(engine, &mut self.lab));
                        Reply::Report {
                            generation,
                            report,
                            snapshot,
                        }
                    }
                    Err(error) => Reply::BatchError { generation, error },
                }
            }
            Request::Follow { node, record, .. } => Reply::Lineage {
                generation,
                lineage: engine.follow(&node, &record).unwrap_or_else(|e| {
                    dstream_engine::Lineage {
                        node,
                        record,
                        batch: None,
                        nodes: Vec::new(),
                        reason: Some(e.to_string()),
                    }
                }),
            },
            Request::Peek { node, .. } => Reply::Peeked {
                generation,
                peek: engine.peek(&node).map_err(|e| e.to_string()),
                node,
            },
            Request::Kill { fault, .. } => {
                let before = engine.batches_run();
                let report = self.lab.kill(engine, fault);
                let restarted =
                    (fault == Fault::Driver || before != engine.batches_run()).then(|| {
                        // The lab replaced the engine: a new context's driver.
                        prepare(engine, self.stopwatch);
                        Box::new(restarted(engine, None, 0))
                    });
                Reply::Killed {
                    generation,
                    report: Box::new(report),
                    restarted,
                    input: engine.input_log().clone(),
                    lost_total: self.lab.lost_total,
                    recovered_total: self.lab.recovered_total,
                    checkpoint_batch: self.lab.checkpoint_batch(),
                }
            }
            Request::RunTo {
                upto,
                typed,
                checkpoint_after,
                ..
            } => {
                if let Err(message) = feed(engine, typed) {
                    return vec![Reply::Refused {
                        generation,
                        message,
                    }];
                }
                self.rerun = Some(Rerun {
                    target: upto,
                    reports: VecDeque::new(),
                    fast: Some((checkpoint_after, None)),
                });
                return Vec::new();
            }
            Request::Start { .. }
            | Request::Restore { .. }
            | Request::Configure { .. }
            | Request::Check { .. }
            | Request::Cancel { .. }
            | Request::Export { .. }
            | Request::Import { .. } => return Vec::new(),
        };
        vec![reply]
    }
}

/// Feeds typed lines into their textInputs (a node that takes none refuses the request).
fn feed(engine: &mut Engine, typed: Vec<(String, Vec<String>)>) -> Result<(), String> {
    for (node, lines) in typed {
        let records = lines.iter().map(|l| Value::str(l)).collect();
        engine.feed(&node, records).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The engine's snapshot now, for IndexedDB; the fault lab keeps it as the driver's checkpoint.
fn snapshot(engine: &Engine, lab: &mut FaultLab) -> SnapshotTaken {
    let snapshot = engine.snapshot();
    let taken = SnapshotTaken {
        batches_run: snapshot.batches_run,
        time_ms: snapshot.time_ms(),
        state_keys: snapshot.state_keys(),
        bytes: snapshot.to_bytes(),
    };
    lab.checkpointed(snapshot);
    taken
}

/// The planner's answer for a pipeline from a link or a file: its errors, if any (a type
/// error, an unknown op…). Spark's refusals at `ssc.start()` (no output op yet) are not
/// errors here: such a pipeline is a fine thing to share.
fn check(token: u64, spec_json: &str) -> Reply {
    let errors = match PipelineSpec::from_json(spec_json) {
        Ok(spec) => plan(&spec).err().unwrap_or_default(),
        Err(e) => vec![e],
    };
    Reply::Checked { token, errors }
}

/// The page's sample size and stopwatch on an engine this host runs.
fn prepare(engine: &mut Engine, stopwatch: Option<fn() -> f64>) {
    engine.set_sample_limit(SAMPLE_LIMIT);
    if let Some(now) = stopwatch {
        engine.set_stopwatch(Box::new(now));
    }
}

fn plan_info(plan: &Plan) -> PlanInfo {
    let ids = |keep: fn(&NodeOp) -> bool| {
        plan.nodes
            .iter()
            .filter(|n| keep(&n.op))
            .map(|n| n.id.clone())
            .collect()
    };
    PlanInfo {
        types: plan
            .nodes
            .iter()
            .map(|n| (n.id.clone(), n.ty.to_string()))
            .collect(),
        default_checkpoint_interval_ms: plan.default_checkpoint_interval_ms(),
        incremental: ids(|op| matches!(op, NodeOp::Window(w) if w.incremental())),
        scalar: ids(|op| match op {
            NodeOp::Count | NodeOp::Reduce(_) => true,
            NodeOp::Window(w) => matches!(
                w.kind,
                WindowKind::Keyed {
                    values_only: true,
                    ..
                }
            ),
            _ => false,
        }),
    }
}

fn restarted(engine: &Engine, migrated_from: Option<u32>, state_keys: u64) -> Restarted {
    Restarted {
        spec_json: engine.spec().to_json(),
        batches_run: engine.batches_run(),
        input: engine.input_log().clone(),
        plan: plan_info(engine.plan()),
        migrated_from,
        state_keys,
    }
}

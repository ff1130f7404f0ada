//! What the page and the engine worker say to each other (JSON text over `postMessage`): the
//! worker runs `Engine::tick` off the page's thread so a heavy batch never blocks a frame.
//! Reports cross as JSON and come back as the engine's own `BatchReport`, unchanged.

use std::collections::BTreeMap;

use dstream_engine::{BatchError, BatchReport, Lineage, SpecError, Value};
use serde::{Deserialize, Serialize};

/// Page → worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Start a fresh engine on this pipeline (JSON spec text); `generation` tags its replies.
    Load {
        generation: u64,
        spec: String,
        sample_limit: usize,
    },
    /// Feed typed lines per `textInput` node, then run one batch.
    Tick {
        generation: u64,
        typed: BTreeMap<String, Vec<String>>,
    },
    /// The engine's checkpoint snapshot now (between batches), as bytes.
    Snapshot { generation: u64 },
    /// Continue a run from a snapshot (`dstream_engine::Snapshot::to_bytes`): a getOrCreate
    /// restore, a rewind or the state a fault-lab kill left. With `spec` (pipeline JSON),
    /// rewind to the snapshot but run that edited pipeline (`Engine::restore_with`).
    Restore {
        generation: u64,
        bytes: Vec<u8>,
        spec: Option<String>,
        sample_limit: usize,
    },
    /// Which records of the last batch derive from `record` of node `node`.
    Follow {
        generation: u64,
        node: String,
        record: Value,
    },
}

/// Worker → page.
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    /// Sent once when the worker's wasm has started: the page may hand it work.
    Ready,
    Loaded {
        generation: u64,
    },
    SpecErrors {
        generation: u64,
        errors: Vec<SpecError>,
    },
    Report {
        generation: u64,
        report: BatchReport,
    },
    BatchError {
        generation: u64,
        error: BatchError,
    },
    /// The answer to `Snapshot`: `dstream_engine::Snapshot::to_bytes` after `batches_run`.
    Snapshot {
        generation: u64,
        batches_run: u64,
        bytes: Vec<u8>,
    },
    /// The engine's answer to `Follow` (a failure is an empty lineage whose reason says why).
    Lineage {
        generation: u64,
        lineage: Lineage,
    },
    /// The answer to `Restore`: the worker's engine continues after `batches_run`; `kept`
    /// (for an edited pipeline) names the nodes that kept their saved state.
    Restored {
        generation: u64,
        batches_run: u64,
        kept: Vec<String>,
    },
    /// `Restore` failed (damaged bytes, a pipeline that no longer fits): the worker holds
    /// no engine for this generation.
    RestoreFailed {
        generation: u64,
        message: String,
    },
}

impl Reply {
    pub fn generation(&self) -> u64 {
        match self {
            Reply::Ready => 0,
            Reply::Loaded { generation }
            | Reply::SpecErrors { generation, .. }
            | Reply::Report { generation, .. }
            | Reply::BatchError { generation, .. }
            | Reply::Snapshot { generation, .. }
            | Reply::Lineage { generation, .. }
            | Reply::Restored { generation, .. }
            | Reply::RestoreFailed { generation, .. } => *generation,
        }
    }
}

/// The worker's side: one engine, driven by requests. Pure (no browser API), so it is
/// tested natively; the worker binary only moves text in and out.
#[derive(Default)]
pub struct EngineHost {
    engine: Option<dstream_engine::Engine>,
    generation: u64,
    stopwatch: Option<fn() -> f64>,
}

impl EngineHost {
    pub fn new(stopwatch: Option<fn() -> f64>) -> Self {
        EngineHost {
            engine: None,
            generation: 0,
            stopwatch,
        }
    }

    /// Handles one request (JSON text) and returns the reply (JSON text).
    pub fn handle(&mut self, request: &str) -> String {
        let reply = match serde_json::from_str::<Request>(request) {
            Ok(r) => self.serve(r),
            Err(e) => Reply::SpecErrors {
                generation: self.generation,
                errors: vec![SpecError::pipeline(format!(
                    "the engine worker got an unreadable request: {e}"
                ))],
            },
        };
        serde_json::to_string(&reply).unwrap_or_else(|e| {
            format!(r#"{{"SpecErrors":{{"generation":{},"errors":[{{"node":null,"field":null,"column":null,"message":"reply not serialisable: {}"}}]}}}}"#, self.generation, e.to_string().replace('"', "'"))
        })
    }

    fn serve(&mut self, request: Request) -> Reply {
        match request {
            Request::Load {
                generation,
                spec,
                sample_limit,
            } => {
                self.generation = generation;
                match dstream_engine::Engine::from_json(&spec) {
                    Ok(mut engine) => {
                        engine.set_sample_limit(sample_limit);
                        if let Some(now) = self.stopwatch {
                            engine.set_stopwatch(Box::new(now));
                        }
                        self.engine = Some(engine);
                        Reply::Loaded { generation }
                    }
                    Err(errors) => {
                        self.engine = None;
                        Reply::SpecErrors { generation, errors }
                    }
                }
            }
            Request::Restore {
                generation,
                bytes,
                spec,
                sample_limit,
            } => {
                self.generation = generation;
                self.engine = None;
                let edited = spec
                    .map(|json| dstream_engine::PipelineSpec::from_json(&json))
                    .transpose()
                    .map_err(|e| e.to_string());
                match edited.and_then(|edited| restore(&bytes, edited)) {
                    Ok((mut engine, kept)) => {
                        engine.set_sample_limit(sample_limit);
                        if let Some(now) = self.stopwatch {
                            engine.set_stopwatch(Box::new(now));
                        }
                        let batches_run = engine.batches_run();
                        self.engine = Some(engine);
                        Reply::Restored {
                            generation,
                            batches_run,
                            kept,
                        }
                    }
                    Err(message) => Reply::RestoreFailed {
                        generation,
                        message,
                    },
                }
            }
            Request::Snapshot { generation } => match self
                .engine
                .as_ref()
                .filter(|_| generation == self.generation)
            {
                Some(engine) => Reply::Snapshot {
                    generation,
                    batches_run: engine.batches_run(),
                    bytes: engine.snapshot().to_bytes(),
                },
                None => Reply::SpecErrors {
                    generation,
                    errors: vec![SpecError::pipeline(
                        "no pipeline is loaded in the engine worker to snapshot",
                    )],
                },
            },
            Request::Tick { generation, typed } => {
                let Some(engine) = self
                    .engine
                    .as_mut()
                    .filter(|_| generation == self.generation)
                else {
                    return Reply::SpecErrors {
                        generation,
                        errors: vec![SpecError::pipeline(
                            "no pipeline is loaded in the engine worker",
                        )],
                    };
                };
                for (node, lines) in typed {
                    let records = lines.iter().map(|l| Value::str(l)).collect();
                    if let Err(e) = engine.feed(&node, records) {
                        return Reply::SpecErrors {
                            generation,
                            errors: vec![e],
                        };
                    }
                }
                match engine.tick() {
                    Ok(report) => Reply::Report { generation, report },
                    Err(e) => Reply::BatchError {
                        generation,
                        error: e,
                    },
                }
            }
            Request::Follow {
                generation,
                node,
                record,
            } => {
                let lineage = match self
                    .engine
                    .as_ref()
                    .filter(|_| generation == self.generation)
                {
                    Some(engine) => engine.follow(&node, &record),
                    None => Err(SpecError::pipeline(
                        "no pipeline is loaded in the engine worker",
                    )),
                };
                Reply::Lineage {
                    generation,
                    lineage: lineage.unwrap_or_else(|e| Lineage {
                        node,
                        record,
                        batch: None,
                        nodes: Vec::new(),
                        reason: Some(e.to_string()),
                    }),
                }
            }
        }
    }
}

/// The engine a `Restore` asks for (in the worker, or on the page when the worker is gone):
/// the snapshot's own run, or (with `edited`) the snapshot rewound under an edited pipeline,
/// with the nodes that kept their state.
pub(crate) fn restore(
    bytes: &[u8],
    edited: Option<dstream_engine::PipelineSpec>,
) -> Result<(dstream_engine::Engine, Vec<String>), String> {
    let snapshot = dstream_engine::Snapshot::from_bytes(bytes).map_err(|e| e.to_string())?;
    match edited {
        None => dstream_engine::Engine::restore(snapshot).map(|e| (e, Vec::new())),
        Some(spec) => dstream_engine::Engine::restore_with(snapshot, spec),
    }
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_crosses_the_worker_boundary_unchanged() {
        let spec = crate::ui::examples::find("windowed-word-count")
            .map(|e| e.json)
            .unwrap_or_default();
        let mut host = EngineHost::new(None);
        let load = serde_json::to_string(&Request::Load {
            generation: 3,
            spec: spec.to_string(),
            sample_limit: 24,
        })
        .unwrap_or_default();
        assert!(matches!(
            serde_json::from_str::<Reply>(&host.handle(&load)),
            Ok(Reply::Loaded { generation: 3 })
        ));
        let mut direct = dstream_engine::Engine::from_json(spec).expect("example loads");
        direct.set_sample_limit(24);
        let tick = serde_json::to_string(&Request::Tick {
            generation: 3,
            typed: BTreeMap::new(),
        })
        .unwrap_or_default();
        for _ in 0..4 {
            let want = direct.tick().expect("tick");
            let got = match serde_json::from_str::<Reply>(&host.handle(&tick)) {
                Ok(Reply::Report { report, .. }) => report,
                other => panic!("expected a report, got {other:?}"),
            };
            assert_eq!(got.batch, want.batch);
            assert_eq!(got.outputs.len(), want.outputs.len());
            for (g, w) in got.outputs.iter().zip(&want.outputs) {
                assert_eq!(g.to_json_line(), w.to_json_line());
            }
            for (g, w) in got.nodes.iter().zip(&want.nodes) {
                assert_eq!(
                    (&g.id, g.fired, g.count, &g.sample),
                    (&w.id, w.fired, w.count, &w.sample)
                );
                assert_eq!((&g.partitions, g.state_keys), (&w.partitions, w.state_keys));
                assert_eq!(g.window, w.window);
            }
        }
    }

    #[test]
    fn a_follow_through_the_worker_equals_the_engines_lineage() {
        let spec = crate::ui::examples::find("windowed-word-count")
            .map(|e| e.json)
            .unwrap_or_default();
        let mut host = EngineHost::new(None);
        let send = |host: &mut EngineHost, r: &Request| {
            serde_json::from_str::<Reply>(
                &host.handle(&serde_json::to_string(r).unwrap_or_default()),
            )
        };
        let load = Request::Load {
            generation: 1,
            spec: spec.to_string(),
            sample_limit: 24,
        };
        assert!(matches!(send(&mut host, &load), Ok(Reply::Loaded { .. })));
        let mut direct = dstream_engine::Engine::from_json(spec).expect("example loads");
        for _ in 0..2 {
            let tick = Request::Tick {
                generation: 1,
                typed: BTreeMap::new(),
            };
            assert!(matches!(send(&mut host, &tick), Ok(Reply::Report { .. })));
            direct.tick().expect("tick");
        }
        let line = Value::str("b c");
        let follow = Request::Follow {
            generation: 1,
            node: "lines".into(),
            record: line.clone(),
        };
        let got = match send(&mut host, &follow) {
            Ok(Reply::Lineage { lineage, .. }) => lineage,
            other => panic!("expected a lineage, got {other:?}"),
        };
        assert_eq!(Ok(&got), direct.follow("lines", &line).as_ref());
        assert!(got.marks("counts", &Value::pair(Value::str("c"), Value::Int(1))));
        let stale = Request::Follow {
            generation: 0,
            node: "lines".into(),
            record: line,
        };
        match send(&mut host, &stale) {
            Ok(Reply::Lineage { lineage, .. }) => {
                assert!(lineage.nodes.is_empty() && lineage.reason.is_some())
            }
            other => panic!("expected an empty lineage, got {other:?}"),
        }
    }

    #[test]
    fn spec_errors_and_stale_generations_are_reported() {
        let mut host = EngineHost::new(None);
        let load = serde_json::to_string(&Request::Load {
            generation: 1,
            spec: r#"{"version":1,"batch_interval_ms":1000,"nodes":[{"id":"m","op":"map","inputs":["nowhere"],"fn":"x => x"}]}"#.into(),
            sample_limit: 4,
        })
        .unwrap_or_default();
        match serde_json::from_str::<Reply>(&host.handle(&load)) {
            Ok(Reply::SpecErrors { errors, .. }) => {
                assert!(
                    errors.iter().any(|e| e.node.as_deref() == Some("m")),
                    "{errors:?}"
                )
            }
            other => panic!("expected spec errors, got {other:?}"),
        }
        assert!(host.handle("not json").contains("unreadable request"));
    }

    fn send(host: &mut EngineHost, r: &Request) -> Reply {
        let text = host.handle(&serde_json::to_string(r).unwrap_or_default());
        serde_json::from_str::<Reply>(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    fn lines(report: &BatchReport) -> Vec<String> {
        report.outputs.iter().map(|o| o.to_json_line()).collect()
    }

    /// Ticks `host` (run `generation`) and `engine` `n` times: each batch prints the same.
    fn ticks_alike(
        host: &mut EngineHost,
        generation: u64,
        engine: &mut dstream_engine::Engine,
        n: usize,
    ) {
        for _ in 0..n {
            let want = engine.tick().expect("tick");
            let tick = Request::Tick {
                generation,
                typed: BTreeMap::new(),
            };
            match send(host, &tick) {
                Reply::Report { report, .. } => {
                    assert_eq!(report.batch, want.batch);
                    assert_eq!(lines(&report), lines(&want));
                }
                other => panic!("expected a report, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_run_restored_in_the_worker_continues_like_an_uninterrupted_one() {
        let spec = crate::ui::examples::find("windowed-word-count")
            .map(|e| e.json)
            .unwrap_or_default();
        let mut whole = dstream_engine::Engine::from_json(spec).expect("example loads");
        for _ in 0..3 {
            whole.tick().expect("tick");
        }
        let bytes = whole.snapshot().to_bytes();
        let mut host = EngineHost::new(None);
        let restore = Request::Restore {
            generation: 7,
            bytes,
            spec: None,
            sample_limit: 24,
        };
        assert!(matches!(
            send(&mut host, &restore),
            Reply::Restored {
                generation: 7,
                batches_run: 3,
                ..
            }
        ));
        ticks_alike(&mut host, 7, &mut whole, 4);
    }

    #[test]
    fn a_rewind_with_an_edited_pipeline_replays_in_the_worker_as_restore_with_does() {
        let json = crate::ui::examples::find("windowed-word-count")
            .map(|e| e.json)
            .unwrap_or_default();
        let mut run = dstream_engine::Engine::from_json(json).expect("example loads");
        for _ in 0..4 {
            run.tick().expect("tick");
        }
        let snapshot = run.snapshot();
        let mut edited = dstream_engine::PipelineSpec::from_json(json).expect("parses");
        if let Some(out) = edited.nodes.iter_mut().find(|n| n.id == "out") {
            out.fields.insert("num".into(), serde_json::json!(20));
        }
        let (mut direct, kept) =
            dstream_engine::Engine::restore_with(snapshot.clone(), edited.clone())
                .expect("restores");
        let mut host = EngineHost::new(None);
        let restore = Request::Restore {
            generation: 2,
            bytes: snapshot.to_bytes(),
            spec: Some(edited.to_json()),
            sample_limit: 24,
        };
        match send(&mut host, &restore) {
            Reply::Restored {
                batches_run,
                kept: k,
                ..
            } => {
                assert_eq!(batches_run, 4);
                assert_eq!(k, kept);
                assert!(k.iter().any(|n| n == "counts"), "{k:?}");
            }
            other => panic!("expected a restore, got {other:?}"),
        }
        ticks_alike(&mut host, 2, &mut direct, 2);
    }

    #[test]
    fn a_snapshot_that_does_not_restore_is_named_and_leaves_no_engine() {
        let spec = crate::ui::examples::find("windowed-word-count")
            .map(|e| e.json)
            .unwrap_or_default();
        let mut e = dstream_engine::Engine::from_json(spec).expect("example loads");
        e.tick().expect("tick");
        let mut bytes = e.snapshot().to_bytes();
        if let Some(last) = bytes.last_mut() {
            *last ^= 0x55;
        }
        let mut host = EngineHost::new(None);
        let restore = Request::Restore {
            generation: 4,
            bytes,
            spec: None,
            sample_limit: 24,
        };
        match send(&mut host, &restore) {
            Reply::RestoreFailed {
                generation,
                message,
            } => {
                assert_eq!(generation, 4);
                assert!(message.contains("corrupt"), "{message}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        let tick = Request::Tick {
            generation: 4,
            typed: BTreeMap::new(),
        };
        assert!(matches!(send(&mut host, &tick), Reply::SpecErrors { .. }));
    }
}

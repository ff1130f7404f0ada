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
            | Reply::Lineage { generation, .. } => *generation,
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
}

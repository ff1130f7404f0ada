//! What the page and the engine worker say to each other (JSON text over `postMessage`): the
//! worker runs `Engine::tick` off the page's thread so a heavy batch never blocks a frame.
//! Reports cross as JSON and come back as the engine's own `BatchReport`, unchanged.

use std::collections::BTreeMap;

use dstream_engine::{
    BatchError, BatchReport, NodeReport, OutputLine, SpecError, Value, WindowSpan,
};
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
        errors: Vec<SpecErrorMsg>,
    },
    Report {
        generation: u64,
        report: ReportMsg,
    },
    BatchError {
        generation: u64,
        error: BatchErrorMsg,
    },
}

impl Reply {
    pub fn generation(&self) -> u64 {
        match self {
            Reply::Ready => 0,
            Reply::Loaded { generation }
            | Reply::SpecErrors { generation, .. }
            | Reply::Report { generation, .. }
            | Reply::BatchError { generation, .. } => *generation,
        }
    }
}

/// `BatchReport` as it crosses the worker boundary (same fields).
#[derive(Debug, Serialize, Deserialize)]
pub struct ReportMsg {
    pub batch: u64,
    pub time_ms: u64,
    pub nodes: Vec<NodeMsg>,
    pub outputs: Vec<OutputMsg>,
    pub input_records: u64,
    pub processing_ms: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct NodeMsg {
    pub id: String,
    pub fired: bool,
    pub count: u64,
    pub partitions: Vec<u64>,
    pub sample: Vec<Value>,
    pub elapsed_ms: f64,
    pub state_keys: Option<u64>,
    pub window: Option<(Vec<u64>, Vec<u64>, Vec<u64>)>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OutputMsg {
    pub batch: u64,
    pub time_ms: u64,
    pub output: String,
    pub records: Vec<Value>,
    pub ordered: bool,
    pub more: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SpecErrorMsg {
    pub node: Option<String>,
    pub field: Option<String>,
    pub column: Option<usize>,
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BatchErrorMsg {
    pub batch: u64,
    pub time_ms: u64,
    pub node: String,
    pub record: Option<String>,
    pub message: String,
}

impl From<&BatchReport> for ReportMsg {
    fn from(r: &BatchReport) -> Self {
        ReportMsg {
            batch: r.batch,
            time_ms: r.time_ms,
            nodes: r
                .nodes
                .iter()
                .map(|n| NodeMsg {
                    id: n.id.clone(),
                    fired: n.fired,
                    count: n.count,
                    partitions: n.partitions.clone(),
                    sample: n.sample.clone(),
                    elapsed_ms: n.elapsed_ms,
                    state_keys: n.state_keys,
                    window: n
                        .window
                        .as_ref()
                        .map(|w| (w.covers.clone(), w.added.clone(), w.removed.clone())),
                })
                .collect(),
            outputs: r
                .outputs
                .iter()
                .map(|o| OutputMsg {
                    batch: o.batch,
                    time_ms: o.time_ms,
                    output: o.output.clone(),
                    records: o.records.clone(),
                    ordered: o.ordered,
                    more: o.more,
                })
                .collect(),
            input_records: r.input_records,
            processing_ms: r.processing_ms,
        }
    }
}

impl From<ReportMsg> for BatchReport {
    fn from(r: ReportMsg) -> Self {
        BatchReport {
            batch: r.batch,
            time_ms: r.time_ms,
            nodes: r
                .nodes
                .into_iter()
                .map(|n| NodeReport {
                    id: n.id,
                    fired: n.fired,
                    count: n.count,
                    partitions: n.partitions,
                    sample: n.sample,
                    elapsed_ms: n.elapsed_ms,
                    state_keys: n.state_keys,
                    window: n.window.map(|(covers, added, removed)| WindowSpan {
                        covers,
                        added,
                        removed,
                    }),
                })
                .collect(),
            outputs: r
                .outputs
                .into_iter()
                .map(|o| OutputLine {
                    batch: o.batch,
                    time_ms: o.time_ms,
                    output: o.output,
                    records: o.records,
                    ordered: o.ordered,
                    more: o.more,
                })
                .collect(),
            input_records: r.input_records,
            processing_ms: r.processing_ms,
        }
    }
}

impl From<&SpecError> for SpecErrorMsg {
    fn from(e: &SpecError) -> Self {
        SpecErrorMsg {
            node: e.node.clone(),
            field: e.field.clone(),
            column: e.column,
            message: e.message.clone(),
        }
    }
}

impl From<SpecErrorMsg> for SpecError {
    fn from(e: SpecErrorMsg) -> Self {
        SpecError {
            node: e.node,
            field: e.field,
            column: e.column,
            message: e.message,
        }
    }
}

impl From<&BatchError> for BatchErrorMsg {
    fn from(e: &BatchError) -> Self {
        BatchErrorMsg {
            batch: e.batch,
            time_ms: e.time_ms,
            node: e.node.clone(),
            record: e.record.clone(),
            message: e.message.clone(),
        }
    }
}

impl From<BatchErrorMsg> for BatchError {
    fn from(e: BatchErrorMsg) -> Self {
        BatchError {
            batch: e.batch,
            time_ms: e.time_ms,
            node: e.node,
            record: e.record,
            message: e.message,
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
                errors: vec![SpecErrorMsg {
                    node: None,
                    field: None,
                    column: None,
                    message: format!("the engine worker got an unreadable request: {e}"),
                }],
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
                        Reply::SpecErrors {
                            generation,
                            errors: errors.iter().map(SpecErrorMsg::from).collect(),
                        }
                    }
                }
            }
            Request::Tick { generation, typed } => {
                let Some(engine) = self
                    .engine
                    .as_mut()
                    .filter(|_| generation == self.generation)
                else {
                    return Reply::SpecErrors {
                        generation,
                        errors: vec![SpecErrorMsg {
                            node: None,
                            field: None,
                            column: None,
                            message: "no pipeline is loaded in the engine worker".into(),
                        }],
                    };
                };
                for (node, lines) in typed {
                    let records = lines.iter().map(|l| Value::str(l)).collect();
                    if let Err(e) = engine.feed(&node, records) {
                        return Reply::SpecErrors {
                            generation,
                            errors: vec![SpecErrorMsg::from(&e)],
                        };
                    }
                }
                match engine.tick() {
                    Ok(report) => Reply::Report {
                        generation,
                        report: ReportMsg::from(&report),
                    },
                    Err(e) => Reply::BatchError {
                        generation,
                        error: BatchErrorMsg::from(&e),
                    },
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
                Ok(Reply::Report { report, .. }) => BatchReport::from(report),
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
                assert_eq!(g.window, w.window);
            }
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

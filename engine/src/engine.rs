//! The engine the app and the replay CLI drive: `feed` input, `tick` one batch, get a
//! `BatchReport`. A tick is transactional: on a run-time error nothing changes.

use crate::error::{BatchError, SpecError};
use crate::plan::{validate, Plan};
use crate::report::BatchReport;
use crate::spec::PipelineSpec;
use crate::types::Type;
use crate::value::Value;

/// A running pipeline.
pub struct Engine {
    spec: PipelineSpec,
    plan: Plan,
    batches_run: u64,
}

impl Engine {
    pub fn new(spec: PipelineSpec) -> Result<Engine, Vec<SpecError>> {
        let plan = validate(&spec)?;
        Ok(Engine {
            spec,
            plan,
            batches_run: 0,
        })
    }
    pub fn from_json(text: &str) -> Result<Engine, Vec<SpecError>> {
        Engine::new(PipelineSpec::from_json(text).map_err(|e| vec![e])?)
    }
    pub fn spec(&self) -> &PipelineSpec {
        &self.spec
    }
    pub fn node_type(&self, id: &str) -> Option<&Type> {
        let i = self.spec.nodes.iter().position(|n| n.id == id)?;
        self.plan.types.get(i)
    }
    pub fn batches_run(&self) -> u64 {
        self.batches_run
    }
    pub fn next_time_ms(&self) -> u64 {
        (self.batches_run + 1) * self.plan.batch_interval_ms
    }
    pub fn feed(&mut self, node: &str, records: Vec<Value>) -> Result<(), SpecError> {
        let _ = (node, records);
        todo!()
    }
    pub fn tick(&mut self) -> Result<BatchReport, BatchError> {
        todo!()
    }
    pub fn set_stopwatch(&mut self, now_ms: Box<dyn Fn() -> f64>) {
        let _ = now_ms;
        todo!()
    }
    pub fn set_sample_limit(&mut self, n: usize) {
        let _ = n;
        todo!()
    }
}

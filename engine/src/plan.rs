//! Validation and type inference: turns a `PipelineSpec` into an executable `Plan`, or into
//! every error found, each naming the node and the reason.

use crate::error::SpecError;
use crate::spec::PipelineSpec;
use crate::types::Type;

/// A checked pipeline, ready to run.
#[derive(Debug)]
pub struct Plan {
    pub batch_interval_ms: u64,
    pub types: Vec<Type>,
}

/// Checks a spec without running it (for the editor): all errors, not just the first.
pub fn validate(spec: &PipelineSpec) -> Result<Plan, Vec<SpecError>> {
    let _ = spec;
    todo!("planner")
}

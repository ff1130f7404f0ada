//! The pipeline JSON (`shared/pipeline-spec.md`, version 1) as a serde model that round-trips:
//! the UI edits it, the replay CLI reads it, the planner checks it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{self, OpKind};
use crate::error::SpecError;

/// A whole pipeline: its batch interval, how many ticks to replay, and its nodes in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub batch_interval_ms: u64,
    /// Batches to run (replay CLI, tests); default: the longest `queueStream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticks: Option<u64>,
    /// The program calls `ssc.checkpoint(dir)`: absent or `true`, it does. With `false`,
    /// Spark refuses to start a pipeline whose output reads a stream it must checkpoint
    /// (state, an inverse window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<bool>,
    pub nodes: Vec<NodeSpec>,
}

/// One node: `id`, `op`, `inputs`, and the op's own fields (`fn`, `window_ms`, …) kept as
/// JSON so that an unknown field can be reported by name with the fields the op accepts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeSpec {
    pub id: String,
    pub op: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
    #[serde(flatten)]
    pub fields: BTreeMap<String, serde_json::Value>,
}

impl NodeSpec {
    /// A node with no op fields yet (builder for the UI and tests).
    pub fn new(id: &str, op: &str, inputs: &[&str]) -> NodeSpec {
        NodeSpec {
            id: id.to_string(),
            op: op.to_string(),
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            fields: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) an op field.
    pub fn with(mut self, field: &str, value: serde_json::Value) -> NodeSpec {
        self.fields.insert(field.to_string(), value);
        self
    }

    pub fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.fields.get(name)
    }
}

impl PipelineSpec {
    /// Parses the pipeline JSON; a malformed document is one error with serde's line/column.
    pub fn from_json(text: &str) -> Result<PipelineSpec, SpecError> {
        serde_json::from_str(text).map_err(|e| SpecError {
            node: None,
            field: None,
            column: None,
            message: format!("the pipeline is not valid pipeline JSON: {e}"),
        })
    }

    /// Pretty JSON, as stored and shared.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Batches the replay runs: `ticks`, or else the longest queue.
    pub fn tick_count(&self) -> u64 {
        self.ticks.unwrap_or_else(|| {
            self.nodes
                .iter()
                .filter(|n| catalog::op_named(&n.op).is_some_and(|o| o.kind == OpKind::QueueStream))
                .filter_map(|n| n.field("batches").and_then(|b| b.as_array()))
                .map(|b| b.len() as u64)
                .max()
                .unwrap_or(0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_round_trips_through_json() {
        let text = r#"{"version":1,"name":"n","batch_interval_ms":1000,"nodes":[
            {"id":"lines","op":"queueStream","batches":[["a b"],[]]},
            {"id":"w","op":"window","inputs":["lines"],"window_ms":2000}]}"#;
        let spec = PipelineSpec::from_json(text).unwrap();
        assert_eq!(
            spec.nodes[1].field("window_ms"),
            Some(&serde_json::json!(2000))
        );
        assert_eq!(spec.tick_count(), 2);
        let again = PipelineSpec::from_json(&spec.to_json()).unwrap();
        assert_eq!(spec, again);
    }

    #[test]
    fn unknown_top_level_fields_are_refused() {
        let err =
            PipelineSpec::from_json(r#"{"version":1,"batch_interval_ms":1,"nodes":[],"tick":3}"#)
                .unwrap_err();
        assert!(err.message.contains("tick"), "{err}");
    }
}

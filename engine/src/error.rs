//! Errors a user sees: spec errors (before running, naming node, field and column) and batch
//! errors (a run-time failure naming the record's batch, the job's time, node, record and
//! reason).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A problem in the pipeline spec, found before anything runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecError {
    pub node: Option<String>,
    pub field: Option<String>,
    /// 1-based column inside the field's lambda source.
    pub column: Option<usize>,
    pub message: String,
}

impl SpecError {
    /// An error about a node as a whole.
    pub fn node(node: &str, message: impl Into<String>) -> SpecError {
        SpecError {
            node: Some(node.to_string()),
            field: None,
            column: None,
            message: message.into(),
        }
    }
    /// An error about one field of a node.
    pub fn field(node: &str, field: &str, message: impl Into<String>) -> SpecError {
        SpecError {
            node: Some(node.to_string()),
            field: Some(field.to_string()),
            column: None,
            message: message.into(),
        }
    }
    /// An error about the pipeline as a whole.
    pub fn pipeline(message: impl Into<String>) -> SpecError {
        SpecError {
            node: None,
            field: None,
            column: None,
            message: message.into(),
        }
    }
}

/// `node `words`, field `fn`, column 12: expected String, found Int`
impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(n) = &self.node {
            parts.push(format!("node `{n}`"));
        }
        if let Some(fl) = &self.field {
            parts.push(format!("field `{fl}`"));
        }
        if let Some(c) = self.column {
            parts.push(format!("column {c}"));
        }
        if parts.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", parts.join(", "), self.message)
        }
    }
}

impl std::error::Error for SpecError {}

/// A run-time failure in one batch; the engine is left as it was before the tick.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchError {
    /// The batch whose RDD was being computed (the failing record's batch).
    pub batch: u64,
    pub time_ms: u64,
    pub node: String,
    /// The record (or lambda arguments) as JSON text, when one is to blame.
    pub record: Option<String>,
    pub message: String,
    /// The output op whose job failed.
    #[serde(default)]
    pub job: String,
    /// The job's time: the batch that failed (later than `time_ms` upstream of a window,
    /// whose job at its next slide time computes the batches before it).
    #[serde(default)]
    pub job_time_ms: u64,
}

/// `batch 2 (time 3000 ms), in the job of `out` at 4000 ms, node `n`, record "x": …`
impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "batch {} (time {} ms), ", self.batch, self.time_ms)?;
        if !self.job.is_empty() {
            write!(
                f,
                "in the job of `{}` at {} ms, ",
                self.job, self.job_time_ms
            )?;
        }
        write!(f, "node `{}`", self.node)?;
        if let Some(r) = &self.record {
            write!(f, ", record {r}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for BatchError {}

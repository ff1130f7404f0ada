//! A pipeline as the Spark program a learner takes to a cluster: PySpark ([`pyspark`]) or a
//! Scala `object Main` ([`scala`]), with the lines each node's code takes, so the page can
//! highlight a node's lines and find the node of a line. With `jsonl`, the program's outputs
//! print the replay CLI's lines on Spark's manual clock, to compare a real run with the
//! playground's (`scripts/test-spark.sh` does that for the conformance corpus).

mod py_lambda;
pub mod pyspark;
pub mod scala;
mod scala_lambda;
pub(crate) mod text;
mod tree;

use std::collections::BTreeMap;

use crate::error::SpecError;
use crate::plan::{validate, Plan};
use crate::spec::PipelineSpec;

/// The language of an exported program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    PySpark,
    Scala,
}

impl Language {
    /// `pyspark` or `scala`, as the CLI's `--export` takes it.
    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "pyspark" | "python" => Some(Language::PySpark),
            "scala" => Some(Language::Scala),
            _ => None,
        }
    }

    /// The file name a download gets: `windowed_word_count.py`, `Main.scala`.
    pub fn file_name(&self, spec: &PipelineSpec) -> String {
        match self {
            Language::PySpark => {
                let stem: String = spec
                    .name
                    .as_deref()
                    .unwrap_or("pipeline")
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let stem = stem.trim_matches('_');
                format!("{}.py", if stem.is_empty() { "pipeline" } else { stem })
            }
            Language::Scala => "Main.scala".into(),
        }
    }
}

/// What the exporter needs besides the pipeline.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// Outputs print the replay CLI's JSON lines, on Spark's manual clock, for `ticks`
    /// batches, then the program stops.
    pub jsonl: bool,
    /// The lines fed to each `textInput` node, batch by batch (what the page fed before each
    /// tick), for the local stand-in of `socketTextStream`.
    pub typed_lines: BTreeMap<String, Vec<Vec<String>>>,
}

/// The lines of one node's code, 1-based and inclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeLines {
    pub node: String,
    pub ranges: Vec<(usize, usize)>,
}

/// An exported program and where each node's code is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub language: Language,
    pub text: String,
    /// Per node, in pipeline order, the lines of its code.
    pub nodes: Vec<NodeLines>,
}

impl Program {
    /// The line ranges of `node`'s code (empty for an unknown node).
    pub fn lines_of(&self, node: &str) -> &[(usize, usize)] {
        self.nodes
            .iter()
            .find(|n| n.node == node)
            .map_or(&[], |n| n.ranges.as_slice())
    }

    /// The node whose code holds 1-based `line`, if any.
    pub fn node_at(&self, line: usize) -> Option<&str> {
        self.nodes
            .iter()
            .find(|n| n.ranges.iter().any(|&(a, b)| a <= line && line <= b))
            .map(|n| n.node.as_str())
    }
}

/// The pipeline as a program in `language`; a pipeline that does not validate gives its
/// errors (the exporter writes only programs of valid pipelines).
pub fn export(
    spec: &PipelineSpec,
    language: Language,
    options: &ExportOptions,
) -> Result<Program, Vec<SpecError>> {
    let plan = validate(spec)?;
    let program = match language {
        Language::PySpark => pyspark::write(spec, &plan, options),
        Language::Scala => scala::write(spec, &plan, options),
    };
    program.map_err(|m| vec![SpecError::pipeline(m)])
}

/// Whether the program calls `ssc.checkpoint(dir)` (pipeline-spec's `checkpoint`, default
/// true).
pub(crate) fn checkpoints(spec: &PipelineSpec) -> bool {
    spec.checkpoint.unwrap_or(true)
}

/// Batches the program runs: the pipeline's `ticks` (the longest queue by default), or 60
/// for a pipeline of typed lines and generators without `ticks`.
pub(crate) fn batches(plan: &Plan) -> u64 {
    if plan.ticks > 0 {
        plan.ticks
    } else {
        60
    }
}

/// Whether a reduceByKeyAndWindow (or an op PySpark builds on it) with an inverse is
/// recomputed by PySpark: its `PythonReducedWindowedDStream` subtracts only when the window
/// is at least 5 slides long.
pub fn pyspark_recomputes(window_ms: u64, slide_ms: u64) -> bool {
    window_ms < slide_ms.saturating_mul(5)
}

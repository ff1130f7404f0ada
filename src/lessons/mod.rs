//! The Learn path's lessons (`www/lessons/*.json`), compiled into the page: each is data (a
//! pipeline, a short story, and steps that say what to look at and ask a question whose
//! answer the engine computes when the step's batches run).

pub mod answer;

pub use answer::{parse, Given};

use dstream_engine::PipelineSpec;
use serde::{Deserialize, Serialize};

/// One lesson as its file holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub slug: String,
    pub title: String,
    /// The short story told before the first step.
    pub story: String,
    pub pipeline: PipelineSpec,
    pub steps: Vec<Step>,
}

/// One step: what to look at, what it does (batches, edits, faults), and maybe a question
/// asked before it does it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub text: String,
    #[serde(default)]
    pub look_at: Option<LookAt>,
    /// Done in order once the learner answered (or pressed Run).
    #[serde(default, rename = "do")]
    pub ops: Vec<Op>,
    #[serde(default)]
    pub question: Option<Question>,
}

/// The part of the page a step points at (it is highlighted; a node is also selected).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookAt {
    pub part: Part,
    #[serde(default)]
    pub node: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Dag,
    Axis,
    /// The node panels (the RDD and print output of `node`).
    Output,
    Lab,
    Checkpoints,
    Sources,
}

impl Part {
    /// The name the page's sections carry in `data-focus`.
    pub fn name(self) -> &'static str {
        match self {
            Part::Dag => "dag",
            Part::Axis => "axis",
            Part::Output => "output",
            Part::Lab => "lab",
            Part::Checkpoints => "checkpoints",
            Part::Sources => "sources",
        }
    }
}

/// Something a step does to the run, as the learner could with the page's controls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// Runs this many batches (the Step button).
    Tick(u32),
    /// Whether the program calls `ssc.checkpoint(dir)` (an edit: a new context).
    Checkpoint(bool),
    /// The checkpoint interval.
    CheckpointEveryMs(u64),
    /// The fault lab's receiver settings.
    Receiver(ReceiverSettings),
    /// A kill in the fault lab: `receiver`, `executor` (executor 0, where the receiver runs) or
    /// `driver`.
    Kill(Kill),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kill {
    Receiver,
    Executor,
    Driver,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiverSettings {
    /// `push` or `pull`.
    pub mode: Mode,
    pub wal: bool,
    pub replication: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Push,
    Pull,
}

/// A question asked before the step's ops run. Its answer is never written here: `measure`
/// says what to read from the engine's reports once they ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub prompt: String,
    pub kind: Kind,
    /// The options of a `choice` question, each with the value it stands for.
    #[serde(default)]
    pub choices: Vec<Choice>,
    pub measure: Measure,
    /// Why the engine's answer is what it is (said after the check, right or wrong).
    pub why: String,
}

/// How the learner answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Number,
    /// Records as Spark prints them: `(a,2) (b,1)`.
    Records,
    /// Batch numbers: `0-3`, `#2, #3`.
    Batches,
    Choice,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub label: String,
    pub value: serde_json::Value,
}

/// What to read from the engine once the step's ops ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Measure {
    /// The value `output` printed for `key` at the last batch (a number).
    PrintedValue { output: String, key: String },
    /// The records `output` printed at the last batch.
    Printed { output: String },
    /// How many records `output` printed at the last batch.
    PrintedCount { output: String },
    /// The one number `output` printed at the last batch (a count, a reduce).
    PrintedNumber { output: String },
    /// The key of the first record `output` printed at the last batch.
    FirstKey { output: String },
    /// Whether a job computed `node`'s RDD at the last batch.
    Computed { node: String },
    /// How many records `node`'s RDD held at the last batch.
    NodeCount { node: String },
    /// The jobs the last batch ran.
    Jobs,
    /// Records the sources received for the last batch.
    InputRecords,
    /// The batches `node`'s window covers at the last batch.
    WindowCovers { node: String },
    /// The batches that left `node`'s window since its previous slide.
    WindowRemoved { node: String },
    /// The batches that entered `node`'s window since its previous slide.
    WindowAdded { node: String },
    /// The keys `node` holds in state after the last batch.
    StateKeys { node: String },
    /// The keys of `node` that timed out in the last batch.
    TimedOut { node: String },
    /// Whether `ssc.start()` accepts the pipeline.
    Starts,
    /// Records the last kill lost.
    Lost,
    /// Whether the last kill lost any record.
    LostAny,
    /// The batches the last driver restart ran again.
    Replayed,
}

impl Measure {
    /// The node or output the measure reads, if any.
    pub fn node(&self) -> Option<&str> {
        match self {
            Measure::PrintedValue { output, .. }
            | Measure::Printed { output }
            | Measure::PrintedCount { output }
            | Measure::PrintedNumber { output }
            | Measure::FirstKey { output } => Some(output),
            Measure::Computed { node }
            | Measure::NodeCount { node }
            | Measure::WindowCovers { node }
            | Measure::WindowRemoved { node }
            | Measure::WindowAdded { node }
            | Measure::StateKeys { node }
            | Measure::TimedOut { node } => Some(node),
            Measure::Jobs
            | Measure::InputRecords
            | Measure::Starts
            | Measure::Lost
            | Measure::LostAny
            | Measure::Replayed => None,
        }
    }
}

/// One lesson's file, compiled in; `slug` names its test hook (`lesson-<slug>`) and its link
/// (`#lesson=<slug>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonFile {
    pub slug: &'static str,
    pub json: &'static str,
}

impl LessonFile {
    /// The lesson, or what is wrong with its file.
    pub fn lesson(&self) -> Result<Lesson, String> {
        let l: Lesson = serde_json::from_str(self.json)
            .map_err(|e| format!("www/lessons/{}.json: {e}", self.slug))?;
        if l.slug != self.slug {
            return Err(format!(
                "www/lessons/{}.json: its slug is \"{}\"",
                self.slug, l.slug
            ));
        }
        Ok(l)
    }
}

macro_rules! lesson {
    ($slug:literal) => {
        LessonFile {
            slug: $slug,
            json: include_str!(concat!("../../www/lessons/", $slug, ".json")),
        }
    };
}

/// The Learn path, in order.
pub const LESSONS: &[LessonFile] = &[
    lesson!("micro-batches"),
    lesson!("lazy-dstreams"),
    lesson!("transform-and-actions"),
    lesson!("window-and-slide"),
    lesson!("inverse-and-checkpoint"),
    lesson!("state"),
    lesson!("checkpoint-recovery"),
    lesson!("receivers"),
    lesson!("top-sellers"),
];

pub fn find(slug: &str) -> Option<Lesson> {
    LESSONS
        .iter()
        .find(|l| l.slug == slug)
        .and_then(|l| l.lesson().ok())
}

/// The lesson a fragment `#lesson=<slug>` opens.
pub fn from_fragment(fragment: &str) -> Option<&'static str> {
    let slug = fragment.trim_start_matches('#').strip_prefix("lesson=")?;
    LESSONS.iter().find(|l| l.slug == slug).map(|l| l.slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_file_reads_and_most_steps_ask() {
        assert!(LESSONS.len() >= 8);
        for f in LESSONS {
            let l = f.lesson().unwrap_or_else(|e| panic!("{e}"));
            let asked = l.steps.iter().filter(|s| s.question.is_some()).count();
            assert!(
                asked * 2 > l.steps.len(),
                "{}: {asked} of {} steps ask",
                l.slug,
                l.steps.len()
            );
            for s in &l.steps {
                if let Some(q) = &s.question {
                    assert_eq!(
                        q.kind == Kind::Choice,
                        !q.choices.is_empty(),
                        "{}: {}",
                        l.slug,
                        q.prompt
                    );
                }
            }
        }
    }

    #[test]
    fn a_fragment_names_a_lesson() {
        assert_eq!(from_fragment("#lesson=state"), Some("state"));
        assert_eq!(from_fragment("#lesson=nope"), None);
        assert_eq!(from_fragment("#pipeline=v1.x"), None);
    }
}

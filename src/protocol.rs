//! What the page and the engine worker say to each other. Every request names the context
//! (`generation`) it belongs to, so a reply of an older context is recognised and dropped.
//! The types are plain data: the page links them without linking the engine's evaluator.

use std::collections::{BTreeMap, BTreeSet};

use dstream_engine::fault::{Fault, FaultConfig, FaultReport};
use dstream_engine::{BatchError, BatchReport, InputLog, Lineage, Peek, SpecError, Value};
use serde::{Deserialize, Serialize};

/// Records per node the engine samples into each report (what the page can draw).
pub const SAMPLE_LIMIT: usize = 24;
/// Batches the time axis keeps (it scrolls back over them), and the reports a re-run or a
/// fast-forward sends back.
pub const HISTORY_LEN: usize = 48;
/// Batches the time axis shows at once, before it scrolls.
pub const AXIS_COLUMNS: usize = 12;
/// The longest fast-forward, in batches.
pub const MAX_FAST_FORWARD: u64 = 200_000;

/// One context of the run: an edit, a restore, a Reset or a driver restart starts a new one.
pub type Generation = u64;

/// What the worker found out about a pipeline before running it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanInfo {
    /// The record type each node's outgoing edges carry, as Scala writes it.
    pub types: BTreeMap<String, String>,
    /// Spark's default checkpoint interval for this pipeline.
    pub default_checkpoint_interval_ms: u64,
    /// Windowed nodes that subtract the batches leaving with an inverse function (Spark's
    /// `ReducedWindowedDStream`: an explicit inverse, `countByWindow`, `countByValueAndWindow`).
    pub incremental: BTreeSet<String>,
    /// Nodes whose RDD is one value (`count`, `reduce`, `countByWindow`, `reduceByWindow`).
    pub scalar: BTreeSet<String>,
}

/// A snapshot taken after a batch, on its way to IndexedDB.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotTaken {
    pub batches_run: u64,
    pub time_ms: u64,
    pub state_keys: u64,
    /// The snapshot's bytes: they cross as a transferred `Uint8Array`, not in the message.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// A context that restarted from a checkpoint (a rewind, a reload, a driver kill).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Restarted {
    /// The pipeline the checkpoint holds, as pipeline JSON.
    pub spec_json: String,
    pub batches_run: u64,
    /// The learner's input up to the checkpoint (the engine's log).
    pub input: InputLog,
    pub plan: PlanInfo,
    /// Set when the snapshot was written by an older format and migrated.
    pub migrated_from: Option<u32>,
    pub state_keys: u64,
}

/// The language of the code view's program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeLanguage {
    #[default]
    PySpark,
    Scala,
}

/// An exported program as the code view shows it: its text, and per node (in pipeline
/// order) the 1-based inclusive line ranges of its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    pub language: CodeLanguage,
    pub text: String,
    pub nodes: Vec<(String, Vec<(u32, u32)>)>,
    /// The name a download gets (`windowed_word_count.py`, `Main.scala`).
    pub file_name: String,
}

impl Code {
    /// The line ranges of `node`'s code (empty for a node the program has no code for).
    pub fn lines_of(&self, node: &str) -> &[(u32, u32)] {
        self.nodes
            .iter()
            .find(|(n, _)| n == node)
            .map_or(&[], |(_, r)| r.as_slice())
    }

    /// The node whose code holds 1-based `line`.
    pub fn node_at(&self, line: u32) -> Option<&str> {
        self.nodes
            .iter()
            .find(|(_, r)| r.iter().any(|&(a, b)| a <= line && line <= b))
            .map(|(n, _)| n.as_str())
    }
}

/// A place in pasted code and what is there (an error, or a note on a substitution).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeNote {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// A Scala program read into a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedCode {
    /// The pipeline, as pipeline JSON.
    pub spec_json: String,
    /// What the importer substituted (a Kafka stream became typed lines), where.
    pub notes: Vec<CodeNote>,
    /// Lines for each `textInput` node, batch by batch from batch 0.
    pub typed_lines: BTreeMap<String, Vec<Vec<String>>>,
}

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// A new context of this pipeline (pipeline JSON): validate it, then run it batch by batch
    /// up to `upto` batches, feeding each batch the lines `input` logged for it.
    Start {
        generation: Generation,
        spec_json: String,
        input: InputLog,
        upto: u64,
        lab: FaultConfig,
    },
    /// A new context recovered from a checkpoint snapshot (`StreamingContext.getOrCreate`,
    /// a rewind). `pipeline`: the key the snapshot was filed under, which it must belong to.
    Restore {
        generation: Generation,
        pipeline: Option<String>,
        lab: FaultConfig,
        #[serde(skip)]
        bytes: Vec<u8>,
    },
    /// Feed these typed lines, then run the next batch; with `checkpoint`, snapshot after it.
    Tick {
        generation: Generation,
        typed: Vec<(String, Vec<String>)>,
        checkpoint: bool,
    },
    /// Which records of the last batch derive from `record` of node `node`.
    Follow {
        generation: Generation,
        node: String,
        record: Value,
    },
    /// What a node that was not computed would hold at the last batch (a peek Spark does not do).
    Peek {
        generation: Generation,
        node: String,
    },
    /// The fault lab kills something.
    Kill {
        generation: Generation,
        fault: Fault,
    },
    /// The fault lab's settings changed.
    Configure { lab: FaultConfig },
    /// Stop a long run (a re-run after an edit, a fast-forward) where it is.
    Cancel { generation: Generation },
    /// Fast-forward: feed these typed lines, then run batches at full speed until `upto`
    /// have run, reporting progress; snapshot after `checkpoint_after` batches (the last
    /// checkpoint due on the way), if set.
    RunTo {
        generation: Generation,
        upto: u64,
        typed: Vec<(String, Vec<String>)>,
        checkpoint_after: Option<u64>,
    },
    /// Does this pipeline (pipeline JSON) compile? A pipeline from a link or a file is checked
    /// before the page shows it; no context is touched. `token` pairs the answer.
    Check { token: u64, spec_json: String },
    /// The pipeline (pipeline JSON) as a program, its text-input stand-ins replaying `input`.
    /// Served at once, whatever context runs; `tag` comes back, so a stale answer is dropped.
    Export {
        tag: u64,
        language: CodeLanguage,
        spec_json: String,
        input: InputLog,
    },
    /// A pasted Scala program read into a pipeline; no context needed.
    Import { tag: u64, text: String },
}

/// Worker → page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Reply {
    /// The worker's wasm has started: it takes requests now.
    Ready,
    /// A started context's pipeline: its plan (its types, when it plans), and why it cannot
    /// run, if it cannot (a type error, or Spark's refusals at `ssc.start()`).
    Planned {
        generation: Generation,
        plan: Option<PlanInfo>,
        errors: Vec<SpecError>,
    },
    /// A long run is under way: `reached` of `target` batches.
    Progress {
        generation: Generation,
        reached: u64,
        target: u64,
    },
    /// A `Start` ran its batches: the context continues after `batches_run`. `reports`: the
    /// last ones it ran, oldest first; `error`: the batch it stopped at, if one failed.
    Started {
        generation: Generation,
        batches_run: u64,
        reports: Vec<BatchReport>,
        error: Option<BatchError>,
        cancelled: bool,
    },
    /// A `Restore` succeeded.
    Restored {
        generation: Generation,
        restarted: Restarted,
    },
    /// A `Restore` failed: the snapshot is damaged or does not fit; the worker has no context.
    RestoreFailed {
        generation: Generation,
        message: String,
    },
    Report {
        generation: Generation,
        report: BatchReport,
        snapshot: Option<SnapshotTaken>,
    },
    BatchError {
        generation: Generation,
        error: BatchError,
    },
    Lineage {
        generation: Generation,
        lineage: Lineage,
    },
    Peeked {
        generation: Generation,
        node: String,
        peek: Result<Peek, String>,
    },
    /// What a kill did; `restarted` when the driver came back (from a checkpoint, or anew);
    /// `input`: the engine's log after it (a receiver's loss is gone from it).
    Killed {
        generation: Generation,
        report: Box<FaultReport>,
        restarted: Option<Box<Restarted>>,
        input: InputLog,
        lost_total: u64,
        recovered_total: u64,
        checkpoint_batch: Option<u64>,
    },
    /// A fast-forward ended: at `batches_run`, after `reports` (the last ones it ran, oldest
    /// first), stopped by `error` or cancelled, with the snapshot it took, if any.
    FastForwarded {
        generation: Generation,
        batches_run: u64,
        reports: Vec<BatchReport>,
        error: Option<BatchError>,
        cancelled: bool,
        snapshot: Option<SnapshotTaken>,
    },
    /// What the planner says of a `Check`ed pipeline: nothing, or its errors.
    Checked { token: u64, errors: Vec<SpecError> },
    /// An `Export`'s program, or why the pipeline has none (the planner's errors).
    Exported {
        tag: u64,
        code: Result<Code, Vec<SpecError>>,
    },
    /// An `Import`'s pipeline, or what in the text could not be read, by line and column.
    Imported {
        tag: u64,
        result: Result<ImportedCode, Vec<CodeNote>>,
    },
    /// The request cannot be served (no context of that generation, an unreadable message).
    Refused {
        generation: Generation,
        message: String,
    },
}

impl Request {
    pub fn generation(&self) -> Option<Generation> {
        match self {
            Request::Start { generation, .. }
            | Request::Restore { generation, .. }
            | Request::Tick { generation, .. }
            | Request::Follow { generation, .. }
            | Request::Peek { generation, .. }
            | Request::Kill { generation, .. }
            | Request::RunTo { generation, .. }
            | Request::Cancel { generation } => Some(*generation),
            Request::Configure { .. }
            | Request::Check { .. }
            | Request::Export { .. }
            | Request::Import { .. } => None,
        }
    }

    /// The bytes that travel beside the message (transferred, not copied into it).
    pub fn take_bytes(&mut self) -> Option<Vec<u8>> {
        match self {
            Request::Restore { bytes, .. } => Some(std::mem::take(bytes)),
            _ => None,
        }
    }

    pub fn put_bytes(&mut self, b: Vec<u8>) {
        if let Request::Restore { bytes, .. } = self {
            *bytes = b;
        }
    }
}

impl Reply {
    pub fn generation(&self) -> Option<Generation> {
        match self {
            Reply::Ready
            | Reply::Checked { .. }
            | Reply::Exported { .. }
            | Reply::Imported { .. } => None,
            Reply::Planned { generation, .. }
            | Reply::Progress { generation, .. }
            | Reply::Started { generation, .. }
            | Reply::Restored { generation, .. }
            | Reply::RestoreFailed { generation, .. }
            | Reply::Report { generation, .. }
            | Reply::BatchError { generation, .. }
            | Reply::Lineage { generation, .. }
            | Reply::Peeked { generation, .. }
            | Reply::Killed { generation, .. }
            | Reply::FastForwarded { generation, .. }
            | Reply::Refused { generation, .. } => Some(*generation),
        }
    }

    pub fn take_bytes(&mut self) -> Option<Vec<u8>> {
        match self {
            Reply::Report {
                snapshot: Some(s), ..
            }
            | Reply::FastForwarded {
                snapshot: Some(s), ..
            } => Some(std::mem::take(&mut s.bytes)),
            _ => None,
        }
    }

    pub fn put_bytes(&mut self, b: Vec<u8>) {
        if let Reply::Report {
            snapshot: Some(s), ..
        }
        | Reply::FastForwarded {
            snapshot: Some(s), ..
        } = self
        {
            s.bytes = b;
        }
    }
}

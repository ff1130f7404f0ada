//! The DStream engine: runs a pipeline (see `shared/pipeline-spec.md`) one micro-batch at a
//! time, with Spark Streaming's semantics, and reports what every node computed.
//!
//! It knows nothing of the browser: the web app drives it through [`Engine`]'s `tick`, and
//! the replay CLI and the tests drive it the same way natively.

pub mod catalog;
pub mod checkpoint;
pub mod engine;
pub mod error;
pub mod export;
pub mod fault;
pub mod import;
pub mod input;
mod jobs;
pub mod lambda;
pub mod lineage;
pub mod ops;
pub mod plan;
pub mod rdd;
pub mod report;
pub mod slot;
pub mod sources;
pub mod spec;
pub mod types;
pub mod value;

pub use checkpoint::{Snapshot, SnapshotError};
pub use engine::{Engine, Replay};
pub use error::{BatchError, SpecError};
pub use input::{InputLog, LoggedLines, LostBlock};
pub use lineage::{Lineage, NodeLineage};
pub use plan::{validate, Plan};
pub use report::{
    BatchReport, Change, EarlierRdd, KeyChange, NodeReport, NotComputed, OutputLine, Peek,
    StateChanges, WindowSpan,
};
pub use spec::{NodeSpec, PipelineSpec};
pub use types::Type;
pub use value::Value;

//! Code in: a Scala DStream program read back into a pipeline ([`scala`]), for the page's
//! "paste code" box and `replay --import scala`.

mod dstream;
mod lambda;
pub(crate) mod lexer;
mod program;
mod rdd;
pub mod scala;
mod syntax;

use std::collections::BTreeMap;
use std::fmt;

/// Where in the program, 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ImportError {}

/// A pipeline read from code, and what the importer substituted on the way (a Kafka stream
/// became typed lines), each at its line and column.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub spec: crate::spec::PipelineSpec,
    pub notes: Vec<ImportError>,
    /// The lines the exporter's stand-in of a `textInput` node replays, batch by batch (what
    /// the page had fed it), by node id.
    pub typed_lines: BTreeMap<String, Vec<Vec<String>>>,
}

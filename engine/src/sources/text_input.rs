//! `textInput`: lines typed in the page (like `nc -lk` feeding `socketTextStream`); what
//! `Engine::feed` collects becomes the next batch.

use crate::rdd::{Rdd, DEFAULT_PARTITIONS};
use crate::types::Type;
use crate::value::Value;

/// The record type of typed lines.
pub const RECORD_TYPE: Type = Type::String;

/// Whether a fed record fits (a `String`).
pub fn accepts(v: &Value) -> bool {
    matches!(v, Value::Str(_))
}

/// The batch made of the lines fed since the previous tick.
pub fn batch_rdd(pending: Vec<Value>) -> Rdd {
    Rdd::parallelize(pending, DEFAULT_PARTITIONS)
}

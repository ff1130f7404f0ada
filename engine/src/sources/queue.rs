//! `queueStream`: batch `i` is the spec's `batches[i]` (empty past the end), split into 2
//! partitions as Spark's `parallelize` slices it.

use crate::error::SpecError;
use crate::rdd::{Rdd, DEFAULT_PARTITIONS};
use crate::types::{unify, Type};
use crate::value::Value;

/// The queue's batches and their common record type, or an error naming the batch and the
/// record index where a record does not fit, e.g. `{"batches": [["a b"], ["c"]]}`.
pub fn parse_batches(
    node: &str,
    json: &serde_json::Value,
) -> Result<(Vec<Vec<Value>>, Type), SpecError> {
    let outer = json.as_array().ok_or_else(|| {
        SpecError::field(
            node,
            "batches",
            "expected a list of batches (lists of records)",
        )
    })?;
    let mut ty = Type::Unknown;
    let mut batches = Vec::with_capacity(outer.len());
    for (b, batch) in outer.iter().enumerate() {
        let records = batch.as_array().ok_or_else(|| {
            SpecError::field(
                node,
                "batches",
                format!("batch {b} is not a list of records"),
            )
        })?;
        let mut out = Vec::with_capacity(records.len());
        for (r, rec) in records.iter().enumerate() {
            let v = Value::from_json(rec).map_err(|e| {
                SpecError::field(node, "batches", format!("batch {b}, record {r}: {e}"))
            })?;
            let t = v.type_of();
            ty = unify(&ty, &t).ok_or_else(|| {
                SpecError::field(
                    node,
                    "batches",
                    format!(
                        "batch {b}, record {r}: all records of a queue share one type: expected {ty}, found {t}"
                    ),
                )
            })?;
            out.push(v);
        }
        batches.push(out);
    }
    Ok((batches, ty))
}

/// The RDD of batch `index` (empty past the queue's end).
pub fn batch_rdd(batches: &[Vec<Value>], index: u64) -> Rdd {
    let records = usize::try_from(index)
        .ok()
        .and_then(|i| batches.get(i))
        .cloned()
        .unwrap_or_default();
    Rdd::parallelize(records, DEFAULT_PARTITIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_record_types_name_batch_and_index() {
        let j = serde_json::json!([["a"], ["b", 3]]);
        let e = parse_batches("q", &j).unwrap_err();
        assert_eq!(e.node.as_deref(), Some("q"));
        assert!(e.message.contains("batch 1, record 1"), "{e}");
        let (b, t) = parse_batches("q", &serde_json::json!([[], [["a", 1]]])).unwrap();
        assert_eq!(t, Type::pair(Type::String, Type::Int));
        assert_eq!(batch_rdd(&b, 5).count(), 0);
    }
}

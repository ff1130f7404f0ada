//! Following a clicked record through the DAG, as the engine computed it (`Engine::follow`,
//! answered by the worker): which records a node's panel, marbles and box highlight, and how
//! many of the node's records derive from the followed one. Nothing is guessed here.

use dstream_engine::{Lineage, NodeLineage, Value};

/// The followed record's share in node `id`, if the node is the clicked one or downstream.
pub fn share<'a>(lineage: Option<&'a Lineage>, id: &str) -> Option<&'a NodeLineage> {
    lineage.and_then(|l| l.of(id))
}

/// Whether `record`, shown for node `id` at batch `batch`, derives from the followed record
/// (the lineage is about one batch: records shown from another batch are never marked).
pub fn marks(lineage: Option<&Lineage>, id: &str, batch: u64, record: &Value) -> bool {
    lineage.is_some_and(|l| l.batch == Some(batch) && l.marks(id, record))
}

/// `3 records derive from it`, or why none do; in the node it was clicked in, how many
/// records equal to it are followed.
pub fn derived_text(lineage: Option<&Lineage>, n: &NodeLineage) -> String {
    let origin = lineage.is_some_and(|l| l.node == n.id);
    match (origin, n.count, n.all, &n.note) {
        (true, 1, _, _) => "the followed record".into(),
        (true, c, _, _) => format!("{c} records equal to it are followed"),
        (false, 0, _, Some(note)) => format!("nothing derives from it: {note}"),
        // mapWithState: records of keys that timed out come from state, not from it.
        (false, c, false, Some(note)) => format!(
            "{c} record{} derive{} from it; {note}",
            if c == 1 { "" } else { "s" },
            if c == 1 { "s" } else { "" }
        ),
        (false, 1, false, _) => "1 record derives from it".into(),
        (false, c, false, _) => format!("{c} records derive from it"),
        (false, c, true, _) => format!("all {c} derive from it (computed over the whole batch)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_lineages_batch_and_records_are_marked() {
        let a = Value::pair(Value::str("a"), Value::Int(1));
        let b = Value::pair(Value::str("b"), Value::Int(1));
        let l = Lineage {
            node: "lines".into(),
            record: Value::str("a"),
            batch: Some(4),
            nodes: vec![NodeLineage {
                id: "pairs".into(),
                count: 3,
                all: false,
                records: vec![a.clone()],
                note: None,
            }],
            reason: None,
        };
        let s = Some(&l);
        assert!(marks(s, "pairs", 4, &a));
        assert!(!marks(s, "pairs", 4, &b));
        assert!(!marks(s, "pairs", 3, &a), "another batch's record");
        assert!(!marks(s, "counts", 4, &a), "not in the lineage");
        let pairs = share(s, "pairs").expect("pairs is in it");
        assert_eq!(derived_text(s, pairs), "3 records derive from it");
        let mut origin = pairs.clone();
        origin.id = "lines".into();
        origin.count = 1;
        assert_eq!(derived_text(s, &origin), "the followed record");
        let mut noted = pairs.clone();
        noted.count = 1;
        noted.note = Some("1 record is from keys that timed out at this batch".into());
        assert_eq!(
            derived_text(s, &noted),
            "1 record derives from it; 1 record is from keys that timed out at this batch"
        );
    }
}

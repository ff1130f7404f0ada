//! Following a record through the DAG: which records of the last batch's RDDs derive from a
//! clicked one, by Spark's dependencies. Narrow ops run their own function on the traced
//! records; shuffles, keyed windows, state and joins carry the traced keys; mapWithState
//! pairs each input record with the record its call mapped it to (timed-out keys' records
//! come from their state and are noted as such); scalar aggregations (count, reduce,
//! countByWindow, reduceByWindow) derive from everything.

use std::collections::HashSet;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::SpecError;
use crate::ops::keyed::Keying;
use crate::ops::map_with_state;
use crate::ops::output::{self, Action};
use crate::ops::stateless;
use crate::plan::{NodeOp, WindowKind};
use crate::rdd::{OpError, Rdd, RddRef};
use crate::report::NotComputed;
use crate::value::Value;

/// Distinct derived records listed per node (the count covers them all).
pub const LINEAGE_LIMIT: usize = 200;

/// What a clicked record became in the last batch, node by node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    /// The node the record was clicked in.
    pub node: String,
    pub record: Value,
    /// The batch the lineage is about (the last one run), if any ran.
    pub batch: Option<u64>,
    /// The clicked node and every node downstream of it, in spec order.
    pub nodes: Vec<NodeLineage>,
    /// Why nothing derives from the record (it is not in the last batch's RDD, …).
    pub reason: Option<String>,
}

/// One node's share of a lineage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeLineage {
    pub id: String,
    /// Records of this node's last RDD (for an output: lines it emitted) deriving from it.
    pub count: u64,
    /// Everything the node computed derives from it (a count, a reduce over the batch).
    pub all: bool,
    /// The distinct derived records, at most `LINEAGE_LIMIT` of them.
    pub records: Vec<Value>,
    /// Why nothing derives here although the node is downstream (it did not fire, …).
    pub note: Option<String>,
}

impl Lineage {
    /// This node's share, if the node is the clicked one or downstream of it.
    pub fn of(&self, id: &str) -> Option<&NodeLineage> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Whether `record`, shown in node `id`, derives from the followed record.
    pub fn marks(&self, id: &str, record: &Value) -> bool {
        self.of(id)
            .is_some_and(|n| n.count > 0 && (n.all || n.records.contains(record)))
    }
}

/// What derives from the record at one node.
#[derive(Clone)]
enum Trace {
    /// Not computed at the last batch, or nothing derives.
    Nothing(Option<String>),
    /// Exactly these records (a multiset) of the node's RDD.
    Records(Vec<Value>),
    /// Every record of the node's RDD.
    All,
}

impl Trace {
    fn records(&self) -> &[Value] {
        match self {
            Trace::Records(r) => r,
            _ => &[],
        }
    }
}

fn lambda_error(node: &str, e: OpError) -> SpecError {
    let on = e
        .record
        .map(|r| format!(" (record {r})"))
        .unwrap_or_default();
    SpecError::node(
        node,
        format!("following the record failed{on}: {}", e.message),
    )
}

/// The records of `rdd` whose key (first of a pair) is one of `keys`.
fn with_keys(rdd: &Rdd, keys: &HashSet<Value>) -> Vec<Value> {
    rdd.iter()
        .filter(|r| r.as_pair().is_some_and(|(k, _)| keys.contains(k)))
        .cloned()
        .collect()
}

/// The records of `rdd` equal to one of `values`.
fn with_values(rdd: &Rdd, values: &HashSet<Value>) -> Vec<Value> {
    rdd.iter()
        .filter(|r| values.contains(*r))
        .cloned()
        .collect()
}

fn keys_of(records: &[Value], keying: Keying) -> HashSet<Value> {
    records
        .iter()
        .filter_map(|r| match keying {
            Keying::Pair => r.as_pair().map(|(k, _)| k.clone()),
            Keying::ValueOne => Some(r.clone()),
            Keying::OneValue | Keying::OneOne => Some(Value::Int(1)),
        })
        .collect()
}

fn set(records: &[Value]) -> HashSet<Value> {
    records.iter().cloned().collect()
}

/// The narrow ops: the op's own function applied to `input`.
fn narrow(op: &NodeOp, input: &Rdd) -> Option<Result<Rdd, OpError>> {
    Some(match op {
        NodeOp::Map(f) => stateless::map(input, f),
        NodeOp::FlatMap(f) => stateless::flat_map(input, f),
        NodeOp::Filter(f) => stateless::filter(input, f),
        NodeOp::MapValues(f) => stateless::map_values(input, f),
        NodeOp::FlatMapValues(f) => stateless::flat_map_values(input, f),
        NodeOp::Queue(_)
        | NodeOp::TextInput
        | NodeOp::Generator(_)
        | NodeOp::ReduceByKey(..)
        | NodeOp::GroupByKey(_)
        | NodeOp::CountByValue(_)
        | NodeOp::Count
        | NodeOp::Reduce(_)
        | NodeOp::Repartition(_)
        | NodeOp::Union
        | NodeOp::Join(..)
        | NodeOp::Cogroup(_)
        | NodeOp::Intersection
        | NodeOp::Subtract
        | NodeOp::Cartesian
        | NodeOp::Transform(_)
        | NodeOp::Window(_)
        | NodeOp::UpdateStateByKey(..)
        | NodeOp::MapWithState(..)
        | NodeOp::Output { .. } => return None,
    })
}

impl Engine {
    /// Node `i`'s RDD at the last batch: kept, or (for a narrow op fused into the reduce it
    /// feeds, which never materialises it) recomputed from its input. `None`: no job
    /// computed it at that time.
    fn last_rdd(&self, i: usize) -> Result<Option<RddRef>, SpecError> {
        if let Some(r) = self.last.get(i).and_then(Clone::clone) {
            return Ok(Some(r));
        }
        let node = &self.plan.nodes[i];
        let (Some(&input), true) = (node.inputs.first(), self.last_fused[i]) else {
            return Ok(None);
        };
        let Some(parent) = self.last_rdd(input)? else {
            return Ok(None);
        };
        match narrow(&node.op, &parent) {
            Some(r) => Ok(Some(Rc::new(r.map_err(|e| lambda_error(&node.id, e))?))),
            None => Ok(None),
        }
    }

    /// What an output node emitted at the last batch (run again on its input: outputs keep
    /// no RDD; an accumulated value counts as one line).
    fn last_emitted(&self, i: usize) -> Result<Option<Vec<Value>>, SpecError> {
        let node = &self.plan.nodes[i];
        let NodeOp::Output { action, .. } = &node.op else {
            return Ok(None);
        };
        let Some(input) = self.last_rdd(node.inputs[0])? else {
            return Ok(None);
        };
        let emitted =
            output::run(action, &input, false, &mut None).map_err(|e| lambda_error(&node.id, e))?;
        Ok(Some(emitted.records))
    }

    /// How node `i` carries its inputs' traces (`traces` holds every earlier node's).
    fn trace(&self, i: usize, traces: &[Option<Trace>]) -> Result<Trace, SpecError> {
        let node = &self.plan.nodes[i];
        let ins: Vec<&Trace> = node
            .inputs
            .iter()
            .map(|&j| traces[j].as_ref().unwrap_or(&Trace::Nothing(None)))
            .collect();
        if ins.iter().all(|t| matches!(t, Trace::Nothing(_))) {
            return Ok(Trace::Nothing(None));
        }
        if let NodeOp::Output { action, accumulate } = &node.op {
            let Some(lines) = self.last_emitted(i)? else {
                return Ok(Trace::Nothing(Some("emitted nothing at this batch".into())));
            };
            let traced = ins[0].records();
            return Ok(match action {
                _ if matches!(ins[0], Trace::All) => Trace::All,
                Action::Count | Action::Reduce(_) => Trace::All,
                _ if *accumulate => Trace::All,
                Action::CountByValue => Trace::Records(
                    lines
                        .iter()
                        .filter(|l| l.as_pair().is_some_and(|(k, _)| traced.contains(k)))
                        .cloned()
                        .collect(),
                ),
                _ => {
                    let values = set(traced);
                    Trace::Records(lines.into_iter().filter(|l| values.contains(l)).collect())
                }
            });
        }
        let Some(rdd) = self.last_rdd(i)? else {
            let why = if !node.reachable {
                NotComputed::NoOutput
            } else if self.last_time.is_some_and(|t| !node.defined_at(t)) {
                NotComputed::NotASlideTime
            } else {
                NotComputed::NotYet
            };
            return Ok(Trace::Nothing(Some(why.reason().to_string())));
        };
        if ins.iter().any(|t| matches!(t, Trace::All)) {
            return Ok(Trace::All);
        }
        let a = ins[0].records();
        let records = match &node.op {
            NodeOp::Union => ins
                .iter()
                .flat_map(|t| t.records().iter().cloned())
                .collect(),
            NodeOp::Repartition(_) => a.to_vec(),
            NodeOp::Count | NodeOp::Reduce(_) => return Ok(Trace::All),
            NodeOp::ReduceByKey(..) | NodeOp::GroupByKey(_) | NodeOp::UpdateStateByKey(..) => {
                with_keys(&rdd, &keys_of(a, Keying::Pair))
            }
            NodeOp::CountByValue(_) => with_keys(&rdd, &keys_of(a, Keying::ValueOne)),
            // Each record's own call: same key, same position in its partition.
            NodeOp::MapWithState(_, _, parts) => {
                let traced = set(a);
                let Some(input) = self.last_rdd(node.inputs[0])? else {
                    return Ok(Trace::Nothing(None));
                };
                map_with_state::pair_up(&input, &rdd, *parts)
                    .0
                    .into_iter()
                    .filter(|(i, _)| traced.contains(i))
                    .map(|(_, o)| o)
                    .collect()
            }
            NodeOp::Join(..) | NodeOp::Cogroup(_) => {
                let mut keys = keys_of(a, Keying::Pair);
                keys.extend(keys_of(ins[1].records(), Keying::Pair));
                with_keys(&rdd, &keys)
            }
            NodeOp::Intersection => {
                let mut values = set(a);
                values.extend(ins[1].records().iter().cloned());
                with_values(&rdd, &values)
            }
            // Records of the second input only remove; nothing derives from them.
            NodeOp::Subtract | NodeOp::Transform(_) => with_values(&rdd, &set(a)),
            NodeOp::Cartesian => {
                let (x, y) = (set(a), set(ins[1].records()));
                rdd.iter()
                    .filter(|r| {
                        r.as_pair()
                            .is_some_and(|(l, r)| x.contains(l) || y.contains(r))
                    })
                    .cloned()
                    .collect()
            }
            NodeOp::Window(w) => match &w.kind {
                WindowKind::Plain => a.to_vec(),
                WindowKind::Keyed {
                    values_only: true, ..
                } => return Ok(Trace::All),
                WindowKind::Keyed { keying, .. } => with_keys(&rdd, &keys_of(a, *keying)),
                WindowKind::Grouped(_) => with_keys(&rdd, &keys_of(a, Keying::Pair)),
            },
            op @ (NodeOp::Map(_)
            | NodeOp::FlatMap(_)
            | NodeOp::Filter(_)
            | NodeOp::MapValues(_)
            | NodeOp::FlatMapValues(_)) => match narrow(op, &Rdd::new(vec![a.to_vec()])) {
                Some(r) => r.map_err(|e| lambda_error(&node.id, e))?.collect(),
                None => Vec::new(),
            },
            // Sources read no node; an output's lines were traced above.
            NodeOp::Queue(_) | NodeOp::TextInput | NodeOp::Generator(_) | NodeOp::Output { .. } => {
                Vec::new()
            }
        };
        Ok(Trace::Records(records))
    }

    /// For a mapWithState node whose keys timed out at the last batch: their records come
    /// from the state the keys kept, not from a record of this batch.
    fn timed_out_note(&self, i: usize) -> Result<Option<String>, SpecError> {
        let node = &self.plan.nodes[i];
        let NodeOp::MapWithState(_, _, parts) = &node.op else {
            return Ok(None);
        };
        let (Some(input), Some(rdd)) = (self.last_rdd(node.inputs[0])?, self.last_rdd(i)?) else {
            return Ok(None);
        };
        let timed_out = map_with_state::pair_up(&input, &rdd, *parts).1;
        if timed_out.is_empty() {
            return Ok(None);
        }
        let shown: Vec<String> = timed_out.iter().take(5).map(Value::to_string).collect();
        let more = if timed_out.len() > 5 { ", …" } else { "" };
        Ok(Some(format!(
            "{} from keys that timed out at this batch ({}{more}): they come from the state \
             those keys kept, not from a record of this batch",
            if timed_out.len() == 1 {
                "1 record is".to_string()
            } else {
                format!("{} records are", timed_out.len())
            },
            shown.join(", ")
        )))
    }

    /// Which records of the last batch derive from `record` as node `node` computed it (every
    /// record equal to it counts as the clicked one).
    pub(crate) fn lineage(&self, node: &str, record: &Value) -> Result<Lineage, SpecError> {
        let Some(start) = self.plan.nodes.iter().position(|n| n.id == node) else {
            return Err(SpecError::node(node, "no node has this id"));
        };
        let n = self.plan.nodes.len();
        let mut lineage = Lineage {
            node: node.to_string(),
            record: record.clone(),
            batch: self
                .batches_run
                .checked_sub(1)
                .filter(|_| self.last_time.is_some()),
            nodes: Vec::new(),
            reason: None,
        };
        let Some(t) = self.last_time else {
            lineage.reason = Some("no batch has run yet".into());
            return Ok(lineage);
        };
        let clicked: Vec<Value> = if self.plan.nodes[start].is_output() {
            self.last_emitted(start)?.unwrap_or_default()
        } else {
            self.last_rdd(start)?
                .map(|r| r.iter().cloned().collect())
                .unwrap_or_default()
        };
        let clicked: Vec<Value> = clicked.into_iter().filter(|r| r == record).collect();
        if clicked.is_empty() {
            lineage.reason = Some(format!(
                "{record} is not in what `{node}` computed at the last batch (time {t} ms): \
                 it is from an older batch, so nothing of this batch derives from it"
            ));
            lineage.nodes.push(NodeLineage {
                id: node.to_string(),
                ..NodeLineage::default()
            });
            return Ok(lineage);
        }
        let mut traces: Vec<Option<Trace>> = vec![None; n];
        traces[start] = Some(Trace::Records(clicked));
        for i in start + 1..n {
            if self.plan.nodes[i]
                .inputs
                .iter()
                .any(|&j| traces[j].is_some())
            {
                traces[i] = Some(self.trace(i, &traces)?);
            }
        }
        for (i, trace) in traces.iter().enumerate() {
            let Some(trace) = trace else { continue };
            let id = self.plan.nodes[i].id.clone();
            let entry = match trace {
                Trace::Nothing(note) => NodeLineage {
                    id,
                    note: note.clone(),
                    ..NodeLineage::default()
                },
                Trace::Records(records) => {
                    let mut distinct: Vec<Value> = Vec::new();
                    let mut seen = HashSet::new();
                    for r in records {
                        if distinct.len() < LINEAGE_LIMIT && seen.insert(r) {
                            distinct.push(r.clone());
                        }
                    }
                    NodeLineage {
                        id,
                        count: records.len() as u64,
                        all: false,
                        records: distinct,
                        note: self.timed_out_note(i)?,
                    }
                }
                Trace::All => {
                    let count = if self.plan.nodes[i].is_output() {
                        self.last_emitted(i)?.map_or(0, |l| l.len() as u64)
                    } else {
                        self.last_rdd(i)?.map_or(0, |r| r.count())
                    };
                    NodeLineage {
                        id,
                        count,
                        all: true,
                        records: Vec::new(),
                        note: None,
                    }
                }
            };
            lineage.nodes.push(entry);
        }
        Ok(lineage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tests::engine;

    fn strings(l: &Lineage, id: &str) -> Vec<String> {
        let mut v: Vec<String> = l
            .of(id)
            .map(|n| n.records.iter().map(|r| r.to_string()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    fn count(l: &Lineage, id: &str) -> u64 {
        l.of(id).map_or(0, |n| n.count)
    }

    const WORD_COUNT: &str = r#"
        {"id": "lines", "op": "queueStream", "batches": [["x a b", "a"], ["b c", "c"]]},
        {"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": "line => line.split(\" \")"},
        {"id": "pairs", "op": "map", "inputs": ["words"], "fn": "w => (w, 1)"},
        {"id": "counts", "op": "reduceByKey", "inputs": ["pairs"], "fn": "_ + _"},
        {"id": "windowed", "op": "reduceByKeyAndWindow", "inputs": ["pairs"], "fn": "_ + _", "inverse": "_ - _", "window_ms": 2000},
        {"id": "out", "op": "print", "inputs": ["counts"], "num": 10},
        {"id": "total", "op": "count", "inputs": ["words"]},
        {"id": "windowed_out", "op": "foreachRDD", "inputs": ["windowed"], "action": "count"},
        {"id": "total_out", "op": "foreachRDD", "inputs": ["total"], "action": "collect"}"#;

    #[test]
    fn a_line_in_word_count_marks_its_words_pairs_counts_window_and_printed_lines() {
        let mut e = engine(WORD_COUNT);
        e.tick().unwrap();
        e.tick().unwrap();
        let l = e.follow("lines", &Value::str("b c")).unwrap();
        assert_eq!(l.reason, None);
        assert_eq!(l.batch, Some(1));
        assert_eq!(strings(&l, "lines"), ["b c"]);
        assert_eq!(strings(&l, "words"), ["b", "c"]);
        assert_eq!(strings(&l, "pairs"), ["(b,1)", "(c,1)"]);
        // The batch is ["b c", "c"]: c is counted twice, and the record is that count.
        assert_eq!(strings(&l, "counts"), ["(b,1)", "(c,2)"]);
        // The window also holds batch 0's "x a b": b counts 2 there; a and x do not derive.
        assert_eq!(strings(&l, "windowed"), ["(b,2)", "(c,2)"]);
        assert_eq!(count(&l, "windowed"), 2);
        assert_eq!(strings(&l, "out"), ["(b,1)", "(c,2)"]);
        assert_eq!(count(&l, "out"), 2);
        // A count over the batch derives from every record.
        let total = l.of("total").unwrap();
        assert!(total.all && total.count == 1);
        // Only downstream nodes are part of it.
        let words = e.follow("words", &Value::str("c")).unwrap();
        assert!(words.of("lines").is_none());
        assert_eq!(
            count(&words, "words"),
            2,
            "both c of the batch are followed"
        );
        assert_eq!(strings(&words, "counts"), ["(c,2)"]);
    }

    #[test]
    fn a_record_of_an_older_batch_gives_an_empty_lineage_with_a_reason() {
        let mut e = engine(WORD_COUNT);
        let before = e.follow("lines", &Value::str("a")).unwrap();
        assert!(before.reason.is_some_and(|r| r.contains("no batch")));
        e.tick().unwrap();
        e.tick().unwrap();
        let l = e.follow("lines", &Value::str("x a b")).unwrap();
        assert!(
            l.reason
                .as_deref()
                .is_some_and(|r| r.contains("older batch")),
            "{l:?}"
        );
        assert!(l.nodes.iter().all(|n| n.count == 0));
        assert!(e.follow("nowhere", &Value::str("a")).is_err());
    }

    #[test]
    fn a_filter_that_drops_the_record_ends_its_lineage() {
        let mut e = engine(
            r#"{"id": "q", "op": "queueStream", "batches": [[1, 5, 7]]},
               {"id": "big", "op": "filter", "inputs": ["q"], "fn": "x => x > 4"},
               {"id": "doubled", "op": "map", "inputs": ["big"], "fn": "x => x * 2"},
               {"id": "out", "op": "print", "inputs": ["doubled"]}"#,
        );
        e.tick().unwrap();
        let dropped = e.follow("q", &Value::Int(1)).unwrap();
        assert_eq!(count(&dropped, "q"), 1);
        for id in ["big", "doubled", "out"] {
            assert_eq!(count(&dropped, id), 0, "{id}");
        }
        let kept = e.follow("q", &Value::Int(5)).unwrap();
        assert_eq!(strings(&kept, "doubled"), ["10"]);
        assert_eq!(strings(&kept, "out"), ["10"]);
    }

    #[test]
    fn following_into_a_join_marks_only_that_keys_joined_records() {
        let mut e = engine(
            r#"{"id": "orders", "op": "queueStream", "batches": [[["o1", "book"], ["o3", "ink"]]]},
               {"id": "payments", "op": "queueStream", "batches": [[["o1", 12], ["o3", 4], ["o3", 1]]]},
               {"id": "joined", "op": "join", "inputs": ["orders", "payments"]},
               {"id": "out", "op": "print", "inputs": ["joined"]}"#,
        );
        e.tick().unwrap();
        let o3 = Value::pair(Value::str("o3"), Value::Int(4));
        let l = e.follow("payments", &o3).unwrap();
        assert!(l.of("orders").is_none(), "the other side is not downstream");
        assert_eq!(strings(&l, "joined"), ["(o3,(ink,1))", "(o3,(ink,4))"]);
        assert_eq!(count(&l, "joined"), 2);
        assert_eq!(count(&l, "out"), 2);
        let o1 = Value::pair(Value::str("o1"), Value::str("book"));
        let l = e.follow("orders", &o1).unwrap();
        assert_eq!(strings(&l, "joined"), ["(o1,(book,12))"]);
    }

    #[test]
    fn through_map_with_state_a_record_leads_to_its_own_call_and_timed_out_keys_to_state() {
        // a and b arrive at 1 s; at 10 s (a full scan) a arrives again, b times out.
        let mut e = engine(
            r#"{"id": "q", "op": "queueStream", "batches": [[["a", 1], ["b", 2], ["a", 1]], [], [], [], [], [], [], [], [], [["a", 5], ["c", 1]]]},
               {"id": "m", "op": "mapWithState", "inputs": ["q"], "timeout_ms": 1000,
                "fn": "(k, v, state) => { if (state.isTimingOut) (k + \" timed out\", state.get) else { val n = v.get + state.getOption.getOrElse(0); state.update(n); (k, n) } }"},
               {"id": "out", "op": "print", "inputs": ["m"]}"#,
        );
        e.tick().unwrap();
        // Two equal records are both followed; each leads to its own call's record.
        let l = e
            .follow("q", &Value::pair(Value::str("a"), Value::Int(1)))
            .unwrap();
        assert_eq!(strings(&l, "m"), ["(a,1)", "(a,2)"]);
        assert_eq!(count(&l, "m"), 2);
        assert_eq!(strings(&l, "out"), ["(a,1)", "(a,2)"]);
        assert_eq!(l.of("m").and_then(|n| n.note.clone()), None);
        for _ in 1..10 {
            e.tick().unwrap();
        }
        let l = e
            .follow("q", &Value::pair(Value::str("a"), Value::Int(5)))
            .unwrap();
        assert_eq!(
            strings(&l, "m"),
            ["(a,7)"],
            "not c's record, not b's timeout"
        );
        assert_eq!(strings(&l, "out"), ["(a,7)"]);
        let note = l.of("m").and_then(|n| n.note.clone()).unwrap_or_default();
        assert!(
            note.contains("(b timed out,2)") && note.contains("come from the state"),
            "{note}"
        );
    }

    #[test]
    fn a_chain_fused_into_its_reduce_is_followed_too() {
        // words and pairs run record by record inside the window's reduce (never materialised).
        let mut e = engine(
            r#"{"id": "lines", "op": "queueStream", "batches": [["x a b", "a"], ["b c"]]},
               {"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": "line => line.split(\" \")"},
               {"id": "pairs", "op": "map", "inputs": ["words"], "fn": "w => (w, 1)"},
               {"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"], "fn": "_ + _", "window_ms": 2000},
               {"id": "out", "op": "print", "inputs": ["counts"]}"#,
        );
        e.tick().unwrap();
        let l = e.follow("words", &Value::str("a")).unwrap();
        assert_eq!(count(&l, "words"), 2);
        assert_eq!(strings(&l, "pairs"), ["(a,1)"]);
        assert_eq!(count(&l, "pairs"), 2);
        assert_eq!(strings(&l, "counts"), ["(a,2)"]);
        assert_eq!(strings(&l, "out"), ["(a,2)"]);
    }
}

//! What one tick computed, for the UI to render and the replay CLI to print: per node counts,
//! partitions, a sample, timings, window spans and what a stateful op did to its state; per
//! output node its emitted records.

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// Everything one batch (tick) computed: the jobs Spark generates at its time.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BatchReport {
    /// 0-based batch index.
    pub batch: u64,
    pub time_ms: u64,
    /// One per spec node, in spec order.
    pub nodes: Vec<NodeReport>,
    /// Output nodes that fired, in spec order.
    pub outputs: Vec<OutputLine>,
    /// The output ops whose jobs ran at this batch, in the order they ran: one job per
    /// output op whose stream fires at this time, in output order, as Spark generates them.
    #[serde(default)]
    pub jobs: Vec<String>,
    /// Records the sources received for this batch (whether or not a job read them yet).
    pub input_records: u64,
    pub processing_ms: f64,
}

/// What this batch's jobs computed of one node.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeReport {
    pub id: String,
    /// Its RDD for this batch's time was computed by this batch's jobs (for an output: it
    /// ran its action). The fields below then describe that RDD.
    pub fired: bool,
    pub count: u64,
    /// Records per partition.
    pub partitions: Vec<u64>,
    /// The first `sample_limit` records in partition order.
    pub sample: Vec<Value>,
    /// Time this batch spent computing it (all the batch times it computed).
    pub elapsed_ms: f64,
    /// Keys held in state (updateStateByKey, mapWithState, keyed windows).
    pub state_keys: Option<u64>,
    /// updateStateByKey, mapWithState: what this batch did to the state.
    #[serde(default)]
    pub state: Option<StateChanges>,
    pub window: Option<WindowSpan>,
    /// Run record by record inside this reduce (ops/fused.rs), as Spark pipelines narrow ops
    /// into one stage: no RDD of its own was built, and its time is counted in that node's.
    pub fused_into: Option<String>,
    /// Why its RDD for this batch's time was not computed (`None` when `fired`).
    #[serde(default)]
    pub not_computed: Option<NotComputed>,
    /// The output op whose job computed its RDD for this batch's time (the first job that
    /// needed it).
    #[serde(default)]
    pub computed_by: Option<String>,
    /// When its RDD for this batch's time was computed: this batch's time.
    #[serde(default)]
    pub computed_at_ms: Option<u64>,
    /// Every batch time whose RDD of this node this batch's jobs computed, oldest first: a
    /// node upstream of a 2 s-slide window computes its 3 s and 4 s RDDs at 4 s.
    #[serde(default)]
    pub computed_times_ms: Vec<u64>,
    /// The RDDs of earlier batch times that this batch's jobs computed (their report).
    #[serde(default)]
    pub earlier: Vec<EarlierRdd>,
}

/// Why a node's RDD for a batch time was not computed at that time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotComputed {
    /// No output op reads the node, directly or through other nodes: Spark never computes
    /// it (DStreams are lazy).
    NoOutput,
    /// The time is not one of the node's slide times: it defines no RDD then.
    NotASlideTime,
    /// Its RDD for this time is defined, but no job at this time needs it: the job of an
    /// output downstream computes it later (a window's next slide time).
    NotYet,
}

impl NotComputed {
    /// What the page prints.
    pub fn reason(self) -> &'static str {
        match self {
            NotComputed::NoOutput => {
                "not computed: no output operation uses it (DStreams are lazy)"
            }
            NotComputed::NotASlideTime => "not computed: this is not one of its slide times",
            NotComputed::NotYet => {
                "not computed yet: no job at this time needs it; a later job (a window's next \
                 slide) computes it"
            }
        }
    }
}

/// A node's RDD of an earlier batch time that a later batch's job computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlierRdd {
    /// The batch the RDD is defined at (its records' batch).
    pub batch: u64,
    pub time_ms: u64,
    /// The output op whose job computed it.
    pub computed_by: String,
    pub count: u64,
    pub partitions: Vec<u64>,
    pub sample: Vec<Value>,
    pub fused_into: Option<String>,
    /// A stateful op: what that batch did to its state.
    #[serde(default)]
    pub state: Option<StateChanges>,
}

/// What one batch did to the state of an `updateStateByKey` or `mapWithState`: how many keys
/// it added, updated, removed and timed out, and samples of the state before and after it,
/// taken as a report samples records (the first `sample_limit`, in partition order).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StateChanges {
    /// Keys in state before the batch and after it.
    pub keys_before: u64,
    pub keys_after: u64,
    /// Keys not in state before that are after.
    pub added: u64,
    /// Keys in state before and after whose state the batch set anew: a different value
    /// returned by updateStateByKey's function, a `state.update(…)` of mapWithState's.
    pub updated: u64,
    /// Keys the function dropped: `None` from updateStateByKey's, `state.remove()` in
    /// mapWithState's.
    pub removed: u64,
    /// mapWithState: keys idle for longer than the timeout, dropped in this batch's full scan
    /// (their function was called with `state.isTimingOut`).
    pub timed_out: u64,
    /// The first changed keys, in partition order, with their state before and after.
    pub changes: Vec<KeyChange>,
    /// The first `(key, state)` records of the state before the batch and after it.
    pub before: Vec<Value>,
    pub after: Vec<Value>,
}

/// One key a batch changed in a stateful op's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyChange {
    pub key: Value,
    pub change: Change,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// How a batch changed a key's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Added,
    Updated,
    Removed,
    TimedOut,
}

impl Change {
    /// The word the page shows.
    pub fn word(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Updated => "updated",
            Change::Removed => "removed",
            Change::TimedOut => "timed out",
        }
    }
}

impl StateChanges {
    /// Counts one key's change and keeps it while fewer than `limit` are kept.
    pub(crate) fn note(
        &mut self,
        key: &Value,
        before: Option<&Value>,
        after: Option<&Value>,
        change: Change,
        limit: usize,
    ) {
        match change {
            Change::Added => self.added += 1,
            Change::Updated => self.updated += 1,
            Change::Removed => self.removed += 1,
            Change::TimedOut => self.timed_out += 1,
        }
        if self.changes.len() < limit {
            self.changes.push(KeyChange {
                key: key.clone(),
                change,
                before: before.cloned(),
                after: after.cloned(),
            });
        }
    }
}

impl NodeReport {
    /// The report of a node that computed nothing at this batch.
    pub fn idle(id: &str) -> NodeReport {
        NodeReport {
            id: id.to_string(),
            fired: false,
            count: 0,
            partitions: Vec::new(),
            sample: Vec::new(),
            elapsed_ms: 0.0,
            state_keys: None,
            state: None,
            window: None,
            fused_into: None,
            not_computed: None,
            computed_by: None,
            computed_at_ms: None,
            computed_times_ms: Vec::new(),
            earlier: Vec::new(),
        }
    }
}

/// What a node would hold at the last batch time ([`crate::Engine::peek`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peek {
    pub node: String,
    pub batch: u64,
    pub time_ms: u64,
    /// A job computed it at that time (the batch's report shows the same RDD); `false`: a
    /// peek, something Spark does not compute then (or ever, for a node no output uses).
    pub computed: bool,
    /// The node defines an RDD at that time (one of its slide times); else nothing to show.
    pub defined: bool,
    pub count: u64,
    pub partitions: Vec<u64>,
    pub sample: Vec<Value>,
    /// One sentence for the page: what this is, and why Spark has or has not computed it.
    pub note: String,
}

/// Which batches a windowed node's output covers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSpan {
    /// Batch indices in the window.
    pub covers: Vec<u64>,
    /// Batches entering the window since the previous slide.
    pub added: Vec<u64>,
    /// Batches leaving the window since the previous slide (undone by an inverse function).
    pub removed: Vec<u64>,
}

/// One output node's emission at one batch.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutputLine {
    pub batch: u64,
    pub time_ms: u64,
    pub output: String,
    pub records: Vec<Value>,
    /// Spark defines the order (after a sort / top); otherwise the records are a multiset.
    pub ordered: bool,
    /// `print`: there were more records than `num` (Spark prints "...").
    #[serde(default)]
    pub more: bool,
}

impl OutputLine {
    /// `{"batch":0,"time_ms":1000,"output":"out","records":[...]}`, plus `"ordered":true`
    /// where the order is Spark's.
    pub fn to_json_line(&self) -> String {
        let records: Vec<serde_json::Value> = self.records.iter().map(Value::to_json).collect();
        let records = serde_json::to_string(&records).unwrap_or_else(|_| "[]".into());
        let output = serde_json::to_string(&self.output).unwrap_or_else(|_| "\"\"".into());
        let ordered = if self.ordered {
            ",\"ordered\":true"
        } else {
            ""
        };
        let line = format!(
            "{{\"batch\":{},\"time_ms\":{},\"output\":{}{},\"records\":{}}}",
            self.batch, self.time_ms, output, ordered, records
        );
        // serde_json escapes the control characters below U+0020; these also end a line for
        // readers such as Python's `splitlines` (compare.py), so they are escaped too.
        if line.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
            line.replace('\u{85}', "\\u0085")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029")
        } else {
            line
        }
    }

    /// What Spark's `DStream.print(num)` writes for this batch: a dashed header with
    /// `Time: 1000 ms`, up to `num` records by their JVM `toString`, `...` if there were
    /// more, then an empty line.
    pub fn spark_print(&self, num: usize) -> String {
        let dashes = "-------------------------------------------";
        let mut s = format!("{dashes}\nTime: {} ms\n{dashes}\n", self.time_ms);
        for r in self.records.iter().take(num) {
            s.push_str(&r.to_string());
            s.push('\n');
        }
        if self.more || self.records.len() > num {
            s.push_str("...\n");
        }
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_holds_no_character_that_ends_a_line_for_its_readers() {
        let text = "a\u{85}b\u{2028}c\u{2029}d\ne\u{b}\u{c}\u{1c}\u{1d}\u{1e}\rf";
        let l = line(vec![Value::str(text)], false);
        let json = l.to_json_line();
        // Python's str.splitlines() breaks at each of these.
        for c in [
            '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
            '\u{2029}',
        ] {
            assert!(!json.contains(c), "{c:?} in {json}");
        }
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["records"][0], serde_json::json!(text));
    }

    fn line(records: Vec<Value>, ordered: bool) -> OutputLine {
        OutputLine {
            batch: 0,
            time_ms: 1000,
            output: "out".into(),
            records,
            ordered,
            more: false,
        }
    }

    #[test]
    fn json_line_has_the_replay_format() {
        let l = line(vec![Value::pair(Value::str("a"), Value::Double(3.0))], true);
        assert_eq!(
            l.to_json_line(),
            r#"{"batch":0,"time_ms":1000,"output":"out","ordered":true,"records":[["a",3.0]]}"#
        );
        assert_eq!(
            line(vec![], false).to_json_line(),
            r#"{"batch":0,"time_ms":1000,"output":"out","records":[]}"#
        );
    }

    #[test]
    fn spark_print_matches_dstream_print() {
        let l = line(
            vec![
                Value::pair(Value::str("a"), Value::Int(1)),
                Value::pair(Value::str("b"), Value::Int(2)),
                Value::pair(Value::str("c"), Value::Int(3)),
            ],
            false,
        );
        assert_eq!(
            l.spark_print(2),
            "-------------------------------------------\nTime: 1000 ms\n\
             -------------------------------------------\n(a,1)\n(b,2)\n...\n\n"
        );
    }
}

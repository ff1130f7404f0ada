//! What one tick computed, for the UI to render and the replay CLI to print: per node counts,
//! partitions, a sample, timings and window spans; per output node its emitted records.

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// Everything one batch (tick) computed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BatchReport {
    /// 0-based batch index.
    pub batch: u64,
    pub time_ms: u64,
    /// One per spec node, in spec order.
    pub nodes: Vec<NodeReport>,
    /// Output nodes that fired, in spec order.
    pub outputs: Vec<OutputLine>,
    /// Records the sources produced in this batch.
    pub input_records: u64,
    pub processing_ms: f64,
}

/// What one node computed at this batch.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeReport {
    pub id: String,
    /// `false`: this batch is not one of the node's slide times; nothing was computed.
    pub fired: bool,
    pub count: u64,
    /// Records per partition.
    pub partitions: Vec<u64>,
    /// The first `sample_limit` records in partition order.
    pub sample: Vec<Value>,
    pub elapsed_ms: f64,
    /// Keys held in state (updateStateByKey, inverse windows).
    pub state_keys: Option<u64>,
    pub window: Option<WindowSpan>,
    /// Run record by record inside this reduce (ops/fused.rs), as Spark pipelines narrow ops
    /// into one stage: no RDD of its own was built, and its time is counted in that node's.
    pub fused_into: Option<String>,
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
            window: None,
            fused_into: None,
        }
    }
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
        format!(
            "{{\"batch\":{},\"time_ms\":{},\"output\":{}{},\"records\":{}}}",
            self.batch, self.time_ms, output, ordered, records
        )
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

//! Operator fusion: a chain of narrow ops (`map`, `flatMap`, `filter`, `mapValues`,
//! `flatMapValues`) run record by record straight into the keyed reduce that consumes it, as
//! Spark pipelines the narrow dependencies inside a stage with a map-side combine. The
//! intermediate RDDs are never built; each fused node's count, per-partition counts and sample
//! are collected on the way, so its report is the same as if it had been.
//!
//! Records pass from op to op as borrowed slots (`slot::Rec`), pushed: a flatMap hands each
//! element on as its lambda makes it (a `split`'s pieces borrowed from the line), a map whose
//! lambda makes a pair hands on its two halves, and the reduce looks the key up by its slot,
//! so a word goes from its line to its count without a `Value`. Every lambda runs the same
//! way, whatever it computes.
//!
//! A node is fused only when nothing else can see its RDD: its one consumer is the next node
//! in the plan (a fused node or the reduce), and no window, state or output reads it. On any
//! error the engine recomputes the chain op by op, so errors name the same node and record.

use crate::lambda::{EResult, EvalError};
use crate::ops::keyed::{Keying, Reducer};
use crate::plan::{NodeOp, Plan, WindowKind};
use crate::rdd::{Func, OpError, PairRdd, RddRef};
use crate::slot::{Rec, Slot};
use crate::value::Value;

/// For each plan node, whether the engine runs it inside a fused chain instead of on its own.
pub fn fusible(plan: &Plan) -> Vec<bool> {
    let n = plan.nodes.len();
    let mut consumers = vec![0usize; n];
    for node in &plan.nodes {
        for &j in &node.inputs {
            consumers[j] += 1;
        }
    }
    let mut fused = vec![false; n];
    for i in (0..n.saturating_sub(1)).rev() {
        let node = &plan.nodes[i];
        let next = &plan.nodes[i + 1];
        let sole_consumer_is_next = consumers[i] == 1 && next.inputs == [i];
        let feeds = fused[i + 1] || is_sink(&next.op);
        fused[i] = step(&node.op).is_some()
            && sole_consumer_is_next
            && feeds
            && node.remember_ms <= node.slide_ms;
    }
    fused
}

/// A reduce that can take a fused chain's records one by one.
fn is_sink(op: &NodeOp) -> bool {
    match op {
        NodeOp::ReduceByKey(..) => true,
        NodeOp::Window(w) => matches!(w.kind, WindowKind::Keyed { .. }),
        _ => false,
    }
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Map(&'a Func),
    FlatMap(&'a Func),
    Filter(&'a Func),
    MapValues(&'a Func),
    FlatMapValues(&'a Func),
}

fn step(op: &NodeOp) -> Option<Step<'_>> {
    Some(match op {
        NodeOp::Map(f) => Step::Map(f),
        NodeOp::FlatMap(f) => Step::FlatMap(f),
        NodeOp::Filter(f) => Step::Filter(f),
        NodeOp::MapValues(f) => Step::MapValues(f),
        NodeOp::FlatMapValues(f) => Step::FlatMapValues(f),
        _ => None?,
    })
}

/// The fused nodes of one batch, in plan order, and the RDD that feeds the first.
#[derive(Clone)]
pub struct Chain {
    pub source: RddRef,
    pub nodes: Vec<usize>,
}

/// What a fused node's report needs: records per partition and the first `limit` records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tap {
    pub partitions: Vec<u64>,
    pub sample: Vec<Value>,
    limit: usize,
}

impl Tap {
    fn new(partitions: usize, limit: usize) -> Tap {
        Tap {
            partitions: vec![0; partitions],
            sample: Vec::new(),
            limit,
        }
    }

    /// Counts a record of partition `part`, building its value only while the sample is not full.
    #[inline]
    fn see(&mut self, part: usize, value: impl FnOnce() -> Value) {
        self.partitions[part] += 1;
        if self.sample.len() < self.limit {
            self.sample.push(value());
        }
    }

    pub fn count(&self) -> u64 {
        self.partitions.iter().sum()
    }
}

struct Run<'a, 'f> {
    steps: Vec<Step<'a>>,
    taps: Vec<Tap>,
    sink: Reducer<'f>,
    part: usize,
}

#[cold]
fn not_a_pair() -> Box<EvalError> {
    Box::new(EvalError {
        message: "expected a (key, value) pair".into(),
    })
}

impl Run<'_, '_> {
    /// Passes `r` through step `k` and everything after it.
    fn push(&mut self, k: usize, r: Rec<'_>) -> EResult<()> {
        let Some(&step) = self.steps.get(k) else {
            return self.sink.push(r).map_err(|f| Box::new(EvalError::from(f)));
        };
        match step {
            Step::Map(f) => r.with_slot(|x| f.emit(&[x], &mut |out| self.emit(k, out))),
            Step::FlatMap(f) => r.with_slot(|x| f.each(&[x], &mut |out| self.emit(k, out))),
            Step::Filter(f) => {
                if r.with_slot(|x| f.test(&[x]))? {
                    self.emit(k, r)
                } else {
                    Ok(())
                }
            }
            Step::MapValues(f) => {
                let (key, v) = r.as_pair().ok_or_else(not_a_pair)?;
                let out = f.eval(&[v])?;
                self.emit(k, Rec::Pair(key, out.slot()))
            }
            Step::FlatMapValues(f) => {
                let (key, v) = r.as_pair().ok_or_else(not_a_pair)?;
                f.each(&[v], &mut |x| match x {
                    Rec::One(x) => self.emit(k, Rec::Pair(key, x)),
                    Rec::Pair(a, b) => self.emit(k, Rec::Pair(key, Slot::Pair(&a, &b))),
                })
            }
        }
    }

    /// Records `r` as an output of step `k` and passes it on.
    #[inline]
    fn emit(&mut self, k: usize, r: Rec<'_>) -> EResult<()> {
        self.taps[k].see(self.part, || r.to_value());
        self.push(k + 1, r)
    }
}

/// Runs the chain into a map-side `reduceByKey` with `f` (after `keying`): the reduced
/// pairs, and one [`Tap`] per fused node.
pub fn reduce_by_key(
    plan: &Plan,
    chain: &Chain,
    keying: Keying,
    partitions: usize,
    f: &Func,
    sample_limit: usize,
) -> Result<(PairRdd, Vec<Tap>), OpError> {
    let steps: Vec<Step> = chain
        .nodes
        .iter()
        .filter_map(|&i| step(&plan.nodes[i].op))
        .collect();
    let parts = chain.source.parts.len();
    let mut run = Run {
        taps: vec![Tap::new(parts, sample_limit); steps.len()],
        steps,
        sink: Reducer::new(keying, f),
        part: 0,
    };
    for (p, records) in chain.source.parts.iter().enumerate() {
        run.part = p;
        for r in records {
            run.push(0, Rec::One(Slot::of(r)))
                .map_err(|e| OpError::new(e.message))?;
        }
    }
    Ok((run.sink.finish(partitions), run.taps))
}

/// The reduce a fused chain feeds, if `op` is one: `(keying, f, partitions)`.
pub fn sink_reduce(op: &NodeOp) -> Option<(Keying, &Func, usize)> {
    match op {
        NodeOp::ReduceByKey(f, parts) => Some((Keying::Pair, f, *parts)),
        NodeOp::Window(w) => match &w.kind {
            WindowKind::Keyed {
                keying,
                f,
                partitions,
                ..
            } => Some((*keying, f, *partitions)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::report::{BatchReport, NodeReport};

    /// Lines → split → filter → pair → reduceByKeyAndWindow → mapValues → reduceByKey; with `taps`, extra outputs read
    /// `words`, `pairs` and `odd`, which keeps them from being fused.
    fn engine(batches: &str, pair_fn: &str, taps: bool) -> Engine {
        let extra = if taps {
            r#",{"id": "tw", "op": "foreachRDD", "inputs": ["words"], "action": "count"},
               {"id": "tp", "op": "foreachRDD", "inputs": ["pairs"], "action": "count"},
               {"id": "to", "op": "foreachRDD", "inputs": ["odd"], "action": "count"}"#
        } else {
            ""
        };
        let json = format!(
            r#"{{"version": 1, "batch_interval_ms": 1000, "nodes": [
               {{"id": "lines", "op": "queueStream", "batches": {batches}}},
               {{"id": "words", "op": "flatMap", "inputs": ["lines"], "fn": "l => l.substring(1).split(\" \")"}},
               {{"id": "long", "op": "filter", "inputs": ["words"], "fn": "w => w.length > 1"}},
               {{"id": "pairs", "op": "map", "inputs": ["long"], "fn": "{pair_fn}"}},
               {{"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"],
                 "fn": "_ + _", "inverse": "_ - _", "window_ms": 2000}},
               {{"id": "odd", "op": "mapValues", "inputs": ["counts"], "fn": "v => v % 2"}},
               {{"id": "sums", "op": "reduceByKey", "inputs": ["odd"], "fn": "_ + _"}},
               {{"id": "out", "op": "foreachRDD", "inputs": ["sums"], "action": "collect"}}{extra}]}}"#
        );
        let mut e = match Engine::from_json(&json) {
            Ok(e) => e,
            Err(errs) => panic!("{errs:?}"),
        };
        e.set_sample_limit(3);
        e
    }

    /// A report without its timing, which fusion moves to the consuming node.
    fn untimed(r: &NodeReport) -> (String, bool, u64, Vec<u64>, Vec<Value>, Option<u64>) {
        (
            r.id.clone(),
            r.fired,
            r.count,
            r.partitions.clone(),
            r.sample.clone(),
            r.state_keys,
        )
    }

    fn same_reports(fused: &BatchReport, plain: &BatchReport) {
        let n = fused.nodes.len();
        assert_eq!(n, 8);
        let a: Vec<_> = fused.nodes.iter().map(untimed).collect();
        let b: Vec<_> = plain.nodes[..n].iter().map(untimed).collect();
        assert_eq!(a, b);
        assert_eq!(fused.outputs[0].records, plain.outputs[0].records);
    }

    const BATCHES: &str =
        r#"[["xthe cat sat on the mat", "-a bb cc bb", "_"], ["xbb dd", "", "xee"], ["zcat dog"]]"#;

    #[test]
    fn a_narrow_chain_into_a_reduce_is_fused_only_when_nothing_else_reads_it() {
        let fused_plan = engine(BATCHES, "w => (w, 1)", false);
        assert_eq!(
            fusible(fused_plan.plan()),
            [false, true, true, true, false, true, false, false]
        );
        let plain = engine(BATCHES, "w => (w, 1)", true);
        // words, pairs and odd have a second reader; long then feeds an unfused map.
        assert!(fusible(plain.plan()).iter().all(|f| !f));
    }

    #[test]
    fn fused_nodes_report_what_unfused_nodes_report() {
        let batches =
            r#"[["xthe cat sat on the mat", "-a bb cc bb", "_"], ["xbb dd", "xee"], ["zcat dog"]]"#;
        let mut fused = engine(batches, "w => (w, w.length)", false);
        let mut plain = engine(batches, "w => (w, w.length)", true);
        for _ in 0..5 {
            let (f, p) = (fused.tick().unwrap(), plain.tick().unwrap());
            same_reports(&f, &p);
            let into = |r: &BatchReport| -> Vec<Option<String>> {
                r.nodes[..8].iter().map(|n| n.fused_into.clone()).collect()
            };
            let (c, s) = (Some("counts".to_string()), Some("sums".to_string()));
            assert_eq!(
                into(&f),
                [None, c.clone(), c.clone(), c, None, s, None, None]
            );
            assert!(into(&p).iter().all(Option::is_none));
        }
        let mut fused = engine(batches, "w => (w, 1)", false);
        let r = fused.tick().unwrap();
        // "the cat sat on the mat" | "a bb cc bb", "" split into 6 | 4 + 1 (Java's
        // "".split(" ") is [""]) words; 9 of them are longer than one character.
        assert_eq!(
            (r.nodes[1].count, r.nodes[1].partitions.clone()),
            (11, vec![6, 5])
        );
        assert_eq!(
            r.nodes[1].sample,
            [Value::str("the"), Value::str("cat"), Value::str("sat")]
        );
        assert_eq!(r.nodes[2].count, 9);
        assert_eq!(
            r.nodes[3].sample[0],
            Value::pair(Value::str("the"), Value::Int(1))
        );
    }

    #[test]
    fn an_error_in_a_fused_chain_is_the_unfused_error() {
        // Unfused, flatMap fails on "" (partition 1) before map ever sees "abc" (partition 0),
        // whose pair divides by zero; fused, "abc" would be reached first.
        let batches = r#"[["xabc", ""]]"#;
        for taps in [false, true] {
            let mut e = engine(batches, "w => (w, 10 / (w.length - 3))", taps);
            let err = e.tick().unwrap_err();
            assert_eq!(err.node, "words", "taps: {taps}");
            assert_eq!(err.record.as_deref(), Some("\"\""));
            assert!(
                err.message.contains("StringIndexOutOfBounds"),
                "{}",
                err.message
            );
            assert_eq!(e.batches_run(), 0);
        }
        let mut e = engine(r#"[["xabc de"]]"#, "w => (w, 10 / (w.length - 3))", false);
        let err = e.tick().unwrap_err();
        assert_eq!(
            (err.node.as_str(), err.record.as_deref()),
            ("pairs", Some("\"abc\""))
        );
    }
}

//! A lesson question's answer, read from the engine's reports (the last batch, the fault
//! lab's last kill, the planner's refusals) once the step's batches ran: never from the
//! lesson's data. With it, the batches that explain it.

use dstream_engine::{BatchReport, NodeReport, Value};
use serde_json::{json, Value as Json};

use super::{Origin, State};
use crate::clock::duration;
use crate::lessons::answer::{number, show_batches, sorted};
use crate::lessons::Measure;

/// The engine's answer to a question.
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    /// In the form a learner's answer takes (`lessons::Given::value`).
    pub value: Json,
    /// How the page says it.
    pub shown: String,
    /// The batches that explain it (shown after a wrong answer).
    pub explain: Vec<u64>,
}

/// One batch that explains an answer: what its sources received.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub batch: u64,
    pub time_ms: u64,
    /// The source records of that batch, as the engine reported them (a sample).
    pub input: Vec<String>,
}

impl State {
    /// The report of the last batch the current context ran.
    fn last_report(&self) -> Option<&BatchReport> {
        self.run
            .history
            .iter()
            .rev()
            .find(|v| v.current())
            .map(|v| &*v.report)
    }

    /// What the engine says `m` is now.
    pub fn measure(&self, m: &Measure) -> Truth {
        let last = self.last_report();
        let at = last.map_or_else(String::new, |r| format!("at t = {}", duration(r.time_ms)));
        let batch = last.map(|r| r.batch);
        let node = |id: &str| last.and_then(|r| r.nodes.iter().find(|n| n.id == id));
        let output = |id: &str| last.and_then(|r| r.outputs.iter().find(|o| o.output == id));
        let here: Vec<u64> = batch.into_iter().collect();
        let windowed = last
            .and_then(|r| r.nodes.iter().find_map(|n| n.window.as_ref()))
            .map_or_else(|| here.clone(), |w| w.covers.clone());
        let so_far: Vec<u64> = batch.map_or_else(Vec::new, |b| (0..=b).collect());
        let lab = self.lab.last.as_ref();
        let truth = |value: Json, shown: String, explain: Vec<u64>| Truth {
            value,
            shown,
            explain,
        };
        match m {
            Measure::PrintedValue { output: o, key } => {
                let found = output(o).and_then(|line| {
                    line.records.iter().find_map(|r| match r {
                        Value::Tuple(t) if t.len() == 2 && t[0].to_string() == *key => {
                            Some(t[1].clone())
                        }
                        _ => None,
                    })
                });
                match found {
                    Some(v) => truth(
                        as_number(&v),
                        format!("{o} printed ({key},{v}) {at}"),
                        windowed,
                    ),
                    None => truth(
                        Json::Null,
                        format!("{o} printed nothing for {key} {at}"),
                        windowed,
                    ),
                }
            }
            Measure::Printed { output: o } => {
                let records = output(o).map(|l| sorted(l.records.iter().map(|r| r.to_string())));
                match records {
                    Some(r) => {
                        let shown = if r.is_empty() {
                            "nothing".into()
                        } else {
                            r.join(" ")
                        };
                        truth(json!(r), format!("{o} printed {shown} {at}"), windowed)
                    }
                    None => truth(Json::Null, format!("{o} did not run {at}"), windowed),
                }
            }
            Measure::PrintedCount { output: o } => {
                let n = output(o).map_or(0, |l| l.records.len());
                truth(
                    json!(n),
                    format!("{o} printed {n} record(s) {at}"),
                    windowed,
                )
            }
            Measure::PrintedNumber { output: o } => match output(o).map(|l| l.records.as_slice()) {
                Some([one]) => truth(as_number(one), format!("{o} printed {one} {at}"), windowed),
                _ => truth(
                    Json::Null,
                    format!("{o} printed no single number {at}"),
                    windowed,
                ),
            },
            Measure::FirstKey { output: o } => {
                let first = output(o).and_then(|l| l.records.first()).map(|r| match r {
                    Value::Tuple(t) if !t.is_empty() => t[0].to_string(),
                    r => r.to_string(),
                });
                match first {
                    Some(k) => truth(json!(k), format!("{o} printed {k} first {at}"), windowed),
                    None => truth(Json::Null, format!("{o} printed nothing {at}"), windowed),
                }
            }
            Measure::Computed { node: id } => match node(id) {
                Some(n) if n.fired => truth(
                    json!(true),
                    format!(
                        "yes: the job of {} computed the RDD of {id} {at}",
                        n.computed_by.as_deref().unwrap_or("an output")
                    ),
                    here,
                ),
                Some(n) => truth(json!(false), format!("no, {at}: {id} {}", reason(n)), here),
                None => truth(Json::Null, format!("{id} has no report {at}"), here),
            },
            Measure::NodeCount { node: id } => {
                let n = node(id).filter(|n| n.fired).map_or(0, |n| n.count);
                truth(
                    json!(n),
                    format!("the RDD of {id} held {n} record(s) {at}"),
                    here,
                )
            }
            Measure::Jobs => {
                let jobs = last.map(|r| r.jobs.clone()).unwrap_or_default();
                truth(
                    json!(jobs.len()),
                    format!(
                        "{} job(s) ran {at}{}",
                        jobs.len(),
                        if jobs.is_empty() {
                            String::new()
                        } else {
                            format!(": one per output op ({})", jobs.join(", "))
                        }
                    ),
                    here,
                )
            }
            Measure::InputRecords => {
                let n = last.map_or(0, |r| r.input_records);
                truth(
                    json!(n),
                    format!("the sources received {n} record(s) for the batch {at}"),
                    here,
                )
            }
            Measure::WindowCovers { node: id }
            | Measure::WindowRemoved { node: id }
            | Measure::WindowAdded { node: id } => {
                let span = node(id).and_then(|n| n.window.clone());
                match span {
                    Some(w) => {
                        let (b, what) = match m {
                            Measure::WindowCovers { .. } => (w.covers.clone(), "covers"),
                            Measure::WindowAdded { .. } => (w.added.clone(), "adds"),
                            _ => (w.removed.clone(), "subtracts"),
                        };
                        truth(
                            json!(b),
                            format!("the window of {id} {what} {} {at}", show_batches(&b)),
                            w.covers,
                        )
                    }
                    None => truth(Json::Null, format!("{id} computed no window {at}"), here),
                }
            }
            Measure::StateKeys { node: id } => {
                let n = node(id).and_then(|n| n.state_keys).unwrap_or(0);
                truth(
                    json!(n),
                    format!("{id} holds {n} key(s) in state after the batch {at}"),
                    so_far,
                )
            }
            Measure::TimedOut { node: id } => {
                let n = node(id)
                    .and_then(|n| n.state.as_ref())
                    .map_or(0, |s| s.timed_out);
                truth(
                    json!(n),
                    format!("{n} key(s) of {id} timed out {at}"),
                    so_far,
                )
            }
            // Explained by the planner's message, not by batches.
            Measure::Starts => match self.spec_errors.first() {
                None => truth(
                    json!(true),
                    "yes: ssc.start() accepts it".into(),
                    Vec::new(),
                ),
                Some(e) => truth(
                    json!(false),
                    format!("no: ssc.start() refuses it: {}", e.message),
                    Vec::new(),
                ),
            },
            Measure::Lost | Measure::LostAny => {
                let lost = lab.map_or(0, |r| r.lost);
                let value = match m {
                    Measure::Lost => json!(lost),
                    _ => json!(lost > 0),
                };
                let notes = lab.map(|r| r.notes.join(" ")).unwrap_or_default();
                // Explained by the lab's notes: the records were the next batch's.
                truth(
                    value,
                    format!("the kill lost {lost} record(s). {notes}"),
                    Vec::new(),
                )
            }
            Measure::Replayed => {
                let b = lab.map(|r| r.replayed_batches.clone()).unwrap_or_default();
                truth(
                    json!(b),
                    format!(
                        "the new context ran {} again (from the checkpoint after {} batches)",
                        show_batches(&b),
                        lab.and_then(|r| r.restored_from).unwrap_or(0)
                    ),
                    b,
                )
            }
        }
    }

    /// The batches `batches` as the page explains an answer with them: each one's source
    /// records, from the reports (a window's job computes earlier batches' RDDs too).
    pub fn explained(&self, batches: &[u64]) -> Vec<Explained> {
        let sources: Vec<&str> = self
            .spec
            .nodes
            .iter()
            .filter(|n| n.inputs.is_empty())
            .map(|n| n.id.as_str())
            .collect();
        batches
            .iter()
            .map(|&b| {
                let mut input = Vec::new();
                let mut time_ms = (b + 1) * self.spec.batch_interval_ms;
                for v in self
                    .run
                    .history
                    .iter()
                    .filter(|v| v.origin != Origin::Before(super::Restart::Edit))
                {
                    for n in v
                        .report
                        .nodes
                        .iter()
                        .filter(|n| sources.contains(&n.id.as_str()))
                    {
                        if v.report.batch == b && n.fired {
                            time_ms = v.report.time_ms;
                            input.extend(n.sample.iter().map(|r| r.to_string()));
                        }
                        for e in n.earlier.iter().filter(|e| e.batch == b) {
                            time_ms = e.time_ms;
                            input.extend(e.sample.iter().map(|r| r.to_string()));
                        }
                    }
                    if !input.is_empty() {
                        break;
                    }
                }
                Explained {
                    batch: b,
                    time_ms,
                    input,
                }
            })
            .collect()
    }
}

/// Why a node has no RDD at a batch, as the page says it.
fn reason(n: &NodeReport) -> String {
    match (n.not_computed, n.fused_into.as_deref()) {
        (_, Some(into)) => format!("run inside {into}'s stage, with no RDD of its own,"),
        (Some(why), None) => why.reason().to_string(),
        (None, None) => "not computed".into(),
    }
}

/// A record's value as a number, if it is one.
fn as_number(v: &Value) -> Json {
    match v {
        Value::Int(i) => json!(i),
        Value::Double(d) => number(*d),
        v => json!(v.to_string()),
    }
}

//! One node's panel, as Spark's job model has it: an output op shows what it emitted (a
//! `print()` block with its `Time: … ms` header, or what a `foreachRDD` action returned); any
//! other node shows its RDD (count, records per partition, a sample) and which output's job
//! computed it, and when; a node no job computed says why, and may be peeked at. Records are
//! clickable: a click follows that record through the DAG.

use std::collections::VecDeque;
use std::rc::Rc;

use dstream_engine::{Lineage, NodeReport, NodeSpec, NotComputed, OutputLine, Peek, Value};
use yew::prelude::*;

use crate::clock::duration;
use crate::state::{Action, BatchView, Followed};
use crate::ui::follow::{derived_text, marks, share};
use dstream_engine::catalog as ops;

#[derive(Properties, PartialEq)]
pub struct NodePanelProps {
    pub node: NodeSpec,
    /// Its record type (the worker's plan).
    pub ty: Option<String>,
    /// Spec errors that name it.
    pub errors: usize,
    pub history: Rc<VecDeque<BatchView>>,
    pub selected: bool,
    pub lineage: Option<Rc<Lineage>>,
    /// What the worker answered when the learner peeked at it.
    pub peek: Option<Result<Peek, String>>,
    /// Its RDD is one value (a count or a reduce): its keyed window inside is not shown.
    pub scalar: bool,
    pub on_action: Callback<Action>,
}

/// Records listed per panel (the engine samples at most `SAMPLE_LIMIT` anyway).
const PRINT_LIMIT: usize = 20;

/// One RDD the panel shows: the node's report, and the batch it belongs to.
struct Shown<'a> {
    report: &'a NodeReport,
    batch: u64,
    time_ms: u64,
}

#[function_component]
pub fn NodePanel(props: &NodePanelProps) -> Html {
    let node = &props.node;
    let lineage = props.lineage.as_deref();
    let history = &props.history;
    let id = &node.id;
    let is_output = ops::is_output(&node.op);
    let family = ops::op_named(&node.op).map_or("unknown", |i| i.family.name());
    let latest = history.back();
    let now = latest.and_then(|v| v.report.nodes.iter().find(|r| r.id == *id).map(|r| (v, r)));
    // The node's last computed RDD (a window computes only at its slide times).
    let last: Option<Shown> = history.iter().rev().find_map(|v| {
        v.report
            .nodes
            .iter()
            .find(|r| r.id == *id && r.fired)
            .map(|report| Shown {
                report,
                batch: v.report.batch,
                time_ms: v.report.time_ms,
            })
    });
    let follow = |v: &Value| {
        let cb = props.on_action.clone();
        let f = Followed {
            node: id.clone(),
            record: v.clone(),
        };
        Callback::from(move |_: MouseEvent| cb.emit(Action::Follow(Some(f.clone()))))
    };

    // What the job did at the latest batch, in one sentence.
    let status = match now {
        None => html! { <p class="small muted job">{ "no batch yet" }</p> },
        Some((v, r)) if r.fired => {
            let t = duration(v.report.time_ms);
            let earlier: Vec<String> = r
                .earlier
                .iter()
                .map(|e| {
                    format!(
                        "its RDD defined at t = {} (batch #{}) was computed by {}'s job at t = {t}",
                        duration(e.time_ms),
                        e.batch,
                        e.computed_by
                    )
                })
                .collect();
            let by = r.computed_by.as_deref().unwrap_or(id);
            html! {
                <p class="small job" data-testid={format!("job-{id}")}>
                    { if is_output { format!("its job ran at t = {t}") } else { format!("computed by {by}'s job at t = {t}") } }
                    { for earlier.iter().map(|e| html! { <><br />{ e.clone() }</> }) }
                </p>
            }
        }
        Some((v, r)) => {
            let t = duration(v.report.time_ms);
            let why = match r.not_computed {
                Some(NotComputed::NoOutput) => r.not_computed.map(NotComputed::reason).unwrap_or_default().to_string(),
                Some(NotComputed::NotYet) => format!("defined at t = {t}, not computed yet: no job at t = {t} needs it; the job of a window downstream computes it at its next slide"),
                Some(NotComputed::NotASlideTime) | None => format!("t = {t} is not one of its slide times: it defines no RDD then"),
            };
            html! { <p class="small muted job" data-testid={format!("job-{id}")}>{ why }</p> }
        }
    };
    let lazy = now.is_some_and(|(_, r)| r.not_computed == Some(NotComputed::NoOutput));

    let body = if is_output {
        output_body(node, history, lineage, &follow)
    } else {
        match &last {
            Some(s) => rdd_body(id, s, lineage, &follow),
            None if lazy => Html::default(),
            None => {
                html! { <div class="records empty small muted">{ "no RDD computed yet" }</div> }
            }
        }
    };

    let peek = lazy.then(|| {
        let cb = props.on_action.clone();
        let node_id = id.clone();
        let answer = props.peek.as_ref().map(|p| match p {
            Ok(p) => html! {
                <div class="peek" data-testid={format!("peek-{id}")}>
                    <p class="small">{ p.note.clone() }</p>
                    if p.defined {
                        <p class="small">{ format!("{} records in {} partitions at t = {}", p.count, p.partitions.len(), duration(p.time_ms)) }</p>
                        <div class="records">
                            { for p.sample.iter().take(PRINT_LIMIT).map(|v| html! { <div class="rec peeked">{ v.to_string() }</div> }) }
                        </div>
                    }
                </div>
            },
            Err(e) => html! { <p class="small error" role="alert">{ e.clone() }</p> },
        });
        html! {
            <>
                <button class="btn small" data-testid={format!("peek-button-{id}")}
                    title="Compute what it would hold at the last batch: a look Spark itself never takes"
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Peek(node_id.clone())))}>
                    { "Peek (Spark does not compute it)" }
                </button>
                { for answer }
            </>
        }
    });

    let derived = share(lineage, id).map(|d| derived_text(lineage, d));
    let cb = props.on_action.clone();
    let sel_id = id.clone();
    html! {
        <article class={classes!("card", "node-panel", format!("fam-{family}"), props.selected.then_some("selected"), lazy.then_some("lazy"))}
            data-testid={format!("output-{id}")}>
            <header onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Select(Some(sel_id.clone()))))}>
                <span class="node-dot"></span>
                <strong>{ id }</strong>
                <span class="op-tag">{ &node.op }</span>
                if let Some(t) = props.ty.clone() { <code class="type">{ t }</code> }
                if props.errors > 0 { <span class="warn">{ format!("⚠ {}", props.errors) }</span> }
            </header>
            { status }
            if let Some(s) = last.as_ref().filter(|_| !is_output) { { rdd_stats(s.report, props.scalar) } }
            if let Some(d) = derived { <p class="small derived" data-testid={format!("derived-{id}")}>{ d }</p> }
            { body }
            { for peek }
        </article>
    }
}

/// A non-output node's last computed RDD: a sample of its records.
fn rdd_body(
    id: &str,
    s: &Shown,
    lineage: Option<&Lineage>,
    follow: &dyn Fn(&Value) -> Callback<MouseEvent>,
) -> Html {
    let r = s.report;
    let more = r
        .count
        .saturating_sub(r.sample.len().min(PRINT_LIMIT) as u64);
    html! {
        <div class="records" data-testid={format!("rdd-{id}")}>
            <div class="records-head small muted">{ format!("its RDD of t = {} (batch #{})", duration(s.time_ms), s.batch) }</div>
            { for r.sample.iter().take(PRINT_LIMIT).map(|v| {
                let lit = marks(lineage, id, s.batch, v);
                html! {
                    <div class={classes!("rec", lit.then_some("lit"))} title="click to follow this record" onclick={follow(v)}>
                        { v.to_string() }
                    </div>
                }
            }) }
            if more > 0 { <div class="records-more small muted">{ format!("… and {more} more") }</div> }
        </div>
    }
}

/// An output op's last emission: `print()`'s block, or what the `foreachRDD` action returned.
fn output_body(
    node: &NodeSpec,
    history: &VecDeque<BatchView>,
    lineage: Option<&Lineage>,
    follow: &dyn Fn(&Value) -> Callback<MouseEvent>,
) -> Html {
    let id = &node.id;
    let Some(line) = history
        .iter()
        .rev()
        .find_map(|v| v.report.outputs.iter().find(|o| o.output == *id))
    else {
        return html! { <div class="print empty">{ "nothing emitted yet" }</div> };
    };
    if node.op == "print" {
        let num = node
            .field("num")
            .and_then(|v| v.as_u64())
            .map_or(10, |n| n as usize)
            .min(PRINT_LIMIT);
        return print_block(line, num, lineage, follow);
    }
    let action = node
        .field("action")
        .and_then(|v| v.as_str())
        .unwrap_or("collect");
    let accumulated = node.field("accumulate").and_then(|v| v.as_bool()) == Some(true);
    html! {
        <div class="print action">
            <div class="print-line">{ format!("t = {}: rdd.{action}() {}", duration(line.time_ms), if accumulated { "added to the accumulator, now" } else { "returned" }) }</div>
            { for line.records.iter().take(PRINT_LIMIT).map(|v| {
                let lit = marks(lineage, id, line.batch, v);
                html! {
                    <div class={classes!("rec", lit.then_some("lit"))} title="click to follow this record" onclick={follow(v)}>
                        { v.to_string() }
                    </div>
                }
            }) }
            if line.records.len() > PRINT_LIMIT { <div class="print-line">{ "..." }</div> }
        </div>
    }
}

/// `print()` as Spark writes it, each record line clickable.
fn print_block(
    line: &OutputLine,
    num: usize,
    lineage: Option<&Lineage>,
    follow: &dyn Fn(&Value) -> Callback<MouseEvent>,
) -> Html {
    let out = line.spark_print(num);
    let rows = out.lines().enumerate().map(|(i, l)| {
        // Lines 0-2 are the header; records follow in order.
        let record = i
            .checked_sub(3)
            .and_then(|k| (k < num).then(|| line.records.get(k)).flatten());
        match record {
            Some(v) => {
                let lit = marks(lineage, &line.output, line.batch, v);
                html! {
                    <div class={classes!("rec", lit.then_some("lit"))} title="click to follow this record" onclick={follow(v)}>
                        { l }
                    </div>
                }
            }
            None => {
                html! { <div class="print-line">{ if l.is_empty() { "\u{a0}" } else { l } }</div> }
            }
        }
    });
    html! { <div class="print">{ for rows }</div> }
}

/// `1 record`, `2 records`.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn rdd_stats(r: &NodeReport, scalar: bool) -> Html {
    let max = r.partitions.iter().copied().max().unwrap_or(0).max(1);
    html! {
        <div class="rdd">
            <span class="count"><strong>{ r.count }</strong>{ if r.count == 1 { " record" } else { " records" } }</span>
            <span class="parts" title="records per partition">
                { for r.partitions.iter().enumerate().map(|(i, &p)| html! {
                    <span class="part" title={format!("partition {i}: {p} records")}>
                        <span class="bar" style={format!("height: {}%", 15 + p * 85 / max)}></span>
                    </span>
                }) }
                <span class="small muted">{ plural(r.partitions.len() as u64, "partition", "partitions") }</span>
            </span>
            if let Some(k) = r.state_keys.filter(|_| !scalar) { <span class="small">{ format!("{} in state", plural(k, "key", "keys")) }</span> }
            if let Some(into) = &r.fused_into {
                <span class="small muted fused" data-testid="fused-into"
                    title="Spark pipelines narrow ops (map, flatMap, filter…) into one stage: records go through them one by one into the reduce, and no RDD of their own is built">
                    { format!("pipelined into {into}: its time is counted there") }
                </span>
            } else {
                <span class="small muted" title="time the engine spent on this node in this batch">{ format!("{:.1} ms", r.elapsed_ms) }</span>
            }
        </div>
    }
}

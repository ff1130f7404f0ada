//! One node's panel: its current RDD (count, records per partition, a sample) and what it
//! printed, in Spark's `print()` format with the `Time: … ms` header. Records are clickable:
//! a click follows that record through the DAG.

use std::rc::Rc;

use dstream_engine::{NodeReport, OutputLine};
use yew::prelude::*;

use crate::state::{Action, Followed, State};
use crate::ui::follow::{derived_text, marks, share};
use crate::ui::ops;

#[derive(Properties, PartialEq)]
pub struct NodePanelProps {
    pub state: Rc<State>,
    pub id: String,
    pub on_action: Callback<Action>,
}

/// Records listed per panel (the engine samples at most `SAMPLE_LIMIT` anyway).
const PRINT_LIMIT: usize = 20;

#[function_component]
pub fn NodePanel(props: &NodePanelProps) -> Html {
    let s = &props.state;
    let Some(node) = s.node(&props.id) else {
        return Html::default();
    };
    let id = &node.id;
    let is_output = ops::is_output(&node.op);
    let family = ops::info(&node.op).map_or("unknown", |i| i.family);
    let latest = s.latest();
    let report_now = latest.and_then(|v| v.report.nodes.iter().find(|r| r.id == *id));
    // The node's last computed RDD (windowed nodes compute only at slide times).
    let last_fired: Option<(&NodeReport, u64, u64)> = s.history.iter().rev().find_map(|v| {
        v.report
            .nodes
            .iter()
            .find(|r| r.id == *id && r.fired)
            .map(|r| (r, v.report.batch, v.report.time_ms))
    });

    let printed: Option<(OutputLine, usize)> = if is_output {
        s.outputs.get(id).map(|line| {
            let num = node
                .field("num")
                .and_then(|v| v.as_u64())
                .map_or(PRINT_LIMIT, |n| n as usize);
            ((**line).clone(), num.min(PRINT_LIMIT))
        })
    } else {
        last_fired.map(|(r, batch, time_ms)| {
            (
                OutputLine {
                    batch,
                    time_ms,
                    output: id.clone(),
                    records: r.sample.clone(),
                    ordered: false,
                    more: r.count > r.sample.len() as u64,
                },
                PRINT_LIMIT,
            )
        })
    };

    let derived = share(s, id).map(|d| derived_text(s, d));

    let text = printed.as_ref().map(|(line, num)| {
        let out = line.spark_print(*num);
        let lines: Vec<&str> = out.lines().collect();
        let rows = lines.iter().enumerate().map(|(i, l)| {
            // Lines 0-2 are the header; records follow in order.
            let record = i.checked_sub(3).and_then(|k| (k < *num).then(|| line.records.get(k)).flatten());
            match record {
                Some(v) => {
                    let lit = marks(s, id, line.batch, v);
                    let cb = props.on_action.clone();
                    let f = Followed { node: id.clone(), record: v.clone() };
                    html! {
                        <div class={classes!("rec", lit.then_some("lit"))} title="click to follow this record"
                            onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Follow(Some(f.clone()))))}>
                            { *l }
                        </div>
                    }
                }
                None => html! { <div class="print-line">{ if l.is_empty() { "\u{a0}" } else { l } }</div> },
            }
        });
        html! { <div class="print">{ for rows }</div> }
    });

    let stats = match (report_now, last_fired) {
        (Some(r), _) if r.fired => rdd_stats(r),
        (Some(_), Some((r, batch, _))) => html! {
            <>
                <p class="small muted">{ format!("not a slide time: nothing computed this batch; showing batch #{batch}") }</p>
                { rdd_stats(r) }
            </>
        },
        (Some(_), None) => {
            html! { <p class="small muted">{ "not a slide time yet: nothing computed" }</p> }
        }
        (None, _) => html! { <p class="small muted">{ "no batch yet" }</p> },
    };
    let ty = s.types.get(id).cloned();
    let n_errors = s.errors_of(id).count();
    let selected = s.selected.as_deref() == Some(id.as_str());
    let cb = props.on_action.clone();
    let sel_id = id.clone();
    html! {
        <article class={classes!("card", "node-panel", format!("fam-{family}"), selected.then_some("selected"))}
            data-testid={format!("output-{id}")}>
            <header onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Select(Some(sel_id.clone()))))}>
                <span class="node-dot"></span>
                <strong>{ id }</strong>
                <span class="op-tag">{ &node.op }</span>
                if let Some(t) = ty { <code class="type">{ t }</code> }
                if n_errors > 0 { <span class="warn">{ format!("⚠ {n_errors}") }</span> }
            </header>
            { stats }
            if let Some(d) = derived { <p class="small derived" data-testid={format!("derived-{id}")}>{ d }</p> }
            { text.unwrap_or_else(|| html! { <div class="print empty">{ if is_output { "nothing emitted yet" } else { "" } }</div> }) }
        </article>
    }
}

fn rdd_stats(r: &NodeReport) -> Html {
    let max = r.partitions.iter().copied().max().unwrap_or(0).max(1);
    html! {
        <div class="rdd">
            <span class="count"><strong>{ r.count }</strong>{ " records" }</span>
            <span class="parts" title="records per partition">
                { for r.partitions.iter().enumerate().map(|(i, &p)| html! {
                    <span class="part" title={format!("partition {i}: {p} records")}>
                        <span class="bar" style={format!("height: {}%", 15 + p * 85 / max)}></span>
                    </span>
                }) }
                <span class="small muted">{ format!("{} partitions", r.partitions.len()) }</span>
            </span>
            if let Some(k) = r.state_keys { <span class="small">{ format!("{k} keys in state") }</span> }
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

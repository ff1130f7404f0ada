//! What one batch did to a stateful node's state, opened from its lane on the time axis: the
//! keys it added, updated, removed and timed out with their state before and after, and the
//! state before and after the batch, all from the engine's report (sampled like records).

use dstream_engine::catalog::{self, OpKind};
use dstream_engine::{Change, StateChanges, Value};
use yew::prelude::*;

use crate::state::Action;
use crate::ui::duration;
use crate::ui::state_lane::summary;

#[derive(Properties, PartialEq)]
pub struct StateDetailProps {
    pub node: String,
    pub op: String,
    pub batch: u64,
    pub time_ms: u64,
    /// `None`: the batch's report is no longer kept.
    pub changes: Option<StateChanges>,
    /// How many records a report samples.
    pub sample_limit: usize,
    pub on_action: Callback<Action>,
}

fn opt(v: &Option<Value>) -> String {
    v.as_ref().map_or("—".to_string(), Value::to_string)
}

fn records(title: String, rs: &[Value], testid: &'static str) -> Html {
    html! {
        <div class="state-records" data-testid={testid}>
            <h3>{ title }</h3>
            if rs.is_empty() {
                <p class="small muted">{ "no keys" }</p>
            } else {
                <div class="chips">{ for rs.iter().map(|r| html! { <code class="state-record">{ r.to_string() }</code> }) }</div>
            }
        </div>
    }
}

#[function_component]
pub fn StateDetail(props: &StateDetailProps) -> Html {
    let close = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::InspectState(None)))
    };
    let head = format!(
        "{} · batch #{} (t = {})",
        props.node,
        props.batch,
        duration(props.time_ms)
    );
    let Some(c) = &props.changes else {
        return html! {
            <section class="state-detail" data-testid="state-detail">
                <header><strong>{ head }</strong><button class="link-button small" onclick={close}>{ "close" }</button></header>
                <p class="small muted">{ "This batch's report is no longer kept on the axis." }</p>
            </section>
        };
    };
    let per_record = catalog::op_named(&props.op).is_some_and(|i| i.kind == OpKind::MapWithState);
    let how = if per_record {
        "mapWithState calls its function for each record of the batch (a key without one is not touched) and, in its full scans every 10 batches, once more for each key idle longer than the timeout, which is then dropped."
    } else {
        "updateStateByKey calls its function for every key in the state or in the batch, at every batch: updated counts the keys whose state changed, removed those it returned None for."
    };
    let n = props.sample_limit;
    let sampled = |shown: usize, total: u64| {
        if (shown as u64) < total {
            format!("first {shown} of {total}")
        } else {
            format!("{total}")
        }
    };
    let changed = c.added + c.updated + c.removed + c.timed_out;
    let rows = c.changes.iter().map(|k| {
        let class = match k.change {
            Change::Added => "added",
            Change::Updated => "updated",
            Change::Removed => "removed",
            Change::TimedOut => "timed-out",
        };
        html! {
            <tr class={class}>
                <td><code>{ k.key.to_string() }</code></td>
                <td><code>{ opt(&k.before) }</code></td>
                <td><code>{ opt(&k.after) }</code></td>
                <td>{ k.change.word() }</td>
            </tr>
        }
    });
    html! {
        <section class="state-detail" data-testid="state-detail" data-node={props.node.clone()} data-batch={props.batch.to_string()}>
            <header>
                <strong>{ head }</strong>
                <button class="link-button small" data-testid="state-detail-close" onclick={close}>{ "close" }</button>
            </header>
            <p class="small" data-testid="state-summary">{ format!("{}: {} keys before, {} after.", summary(c), c.keys_before, c.keys_after) }</p>
            <p class="small muted">{ how }</p>
            if changed > 0 {
                <table class="records state-changes" data-testid="state-changes">
                    <thead><tr>
                        <th>{ "key" }</th><th>{ "state before" }</th><th>{ "after" }</th><th>{ "" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if (c.changes.len() as u64) < changed {
                    <p class="small muted">{ format!("the first {} of {changed} changed keys (a report samples {n})", c.changes.len()) }</p>
                }
            }
            <div class="state-before-after">
                { records(format!("state before ({})", sampled(c.before.len(), c.keys_before)), &c.before, "state-before") }
                { records(format!("state after ({})", sampled(c.after.len(), c.keys_after)), &c.after, "state-after") }
            </div>
        </section>
    }
}

//! The sources a learner plays with: a text box per `textInput` (like typing into
//! `nc -lk 9999`: what is typed before a tick is that tick's batch), a rate slider per
//! generator, and the upcoming batches of each queue.

use std::collections::BTreeMap;
use std::rc::Rc;

use dstream_engine::PipelineSpec;
use serde_json::json;
use yew::prelude::*;

use crate::state::{lines, Action};
use crate::ui::event_value;
use crate::ui::node_editor::{rate_from_slider, slider_from_rate};

/// Queue batches listed at once.
const QUEUE_SHOWN: usize = 6;

#[derive(Properties, PartialEq)]
pub struct SourcesProps {
    pub spec: Rc<PipelineSpec>,
    /// What each textInput's box holds.
    pub drafts: BTreeMap<String, String>,
    /// Lines already in the input log for the next batch, per textInput: a failed batch's
    /// input, or lines a share link queued.
    pub kept: BTreeMap<String, usize>,
    /// The next batch failed before (its kept lines run again with it); otherwise they were
    /// queued ahead (a shared link's input log, a pasted program's typed lines).
    #[prop_or_default]
    pub failed: bool,
    /// Lines queued for later batches, per textInput: `(lines, first batch, last batch)`.
    #[prop_or_default]
    pub later: BTreeMap<String, (usize, u64, u64)>,
    pub batches_run: u64,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn Sources(props: &SourcesProps) -> Html {
    let next_batch = props.batches_run;
    let interval = props.spec.batch_interval_ms;
    let cards = props.spec.nodes.iter().filter(|n| dstream_engine::catalog::is_source(&n.op)).map(|n| {
        let id = n.id.clone();
        let cb = props.on_action.clone();
        let body = match n.op.as_str() {
            "textInput" => {
                let text = props.drafts.get(&id).cloned().unwrap_or_default();
                let lines = lines(&text).len();
                let kept = props.kept.get(&id).copied().unwrap_or(0);
                let oninput = {
                    let id = id.clone();
                    Callback::from(move |e: InputEvent| cb.emit(Action::Type { node: id.clone(), text: event_value(&e) }))
                };
                html! {
                    <>
                        <div class="terminal">
                            <div class="terminal-bar">{ "$ nc -lk 9999" }</div>
                            <textarea class="code" rows="4" spellcheck="false" data-testid={format!("type-{id}")}
                                placeholder="type lines here, one record per line"
                                value={text} {oninput} />
                        </div>
                        <p class="small muted" data-testid={format!("waiting-{id}")}>{
                            match (kept, lines, props.failed) {
                                (0, n, _) => format!("{n} line(s) typed: they become batch #{next_batch} at the next tick."),
                                (k, n, true) => format!("{k} line(s) already sent for batch #{next_batch} (it failed: they run again with it), and {n} more typed."),
                                (k, n, false) => format!("{k} line(s) already queued for batch #{next_batch}, and {n} more typed: together they become batch #{next_batch} at the next tick."),
                            }
                        }</p>
                        if let Some((count, a, b)) = props.later.get(&id) {
                            <p class="small muted" data-testid={format!("queued-{id}")}>{
                                if a == b { format!("{count} more line(s) queued for batch #{a}.") }
                                else { format!("{count} more line(s) queued for batches #{a} to #{b}, each with its batch.") }
                            }</p>
                        }
                    </>
                }
            }
            "generator" => {
                let rate = n.field("rate_per_s").and_then(|v| v.as_f64()).unwrap_or(0.0);
                let kind = n.field("kind").and_then(|v| v.as_str()).unwrap_or("?").to_string();
                let per_batch = rate * interval as f64 / 1000.0;
                let oninput = {
                    let id = id.clone();
                    Callback::from(move |e: InputEvent| {
                        if let Ok(p) = event_value(&e).parse::<u32>() {
                            cb.emit(Action::SetField { node: id.clone(), field: "rate_per_s".into(), value: Some(json!(rate_from_slider(p))) })
                        }
                    })
                };
                html! {
                    <>
                        <label class="rate">
                            <span class="small">{ format!("{kind} generator") }</span>
                            <input type="range" min="0" max="50" step="1" data-testid={format!("rate-{id}")}
                                value={slider_from_rate(rate).to_string()} {oninput} />
                            <output>{ format!("{rate} rec/s") }</output>
                        </label>
                        <p class="small muted">{ format!("{per_batch} records per batch, seeded: the same every run.") }</p>
                    </>
                }
            }
            _ => {
                let batches = n.field("batches").and_then(|v| v.as_array()).cloned().unwrap_or_default();
                let total = batches.len();
                // The batches around the next one (a long queue does not scroll in the panel).
                let lo = (next_batch as usize).saturating_sub(2).min(total.saturating_sub(QUEUE_SHOWN));
                let hi = (lo + QUEUE_SHOWN).min(total);
                html! {
                    <>
                        if lo > 0 { <p class="small muted queue-more">{ format!("… {lo} earlier batch(es)") }</p> }
                        <ol class="queue" start={lo.to_string()}>
                            { for batches.iter().enumerate().skip(lo).take(hi - lo).map(|(i, b)| {
                                let state = if (i as u64) < next_batch { "done" } else if i as u64 == next_batch { "next" } else { "later" };
                                html! { <li class={state} value={i.to_string()}><code>{ b.to_string() }</code></li> }
                            }) }
                        </ol>
                        if hi < total { <p class="small muted queue-more">{ format!("… {} more", total - hi) }</p> }
                        <p class="small muted">{
                            if (next_batch as usize) < total { format!("batch {next_batch} of {total} is next") }
                            else { format!("queue drained after {total} batches: further batches are empty") }
                        }</p>
                    </>
                }
            }
        };
        html! {
            <div class="source" key={n.id.clone()}>
                <h3><span class="node-dot fam-sources"></span>{ &n.id }<span class="muted small">{ format!(" · {}", n.op) }</span></h3>
                { body }
            </div>
        }
    });
    html! {
        <section class="card sources" aria-label="sources">
            <h2>{ "Sources" }</h2>
            { for cards }
        </section>
    }
}

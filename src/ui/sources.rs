//! The sources a learner plays with: a text box per `textInput` (like typing into
//! `nc -lk 9999`: what is typed before a tick is that tick's batch), a rate slider per
//! generator, and the upcoming batches of each queue.

use std::rc::Rc;

use serde_json::json;
use yew::prelude::*;

use crate::state::{Action, State};
use crate::ui::event_value;
use crate::ui::node_editor::{rate_from_slider, slider_from_rate};

#[derive(Properties, PartialEq)]
pub struct SourcesProps {
    pub state: Rc<State>,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn Sources(props: &SourcesProps) -> Html {
    let s = &props.state;
    let next_batch = s.batches_run;
    let cards = s.spec.nodes.iter().filter(|n| crate::ui::ops::is_source(&n.op)).map(|n| {
        let id = n.id.clone();
        let cb = props.on_action.clone();
        let body = match n.op.as_str() {
            "textInput" => {
                let text = s.typed.get(&id).cloned().unwrap_or_default();
                let lines = text.lines().filter(|l| !l.is_empty()).count();
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
                        <p class="small muted">{ format!("{lines} line(s) waiting: they become batch {next_batch} at the next tick.") }</p>
                    </>
                }
            }
            "generator" => {
                let rate = n.field("rate_per_s").and_then(|v| v.as_f64()).unwrap_or(0.0);
                let kind = n.field("kind").and_then(|v| v.as_str()).unwrap_or("?").to_string();
                let per_batch = rate * s.spec.batch_interval_ms as f64 / 1000.0;
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
                html! {
                    <>
                        <ol class="queue" start="0">
                            { for batches.iter().enumerate().map(|(i, b)| {
                                let state = if (i as u64) < next_batch { "done" } else if i as u64 == next_batch { "next" } else { "later" };
                                html! { <li class={state} value={i.to_string()}><code>{ b.to_string() }</code></li> }
                            }) }
                        </ol>
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

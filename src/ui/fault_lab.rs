//! The fault lab: Spark Streaming's fault tolerance made visible. The learner picks the
//! receiver mode (push/unreliable or pull/replayable), the write-ahead log and the
//! replication factor, then kills the receiver, an executor or the driver. What was lost,
//! recovered, recomputed from lineage or replayed from the checkpoint comes from the engine
//! (`dstream_engine::fault`); this panel only shows it.

use dstream_engine::fault::{Fault, ReceiverMode};
use yew::prelude::*;

use crate::clock::duration;
use crate::state::{Action, Lab, LabAction, LabSetting};
use crate::storage::checkpoint_name;
use crate::ui::{event_checked, event_value};

#[derive(Properties, PartialEq)]
pub struct FaultLabProps {
    pub lab: Lab,
    pub batch_interval_ms: u64,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn FaultLabPanel(props: &FaultLabProps) -> Html {
    let lab = &props.lab;
    let config = lab.config;
    let configure = |setting: fn(&str) -> LabSetting| {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            let v = event_value(&e);
            cb.emit(Action::Lab(LabAction::Configure(setting(&v))));
        })
    };
    let on_mode = configure(|v| {
        LabSetting::Mode(if v == "pull" {
            ReceiverMode::Pull
        } else {
            ReceiverMode::Push
        })
    });
    let on_replication = configure(|v| LabSetting::Replication(if v == "1" { 1 } else { 2 }));
    let on_wal = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            cb.emit(Action::Lab(LabAction::Configure(LabSetting::Wal(
                event_checked(&e),
            ))));
        })
    };
    let kill = |fault: Fault| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::Lab(LabAction::Kill(fault))))
    };
    let b = props.batch_interval_ms;
    let checkpoint = match lab.checkpoint_batch {
        Some(n) => format!("a driver kill recovers from {}", checkpoint_name(n * b)),
        None => "no checkpoint yet: a driver kill starts a new context from nothing".to_string(),
    };
    let last = lab.last.as_ref().map(|r| {
        let recomputed = r.recomputed.iter().map(|p| {
            html! {
                <li>{ format!("{} partition {}: {} records, {} batch(es) of lineage", p.node, p.partition, p.records, p.lineage_batches) }</li>
            }
        });
        html! {
            <div class="fault-report" data-testid="fault-report">
                <p>
                    <strong data-testid="fault-last-lost">{ format!("{} lost", r.lost) }</strong>
                    { " · " }
                    <strong data-testid="fault-last-recovered">{ format!("{} recovered", r.recovered) }</strong>
                    if let Some(n) = r.restored_from {
                        { format!(" · recovered from {}", checkpoint_name(n * b)) }
                    }
                    if !r.replayed_batches.is_empty() {
                        { format!(" · re-runs {}", r.replayed_batches.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")) }
                    }
                </p>
                <ul class="small">{ for r.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                if !r.next.is_empty() {
                    <p class="small muted">{ "What the next batches then contain:" }</p>
                    <ul class="small" data-testid="fault-next">
                        { for r.next.iter().map(|n| html! {
                            <li>{ format!("#{} (t = {}): {}", n.batch, duration(n.time_ms),
                                n.sources.iter().map(|s| format!("{} {} record(s)", s.node, s.records)).collect::<Vec<_>>().join(", ")) }</li>
                        }) }
                    </ul>
                }
                if !r.recomputed.is_empty() {
                    <p class="small muted">{ "Recomputed from lineage:" }</p>
                    <ul class="small" data-testid="fault-recomputed">{ for recomputed }</ul>
                }
            </div>
        }
    });
    html! {
        <section class="card fault-lab" data-testid="fault-lab">
            <h2>{ "Fault lab" }</h2>
            <p class="small muted">
                { "Records received for the next batch sit in blocks on 2 executors (the last one still in the receiver's buffer). Every source is taken as a receiver's stream here; in Spark a queueStream has no receiver (its RDDs come from the driver). Kill something and see what survives." }
            </p>
            <label class="control">
                <span>{ "receiver" }</span>
                <select data-testid="fault-mode" onchange={on_mode}>
                    <option value="push" selected={config.mode == ReceiverMode::Push}>{ "push (unreliable)" }</option>
                    <option value="pull" selected={config.mode == ReceiverMode::Pull}>{ "pull (replayable)" }</option>
                </select>
            </label>
            <label class="control">
                <span>{ "replication" }</span>
                <select data-testid="fault-replication" onchange={on_replication}>
                    <option value="1" selected={config.replication == 1}>{ "1" }</option>
                    <option value="2" selected={config.replication >= 2}>{ "2" }</option>
                </select>
            </label>
            <label class="control">
                <input type="checkbox" data-testid="fault-wal" checked={config.wal} onchange={on_wal} />
                <span>{ "write-ahead log" }</span>
            </label>
            <div class="buttons">
                <button class="btn danger small" data-testid="kill-receiver" onclick={kill(Fault::Receiver)}>{ "Kill receiver" }</button>
                <button class="btn danger small" data-testid="kill-executor-0" onclick={kill(Fault::Executor(0))}>{ "Kill executor 0" }</button>
                <button class="btn danger small" data-testid="kill-executor-1" onclick={kill(Fault::Executor(1))}>{ "Kill executor 1" }</button>
                <button class="btn danger small" data-testid="kill-driver" onclick={kill(Fault::Driver)}>{ "Kill driver" }</button>
            </div>
            <p class="small">{ checkpoint }</p>
            <p data-testid="fault-totals">
                { format!("Records lost: {} · recovered: {}", lab.lost_total, lab.recovered_total) }
            </p>
            { for last }
        </section>
    }
}

//! Checkpoints under the time axis: the interval setting (Spark's default rule, or every N
//! batches), the checkpoint status (recovered, saved, or what went wrong and what was kept),
//! and the kept snapshots whose batch has no column on the axis now (the axis itself draws
//! the others as marks; both rewind the playground when clicked).

use yew::prelude::*;

use crate::state::{Action, CheckpointAction, Checkpoints, Lookup, Status};
use crate::ui::event_value;
use crate::ui::timeline::{mark_title, on_axis};

#[derive(Properties, PartialEq)]
pub struct CheckpointBarProps {
    pub checkpoints: Checkpoints,
    /// Spark's default interval for the pipeline (the worker's plan).
    pub default_interval_ms: u64,
    pub batch_interval_ms: u64,
    pub batches_run: u64,
    /// The first batch column on the time axis.
    pub axis_first: u64,
    /// The program calls `ssc.checkpoint(dir)`.
    pub enabled: bool,
    pub on_action: Callback<Action>,
}

/// Every N batches the interval menu offers besides Spark's default.
const EVERY: [u64; 4] = [1, 2, 5, 10];

#[function_component]
pub fn CheckpointBar(props: &CheckpointBarProps) -> Html {
    let b = props.batch_interval_ms.max(1);
    let c = &props.checkpoints;
    let on_interval = {
        let cb = props.on_action.clone();
        let enabled = props.enabled;
        Callback::from(move |e: Event| {
            let v = event_value(&e);
            if v == "off" {
                cb.emit(Action::Checkpoint(CheckpointAction::SetEnabled(false)));
                return;
            }
            if !enabled {
                cb.emit(Action::Checkpoint(CheckpointAction::SetEnabled(true)));
            }
            let ms = v.parse::<u64>().ok().filter(|&v| v > 0);
            cb.emit(Action::Checkpoint(CheckpointAction::SetInterval(ms)));
        })
    };
    let default_ms = props.default_interval_ms;
    let newest = c.newest_good().map(|m| m.key.clone());
    let off_axis: Vec<_> = c
        .kept
        .iter()
        .filter(|m| !on_axis(props.axis_first, m))
        .collect();
    let marks = off_axis.iter().map(|m| {
        let cb = props.on_action.clone();
        let key = m.key.clone();
        let current = c.restored_from == Some(m.batches_run) && props.batches_run == m.batches_run;
        let damaged = c.damaged.contains(&m.key);
        let is_newest = newest.as_deref() == Some(m.key.as_str());
        html! {
            <button class={classes!("btn", "small", "snapshot-chip", current.then_some("current"), damaged.then_some("damaged"), is_newest.then_some("newest"))}
                data-testid={format!("snapshot-{}", m.batches_run)}
                title={mark_title(c, m)}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Checkpoint(CheckpointAction::TravelTo(key.clone()))))}>
                { format!("◆ {}", m.name()) }
            </button>
        }
    });
    let status = match &c.status {
        Some(Status::Info(t)) => html! {
            <p class="checkpoint-status small" data-testid="checkpoint-status">{ t.clone() }</p>
        },
        Some(Status::Error(t)) => html! {
            <p class="checkpoint-status error small" data-testid="checkpoint-status" role="alert">{ t.clone() }</p>
        },
        None if c.lookup != Lookup::Idle => html! {
            <p class="checkpoint-status small muted" data-testid="checkpoint-status">{ "Looking for a checkpoint…" }</p>
        },
        // A link, a file or a pasted program opened in a new context: nothing was looked up.
        None if c.kept.is_empty() => html! {
            <p class="checkpoint-status small muted" data-testid="checkpoint-status">{ "No checkpoint of this run yet." }</p>
        },
        None => html! {},
    };
    html! {
        <div class="checkpoints">
            <label class="control">
                <span>{ "checkpoint" }</span>
                // Keyed by the interval: a restored or switched pipeline's kept interval gets a
                // fresh select, since `selected` no longer moves one the learner has used.
                <select key={format!("{:?}{}", c.interval_ms, props.enabled)} data-testid="checkpoint-interval" onchange={on_interval}>
                    <option value="off" selected={!props.enabled}>{ "off (no ssc.checkpoint)" }</option>
                    <option value="0" selected={props.enabled && c.interval_ms.is_none()}>
                        { format!("Spark's default: every {}", crate::ui::duration(default_ms)) }
                    </option>
                    { for EVERY.iter().map(|&k| html! {
                        <option value={(k * b).to_string()} selected={props.enabled && c.interval_ms == Some(k * b)}>
                            { if k == 1 { "every batch".to_string() } else { format!("every {k} batches") } }
                        </option>
                    }) }
                </select>
            </label>
            if !off_axis.is_empty() {
                <span class="snapshot-off-axis" data-testid="snapshot-off-axis">
                    <span class="small muted">{ "off the axis:" }</span>
                    { for marks }
                </span>
            }
            { status }
        </div>
    }
}

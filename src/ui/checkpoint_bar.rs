//! Checkpoints under the time axis: the interval setting (Spark's default rule, or every N
//! batches), the checkpoint status (restored, saved, or what went wrong and what was kept),
//! and the kept snapshots whose batch has no column on the axis now (the axis itself draws
//! the others as marks; both rewind the playground when clicked).

use std::rc::Rc;

use yew::prelude::*;

use crate::checkpointing::{CheckpointAction, Status};
use crate::state::{Action, State};
use crate::ui::event_value;
use crate::ui::timeline::{mark_title, newest_good, on_axis};

#[derive(Properties, PartialEq)]
pub struct CheckpointBarProps {
    pub state: Rc<State>,
    pub on_action: Callback<Action>,
}

/// Every N batches the interval menu offers besides Spark's default.
const EVERY: [u64; 4] = [1, 2, 5, 10];

#[function_component]
pub fn CheckpointBar(props: &CheckpointBarProps) -> Html {
    {
        // getOrCreate once, when the page mounts.
        let cb = props.on_action.clone();
        use_effect_with((), move |_| {
            cb.emit(Action::Checkpoint(CheckpointAction::Attach(cb.clone())));
        });
    }
    let s = &props.state;
    let b = s.spec.batch_interval_ms.max(1);
    let c = &s.checkpoints;
    let on_interval = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            let ms = event_value(&e).parse::<u64>().ok().filter(|&v| v > 0);
            cb.emit(Action::Checkpoint(CheckpointAction::SetInterval(ms)));
        })
    };
    let default_ms = s
        .engine
        .as_ref()
        .map_or(10_000, |e| e.0.borrow().default_checkpoint_interval_ms());
    let newest = newest_good(s).map(|m| m.key.clone());
    let off_axis: Vec<_> = c.kept.iter().filter(|m| !on_axis(s, m)).collect();
    let marks = off_axis.iter().map(|m| {
        let cb = props.on_action.clone();
        let key = m.key.clone();
        let current = c.restored_from == Some(m.batches_run) && s.batches_run == m.batches_run;
        let damaged = c.damaged.contains(&m.key);
        let is_newest = newest.as_deref() == Some(m.key.as_str());
        html! {
            <button class={classes!("btn", "small", "snapshot-chip", current.then_some("current"), damaged.then_some("damaged"), is_newest.then_some("newest"))}
                data-testid={format!("snapshot-{}", m.batches_run)}
                title={mark_title(s, m)}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Checkpoint(CheckpointAction::TravelTo(key.clone()))))}>
                { format!("◆ after {}", m.batches_run) }
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
        None => html! {
            <p class="checkpoint-status small muted" data-testid="checkpoint-status">{ "Looking for a checkpoint…" }</p>
        },
    };
    html! {
        <div class="checkpoints">
            <label class="control">
                <span>{ "checkpoint" }</span>
                // Keyed by the interval: a restored or switched pipeline's kept interval gets a
                // fresh select, since `selected` no longer moves one the learner has used.
                <select key={format!("{:?}", c.interval_ms)} data-testid="checkpoint-interval" onchange={on_interval}>
                    <option value="0" selected={c.interval_ms.is_none()}>
                        { format!("Spark's default: every {}", crate::ui::duration(default_ms)) }
                    </option>
                    { for EVERY.iter().map(|&k| html! {
                        <option value={(k * b).to_string()} selected={c.interval_ms == Some(k * b)}>
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

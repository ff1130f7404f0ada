//! Checkpoints under the time axis: the interval setting (Spark's default rule, or every N
//! batches), the kept snapshots as marks to rewind to (time travel), and the checkpoint
//! status: restored, saved, or what went wrong and what was kept.

use std::rc::Rc;

use yew::prelude::*;

use crate::checkpointing::{CheckpointAction, Status};
use crate::state::{Action, State};
use crate::ui::event_value;

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
    let marks = c.kept.iter().map(|m| {
        let cb = props.on_action.clone();
        let key = m.key.clone();
        let current = c.restored_from == Some(m.batches_run) && s.batches_run == m.batches_run;
        html! {
            <button class={classes!("btn", "small", "snapshot-mark", current.then_some("current"))}
                data-testid={format!("snapshot-{}", m.batches_run)}
                title={format!("Rewind the playground to the checkpoint after batch {} (t = {} ms, {} bytes)", m.batches_run, m.time_ms, m.bytes)}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Checkpoint(CheckpointAction::TravelTo(key.clone()))))}>
                { format!("⟲ {}", m.batches_run) }
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
            <span class="snapshot-marks" data-testid="snapshot-marks">
                { for marks }
            </span>
            { status }
        </div>
    }
}

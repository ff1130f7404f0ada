//! The transport bar: play, pause, single step, reset, speed, batch interval, the clock
//! (batches run, and the time of the last one) and the fast-forward ("Run to t = …",
//! "+ N batches", its progress and Cancel). Buttons only dispatch actions.

use yew::prelude::*;

use crate::clock::{duration, now_ms};
use crate::state::{Action, FastForward, Transport, SPEEDS};
use crate::ui::event_value;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub transport: Transport,
    pub on_action: Callback<Action>,
}

/// Batch intervals the control offers.
const INTERVALS: [u64; 5] = [250, 500, 1000, 2000, 5000];

#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let t = &props.transport;
    let act = |a: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a.clone()))
    };
    let on_step = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let now = now_ms();
            cb.emit(Action::Tick {
                due_ms: now,
                fired_ms: now,
            })
        })
    };
    let on_speed = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            if let Ok(v) = event_value(&e).parse::<f64>() {
                cb.emit(Action::SetSpeed(v));
            }
        })
    };
    let on_interval = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            if let Ok(v) = event_value(&e).parse::<u64>() {
                cb.emit(Action::SetBatchInterval(v));
            }
        })
    };
    let mut intervals: Vec<u64> = INTERVALS.to_vec();
    if !intervals.contains(&t.batch_interval_ms) {
        intervals.push(t.batch_interval_ms);
        intervals.sort_unstable();
    }
    let (status, status_class) = t.status;
    // What the fast-forward fields hold (seconds; batches).
    let run_to = use_state(String::new);
    let run_by = use_state(|| "60".to_string());
    let field = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| h.set(event_value(&e)))
    };
    let seconds = run_to
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0);
    let batches = run_by.trim().parse::<u64>().ok().filter(|n| *n > 0);
    let on_run_to = {
        let cb = props.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(s) = seconds {
                cb.emit(Action::FastForward(FastForward::ToTime(
                    (s * 1000.0).round() as u64,
                )));
            }
        })
    };
    let on_run_by = {
        let cb = props.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(n) = batches {
                cb.emit(Action::FastForward(FastForward::By(n)));
            }
        })
    };
    let fast = t.can_fast_forward;
    html! {
        <div class="controls" role="toolbar" aria-label="playback">
            <div class="transport">
                <button class="btn primary" data-testid="play" title="Play (space)"
                    disabled={!t.runnable || t.playing} onclick={act(Action::Play)}>
                    <span class="icon">{ "▶" }</span>{ "Play" }
                </button>
                <button class="btn" data-testid="pause" title="Pause (space)"
                    disabled={!t.playing} onclick={act(Action::Pause)}>
                    <span class="icon">{ "❚❚" }</span>{ "Pause" }
                </button>
                <button class="btn" data-testid="step" title="Run one batch (→)"
                    disabled={!t.runnable || t.playing} onclick={on_step}>
                    <span class="icon">{ "→" }</span>{ "Step" }
                </button>
                <button class="btn" data-testid="reset" title="A new context from batch 0"
                    onclick={act(Action::Reset)}>
                    <span class="icon">{ "↺" }</span>{ "Reset" }
                </button>
            </div>
            <label class="control">
                <span>{ "speed" }</span>
                <select data-testid="speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|&v| html! {
                        <option value={v.to_string()} selected={(v - t.speed).abs() < 1e-9}>
                            { format!("{v}x") }
                        </option>
                    }) }
                </select>
            </label>
            <label class="control">
                <span>{ "batch interval" }</span>
                <select data-testid="batch-interval" onchange={on_interval}>
                    { for intervals.iter().map(|&v| html! {
                        <option value={v.to_string()} selected={v == t.batch_interval_ms}>
                            { duration(v) }
                        </option>
                    }) }
                </select>
            </label>
            <div class="clock" aria-live="polite">
                <span class="clock-label">{ "batches" }</span>
                <span class="clock-value" data-testid="batch-counter">{ t.batches_run }</span>
                <span class="clock-label">{ "time" }</span>
                <span class="clock-value" data-testid="batch-time"
                    title="the batch time of the last batch run: batch #n runs at (n + 1) × the batch interval">
                    { format!("{} ms", t.time_ms) }
                </span>
                <span class={classes!("state-pill", status_class)} data-testid="run-status">{ status }</span>
                if let Some((reached, target)) = t.progress {
                    <span class="small muted" data-testid="rerun-progress">{ format!("batch {reached} of {target}") }</span>
                }
            </div>
            <div class="fast-forward" aria-label="fast-forward">
                <form class="ff" onsubmit={on_run_to}>
                    <label class="control">
                        <span>{ "run to t =" }</span>
                        <input type="number" min="0" step="any" class="ff-field" data-testid="run-to-time"
                            placeholder="s" value={(*run_to).clone()} oninput={field(&run_to)} />
                        <span>{ "s" }</span>
                    </label>
                    <button class="btn small" type="submit" data-testid="run-to"
                        title="Run the batches up to that time at full speed, then draw the axis there"
                        disabled={!fast || seconds.is_none()}>{ "Run to" }</button>
                </form>
                <form class="ff" onsubmit={on_run_by}>
                    <label class="control">
                        <span>{ "+" }</span>
                        <input type="number" min="1" step="1" class="ff-field" data-testid="run-batches"
                            value={(*run_by).clone()} oninput={field(&run_by)} />
                        <span>{ "batches" }</span>
                    </label>
                    <button class="btn small" type="submit" data-testid="run-plus"
                        title="Run that many batches at full speed" disabled={!fast || batches.is_none()}>{ "Run" }</button>
                </form>
                if t.fast_forwarding {
                    <button class="btn small danger" data-testid="run-cancel"
                        onclick={act(Action::FastForward(FastForward::Cancel))}>{ "Cancel" }</button>
                    if let Some((reached, target)) = t.progress {
                        <progress data-testid="ff-progress" max={target.to_string()} value={reached.to_string()} />
                    }
                }
            </div>
            if let Some(n) = t.confirm_reset {
                <div class="confirm" role="alertdialog" data-testid="confirm-reset">
                    <p>{ format!("Reset starts a new context from batch 0 and deletes this pipeline's {n} checkpoint(s), as deleting its checkpoint directory would: a reload will not recover the old run.") }</p>
                    <button class="btn danger small" data-testid="confirm-reset-yes" onclick={act(Action::ConfirmReset(true))}>{ "Reset and delete" }</button>
                    <button class="btn small" data-testid="confirm-reset-no" onclick={act(Action::ConfirmReset(false))}>{ "Cancel" }</button>
                </div>
            }
        </div>
    }
}

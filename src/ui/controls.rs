//! The transport bar: play, pause, single step, reset, speed, batch interval and the batch
//! counter. Buttons only dispatch actions; the timer lives in the app.

use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::now_ms;
use crate::state::{Action, State, SPEEDS};
use crate::ui::event_value;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub state: Rc<State>,
    pub on_action: Callback<Action>,
}

/// Batch intervals the control offers.
const INTERVALS: [u64; 5] = [250, 500, 1000, 2000, 5000];

#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let s = &props.state;
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
                started_ms: now,
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
    let runnable = s.can_run();
    let time = s.latest().map_or(0, |v| v.report.time_ms);
    let mut intervals: Vec<u64> = INTERVALS.to_vec();
    if !intervals.contains(&s.spec.batch_interval_ms) {
        intervals.push(s.spec.batch_interval_ms);
        intervals.sort_unstable();
    }
    html! {
        <div class="controls" role="toolbar" aria-label="playback">
            <div class="transport">
                <button class="btn primary" data-testid="play" title="Play (space)"
                    disabled={!runnable || s.playing} onclick={act(Action::Play)}>
                    <span class="icon">{ "▶" }</span>{ "Play" }
                </button>
                <button class="btn" data-testid="pause" title="Pause (space)"
                    disabled={!s.playing} onclick={act(Action::Pause)}>
                    <span class="icon">{ "❚❚" }</span>{ "Pause" }
                </button>
                <button class="btn" data-testid="step" title="Run one batch (→)"
                    disabled={!runnable || s.playing} onclick={on_step}>
                    <span class="icon">{ "→" }</span>{ "Step" }
                </button>
                <button class="btn" data-testid="reset" title="Restart the stream from batch 0"
                    onclick={act(Action::Reset)}>
                    <span class="icon">{ "↺" }</span>{ "Reset" }
                </button>
            </div>
            <label class="control">
                <span>{ "speed" }</span>
                <select data-testid="speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|&v| html! {
                        <option value={v.to_string()} selected={(v - s.speed).abs() < 1e-9}>
                            { format!("{v}x") }
                        </option>
                    }) }
                </select>
            </label>
            <label class="control">
                <span>{ "batch interval" }</span>
                <select data-testid="batch-interval" onchange={on_interval}>
                    { for intervals.iter().map(|&v| html! {
                        <option value={v.to_string()} selected={v == s.spec.batch_interval_ms}>
                            { crate::ui::duration(v) }
                        </option>
                    }) }
                </select>
            </label>
            <div class="clock" aria-live="polite">
                <span class="clock-label">{ "batches" }</span>
                <span class="clock-value" data-testid="batch-counter">{ s.batches_run }</span>
                <span class="clock-label">{ "time" }</span>
                <span class="clock-value">{ format!("{time} ms") }</span>
                <span class="engine-mode" data-testid="engine-mode"
                    title={if s.remote { "batches run in a Web Worker: the page stays smooth" } else { "batches run on the page's thread" }}>
                    { if s.remote { "worker" } else { "page" } }
                </span>
                <span class={classes!("state-pill", if s.playing { "live" } else if runnable { "paused" } else { "blocked" })}>
                    { if s.playing { "running" } else if runnable { "paused" } else { "fix errors to run" } }
                </span>
            </div>
        </div>
    }
}

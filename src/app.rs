//! The root component: the page a learner opens. A header, the playground (`ui::playground`),
//! and "under the hood" panels that show the foundation works in this browser: the engine
//! (compiled to wasm), the batch clock on a browser timer, and IndexedDB.

use std::rc::Rc;

use dstream_engine::Value;
use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::clock::{tick_delay_ms, BatchClock};
use crate::storage::{Storage, Store, APP_DATABASE};
use crate::ui::playground::Playground;

/// The batch interval of the demo clock.
const DEMO_BATCH_INTERVAL_MS: u64 = 1000;
/// How many batches the clock's time axis shows.
const AXIS_BATCHES: u64 = 8;
/// Records (JSON, as a pipeline spec writes them) the engine panel prints the JVM's way.
const SAMPLE_RECORDS: [&str; 4] = [
    r#"["spark", 3]"#,
    "10000000.0",
    r#"[["a", 1], 0.5]"#,
    r#"["late", -0.0001]"#,
];

#[function_component]
pub fn App() -> Html {
    html! {
        <>
            <header class="masthead">
                <div class="brand">
                    <h1>{ "DStream Playground" }</h1>
                    <p class="tagline">{ "Spark Streaming's micro-batch model, running in your browser." }</p>
                </div>
                <p class="masthead-note">
                    { "Build a DStream pipeline, press play, and watch every batch, slide and window. \
                       Same semantics as Apache Spark, tick by tick." }
                </p>
            </header>
            <Playground />
            <section class="under-the-hood">
                <h2>{ "Under the hood" }</h2>
                <p class="muted small">
                    { "The parts the playground stands on: the engine compiled to WebAssembly, the \
                       simulated batch clock on a browser timer, and IndexedDB." }
                </p>
                <div class="panels">
                    <EnginePanel />
                    <ClockPanel />
                    <StoragePanel />
                </div>
            </section>
            <footer class="footer">
                { "No server: everything on this page runs in WebAssembly in this tab." }
            </footer>
        </>
    }
}

/// Records parsed and printed by the engine itself: shows the engine runs in this page.
#[function_component]
fn EnginePanel() -> Html {
    let rows = SAMPLE_RECORDS.iter().map(|json| {
        let (printed, ty) = match serde_json::from_str(json)
            .map_err(|e| e.to_string())
            .and_then(|j| Value::from_json(&j))
        {
            Ok(v) => (v.to_string(), v.type_of().to_string()),
            Err(e) => (format!("error: {e}"), String::new()),
        };
        html! {
            <tr>
                <td><code>{ *json }</code></td>
                <td><code class="jvm">{ printed }</code></td>
                <td><code>{ ty }</code></td>
            </tr>
        }
    });
    html! {
        <section class="panel" id="engine-panel">
            <h2>{ "Engine" }</h2>
            <p>{ "Records print the way the JVM prints them, because Spark's output does:" }</p>
            <table class="records">
                <thead><tr><th>{ "record (JSON)" }</th><th>{ "toString" }</th><th>{ "type" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}

/// The demo clock's state: the batch clock and whether the browser timer drives it.
#[derive(Clone, Debug, PartialEq)]
struct ClockState {
    clock: BatchClock,
    playing: bool,
}

enum ClockAction {
    Tick,
    TogglePlay,
    Reset,
}

impl Reducible for ClockState {
    type Action = ClockAction;

    fn reduce(self: Rc<Self>, action: ClockAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ClockAction::Tick => {
                next.clock.tick();
            }
            ClockAction::TogglePlay => next.playing = !next.playing,
            ClockAction::Reset => next = ClockState::default(),
        }
        Rc::new(next)
    }
}

impl Default for ClockState {
    fn default() -> Self {
        Self {
            clock: BatchClock::new(DEMO_BATCH_INTERVAL_MS),
            playing: false,
        }
    }
}

/// Simulated batch time on a browser timer: play, pause, single step.
#[function_component]
fn ClockPanel() -> Html {
    let state = use_reducer(ClockState::default);
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |&playing| {
            let interval = playing.then(|| {
                Interval::new(tick_delay_ms(DEMO_BATCH_INTERVAL_MS, 1.0), move || {
                    dispatcher.dispatch(ClockAction::Tick)
                })
            });
            move || drop(interval)
        });
    }
    let on_play = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(ClockAction::TogglePlay))
    };
    let on_step = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(ClockAction::Tick))
    };
    let on_reset = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(ClockAction::Reset))
    };

    let clock = state.clock;
    let done = clock.batches_done();
    // The axis scrolls so the latest batch stays on it.
    let first = done.saturating_sub(AXIS_BATCHES - 1);
    let axis = (first..first + AXIS_BATCHES).map(|i| {
        let time = (i + 1) * clock.batch_interval_ms();
        let class = if i < done { "batch done" } else { "batch" };
        html! { <li class={class} title={format!("batch {i}")}>{ format!("{}s", time / 1000) }</li> }
    });
    let status = match clock.last_batch_time_ms() {
        Some(t) => format!(
            "{done} {} run; the last at t = {t} ms",
            if done == 1 { "batch" } else { "batches" }
        ),
        None => "no batch yet: the first one runs at t = 1000 ms".to_owned(),
    };
    html! {
        <section class="panel" id="clock-panel">
            <h2>{ "Batch clock" }</h2>
            <p>{ format!("Simulated time, batch interval {} ms. A browser timer decides when the next batch runs.", clock.batch_interval_ms()) }</p>
            <ol class="axis">{ for axis }</ol>
            <p class="status" id="clock-status">{ status }</p>
            <div class="buttons">
                <button onclick={on_play}>{ if state.playing { "Pause" } else { "Play" } }</button>
                <button onclick={on_step} id="clock-step">{ "Step" }</button>
                <button onclick={on_reset}>{ "Reset" }</button>
            </div>
        </section>
    }
}

/// Whether IndexedDB opens here, and what it holds: pipelines are saved there.
#[function_component]
fn StoragePanel() -> Html {
    let summary = use_state(|| None::<Result<(usize, usize), String>>);
    {
        let summary = summary.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                summary.set(Some(count_saved().await.map_err(|e| e.to_string())));
            });
        });
    }
    let text = match &*summary {
        None => "opening IndexedDB…".to_owned(),
        Some(Ok((pipelines, snapshots))) => format!(
            "IndexedDB ready: {} saved, {}",
            counted(*pipelines, "pipeline"),
            counted(*snapshots, "snapshot")
        ),
        Some(Err(e)) => e.clone(),
    };
    let class = match &*summary {
        Some(Err(_)) => "status error",
        _ => "status",
    };
    html! {
        <section class="panel" id="storage-panel">
            <h2>{ "Storage" }</h2>
            <p>{ "Pipelines and checkpoint snapshots stay in this browser, so a reload (a \"driver restart\") can recover them." }</p>
            <p class={class} id="storage-status">{ text }</p>
        </section>
    }
}

/// `1 pipeline`, `2 pipelines`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// How many pipelines and snapshots the app's database holds.
async fn count_saved() -> Result<(usize, usize), crate::storage::StorageError> {
    let storage = Storage::open(APP_DATABASE).await?;
    let pipelines = storage.keys(Store::Pipelines).await?.len();
    let snapshots = storage.keys(Store::Snapshots).await?.len();
    storage.close();
    Ok((pipelines, snapshots))
}

//! The playground page body: gallery and palette on the left, transport, story, DAG, time
//! axis and node panels in the middle, node editor and sources on the right, metrics below.
//! It owns the reducer and the batch timer; every child only renders and dispatches.

use std::rc::Rc;

use yew::prelude::*;

use crate::clock::tick_delay_ms;
use crate::hooks::use_shortcuts::Shortcut;
use crate::hooks::{now_ms, use_engine_worker, use_shortcuts, use_ticker, EngineWorker};
use crate::state::{Action, Shared, State};
use crate::ui::checkpoint_bar::CheckpointBar;
use crate::ui::controls::Controls;
use crate::ui::dag::Dag;
use crate::ui::error_list::ErrorList;
use crate::ui::fault_lab::FaultLabPanel;
use crate::ui::gallery::Gallery;
use crate::ui::metrics::Metrics;
use crate::ui::node_editor::NodeEditor;
use crate::ui::node_panel::NodePanel;
use crate::ui::palette::Palette;
use crate::ui::sources::Sources;
use crate::ui::timeline::Timeline;

#[function_component]
pub fn Playground() -> Html {
    let state = use_reducer(State::default);
    let on_action = {
        let dispatcher = state.dispatcher();
        use_callback((), move |a: Action, _| dispatcher.dispatch(a))
    };
    {
        let dispatcher = state.dispatcher();
        let on_tick = Callback::from(move |(due_ms, started_ms): (f64, f64)| {
            dispatcher.dispatch(Action::Tick { due_ms, started_ms })
        });
        use_ticker(
            state.playing,
            tick_delay_ms(state.spec.batch_interval_ms, state.speed),
            on_tick,
        );
    }
    {
        let on_reply = {
            let d = state.dispatcher();
            Callback::from(move |(text, at_ms): (String, f64)| {
                d.dispatch(Action::WorkerReply { text, at_ms })
            })
        };
        let on_error = {
            let d = state.dispatcher();
            Callback::from(move |message: String| d.dispatch(Action::WorkerFailed(message)))
        };
        let on_spawn = {
            let d = state.dispatcher();
            Callback::from(move |w: Rc<EngineWorker>| d.dispatch(Action::AttachWorker(Shared(w))))
        };
        use_engine_worker(on_reply, on_error, on_spawn);
    }
    {
        let dispatcher = state.dispatcher();
        use_shortcuts(Callback::from(move |s: Shortcut| match s {
            Shortcut::TogglePlay => dispatcher.dispatch(Action::TogglePlay),
            Shortcut::Step => {
                let now = now_ms();
                dispatcher.dispatch(Action::Tick {
                    due_ms: now,
                    started_ms: now,
                })
            }
        }));
    }
    let s: Rc<State> = Rc::new((*state).clone());
    let title = s
        .spec
        .name
        .clone()
        .unwrap_or_else(|| "Your pipeline".into());
    let story = s.spec.description.clone();
    let panels = s.spec.nodes.iter().map(|n| {
        html! { <NodePanel key={n.id.clone()} id={n.id.clone()} state={s.clone()} on_action={on_action.clone()} /> }
    });
    html! {
        <div class="playground">
            <aside class="left">
                <Gallery current={s.example.clone()} on_action={on_action.clone()} />
                <Palette on_action={on_action.clone()} />
            </aside>
            <main class="center">
                <Controls state={s.clone()} on_action={on_action.clone()} />
                <section class="card story">
                    <h2>{ title }</h2>
                    if let Some(story) = story { <p>{ story }</p> }
                    <p class="small muted">
                        { "Click a node to configure it; click a record (a marble or a printed line) to follow it downstream. \
                           Space plays or pauses, → runs one batch." }
                    </p>
                </section>
                <section class="card graph">
                    <h2>{ "Pipeline" }<span class="muted small">{ " · edges show the record type each DStream carries" }</span></h2>
                    <Dag state={s.clone()} on_action={on_action.clone()} />
                    <ErrorList spec_errors={s.spec_errors.clone()} batch_error={s.batch_error.clone()} on_action={on_action.clone()} />
                </section>
                <section class="card axis-card">
                    <h2>{ "Time" }<span class="muted small">{ format!(" · batch interval {} · each column one batch, marbles a sample of its records", crate::ui::duration(s.spec.batch_interval_ms)) }</span></h2>
                    <Timeline state={s.clone()} on_action={on_action.clone()} />
                    <CheckpointBar state={s.clone()} on_action={on_action.clone()} />
                    if s.followed.is_some() {
                        <button class="btn small" onclick={let cb = on_action.clone(); Callback::from(move |_: MouseEvent| cb.emit(Action::Follow(None)))}>
                            { format!("Stop following {}", s.followed.as_ref().map(|f| f.record.to_string()).unwrap_or_default()) }
                        </button>
                    }
                    if let Some(reason) = s.lineage.as_ref().and_then(|l| l.reason.clone()) {
                        <p class="small muted follow-reason" data-testid="follow-reason">{ reason }</p>
                    }
                </section>
                <section class="node-panels">{ for panels }</section>
                <Metrics state={s.clone()} />
            </main>
            <aside class="right">
                <NodeEditor state={s.clone()} on_action={on_action.clone()} />
                <Sources state={s.clone()} on_action={on_action.clone()} />
                <FaultLabPanel state={s.clone()} on_action={on_action.clone()} />
            </aside>
        </div>
    }
}

//! The playground page: the header with the pipeline's toolbar; the Learn path (with the
//! presenter switch), the palette, the gallery and My pipelines on the left; transport, the lesson
//! being taken (the part of the page its step points at outlined), the pipeline's card, DAG,
//! time axis and node panels in the middle; sources, the node editor and the fault lab on the
//! right; metrics below. In presenter mode, only `ui::presenter`'s screen. At
//! 1280×720 and up the palette, the sources and the controls are on the first screen, and
//! nothing scrolls inside a panel. It owns the store (`use_playground`) and hands each child
//! what it renders (`props.rs`).

use yew::prelude::*;

use crate::clock::now_ms;
use crate::effects::{connect_worker, Connect};
use crate::hooks::use_shortcuts::Shortcut;
use crate::hooks::{use_overflow, use_playground, use_shortcuts};
use crate::state::{Action, Present};
use crate::ui::checkpoint_bar::CheckpointBar;
use crate::ui::code_view::CodeView;
use crate::ui::controls::Controls;
use crate::ui::dag::Dag;
use crate::ui::error_list::ErrorList;
use crate::ui::fault_lab::FaultLabPanel;
use crate::ui::gallery::Gallery;
use crate::ui::learn::Learn;
use crate::ui::lesson_panel::LessonPanel;
use crate::ui::library::Library;
use crate::ui::metrics::Metrics;
use crate::ui::node_editor::NodeEditor;
use crate::ui::node_panel::NodePanel;
use crate::ui::palette::Palette;
use crate::ui::paste_code::PasteCode;
use crate::ui::pipeline_bar::PipelineBar;
use crate::ui::presenter::Presenter;
use crate::ui::props;
use crate::ui::reload_choice::ReloadChoiceDialog;
use crate::ui::sources::Sources;
use crate::ui::state_detail::StateDetail;
use crate::ui::story::Story;
use crate::ui::timeline::Timeline;

#[derive(Properties)]
pub struct PlaygroundProps {
    /// How the page reaches the engine: the Web Worker (the component tests: in process).
    #[prop_or(connect_worker as Connect)]
    pub connect: Connect,
}

/// The link is opened once, at mount: a new `connect` never re-renders the page.
impl PartialEq for PlaygroundProps {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[function_component]
pub fn Playground(props: &PlaygroundProps) -> Html {
    let (s, on_action) = use_playground(props.connect);
    {
        let d = on_action.clone();
        let presenting = s.presenter;
        use_shortcuts(Callback::from(move |k: Shortcut| match k {
            Shortcut::TogglePlay => d.emit(Action::TogglePlay),
            Shortcut::Step if presenting => {
                d.emit(Action::Present(Present::Forward { at_ms: now_ms() }))
            }
            Shortcut::Step => {
                let now = now_ms();
                d.emit(Action::Tick {
                    due_ms: now,
                    fired_ms: now,
                })
            }
            Shortcut::Back if presenting => d.emit(Action::Present(Present::Back)),
            Shortcut::Escape if presenting => d.emit(Action::Present(Present::Toggle)),
            Shortcut::Back | Shortcut::Escape => {}
            Shortcut::Undo => d.emit(Action::Undo),
            Shortcut::Redo => d.emit(Action::Redo),
        }));
    }
    let graph = use_node_ref();
    let dag_overflows = use_overflow(graph.clone(), ".dag-scroll");
    let cb = || on_action.clone();
    // The part of the page the lesson's step points at.
    let focus = props::focus(&s);
    let lit = |part: &str| {
        focus
            .as_ref()
            .is_some_and(|(p, _)| *p == part)
            .then_some("lesson-focus")
    };
    let panels = s
        .spec
        .nodes
        .iter()
        .filter_map(|n| props::node_panel(&s, &n.id, cb()).map(|p| (n.id.clone(), p)))
        .map(|(id, p)| html! { <NodePanel key={id} ..p /> });
    if s.presenter {
        let title = s
            .lessons
            .open
            .as_ref()
            .map(|o| o.lesson.title.clone())
            .or_else(|| s.spec.name.clone())
            .unwrap_or_default();
        return html! {
            <Presenter caption={s.caption()} note={s.caption_note()} {title}
                dag={html! { <Dag ..props::dag(&s, cb()) /> }}
                axis={html! { <Timeline ..props::timeline(&s, cb()) /> }} />
        };
    }
    if s.embedded {
        let outputs = s
            .spec
            .nodes
            .iter()
            .filter(|n| n.op == "print" || n.op == "foreachRDD")
            .filter_map(|n| props::node_panel(&s, &n.id, cb()).map(|p| (n.id.clone(), p)))
            .map(|(id, p)| html! { <NodePanel key={id} ..p /> });
        return html! {
            <div class="embed" data-testid="embed">
                <header class="embed-head">
                    <h1>{ s.spec.name.clone().unwrap_or_else(|| "Pipeline".into()) }</h1>
                    <a class="btn small" data-testid="open-in-playground" href={s.open_in_playground()}
                        target="_blank" rel="noopener">{ "Open in the playground ↗" }</a>
                </header>
                <Controls ..props::controls(&s, cb()) />
                <section class="card graph"><Dag ..props::dag(&s, cb()) /><ErrorList ..props::error_list(&s, cb()) /></section>
                <section class="card axis-card"><Timeline ..props::timeline(&s, cb()) /></section>
                // Typed lines and generator rates are the learner's input here too.
                if s.spec.nodes.iter().any(|n| n.op == "textInput" || n.op == "generator") {
                    <div class="embed-sources"><Sources ..props::sources(&s, cb()) /></div>
                }
                <section class="node-panels">{ for outputs }</section>
            </div>
        };
    }
    html! {
        <>
            <header class="masthead">
                <div class="brand">
                    <h1>{ "DStream Playground" }</h1>
                    <p class="tagline">{ "Spark Streaming's micro-batch model, running in your browser." }</p>
                </div>
                <PipelineBar ..props::pipeline_bar(&s, cb()) />
            </header>
            <div class="playground">
                <aside class="left">
                    <Learn ..props::learn(&s, cb()) />
                    <Palette on_action={on_action.clone()} />
                    <Gallery current={s.example.clone()} on_action={on_action.clone()} />
                    <Library ..props::library(&s, cb()) />
                </aside>
                <main class="center">
                    <Controls ..props::controls(&s, cb()) />
                    if let Some(p) = props::lesson_panel(&s, cb()) {
                        <LessonPanel ..p />
                    }
                    if let Some(p) = props::reload_choice(&s, cb()) {
                        <ReloadChoiceDialog ..p />
                    }
                    // A lesson's card tells its story instead.
                    if s.lessons.open.is_none() {
                        <Story ..props::story(&s, cb()) />
                    }
                    <section class={classes!("card", "graph", lit("dag"))} ref={graph}>
                        <h2>
                            { "Pipeline" }
                            <span class="muted small">{ " · edges show the record type each DStream carries" }</span>
                            if dag_overflows {
                                <span class="scroll-cue small" data-testid="dag-scroll-cue">{ "scroll → for the rest" }</span>
                            }
                        </h2>
                        <Dag ..props::dag(&s, cb()) />
                        <ErrorList ..props::error_list(&s, cb()) />
                    </section>
                    <section class={classes!("card", "axis-card", lit("axis"), lit("checkpoints"))}>
                        <h2>{ "Time" }<span class="muted small">{ format!(" · batch interval {} · each column one batch, marbles a sample of its records", crate::ui::duration(s.spec.batch_interval_ms)) }</span></h2>
                        <Timeline ..props::timeline(&s, cb()) />
                        if let Some(p) = props::state_detail(&s, cb()) {
                            <StateDetail ..p />
                        }
                        <CheckpointBar ..props::checkpoint_bar(&s, cb()) />
                        if s.followed.is_some() {
                            <button class="btn small" onclick={let cb = on_action.clone(); Callback::from(move |_: MouseEvent| cb.emit(Action::Follow(None)))}>
                                { format!("Stop following {}", s.followed.as_ref().map(|f| f.record.to_string()).unwrap_or_default()) }
                            </button>
                        }
                        if let Some(reason) = s.lineage.as_ref().and_then(|l| l.reason.clone()) {
                            <p class="small muted follow-reason" data-testid="follow-reason">{ reason }</p>
                        }
                    </section>
                    <CodeView ..props::code_view(&s, cb()) />
                    <section class={classes!("node-panels", lit("output"))}>{ for panels }</section>
                    <Metrics ..props::metrics(&s) />
                </main>
                <aside class="right">
                    <div class={classes!(lit("sources"))}><Sources ..props::sources(&s, cb()) /></div>
                    <NodeEditor ..props::node_editor(&s, cb()) />
                    <PasteCode ..props::paste_code(&s, cb()) />
                    <div class={classes!(lit("lab"))}><FaultLabPanel ..props::fault_lab(&s, cb()) /></div>
                </aside>
            </div>
        </>
    }
}

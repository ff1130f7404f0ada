//! The lesson being taken: its story, the current step (what to look at), the question and
//! the learner's answer, then the verdict beside the engine's answer, and why; after a wrong
//! answer, the batches that explain it. Everything said is the lesson's text or the engine's.

use yew::prelude::*;

use crate::clock::duration;
use crate::lessons::{Choice, Kind};
use crate::state::{Action, LessonAction, Stage};
use crate::ui::event_value;

/// The question as the panel asks it.
#[derive(Clone, Debug, PartialEq)]
pub struct Asked {
    pub prompt: String,
    pub kind: Kind,
    pub choices: Vec<Choice>,
}

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub slug: String,
    pub title: String,
    pub story: String,
    /// 0-based, and how many.
    pub step: usize,
    pub steps: usize,
    pub text: Option<String>,
    /// Where to look, said in words.
    pub look_at: Option<String>,
    pub question: Option<Asked>,
    pub stage: Stage,
    pub answer: String,
    pub choice: Option<usize>,
    pub answer_error: Option<String>,
    /// Questions answered right, of those asked, since the lesson started.
    pub score: (u32, u32),
    pub next_lesson: Option<(String, String)>,
    pub on_action: Callback<Action>,
}

fn placeholder(kind: Kind) -> &'static str {
    match kind {
        Kind::Number => "a number, like 3",
        Kind::Records => "records as Spark prints them, like (a,2) (b,1)",
        Kind::Batches => "batches, like 0-3 or 2, 3",
        Kind::Choice => "",
    }
}

#[function_component]
pub fn LessonPanel(props: &LessonPanelProps) -> Html {
    let emit = |a: LessonAction| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::Lesson(a.clone())))
    };
    let check = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(Action::Lesson(LessonAction::Check {
                at_ms: crate::clock::now_ms(),
            }))
        })
    };
    let asking = props.stage == Stage::Asking;
    let busy = matches!(props.stage, Stage::Replaying | Stage::Running(_));
    let on_type = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(Action::Lesson(LessonAction::Type(event_value(&e))))
        })
    };
    let on_key = {
        let cb = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Enter checks; the page's shortcuts (space, →) stay out of the box.
            e.stop_propagation();
            if e.key() == "Enter" {
                cb.emit(Action::Lesson(LessonAction::Check {
                    at_ms: crate::clock::now_ms(),
                }))
            }
        })
    };
    let question = props.question.as_ref().map(|q| {
        let field = if q.kind == Kind::Choice {
            html! {
                <div class="choices" role="radiogroup">
                    { for q.choices.iter().enumerate().map(|(i, c)| {
                        let cb = props.on_action.clone();
                        let picked = props.choice == Some(i);
                        html! {
                            <button class={classes!("btn", "choice", picked.then_some("picked"))} role="radio"
                                aria-checked={picked.to_string()} disabled={!asking}
                                data-testid={format!("answer-{i}")}
                                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Lesson(LessonAction::Pick(i))))}>
                                { &c.label }
                            </button>
                        }
                    }) }
                </div>
            }
        } else {
            html! {
                <input type="text" class="answer-field" data-testid="answer" aria-label="your answer"
                    placeholder={placeholder(q.kind)} value={props.answer.clone()} disabled={!asking}
                    oninput={on_type.clone()} onkeydown={on_key.clone()} />
            }
        };
        html! {
            <div class="question">
                <p class="question-text" data-testid="question">{ &q.prompt }</p>
                { field }
            </div>
        }
    });
    let verdict = match &props.stage {
        Stage::Answered(Some(v)) => Some(html! {
            <div class={classes!("verdict", if v.right { "right" } else { "wrong" })} data-testid="verdict" role="status">
                <p class="verdict-head">
                    { if v.right { "Right. " } else { "Not quite. " } }
                    <span class="muted">{ format!("You said {}; ", v.given) }</span>
                    <span data-testid="verdict-truth">{ format!("the engine: {}.", v.truth.trim_end_matches('.')) }</span>
                </p>
                <p class="verdict-why">{ &v.why }</p>
                if !v.explain.is_empty() {
                    <div class="explain" data-testid="explain">
                        <p class="small muted">{ "The batches that explain it, with what their sources received:" }</p>
                        <ul>
                            { for v.explain.iter().map(|e| html! {
                                <li data-testid={format!("explain-{}", e.batch)}>
                                    <span class="mono">{ format!("#{} (t = {})", e.batch, duration(e.time_ms)) }</span>
                                    { " " }
                                    if e.input.is_empty() {
                                        <span class="muted">{ "nothing computed of its input yet" }</span>
                                    } else {
                                        <span class="mono">{ e.input.join(" · ") }</span>
                                    }
                                </li>
                            }) }
                        </ul>
                    </div>
                }
            </div>
        }),
        _ => None,
    };
    let done = props.stage == Stage::Done;
    html! {
        <section class="card lesson" data-testid="lesson" aria-label="lesson">
            <div class="lesson-head">
                <h2 data-testid="lesson-title">{ &props.title }</h2>
                <span class="small muted" data-testid="lesson-step">
                    { if done { "done".to_string() } else { format!("step {} of {}", props.step + 1, props.steps) } }
                    { format!(" · {} of {} right", props.score.0, props.score.1) }
                </span>
                <a class="small" href={format!("#lesson={}", props.slug)} data-testid="lesson-link">{ "link" }</a>
                <button class="btn small" data-testid="lesson-leave" onclick={emit(LessonAction::Leave)}>{ "Leave" }</button>
            </div>
            if props.step == 0 && asking {
                <p class="lesson-story">{ &props.story }</p>
            }
            if done {
                <p data-testid="lesson-done">{ "You took every step of this lesson." }</p>
                <div class="lesson-actions">
                    <button class="btn small" data-testid="lesson-restart" onclick={emit(LessonAction::Restart(props.slug.clone()))}>{ "Start again" }</button>
                    if let Some((slug, title)) = &props.next_lesson {
                        <button class="btn primary small" data-testid="lesson-next-lesson" onclick={emit(LessonAction::Open(slug.clone()))}>{ format!("Next: {title}") }</button>
                    }
                </div>
            } else {
                if let Some(t) = &props.text {
                    <p class="step-text" data-testid="step-text">{ t }</p>
                }
                if let Some(l) = &props.look_at {
                    <p class="small look-at" data-testid="look-at">{ format!("Look at: {l}") }</p>
                }
                { for question }
                if let Some(e) = &props.answer_error {
                    <p class="error small" role="alert" data-testid="answer-error">{ e }</p>
                }
                <div class="lesson-actions">
                    if asking {
                        <button class="btn primary small" data-testid="answer-check" onclick={check}>
                            { if props.question.is_some() { "Check: run it" } else { "Run it" } }
                        </button>
                    }
                    if busy {
                        <span class="small muted" data-testid="lesson-busy">{ if props.stage == Stage::Replaying { "running the earlier steps again…" } else { "running…" } }</span>
                    }
                    if matches!(props.stage, Stage::Answered(_)) {
                        <button class="btn primary small" data-testid="lesson-next" onclick={emit(LessonAction::Next)}>
                            { if props.step + 1 >= props.steps { "Finish" } else { "Next step" } }
                        </button>
                    }
                </div>
                { for verdict }
            }
        </section>
    }
}

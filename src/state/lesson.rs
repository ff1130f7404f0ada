//! The lesson being taken, as a part of the state: its step, the learner's answer, the
//! step's ops run one by one as the page's controls would (batches, edits, faults), and once
//! they ran the verdict against the engine's answer (`measure.rs`). Progress goes to
//! IndexedDB; opening a lesson at a later step runs the earlier steps' ops again.

use std::collections::VecDeque;
use std::rc::Rc;

use dstream_engine::checkpoint::pipeline_key;
use dstream_engine::fault::{Fault, ReceiverMode};
use dstream_engine::InputLog;

use super::document::How;
use super::measure::{Explained, Truth};
use super::{Action, CheckpointAction, Effect, LabAction, LabSetting, Load, Phase, State, Worker};
use crate::lessons::{self, answer, Given, Kill, Lesson, Mode, Op, Step};
use crate::storage::{LessonProgress, StorageReply, StorageRequest};

/// What the page says when the learner steps or plays during a lesson.
pub const HOLDS_THE_CLOCK: &str = "The lesson runs the batches: answer its question (or press Run it) to run the next one, or leave the lesson to step freely.";

/// What the learner does in a lesson.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    /// Opens a lesson where its progress left it (a link, the Learn path).
    Open(String),
    /// Opens it at its first step.
    Restart(String),
    /// Closes the lesson; the pipeline stays on the page.
    Leave,
    /// The answer box's text.
    Type(String),
    /// A choice picked.
    Pick(usize),
    /// Checks the answer (or, for a step without a question, runs it): page time.
    Check { at_ms: f64 },
    /// Runs the step without an answer and shows the engine's (presenter mode: the room
    /// answers aloud).
    Reveal { at_ms: f64 },
    /// The next step.
    Next,
}

/// Where the current step is.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// The earlier steps' ops run again (the lesson was resumed at a later step).
    Replaying,
    /// The step is shown; its question waits for an answer.
    Asking,
    /// The answer was taken; the step's ops run.
    Running(Option<Given>),
    /// The ops ran: the verdict, if the step asked.
    Answered(Option<Verdict>),
    /// Every step was done.
    Done,
}

/// The engine's answer beside the learner's.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub right: bool,
    pub given: String,
    pub truth: String,
    pub why: String,
    /// After a wrong answer: the batches that explain it.
    pub explain: Vec<Explained>,
}

/// The lesson on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenLesson {
    pub lesson: Rc<Lesson>,
    pub step: usize,
    pub stage: Stage,
    /// Ops still to run, in order.
    pub ops: VecDeque<Op>,
    /// Page time of the check, for the ticks it runs.
    pub at_ms: f64,
    pub text: String,
    pub choice: Option<usize>,
    /// Why the answer could not be read.
    pub answer_error: Option<String>,
    /// The engine's answer to the step's question, once its ops ran.
    pub revealed: Option<String>,
}

impl OpenLesson {
    pub fn current(&self) -> Option<&Step> {
        self.lesson.steps.get(self.step)
    }
}

/// The Learn path's part of the state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lessons {
    pub progress: Rc<LessonProgress>,
    /// The progress was read from IndexedDB (or could not be).
    pub loaded: bool,
    /// A lesson asked for before the page could open it (the draft and getOrCreate first).
    pub wanted: Option<(String, bool)>,
    pub open: Option<OpenLesson>,
    /// IndexedDB could not read or keep the progress.
    pub error: Option<String>,
}

/// One op as single steps: `tick: 3` is three ticks, each waiting for the one before.
fn expand(ops: &[Op]) -> impl Iterator<Item = Op> + '_ {
    ops.iter().flat_map(|op| match op {
        Op::Tick(n) => vec![Op::Tick(1); *n as usize],
        op => vec![op.clone()],
    })
}

impl State {
    pub(super) fn on_lesson(&mut self, a: LessonAction, fx: &mut Vec<Effect>) {
        match a {
            LessonAction::Open(slug) => self.lessons.wanted = Some((slug, false)),
            LessonAction::Restart(slug) => self.lessons.wanted = Some((slug, true)),
            LessonAction::Leave => self.lessons.open = None,
            LessonAction::Type(t) => {
                if let Some(o) = &mut self.lessons.open {
                    o.text = t;
                    o.answer_error = None;
                }
            }
            LessonAction::Pick(i) => {
                if let Some(o) = &mut self.lessons.open {
                    o.choice = Some(i);
                    o.answer_error = None;
                }
            }
            LessonAction::Check { at_ms } => self.check_answer(at_ms, false),
            LessonAction::Reveal { at_ms } => self.check_answer(at_ms, true),
            LessonAction::Next => self.next_step(fx),
        }
    }

    pub(super) fn lessons_stored(&mut self, reply: StorageReply) {
        match reply {
            StorageReply::LessonsLoaded(found) => {
                self.lessons.loaded = true;
                match found {
                    Ok(p) => self.lessons.progress = Rc::new(p),
                    Err(e) => {
                        self.lessons.error = Some(format!(
                            "Your progress in the lessons cannot be read from IndexedDB ({e}): they start from the first step."
                        ))
                    }
                }
            }
            StorageReply::LessonsSaved(result) => {
                self.lessons.error = result.err().map(|e| {
                    format!("Your progress in the lessons could not be kept in IndexedDB ({e}): a reload starts them again.")
                })
            }
            _ => {}
        }
    }

    fn check_answer(&mut self, at_ms: f64, reveal: bool) {
        let Some(o) = &mut self.lessons.open else {
            return;
        };
        if o.stage != Stage::Asking {
            return;
        }
        let Some(step) = o.lesson.steps.get(o.step).cloned() else {
            return;
        };
        let given = match &step.question {
            None => None,
            Some(_) if reveal => None,
            Some(q) => match lessons::parse(q.kind, &q.choices, &o.text, o.choice) {
                Ok(g) => Some(g),
                Err(e) => {
                    o.answer_error = Some(e);
                    return;
                }
            },
        };
        o.at_ms = at_ms;
        o.ops = expand(&step.ops).collect();
        if self.run.notice.as_deref() == Some(HOLDS_THE_CLOCK) {
            self.run.notice = None;
        }
        o.stage = Stage::Running(given);
    }

    fn next_step(&mut self, fx: &mut Vec<Effect>) {
        let Some(o) = &mut self.lessons.open else {
            return;
        };
        if !matches!(o.stage, Stage::Answered(_)) {
            return;
        }
        o.step += 1;
        o.text.clear();
        o.choice = None;
        o.answer_error = None;
        o.revealed = None;
        let slug = o.lesson.slug.clone();
        let (step, len) = (o.step, o.lesson.steps.len());
        if step >= len {
            o.stage = Stage::Done;
        } else {
            o.stage = Stage::Asking;
        }
        self.mark(&slug, fx, |m| {
            m.step = step.min(len);
            if step >= len {
                m.done = true;
                m.step = 0;
            }
        });
        self.look_at_step();
    }

    fn mark(
        &mut self,
        slug: &str,
        fx: &mut Vec<Effect>,
        f: impl FnOnce(&mut crate::storage::Mark),
    ) {
        let p = Rc::make_mut(&mut self.lessons.progress);
        f(p.lessons.entry(slug.to_string()).or_default());
        fx.push(Effect::Store(StorageRequest::SaveLessons(p.clone())));
    }

    /// Selects the node the step points at.
    fn look_at_step(&mut self) {
        let node = self
            .lessons
            .open
            .as_ref()
            .and_then(|o| o.current())
            .and_then(|s| s.look_at.as_ref())
            .and_then(|l| l.node.clone());
        if let Some(n) = node.filter(|n| self.node(n).is_some()) {
            self.selected = Some(n);
        }
    }

    /// A lesson is being taken: its steps, not the transport bar, run the batches.
    pub(super) fn lesson_holds_the_clock(&self) -> bool {
        self.lessons
            .open
            .as_ref()
            .is_some_and(|o| o.stage != Stage::Done)
    }

    /// Whether the run has done all it was asked (no batch in flight or queued, no kill or
    /// context under way).
    fn lesson_settled(&self) -> bool {
        self.worker == Worker::Ready
            && matches!(self.run.phase, Phase::Ready | Phase::Stopped)
            && self.run.in_flight.is_none()
            && self.run.queued.is_empty()
            && self.lab.pending.is_none()
            && matches!(self.doc.load, Load::Done)
    }

    /// After every action: opens a lesson asked for once the page can, runs the next op of
    /// the step once the run settled, and gives the verdict once none is left.
    pub(super) fn advance_lesson(&mut self, fx: &mut Vec<Effect>) {
        if let Some(o) = &self.lessons.open {
            // Another pipeline was opened: the lesson is left.
            if self.spec.name != o.lesson.pipeline.name {
                self.lessons.open = None;
            }
        }
        if self.lessons.loaded && matches!(self.doc.load, Load::Done) {
            if let Some((slug, restart)) = self.lessons.wanted.take() {
                if let Some(l) = lessons::find(&slug) {
                    self.start_lesson(l, restart, fx);
                }
            }
        }
        loop {
            let settled = self.lesson_settled();
            let Some(o) = &mut self.lessons.open else {
                return;
            };
            if !matches!(o.stage, Stage::Replaying | Stage::Running(_)) || !settled {
                return;
            }
            let at_ms = o.at_ms;
            match o.ops.pop_front() {
                Some(op) => self.do_op(op, at_ms, fx),
                None => {
                    self.finish_ops(fx);
                    return;
                }
            }
        }
    }

    fn start_lesson(&mut self, lesson: Lesson, restart: bool, fx: &mut Vec<Effect>) {
        let mark = self.lessons.progress.lessons.get(&lesson.slug).cloned();
        let step = if restart {
            0
        } else {
            mark.map_or(0, |m| m.step)
                .min(lesson.steps.len().saturating_sub(1))
        };
        if restart {
            self.mark(&lesson.slug, fx, |m| {
                m.step = 0;
                m.asked = 0;
                m.right = 0;
            });
        }
        let spec = lesson.pipeline.clone();
        self.remember(How::Switch, None);
        self.doc.based_on = None;
        self.doc.saved_as = None;
        // A lesson starts its own run: the checkpoints of an earlier go at it are dropped.
        fx.push(Effect::Store(StorageRequest::Drop {
            pipeline: pipeline_key(&spec),
        }));
        self.open_fresh(spec, None, InputLog::default(), fx);
        self.checkpoints.status = Some(super::Status::Info(
            "The lesson runs in a new context: no checkpoint yet.".into(),
        ));
        let ops = expand(
            &lesson.steps[..step]
                .iter()
                .flat_map(|s| s.ops.clone())
                .collect::<Vec<_>>(),
        )
        .collect();
        self.lessons.open = Some(OpenLesson {
            lesson: Rc::new(lesson),
            step,
            stage: Stage::Replaying,
            ops,
            at_ms: 0.0,
            text: String::new(),
            choice: None,
            answer_error: None,
            revealed: None,
        });
    }

    fn do_op(&mut self, op: Op, at_ms: f64, fx: &mut Vec<Effect>) {
        match op {
            Op::Tick(_) => self.tick(at_ms, at_ms, fx),
            Op::Checkpoint(on) => {
                self.apply(Action::Checkpoint(CheckpointAction::SetEnabled(on)), fx)
            }
            Op::CheckpointEveryMs(ms) => self.apply(
                Action::Checkpoint(CheckpointAction::SetInterval(Some(ms))),
                fx,
            ),
            Op::Receiver(r) => {
                let mode = match r.mode {
                    Mode::Push => ReceiverMode::Push,
                    Mode::Pull => ReceiverMode::Pull,
                };
                for s in [
                    LabSetting::Mode(mode),
                    LabSetting::Wal(r.wal),
                    LabSetting::Replication(r.replication),
                ] {
                    self.apply(Action::Lab(LabAction::Configure(s)), fx);
                }
            }
            Op::Kill(k) => {
                let fault = match k {
                    Kill::Receiver => Fault::Receiver,
                    Kill::Executor => Fault::Executor(0),
                    Kill::Driver => Fault::Driver,
                };
                self.apply(Action::Lab(LabAction::Kill(fault)), fx);
            }
        }
    }

    fn finish_ops(&mut self, fx: &mut Vec<Effect>) {
        let Some(o) = &self.lessons.open else {
            return;
        };
        let stage = o.stage.clone();
        let slug = o.lesson.slug.clone();
        let step = o.step;
        let question = o.current().and_then(|s| s.question.clone());
        match stage {
            Stage::Replaying => {
                if let Some(o) = &mut self.lessons.open {
                    o.stage = Stage::Asking;
                }
                self.look_at_step();
            }
            Stage::Running(given) => {
                let revealed = question.as_ref().map(|q| self.measure(&q.measure).shown);
                let verdict = match (given, question) {
                    (Some(g), Some(q)) => {
                        let t: Truth = self.measure(&q.measure);
                        let right = !t.value.is_null() && answer::same(&g.value, &t.value);
                        Some(Verdict {
                            right,
                            given: g.shown,
                            truth: t.shown,
                            why: q.why,
                            explain: if right {
                                Vec::new()
                            } else {
                                self.explained(&t.explain)
                            },
                        })
                    }
                    _ => None,
                };
                let asked = verdict.is_some();
                let right = verdict.as_ref().is_some_and(|v| v.right);
                if let Some(o) = &mut self.lessons.open {
                    o.stage = Stage::Answered(verdict);
                    o.revealed = revealed;
                }
                self.mark(&slug, fx, |m| {
                    m.step = step + 1;
                    m.asked += u32::from(asked);
                    m.right += u32::from(right);
                });
            }
            _ => {}
        }
    }
}

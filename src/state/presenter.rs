//! Presenter mode for a projector: the keyboard alone drives it (→ the next step of the
//! lesson or the next batch, space play/pause, ← back to the previous kept snapshot), and one
//! caption narrates it: the lesson's text, or in free play what the last batch did, said from
//! the engine's report ("t = 4 s: counts fires; window covers #0-#3; +#2 +#3").

use super::{Action, CheckpointAction, Effect, LessonAction, Stage, State};
use crate::clock::duration;
use crate::lessons::answer::show_batches;

/// What the presenter's keys ask for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Present {
    /// The presenter switch (Escape leaves too).
    Toggle,
    /// →: the lesson's next step (its question's answer revealed first), or one batch.
    Forward { at_ms: f64 },
    /// ←: rewinds to the newest kept snapshot before the batch shown.
    Back,
}

impl State {
    pub(super) fn present(&mut self, p: Present, fx: &mut Vec<Effect>) {
        match p {
            Present::Toggle => self.presenter = !self.presenter,
            Present::Forward { at_ms } => match self.lessons.open.as_ref().map(|o| &o.stage) {
                Some(Stage::Asking) => {
                    self.apply(Action::Lesson(LessonAction::Reveal { at_ms }), fx)
                }
                Some(Stage::Answered(_)) => self.apply(Action::Lesson(LessonAction::Next), fx),
                Some(_) => {}
                None => self.tick(at_ms, at_ms, fx),
            },
            Present::Back => {
                let (now, _) = self.clock();
                let before = self
                    .checkpoints
                    .kept
                    .iter()
                    .filter(|m| m.batches_run < now)
                    .max_by_key(|m| m.batches_run)
                    .map(|m| m.key.clone());
                if let Some(key) = before {
                    self.apply(Action::Checkpoint(CheckpointAction::TravelTo(key)), fx);
                }
            }
        }
    }

    /// The presenter's one caption: in a lesson the step's question (or text), then the
    /// engine's answer; in free play what the last batch did.
    pub fn caption(&self) -> String {
        if let Some(o) = &self.lessons.open {
            let step = o.current();
            let question = step.and_then(|s| s.question.as_ref());
            return match &o.stage {
                Stage::Done => format!("{}: every step done.", o.lesson.title),
                Stage::Replaying | Stage::Running(_) => "…".into(),
                Stage::Asking => match question {
                    Some(q) => q.prompt.clone(),
                    None => step.map(|s| s.text.clone()).unwrap_or_default(),
                },
                Stage::Answered(_) => match (&o.revealed, question) {
                    (Some(truth), Some(_)) => sentence(truth),
                    _ => self.batch_caption(),
                },
            };
        }
        self.batch_caption()
    }

    /// The caption's smaller second line in a lesson: the step's text under its question,
    /// why under the engine's answer.
    pub fn caption_note(&self) -> Option<String> {
        let o = self.lessons.open.as_ref()?;
        let step = o.current()?;
        let q = step.question.as_ref()?;
        match &o.stage {
            Stage::Asking => Some(step.text.clone()),
            Stage::Answered(_) if o.revealed.is_some() => Some(q.why.clone()),
            _ => None,
        }
    }

    /// What the last batch did, from its report.
    fn batch_caption(&self) -> String {
        let Some(r) = self.run.history.iter().rev().find(|v| v.current()) else {
            let (n, t) = self.clock();
            let next = duration((n + 1) * self.spec.batch_interval_ms);
            return if n == 0 {
                format!("t = 0: nothing has run yet. → runs batch #0 (t = {next}).")
            } else {
                format!(
                    "t = {}: a new context, restored from the checkpoint taken after batch #{}. → runs batch #{n} (t = {next}).",
                    duration(t),
                    n - 1
                )
            };
        };
        let r = &r.report;
        let mut parts = Vec::new();
        let waiting: Vec<&str> = r
            .nodes
            .iter()
            .filter(|n| n.not_computed == Some(dstream_engine::NotComputed::NotASlideTime))
            .map(|n| n.id.as_str())
            .collect();
        match waiting.as_slice() {
            [] => {}
            [one] => parts.push(format!("{one} does not fire (not a slide time)")),
            many => parts.push(format!(
                "{} do not fire (not a slide time)",
                many.join(", ")
            )),
        }
        for n in &r.nodes {
            let Some(w) = &n.window else {
                continue;
            };
            if !n.fired {
                continue;
            }
            let mut s = format!("{} fires; window covers {}", n.id, show_batches(&w.covers));
            let moved: Vec<String> = w
                .added
                .iter()
                .map(|b| format!("+#{b}"))
                .chain(w.removed.iter().map(|b| format!("−#{b}")))
                .collect();
            if !moved.is_empty() {
                s.push_str("; ");
                s.push_str(&moved.join(" "));
            }
            parts.push(s);
        }
        for n in &r.nodes {
            if let Some(c) = &n.state {
                let mut what = Vec::new();
                for (k, word) in [
                    (c.added, "added"),
                    (c.updated, "updated"),
                    (c.removed, "removed"),
                    (c.timed_out, "timed out"),
                ] {
                    if k > 0 {
                        what.push(format!("{k} {word}"));
                    }
                }
                if !what.is_empty() {
                    parts.push(format!("{}: keys {}", n.id, what.join(", ")));
                }
            }
        }
        if parts.is_empty() {
            parts.push(match r.jobs.as_slice() {
                [] => "no output fires".to_string(),
                jobs => format!("{} ran", jobs.join(", ")),
            });
        }
        format!(
            "t = {}: batch #{}, {} record(s) in; {}",
            duration(r.time_ms),
            r.batch,
            r.input_records,
            parts.join("; ")
        )
    }
}

/// The engine's answer as the caption's sentence: a capital first letter, one full stop.
fn sentence(truth: &str) -> String {
    let truth = truth.trim_end_matches('.');
    let mut chars = truth.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

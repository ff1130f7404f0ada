//! The pipeline as the learner's document: where it came from (a gallery example, My
//! pipelines, New pipeline), its name and description, undo and redo over every change, the
//! draft kept in IndexedDB so a reload brings it back, and, on that reload, Spark's choice
//! when the draft is not the pipeline its newest checkpoint was taken from.

use std::rc::Rc;

use dstream_engine::checkpoint::pipeline_key;
use dstream_engine::{InputLog, NodeSpec, PipelineSpec};

use super::{Effect, State, Status};
use crate::examples;
use crate::share;
use crate::storage::{CheckpointMeta, CheckpointedFrom, DraftRecord, StorageRequest};

/// Undo steps kept.
pub const UNDO_LEN: usize = 200;

/// How a step of the undo history is undone (and redone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// An edit: going back is an edit too (a new context re-running the input, or for a name
    /// or description alone, nothing to run).
    Edit,
    /// Another pipeline was opened: going back opens this one again (`getOrCreate`).
    Switch,
}

/// The pipeline before a change, and how the change is undone.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub spec: Rc<PipelineSpec>,
    pub example: Option<String>,
    pub based_on: Option<String>,
    pub saved_as: Option<String>,
    pub how: How,
}

/// Where page load is.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Load {
    /// Reading the draft from IndexedDB.
    #[default]
    Reading,
    /// The draft is on the page; a link being checked may replace it before getOrCreate.
    Deferred,
    /// Listing the checkpoint directory the draft was edited after, to offer Spark's choice.
    Listing(CheckpointedFrom),
    /// The learner chooses (`Document::choice`).
    Choosing,
    Done,
}

/// The draft is not the pipeline its newest checkpoint was taken from: recover that
/// checkpoint (Spark runs the checkpointed DAG) or start the edited pipeline in a new
/// checkpoint directory.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub from: CheckpointedFrom,
    pub newest: CheckpointMeta,
}

/// What the learner answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReloadChoice {
    RecoverCheckpointed,
    StartEdited,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// The gallery example the pipeline was edited from (`State::example` while unchanged).
    pub based_on: Option<String>,
    /// Its name in My pipelines.
    pub saved_as: Option<String>,
    /// The checkpoint directory the run continues from (see `CheckpointedFrom`).
    pub checkpointed: Option<CheckpointedFrom>,
    /// A snapshot on its way to IndexedDB: what `checkpointed` becomes once written.
    pub(super) writing: Option<CheckpointedFrom>,
    pub undo: Rc<Vec<Step>>,
    pub redo: Rc<Vec<Step>>,
    /// What the last edit set (a node's field, the name): further edits of it are one step.
    typing: Option<String>,
    pub load: Load,
    pub choice: Option<Choice>,
    /// The name or description typed is not plain text: why (nothing was changed).
    pub text_error: Option<String>,
    /// What the page says about the document (a draft unreadable, a choice made on reload).
    pub status: Option<Status>,
    /// The last draft could not be written: why.
    pub draft_error: Option<String>,
}

impl Document {
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

/// A pipeline's DAG, named apart from its name and description (which change no result):
/// two pipelines with one key run the same program.
pub fn dag_key(spec: &PipelineSpec) -> String {
    let mut dag = spec.clone();
    dag.name = None;
    dag.description = None;
    pipeline_key(&dag)
}

/// New pipeline: a source to type lines into, and nothing else yet.
pub fn new_pipeline() -> PipelineSpec {
    let mut spec = examples::empty();
    spec.name = Some("Untitled pipeline".into());
    spec.nodes.push(NodeSpec::new("lines", "textInput", &[]));
    spec
}

impl State {
    /// The step that brings the pipeline shown back.
    fn step(&self, how: How) -> Step {
        Step {
            spec: self.spec.clone(),
            example: self.example.clone(),
            based_on: self.doc.based_on.clone(),
            saved_as: self.doc.saved_as.clone(),
            how,
        }
    }

    /// Records the pipeline shown before a change; `typing` names what an edit sets, so that
    /// successive edits of one field (each key typed into a lambda) are one step.
    pub(super) fn remember(&mut self, how: How, typing: Option<String>) {
        let same_field = typing.is_some() && typing == self.doc.typing && how == How::Edit;
        if !same_field || self.doc.undo.is_empty() {
            let step = self.step(how);
            let undo = Rc::make_mut(&mut self.doc.undo);
            undo.push(step);
            if undo.len() > UNDO_LEN {
                undo.remove(0);
            }
        }
        self.doc.typing = typing;
        self.doc.redo = Rc::default();
    }

    /// An edit makes an unchanged example the learner's own ("edited from: …").
    pub(super) fn edited(&mut self) {
        if let Some(slug) = self.example.take() {
            self.doc.based_on = Some(slug);
        }
        self.doc.text_error = None;
    }

    /// The pipeline's name or description (`None`: description removed). They change no
    /// result, so the run goes on; a text that is not plain text is refused.
    pub(super) fn set_text(&mut self, field: &str, text: String) {
        let max = if field == "name" {
            share::MAX_NAME
        } else {
            share::MAX_DESCRIPTION
        };
        if let Err(e) = share::plain_text(field, &text, max) {
            self.doc.text_error = Some(e.to_string());
            return;
        }
        let text = (!text.trim().is_empty()).then_some(text);
        let mut spec = (*self.spec).clone();
        match field {
            "name" => spec.name = text,
            _ => spec.description = text,
        }
        if spec == *self.spec {
            self.doc.text_error = None;
            return;
        }
        self.remember(How::Edit, Some(format!("pipeline {field}")));
        self.edited();
        self.spec = Rc::new(spec);
    }

    /// New pipeline: an empty one with a source, at batch 0.
    pub(super) fn new_pipeline(&mut self, fx: &mut Vec<Effect>) {
        self.remember(How::Switch, None);
        self.doc.based_on = None;
        self.doc.saved_as = None;
        self.open_fresh(new_pipeline(), None, InputLog::default(), fx);
    }

    pub(super) fn undo(&mut self, fx: &mut Vec<Effect>) {
        let Some(step) = Rc::make_mut(&mut self.doc.undo).pop() else {
            return;
        };
        let back = self.step(step.how);
        Rc::make_mut(&mut self.doc.redo).push(back);
        self.go_to(step, fx);
    }

    pub(super) fn redo(&mut self, fx: &mut Vec<Effect>) {
        let Some(step) = Rc::make_mut(&mut self.doc.redo).pop() else {
            return;
        };
        let back = self.step(step.how);
        Rc::make_mut(&mut self.doc.undo).push(back);
        self.go_to(step, fx);
    }

    /// Shows the pipeline of an undo or redo step, as the change it undoes would.
    fn go_to(&mut self, step: Step, fx: &mut Vec<Effect>) {
        self.doc.typing = None;
        self.doc.text_error = None;
        self.doc.saved_as = step.saved_as;
        self.doc.based_on = step.based_on;
        match step.how {
            How::Switch => {
                self.switch((*step.spec).clone(), step.example, fx);
            }
            How::Edit if dag_key(&step.spec) == dag_key(&self.spec) => {
                // Only the name or the description: the run goes on.
                self.spec = step.spec;
                self.example = step.example;
            }
            How::Edit => {
                self.apply_edit(step.spec, fx);
                self.example = step.example;
            }
        }
    }

    /// What a reload brings back.
    pub fn draft(&self) -> DraftRecord {
        DraftRecord {
            spec: (*self.spec).clone(),
            example: self.example.clone(),
            based_on: self.doc.based_on.clone(),
            saved_as: self.doc.saved_as.clone(),
            checkpointed: self.doc.checkpointed.clone(),
        }
    }

    /// The draft read on page load: it becomes the pipeline shown, then getOrCreate runs for
    /// it (or for the pipeline checkpointed last, when there is no draft: earlier versions).
    pub(super) fn draft_loaded(
        &mut self,
        found: Result<Option<DraftRecord>, String>,
        fx: &mut Vec<Effect>,
    ) {
        if self.doc.load != Load::Reading {
            // A link was opened first: the draft is one undo away.
            if let Ok(Some(d)) = found {
                let undo = Rc::make_mut(&mut self.doc.undo);
                undo.insert(0, draft_step(d));
            }
            return;
        }
        let had_draft = match found {
            Ok(Some(d)) => {
                let step = draft_step(d.clone());
                self.spec = step.spec;
                self.example = step.example;
                self.doc.based_on = step.based_on;
                self.doc.saved_as = step.saved_as;
                self.doc.checkpointed = d.checkpointed;
                self.select_first_window();
                true
            }
            Ok(None) => false,
            Err(e) => {
                self.doc.status = Some(Status::Error(format!(
                    "The draft kept in IndexedDB cannot be read ({e}): the page opened as on a first visit."
                )));
                false
            }
        };
        self.doc.load = Load::Deferred;
        if self.sharing.pending.is_none() {
            self.get_or_create(had_draft, fx);
        }
    }

    /// getOrCreate on page load, once no link is waiting to replace the draft. A draft
    /// edited after its pipeline's last checkpoint first lists that checkpoint's directory.
    pub(super) fn get_or_create(&mut self, had_draft: bool, fx: &mut Vec<Effect>) {
        let generation = self.run.generation;
        if had_draft && !self.checkpointing() {
            // No ssc.checkpoint(dir): nothing to recover from, a new context is created.
            self.doc.load = Load::Done;
            self.checkpoints.without_directory(pipeline_key(&self.spec));
            self.create(fx);
            return;
        }
        let ask = match self.doc.checkpointed.clone() {
            Some(c) if c.dag != dag_key(&self.spec) => {
                self.doc.load = Load::Listing(c.clone());
                StorageRequest::List {
                    pipeline: c.slot,
                    on_load: false,
                }
            }
            Some(c) => {
                self.doc.load = Load::Done;
                self.checkpoints.look_up(c.slot, false, generation)
            }
            None => {
                self.doc.load = Load::Done;
                self.checkpoints
                    .look_up(pipeline_key(&self.spec), !had_draft, generation)
            }
        };
        fx.push(Effect::Store(ask));
    }

    /// The directory listed for the choice: with a checkpoint, the learner chooses; else
    /// the draft starts as getOrCreate would start it.
    pub(super) fn choice_listed(
        &mut self,
        from: CheckpointedFrom,
        kept: Result<Vec<CheckpointMeta>, String>,
        fx: &mut Vec<Effect>,
    ) {
        match kept.ok().and_then(|k| k.last().cloned()) {
            Some(newest) => {
                self.doc.load = Load::Choosing;
                self.doc.choice = Some(Choice { from, newest });
            }
            None => {
                self.doc.checkpointed = None;
                self.get_or_create(true, fx);
            }
        }
    }

    pub(super) fn choose(&mut self, choice: ReloadChoice, fx: &mut Vec<Effect>) {
        let Some(Choice { from, newest }) = self.doc.choice.take() else {
            return;
        };
        let generation = self.run.generation;
        self.doc.load = Load::Done;
        let ask = match choice {
            ReloadChoice::RecoverCheckpointed => {
                self.remember(How::Edit, None);
                self.doc.status = Some(Status::Info(format!(
                    "Recovered from {}: the checkpoint holds the pipeline as it was before your edit, and Spark recovers that DAG. Undo (Ctrl+Z) brings your edited pipeline back, as a new context.",
                    newest.name()
                )));
                self.checkpoints.look_up(from.slot, false, generation)
            }
            ReloadChoice::StartEdited => {
                self.doc.checkpointed = None;
                self.doc.status = Some(Status::Info(format!(
                    "Your edited pipeline started at batch 0 with a new checkpoint directory, as a changed Spark program must; {} stays in the directory of the pipeline before the edit.",
                    newest.name()
                )));
                self.checkpoints
                    .look_up(pipeline_key(&self.spec), false, generation)
            }
        };
        fx.push(Effect::Store(ask));
    }
}

/// A draft as an undo step: a gallery example is named as one only while it is unchanged (a
/// draft of an example the gallery has changed since is the learner's own, edited from it).
fn draft_step(d: DraftRecord) -> Step {
    let unchanged =
        |slug: &str| examples::find(slug).and_then(|e| e.spec().ok()).as_ref() == Some(&d.spec);
    let (example, based_on) = match d.example {
        Some(slug) if unchanged(&slug) => (Some(slug), d.based_on),
        Some(slug) => (None, d.based_on.or(Some(slug))),
        None => (None, d.based_on),
    };
    Step {
        spec: Rc::new(d.spec),
        example,
        based_on,
        saved_as: d.saved_as,
        how: How::Switch,
    }
}

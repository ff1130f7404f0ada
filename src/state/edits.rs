//! Edits of the pipeline: each one changes the DAG, so it starts a new context that re-runs
//! the learner's input up to the batch reached (`run.rs`).

use std::rc::Rc;

use dstream_engine::{NodeSpec, PipelineSpec};

use super::document::How;
use super::{Effect, Lookup, Phase, Restart, State};
use dstream_engine::catalog::{self, OpInfo};

impl State {
    /// An edit: a new DAG is a new context (as in Spark), which re-runs the logged input up
    /// to the batch the run had reached; the batches shown so far stay, greyed, until then.
    /// It is one step of the undo history.
    pub(super) fn edit(&mut self, fx: &mut Vec<Effect>, f: impl FnOnce(&mut PipelineSpec)) {
        self.edit_typing(fx, None, f);
    }

    /// [`State::edit`] of one thing (`typing`: a node's field): successive edits of it, each
    /// key typed into a lambda, are one undo step.
    pub(super) fn edit_typing(
        &mut self,
        fx: &mut Vec<Effect>,
        typing: Option<String>,
        f: impl FnOnce(&mut PipelineSpec),
    ) {
        let mut spec = (*self.spec).clone();
        f(&mut spec);
        if spec == *self.spec {
            return;
        }
        self.remember(How::Edit, typing);
        self.edited();
        self.apply_edit(Rc::new(spec), fx);
    }

    /// Runs `spec`, an edit of the pipeline shown, in a new context (an edit, its undo or redo).
    pub(super) fn apply_edit(&mut self, spec: Rc<PipelineSpec>, fx: &mut Vec<Effect>) {
        self.spec = spec;
        // A fast-forward under way had reached its last progress report.
        let reached = match (self.run.phase, self.run.progress) {
            (Phase::FastForwarding, Some((reached, _))) => reached,
            _ => self.run.batches_run,
        };
        self.run.target = self.run.target.max(reached);
        self.grey_history(Restart::Edit);
        // Editing instead of answering the reload's choice: the edited pipeline runs.
        if self.doc.choice.take().is_some() {
            self.doc.load = super::document::Load::Done;
        }
        // A lookup under way belonged to the pipeline before the edit.
        self.checkpoints.lookup = Lookup::Idle;
        self.checkpoints.ready = true;
        self.lab.new_context();
        if !self.checkpointing() {
            self.checkpoints
                .without_directory(dstream_engine::checkpoint::pipeline_key(&self.spec));
        }
        self.create(fx);
    }

    /// The first windowed node is what most examples are about: show its settings.
    pub(super) fn select_first_window(&mut self) {
        self.selected = self
            .spec
            .nodes
            .iter()
            .find(|n| catalog::is_windowed(&n.op))
            .map(|n| n.id.clone());
    }

    pub(super) fn add_node(&mut self, op: &str, fx: &mut Vec<Effect>) {
        let Some(info) = catalog::op_named(op) else {
            return;
        };
        let id = fresh_id(&self.spec, op);
        let interval = self.spec.batch_interval_ms;
        let mut node = NodeSpec::new(&id, op, &[]);
        node.inputs = self.inputs_for_new(info);
        for (field, value) in (info.defaults)(interval) {
            node.fields.insert(field.to_string(), value);
        }
        self.edit(fx, |spec| spec.nodes.push(node));
        self.selected = Some(id);
    }

    /// A new node reads from the selected node (or the last one), and a two-input op also
    /// from the node before that.
    pub(super) fn inputs_for_new(&self, info: &OpInfo) -> Vec<String> {
        if info.min_inputs == 0 {
            return Vec::new();
        }
        let mut inputs = Vec::new();
        let first = self
            .selected
            .as_deref()
            .and_then(|s| self.node(s))
            .or_else(|| self.spec.nodes.last());
        if let Some(first) = first {
            inputs.push(first.id.clone());
        }
        if info.min_inputs >= 2 {
            if let Some(other) = self
                .spec
                .nodes
                .iter()
                .rev()
                .find(|n| !inputs.contains(&n.id))
            {
                inputs.push(other.id.clone());
            }
        }
        inputs
    }
}

/// `map`, `map2`, …: the first id of that shape not in use.
fn fresh_id(spec: &PipelineSpec, op: &str) -> String {
    let base: String = op.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let base = if base.is_empty() { "node".into() } else { base };
    let taken = |id: &str| spec.nodes.iter().any(|n| n.id == id);
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

//! What each component of the playground is given, taken from the state in one place: the
//! page builds its children with these, and the component tests mount them the same way.

use std::collections::BTreeMap;

use dstream_engine::SpecError;
use yew::Callback;

use crate::examples;
use crate::protocol::SAMPLE_LIMIT;
use crate::state::{Action, Load, State, Worker};
use crate::ui::checkpoint_bar::CheckpointBarProps;
use crate::ui::code_view::CodeViewProps;
use crate::ui::controls::ControlsProps;
use crate::ui::dag::DagProps;
use crate::ui::error_list::ErrorListProps;
use crate::ui::fault_lab::FaultLabProps;
use crate::ui::library::LibraryProps;
use crate::ui::metrics::MetricsProps;
use crate::ui::node_editor::NodeEditorProps;
use crate::ui::node_panel::NodePanelProps;
use crate::ui::paste_code::PasteCodeProps;
use crate::ui::pipeline_bar::PipelineBarProps;
use crate::ui::reload_choice::ReloadChoiceProps;
use crate::ui::sources::SourcesProps;
use crate::ui::state_detail::StateDetailProps;
use crate::ui::state_lane::changes_by_batch;
use crate::ui::story::StoryProps;
use crate::ui::timeline::{axis_first, TimelineProps};

/// The record type of every node, as the worker planned it.
pub fn types(s: &State) -> BTreeMap<String, String> {
    s.plan.as_ref().map(|p| p.types.clone()).unwrap_or_default()
}

/// The spec errors that name node `id`.
pub fn errors_of(s: &State, id: &str) -> Vec<SpecError> {
    s.spec_errors
        .iter()
        .filter(|e| e.node.as_deref() == Some(id))
        .cloned()
        .collect()
}

pub fn controls(s: &State, on_action: Callback<Action>) -> ControlsProps {
    ControlsProps {
        transport: s.transport(),
        on_action,
    }
}

pub fn dag(s: &State, on_action: Callback<Action>) -> DagProps {
    DagProps {
        spec: s.spec.clone(),
        types: types(s),
        latest: s.run.history.back().cloned(),
        errors: s.spec_errors.clone(),
        failed: s.run.batch_error.as_ref().map(|e| e.node.clone()),
        selected: s.selected.clone(),
        lineage: s.lineage.clone(),
        on_action,
    }
}

pub fn error_list(s: &State, on_action: Callback<Action>) -> ErrorListProps {
    let next_batch = s.run.batches_run;
    let kept_lines = s.input.logged_at(next_batch);
    ErrorListProps {
        spec_errors: s.spec_errors.clone(),
        batch_error: s.run.batch_error.clone(),
        next_batch,
        kept_lines,
        notice: s.run.notice.clone(),
        worker_failure: match &s.worker {
            Worker::Failed(why) => Some(why.clone()),
            _ => None,
        },
        on_action,
    }
}

pub fn timeline(s: &State, on_action: Callback<Action>) -> TimelineProps {
    TimelineProps {
        spec: s.spec.clone(),
        history: s.run.history.clone(),
        checkpoints: s.checkpoints.clone(),
        batches_run: s.run.batches_run,
        selected: s.selected.clone(),
        lineage: s.lineage.clone(),
        hint: s.hint(),
        incremental: s
            .plan
            .as_ref()
            .map(|p| p.incremental.clone())
            .unwrap_or_default(),
        scalar: s
            .plan
            .as_ref()
            .map(|p| p.scalar.clone())
            .unwrap_or_default(),
        inspected: s.inspected.clone(),
        checkpoint_lane: !s.embedded,
        on_action,
    }
}

pub fn checkpoint_bar(s: &State, on_action: Callback<Action>) -> CheckpointBarProps {
    CheckpointBarProps {
        checkpoints: s.checkpoints.clone(),
        default_interval_ms: s
            .plan
            .as_ref()
            .map_or(10_000, |p| p.default_checkpoint_interval_ms),
        batch_interval_ms: s.spec.batch_interval_ms,
        batches_run: s.run.batches_run,
        axis_first: axis_first(&s.run.history, s.run.batches_run),
        enabled: s.checkpointing(),
        on_action,
    }
}

/// Node `id`'s panel, if the pipeline has that node.
pub fn node_panel(s: &State, id: &str, on_action: Callback<Action>) -> Option<NodePanelProps> {
    let node = s.node(id)?.clone();
    Some(NodePanelProps {
        ty: types(s).get(id).cloned(),
        errors: errors_of(s, id).len(),
        history: s.run.history.clone(),
        selected: s.selected.as_deref() == Some(id),
        lineage: s.lineage.clone(),
        peek: s.peeks.get(id).cloned(),
        scalar: s.plan.as_ref().is_some_and(|p| p.scalar.contains(id)),
        node,
        on_action,
    })
}

pub fn node_editor(s: &State, on_action: Callback<Action>) -> NodeEditorProps {
    NodeEditorProps {
        spec: s.spec.clone(),
        selected: s.selected.clone(),
        types: types(s),
        errors: s
            .selected
            .as_deref()
            .map(|id| errors_of(s, id))
            .unwrap_or_default(),
        on_action,
    }
}

pub fn sources(s: &State, on_action: Callback<Action>) -> SourcesProps {
    let next = s.run.batches_run;
    SourcesProps {
        spec: s.spec.clone(),
        drafts: s.input.drafts.clone(),
        kept: s
            .spec
            .nodes
            .iter()
            .filter(|n| n.op == "textInput")
            .map(|n| (n.id.clone(), s.input.logged(&n.id, next)))
            .filter(|(_, k)| *k > 0)
            .collect(),
        failed: s.run.batch_error.as_ref().is_some_and(|e| e.batch == next),
        later: s.input.log.lines.iter().filter(|e| e.batch > next).fold(
            BTreeMap::new(),
            |mut m, e| {
                let v = m.entry(e.node.clone()).or_insert((0, e.batch, e.batch));
                v.0 += e.lines.len();
                v.2 = e.batch;
                m
            },
        ),
        batches_run: next,
        on_action,
    }
}

pub fn fault_lab(s: &State, on_action: Callback<Action>) -> FaultLabProps {
    FaultLabProps {
        lab: s.lab.clone(),
        batch_interval_ms: s.spec.batch_interval_ms,
        on_action,
    }
}

pub fn metrics(s: &State) -> MetricsProps {
    MetricsProps {
        metrics: s.run.metrics.clone(),
        tick_ms: crate::clock::tick_delay_ms(s.spec.batch_interval_ms, s.speed),
    }
}

pub fn pipeline_bar(s: &State, on_action: Callback<Action>) -> PipelineBarProps {
    // A pipeline the planner refuses cannot be opened from a link: say so before making one.
    let share_blocked = (s.plan.is_none() && !s.spec_errors.is_empty()).then(|| {
        "Fix the pipeline's errors first: a link to a pipeline that does not compile is refused when opened"
            .to_string()
    });
    PipelineBarProps {
        can_undo: s.doc.can_undo(),
        can_redo: s.doc.can_redo(),
        share_blocked,
        link: s.sharing.link.clone(),
        copied: s.sharing.copied.clone(),
        message: s.sharing.message.clone(),
        on_action,
    }
}

pub fn code_view(s: &State, on_action: Callback<Action>) -> CodeViewProps {
    CodeViewProps {
        language: s.code.language,
        code: s.code.code.clone(),
        errors: s.code.errors.clone(),
        pending: s.code.pending,
        selected: s.selected.clone(),
        copy_status: s.code.copy_status.clone(),
        on_action,
    }
}

pub fn story(s: &State, on_action: Callback<Action>) -> StoryProps {
    let title = |slug: &str| examples::find(slug).map(|e| e.title());
    StoryProps {
        name: s.spec.name.clone(),
        description: s.spec.description.clone(),
        example: s.example.is_some(),
        edited_from: s.doc.based_on.as_deref().and_then(title),
        saved_as: s.doc.saved_as.clone(),
        text_error: s.doc.text_error.clone(),
        status: s
            .doc
            .draft_error
            .clone()
            .map(crate::state::Status::Error)
            .or_else(|| s.doc.status.clone()),
        on_action,
    }
}

pub fn library(s: &State, on_action: Callback<Action>) -> LibraryProps {
    let unsaved = s
        .doc
        .saved_as
        .as_deref()
        .and_then(|n| s.library.find(n))
        .is_some_and(|p| p.spec != *s.spec);
    LibraryProps {
        items: s.library.items.clone(),
        saved_as: s.doc.saved_as.clone(),
        unsaved,
        name: s.spec.name.clone(),
        confirm_delete: s.library.confirm_delete.clone(),
        status: s.library.status.clone(),
        on_action,
    }
}

/// The reload's question, while the page asks it.
pub fn reload_choice(s: &State, on_action: Callback<Action>) -> Option<ReloadChoiceProps> {
    let c = s
        .doc
        .choice
        .as_ref()
        .filter(|_| s.doc.load == Load::Choosing)?;
    Some(ReloadChoiceProps {
        checkpoint: c.newest.name(),
        next_batch: c.newest.batches_run,
        on_action,
    })
}

/// The state before and after the batch the learner opened on a state lane.
pub fn state_detail(s: &State, on_action: Callback<Action>) -> Option<StateDetailProps> {
    let (node, batch) = s.inspected.clone()?;
    let n = s.node(&node)?;
    Some(StateDetailProps {
        changes: changes_by_batch(&s.run.history, &node)
            .get(&batch)
            .map(|c| (*c).clone()),
        op: n.op.clone(),
        time_ms: (batch + 1) * s.spec.batch_interval_ms,
        node,
        batch,
        sample_limit: SAMPLE_LIMIT,
        on_action,
    })
}
pub fn paste_code(s: &State, on_action: Callback<Action>) -> PasteCodeProps {
    PasteCodeProps {
        text: s.code.paste.clone(),
        status: s.code.import.clone(),
        on_action,
    }
}

/// The Learn path with each lesson's progress.
pub fn learn(s: &State, on_action: Callback<Action>) -> crate::ui::learn::LearnProps {
    let open = s.lessons.open.as_ref().map(|o| o.lesson.slug.as_str());
    let items = crate::lessons::LESSONS
        .iter()
        .filter_map(|f| f.lesson().ok())
        .map(|l| {
            let mark = s.lessons.progress.lessons.get(&l.slug);
            let steps = l.steps.len();
            let progress = match mark {
                Some(m) if m.step > 0 && m.step < steps => format!("at {}/{steps}", m.step + 1),
                Some(m) if m.done => format!("done {}/{}", m.right, m.asked),
                _ => format!("{steps} steps"),
            };
            crate::ui::learn::LearnItem {
                active: open == Some(l.slug.as_str()),
                done: mark.is_some_and(|m| m.done),
                slug: l.slug,
                title: l.title,
                progress,
            }
        })
        .collect();
    let toggle = on_action.clone();
    crate::ui::learn::LearnProps {
        items,
        error: s.lessons.error.clone(),
        on_action,
        on_present: Callback::from(move |_| {
            toggle.emit(Action::Present(crate::state::Present::Toggle))
        }),
    }
}

/// The part of the page the lesson's step points at, and its node.
pub fn focus(s: &State) -> Option<(&'static str, Option<String>)> {
    let o = s.lessons.open.as_ref()?;
    if o.stage == crate::state::Stage::Done {
        return None;
    }
    let l = o.current()?.look_at.as_ref()?;
    Some((l.part.name(), l.node.clone()))
}

/// The lesson being taken, if one is.
pub fn lesson_panel(
    s: &State,
    on_action: Callback<Action>,
) -> Option<crate::ui::lesson_panel::LessonPanelProps> {
    use crate::lessons::Part;
    let o = s.lessons.open.as_ref()?;
    let step = o.current();
    let mark = s.lessons.progress.lessons.get(&o.lesson.slug);
    let look_at = step.and_then(|st| st.look_at.as_ref()).map(|l| {
        let part = match l.part {
            Part::Dag => "the pipeline's graph",
            Part::Axis => "the time axis",
            Part::Output => "the node's output, below the time axis",
            Part::Lab => "the fault lab, on the right",
            Part::Checkpoints => "the checkpoint lane, under the time axis",
            Part::Sources => "the sources, on the right",
        };
        match &l.node {
            Some(n) => format!("{n}, in {part} (highlighted)"),
            None => format!("{part} (highlighted)"),
        }
    });
    let lessons = crate::lessons::LESSONS;
    let next_lesson = lessons
        .iter()
        .position(|f| f.slug == o.lesson.slug)
        .and_then(|i| lessons.get(i + 1))
        .and_then(|f| f.lesson().ok())
        .map(|l| (l.slug, l.title));
    Some(crate::ui::lesson_panel::LessonPanelProps {
        slug: o.lesson.slug.clone(),
        title: o.lesson.title.clone(),
        story: o.lesson.story.clone(),
        step: o.step,
        steps: o.lesson.steps.len(),
        text: step.map(|st| st.text.clone()),
        look_at,
        question: step.and_then(|st| st.question.as_ref()).map(|q| {
            crate::ui::lesson_panel::Asked {
                prompt: q.prompt.clone(),
                kind: q.kind,
                choices: q.choices.clone(),
            }
        }),
        stage: o.stage.clone(),
        answer: o.text.clone(),
        choice: o.choice,
        answer_error: o.answer_error.clone(),
        score: mark.map_or((0, 0), |m| (m.right, m.asked)),
        next_lesson,
        on_action,
    })
}

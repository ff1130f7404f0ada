//! Native scenarios of the page's run model: the pure reducer, the engine host behind an
//! in-process link (the worker's own code) and storage in memory (`dstream_playground::sim`).
//! Each test plays what a learner does and checks what the page would then show; the
//! references are engines driven directly, never the page's own state.
#![cfg(not(target_arch = "wasm32"))]

use dstream_engine::fault::{Fault, ReceiverMode};
use dstream_engine::{Engine, PipelineSpec, Value};
use dstream_playground::examples;
use dstream_playground::protocol::{Reply, Request};
use dstream_playground::sim::Sim;
use dstream_playground::state::{
    Action, CheckpointAction, Effect, LabAction, LabSetting, Origin, Phase, Restart, State, Status,
    WorkerEvent,
};

fn spec(slug: &str) -> PipelineSpec {
    examples::find(slug)
        .and_then(|e| e.spec().ok())
        .unwrap_or_else(|| panic!("example {slug}"))
}

/// What an engine of `spec` prints at `out` after `n` batches, fed `typed` before batch `i`.
fn reference(spec: &PipelineSpec, n: u64, typed: &[(u64, &str, &str)], out: &str) -> Vec<String> {
    let mut e = Engine::new(spec.clone()).expect("valid");
    let mut last = Vec::new();
    for b in 0..n {
        for (_, node, line) in typed.iter().filter(|(i, _, _)| *i == b) {
            e.feed(node, vec![Value::str(line)]).expect("feed");
        }
        let r = e.tick().expect("tick");
        if let Some(o) = r.outputs.iter().find(|o| o.output == out) {
            last = o.records.iter().map(Value::to_string).collect();
        }
    }
    last.sort();
    last
}

#[test]
fn play_runs_batches_in_the_worker_and_the_header_shows_the_batch_time() {
    let mut sim = Sim::example("windowed-word-count");
    assert_eq!(sim.state.run.phase, Phase::Ready);
    assert_eq!(sim.state.hint().as_deref(), Some(FIRST));
    sim.act(Action::Play);
    assert!(sim.timer.is_some(), "playing starts the batch timer");
    sim.steps(4);
    assert_eq!(sim.state.clock(), (4, 4000));
    assert_eq!(sim.state.hint(), None);
    assert_eq!(
        sim.printed("out"),
        reference(&spec("windowed-word-count"), 4, &[], "out")
    );
    sim.act(Action::Pause);
    assert_eq!(sim.timer, None, "pausing stops it");
    // Every tick went to the worker: the page holds no engine.
    let ticks = sim
        .sent
        .iter()
        .filter(|r| matches!(r, Request::Tick { .. }))
        .count();
    assert_eq!(ticks, 4);
}

const FIRST: &str = "Press play or step (→) to run the first batch.";

#[test]
fn a_failing_batch_keeps_its_input_and_runs_again_with_it_once_the_lambda_is_fixed() {
    let mut sim = Sim::example("typed-lines");
    sim.type_line("socket", "a b");
    sim.step();
    // A lambda that fails on a line starting with "x": that batch fails and stays the next.
    let failing =
        "line => { val n = if (line.startsWith(\"x\")) \"q\".toInt else 0; line.split(\" \") }";
    sim.act(Action::SetField {
        node: "words".into(),
        field: "fn".into(),
        value: Some(serde_json::json!(failing)),
    });
    assert!(
        sim.state.spec_errors.is_empty(),
        "{:?}",
        sim.state.spec_errors
    );
    assert_eq!(sim.state.run.batches_run, 1, "the edit re-ran batch 0");
    sim.type_line("socket", "x y\nc");
    sim.step();
    let error = sim.state.run.batch_error.clone().expect("the batch fails");
    assert_eq!(error.batch, 1);
    assert_eq!(sim.state.run.batches_run, 1);
    assert_eq!(sim.state.input.logged("socket", 1), 2, "its input is kept");
    // Fix the lambda: the new context re-runs batch 0 and holds batch 1's lines for it.
    sim.act(Action::SetField {
        node: "words".into(),
        field: "fn".into(),
        value: Some(serde_json::json!("line => line.split(\" \")")),
    });
    assert!(sim.state.run.batch_error.is_none());
    assert_eq!(sim.state.run.batches_run, 1);
    sim.step();
    assert_eq!(sim.state.run.batches_run, 2);
    let want = reference(
        &spec("typed-lines"),
        2,
        &[
            (0, "socket", "a b"),
            (1, "socket", "x y"),
            (1, "socket", "c"),
        ],
        "batch_counts",
    );
    assert_eq!(sim.printed("batch_counts"), want);
    assert_eq!(want, ["(c,1)", "(x,1)", "(y,1)"]);
}

#[test]
fn an_edit_mid_run_re_runs_the_logged_input_up_to_the_batch_reached() {
    let mut sim = Sim::example("typed-lines");
    let typed = [
        (0, "socket", "a b a"),
        (1, "socket", "b"),
        (3, "socket", "c a"),
    ];
    for b in 0..5u64 {
        for (_, node, line) in typed.iter().filter(|(i, _, _)| *i == b) {
            sim.type_line(node, line);
        }
        sim.step();
    }
    sim.type_line("socket", "not sent yet");
    // Edit the window: a new context, re-run with the edit up to batch 5.
    sim.act(Action::SetField {
        node: "recent".into(),
        field: "window_ms".into(),
        value: Some(serde_json::json!(4000)),
    });
    assert_eq!(sim.state.run.batches_run, 5);
    assert!(sim
        .state
        .run
        .history
        .iter()
        .all(|v| v.origin == Origin::Rerun));
    let mut edited = spec("typed-lines");
    if let Some(n) = edited.nodes.iter_mut().find(|n| n.id == "recent") {
        n.fields.insert("window_ms".into(), serde_json::json!(4000));
    }
    assert_eq!(
        sim.printed("recent_counts"),
        reference(&edited, 4, &typed, "recent_counts"),
        "the last firing (t = 4 s) is what Spark would print for the edited program"
    );
    assert_eq!(
        sim.state.input.drafts.get("socket").map(String::as_str),
        Some("not sent yet"),
        "the box keeps what was typed"
    );
    assert_eq!(
        sim.state.input.log.line_count(),
        3,
        "nothing typed is dropped"
    );
}

#[test]
fn a_reload_recovers_the_checkpoint_and_the_header_and_hint_say_where_the_stream_is() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))));
    sim.steps(6);
    assert_eq!(
        sim.storage
            .kept(&sim.state.checkpoints.pipeline)
            .iter()
            .map(|m| m.batches_run)
            .collect::<Vec<_>>(),
        [2, 4, 6]
    );
    let mut page = sim.reload();
    assert_eq!(page.state.example.as_deref(), Some("windowed-word-count"));
    assert_eq!(
        page.state.clock(),
        (6, 6000),
        "the header time is the batch time"
    );
    assert_ne!(page.state.hint().as_deref(), Some(FIRST));
    assert!(
        matches!(&page.state.checkpoints.status, Some(Status::Info(t)) if t.contains("checkpoint-6000") && t.contains("getOrCreate")),
        "{:?}",
        page.state.checkpoints.status
    );
    page.steps(2);
    sim.steps(2);
    assert_eq!(page.printed("out"), sim.printed("out"));
    assert_eq!(page.state.run.batches_run, 8);
}

#[test]
fn a_rewind_keeps_the_batches_shown_greyed_and_continues_from_the_checkpoint() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))));
    sim.steps(6);
    let at4 = sim.state.checkpoints.kept[1].clone();
    assert_eq!(at4.batches_run, 4);
    sim.act(Action::Checkpoint(CheckpointAction::TravelTo(at4.key)));
    assert_eq!(sim.state.clock(), (4, 4000));
    assert_eq!(
        sim.state.run.history.len(),
        6,
        "the axis keeps what was shown"
    );
    assert!(sim
        .state
        .run
        .history
        .iter()
        .all(|v| v.origin == Origin::Before(Restart::Rewind)));
    sim.steps(2);
    let latest = sim.state.run.history.iter().find(|v| v.report.batch == 4);
    assert_eq!(latest.map(|v| v.origin), Some(Origin::Live));
    assert_eq!(
        sim.printed("out"),
        reference(&spec("windowed-word-count"), 6, &[], "out"),
        "the window at t = 6 s, computed from the checkpoint's state"
    );
}

#[test]
fn killing_a_receiver_keeps_the_axis_and_the_loss_shows_in_the_next_batch() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(3);
    let shown = sim.state.run.history.len();
    sim.act(Action::Lab(LabAction::Configure(LabSetting::Mode(
        ReceiverMode::Push,
    ))));
    sim.act(Action::Lab(LabAction::Kill(Fault::Receiver)));
    let report = sim.state.lab.last.clone().expect("a report");
    assert_eq!(sim.state.run.history.len(), shown, "the axis stays");
    assert!(sim.state.run.history.iter().all(|v| v.current()));
    assert_eq!(sim.state.clock(), (3, 3000));
    sim.step();
    let input = sim.state.run.history.back().map(|v| v.report.input_records);
    let mut e = Engine::new(spec("windowed-word-count")).expect("valid");
    for _ in 0..3 {
        e.tick().expect("tick");
    }
    let full = e.tick().expect("tick").input_records;
    assert_eq!(input, Some(full - report.lost), "{report:?}");
}

#[test]
fn killing_the_driver_restarts_from_the_checkpoint_and_greys_the_batches_before() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))));
    sim.steps(5);
    sim.act(Action::Lab(LabAction::Kill(Fault::Driver)));
    let report = sim.state.lab.last.clone().expect("a report");
    assert_eq!(report.restored_from, Some(4));
    assert_eq!(sim.state.clock(), (4, 4000));
    assert!(sim
        .state
        .run
        .history
        .iter()
        .all(|v| v.origin == Origin::Before(Restart::Driver)));
    sim.step();
    assert_eq!(sim.state.run.batches_run, 5);
}

#[test]
fn killing_an_executor_reports_what_it_recomputed() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(2);
    sim.act(Action::Lab(LabAction::Kill(Fault::Executor(1))));
    let report = sim.state.lab.last.clone().expect("a report");
    assert!(!report.recomputed.is_empty(), "{report:?}");
    assert_eq!(sim.state.clock(), (2, 2000));
}

#[test]
fn reset_is_a_new_context_that_drops_the_pipelines_checkpoints_after_asking() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))));
    sim.steps(4);
    sim.act(Action::Lab(LabAction::Kill(Fault::Receiver)));
    assert!(sim.state.lab.last.is_some());
    let slot = sim.state.checkpoints.pipeline.clone();
    sim.act(Action::Reset);
    assert!(
        sim.state.confirm_reset,
        "there are checkpoints: the page asks first"
    );
    assert_eq!(sim.state.run.batches_run, 4, "nothing happened yet");
    sim.act(Action::ConfirmReset(false));
    assert_eq!(sim.storage.kept(&slot).len(), 2);
    sim.act(Action::Reset);
    sim.act(Action::ConfirmReset(true));
    assert_eq!(sim.state.clock(), (0, 0));
    assert!(sim.state.run.history.is_empty());
    assert!(
        sim.storage.kept(&slot).is_empty(),
        "the checkpoints are gone"
    );
    assert!(sim.state.lab.last.is_none() && sim.state.lab.lost_total == 0);
    let page = sim.reload();
    assert_eq!(
        page.state.clock(),
        (0, 0),
        "a reload after Reset starts anew"
    );
}

#[test]
fn another_example_clears_the_fault_labs_totals() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(2);
    sim.act(Action::Lab(LabAction::Kill(Fault::Receiver)));
    assert!(sim.state.lab.last.is_some());
    sim.act(Action::LoadExample("log-alarmer".into()));
    assert!(sim.state.lab.last.is_none());
    assert_eq!(
        (sim.state.lab.lost_total, sim.state.lab.recovered_total),
        (0, 0)
    );
}

#[test]
fn replies_of_an_old_context_and_late_replies_change_nothing() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(2);
    let before = sim.state.run.generation;
    // An edit makes a new context; a report of the old one arriving late is dropped.
    sim.act(Action::SetField {
        node: "out".into(),
        field: "num".into(),
        value: Some(serde_json::json!(20)),
    });
    assert!(sim.state.run.generation > before);
    let mut old = Engine::new(spec("windowed-word-count")).expect("valid");
    let stale = old.tick().expect("tick");
    let history = sim.state.run.history.clone();
    sim.act(Action::Worker(WorkerEvent::Reply {
        reply: Box::new(Reply::Report {
            generation: before,
            report: stale,
            snapshot: None,
        }),
        at_ms: 0.0,
    }));
    assert_eq!(sim.state.run.history, history);
    assert_eq!(sim.state.run.batches_run, 2);
    // A tick while the last one is still in the worker waits its turn (Spark's job queue).
    sim.dispatch(Action::Tick {
        due_ms: 10.0,
        fired_ms: 10.0,
    });
    let in_worker = sim.inbox.len();
    assert!(in_worker > 0, "the worker answered into the inbox");
    sim.dispatch(Action::Tick {
        due_ms: 11.0,
        fired_ms: 11.0,
    });
    assert_eq!(sim.state.run.queued.len(), 1);
    sim.settle();
    assert_eq!(sim.state.run.batches_run, 4);
    let waited = sim.state.run.metrics.back().map(|m| m.scheduling_delay_ms);
    assert!(waited.is_some());
}

#[test]
fn a_restore_that_fails_is_named_and_the_next_older_checkpoint_is_used() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))));
    sim.steps(6);
    let slot = sim.state.checkpoints.pipeline.clone();
    let newest = sim.storage.kept(&slot).last().cloned().expect("kept");
    if let Some(b) = sim.storage.bytes.get_mut(&newest.key) {
        let last = b.len() - 1;
        b[last] ^= 0x55;
    }
    let page = sim.reload();
    assert_eq!(page.state.clock(), (4, 4000));
    assert!(page.state.checkpoints.damaged.contains(&newest.key));
    assert!(
        matches!(&page.state.checkpoints.status, Some(Status::Error(t)) if t.contains("checkpoint-6000") && t.contains("corrupt")),
        "{:?}",
        page.state.checkpoints.status
    );
}

#[test]
fn a_full_quota_is_named_and_the_last_good_checkpoint_stays() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))));
    sim.steps(2);
    sim.storage.refuse_writes =
        Some("the browser's storage for this page is full (QuotaExceededError)".into());
    sim.steps(2);
    assert!(
        matches!(&sim.state.checkpoints.status, Some(Status::Error(t)) if t.contains("QuotaExceededError") && t.contains("checkpoint-2000 stays")),
        "{:?}",
        sim.state.checkpoints.status
    );
    assert_eq!(sim.state.run.batches_run, 4, "the playground ticks on");
}

#[test]
fn requests_before_the_worker_is_ready_wait_for_it() {
    let mut sim = Sim::new(State::default());
    sim.dispatch(Action::Mounted);
    sim.settle();
    assert_eq!(sim.state.run.phase, Phase::Starting);
    assert!(sim.sent.is_empty(), "nothing is sent before Ready");
    sim.dispatch(Action::Worker(WorkerEvent::Ready));
    sim.settle();
    assert_eq!(sim.state.run.phase, Phase::Ready);
    assert!(matches!(sim.sent.first(), Some(Request::Start { .. })));
}

#[test]
fn a_worker_that_fails_stops_the_page_with_its_message() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::Play);
    sim.act(Action::Worker(WorkerEvent::Failed("out of memory".into())));
    assert!(!sim.state.playing && !sim.state.runnable());
    let (_, fx) = sim.state.reduce(Action::Tick {
        due_ms: 0.0,
        fired_ms: 0.0,
    });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Send(_))));
}

#[test]
fn without_an_output_op_the_page_refuses_to_start_with_sparks_message() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::RemoveNode("out".into()));
    let messages: Vec<String> = sim
        .state
        .spec_errors
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        messages,
        ["requirement failed: No output operations registered, so nothing to execute"]
    );
    assert!(!sim.state.runnable());
    assert_eq!(
        dstream_playground::ui::props::types(&sim.state)
            .get("counts")
            .map(String::as_str),
        Some("(String, Int)"),
        "the edges still show their types"
    );
}

#[test]
fn checkpoints_off_refuses_stateful_ops_and_writes_nothing_for_the_rest() {
    let mut sim = Sim::example("running-totals");
    sim.act(Action::Checkpoint(CheckpointAction::SetEnabled(false)));
    assert_eq!(sim.state.spec.checkpoint, Some(false));
    let messages: Vec<String> = sim
        .state
        .spec_errors
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert!(
        messages.iter().any(|m| m.ends_with("requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().")),
        "{messages:?}"
    );
    assert!(!sim.state.runnable());
    sim.act(Action::Checkpoint(CheckpointAction::SetEnabled(true)));
    assert!(sim.state.spec_errors.is_empty());

    // A window without an inverse runs without a checkpoint directory; nothing is written.
    let mut sim = Sim::example("log-alarmer");
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        1000,
    ))));
    sim.act(Action::Checkpoint(CheckpointAction::SetEnabled(false)));
    let messages: Vec<String> = sim
        .state
        .spec_errors
        .iter()
        .map(|e| e.to_string())
        .collect();
    // countByWindow is built on an inverse window: refused; reduceByWindow without one is not.
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`err_count`")
                && m.contains("checkpoint directory has not been set")),
        "{messages:?}"
    );
    assert!(
        !messages.iter().any(|m| m.contains("`ratio`")),
        "{messages:?}"
    );
    let mut windows = Sim::example("windowed-word-count");
    windows.act(Action::SetField {
        node: "counts".into(),
        field: "inverse".into(),
        value: None,
    });
    windows.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        1000,
    ))));
    windows.act(Action::Checkpoint(CheckpointAction::SetEnabled(false)));
    assert!(
        windows.state.spec_errors.is_empty(),
        "{:?}",
        windows.state.spec_errors
    );
    windows.steps(3);
    assert_eq!(windows.state.run.batches_run, 3);
    assert!(
        windows
            .storage
            .kept(&windows.state.checkpoints.pipeline)
            .is_empty(),
        "no ssc.checkpoint(dir): nothing checkpointed"
    );
    assert!(
        matches!(&windows.state.checkpoints.status, Some(Status::Info(t)) if t.contains("never calls ssc.checkpoint(dir)")),
        "{:?}",
        windows.state.checkpoints.status
    );
}

#[test]
fn after_a_restart_an_accumulator_starts_at_zero_and_the_page_says_why() {
    let mut sim = Sim::example("running-totals");
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))));
    sim.steps(4);
    let before = sim.printed("sales_seen");
    let page = sim.reload();
    assert_eq!(page.state.clock(), (4, 4000));
    let notice = page.state.run.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("sales_seen") && notice.contains("starts again at 0"),
        "{notice}"
    );
    let mut page = page;
    page.step();
    // The accumulator now holds only batch #4's sales, far less than the 5 batches' total.
    let mut fresh = Engine::new(spec("running-totals")).expect("valid");
    let mut fifth = Vec::new();
    for _ in 0..5 {
        fifth = fresh.tick().expect("tick").nodes;
    }
    let sales = fifth
        .iter()
        .find(|n| n.id == "sales")
        .map(|n| n.count)
        .expect("sales");
    assert_eq!(page.printed("sales_seen"), [sales.to_string()]);
    assert_ne!(page.printed("sales_seen"), before);
}

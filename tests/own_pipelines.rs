//! Native scenarios of a learner's own pipelines, on the page's run model (`sim`: the
//! reducer, the worker's engine host in process, IndexedDB in memory): New pipeline, the
//! draft a reload brings back (with and without a checkpoint), Spark's choice when the draft
//! changed after its checkpoint, undo and redo, My pipelines, share links (every gallery
//! example round trip, and every kind of bad link refused with nothing changed), import and
//! export, fast-forward, and the state lane's counts. References are engines run directly.
#![cfg(not(target_arch = "wasm32"))]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use dstream_engine::{Engine, InputLog, PipelineSpec, StateChanges, Value};
use dstream_playground::examples::{self, EXAMPLES};
use dstream_playground::protocol::HISTORY_LEN;
use dstream_playground::share;
use dstream_playground::sim::{MemoryStorage, Sim, SIM_PAGE};
use dstream_playground::state::{
    Action, CheckpointAction, FastForward, LibraryAction, Load, PageEffect, Phase, ReloadChoice,
    State, Status,
};
use dstream_playground::ui::state_lane::changes_by_batch;

fn spec(slug: &str) -> PipelineSpec {
    examples::find(slug)
        .and_then(|e| e.spec().ok())
        .unwrap_or_else(|| panic!("example {slug}"))
}

fn every_2_s(sim: &mut Sim) {
    sim.act(Action::Checkpoint(CheckpointAction::SetInterval(Some(
        2000,
    ))));
}

// ---- New pipeline, the draft, the reload's choice ------------------------------------------

#[test]
fn new_pipeline_is_an_empty_one_with_a_source_whose_name_and_description_are_editable() {
    let mut sim = Sim::example("top-sellers");
    sim.act(Action::NewPipeline);
    let s = &sim.state;
    assert_eq!(s.spec.nodes.len(), 1);
    assert_eq!(s.spec.nodes[0].op, "textInput");
    assert_eq!(s.example, None);
    assert_eq!(
        s.doc.based_on, None,
        "not edited from the example shown before"
    );
    assert_eq!(s.clock(), (0, 0));
    // Spark refuses a program without an output operation, and the page says so.
    assert!(
        s.spec_errors
            .iter()
            .any(|e| e.message.contains("No output operations registered")),
        "{:?}",
        s.spec_errors
    );
    let generation = s.run.generation;
    sim.act(Action::SetName("Words per batch".into()));
    sim.act(Action::SetDescription("Counts what I type.".into()));
    assert_eq!(sim.state.spec.name.as_deref(), Some("Words per batch"));
    assert_eq!(
        sim.state.spec.description.as_deref(),
        Some("Counts what I type.")
    );
    assert_eq!(
        sim.state.run.generation, generation,
        "a name is no part of the DAG: no new context"
    );
    // HTML is refused as a name, and nothing changes.
    sim.act(Action::SetName("<img src=x onerror=alert(1)>".into()));
    assert_eq!(sim.state.spec.name.as_deref(), Some("Words per batch"));
    assert!(sim
        .state
        .doc
        .text_error
        .as_deref()
        .is_some_and(|e| e.contains("HTML")));
}

#[test]
fn an_edited_example_is_the_learners_own_and_says_where_it_came_from() {
    let mut sim = Sim::example("windowed-word-count");
    let story = dstream_playground::ui::props::story(&sim.state, yew::Callback::noop());
    assert!(story.example && story.edited_from.is_none());
    sim.set_field("counts", "window_ms", serde_json::json!(6000));
    let story = dstream_playground::ui::props::story(&sim.state, yew::Callback::noop());
    assert!(
        !story.example,
        "its story is no longer told as the example's"
    );
    assert_eq!(story.edited_from.as_deref(), Some("Windowed word count"));
}

#[test]
fn a_reload_before_any_checkpoint_brings_the_edited_draft_back_at_batch_0() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(3);
    sim.set_field("pairs", "fn", serde_json::json!("w => (w, 2)"));
    sim.act(Action::SetName("Doubled".into()));
    assert!(sim.state.checkpoints.kept.is_empty(), "no checkpoint yet");
    let edited = (*sim.state.spec).clone();
    let page = sim.reload();
    assert_eq!(*page.state.spec, edited, "the draft is back");
    assert_eq!(
        page.state.doc.based_on.as_deref(),
        Some("windowed-word-count")
    );
    assert_eq!(page.state.clock(), (0, 0), "no checkpoint: a new context");
    assert_eq!(page.state.run.phase, Phase::Ready);
    assert_eq!(page.state.doc.choice, None);
}

#[test]
fn a_reload_recovers_the_drafts_checkpoint_and_a_new_name_alone_is_kept_without_asking() {
    let mut sim = Sim::example("windowed-word-count");
    every_2_s(&mut sim);
    sim.steps(4);
    sim.act(Action::SetName("My windowed count".into()));
    let page = sim.reload();
    assert_eq!(page.state.doc.choice, None, "same DAG: nothing to choose");
    assert_eq!(
        page.state.clock(),
        (4, 4000),
        "recovered from checkpoint-4000"
    );
    assert_eq!(page.state.spec.name.as_deref(), Some("My windowed count"));
}

#[test]
fn a_draft_edited_after_its_checkpoint_asks_and_recovering_runs_the_checkpointed_dag() {
    let mut sim = Sim::example("windowed-word-count");
    every_2_s(&mut sim);
    sim.steps(4);
    sim.set_field("pairs", "fn", serde_json::json!("w => (w, 10)"));
    let edited = (*sim.state.spec).clone();
    let mut page = sim.reload();
    let choice = page.state.doc.choice.clone().expect("the page asks");
    assert_eq!(choice.newest.name(), "checkpoint-4000");
    assert_eq!(page.state.doc.load, Load::Choosing);
    assert_eq!(page.state.transport().status.0, "your choice");
    assert_eq!(*page.state.spec, edited, "the draft is shown while it asks");
    page.act(Action::Choose(ReloadChoice::RecoverCheckpointed));
    assert_eq!(page.state.clock(), (4, 4000));
    assert_eq!(
        *page.state.spec,
        spec("windowed-word-count"),
        "Spark recovers the DAG the checkpoint holds"
    );
    assert!(matches!(&page.state.doc.status, Some(Status::Info(t)) if t.contains("Undo")));
    // Undo brings the edit back, as a new context re-running up to batch 4.
    page.act(Action::Undo);
    assert_eq!(*page.state.spec, edited);
    assert_eq!(page.state.clock(), (4, 4000));
    page.step();
    let mut reference = Engine::new(edited).expect("valid");
    let mut last = Vec::new();
    for _ in 0..5 {
        if let Some(o) = reference.tick().expect("tick").outputs.pop() {
            last = o.records.iter().map(Value::to_string).collect();
        }
    }
    last.sort();
    assert_eq!(page.printed("out"), last);
}

#[test]
fn starting_the_edited_draft_fresh_uses_a_new_checkpoint_directory_that_the_next_reload_recovers() {
    let mut sim = Sim::example("windowed-word-count");
    every_2_s(&mut sim);
    sim.steps(4);
    sim.set_field("pairs", "fn", serde_json::json!("w => (w, 10)"));
    let edited = (*sim.state.spec).clone();
    let mut page = sim.reload();
    page.act(Action::Choose(ReloadChoice::StartEdited));
    assert_eq!(page.state.clock(), (0, 0));
    assert_eq!(*page.state.spec, edited);
    // A new directory: its interval setting starts as Spark's default again.
    every_2_s(&mut page);
    page.steps(2);
    assert_eq!(
        page.state.checkpoints.kept.len(),
        1,
        "its own checkpoint-2000"
    );
    let again = page.reload();
    assert_eq!(
        again.state.doc.choice, None,
        "its own checkpoint: no question"
    );
    assert_eq!(again.state.clock(), (2, 2000));
    assert_eq!(*again.state.spec, edited);
}

#[test]
fn a_draft_that_cannot_be_kept_is_said_and_the_page_runs_on() {
    let mut sim = Sim::example("windowed-word-count");
    sim.storage.refuse_writes = Some("QuotaExceededError".into());
    sim.set_field("counts", "window_ms", serde_json::json!(6000));
    assert!(
        sim.state
            .doc
            .draft_error
            .as_deref()
            .is_some_and(|t| t.contains("QuotaExceededError") && t.contains("draft")),
        "{:?}",
        sim.state.doc.draft_error
    );
    sim.step();
    assert_eq!(sim.state.run.batches_run, 1);
}

// ---- Undo and redo ---------------------------------------------------------------------------

#[test]
fn undo_and_redo_take_back_an_add_a_remove_and_an_edit_typed_key_by_key() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(2);
    let original = (*sim.state.spec).clone();
    sim.act(Action::Select(Some("counts".into())));
    sim.act(Action::AddNode("filter".into()));
    assert_eq!(sim.state.spec.nodes.len(), original.nodes.len() + 1);
    let added = (*sim.state.spec).clone();
    sim.act(Action::Undo);
    assert_eq!(*sim.state.spec, original, "undo of an add");
    assert_eq!(sim.state.clock(), (2, 2000), "the edit re-runs to batch 2");
    sim.act(Action::Redo);
    assert_eq!(*sim.state.spec, added, "redo of an add");
    sim.act(Action::Undo);
    // A remove takes the node's edges with it; undo puts them back.
    sim.act(Action::RemoveNode("pairs".into()));
    assert!(sim.state.spec.nodes.iter().all(|n| n.id != "pairs"));
    sim.act(Action::Undo);
    assert_eq!(*sim.state.spec, original, "undo of a remove");
    // A lambda typed key by key is one step.
    for text in ["w", "w =", "w =>", "w => (w, 3)"] {
        sim.set_field("pairs", "fn", serde_json::json!(text));
    }
    let typed = (*sim.state.spec).clone();
    sim.act(Action::Undo);
    assert_eq!(*sim.state.spec, original, "one undo for the whole lambda");
    sim.act(Action::Redo);
    assert_eq!(*sim.state.spec, typed);
    // A new edit after an undo drops what could be redone.
    sim.act(Action::Undo);
    sim.set_field("counts", "window_ms", serde_json::json!(6000));
    assert!(!sim.state.doc.can_redo());
    assert_eq!(sim.state.clock(), (2, 2000));
}

#[test]
fn undo_after_opening_another_pipeline_brings_the_previous_one_back() {
    let mut sim = Sim::example("windowed-word-count");
    sim.set_field("counts", "window_ms", serde_json::json!(6000));
    let mine = (*sim.state.spec).clone();
    sim.act(Action::LoadExample("log-alarmer".into()));
    sim.act(Action::NewPipeline);
    sim.act(Action::Undo);
    assert_eq!(*sim.state.spec, spec("log-alarmer"));
    assert_eq!(sim.state.example.as_deref(), Some("log-alarmer"));
    sim.act(Action::Undo);
    assert_eq!(*sim.state.spec, mine);
    assert_eq!(
        sim.state.doc.based_on.as_deref(),
        Some("windowed-word-count")
    );
    sim.act(Action::Redo);
    assert_eq!(*sim.state.spec, spec("log-alarmer"));
}

#[test]
fn undoing_a_rename_is_no_new_context() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(3);
    sim.act(Action::SetName("A".into()));
    let generation = sim.state.run.generation;
    sim.act(Action::Undo);
    assert_eq!(sim.state.spec.name.as_deref(), Some("Windowed word count"));
    assert_eq!(sim.state.run.generation, generation);
    assert_eq!(sim.state.example.as_deref(), Some("windowed-word-count"));
}

// ---- My pipelines ------------------------------------------------------------------------------

#[test]
fn my_pipelines_save_as_rename_open_and_delete() {
    let mut sim = Sim::example("windowed-word-count");
    sim.set_field("counts", "window_ms", serde_json::json!(6000));
    let lib = |a| Action::Library(a);
    sim.act(lib(LibraryAction::SaveAs("Six seconds".into())));
    assert_eq!(sim.state.spec.name.as_deref(), Some("Six seconds"));
    assert_eq!(sim.state.doc.saved_as.as_deref(), Some("Six seconds"));
    assert_eq!(sim.state.library.items.len(), 1);
    assert_eq!(sim.storage.saved[0].spec, *sim.state.spec);
    sim.act(lib(LibraryAction::Rename {
        from: "Six seconds".into(),
        to: "Six s".into(),
    }));
    assert_eq!(sim.state.library.items[0].name, "Six s");
    assert_eq!(
        sim.state.spec.name.as_deref(),
        Some("Six s"),
        "the one shown"
    );
    let saved = (*sim.state.spec).clone();
    sim.act(Action::LoadExample("log-alarmer".into()));
    // A page opened later lists it and opens it.
    let mut page = sim.reload();
    assert_eq!(page.state.library.items.len(), 1);
    page.act(lib(LibraryAction::Open("Six s".into())));
    assert_eq!(*page.state.spec, saved);
    assert_eq!(page.state.doc.saved_as.as_deref(), Some("Six s"));
    // A name taken is refused; delete asks first.
    page.act(lib(LibraryAction::SaveAs("Other".into())));
    page.act(lib(LibraryAction::Rename {
        from: "Six s".into(),
        to: "Other".into(),
    }));
    assert!(
        matches!(&page.state.library.status, Some(Status::Error(t)) if t.contains("exists")),
        "{:?}",
        page.state.library.status
    );
    page.act(lib(LibraryAction::Delete("Other".into())));
    assert_eq!(page.state.library.items.len(), 2, "not before the answer");
    page.act(lib(LibraryAction::ConfirmDelete(true)));
    let names: Vec<&str> = page
        .state
        .library
        .items
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["Six s"]);
}

// ---- Share links, import and export -----------------------------------------------------------

/// The fragment of the link the page made.
fn share_of(sim: &mut Sim) -> String {
    sim.act(Action::Share);
    let url = sim.state.sharing.link.clone().expect("a link");
    assert!(url.starts_with(SIM_PAGE), "{url}");
    url[SIM_PAGE.len()..].to_string()
}

#[test]
fn every_gallery_example_round_trips_through_a_share_link_of_under_2000_characters() {
    let mut lengths = Vec::new();
    for e in EXAMPLES {
        let mut sim = Sim::example(e.slug);
        sim.steps(2);
        let fragment = share_of(&mut sim);
        // The address a learner sends: the served page and the fragment.
        let link = format!("http://127.0.0.1:8080/{fragment}");
        lengths.push(format!("{}: {}", e.slug, link.len()));
        assert!(link.len() < 2000, "{}: {} characters", e.slug, link.len());
        let mut other = Sim::example("firehose");
        other.steps(3);
        other.act(Action::OpenLink(fragment));
        assert_eq!(*other.state.spec, spec(e.slug), "{}", e.slug);
        assert_eq!(other.state.example.as_deref(), Some(e.slug));
        assert_eq!(other.state.clock(), (0, 0), "{}: at batch 0", e.slug);
        assert_eq!(other.state.run.phase, Phase::Ready);
        assert!(other.page.contains(&PageEffect::ClearFragment));
    }
    println!("link lengths: {}", lengths.join(", "));
}

#[test]
fn a_link_carries_the_typed_input_which_runs_with_its_batches_when_opened() {
    let mut sim = Sim::example("typed-lines");
    sim.type_line("socket", "to be or not");
    sim.step();
    sim.type_line("socket", "to be");
    sim.steps(2);
    sim.type_line("socket", "be quick");
    sim.step();
    let fragment = share_of(&mut sim);
    let mut other = Sim::example("windowed-word-count");
    other.act(Action::OpenLink(fragment));
    assert_eq!(other.state.clock(), (0, 0));
    assert_eq!(
        *other.state.input.log, *sim.state.input.log,
        "the input is queued"
    );
    assert!(
        matches!(&other.state.sharing.message, Some(Status::Info(t)) if t.contains("batches #0 to #3")),
        "{:?}",
        other.state.sharing.message
    );
    other.steps(4);
    assert_eq!(other.printed("batch_counts"), sim.printed("batch_counts"));
    assert_eq!(other.printed("recent_counts"), sim.printed("recent_counts"));
    // Undo brings back what the page had.
    other.act(Action::Undo);
    assert_eq!(*other.state.spec, spec("windowed-word-count"));
}

fn zlib_b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6))
}

/// Every way a link can be wrong: each is refused with a message naming it, and the page is
/// exactly as it was (pipeline, run, input, draft).
#[test]
fn bad_links_are_refused_with_a_message_naming_what_is_wrong_and_change_nothing() {
    let good = share::encode(&spec("typed-lines"), &InputLog::default());
    let payload = &good["pipeline=v1.".len()..];
    let mid = payload.len() / 2;
    let mut tampered: Vec<char> = payload.chars().collect();
    tampered[mid] = if tampered[mid] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let mut with_html = spec("typed-lines");
    with_html.name = Some("<img src=x onerror=alert(1)>".into());
    let mut type_error = spec("typed-lines");
    type_error.nodes[1]
        .fields
        .insert("fn".into(), serde_json::json!("line => line * 2"));
    let mut wrong_input = InputLog::default();
    wrong_input.push(0, "words", ["x".to_string()]);
    let spec_v2 =
        serde_json::json!({"pipeline": {"version": 2, "batch_interval_ms": 1000, "nodes": []}});
    let bomb = vec![b' '; 2 * share::MAX_JSON_BYTES];
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "bad base64",
            format!("pipeline=v1.{}*{}", &payload[..10], &payload[10..]),
            "not base64url",
        ),
        (
            "bad deflate",
            format!(
                "pipeline=v1.{}",
                URL_SAFE_NO_PAD.encode(b"not zlib data at all")
            ),
            "does not decompress",
        ),
        ("truncated", good[..good.len() / 2].to_string(), "cut short"),
        (
            "tampered",
            format!("pipeline=v1.{tampered}"),
            "link was changed",
        ),
        (
            "bad JSON",
            format!("pipeline=v1.{}", zlib_b64(b"{\"pipeline\": {not json")),
            "not JSON",
        ),
        (
            "not a pipeline",
            format!(
                "pipeline=v1.{}",
                zlib_b64(br#"{"pipeline": {"version": 1}}"#)
            ),
            "not a pipeline",
        ),
        (
            "unknown link version",
            format!("pipeline=v2.{payload}"),
            "share-link format v2",
        ),
        (
            "a version that is no number",
            format!("pipeline=vX.{payload}"),
            "\"vX\"",
        ),
        (
            "pipeline format 2",
            format!("pipeline=v1.{}", zlib_b64(spec_v2.to_string().as_bytes())),
            "pipeline format version 2",
        ),
        (
            "a lambda with a type error",
            share::encode(&type_error, &InputLog::default()),
            "does not compile",
        ),
        (
            "a huge link",
            format!("pipeline=v1.{}", "A".repeat(share::MAX_LINK_CHARS + 1)),
            "characters long",
        ),
        (
            "HTML in a name",
            share::encode(&with_html, &InputLog::default()),
            "HTML markup",
        ),
        (
            "input for a node that takes none",
            share::encode(&spec("typed-lines"), &wrong_input),
            "not a textInput",
        ),
        (
            "a zip bomb",
            format!("pipeline=v1.{}", zlib_b64(&bomb)),
            "decompresses to more than",
        ),
        ("empty", "pipeline=v1.".to_string(), "holds no pipeline"),
    ];
    for (what, fragment, says) in cases {
        let mut sim = Sim::example("windowed-word-count");
        sim.set_field("counts", "window_ms", serde_json::json!(6000));
        sim.steps(2);
        let before = (
            (*sim.state.spec).clone(),
            sim.state.clock(),
            sim.state.run.generation,
            (*sim.state.input.log).clone(),
            sim.storage.draft.clone(),
            sim.state.doc.undo.len(),
        );
        sim.act(Action::OpenLink(format!("#{fragment}")));
        let after = (
            (*sim.state.spec).clone(),
            sim.state.clock(),
            sim.state.run.generation,
            (*sim.state.input.log).clone(),
            sim.storage.draft.clone(),
            sim.state.doc.undo.len(),
        );
        assert!(before == after, "{what}: the page changed");
        match &sim.state.sharing.message {
            Some(Status::Error(t)) => {
                assert!(t.contains(says), "{what}: {t}");
                assert!(t.starts_with("The link was not opened: "), "{what}: {t}");
                assert!(t.ends_with("Nothing on the page changed."), "{what}: {t}");
            }
            other => panic!("{what}: {other:?}"),
        }
        assert!(!sim.page.contains(&PageEffect::ClearFragment), "{what}");
        // The toolbar's × closes the message (and the link box), and changes nothing else.
        sim.act(Action::CloseShareBar);
        assert_eq!(sim.state.sharing.message, None, "{what}");
        assert_eq!(sim.state.sharing.link, None, "{what}");
        assert!(*sim.state.spec == before.0, "{what}");
    }
}

#[test]
fn a_link_opened_at_page_load_wins_over_the_draft_which_stays_one_undo_away() {
    let mut first = Sim::example("windowed-word-count");
    first.set_field("counts", "window_ms", serde_json::json!(6000));
    let draft = (*first.state.spec).clone();
    let link = share::encode(&spec("running-totals"), &InputLog::default());
    // The page mounts and reads the link before the draft comes back from storage.
    let mut page = Sim::new(State::default());
    page.storage = first.storage.clone();
    page.dispatch(Action::Mounted);
    page.dispatch(Action::OpenLink(format!("#{link}")));
    page.dispatch(Action::Worker(
        dstream_playground::state::WorkerEvent::Ready,
    ));
    page.settle();
    assert_eq!(*page.state.spec, spec("running-totals"));
    assert_eq!(page.state.clock(), (0, 0));
    page.act(Action::Undo);
    assert_eq!(*page.state.spec, draft);
    // A bad link at load leaves the draft and its recovery as they would have been.
    let mut page = Sim::new(State::default());
    page.storage = first.storage.clone();
    page.dispatch(Action::Mounted);
    page.dispatch(Action::OpenLink("#pipeline=v1.%%%".into()));
    page.dispatch(Action::Worker(
        dstream_playground::state::WorkerEvent::Ready,
    ));
    page.settle();
    assert_eq!(*page.state.spec, draft);
    assert_eq!(page.state.run.phase, Phase::Ready);
    assert!(matches!(page.state.sharing.message, Some(Status::Error(_))));
}

#[test]
fn import_and_export_of_the_pipeline_json_file() {
    let mut sim = Sim::example("stateful-word-count");
    sim.act(Action::Export);
    let Some((file, text)) = sim.downloads.last().cloned() else {
        panic!("no download: {:?}", sim.page);
    };
    assert_eq!(file, "stateful-word-count-with-a-timeout.json");
    assert_eq!(
        PipelineSpec::from_json(&text).expect("pipeline JSON"),
        spec("stateful-word-count")
    );
    let mut other = Sim::example("log-alarmer");
    other.act(Action::Import {
        file: file.clone(),
        text: Ok(text),
    });
    assert_eq!(*other.state.spec, spec("stateful-word-count"));
    assert_eq!(other.state.clock(), (0, 0));
    // A file that is not a pipeline changes nothing.
    for (bad, says) in [
        ("{\"version\": 1", "not JSON"),
        ("{\"version\": 1, \"nodes\": []}", "not a pipeline"),
        (
            "{\"version\": 3, \"batch_interval_ms\": 1, \"nodes\": []}",
            "pipeline format version 3",
        ),
    ] {
        other.act(Action::Import {
            file: "mine.json".into(),
            text: Ok(bad.into()),
        });
        assert_eq!(*other.state.spec, spec("stateful-word-count"));
        assert!(
            matches!(&other.state.sharing.message, Some(Status::Error(t)) if t.starts_with("mine.json was not imported") && t.contains(says)),
            "{bad}: {:?}",
            other.state.sharing.message
        );
    }
}

// ---- Fast-forward ----------------------------------------------------------------------------

#[test]
fn top_sellers_fast_forwarded_to_3602_s_shows_batch_0_leaving_the_window_and_subtracted() {
    let mut sim = Sim::example("top-sellers");
    sim.slice = 500;
    sim.steps(2);
    sim.act(Action::FastForward(FastForward::ToTime(3_602_000)));
    assert_eq!(sim.state.clock(), (3602, 3_602_000));
    assert_eq!(sim.state.run.phase, Phase::Ready);
    // Progress came in slices, not one report per batch.
    assert_eq!(sim.state.run.history.len(), HISTORY_LEN);
    assert_eq!(
        sim.state.run.history.front().map(|v| v.report.batch),
        Some(3602 - HISTORY_LEN as u64)
    );
    let last = sim.state.run.history.back().expect("a batch");
    let hourly = last
        .report
        .nodes
        .iter()
        .find(|n| n.id == "hourly")
        .and_then(|n| n.window.clone())
        .expect("hourly fired at 3602 s");
    assert_eq!(hourly.removed, [0, 1], "batches #0 and #1 left the window");
    assert_eq!(hourly.added, [3600, 3601]);
    assert_eq!(hourly.covers.first(), Some(&2));
    // What it printed is what an engine run straight to that batch prints.
    let mut e = Engine::new(spec("top-sellers")).expect("valid");
    let mut want = Vec::new();
    for _ in 0..3602 {
        if let Some(o) = e.tick().expect("tick").outputs.pop() {
            want = o.records.iter().map(Value::to_string).collect();
        }
    }
    let got: Vec<String> = last.report.outputs[0]
        .records
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(got, want);
}

#[test]
fn a_fast_forward_can_be_cancelled_and_the_run_goes_on_from_where_it_stopped() {
    let mut sim = Sim::example("windowed-word-count");
    sim.auto_work = false;
    sim.slice = 40;
    sim.act(Action::FastForward(FastForward::By(1000)));
    assert_eq!(sim.state.run.phase, Phase::FastForwarding);
    assert!(sim.state.transport().fast_forwarding);
    sim.work_slice();
    sim.work_slice();
    sim.settle();
    assert_eq!(sim.state.run.progress, Some((80, 1000)));
    sim.act(Action::FastForward(FastForward::Cancel));
    sim.settle();
    assert_eq!(sim.state.run.phase, Phase::Ready);
    assert_eq!(sim.state.run.batches_run, 80);
    assert!(sim
        .state
        .run
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("cancelled after batch #79")));
    sim.auto_work = true;
    sim.step();
    let mut e = Engine::new(spec("windowed-word-count")).expect("valid");
    let mut want = Vec::new();
    for _ in 0..81 {
        if let Some(o) = e.tick().expect("tick").outputs.pop() {
            want = o.records.iter().map(Value::to_string).collect();
        }
    }
    want.sort();
    assert_eq!(sim.state.run.batches_run, 81);
    assert_eq!(sim.printed("out"), want);
}

#[test]
fn a_fast_forward_writes_the_last_checkpoint_due_which_a_reload_recovers() {
    let mut sim = Sim::example("windowed-word-count");
    sim.act(Action::FastForward(FastForward::ToTime(25_000)));
    assert_eq!(sim.state.clock(), (25, 25_000));
    let kept: Vec<u64> = sim
        .state
        .checkpoints
        .kept
        .iter()
        .map(|m| m.batches_run)
        .collect();
    assert_eq!(
        kept,
        [20],
        "Spark's default interval, 10 s: the last one due is at 20 s"
    );
    let page = sim.reload();
    assert_eq!(page.state.clock(), (20, 20_000));
}

#[test]
fn a_fast_forward_to_a_time_already_run_says_so() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(5);
    sim.act(Action::FastForward(FastForward::ToTime(3000)));
    assert_eq!(sim.state.clock(), (5, 5000));
    assert!(sim
        .state
        .run
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("batch #2, which has run")));
}

// ---- The state lane ----------------------------------------------------------------------------

/// Each batch's state changes of `node`, as an engine run directly reports them.
fn engine_changes(slug: &str, node: &str, n: u64) -> Vec<(u64, StateChanges)> {
    let mut e = Engine::new(spec(slug)).expect("valid");
    e.set_sample_limit(dstream_playground::protocol::SAMPLE_LIMIT);
    (0..n)
        .filter_map(|b| {
            let r = e.tick().expect("tick");
            let s = r.nodes.iter().find(|r| r.id == node)?.state.clone()?;
            Some((b, s))
        })
        .collect()
}

#[test]
fn the_state_lanes_counts_are_the_engines_for_running_totals_and_the_stateful_word_count() {
    for (slug, node, n) in [
        ("running-totals", "totals", 12),
        ("stateful-word-count", "counts", 20),
    ] {
        let mut sim = Sim::example(slug);
        sim.steps(n as usize);
        let shown: Vec<(u64, StateChanges)> = changes_by_batch(&sim.state.run.history, node)
            .into_iter()
            .map(|(b, c)| (b, c.clone()))
            .collect();
        assert_eq!(shown, engine_changes(slug, node, n), "{slug}");
    }
    // mapWithState's timeouts show at the batch where they fire: t = 10 s, a full scan.
    let mut sim = Sim::example("stateful-word-count");
    sim.steps(20);
    let lane = changes_by_batch(&sim.state.run.history, "counts");
    let timed_out: Vec<(u64, u64)> = lane
        .iter()
        .filter(|(_, c)| c.timed_out > 0)
        .map(|(b, c)| (*b, c.timed_out))
        .collect();
    assert_eq!(timed_out, [(9, 5), (19, 1)]);
    // Clicking a batch shows its state before and after.
    sim.act(Action::InspectState(Some(("counts".into(), 1))));
    let detail = dstream_playground::ui::props::state_detail(&sim.state, yew::Callback::noop())
        .expect("open");
    let c = detail.changes.expect("kept");
    assert_eq!(
        (c.added, c.updated, c.keys_before, c.keys_after),
        (1, 1, 4, 5)
    );
}

#[test]
fn the_draft_of_a_fresh_page_is_not_written_before_the_stored_one_is_read() {
    let mut storage = MemoryStorage::default();
    let mut mine = spec("log-alarmer");
    mine.name = Some("Mine".into());
    storage.draft = Some(dstream_playground::storage::DraftRecord {
        spec: mine.clone(),
        example: None,
        based_on: Some("log-alarmer".into()),
        saved_as: None,
        checkpointed: None,
    });
    let page = Sim::open_with(State::default(), storage);
    assert_eq!(*page.state.spec, mine);
    assert_eq!(page.storage.draft.as_ref().map(|d| &d.spec), Some(&mine));
}

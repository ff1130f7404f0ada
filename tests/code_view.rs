//! Native scenarios of the code view and the paste box on the page's run model (`sim`): the
//! program follows every edit and the typed input, an answer to an older ask is dropped, a
//! pasted Scala program becomes the pipeline, and one that cannot be read changes nothing.
//! The references are the engine's exporter and importer called directly, never the page's
//! own state.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::rc::Rc;

use dstream_engine::export::{export, ExportOptions, Language};
use dstream_engine::import::scala;
use dstream_engine::{Engine, PipelineSpec, Value};
use dstream_playground::examples;
use dstream_playground::protocol::{CodeLanguage, Reply, Request};
use dstream_playground::sim::Sim;
use dstream_playground::state::{Action, CodeAction, ImportStatus, Phase, Status, WorkerEvent};
use serde_json::json;

fn spec(slug: &str) -> PipelineSpec {
    examples::find(slug)
        .and_then(|e| e.spec().ok())
        .unwrap_or_else(|| panic!("example {slug}"))
}

/// The engine's program of `spec`, its text inputs replaying `typed` (node → batches).
fn program(
    spec: &PipelineSpec,
    language: Language,
    typed: &[(&str, &[&[&str]])],
) -> dstream_engine::export::Program {
    let typed_lines = typed
        .iter()
        .map(|(node, batches)| {
            let batches = batches
                .iter()
                .map(|b| b.iter().map(|l| l.to_string()).collect())
                .collect();
            (node.to_string(), batches)
        })
        .collect();
    let options = ExportOptions {
        jsonl: false,
        typed_lines,
    };
    export(spec, language, &options).expect("the pipeline exports")
}

/// The program text the code view shows (it must be current).
fn shown(sim: &Sim) -> String {
    sim.state
        .shown_code()
        .map(|c| c.text.clone())
        .unwrap_or_else(|| panic!("no program shown: {:?}", sim.state.code.errors))
}

/// A batch's output lines in the conformance format (the engine's records in its order).
fn lines(report: &dstream_engine::BatchReport) -> Vec<String> {
    let l: Vec<String> = report.outputs.iter().map(|o| o.to_json_line()).collect();
    assert!(!l.is_empty(), "the batch printed something");
    l
}

fn code(action: CodeAction) -> Action {
    Action::Code(action)
}

fn set_field(sim: &mut Sim, node: &str, field: &str, value: serde_json::Value) {
    sim.dispatch(Action::SetField {
        node: node.into(),
        field: field.into(),
        value: Some(value),
    });
}

const LOG_ALARMER: &str = r#"
import org.apache.spark._
import org.apache.spark.streaming._

object LogAlarmer {
  def main(args: Array[String]) {
    val ssc = new StreamingContext("local[*]", "LogAlarmer", Seconds(1))
    val lines = ssc.socketTextStream("localhost", 9999)
    val errors = lines.filter(_.contains("ERROR"))
    val words = lines.flatMap(_.split(" "))
    val pairs = words.map(x => (x, 1))
    val counts = pairs.reduceByKeyAndWindow((x,y) => x + y, (x,y) => x-y, Seconds(4), Seconds(2))
    counts.print()
    errors.count().print(5)
    ssc.checkpoint("checkpoint")
    ssc.start()
    ssc.awaitTermination()
  }
}
"#;

#[test]
fn the_program_follows_every_edit_the_tab_and_the_typed_input() {
    let mut sim = Sim::example("typed-lines");
    let mut edited = spec("typed-lines");
    assert_eq!(
        shown(&sim),
        program(&edited, Language::PySpark, &[]).text,
        "the PySpark tab shows the engine's program of the pipeline"
    );
    assert!(shown(&sim).contains("StreamingContext"));

    // An edit: the program is asked for again and shows the edited window.
    set_field(&mut sim, "recent", "window_ms", json!(4000));
    sim.settle();
    for n in edited.nodes.iter_mut().filter(|n| n.id == "recent") {
        n.fields.insert("window_ms".into(), json!(4000));
    }
    assert_eq!(shown(&sim), program(&edited, Language::PySpark, &[]).text);

    // Typed lines that ran as batches: the program's stand-in replays them.
    sim.act(Action::Type {
        node: "socket".into(),
        text: "a b\nb".into(),
    });
    sim.step();
    sim.step();
    sim.act(Action::Type {
        node: "socket".into(),
        text: "c".into(),
    });
    sim.step();
    let typed: &[(&str, &[&[&str]])] = &[("socket", &[&["a b", "b"], &[], &["c"]])];
    assert_eq!(shown(&sim), program(&edited, Language::PySpark, typed).text);

    // The Scala tab, with its node lines.
    sim.act(code(CodeAction::Show(CodeLanguage::Scala)));
    let scala = program(&edited, Language::Scala, typed);
    assert_eq!(shown(&sim), scala.text);
    let c = sim.state.shown_code().expect("shown").clone();
    assert_eq!(c.file_name, "Main.scala");
    for n in &scala.nodes {
        let want: Vec<(u32, u32)> = n
            .ranges
            .iter()
            .map(|&(a, b)| (a as u32, b as u32))
            .collect();
        assert_eq!(c.lines_of(&n.node), want.as_slice(), "{}", n.node);
    }

    // A click on a line of the window's code selects the window node; a line of no node
    // (the imports) leaves the selection.
    let (first, _) = scala.lines_of("per_batch")[0];
    sim.act(code(CodeAction::ClickLine(first as u32)));
    assert_eq!(sim.state.selected.as_deref(), Some("per_batch"));
    sim.act(code(CodeAction::ClickLine(1)));
    assert_eq!(sim.state.selected.as_deref(), Some("per_batch"));

    // Copy and Download take the program shown.
    sim.act(code(CodeAction::Copy));
    assert_eq!(sim.clipboard.as_deref(), Some(scala.text.as_str()));
    assert_eq!(sim.state.code.copy_status, Some(Ok(())));
    sim.act(code(CodeAction::Download));
    assert_eq!(
        sim.downloads,
        vec![("Main.scala".to_string(), scala.text.clone())]
    );
}

#[test]
fn a_download_the_browser_refuses_is_named_where_it_was_asked() {
    let mut sim = Sim::example("windowed-word-count");
    sim.refuse_downloads = Some("the browser blocked it".into());
    sim.act(code(CodeAction::Download));
    assert_eq!(
        sim.state.code.copy_status,
        Some(Err(
            "windowed_word_count.py could not be saved: the browser blocked it".into()
        ))
    );
    sim.act(Action::Export);
    assert!(
        matches!(&sim.state.sharing.message,
            Some(Status::Error(t)) if t.ends_with(".json could not be saved: the browser blocked it")),
        "{:?}",
        sim.state.sharing.message
    );
    assert!(sim.downloads.is_empty());
}

#[test]
fn an_invalid_pipeline_shows_its_errors_and_no_program() {
    let mut sim = Sim::example("windowed-word-count");
    assert!(sim.state.shown_code().is_some());
    set_field(&mut sim, "pairs", "fn", json!("w => (w, 1"));
    sim.settle();
    let refused = dstream_engine::validate(&sim.state.spec).expect_err("invalid");
    assert!(sim.state.shown_code().is_none(), "no stale program");
    assert!(sim.state.code.code.is_none());
    assert_eq!(sim.state.code.errors, refused);
    // Fixed again: the program comes back.
    set_field(&mut sim, "pairs", "fn", json!("w => (w, 1)"));
    sim.settle();
    assert_eq!(
        shown(&sim),
        program(&sim.state.spec, Language::PySpark, &[]).text
    );
}

#[test]
fn an_answer_to_an_older_export_is_dropped() {
    let mut sim = Sim::example("windowed-word-count");
    // Two edits in a row, the worker's answers arriving newest first.
    set_field(&mut sim, "counts", "window_ms", json!(6000));
    let older = sim.state.spec.clone();
    set_field(&mut sim, "counts", "window_ms", json!(8000));
    let newer = sim.state.spec.clone();
    let exported = |a: &Action| {
        matches!(a, Action::Worker(WorkerEvent::Reply { reply, .. })
            if matches!(**reply, Reply::Exported { .. }))
    };
    let answers: Vec<Action> = sim.inbox.iter().filter(|a| exported(a)).cloned().collect();
    assert_eq!(answers.len(), 2, "one export per edit");
    sim.inbox.retain(|a| !exported(a));
    sim.inbox.push_back(answers[1].clone());
    sim.inbox.push_back(answers[0].clone());
    sim.settle();
    assert!(!Rc::ptr_eq(&older, &newer));
    assert_eq!(
        shown(&sim),
        program(&newer, Language::PySpark, &[]).text,
        "the late answer for the older pipeline is dropped"
    );
    assert_ne!(shown(&sim), program(&older, Language::PySpark, &[]).text);
}

#[test]
fn a_pasted_log_alarmer_becomes_the_pipeline_in_a_new_context() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(3);
    let generation = sim.state.run.generation;
    sim.act(code(CodeAction::Paste(LOG_ALARMER.into())));
    sim.act(code(CodeAction::Import));
    let want = scala::import(LOG_ALARMER).expect("imports");
    assert_eq!(*sim.state.spec, want.spec, "the imported pipeline");
    assert!(sim.state.run.generation > generation, "a new context");
    assert_eq!(sim.state.run.phase, Phase::Ready);
    assert_eq!(sim.state.run.batches_run, 0, "from its first batch");
    assert!(sim.state.run.history.is_empty());
    let ImportStatus::Read { notes, .. } = &sim.state.code.import else {
        panic!("{:?}", sim.state.code.import)
    };
    assert_eq!(notes.len(), want.notes.len());
    assert_eq!((notes[0].line, notes[0].column), (8, 21), "{notes:?}");
    assert!(notes[0].message.contains("socketTextStream"), "{notes:?}");
    assert_eq!(
        sim.state.code.paste, LOG_ALARMER,
        "the text stays in the box"
    );
    // It runs, and the code view shows its program.
    sim.act(Action::Type {
        node: "lines".into(),
        text: "a ERROR b".into(),
    });
    sim.step();
    assert!(sim.state.run.batch_error.is_none());
    let text = shown(&sim);
    assert!(text.contains("StreamingContext") && text.contains("ssc.start()"));
    let mut e = Engine::new(want.spec.clone()).expect("valid");
    e.feed("lines", vec![Value::str("a ERROR b")])
        .expect("feed");
    let r = e.tick().expect("tick");
    let page = sim
        .state
        .run
        .history
        .back()
        .expect("a batch")
        .report
        .clone();
    assert_eq!(lines(&page), lines(&r));
    // Another pipeline: the box no longer says the program is the pipeline.
    sim.act(Action::LoadExample("windowed-word-count".into()));
    assert_eq!(sim.state.code.import, ImportStatus::Idle);
    assert_eq!(sim.state.code.paste, LOG_ALARMER);
}

#[test]
fn a_pasted_program_queues_its_typed_lines_as_the_input_of_its_batches() {
    // The exporter's Scala of a pipeline that had typed lines, pasted back.
    let typed: &[(&str, &[&[&str]])] = &[("socket", &[&["a b", "a"], &["b"]])];
    let text = program(&spec("typed-lines"), Language::Scala, typed).text;
    let mut sim = Sim::example("windowed-word-count");
    sim.act(code(CodeAction::Paste(text.clone())));
    sim.act(code(CodeAction::Import));
    let want = scala::import(&text).expect("imports");
    assert_eq!(*sim.state.spec, want.spec);
    let wanted: BTreeMap<String, Vec<Vec<String>>> = want.typed_lines.clone();
    assert_eq!(wanted["socket"].len(), 2, "{wanted:?}");
    assert_eq!(
        sim.state.code.import,
        ImportStatus::Read {
            notes: Vec::new(),
            queued: (3, 2)
        }
    );
    sim.steps(2);
    let mut e = Engine::new(want.spec.clone()).expect("valid");
    let mut last = None;
    for b in &wanted["socket"] {
        e.feed("socket", b.iter().map(|l| Value::str(l)).collect())
            .expect("feed");
        last = Some(e.tick().expect("tick"));
    }
    let page = sim
        .state
        .run
        .history
        .back()
        .expect("a batch")
        .report
        .clone();
    assert_eq!(lines(&page), lines(&last.expect("ran")));
}

#[test]
fn code_that_cannot_be_read_is_listed_by_line_and_column_and_changes_nothing() {
    let mut sim = Sim::example("windowed-word-count");
    sim.steps(2);
    let before = (
        sim.state.spec.clone(),
        sim.state.run.generation,
        sim.state.run.batches_run,
        sim.state.run.history.len(),
    );
    let sent = sim.sent.len();
    let bad = "object Main {\n  def main(args: Array[String]): Unit = {\n    class Foo\n  }\n}\n";
    sim.act(code(CodeAction::Paste(bad.into())));
    sim.act(code(CodeAction::Import));
    let want = scala::import(bad).expect_err("refused");
    let ImportStatus::Failed(errors) = &sim.state.code.import else {
        panic!("{:?}", sim.state.code.import)
    };
    assert_eq!(errors.len(), want.len());
    for (got, want) in errors.iter().zip(&want) {
        assert_eq!(
            (got.line as usize, got.column as usize, got.message.as_str()),
            (want.line, want.column, want.message.as_str())
        );
    }
    assert_eq!(
        sim.state.code.paste, bad,
        "the pasted text stays in the box"
    );
    assert!(
        Rc::ptr_eq(&sim.state.spec, &before.0),
        "the pipeline is untouched"
    );
    assert_eq!(
        (
            sim.state.run.generation,
            sim.state.run.batches_run,
            sim.state.run.history.len()
        ),
        (before.1, before.2, before.3)
    );
    assert!(
        sim.sent[sent..]
            .iter()
            .all(|r| matches!(r, Request::Import { .. })),
        "nothing but the import went to the worker: {:?}",
        &sim.sent[sent..]
    );
    sim.step();
    assert_eq!(sim.state.run.batches_run, 3, "the run goes on");
}

#[test]
fn the_worker_serves_code_with_no_context_and_during_a_re_run() {
    use dstream_playground::host::EngineHost;
    let mut host = EngineHost::new(None);
    let spec = spec("windowed-word-count");
    let export = |tag| Request::Export {
        tag,
        language: CodeLanguage::Scala,
        spec_json: spec.to_json(),
        input: Default::default(),
    };
    let want = program(&spec, Language::Scala, &[]).text;
    let text_of = |replies: Vec<Reply>| match replies.as_slice() {
        [Reply::Exported { tag, code: Ok(c) }] => (*tag, c.text.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(text_of(host.handle(export(1))), (1, want.clone()));
    match host
        .handle(Request::Import {
            tag: 2,
            text: LOG_ALARMER.into(),
        })
        .as_slice()
    {
        [Reply::Imported {
            tag: 2,
            result: Ok(i),
        }] => {
            let want = scala::import(LOG_ALARMER).expect("imports").spec;
            assert_eq!(PipelineSpec::from_json(&i.spec_json).expect("json"), want);
        }
        other => panic!("{other:?}"),
    }
    // A re-run under way (a Start up to batch 50): the export is answered at once.
    let started = host.handle(Request::Start {
        generation: 1,
        spec_json: spec.to_json(),
        input: Default::default(),
        upto: 50,
        lab: Default::default(),
    });
    assert!(host.busy(), "{started:?}");
    assert_eq!(text_of(host.handle(export(3))), (3, want));
    assert!(host.busy(), "the re-run goes on");
}

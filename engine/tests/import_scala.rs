//! The Scala importer: the exported program of every conformance case and of random
//! pipelines comes back as the same pipeline; the seed's snippets, written as a learner
//! writes them, read as the pipelines they mean (and run); what it cannot read is named at
//! its line and column; no text, arbitrary or a mangled export, makes it panic.

#[path = "support/pipelines.rs"]
mod pipelines;
mod support;

use std::collections::BTreeMap;

use dstream_engine::catalog::{self, OpKind};
use dstream_engine::export::{export, ExportOptions, Language};
use dstream_engine::import::scala::import;
use dstream_engine::import::{ImportError, Imported};
use dstream_engine::{validate, Engine, PipelineSpec};
use proptest::prelude::*;
use serde_json::{json, Value as J};

fn kind(n: &dstream_engine::NodeSpec) -> Option<OpKind> {
    catalog::op_named(&n.op).map(|o| o.kind)
}

/// Each node's id, op and inputs, as pipeline JSON.
fn skeleton(spec: &PipelineSpec) -> J {
    J::Array(
        spec.nodes
            .iter()
            .map(|n| json!({"id": n.id, "op": n.op, "inputs": n.inputs}))
            .collect(),
    )
}

/// What the exported code cannot show: defaults written out, and `--jsonl`'s print.
fn normalized(spec: &PipelineSpec, jsonl: bool) -> PipelineSpec {
    let mut s = spec.clone();
    if s.checkpoint == Some(true) {
        s.checkpoint = None;
    }
    for n in &mut s.nodes {
        if n.field("accumulate") == Some(&json!(false)) {
            n.fields.remove("accumulate");
        }
        if let Some(J::Array(steps)) = n.fields.get_mut("rdd") {
            for st in steps {
                if let J::Object(o) = st {
                    if o.get("op") == Some(&json!("sample")) && !o.contains_key("seed") {
                        o.insert("seed".into(), json!(0));
                    }
                }
            }
        }
        if jsonl && kind(n) == Some(OpKind::Print) && n.field("num").is_none() {
            n.fields.insert("num".into(), json!(10));
        }
    }
    s
}

fn imported(text: &str) -> Imported {
    import(text).unwrap_or_else(|errors| {
        panic!(
            "does not import:\n{}\n---\n{text}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

fn lines_of(spec: &PipelineSpec, typed: &BTreeMap<String, Vec<Vec<String>>>) -> Vec<String> {
    let mut e = Engine::new(spec.clone()).expect("the pipeline runs");
    let mut out = Vec::new();
    for b in 0..e.plan().ticks as usize {
        for (node, batches) in typed {
            if let Some(lines) = batches.get(b) {
                let records = lines
                    .iter()
                    .map(|l| dstream_engine::Value::str(l))
                    .collect();
                e.feed(node, records).expect("feeds");
            }
        }
        match e.tick() {
            Ok(r) => out.extend(r.outputs.iter().map(|l| l.to_json_line())),
            Err(err) => {
                out.push(err.to_string());
                break;
            }
        }
    }
    out
}

#[test]
fn every_case_comes_back_from_its_scala_program() {
    for path in support::conformance_cases() {
        let name = path.display().to_string();
        let spec = PipelineSpec::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for jsonl in [false, true] {
            let options = ExportOptions {
                jsonl,
                ..ExportOptions::default()
            };
            let p = export(&spec, Language::Scala, &options).unwrap();
            let back = imported(&p.text);
            assert_eq!(
                back.spec,
                normalized(&spec, jsonl),
                "{name} (jsonl: {jsonl})"
            );
            assert_eq!(
                lines_of(&back.spec, &BTreeMap::new()),
                lines_of(&spec, &BTreeMap::new()),
                "{name}"
            );
        }
    }
}

/// The typed lines the page fed: random batches of lines, quotes and escapes included.
fn typed_batches() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(
        prop::collection::vec(
            prop_oneof![
                "[a-z ,]{0,10}".boxed(),
                Just(pipelines::NASTY.to_string()).boxed()
            ],
            0..3,
        ),
        0..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    /// Export as Scala, import: the same pipeline (and the same typed lines), plain and
    /// --jsonl.
    #[test]
    fn random_pipelines_come_back_from_their_scala_program(
        p in pipelines::plausible_pipeline(),
        jsonl in any::<bool>(),
        typed in typed_batches(),
    ) {
        let Some(spec) = pipelines::valid_part(&p) else {
            return Ok(());
        };
        let typed_lines: BTreeMap<String, Vec<Vec<String>>> = spec
            .nodes
            .iter()
            .filter(|n| kind(n) == Some(OpKind::TextInput))
            .map(|n| (n.id.clone(), typed.clone()))
            .collect();
        let options = ExportOptions { jsonl, typed_lines: typed_lines.clone() };
        let program = export(&spec, Language::Scala, &options).expect("a valid pipeline exports");
        let back = match import(&program.text) {
            Ok(b) => b,
            Err(errors) => {
                return Err(TestCaseError::fail(format!(
                    "{}\n---\n{}",
                    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"),
                    program.text
                )))
            }
        };
        prop_assert_eq!(&back.spec, &normalized(&spec, jsonl), "{}", program.text);
        prop_assert_eq!(back.typed_lines, typed_lines);
    }

    /// The same for pipelines valid by construction, which reach every op family.
    #[test]
    fn typed_pipelines_come_back_from_their_scala_program(
        spec in pipelines::typed_pipeline(),
        jsonl in any::<bool>(),
        typed in typed_batches(),
    ) {
        prop_assert!(validate(&spec).is_ok(), "{:?}", validate(&spec).err());
        let typed_lines: BTreeMap<String, Vec<Vec<String>>> = spec
            .nodes
            .iter()
            .filter(|n| kind(n) == Some(OpKind::TextInput))
            .map(|n| (n.id.clone(), typed.clone()))
            .collect();
        let options = ExportOptions { jsonl, typed_lines: typed_lines.clone() };
        let program = export(&spec, Language::Scala, &options).expect("a valid pipeline exports");
        let back = import(&program.text).map_err(|errors| TestCaseError::fail(format!(
            "{}\n---\n{}",
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"),
            program.text
        )))?;
        prop_assert_eq!(&back.spec, &normalized(&spec, jsonl), "{}", program.text);
        prop_assert_eq!(back.typed_lines, typed_lines);
    }

    /// Arbitrary text: an error or a pipeline, never a panic; errors point into the text.
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_outcome(&text);
    }

    /// Text made of Scala's tokens, to get past the lexer into the parser and the reader.
    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(soup()), 0..80)) {
        check_outcome(&tokens.join(" "));
    }

    /// An exported program with a random cut, insertion or duplicated line.
    #[test]
    fn mangled_exports_never_panic(
        case in 0usize..14,
        edits in prop::collection::vec((0.0f64..1.0, 0usize..40, prop::sample::select(soup())), 1..4),
    ) {
        let cases = support::conformance_cases();
        let spec = PipelineSpec::from_json(&std::fs::read_to_string(&cases[case % cases.len()]).unwrap()).unwrap();
        let mut text = export(&spec, Language::Scala, &ExportOptions::default()).unwrap().text;
        for (at, len, insert) in edits {
            let chars: Vec<char> = text.chars().collect();
            let k = ((chars.len() as f64) * at) as usize;
            let end = (k + len % 7).min(chars.len());
            let mut next: String = chars[..k].iter().collect();
            match len % 3 {
                0 => next.push_str(insert),
                1 => {
                    // A line again: a node twice, a stray brace, a second context.
                    let line_start = chars[..k].iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1);
                    let line: String = chars[line_start..k].iter().collect();
                    next.push_str(&line);
                    next.push('\n');
                }
                _ => {}
            }
            next.extend(chars[end..].iter());
            text = next;
        }
        check_outcome(&text);
    }
}

/// Scala's tokens and names a DStream program uses; the op names come from the catalogue.
const SCALA_SOUP: &[&str] = &[
    "val",
    "x",
    "=",
    "ssc",
    ".",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "_",
    "=>",
    "+",
    "\"s\"",
    "1",
    "2L",
    "Seconds(1)",
    "new",
    "StreamingContext",
    "(conf, Seconds(1))",
    "object",
    "Main",
    "def",
    "main",
    "args",
    ":",
    ",",
    ";",
    "\n",
    "if",
    "else",
    "while",
    "for",
    "<-",
    "case",
    "class",
    "socketTextStream",
    "rdd",
    "StateSpec.function",
    "mutable.Queue",
    "+=",
    "//",
    "/*",
    "*/",
    "\"\"\"",
    "'c'",
    "s\"",
    "`",
    "0x1F",
    "1e9",
    "-",
    "!",
    "match",
    "import",
    "ssc.start()",
    "getOrCreate",
    "() =>",
    "take(2)",
    "lines",
];

fn soup() -> Vec<&'static str> {
    let ops = catalog::OPS.iter().map(|o| o.name);
    let rdd_ops = catalog::RDD_OPS.iter().map(|o| o.name);
    SCALA_SOUP
        .iter()
        .copied()
        .chain(ops)
        .chain(rdd_ops)
        .collect()
}

fn check_outcome(text: &str) {
    match import(text) {
        Ok(imported) => {
            assert!(
                validate(&imported.spec).is_ok(),
                "an import always validates"
            );
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            let lines = text.split('\n').count();
            for e in errors {
                assert!(
                    e.line >= 1 && e.line <= lines && e.column >= 1 && !e.message.is_empty(),
                    "{e} is not a place in the text ({lines} lines)"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The seed's snippets, as written

fn node<'s>(spec: &'s PipelineSpec, id: &str) -> &'s dstream_engine::NodeSpec {
    spec.nodes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id} in {}", spec.to_json()))
}

fn notes_mention(i: &Imported, what: &str) -> bool {
    i.notes.iter().any(|n| n.message.contains(what))
}

const LOG_ALARMER: &str = r#"
import org.apache.spark._
import org.apache.spark.streaming._

object LogAlarmer {
  def main(args: Array[String]) {
    // One-second batches on all local cores.
    val ssc = new StreamingContext("local[*]", "LogAlarmer", Seconds(1))
    val lines = ssc.socketTextStream("localhost", 9999)
    val errors = lines.filter(_.contains("ERROR"))
    val words = lines.flatMap(_.split(" "))
    val pairs = words.map(x => (x, 1))
    /* counts over the last 4 s, every 2 s */
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
fn the_log_alarmer_reads_as_written() {
    let i = imported(LOG_ALARMER);
    let s = &i.spec;
    assert_eq!(s.name.as_deref(), Some("LogAlarmer"));
    assert_eq!(s.batch_interval_ms, 1000);
    assert_eq!(s.checkpoint, None, "it checkpoints");
    assert_eq!(
        skeleton(s),
        json!([
            {"id": "lines", "op": "textInput", "inputs": []},
            {"id": "errors", "op": "filter", "inputs": ["lines"]},
            {"id": "words", "op": "flatMap", "inputs": ["lines"]},
            {"id": "pairs", "op": "map", "inputs": ["words"]},
            {"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"]},
            {"id": "print", "op": "print", "inputs": ["counts"]},
            {"id": "count", "op": "count", "inputs": ["errors"]},
            {"id": "print_2", "op": "print", "inputs": ["count"]},
        ])
    );
    assert_eq!(node(s, "words").field("fn"), Some(&json!("_.split(\" \")")));
    assert_eq!(node(s, "pairs").field("fn"), Some(&json!("x => (x, 1)")));
    let c = node(s, "counts");
    assert_eq!(c.field("fn"), Some(&json!("(x,y) => x + y")));
    assert_eq!(c.field("inverse"), Some(&json!("(x,y) => x-y")));
    assert_eq!(c.field("window_ms"), Some(&json!(4000)));
    assert_eq!(c.field("slide_ms"), Some(&json!(2000)));
    assert_eq!(node(s, "print").field("num"), None);
    assert_eq!(node(s, "print_2").field("num"), Some(&json!(5)));
    let n = &i.notes[0];
    assert_eq!((n.line, n.column), (9, 21), "{n}");
    assert!(n.message.contains("socketTextStream"), "{n}");
    // It runs: typed lines go through the window.
    let mut s = s.clone();
    s.ticks = Some(3);
    let typed = BTreeMap::from([(
        "lines".to_string(),
        vec![vec!["a ERROR b".to_string()], vec!["a".to_string()]],
    )]);
    let out = lines_of(&s, &typed);
    assert!(
        out.iter()
            .any(|l| l.contains("\"output\":\"print\"") && l.contains("[\"a\",2]")),
        "{out:?}"
    );
}

const RECOVERABLE: &str = r#"
package example

import org.apache.spark.SparkConf
import org.apache.spark.streaming.{Milliseconds, Seconds, StreamingContext}

/** Word counts that survive a driver restart. */
object RecoverableWordCount {
  val checkpointDir = "/tmp/ck"
  val limit = 2

  def createContext(): StreamingContext = {
    val conf = new SparkConf()
      .setAppName("Recoverable")
      .setMaster("local[2]")
    val ssc = new StreamingContext(conf, Milliseconds(500))
    ssc.checkpoint(checkpointDir)
    val lines = ssc.socketTextStream("localhost", 9999)
    val counts = lines
      .flatMap(_.split(" "))   // words
      .map(word => (word, 1))
      .reduceByKey(_ + _)
    val frequent = counts.filter { case (_, n) => n >= limit }
    val recent = frequent.window(Seconds(2), Milliseconds(500))
    recent.foreachRDD(rdd => rdd.collect().foreach(println))
    ssc
  }

  def main(args: Array[String]): Unit = {
    val ssc = StreamingContext.getOrCreate(checkpointDir, () => createContext())
    ssc.start()
    ssc.awaitTermination()
  }
}
"#;

#[test]
fn get_or_create_with_a_create_context_def_and_chained_calls() {
    let i = imported(RECOVERABLE);
    let s = &i.spec;
    assert_eq!(s.name.as_deref(), Some("Recoverable"));
    assert_eq!(s.batch_interval_ms, 500);
    assert_eq!(s.checkpoint, None);
    assert_eq!(
        skeleton(s),
        json!([
            {"id": "lines", "op": "textInput", "inputs": []},
            {"id": "flatMap", "op": "flatMap", "inputs": ["lines"]},
            {"id": "map", "op": "map", "inputs": ["flatMap"]},
            {"id": "counts", "op": "reduceByKey", "inputs": ["map"]},
            {"id": "frequent", "op": "filter", "inputs": ["counts"]},
            {"id": "recent", "op": "window", "inputs": ["frequent"]},
            {"id": "out", "op": "foreachRDD", "inputs": ["recent"]},
        ])
    );
    // `case (_, n)` is the lambda language's untupling; the val `limit` is inlined.
    assert_eq!(
        node(s, "frequent").field("fn"),
        Some(&json!("(_, n) => n >= 2"))
    );
    assert_eq!(node(s, "recent").field("slide_ms"), Some(&json!(500)));
    assert_eq!(node(s, "out").field("action"), Some(&json!("collect")));
    assert!(notes_mention(&i, "println"), "{:?}", i.notes);
}

const QUEUE_STREAM: &str = r#"
import scala.collection.mutable
import org.apache.spark.SparkConf
import org.apache.spark.rdd.RDD
import org.apache.spark.streaming.{Seconds, StreamingContext}

object QueueStream {
  def main(args: Array[String]): Unit = {
    val sparkConf = new SparkConf().setAppName("QueueStream")
    val ssc = new StreamingContext(sparkConf, Seconds(1))
    val rddQueue = new mutable.Queue[RDD[Int]]()
    val inputStream = ssc.queueStream(rddQueue)
    val mappedStream = inputStream.map(x => (x % 3, 1))
    val reducedStream = mappedStream.reduceByKey(_ + _)
    reducedStream.print()
    ssc.start()
    for (i <- 1 to 3) {
      rddQueue.synchronized {
        rddQueue += ssc.sparkContext.makeRDD(1 to 4 * i, 2)
      }
      Thread.sleep(1000)
    }
    ssc.stop()
  }
}
"#;

#[test]
fn a_queue_filled_after_start_gives_the_batches() {
    let i = imported(QUEUE_STREAM);
    let s = &i.spec;
    assert_eq!(s.checkpoint, Some(false), "no ssc.checkpoint");
    let q = node(s, "inputStream");
    assert_eq!(kind(q), Some(OpKind::QueueStream));
    assert_eq!(
        q.field("batches"),
        Some(&json!([
            [1, 2, 3, 4],
            [1, 2, 3, 4, 5, 6, 7, 8],
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        ]))
    );
    let out = lines_of(s, &BTreeMap::new());
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(
        out[0].contains("[[1,2],[2,1],[0,1]]") || out[0].contains("[0,1]"),
        "{out:?}"
    );
}

const STATEFUL: &str = r#"
import org.apache.spark._
import org.apache.spark.streaming._

object StatefulWordCount extends App {
  def updateFunction(newValues: Seq[Int], runningCount: Option[Int]): Option[Int] = {
    val newCount = runningCount.getOrElse(0) + newValues.sum
    Some(newCount)
  }

  val conf = new SparkConf().setMaster("local[2]").setAppName("StatefulWordCount")
  val ssc = new StreamingContext(conf, Seconds(1))
  ssc.checkpoint(".")

  val lines = ssc.queueStream(mutable.Queue(
    ssc.sparkContext.parallelize(Seq("a b", "a")),
    ssc.sparkContext.parallelize(Seq("b"))))
  val pairs = lines.flatMap(_.split(" ")).map(word => (word, 1))
  val runningCounts = pairs.updateStateByKey[Int](updateFunction _)
  runningCounts.print()

  val mappingFunc = (word: String, one: Option[Int], state: State[Int]) => {
    val sum = one.getOrElse(0) + state.getOption.getOrElse(0)
    val output = (word, sum)
    state.update(sum)
    output
  }
  val stateDstream = pairs.mapWithState(StateSpec.function(mappingFunc).timeout(Minutes(1)))
  stateDstream.foreachRDD { (rdd, time) =>
    println(s"at $time")
    rdd.take(20).foreach(println)
  }
  ssc.start()
  ssc.awaitTermination()
}
"#;

#[test]
fn update_state_by_key_with_a_def_and_map_with_state_with_a_timeout() {
    let i = imported(STATEFUL);
    let s = &i.spec;
    let u = node(s, "runningCounts");
    assert_eq!(kind(u), Some(OpKind::UpdateStateByKey));
    assert_eq!(
        u.field("fn"),
        Some(&json!(
            "(newValues: Seq[Int], runningCount: Option[Int]) => {\n  val newCount = runningCount.getOrElse(0) + newValues.sum\n  Some(newCount)\n}"
        ))
    );
    let m = node(s, "stateDstream");
    assert_eq!(kind(m), Some(OpKind::MapWithState));
    assert_eq!(m.field("timeout_ms"), Some(&json!(60_000)));
    assert!(m
        .field("fn")
        .unwrap()
        .as_str()
        .unwrap()
        .starts_with("(word: String, one: Option[Int], state: State[Int]) => {\n  val sum"));
    let out = node(s, "out");
    assert_eq!(out.field("action"), Some(&json!("take")));
    assert_eq!(out.field("n"), Some(&json!(20)));
    let lines = lines_of(s, &BTreeMap::new());
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"output\":\"print\"") && l.contains("[\"b\",2]")),
        "{lines:?}"
    );
}

const SNIPPET: &str = r#"
// A snippet, no object around it: the page's paste box takes it as is.
val ssc = new StreamingContext(new SparkConf().setAppName("snippet"), Seconds(2))
val lines = ssc.queueStream(mutable.Queue(sc.parallelize(Seq("b a", "c a")), sc.parallelize(Seq("a"))))
val counts = lines.flatMap(_.split(" ")).map((_, 1)).reduceByKey(_ + _)
val sorted = counts.transform(rdd => rdd.sortBy(_._2, false))
val firstTwo = counts.transform { rdd => rdd.sparkContext.parallelize(rdd.sortByKey().take(2)) }
val n = lines.countByWindow(Seconds(4), Seconds(2))
val w = lines.window(Seconds(4))
sorted.print(20)
firstTwo.foreachRDD(rdd => println(rdd.collect().mkString(", ")))
n.foreachRDD { rdd => println(rdd.count()) }
w.print()
ssc.checkpoint("ck")
ssc.start()
"#;

#[test]
fn a_snippet_with_transform_windows_and_foreach_rdd_actions() {
    let i = imported(SNIPPET);
    let s = &i.spec;
    assert_eq!(s.batch_interval_ms, 2000);
    assert_eq!(
        node(s, "sorted").field("rdd"),
        Some(&json!([{"op": "sortBy", "fn": "_._2", "ascending": false}]))
    );
    assert_eq!(
        node(s, "firstTwo").field("rdd"),
        Some(&json!([{"op": "sortByKey"}, {"op": "take", "n": 2}]))
    );
    assert_eq!(kind(node(s, "n")), Some(OpKind::CountByWindow));
    assert_eq!(node(s, "w").field("window_ms"), Some(&json!(4000)));
    assert_eq!(node(s, "w").field("slide_ms"), None);
    let outs: Vec<(&str, Option<&J>)> = s
        .nodes
        .iter()
        .filter(|n| kind(n) == Some(OpKind::ForeachRdd))
        .map(|n| (n.id.as_str(), n.field("action")))
        .collect();
    assert_eq!(
        outs,
        [
            ("out", Some(&json!("collect"))),
            ("out_2", Some(&json!("count")))
        ]
    );
    assert!(!lines_of(s, &BTreeMap::new()).is_empty());
}

const KAFKA: &str = r#"
import org.apache.kafka.common.serialization.StringDeserializer
import org.apache.spark.streaming.kafka010._
import org.apache.spark.streaming.kafka010.LocationStrategies.PreferConsistent
import org.apache.spark.streaming.kafka010.ConsumerStrategies.Subscribe

object DirectKafkaWordCount {
  def main(args: Array[String]): Unit = {
    if (args.length < 2) {
      System.err.println("Usage: DirectKafkaWordCount <brokers> <topics>")
      System.exit(1)
    }
    val Array(brokers, topics) = args
    val sparkConf = new SparkConf().setAppName("DirectKafkaWordCount")
    val ssc = new StreamingContext(sparkConf, Seconds(2))
    val kafkaParams = Map[String, Object](
      "bootstrap.servers" -> brokers,
      "key.deserializer" -> classOf[StringDeserializer])
    val messages = KafkaUtils.createDirectStream[String, String](
      ssc, PreferConsistent, Subscribe[String, String](topics.split(",").toSet, kafkaParams))
    val lines = messages.map(_.value)
    val wordCounts = lines.flatMap(_.split(" ")).map(x => (x, 1L)).reduceByKey(_ + _)
    wordCounts.print()
    ssc.start()
    ssc.awaitTermination()
  }
}
"#;

#[test]
fn a_kafka_direct_stream_becomes_typed_lines_with_a_note() {
    let i = imported(KAFKA);
    let s = &i.spec;
    assert_eq!(kind(&s.nodes[0]), Some(OpKind::TextInput));
    assert_eq!(s.nodes[0].id, "messages");
    assert_eq!(
        node(s, "flatMap").inputs,
        ["messages"],
        "map(_.value) is the line"
    );
    let kafka = i
        .notes
        .iter()
        .find(|n| n.message.contains("createDirectStream"))
        .expect("a note on the Kafka stream");
    assert_eq!((kafka.line, kafka.column), (19, 31), "{kafka}");
    assert!(notes_mention(&i, "value"), "{:?}", i.notes);
    assert_eq!(s.checkpoint, Some(false));
}

#[test]
fn an_edited_export_keeps_the_edit_and_the_rest_stays_typed() {
    let spec = PipelineSpec::from_json(
        &std::fs::read_to_string(support::corpus().join("cases/windowed_word_count_inverse.json"))
            .unwrap(),
    )
    .unwrap();
    let text = export(&spec, Language::Scala, &ExportOptions::default())
        .unwrap()
        .text;
    let edited = text.replace("(w: String) => (w, 1L)", "(w: String) => (w, 2L)");
    assert_ne!(edited, text);
    let back = imported(&edited);
    assert_eq!(
        node(&back.spec, "pairs").field("fn"),
        Some(&json!("(w: String) => (w, 2L)")),
        "the code says something else than the comment: the code wins"
    );
    assert_eq!(
        node(&back.spec, "words").field("fn"),
        Some(&json!("line => line.split(\" \")"))
    );
}

#[test]
fn a_program_without_checkpoint_is_checkpoint_false_and_exports_back_without_one() {
    let i = imported(QUEUE_STREAM);
    assert_eq!(i.spec.checkpoint, Some(false));
    let p = export(&i.spec, Language::Scala, &ExportOptions::default()).unwrap();
    assert!(!p.text.contains("ssc.checkpoint"), "{}", p.text);
    assert!(!p.text.contains("getOrCreate"));
    assert_eq!(imported(&p.text).spec, i.spec);
}

/// As Spark refuses to start it: an inverse window without `ssc.checkpoint`, at the window.
#[test]
fn an_inverse_window_without_checkpoint_is_refused_as_spark_refuses_it() {
    let text = LOG_ALARMER.replace("ssc.checkpoint(\"checkpoint\")", "");
    let errors = import(&text).unwrap_err();
    let e = &errors[0];
    assert_eq!((e.line, e.column), (14, 24), "{e}");
    assert!(
        e.message
            .contains("The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint()"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// What it cannot read

fn fails(text: &str) -> ImportError {
    match import(text) {
        Ok(i) => panic!("imported:\n{}", i.spec.to_json()),
        Err(mut e) => e.remove(0),
    }
}

fn program(body: &str) -> String {
    format!(
        "object Main {{\n  def main(args: Array[String]): Unit = {{\n    val ssc = new StreamingContext(new SparkConf(), Seconds(1))\n    val lines = ssc.socketTextStream(\"localhost\", 9999)\n{body}\n    ssc.start()\n  }}\n}}\n"
    )
}

#[test]
fn what_it_cannot_read_is_named_at_its_line_and_column() {
    for (body, at, what) in [
        (
            "    class Parser(s: String)\n    lines.print()",
            (5, 5),
            "a class definition",
        ),
        (
            "    while (true) { lines.print() }",
            (5, 5),
            "a `while` loop",
        ),
        (
            "    lines.glom().print()",
            (5, 11),
            "an unknown DStream method `glom`",
        ),
        (
            "    ssc.receiverStream(new MyReceiver()).print()",
            (5, 9),
            "receiverStream",
        ),
        (
            "    lines.map(l => l.foldLeft(0)((a, c) => a + 1)).print()",
            (5, 41),
            "'=>'",
        ),
        (
            "    lines.map(l => l.reverse).print()",
            (5, 22),
            "no method 'reverse'",
        ),
        (
            "    lines.map(l =>\n      l.length +\n        l.nope).print()",
            (7, 11),
            "nope",
        ),
        (
            "    lines.map { case (a, b) if a > 1 => a }.print()",
            (5, 29),
            "guard",
        ),
        (
            "    lines.transform(rdd => rdd.map(_.length)).print()",
            (5, 32),
            "inside transform",
        ),
        (
            "    lines.window(Milliseconds(1500)).print()",
            (5, 11),
            "window",
        ),
        (
            "    val q = mutable.Queue(sc.textFile(\"in.txt\"))\n    ssc.queueStream(q).print()",
            (5, 27),
            "not an RDD of literal records",
        ),
        (
            "    lines.foreachRDD(rdd => rdd.unpersist())",
            (5, 29),
            "no action",
        ),
    ] {
        let text = program(body);
        let e = fails(&text);
        assert_eq!((e.line, e.column), at, "{body}: {e}");
        assert!(e.message.contains(what), "{body}: {e}");
    }
    for (text, at, what) in [
        ("val x = 1", (1, 1), "no StreamingContext"),
        ("val s = \"open\nval t = 2", (1, 9), "closing quote"),
        ("object Main {\n  def main(args: Array[String]) = {\n", (2, 35), "closing"),
        (
            "val ssc = new StreamingContext(conf, Seconds(1))\nval l = ssc.queueStream(q)\nl.print()",
            (2, 25),
            "not a queue",
        ),
        (
            "val ssc = new StreamingContext(c, Seconds(1))\nssc.start()\nssc.socketTextStream(\"h\", 1).print()",
            (3, 5),
            "after ssc.start()",
        ),
    ] {
        let e = fails(text);
        assert_eq!((e.line, e.column), at, "{text}: {e}");
        assert!(e.message.contains(what), "{text}: {e}");
    }
}

/// Deep nesting is an error with a place, also on a small stack: the page's (wasm, release)
/// is 1 MiB; a debug build's frames are several times larger, so there it gets a test
/// thread's 2 MiB.
#[test]
fn deep_nesting_is_an_error_on_a_small_stack() {
    let cases = [
        format!("val x = {}1{}", "(".repeat(5000), ")".repeat(5000)),
        format!("val f = {}1", "x => ".repeat(5000)),
        format!("val s = 1{}", " + 1".repeat(5000)),
        format!("val s = {}1", "- ".repeat(5000)),
        program(&format!("    lines{}.print()", ".map(x => x)".repeat(200))),
        program(&format!(
            "    lines.map(x => {}x{}).print()",
            "(".repeat(45),
            ")".repeat(45)
        )),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(if cfg!(debug_assertions) {
            2 << 20
        } else {
            1 << 20
        })
        .spawn(move || {
            for text in &cases {
                if let Err(errors) = import(text) {
                    assert!(!errors.is_empty());
                }
            }
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

#[test]
fn a_top_by_a_pair_lambda_comes_back_as_typed() {
    // `_ + _` on a pair is a function of its two halves: Scala needs `{ case (a, b) => … }`
    // inside `Ordering.by`, and the typed text comes back from the exporter's comment.
    let spec = PipelineSpec::from_json(
        r#"{"version": 1, "batch_interval_ms": 500, "nodes": [
          {"id": "pairs", "op": "queueStream", "batches": [[["a", 1], ["b", 2]], [["a", -1]]]},
          {"id": "best", "op": "foreachRDD", "inputs": ["pairs"], "action": "top", "n": 1, "fn": "_ + _"}
        ]}"#,
    )
    .expect("pipeline");
    let code = export(&spec, Language::Scala, &ExportOptions::default()).expect("exports");
    let back = imported(&code.text);
    assert_eq!(
        node(&back.spec, "best").field("fn"),
        Some(&json!("_ + _")),
        "{}",
        code.text
    );
}

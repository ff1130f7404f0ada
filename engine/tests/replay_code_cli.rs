//! The replay CLI's code modes: `--export pyspark|scala [--jsonl] PIPELINE.json` prints the
//! program, `--import scala PROGRAM.scala` the pipeline JSON (what it substituted as notes on
//! stderr); bad input gives exit 1, nothing on stdout, and a message naming the file and,
//! for a program, the line, the column and the construct.

mod support;

use std::process::Command;

use dstream_engine::PipelineSpec;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn replay(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_replay"))
        .args(args)
        .output()
        .expect("the replay binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A file in the temp folder, removed when dropped.
struct Temp(std::path::PathBuf);

impl Temp {
    fn new(name: &str, text: &str) -> Temp {
        let p =
            std::env::temp_dir().join(format!("dstream_code_cli_{}_{name}", std::process::id()));
        std::fs::write(&p, text).expect("temp file");
        Temp(p)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn assert_fails(r: &Run, needles: &[&str]) {
    assert_eq!(r.code, 1, "exit status (stderr: {})", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "stdout must be empty, got {}",
        r.stdout
    );
    assert!(!r.stderr.contains("panicked"), "panicked: {}", r.stderr);
    for n in needles {
        assert!(
            r.stderr.contains(n),
            "stderr should mention {n:?}: {}",
            r.stderr
        );
    }
}

fn case(name: &str) -> String {
    support::corpus()
        .join(format!("cases/{name}.json"))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn export_prints_each_language_and_jsonl_variant() {
    let c = case("windowed_word_count_inverse");
    for (args, needles) in [
        (
            vec!["--export", "scala", c.as_str()],
            vec!["object Main", "reduceByKeyAndWindow", "awaitTermination()"],
        ),
        (
            vec!["--export", "scala", "--jsonl", c.as_str()],
            vec!["object Main", "ManualClock", "emit(\"with_inverse\""],
        ),
        (
            vec!["--export", "pyspark", c.as_str()],
            vec![
                "StreamingContext",
                "reduceByKeyAndWindow",
                "awaitTermination()",
            ],
        ),
        (
            vec!["--export", "pyspark", c.as_str(), "--jsonl"],
            vec!["StreamingContext", "ManualClock"],
        ),
    ] {
        let r = replay(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(r.stderr.is_empty(), "{args:?}: {}", r.stderr);
        for n in needles {
            assert!(r.stdout.contains(n), "{args:?} should print {n:?}");
        }
    }
}

#[test]
fn export_bad_input() {
    let c = case("batch_word_count");
    assert_fails(
        &replay(&["--export", "java", &c]),
        &["--export", "pyspark and scala", "java"],
    );
    assert_fails(
        &replay(&["--export", "scala", "--jsonl", "--jsonl", &c]),
        &["usage"],
    );
    assert_fails(
        &replay(&["--export", "scala", "/nonexistent/p.json"]),
        &["/nonexistent/p.json", "cannot read"],
    );
    let bad = Temp::new(
        "bad.json",
        r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
            {"id": "l", "op": "queueStream", "batches": [["a"]]},
            {"id": "m", "op": "map", "inputs": ["l"], "fn": "x => x.nope"},
            {"id": "o", "op": "print", "inputs": ["m"]}]}"#,
    );
    assert_fails(
        &replay(&["--export", "pyspark", bad.path()]),
        &[bad.path(), "node `m`", "field `fn`", "nope"],
    );
}

#[test]
fn import_of_an_exported_program_prints_the_pipeline() {
    let c = case("top_sellers");
    let spec = PipelineSpec::from_json(&std::fs::read_to_string(&c).unwrap()).unwrap();
    for jsonl in [false, true] {
        let mut args = vec!["--export", "scala", c.as_str()];
        if jsonl {
            args.insert(2, "--jsonl");
        }
        let exported = replay(&args);
        assert_eq!(exported.code, 0);
        let program = Temp::new(&format!("Main{jsonl}.scala"), &exported.stdout);
        let r = replay(&["--import", "scala", program.path()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(PipelineSpec::from_json(&r.stdout).unwrap(), spec);
        assert!(r.stdout.starts_with("{\n  \"version\": 1,"), "pretty JSON");
        if !jsonl {
            assert!(
                r.stderr.is_empty(),
                "no notes for an exported program: {}",
                r.stderr
            );
        }
    }
}

#[test]
fn import_notes_what_it_substituted_on_stderr() {
    let program = Temp::new(
        "socket.scala",
        "val ssc = new StreamingContext(new SparkConf().setAppName(\"w\"), Seconds(1))\n\
         val lines = ssc.socketTextStream(\"localhost\", 9999)\n\
         lines.flatMap(_.split(\" \")).map(x => (x, 1)).reduceByKey(_ + _).print()\n\
         ssc.start()\n",
    );
    let r = replay(&["--import", "scala", program.path()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let spec = PipelineSpec::from_json(&r.stdout).unwrap();
    assert_eq!(spec.nodes[0].op, "textInput");
    assert!(
        r.stderr
            .starts_with(&format!("{}:2:17: note: socketTextStream", program.path())),
        "{}",
        r.stderr
    );
}

#[test]
fn import_bad_input_names_file_line_column_and_construct() {
    for (name, text, needle) in [
        (
            "class.scala",
            "object A extends App {\n  val ssc = new StreamingContext(c, Seconds(1))\n  case class Log(ip: String)\n}\n",
            ":3:3: a case class definition",
        ),
        (
            "while.scala",
            "val ssc = new StreamingContext(c, Seconds(1))\nwhile (true) {}\n",
            ":2:1: a `while` loop",
        ),
        (
            "method.scala",
            "val ssc = new StreamingContext(c, Seconds(1))\nval l = ssc.socketTextStream(\"h\", 1)\nl.foo(1).print()\n",
            ":3:3: an unknown DStream method `foo`",
        ),
        (
            "lambda.scala",
            "val ssc = new StreamingContext(c, Seconds(1))\nval l = ssc.socketTextStream(\"h\", 1)\nl.map(s => s.reverse).print()\n",
            ":3:14: the lambda of map (`fn`): String has no method 'reverse'",
        ),
        (
            "unclosed.scala",
            "object Main {\n  def main(args: Array[String]): Unit = {\n    println(\"hi)\n  }\n}\n",
            ":3:13: a string without its closing quote",
        ),
        ("empty.scala", "", ":1:1: no StreamingContext"),
    ] {
        let program = Temp::new(name, text);
        let r = replay(&["--import", "scala", program.path()]);
        assert_fails(&r, &[&format!("{}{needle}", program.path())]);
    }
    assert_fails(
        &replay(&["--import", "scala", "/nonexistent/Main.scala"]),
        &["/nonexistent/Main.scala", "cannot read"],
    );
    assert_fails(
        &replay(&["--import", "python", "/nonexistent/p.py"]),
        &["--import", "only scala"],
    );
    assert_fails(&replay(&["--import", "scala"]), &["usage"]);
}

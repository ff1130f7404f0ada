//! `replay PIPELINE.json`: runs a pipeline natively and prints one JSON line per output node
//! per batch at which it fires. Bad input, or a pipeline Spark refuses to start (no output
//! op; a stream it must checkpoint with `"checkpoint": false`): a message on stderr naming
//! the problem, exit 1, nothing on stdout. A run-time error: the lines of the batches that
//! ran before it, as Spark printed them, then the error on stderr, exit 1.
//!
//! Checkpoints, as a stopped and restarted driver: `replay --snapshot-after N FILE
//! PIPELINE.json` runs the first N batches, prints their lines and writes the snapshot to
//! FILE (atomically: a temporary file renamed over it); `replay --restore FILE
//! PIPELINE.json` restores it and runs the remaining batches. The two outputs together are
//! the lines of an uninterrupted run.
//!
//! Code: `replay --export pyspark|scala [--jsonl] PIPELINE.json` prints the pipeline as a
//! Spark program (with `--jsonl`, one whose outputs print these same lines on Spark's manual
//! clock); `replay --import scala PROGRAM.scala` prints the pipeline of a Scala program (what
//! it substituted, a socket read as typed lines, as `FILE:LINE:COL: note: …` on stderr; what
//! it cannot read as `FILE:LINE:COL: …`, exit 1, nothing on stdout).

use std::io::Write;
use std::process::ExitCode;

use dstream_engine::export::{self, ExportOptions, Language};
use dstream_engine::{Engine, PipelineSpec, Snapshot};

const USAGE: &str = "usage: replay PIPELINE.json\n       replay --snapshot-after N FILE PIPELINE.json\n       replay --restore FILE PIPELINE.json\n       replay --export pyspark|scala [--jsonl] PIPELINE.json\n       replay --import scala PROGRAM.scala";

enum Mode {
    Whole,
    SnapshotAfter(u64, String),
    Restore(String),
    Export(Language, bool),
    Import,
}

fn parse_args(args: &[String]) -> Result<(Mode, String), String> {
    match args {
        [path] if !path.starts_with("--") => Ok((Mode::Whole, path.clone())),
        [flag, n, file, path] if flag == "--snapshot-after" => {
            let n = n.parse::<u64>().map_err(|_| {
                format!("--snapshot-after: N must be a batch count (0, 1, 2, ...), got `{n}`")
            })?;
            Ok((Mode::SnapshotAfter(n, file.clone()), path.clone()))
        }
        [flag, file, path] if flag == "--restore" => {
            Ok((Mode::Restore(file.clone()), path.clone()))
        }
        [flag, lang, rest @ ..] if flag == "--export" => {
            let language = Language::parse(lang).ok_or_else(|| {
                format!("--export: the languages are pyspark and scala, got `{lang}`")
            })?;
            match rest {
                [path] if !path.starts_with("--") => {
                    Ok((Mode::Export(language, false), path.clone()))
                }
                [j, path] | [path, j] if j == "--jsonl" && !path.starts_with("--") => {
                    Ok((Mode::Export(language, true), path.clone()))
                }
                _ => Err(USAGE.to_string()),
            }
        }
        [flag, lang, path] if flag == "--import" => {
            if lang != "scala" {
                return Err(format!(
                    "--import: only scala programs are read, got `{lang}`"
                ));
            }
            Ok((Mode::Import, path.clone()))
        }
        _ => Err(USAGE.to_string()),
    }
}

/// What a run printed, and the error that stopped it, if one did.
struct Run {
    out: String,
    error: Option<String>,
}

fn run_ticks(engine: &mut Engine, ticks: u64, path: &str, out: &mut String) -> Result<(), String> {
    for _ in 0..ticks {
        let report = engine
            .tick()
            .map_err(|e| format!("{path}: run-time error: {e}"))?;
        for l in report.outputs {
            out.push_str(&l.to_json_line());
            out.push('\n');
        }
    }
    Ok(())
}

fn write_atomically(file: &str, bytes: &[u8]) -> Result<(), String> {
    let tmp = format!("{file}.tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("{file}: cannot write the snapshot: {e}")
        })
}

fn run(mode: &Mode, path: &str) -> Result<Run, Vec<String>> {
    if let Mode::Import = mode {
        let text = std::fs::read_to_string(path)
            .map_err(|e| vec![format!("{path}: cannot read the program: {e}")])?;
        let imported = dstream_engine::import::scala::import(&text).map_err(|errors| {
            errors
                .iter()
                .map(|e| format!("{path}:{e}"))
                .collect::<Vec<_>>()
        })?;
        let mut out = imported.spec.to_json();
        out.push('\n');
        for n in &imported.notes {
            eprintln!("{path}:{}:{}: note: {}", n.line, n.column, n.message);
        }
        return Ok(Run { out, error: None });
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![format!("{path}: cannot read the pipeline: {e}")])?;
    let spec_errors = |errors: Vec<dstream_engine::SpecError>| {
        errors
            .iter()
            .map(|e| format!("{path}: {e}"))
            .collect::<Vec<_>>()
    };
    let mut out = String::new();
    let error = match mode {
        Mode::Export(language, jsonl) => {
            let spec = PipelineSpec::from_json(&text).map_err(|e| spec_errors(vec![e]))?;
            let options = ExportOptions {
                jsonl: *jsonl,
                ..ExportOptions::default()
            };
            let program = export::export(&spec, *language, &options).map_err(spec_errors)?;
            out = program.text;
            None
        }
        Mode::Import => None,
        Mode::Whole => {
            let mut engine = Engine::from_json(&text).map_err(spec_errors)?;
            let ticks = engine.plan().ticks;
            run_ticks(&mut engine, ticks, path, &mut out).err()
        }
        Mode::SnapshotAfter(n, file) => {
            let mut engine = Engine::from_json(&text).map_err(spec_errors)?;
            let ticks = engine.plan().ticks;
            if *n > ticks {
                return Err(vec![format!(
                    "--snapshot-after {n}: the pipeline runs {ticks} batches, so N is at most {ticks}"
                )]);
            }
            match run_ticks(&mut engine, *n, path, &mut out) {
                Ok(()) => {
                    write_atomically(file, &engine.snapshot().to_bytes()).map_err(|e| vec![e])?;
                    None
                }
                Err(e) => Some(e),
            }
        }
        Mode::Restore(file) => {
            let spec = PipelineSpec::from_json(&text).map_err(|e| spec_errors(vec![e]))?;
            let bytes = std::fs::read(file)
                .map_err(|e| vec![format!("{file}: cannot read the snapshot: {e}")])?;
            let snapshot =
                Snapshot::from_bytes(&bytes).map_err(|e| vec![format!("{file}: {e}")])?;
            let saved = PipelineSpec::from_json(&snapshot.spec_json)
                .map_err(|e| vec![format!("{file}: {e}")])?;
            if saved != spec {
                return Err(vec![format!(
                    "{file}: the snapshot was taken of another pipeline than {path} (restart from the start, or snapshot this one)"
                )]);
            }
            let mut engine = Engine::restore(snapshot).map_err(|e| vec![format!("{file}: {e}")])?;
            let ticks = engine.plan().ticks.saturating_sub(engine.batches_run());
            run_ticks(&mut engine, ticks, path, &mut out).err()
        }
    };
    Ok(Run { out, error })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, path) = match parse_args(&args) {
        Ok(x) => x,
        Err(m) => {
            eprintln!("{m}");
            return ExitCode::from(1);
        }
    };
    match run(&mode, &path) {
        Ok(run) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(run.out.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                eprintln!("replay: cannot write the output");
                return ExitCode::from(1);
            }
            match run.error {
                None => ExitCode::SUCCESS,
                Some(e) => {
                    eprintln!("{e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(messages) => {
            for m in messages {
                eprintln!("{m}");
            }
            ExitCode::from(1)
        }
    }
}

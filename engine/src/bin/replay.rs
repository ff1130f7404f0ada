//! `replay PIPELINE.json`: runs a pipeline natively and prints one JSON line per output node
//! per batch at which it fires. Bad input: a message on stderr naming the problem, exit 1,
//! nothing on stdout (output is buffered until the whole run succeeded).

use std::io::Write;
use std::process::ExitCode;

use dstream_engine::Engine;

fn run(path: &str) -> Result<String, Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![format!("{path}: cannot read the pipeline: {e}")])?;
    let mut engine = Engine::from_json(&text).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{path}: {e}"))
            .collect::<Vec<_>>()
    })?;
    let lines = engine
        .replay()
        .map_err(|e| vec![format!("{path}: run-time error: {e}")])?;
    let mut out = String::new();
    for l in lines {
        out.push_str(&l.to_json_line());
        out.push('\n');
    }
    Ok(out)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: replay PIPELINE.json");
        return ExitCode::from(1);
    };
    match run(path) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
                .is_err()
            {
                eprintln!("replay: cannot write the output");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(messages) => {
            for m in messages {
                eprintln!("{m}");
            }
            ExitCode::from(1)
        }
    }
}

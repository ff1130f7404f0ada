//! The side-by-side word count, natively: `side_by_side_native BATCHES_FILE PAIR REDUCE`
//! runs the batches in the file (separated by lines `#batch`) through the engine as the page
//! does, and prints `{"ms": …, "words": …, "tops": [...]}`: the time the batches took (reading
//! the file excluded), the words, and each batch's top 10.

use std::time::Instant;

use side_by_side_engine::Run;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(pair), Some(reduce)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: side_by_side_native BATCHES_FILE PAIR REDUCE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let batches: Vec<&str> = text.split("\n#batch\n").collect();
    let mut run = match Run::new(pair, reduce, 30) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut tops = Vec::with_capacity(batches.len());
    let mut words = 0;
    let start = Instant::now();
    for b in &batches {
        if let Err(e) = run.batch(b) {
            eprintln!("{e}");
            std::process::exit(1);
        }
        words += run.words;
        tops.push(run.top.clone());
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let tops: Vec<String> = tops.iter().map(|t| format!("\"{t}\"")).collect();
    println!(
        "{{\"ms\": {ms:.3}, \"words\": {words}, \"tops\": [{}]}}",
        tops.join(",")
    );
}

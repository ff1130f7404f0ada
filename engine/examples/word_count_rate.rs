//! Windowed word count (the criterion benchmark's pipeline) ticked by hand, printing words per second: a quick A/B companion to
//! the criterion benchmark (`cargo run --release -p dstream-engine --example word_count_rate
//! -- [window_batches] [ticks] [pair_fn]`). `pair_fn` replaces `w => (w, 1)`, e.g. with
//! `w => (w.toLowerCase, 1)` to time another lambda form beside it.
//! Runs on the benchmark's allocator, mimalloc.

use dstream_engine::Engine;
use serde_json::json;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let window: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    let ticks: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let pair_fn = args.next().unwrap_or_else(|| "w => (w, 1)".into());
    let mut spec: serde_json::Value =
        serde_json::from_str(include_str!("../benches/windowed_word_count.json"))
            .expect("the benchmark's pipeline is JSON");
    spec["nodes"][2]["fn"] = json!(pair_fn);
    spec["nodes"][3]["window_ms"] = json!(window * 1000);
    let mut e = match Engine::from_json(&spec.to_string()) {
        Ok(e) => e,
        Err(errs) => panic!("{errs:?}"),
    };
    e.set_sample_limit(10);
    for _ in 0..window + 300 {
        if let Err(err) = e.tick() {
            panic!("{err}");
        }
    }
    let mut words = 0;
    let start = std::time::Instant::now();
    for _ in 0..ticks {
        match e.tick() {
            Ok(r) => words += r.nodes[1].count,
            Err(err) => panic!("{err}"),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "window {window}: {:.2} M words/s, {:.1} us/tick",
        words as f64 / secs / 1e6,
        secs * 1e6 / ticks as f64
    );
}

//! Browser benchmark (ignored by the test run; `node tests/bench/word_count.mjs` runs it):
//! the criterion benchmark's windowed word count (generated text → split → `(w, 1)` →
//! `reduceByKeyAndWindow(_ + _, _ - _)`, 30 s window, 1 s slide), ticked by the engine as
//! the page runs it, in WebAssembly in headless Chromium. Prints the median words per second
//! over several rounds for `w => (w, 1)` and for `w => (w.toLowerCase, 1)`; asserts only that
//! both count the same. (`node tests/bench/side_by_side.mjs` compares more ways and forms.)
#![cfg(target_arch = "wasm32")]

use dstream_engine::{Engine, Value};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const ROUNDS: usize = 7;
const TICKS: u64 = 100;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn engine(pair_fn: &str) -> Engine {
    let mut spec: serde_json::Value =
        serde_json::from_str(include_str!("../engine/benches/windowed_word_count.json"))
            .expect("the benchmark's pipeline is JSON");
    spec["nodes"][2]["fn"] = serde_json::json!(pair_fn);
    let mut e = Engine::from_json(&spec.to_string()).expect("valid");
    e.set_sample_limit(10);
    // Fill the window, then let the engine settle.
    for _ in 0..60 {
        e.tick().expect("tick");
    }
    e
}

/// Median words per second over `ROUNDS` rounds of `TICKS` ticks, and the last output.
fn rate(e: &mut Engine) -> (f64, Vec<Value>) {
    let mut rates = Vec::new();
    let mut last = Vec::new();
    for _ in 0..ROUNDS {
        let mut words = 0;
        let t0 = now();
        for _ in 0..TICKS {
            let r = e.tick().expect("tick");
            words += r.nodes[1].count;
            last = r.outputs[0].records.clone();
        }
        rates.push(words as f64 / ((now() - t0) / 1000.0));
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    (rates[rates.len() / 2], last)
}

#[wasm_bindgen_test]
#[ignore]
fn windowed_word_count_words_per_second_in_wasm() {
    let (plain, p_out) = rate(&mut engine("w => (w, 1)"));
    let (lower, l_out) = rate(&mut engine("w => (w.toLowerCase, 1)"));
    assert_eq!(p_out, l_out);
    console_log!(
        "word count in wasm: {:.2} M words/s with w => (w, 1), {:.2} M words/s with w => (w.toLowerCase, 1) (medians of {ROUNDS} x {TICKS} ticks)",
        plain / 1e6,
        lower / 1e6
    );
}

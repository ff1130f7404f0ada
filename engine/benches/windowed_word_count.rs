//! Windowed word count, the classic DStream pipeline: generated text → `flatMap` split →
//! `map (w, 1)` → `reduceByKeyAndWindow(_ + _, _ - _)` sliding every batch. Measures one
//! steady-state tick (window already full) for a 30-batch and a 3600-batch window: with an
//! inverse, the per-batch cost must not grow with the window length.
//!
//! The hot path allocates per record (a string per word, a tuple per pair), so the native
//! allocator matters: the benchmark runs on mimalloc, as a native binary embedding the engine
//! would (glibc's malloc is about 1.5x slower here and degrades with a long window's heap).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dstream_engine::{Engine, Value};
use serde_json::json;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The benchmark's pipeline (also timed by the `word_count_rate` example and, in wasm, by
/// the app's `tests/bench_word_count.rs`): 5 000 generated lines a second, about 4.5 words
/// each, and a 30-batch window that `engine` resizes.
const PIPELINE: &str = include_str!("windowed_word_count.json");

fn engine(window_batches: u64) -> Engine {
    let mut spec: serde_json::Value = serde_json::from_str(PIPELINE).expect("the pipeline is JSON");
    spec["nodes"][3]["window_ms"] = json!(window_batches * 1000);
    let mut e = match Engine::from_json(&spec.to_string()) {
        Ok(e) => e,
        Err(errs) => panic!("{errs:?}"),
    };
    e.set_sample_limit(10);
    for _ in 0..window_batches {
        e.tick().expect("fill the window");
    }
    e
}

/// Words per batch, averaged over 300 ticks that also let the engine (and the allocator)
/// settle after filling the window, so the measurement sees the steady state.
fn words_per_batch(e: &mut Engine) -> u64 {
    let mut words = 0;
    for _ in 0..300 {
        let r = e.tick().expect("tick");
        words += r.nodes[1].count;
        assert_eq!(r.outputs[0].records.len(), 1);
        assert!(matches!(r.outputs[0].records[0], Value::Int(n) if n > 0));
    }
    words / 300
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("windowed_word_count");
    group.sample_size(20);
    for window in [30u64, 3600] {
        let mut e = engine(window);
        let words = words_per_batch(&mut e);
        group.throughput(Throughput::Elements(words));
        group.bench_function(format!("tick_window_{window}_batches"), |b| {
            b.iter(|| e.tick().expect("tick"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

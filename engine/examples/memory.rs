//! The engine's memory, measured natively with a counting allocator (what the worker's wasm
//! memory holds is the same data):
//!
//! - `cargo run --release -p dstream-engine --example memory -- curve PIPELINE.json BATCHES EVERY`
//!   runs a pipeline file (e.g. `www/examples/firehose.json`: 10 minutes at 10x is 6000
//!   batches) and prints the live heap every EVERY batches: flat once the window is full;
//! - `… --example memory -- state KEYS` puts KEYS distinct keys into `updateStateByKey` state
//!   (one batch of typed lines) and prints the live heap, the snapshot's size, and the time to
//!   write and to restore it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

use dstream_engine::{Engine, Snapshot, Value};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed straight to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn mb(bytes: isize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn fail(message: String) -> ! {
    eprintln!("{message}");
    std::process::exit(1);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("curve") => {
            let (Some(path), Some(batches), Some(every)) = (args.get(1), args.get(2), args.get(3))
            else {
                fail("usage: memory curve PIPELINE.json BATCHES EVERY".into())
            };
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("{path}: {e}")));
            let batches: u64 = batches
                .parse()
                .unwrap_or_else(|e| fail(format!("BATCHES: {e}")));
            let every: u64 = every
                .parse()
                .unwrap_or_else(|e| fail(format!("EVERY: {e}")));
            let mut e = Engine::from_json(&text).unwrap_or_else(|e| fail(format!("{e:?}")));
            println!("batch,live_mb");
            for b in 1..=batches {
                e.tick().unwrap_or_else(|e| fail(e.to_string()));
                if b % every.max(1) == 0 {
                    println!("{b},{:.2}", mb(LIVE.load(Ordering::Relaxed)));
                }
            }
        }
        Some("state") => {
            let keys: usize = args
                .get(1)
                .and_then(|k| k.parse().ok())
                .unwrap_or(1_000_000);
            let spec = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
              {"id": "lines", "op": "textInput"},
              {"id": "pairs", "op": "map", "inputs": ["lines"], "fn": "w => (w, 1)"},
              {"id": "totals", "op": "updateStateByKey", "inputs": ["pairs"],
               "fn": "(vs, s) => Some(vs.sum + s.getOrElse(0))"},
              {"id": "out", "op": "foreachRDD", "inputs": ["totals"], "action": "count"}]}"#;
            let mut e = Engine::from_json(spec).unwrap_or_else(|e| fail(format!("{e:?}")));
            let before = LIVE.load(Ordering::Relaxed);
            let lines: Vec<Value> = (0..keys).map(|i| Value::str(&format!("key{i}"))).collect();
            e.feed("lines", lines)
                .unwrap_or_else(|e| fail(e.to_string()));
            let r = e.tick().unwrap_or_else(|e| fail(e.to_string()));
            let held = LIVE.load(Ordering::Relaxed) - before;
            let t0 = Instant::now();
            let bytes = e.snapshot().to_bytes();
            let write_ms = t0.elapsed().as_secs_f64() * 1000.0;
            let t0 = Instant::now();
            let restored = Snapshot::from_bytes(&bytes)
                .and_then(Engine::restore)
                .unwrap_or_else(|e| fail(e.to_string()));
            let restore_ms = t0.elapsed().as_secs_f64() * 1000.0;
            drop(restored);
            println!(
                "{keys} keys ({} in the output): engine holds {:.1} MB; snapshot {:.2} MB, written in {write_ms:.0} ms, restored in {restore_ms:.0} ms",
                match r.outputs[0].records.first() {
                    Some(v) => v.to_string(),
                    None => "?".into(),
                },
                mb(held),
                bytes.len() as f64 / (1024.0 * 1024.0)
            );
        }
        _ => fail("usage: memory curve PIPELINE.json BATCHES EVERY | memory state KEYS".into()),
    }
}

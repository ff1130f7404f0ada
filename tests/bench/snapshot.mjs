// Browser benchmark (not a test: prints figures, asserts nothing about time): checkpoint
// snapshot write and restore for 100 000 keys of state in headless Chromium, through real
// IndexedDB. The measuring code is Rust (`tests/bench_snapshot.rs`, an ignored
// wasm-bindgen-test, so the engine and storage code measured is the page's own); this
// script runs it in Chromium through wasm-bindgen-test-runner and prints its figures
// (median of 7 runs). Targets: write <= 50 ms, restore <= 100 ms.
//
//   node tests/bench/snapshot.mjs

import { runWasmBench } from './support/wasm_bench.mjs';

runWasmBench('bench_snapshot', 'snapshot of');

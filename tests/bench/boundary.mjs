// Browser benchmark (not a test: prints figures, asserts nothing about time): the cost of
// crossing to the engine worker, JSON text (before) against JS values with the snapshot's
// buffer transferred (now), interleaved in one headless Chromium page. The measuring code is
// Rust (`tests/bench_boundary.rs`, an ignored wasm-bindgen-test).
//
//   node tests/bench/boundary.mjs

import { runWasmBench } from './support/wasm_bench.mjs';

runWasmBench('bench_boundary', 'boundary');

// Browser benchmark (not a test: prints figures, asserts nothing about time): the windowed
// word count of the criterion benchmark, ticked in WebAssembly in headless Chromium, with
// `w => (w, 1)` and with `w => (w.toLowerCase, 1)`. The measuring code is Rust
// (`tests/bench_word_count.rs`, an ignored wasm-bindgen-test, so the engine measured is the
// page's own build); this script runs it through wasm-bindgen-test-runner and prints its line.
//
//   node tests/bench/word_count.mjs

import { runWasmBench } from './support/wasm_bench.mjs';

runWasmBench('bench_word_count', 'word count in wasm');

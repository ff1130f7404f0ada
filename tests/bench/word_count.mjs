// Browser benchmark (not a test: prints figures, asserts nothing about time): the windowed
// word count of the criterion benchmark, ticked in WebAssembly in headless Chromium, with
// the word-count kernels and through the closures. The measuring code is Rust
// (`tests/bench_word_count.rs`, an ignored wasm-bindgen-test, so the engine measured is the
// page's own build); this script runs it through wasm-bindgen-test-runner and prints its line.
//
//   node tests/bench/word_count.mjs

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const run = spawnSync(
  'cargo',
  ['test', '--release', '--target', 'wasm32-unknown-unknown', '--test', 'bench_word_count', '--', '--include-ignored', '--nocapture'],
  { cwd: root, env: { CHROMEDRIVER: '/usr/bin/chromedriver', ...process.env }, encoding: 'utf8' },
);
const figures = `${run.stdout}`.split('\n').filter((l) => l.startsWith('word count in wasm'));
if (run.status !== 0 || figures.length === 0) {
  process.stderr.write(run.stdout + run.stderr);
  process.exit(1);
}
for (const line of figures) console.log(line);

// Browser benchmark (not a test: prints figures, asserts nothing about time): checkpoint
// snapshot write and restore for 100 000 keys of state in headless Chromium, through real
// IndexedDB. The measuring code is Rust (`tests/bench_snapshot.rs`, an ignored
// wasm-bindgen-test, so the engine and storage code measured is the page's own); this
// script runs it in Chromium through wasm-bindgen-test-runner and prints its figures
// (median of 7 runs). Targets: write <= 50 ms, restore <= 100 ms.
//
//   node tests/bench/snapshot.mjs

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const run = spawnSync(
  'cargo',
  ['test', '--release', '--target', 'wasm32-unknown-unknown', '--test', 'bench_snapshot', '--', '--include-ignored', '--nocapture'],
  { cwd: root, env: { CHROMEDRIVER: '/usr/bin/chromedriver', ...process.env }, encoding: 'utf8' },
);
const figures = `${run.stdout}`.split('\n').filter((l) => l.startsWith('snapshot of'));
if (run.status !== 0 || figures.length === 0) {
  process.stderr.write(run.stdout + run.stderr);
  process.exit(1);
}
for (const line of figures) console.log(line);

// Runs an ignored wasm-bindgen-test benchmark (`tests/<name>.rs`, built in release) in
// headless Chromium through wasm-bindgen-test-runner and prints the lines it logged that
// start with `prefix`; exits 1 with the runner's output if it failed or printed none.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export function runWasmBench(name, prefix) {
  const run = spawnSync(
    'cargo',
    ['test', '--release', '--target', 'wasm32-unknown-unknown', '--test', name, '--', '--include-ignored', '--nocapture'],
    { cwd: ROOT, env: { CHROMEDRIVER: '/usr/bin/chromedriver', ...process.env }, encoding: 'utf8' },
  );
  const figures = `${run.stdout}`.split('\n').filter((l) => l.startsWith(prefix));
  if (run.status !== 0 || figures.length === 0) {
    process.stderr.write(run.stdout + run.stderr);
    process.exit(1);
  }
  for (const line of figures) console.log(line);
}

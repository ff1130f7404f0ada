// Browser benchmark (not a test: prints figures, asserts nothing about time): the same
// windowed word count (flatMap split → map (w, 1) → reduceByKeyAndWindow with an inverse, a
// 30 s window sliding every 1 s; 60 batches of 200 000 words of the same Zipf-like text; the
// top 10 after every batch) five ways, in one page, interleaved over several rounds: the
// engine in wasm, a minimal hand-written Rust word count in wasm (the limit), plain
// JavaScript, idiomatic RxJS, and the engine natively (same machine, same rounds). Every way
// must end on the same top 10 and checksum, or the bench fails. Then the engine in wasm with
// each lambda form, its size-optimised build, and its per-batch cost with a 30- and a
// 3600-batch window. Medians and ratios go to the terminal and to
// target/bench/side_by_side.json.
//
//   node tests/bench/side_by_side.mjs [--rounds N] [--profile]
//
// --profile also records Chromium's CPU profile of one engine run through the DevTools
// protocol (target/bench/side_by_side.cpuprofile) and prints where its time goes.

import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, serveDist, ROOT } from '../e2e/support/harness.mjs';
import { generate, checksum } from './side_by_side/page/text.js';

const argv = process.argv.slice(2);
const ROUNDS = Number(argv[argv.indexOf('--rounds') + 1] || 5);
const PROFILE = argv.includes('--profile');
const CRATE = join(ROOT, 'tests/bench/side_by_side');
const TARGET = join(ROOT, 'target/side_by_side');
const OUT = join(ROOT, 'target/bench');
const SITE = join(OUT, 'side_by_side_site');
// Each lambda form: its name, then the pipeline's pair and reduce lambdas.
const FORMS = [
  ['w => (w, 1)', 'w => (w, 1)', '_ + _'],
  ['w => (w.toLowerCase, 1)', 'w => (w.toLowerCase, 1)', '_ + _'],
  ['w => (w, 1 + 0)', 'w => (w, 1 + 0)', '_ + _'],
  ['(a, b) => a + b', 'w => (w, 1)', '(a, b) => a + b'],
  ['_ + _', 'w => (w, 1)', '_ + _'],
];
const FORM_NAMES = FORMS.map(([name]) => name);

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
}

// 1. Builds: both Rust crates for wasm in the speed-optimised profile (and the engine in the
// size-optimised one too), each through wasm-opt as trunk would; the engine natively.
const cargo = (args) => sh('cargo', ['build', '--offline', ...args], { cwd: CRATE, env: { ...process.env, CARGO_TARGET_DIR: TARGET } });
console.error('building the wasm and native word counts…');
cargo(['--release', '--target', 'wasm32-unknown-unknown']);
cargo(['--profile', 'release-size', '--target', 'wasm32-unknown-unknown', '-p', 'side-by-side-engine']);
cargo(['--profile', 'release-mixed', '--target', 'wasm32-unknown-unknown', '-p', 'side-by-side-engine']);
cargo(['--release', '-p', 'side-by-side-engine', '--bin', 'side_by_side_native']);
await mkdir(SITE, { recursive: true });
const wasmOpt = join(ROOT, 'node_modules/.bin/wasm-opt');
const builds = {
  engine_wasm: ['release/side_by_side_engine.wasm', '-O3'],
  engine_wasm_size_opt: ['release-size/side_by_side_engine.wasm', '-Oz'],
  engine_wasm_mixed_opt: ['release-mixed/side_by_side_engine.wasm', '-Oz'],
  handwritten_wasm: ['release/side_by_side_handwritten.wasm', '-O3'],
};
const sizes = {};
const features = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals'];
for (const [way, [file, level]] of Object.entries(builds)) {
  // The size as shipped (names stripped); the page loads a copy that keeps the function
  // names, for the CPU profile (names do not change the code).
  const input = join(TARGET, 'wasm32-unknown-unknown', file);
  const stripped = join(OUT, `${way}.stripped.wasm`);
  sh(wasmOpt, [level, ...features, input, '-o', stripped]);
  sh(wasmOpt, [level, '-g', ...features, input, '-o', join(SITE, `${way}.wasm`)]);
  const bytes = readFileSync(stripped);
  sizes[way] = { bytes: bytes.length, gzip_bytes: gzipSync(bytes, { level: 9 }).length };
}
for (const f of ['index.html', 'bench.js', 'text.js']) await copyFile(join(CRATE, 'page', f), join(SITE, f));
await copyFile(join(ROOT, 'node_modules/rxjs/dist/bundles/rxjs.umd.min.js'), join(SITE, 'rxjs.umd.min.js'));

// 2. The same text for the native run.
const batches = generate();
const batchFile = join(OUT, 'side_by_side_batches.txt');
await writeFile(batchFile, batches.map((lines) => lines.join('\n')).join('\n#batch\n'));
const native = join(TARGET, 'release/side_by_side_native');
function runNative(pair = 'w => (w, 1)', reduce = '_ + _') {
  const r = JSON.parse(sh(native, [batchFile, pair, reduce]));
  return { ms: r.ms, words: r.words, checksum: checksum(r.tops), last: r.tops[r.tops.length - 1] };
}

// 3. The page.
const server = await serveDist(SITE);
const browser = await openBrowser();
const { page } = browser;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
let failed = false;
try {
  const wasm = Object.fromEntries(Object.keys(builds).map((w) => [w, `${w}.wasm`]));
  await page.goto(`${server.url}index.html?wasm=${encodeURIComponent(JSON.stringify(wasm))}`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 120000 }).catch((e) => {
    throw new Error(`the page did not load: ${browser.problems.join('; ') || e.message}`);
  });
  const ways = ['engine_wasm', 'handwritten_wasm', 'plain_js', 'rxjs', 'engine_native'];
  const rates = Object.fromEntries([...ways, 'engine_wasm_size_opt', 'engine_wasm_mixed_opt', ...FORM_NAMES.map((f) => `form:${f}`)].map((w) => [w, []]));
  const sums = {};
  const record = (name, r) => {
    rates[name].push(r.words / (r.ms / 1000));
    (sums[name] ??= new Set()).add(`${r.checksum} ${r.last}`);
  };
  for (let round = 0; round < ROUNDS; round++) {
    // A different order each round, so no way always runs after the same one.
    const order = ways.map((_, i) => ways[(i + round) % ways.length]);
    for (const way of order) {
      const r = way === 'engine_native' ? runNative() : await page.evaluate((w) => window.bench.run(w), way);
      record(way, r);
    }
    for (const way of ['engine_wasm_size_opt', 'engine_wasm_mixed_opt']) {
      record(way, await page.evaluate((w) => window.bench.run(w), way));
    }
    for (let i = 0; i < FORMS.length; i++) {
      const [name, pair, reduce] = FORMS[(i + round) % FORMS.length];
      const r = await page.evaluate(([w, p, f]) => window.bench.run(w, p, f), ['engine_wasm', pair, reduce]);
      record(`form:${name}`, r);
    }
    console.error(`round ${round + 1}/${ROUNDS}: ${ways.map((w) => `${w} ${(rates[w].at(-1) / 1e6).toFixed(2)}M`).join(', ')}`);
  }
  // Every way and form on the same tops.
  const all = new Set(Object.values(sums).flatMap((s) => [...s]));
  if (all.size !== 1) {
    failed = true;
    console.error('FAIL: the ways disagree on the top 10 / checksum:');
    for (const [name, s] of Object.entries(sums)) console.error(`  ${name}: ${[...s].join(' | ')}`);
  }
  const [agreed] = all;
  // The per-batch cost with a long window, in the page too.
  // Both windows filled, then their ticks alternated in rounds (so load changes hit both).
  const [w30, w3600] = await page.evaluate(() => window.bench.windowCosts(30, 3600, 25, 8));

  let profile = null;
  if (PROFILE) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.evaluate(() => window.bench.run('engine_wasm'));
    const { profile: p } = await cdp.send('Profiler.stop');
    await writeFile(join(OUT, 'side_by_side.cpuprofile'), JSON.stringify(p));
    const self = new Map();
    const dt = new Map(p.nodes.map((n) => [n.id, 0]));
    p.samples.forEach((id, i) => dt.set(id, dt.get(id) + (p.timeDeltas[i] ?? 0)));
    let total = 0;
    for (const n of p.nodes) {
      const name = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'program'})`;
      self.set(name, (self.get(name) ?? 0) + dt.get(n.id));
      total += dt.get(n.id);
    }
    profile = [...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, us]) => ({ name, share: us / total }));
  }

  const m = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
  const best = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, Math.max(...v)]));
  const wordsPerS = Object.fromEntries(ways.map((w) => [w, m[w]]));
  const forms = Object.fromEntries(FORM_NAMES.map((f) => [f, m[`form:${f}`]]));
  const fastestForm = Math.max(...Object.values(forms));
  const ratios = {
    engine_wasm_vs_handwritten_wasm: m.engine_wasm / m.handwritten_wasm,
    engine_wasm_vs_rxjs: m.engine_wasm / m.rxjs,
    engine_wasm_vs_plain_js: m.engine_wasm / m.plain_js,
    engine_wasm_vs_engine_native: m.engine_wasm / m.engine_native,
    slowest_lambda_form_vs_fastest: Math.min(...Object.values(forms)) / fastestForm,
    window_3600_vs_30_per_batch: w3600 / w30,
    size_opt_vs_speed_opt_throughput: m.engine_wasm_size_opt / m.engine_wasm,
    mixed_opt_vs_speed_opt_throughput: m.engine_wasm_mixed_opt / m.engine_wasm,
  };
  const result = {
    words_per_s: wordsPerS,
    lambda_forms: forms,
    ratios,
    window_ms_per_batch: { window_30: w30, window_3600: w3600 },
    profiles: {
      speed: { words_per_s: m.engine_wasm, ...sizes.engine_wasm },
      size: { words_per_s: m.engine_wasm_size_opt, ...sizes.engine_wasm_size_opt },
      mixed: { words_per_s: m.engine_wasm_mixed_opt, ...sizes.engine_wasm_mixed_opt },
      handwritten: sizes.handwritten_wasm,
    },
    best_of_rounds_words_per_s: best,
    rounds: ROUNDS,
    words_per_round: batches.reduce((n, lines) => n + lines.reduce((k, l) => k + l.split(' ').length, 0), 0),
    agreed_checksum_and_last_top10: agreed,
    cpu_profile_top: profile,
    chromium: await browser.page.evaluate(() => navigator.userAgent),
  };
  await writeFile(join(OUT, 'side_by_side.json'), `${JSON.stringify(result, null, 2)}\n`);
  const row = (name, v, extra = '') => console.log(`| ${name} | ${(v / 1e6).toFixed(2)} M | ${extra} |`);
  console.log(`\nwindowed word count, ${result.words_per_round} words a round, medians of ${ROUNDS} rounds\n`);
  console.log('| way | words/s | vs engine wasm |\n|---|---:|---:|');
  for (const w of ways) row(w, wordsPerS[w], (m.engine_wasm / wordsPerS[w]).toFixed(2) + 'x');
  console.log('\n| engine wasm, lambda form | words/s | vs fastest |\n|---|---:|---:|');
  for (const f of FORM_NAMES) row(`\`${f}\``, forms[f], (forms[f] / fastestForm).toFixed(2));
  console.log('\n| ratio | value |\n|---|---:|');
  for (const [k, v] of Object.entries(ratios)) console.log(`| ${k} | ${v.toFixed(2)} |`);
  console.log(`\nper batch in the page: ${w30.toFixed(3)} ms (30-batch window), ${w3600.toFixed(3)} ms (3600-batch window)`);
  const kb = (w) => `${(sizes[w].gzip_bytes / 1024).toFixed(0)} KB gzip, ${(m[w] / 1e6).toFixed(2)} M words/s`;
  console.log(`engine wasm: speed-optimised ${kb('engine_wasm')}; size-optimised ${kb('engine_wasm_size_opt')}; size-optimised but the engine at opt-level 3 ${kb('engine_wasm_mixed_opt')}; hand-written ${(sizes.handwritten_wasm.gzip_bytes / 1024).toFixed(1)} KB`);
  if (profile) {
    console.log('\nChromium CPU profile of one engine run (self time):');
    for (const { name, share } of profile) console.log(`  ${(share * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
  console.log(`\nwrote ${join(OUT, 'side_by_side.json')}${failed ? ' (the ways DISAGREE)' : ''}`);
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);

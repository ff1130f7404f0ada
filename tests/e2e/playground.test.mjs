// End to end: the playground a learner uses, in headless Chromium on the page trunk built.
// Loads gallery examples, steps batches and checks what the window node printed against the
// outputs real Spark produced (shared/conformance), types a lambda with a type error and sees
// the message in place, drives the keyboard shortcuts and the typed-lines source, and saves
// screenshots to test-results/.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as harness from './support/harness.mjs';
import { RESULTS, ROOT } from './support/harness.mjs';

const CONFORMANCE = process.env.DSTREAM_CONFORMANCE_DIR ?? join(ROOT, '..', 'shared', 'conformance');

let session;
let server;
let browser;
let page;
before(async () => {
  session = await harness.openPlayground();
  ({ server, browser, page } = session);
  await page.goto(server.url);
  await page.locator('[data-testid=timeline]').waitFor({ timeout: 20000 });
});
after(() => session?.close());

const counter = () => harness.batchCounter(page);
/** Clicks step and waits until the batch counter shows `n`. */
const stepTo = (n) => harness.stepTo(page, n);

/** A JSON record as the JVM's toString prints it: ["a",2] -> (a,2). */
function jvm(r) {
  if (Array.isArray(r)) return `(${r.map(jvm).join(',')})`;
  if (r === null) return 'None';
  return String(r);
}

/** The record lines of a panel printed in Spark's print() format, and its Time header. */
async function printed(id) {
  const text = await page.locator(`[data-testid=output-${id}] .print`).innerText();
  const lines = text.split('\n').map((l) => l.trim());
  const time = lines.find((l) => l.startsWith('Time: '));
  const records = lines.filter((l) => l && !l.startsWith('---') && !l.startsWith('Time: ') && l !== '...');
  return { time, records };
}

async function loadExample(slug) {
  await page.click(`[data-testid=example-${slug}]`);
  // A switch recovers the example's own checkpoint if it has one (getOrCreate); these tests
  // start from batch 0.
  await harness.waitReady(page);
  await harness.resetPipeline(page);
}

test('the engine runs only in the worker: the page\'s wasm does not hold it', async () => {
  await harness.waitReady(page);
  const files = await readdir(harness.DIST);
  const pageWasm = files.find((f) => f.startsWith('dstream-playground-') && f.endsWith('_bg.wasm'));
  const workerWasm = files.find((f) => f.startsWith('engine_worker') && f.endsWith('_bg.wasm'));
  assert.ok(pageWasm && workerWasm, files.join(', '));
  // Strings only the engine's evaluator, its ops and the regex crate carry.
  const engineOnly = ['java.lang.NumberFormatException', 'empty character class', 'java.util.NoSuchElementException'];
  const pageBytes = (await readFile(join(harness.DIST, pageWasm))).toString('latin1');
  const workerBytes = (await readFile(join(harness.DIST, workerWasm))).toString('latin1');
  for (const s of engineOnly) {
    assert.ok(workerBytes.includes(s), `the worker's wasm runs the engine: ${s}`);
    assert.ok(!pageBytes.includes(s), `the page's wasm links the engine: ${s}`);
  }
});

test('every gallery example loads with one click and shows its DAG', async () => {
  const entries = await page.locator('[data-testid^=example-]').count();
  assert.ok(entries >= 6, `only ${entries} gallery entries`);
  const expectNodes = {
    'windowed-word-count': ['lines', 'words', 'pairs', 'counts', 'out'],
    'log-alarmer': ['logs', 'status', 'errors', 'err_count', 'alarm'],
    'top-sellers': ['sales', 'revenue', 'hourly', 'top3'],
    'running-totals': ['sales', 'totals', 'sales_seen'],
    'join-streams': ['orders', 'payments', 'joined', 'left'],
  };
  for (const [slug, nodes] of Object.entries(expectNodes)) {
    await loadExample(slug);
    for (const id of nodes) {
      assert.equal(await page.locator(`[data-testid=node-${id}]`).count(), 1, `${slug}: node ${id}`);
      assert.equal(await page.locator(`[data-testid=output-${id}]`).count(), 1, `${slug}: panel ${id}`);
    }
    assert.equal(await page.locator('[data-testid=error]').count(), 0, `${slug} has errors`);
    // It runs: one step gives batch 1 and no error.
    await stepTo(1);
    assert.equal(await page.locator('[data-testid=error]').count(), 0, `${slug} failed its first batch`);
  }
});

test('the windowed word count fires on every second batch with the counts Spark gives', async () => {
  const expected = (await readFile(join(CONFORMANCE, 'expected', 'windowed_word_count_inverse.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((l) => l.output === 'with_inverse');
  assert.ok(expected.length >= 4, 'the conformance file lost its with_inverse lines');
  const firing = new Map(expected.map((l) => [l.batch, l]));
  const batches = Math.max(...firing.keys()) + 1;

  await loadExample('windowed-word-count');
  assert.match(await page.locator('[data-testid=output-out]').innerText(), /nothing emitted yet/);
  let last = null;
  for (let batch = 0; batch < batches; batch += 1) {
    await stepTo(batch + 1);
    const badge = (await page.locator('[data-testid=node-counts] .badge').textContent()).trim();
    const out = await printed('out');
    if (firing.has(batch)) {
      last = firing.get(batch);
      assert.equal(out.time, `Time: ${last.time_ms} ms`, `batch ${batch}`);
      assert.deepEqual(out.records.slice().sort(), last.records.map(jvm).sort(), `batch ${batch}`);
      assert.equal(badge, String(last.records.length), `window node count at batch ${batch}`);
    } else {
      assert.equal(badge, '–', `the window must not fire at batch ${batch}`);
      if (last === null) {
        assert.equal(out.time, undefined, `nothing printed before the first slide (batch ${batch})`);
      } else {
        assert.equal(out.time, `Time: ${last.time_ms} ms`, `the last print stays at batch ${batch}`);
      }
    }
    if (batch === 5) {
      const caption = await page.locator('[data-testid=timeline] .timeline-caption').textContent();
      assert.match(caption, /covers batches #2, #3, #4, #5/);
      assert.match(caption, /added #4, #5, subtracted #0, #1/);
      await page.screenshot({ path: join(RESULTS, 'windowed-word-count.png'), fullPage: true });
    }
  }
});

test('a pipeline is edited from the palette: add, configure, run, remove', async () => {
  await loadExample('windowed-word-count');
  await page.click('[data-testid=node-counts]');
  await page.click('[data-testid=add-filter]');
  await page.locator('[data-testid=node-filter]').waitFor();
  await page.fill('[data-testid=field-filter-fn]', 'kv => kv._2 > 1');
  await page.click('[data-testid=add-print]');
  await page.locator('[data-testid=node-print]').waitFor();
  assert.equal(await page.locator('[data-testid=error]').count(), 0);
  await stepTo(2);
  const out = await printed('print');
  assert.equal(out.time, 'Time: 2000 ms');
  assert.deepEqual(out.records.slice().sort(), ['(a,2)', '(b,2)']);
  await page.screenshot({ path: join(RESULTS, 'edited-pipeline.png'), fullPage: false });

  // Removing the filter leaves print without an input: refused before anything runs.
  await page.click('[data-testid=node-filter]');
  await page.click('[data-testid=remove-node]');
  await page.locator('[data-testid=error]').first().waitFor();
  assert.equal(await page.locator('[data-testid=node-filter]').count(), 0);
  assert.match(await page.locator('[data-testid=error]').first().innerText(), /node `print`/);
  assert.ok(await page.locator('[data-testid=play]').isDisabled());
});

test('a lambda with a type error shows the message at the node and column, and blocks play', async () => {
  await loadExample('windowed-word-count');
  await page.click('[data-testid=node-pairs]');
  const field = page.locator('[data-testid=field-pairs-fn]');
  await field.fill('w => (w, w * 2)');
  const error = page.locator('[data-testid=error]').first();
  await error.waitFor({ timeout: 5000 });
  const text = await page.locator('[data-testid=editor] [data-testid=error]').first().innerText();
  assert.match(text, /node `pairs`/);
  assert.match(text, /column \d+/);
  assert.ok(await page.locator('[data-testid=play]').isDisabled(), 'play must be disabled');
  assert.ok(await page.locator('[data-testid=step]').isDisabled(), 'step must be disabled');
  await page.screenshot({ path: join(RESULTS, 'lambda-type-error.png'), fullPage: false });

  await field.fill('w => (w, 1)');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=error]').length === 0);
  assert.ok(!(await page.locator('[data-testid=play]').isDisabled()));
});

test('mapWithState runs Spark\'s own function as pasted, and idle words time out at the full scan', async () => {
  await loadExample('stateful-word-count');
  await page.click('[data-testid=node-counts]');
  const field = page.locator('[data-testid=field-counts-fn]');
  assert.equal(await field.evaluate((el) => el.tagName), 'TEXTAREA', 'a multi-line lambda keeps its lines');
  assert.match(await field.inputValue(), /\n {4}state\.update\(sum\)\n/);
  await stepTo(1);
  assert.deepEqual((await printed('out')).records.sort(), ['(be,1)', '(be,2)', '(not,1)', '(or,1)', '(to,1)', '(to,2)']);
  await stepTo(10);
  const { time, records } = await printed('out');
  assert.equal(time, 'Time: 10000 ms');
  for (const w of ['to', 'or', 'not', 'quick', 'stream']) {
    assert.ok(records.some((r) => r.startsWith(`(${w} (timed out),`)), `${w} timed out: ${records}`);
  }
  assert.ok(!records.some((r) => r.startsWith('(be')), `be was seen at 9 s: ${records}`);
  await page.screenshot({ path: join(RESULTS, 'stateful-word-count.png'), fullPage: false });
});

test('a lambda that fails at run time fails the job that computes it, naming node, record and both times', async () => {
  await loadExample('windowed-word-count');
  await page.click('[data-testid=node-pairs]');
  await page.fill('[data-testid=field-pairs-fn]', 'w => (w, w.toInt)');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=error]').length === 0);
  // At t = 1 s no job runs (the window slides every 2 s): nothing is computed, nothing fails.
  await page.click('[data-testid=step]');
  await harness.waitCounter(page, 1);
  assert.equal(await page.locator('.batch-error').count(), 0);
  // The window's job at t = 2 s computes batch #0's pairs, and fails on its record "x".
  await page.click('[data-testid=step]');
  const error = page.locator('.batch-error[data-testid=error]');
  await error.waitFor({ timeout: 5000 });
  const text = await error.innerText();
  assert.match(text, /batch 0 \(time 1000 ms\)/, 'the record\'s batch');
  assert.match(text, /in the job of `out` at 2000 ms/, 'the job\'s time');
  assert.match(text, /node `pairs`/);
  assert.match(text, /"x"/, 'the failing record is named');
  assert.match(text, /Batch #1 stays the next one/);
  assert.equal(await counter(), 1, 'the failed batch did not count as run');
  await page.screenshot({ path: join(RESULTS, 'runtime-error.png'), fullPage: false });
});

test('space plays and pauses, the right arrow steps, speed and pause work', async () => {
  await loadExample('windowed-word-count');
  const blur = () => page.evaluate(() => document.activeElement?.blur());
  await blur();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid=batch-counter]')?.textContent === '1');
  await page.selectOption('[data-testid=speed]', '10');
  await blur();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=batch-counter]')?.textContent) >= 4);
  await page.keyboard.press('Space');
  // A batch already running (in the engine worker) still finishes, as in Spark.
  await page.waitForTimeout(300);
  const stopped = await counter();
  await page.waitForTimeout(400);
  assert.equal(await counter(), stopped, 'space must pause');
  await page.click('[data-testid=play]');
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid=batch-counter]')?.textContent) > s, stopped);
  await page.click('[data-testid=pause]');
  await page.waitForTimeout(300);
  const paused = await counter();
  await page.waitForTimeout(400);
  assert.equal(await counter(), paused, 'pause must stop the timer');
  await page.click('[data-testid=reset]');
  await page.waitForFunction(() => document.querySelector('[data-testid=batch-counter]')?.textContent === '0');
});

test('lines typed before a tick are that tick\'s batch', async () => {
  await loadExample('typed-lines');
  await page.fill('[data-testid=type-socket]', 'to be or not to be\nbe quick');
  await stepTo(1);
  const out = await printed('batch_counts');
  assert.equal(out.time, 'Time: 1000 ms');
  assert.deepEqual(out.records.slice().sort(), ['(be,3)', '(not,1)', '(or,1)', '(quick,1)', '(to,2)'].sort());
  assert.equal(await page.inputValue('[data-testid=type-socket]'), '', 'the typed lines were consumed');
  await stepTo(2);
  assert.deepEqual((await printed('batch_counts')).records, [], 'nothing typed: an empty batch');
});

test('clicking a record follows the engine\'s lineage downstream', async () => {
  await loadExample('windowed-word-count');
  // Batch #1 (t = 2 s) is ["b c"], and counts fires then over batches #0-#1
  // (["x a b", "a"], ["b c"]): (a,2) (b,2) (c,1) (x,1).
  await stepTo(2);
  const lit = (id) => page.locator(`[data-testid=output-${id}] .rec.lit`).allInnerTexts();
  assert.deepEqual(await lit('counts'), [], 'nothing is marked before a record is followed');
  await page.locator('[data-testid=output-lines] .rec', { hasText: 'b c' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=output-counts] .rec.lit').length > 0);
  assert.deepEqual((await lit('lines')).sort(), ['b c']);
  assert.deepEqual((await lit('words')).sort(), ['b', 'c']);
  assert.deepEqual((await lit('pairs')).sort(), ['(b,1)', '(c,1)']);
  assert.deepEqual((await lit('counts')).sort(), ['(b,2)', '(c,1)'], 'only the keys of the followed words');
  assert.deepEqual((await lit('out')).sort(), ['(b,2)', '(c,1)']);
  assert.equal((await page.locator('[data-testid=derived-counts]').innerText()).trim(), '2 records derive from it');
  assert.equal((await page.locator('[data-testid=derived-words]').innerText()).trim(), '2 records derive from it');
  assert.match(await page.locator('[data-testid=node-counts]').getAttribute('class'), /\blit\b/);
  assert.equal((await page.locator('[data-testid=derived-count-counts]').textContent()).trim(), '↳ 2 derive');
  // The marble of the followed line is marked on the time axis, the other batch's are not.
  const marbles = await page.locator('[data-testid=timeline] .marble.lit title').allTextContents();
  assert.deepEqual(marbles.map((t) => t.replace(/\s+\(click to follow\)$/, '')), ['b c']);
  await page.screenshot({ path: join(RESULTS, 'follow-record.png'), fullPage: false });
  // The next batch no longer holds the line: the engine says so, and nothing is marked.
  await stepTo(3);
  await page.waitForFunction(() => document.querySelector('[data-testid=follow-reason]'));
  assert.match(await page.locator('[data-testid=follow-reason]').innerText(), /older batch/);
  assert.deepEqual(await lit('counts'), []);
  assert.deepEqual(await lit('words'), []);
});

test('the metrics charts fill as batches run, and nothing went wrong in the console', async () => {
  await loadExample('log-alarmer');
  await stepTo(6);
  for (const id of ['metric-input-rate', 'metric-processing', 'metric-scheduling', 'metric-total']) {
    const points = await page.locator(`[data-testid=${id}] polyline`).getAttribute('points');
    assert.equal(points.trim().split(/\s+/).length, 6, `${id} has one point per batch`);
  }
  await page.screenshot({ path: join(RESULTS, 'log-alarmer.png'), fullPage: true });
  assert.deepEqual(browser.problems, []);
});

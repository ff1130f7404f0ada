// End to end: what a learner sees across restarts and edits, in the built page. A reload that
// recovers a checkpoint shows the batch time in the header and no "first batch" hint; a
// receiver kill keeps the time axis; an edit re-runs the typed input with the edit (nothing
// typed is dropped); a batch that fails keeps its input, and after the fix the same records
// run; opening another example clears the fault lab's totals.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as harness from './support/harness.mjs';
import { RESULTS } from './support/harness.mjs';

let session;
let server;
let browser;
let page;
before(async () => {
  session = await harness.openPlayground();
  ({ server, browser, page } = session);
  await page.goto(server.url);
  await harness.waitReady(page);
});
after(() => session?.close());

const stepTo = (n) => harness.stepTo(page, n);
const time = () => page.locator('[data-testid=batch-time]').innerText();
const caption = () => page.locator('[data-testid=timeline] .timeline-caption').textContent();

async function printed(id) {
  const text = await page.locator(`[data-testid=output-${id}] .print`).innerText();
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('---') && !l.startsWith('Time:')).sort();
}

async function setLambda(node, field, text) {
  await page.click(`[data-testid=node-${node}]`);
  await page.fill(`[data-testid=field-${node}-${field}]`, text);
}

test('a reload that recovers a checkpoint shows where the stream is, not batch 0', async () => {
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every 2 batches' });
  await stepTo(6);
  await harness.waitStatus(page, /checkpoint-6000 saved/);
  await page.reload();
  await harness.waitReady(page);
  await harness.waitStatus(page, /Recovered from checkpoint-6000/);
  assert.equal(await harness.batchCounter(page), 6);
  assert.equal(await time(), '6000 ms', 'the header time is the batch time');
  const c = await caption();
  assert.doesNotMatch(c, /first batch/, c);
  assert.match(c, /run batch #6/);
  await stepTo(7);
  assert.equal(await time(), '7000 ms');
  await page.screenshot({ path: join(RESULTS, 'recovered.png') });
});

test('killing a receiver keeps the time axis and the clock', async () => {
  await page.click('[data-testid=example-log-alarmer]');
  await harness.waitReady(page);
  await harness.resetPipeline(page);
  await stepTo(3);
  await page.click('[data-testid=kill-receiver]');
  await page.locator('[data-testid=fault-report]').waitFor();
  assert.equal(await time(), '3000 ms');
  for (const b of [0, 1, 2]) {
    assert.equal(await page.locator(`[data-testid=batch-col-${b}]`).getAttribute('data-origin'), 'ran', `column #${b} stays`);
  }
  await stepTo(4);
  assert.equal(await page.locator('[data-testid=batch-col-3]').getAttribute('data-origin'), 'ran');
});

test('opening another example starts its fault lab from zero', async () => {
  assert.doesNotMatch(await page.locator('[data-testid=fault-totals]').innerText(), /lost: 0 · recovered: 0/, 'the kill above counted');
  await page.click('[data-testid=example-windowed-word-count]');
  await harness.waitReady(page);
  assert.match(await page.locator('[data-testid=fault-totals]').innerText(), /Records lost: 0 · recovered: 0/);
  assert.equal(await page.locator('[data-testid=fault-report]').count(), 0);
});

test('an edit re-runs what was typed, with the edit, and keeps the box', async () => {
  await page.click('[data-testid=example-typed-lines]');
  await harness.waitReady(page);
  await harness.resetPipeline(page);
  await page.fill('[data-testid=type-socket]', 'to be or not to be');
  await stepTo(1);
  await page.fill('[data-testid=type-socket]', 'be quick');
  await stepTo(2);
  assert.deepEqual(await printed('batch_counts'), ['(be,1)', '(quick,1)']);
  await page.fill('[data-testid=type-socket]', 'typed, not sent');
  await setLambda('pairs', 'fn', 'w => (w.toUpperCase, 1)');
  await page.waitForFunction(() => /re-run with your edit/.test(document.querySelector('[data-testid=axis-legend]')?.textContent ?? ''));
  await harness.waitReady(page);
  assert.equal(await harness.batchCounter(page), 2, 'the new context re-ran up to batch 2');
  assert.deepEqual(await printed('batch_counts'), ['(BE,1)', '(QUICK,1)']);
  assert.equal(await page.locator('[data-testid=batch-col-0]').getAttribute('data-origin'), 'rerun');
  assert.equal(await page.inputValue('[data-testid=type-socket]'), 'typed, not sent');
  await page.screenshot({ path: join(RESULTS, 'edit-rerun.png') });
});

test('a failing batch keeps its input; after the fix the same records run', async () => {
  await page.fill('[data-testid=type-socket]', '');
  // Fails on a word of 4 letters: none in what was typed so far, so the re-run passes.
  await setLambda('pairs', 'fn', 'w => (w, 100 / (w.length - 4))');
  await harness.waitReady(page);
  assert.equal(await harness.batchCounter(page), 2);
  await page.fill('[data-testid=type-socket]', 'four or five');
  await page.click('[data-testid=step]');
  const error = page.locator('.batch-error[data-testid=error]');
  await error.waitFor();
  const text = await error.innerText();
  assert.match(text, /ArithmeticException/);
  assert.match(text, /Batch #2 stays the next one, with the 1 line typed for it/);
  assert.equal(await harness.batchCounter(page), 2);
  assert.match(await page.locator('[data-testid=waiting-socket]').innerText(), /1 line\(s\) already sent for batch #2/);
  await setLambda('pairs', 'fn', 'w => (w, 1)');
  await harness.waitReady(page);
  assert.equal(await page.locator('.batch-error').count(), 0);
  await stepTo(3);
  assert.deepEqual(await printed('batch_counts'), ['(five,1)', '(four,1)', '(or,1)'], 'the failed batch ran with its records');
  assert.deepEqual(browser.problems, []);
});

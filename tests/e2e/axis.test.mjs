// End to end: checkpoint snapshots as marks on the time axis, and what the axis keeps across
// restarts. Each mark's box is centred on its batch's column (within 1 px, as the page lays it
// out); clicking or pressing Enter on a mark rewinds; after a rewind, a reload that recovers
// the checkpoint, an edit after a rewind and a fault-lab kill, the batches shown before stay
// (greyed, "before the restart", or re-run with the edit: each column says which), and the
// next batches equal the uninterrupted run's.

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
});
after(() => session?.close());

const counter = () => harness.batchCounter(page);
const stepTo = (n) => harness.stepTo(page, n);
const waitStatus = (re) => harness.waitStatus(page, re);

const waitCounter = (n) => harness.waitCounter(page, n);
const waitWorker = () => harness.waitReady(page);

/// Which context computed batch `b`: "ran" (this one), "rerun" (this one, re-run with an
/// edit), "before" (one that is gone); null: not run in view.
const origin = (b) => page.locator(`[data-testid=batch-col-${b}]`).getAttribute('data-origin');

async function printed(id) {
  const text = await page.locator(`[data-testid=output-${id}] .print`).innerText();
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('---')).sort();
}

/// The snapshot after `n` batches is taken at batch n - 1's time: its mark is on that column.
async function assertOnColumn(n) {
  const mark = await page.locator(`[data-testid=timeline] [data-testid=snapshot-${n}]`).boundingBox();
  const column = await page.locator(`[data-testid=batch-col-${n - 1}]`).boundingBox();
  assert.ok(mark && column, `snapshot-${n} or batch-col-${n - 1} is not drawn`);
  const m = mark.x + mark.width / 2;
  const c = column.x + column.width / 2;
  assert.ok(Math.abs(m - c) <= 1, `snapshot-${n}: mark centre ${m}, column centre ${c}`);
}

test('snapshot marks sit on their batch columns and a click on one rewinds, greying the batches before', async () => {
  await page.goto(server.url);
  await page.locator('[data-testid=timeline]').waitFor({ timeout: 20000 });
  await waitStatus(/No checkpoint of this pipeline yet: StreamingContext.getOrCreate\(dir, create\) called create\(\)/);
  await waitWorker();
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every batch' });
  await stepTo(6);
  await waitStatus(/checkpoint-6000 saved/);
  const uninterrupted = await printed('out');
  for (let n = 1; n <= 6; n++) await assertOnColumn(n);
  assert.match(await page.locator('[data-testid=snapshot-6]').getAttribute('class'), /newest/);
  assert.match(await page.locator('[data-testid=snapshot-4] title').textContent(), /after batch #3 \(t = 4 s, .*B, \d+ keys of state\)/);
  await page.screenshot({ path: join(RESULTS, 'axis-marks.png') });

  await page.click('[data-testid=timeline] [data-testid=snapshot-4]');
  await waitCounter(4);
  await waitStatus(/Rewound to checkpoint-4000/);
  await waitWorker();
  // The batches shown before stay on the axis, greyed: the context that ran them is gone.
  assert.equal(await origin(5), 'before');
  assert.match(await page.locator('[data-testid=axis-legend]').innerText(), /before the restart/);
  assert.equal(await page.locator('[data-testid=batch-time]').innerText(), '4000 ms', 'the header time is the batch time');
  await stepTo(6);
  assert.equal(await origin(4), 'ran');
  assert.equal(await origin(5), 'ran');
  assert.deepEqual(await printed('out'), uninterrupted, 'the rewound run recomputes batch 6 as before');
  assert.deepEqual(browser.problems, []);
});

test('a reload recovers the checkpoint, an edit re-runs up to the batch reached, and Enter on a mark rewinds', async () => {
  await waitStatus(/checkpoint-6000 saved/);
  await page.reload();
  await page.locator('[data-testid=timeline]').waitFor({ timeout: 20000 });
  await waitStatus(/Recovered from checkpoint-6000/);
  assert.equal(await counter(), 6);
  await waitWorker();
  await assertOnColumn(6);
  await stepTo(8);
  assert.equal(await origin(6), 'ran');
  assert.equal(await origin(7), 'ran');
  const restored = await printed('out');
  assert.ok(restored.some((l) => l.startsWith('Time: 8000 ms')), restored.join('|'));
  await assertOnColumn(6);

  await page.locator('[data-testid=timeline] [data-testid=snapshot-6]').focus();
  await page.keyboard.press('Enter');
  await waitCounter(6);
  await waitStatus(/Rewound to checkpoint-6000/);
  await waitWorker();
  await stepTo(8);
  assert.equal(await origin(7), 'ran');
  assert.deepEqual(await printed('out'), restored);

  // An edit after the rewind is a new context (a changed program cannot recover from the
  // checkpoint): it re-runs the input from batch 0 up to the batch reached, with the edit.
  await page.click('[data-testid=node-out]');
  const num = page.locator('[data-testid=field-out-num]');
  await num.fill('20');
  await num.dispatchEvent('change');
  await waitWorker();
  await waitCounter(8);
  assert.equal(await origin(7), 'rerun');
  assert.match(await page.locator('[data-testid=axis-legend]').innerText(), /#\d+…#7 \(\d+ batches\) re-run with your edit/);
  assert.deepEqual(await printed('out'), restored, 'the edited print shows the same window at t = 8 s');
  await stepTo(9);
  assert.equal(await origin(8), 'ran');
  assert.deepEqual(browser.problems, []);
});

test('after a kill the stream goes on with what the kill lost still lost', async () => {
  await page.click('[data-testid=example-windowed-word-count]');
  await waitWorker();
  await harness.resetPipeline(page);
  await page.selectOption('[data-testid=fault-mode]', 'pull');
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every 2 batches' });
  await stepTo(4);
  await page.click('[data-testid=kill-executor-0]');
  await page.locator('[data-testid=fault-report]').waitFor();
  assert.equal(await page.locator('[data-testid=fault-last-lost]').innerText(), '0 lost');
  await waitWorker();
  await stepTo(6);
  assert.equal(await origin(4), 'ran');
  // Pull mode re-sends batch 4's one record ("c c"): the source still gets it (its RDD is
  // computed by the window's job at t = 6 s).
  assert.equal(await page.locator('[data-testid=count-lines-4]').textContent(), '1');

  // A driver killed after the checkpoint of batch 8 restarts there; the replay runs in the
  // worker and gives what an uninterrupted run gives.
  await stepTo(9);
  await waitStatus(/checkpoint-8000 saved/);
  await page.click('[data-testid=kill-driver]');
  await waitCounter(8);
  assert.match(await page.locator('[data-testid=fault-report]').innerText(), /recovered from checkpoint-8000/);
  assert.equal(await page.locator('[data-testid=fault-last-lost]').innerText(), '0 lost');
  await waitWorker();
  await stepTo(10);
  assert.equal(await origin(8), 'ran');
  assert.equal(await origin(9), 'ran');
  const replayed = await printed('out');
  await harness.resetPipeline(page);
  await stepTo(10);
  assert.deepEqual(await printed('out'), replayed);

  // Push: the kill loses batch 4's record, still in the receiver's buffer on executor 0:
  // batch 4's RDD, computed by the window's job at t = 6 s, has no record.
  await harness.resetPipeline(page);
  await page.selectOption('[data-testid=fault-mode]', 'push');
  await stepTo(4);
  await page.click('[data-testid=kill-executor-0]');
  await page.waitForFunction(() => document.querySelector('[data-testid=fault-last-lost]')?.textContent === '1 lost');
  await waitWorker();
  await stepTo(6);
  assert.equal(await origin(4), 'ran');
  assert.equal(await page.locator('[data-testid=count-lines-4]').textContent(), '0');
  assert.equal(await page.locator('[data-testid=error]').count(), 0);
  assert.deepEqual(browser.problems, []);
});

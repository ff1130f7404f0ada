// End to end: checkpoint snapshots as marks on the time axis, and restored runs back in the
// engine worker. Each mark's box is centred on its batch's column (within 1 px, as the page
// lays it out); clicking or pressing Enter on a mark rewinds; after a rewind, a reload that
// restores the checkpoint, an edit after a rewind and a fault-lab kill, the next batches are
// computed by the worker (each batch column says where its report came from) and equal the
// uninterrupted run's.

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

async function waitCounter(n) {
  await page.waitForFunction((want) => document.querySelector('[data-testid=batch-counter]')?.textContent === want, String(n));
}

async function waitWorker() {
  await page.waitForFunction(() => document.querySelector('[data-testid=engine-mode]')?.textContent?.trim() === 'worker', null, {
    timeout: 10000,
  });
}

/// Where batch `b`'s report came from: "worker" or "page" (null: not run in view).
const ranIn = (b) => page.locator(`[data-testid=batch-col-${b}]`).getAttribute('data-ran-in');

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

test('snapshot marks sit on their batch columns and a click on one rewinds, in the worker', async () => {
  await page.goto(server.url);
  await page.locator('[data-testid=timeline]').waitFor({ timeout: 20000 });
  await waitStatus(/No checkpoint yet: started a new context/);
  await waitWorker();
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every batch' });
  await stepTo(6);
  await waitStatus(/Checkpoint after 6 batches saved/);
  const uninterrupted = await printed('out');
  for (let n = 1; n <= 6; n++) await assertOnColumn(n);
  assert.match(await page.locator('[data-testid=snapshot-6]').getAttribute('class'), /newest/);
  assert.match(await page.locator('[data-testid=snapshot-4] title').textContent(), /after batch #3 \(t = 4 s, .*B, \d+ keys of state\)/);
  await page.screenshot({ path: join(RESULTS, 'axis-marks.png') });

  await page.click('[data-testid=timeline] [data-testid=snapshot-4]');
  await waitCounter(4);
  await waitStatus(/Rewound to the checkpoint after 4 batches/);
  await waitWorker();
  await stepTo(6);
  assert.equal(await ranIn(4), 'worker');
  assert.equal(await ranIn(5), 'worker');
  assert.deepEqual(await printed('out'), uninterrupted, 'the rewound run recomputes batch 6 as before');
  assert.deepEqual(browser.problems, []);
});

test('a reload restores the checkpoint into the worker, and Enter on a mark rewinds', async () => {
  await waitStatus(/Checkpoint after 6 batches saved/);
  await page.reload();
  await page.locator('[data-testid=timeline]').waitFor({ timeout: 20000 });
  await waitStatus(/Restored the checkpoint after 6 batches/);
  assert.equal(await counter(), 6);
  await waitWorker();
  await assertOnColumn(6);
  await stepTo(8);
  assert.equal(await ranIn(6), 'worker');
  assert.equal(await ranIn(7), 'worker');
  const restored = await printed('out');
  assert.ok(restored.some((l) => l.startsWith('Time: 8000 ms')), restored.join('|'));
  await assertOnColumn(6);

  await page.locator('[data-testid=timeline] [data-testid=snapshot-6]').focus();
  await page.keyboard.press('Enter');
  await waitCounter(6);
  await waitStatus(/Rewound to the checkpoint after 6 batches/);
  await waitWorker();
  await stepTo(8);
  assert.equal(await ranIn(7), 'worker');
  assert.deepEqual(await printed('out'), restored);

  // An edit downstream after the rewind replays from its batch in the worker
  // (restore_with): the unchanged nodes keep their state, as the worker reports.
  await page.click('[data-testid=node-out]');
  const num = page.locator('[data-testid=field-out-num]');
  await num.fill('20');
  await num.dispatchEvent('change');
  await waitCounter(6);
  await waitStatus(/replaying from the checkpoint after 6 batches; state kept for lines, words, pairs, counts/);
  await waitWorker();
  await stepTo(8);
  assert.equal(await ranIn(6), 'worker');
  assert.deepEqual(await printed('out'), restored);
  assert.deepEqual(browser.problems, []);
});

test('after a kill the run goes back to the worker, with what the kill lost still lost', async () => {
  await page.click('[data-testid=example-windowed-word-count]');
  // The switch would restore this example's checkpoint from the tests above; a Reset before
  // that lookup answers starts it anew (getOrCreate's "create").
  await page.click('[data-testid=reset]');
  await waitCounter(0);
  await waitWorker();
  await page.selectOption('[data-testid=fault-mode]', 'pull');
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every 2 batches' });
  await stepTo(4);
  await page.click('[data-testid=kill-executor-0]');
  await page.locator('[data-testid=fault-report]').waitFor();
  assert.equal(await page.locator('[data-testid=fault-last-lost]').innerText(), '0 lost');
  await waitWorker();
  await stepTo(5);
  assert.equal(await ranIn(4), 'worker');
  // Pull mode re-sends batch 4's one record ("c c"): the source still gets it.
  assert.equal((await page.locator('[data-testid=node-lines] .badge').textContent()).trim(), '1');

  // A driver killed after the checkpoint of batch 8 restarts there; the replay runs in the
  // worker and gives what an uninterrupted run gives.
  await stepTo(9);
  await waitStatus(/Checkpoint after 8 batches saved/);
  await page.click('[data-testid=kill-driver]');
  await waitCounter(8);
  assert.match(await page.locator('[data-testid=fault-report]').innerText(), /restored from the checkpoint after batch 8/);
  assert.equal(await page.locator('[data-testid=fault-last-lost]').innerText(), '0 lost');
  await waitWorker();
  await stepTo(10);
  assert.equal(await ranIn(8), 'worker');
  assert.equal(await ranIn(9), 'worker');
  const replayed = await printed('out');
  await page.click('[data-testid=reset]');
  await waitCounter(0);
  await waitWorker();
  await stepTo(10);
  assert.deepEqual(await printed('out'), replayed);

  // Push: the kill loses batch 4's record, still in the receiver's buffer on executor 0.
  // The snapshot the worker takes over carries that loss: batch 4 has no input there.
  await page.click('[data-testid=reset]');
  await waitCounter(0);
  await page.selectOption('[data-testid=fault-mode]', 'push');
  await stepTo(4);
  await page.click('[data-testid=kill-executor-0]');
  await page.waitForFunction(() => document.querySelector('[data-testid=fault-last-lost]')?.textContent === '1 lost');
  await waitWorker();
  await stepTo(5);
  assert.equal(await ranIn(4), 'worker');
  assert.equal((await page.locator('[data-testid=node-lines] .badge').textContent()).trim(), '0');
  assert.equal(await page.locator('[data-testid=error]').count(), 0);
  assert.deepEqual(browser.problems, []);
});

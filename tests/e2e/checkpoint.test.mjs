// End to end: checkpoints and getOrCreate in the built page. Six batches of the windowed
// word count are checkpointed to IndexedDB; a reload restores them and the stream continues
// at batch 7 with the same window state (its next output equals an uninterrupted run's) and
// the same checkpoint interval; a corrupted newest snapshot is named on reload and the last
// good one restored; a snapshot mark rewinds the playground; each pipeline has its own
// checkpoint slot (switching away and back restores it); a real QuotaExceededError (the
// origin's quota lowered through the DevTools protocol) is named, keeps the last good
// snapshot and the pipeline, and the playground keeps ticking.

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
const status = () => page.locator('[data-testid=checkpoint-status]');
const stepTo = (n) => harness.stepTo(page, n);
const waitStatus = (re) => harness.waitStatus(page, re);

async function printed(id) {
  const text = await page.locator(`[data-testid=output-${id}] .print`).innerText();
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('---')).sort();
}

async function open() {
  await page.locator('[data-testid=timeline]').waitFor({ timeout: 20000 });
}

test('a reload restores the checkpoint and the stream continues at batch 7 with the same state', async () => {
  await page.goto(server.url);
  await open();
  await waitStatus(/No checkpoint of this pipeline yet: StreamingContext.getOrCreate\(dir, create\) called create\(\)/);
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every batch' });
  await stepTo(6);
  await waitStatus(/checkpoint-6000 saved/);
  assert.equal(await page.locator('[data-testid=snapshot-6]').count(), 1);

  await page.reload();
  await open();
  await waitStatus(/Recovered from checkpoint-6000/);
  assert.equal(await counter(), 6);
  // The interval setting is kept for the pipeline: still every batch, and snapshots follow it.
  assert.equal(await page.locator('[data-testid=checkpoint-interval]').inputValue(), '1000');
  await stepTo(7);
  await waitStatus(/checkpoint-7000 saved/);
  assert.equal(await page.locator('[data-testid=snapshot-7]').count(), 1);
  await stepTo(8);
  const restored = await printed('out');
  assert.ok(restored.some((l) => l.startsWith('Time: 8000 ms')), restored.join('|'));
  await page.screenshot({ path: join(RESULTS, 'checkpoint-restored.png') });

  // The same pipeline run without interruption gives the same output at batch 8. Reset
  // asks first: it deletes the checkpoints, so a reload could not recover the old run.
  await page.click('[data-testid=reset]');
  await page.locator('[data-testid=confirm-reset]').waitFor();
  assert.match(await page.locator('[data-testid=confirm-reset]').innerText(), /deletes this pipeline's 6 checkpoint\(s\)/);
  await page.click('[data-testid=confirm-reset-yes]');
  await harness.waitCounter(page, 0);
  await harness.waitReady(page);
  assert.equal(await page.locator('[data-testid=timeline] .snapshot-mark').count(), 0, 'the marks are gone');
  await stepTo(8);
  assert.deepEqual(await printed('out'), restored);
  assert.equal(await page.locator('[data-testid=error]').count(), 0);
  assert.deepEqual(browser.problems, []);
});

test('a corrupted snapshot is named on reload, the last good one restored, and the page runs on', async () => {
  await waitStatus(/checkpoint-8000 saved/);
  const damaged = await page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const req = indexedDB.open('dstream-playground');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction('snapshots', 'readwrite');
          const store = tx.objectStore('snapshots');
          const registry = store.get('checkpoint-pipelines');
          registry.onsuccess = () => {
            // The pipeline checkpointed last, and its newest snapshot.
            const slots = JSON.parse(registry.result);
            const current = slots.reduce((a, b) => (b.written > a.written ? b : a));
            const idx = store.get(`checkpoint-index/${current.key}`);
            idx.onsuccess = () => {
            const kept = JSON.parse(idx.result);
            const newest = kept[kept.length - 1];
            const get = store.get(newest.key);
            get.onsuccess = () => {
              const bytes = new Uint8Array(get.result);
              bytes[bytes.length - 1] ^= 0x55;
              store.put(bytes, newest.key);
            };
            };
          };
          tx.oncomplete = () => {
            db.close();
            ok(true);
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
  assert.ok(damaged);
  await page.reload();
  await open();
  await waitStatus(/corrupted/);
  const text = await status().innerText();
  assert.match(text, /checkpoint-8000 cannot be used: the snapshot is corrupted/);
  assert.match(text, /Recovered from checkpoint-7000/);
  assert.equal(await status().getAttribute('role'), 'alert');
  assert.equal(await counter(), 7);
  await stepTo(8);
  await page.screenshot({ path: join(RESULTS, 'checkpoint-corrupted.png') });

  // Time travel: a mark rewinds the whole playground to its batch.
  await page.click('[data-testid=snapshot-4]');
  await page.waitForFunction(() => document.querySelector('[data-testid=batch-counter]')?.textContent === '4');
  await waitStatus(/Rewound to checkpoint-4000/);
  await stepTo(6);
  assert.deepEqual(browser.problems, []);
});

test('each pipeline keeps its own checkpoints: switching away and back restores them', async () => {
  // The word count stands at batch 6 (rewound to 4, then stepped): its newest checkpoint.
  await waitStatus(/checkpoint-6000 saved/);
  await page.click('[data-testid=example-running-totals]');
  await waitStatus(/No checkpoint of this pipeline yet: StreamingContext.getOrCreate\(dir, create\) called create\(\)/);
  assert.equal(await counter(), 0);
  assert.equal(await page.locator('[data-testid=snapshot-marks] button').count(), 0);
  // Its interval is its own: Spark's default until set.
  assert.equal(await page.locator('[data-testid=checkpoint-interval]').inputValue(), '0');
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every batch' });
  await stepTo(3);
  await waitStatus(/checkpoint-3000 saved/);

  await page.click('[data-testid=example-windowed-word-count]');
  await waitStatus(/Recovered from checkpoint-6000/);
  assert.equal(await counter(), 6);
  assert.equal(await page.locator('[data-testid=snapshot-6]').count(), 1);
  assert.equal(await page.locator('[data-testid=checkpoint-interval]').inputValue(), '1000');

  await page.click('[data-testid=example-running-totals]');
  await waitStatus(/Recovered from checkpoint-3000/);
  assert.equal(await counter(), 3);
  // Its own marks only: the word count's snapshot after 6 batches is not among them.
  assert.equal(await page.locator('[data-testid=snapshot-3]').count(), 1);
  assert.equal(await page.locator('[data-testid=snapshot-6]').count(), 0, "not the other pipeline's marks");
  await stepTo(4);
  await waitStatus(/checkpoint-4000 saved/);

  // A reload comes back to the pipeline checkpointed last.
  await page.reload();
  await open();
  await waitStatus(/Recovered from checkpoint-4000/);
  assert.equal(await counter(), 4);
  assert.match(await page.locator('.story h2').innerText(), /Running totals/);
  await page.screenshot({ path: join(RESULTS, 'checkpoint-switch-back.png') });
  assert.deepEqual(browser.problems, []);
});

test('the fault lab shows what a kill loses, as the engine counts it, and the stream runs on', async () => {
  await page.click('[data-testid=example-windowed-word-count]');
  // Its checkpoint is restored; the lab's story starts from batch 0.
  await waitStatus(/Recovered from checkpoint-6000/);
  await harness.resetPipeline(page);
  await page.selectOption('[data-testid=fault-mode]', 'push');
  await page.selectOption('[data-testid=fault-replication]', '1');
  await stepTo(4);
  // Batch 4 is ["c c"]: one record, still in the receiver's buffer on executor 0.
  await page.click('[data-testid=kill-executor-0]');
  await page.locator('[data-testid=fault-report]').waitFor();
  assert.equal(await page.locator('[data-testid=fault-last-lost]').innerText(), '1 lost');
  assert.match(await page.locator('[data-testid=fault-totals]').innerText(), /Records lost: 1 · recovered: 0/);
  assert.ok((await page.locator('[data-testid=fault-recomputed] li').count()) > 0);
  await stepTo(6);
  // Batch 4's RDD (computed by the window's job at t = 6 s) has lost its one record.
  assert.equal(await page.locator('[data-testid=count-lines-4]').textContent(), '0');

  // A driver killed after a checkpoint comes back at the checkpoint's batch.
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every 2 batches' });
  await stepTo(7);
  await page.click('[data-testid=kill-driver]');
  await page.waitForFunction(() => document.querySelector('[data-testid=batch-counter]')?.textContent === '6');
  assert.match(await page.locator('[data-testid=fault-report]').innerText(), /recovered from checkpoint-6000/);
  await stepTo(8);
  await page.screenshot({ path: join(RESULTS, 'fault-lab.png') });
  assert.equal(await page.locator('[data-testid=error]').count(), 0);
  assert.deepEqual(browser.problems, []);
});

test('a real QuotaExceededError is named, the last good snapshot and the pipeline kept, and the playground ticks on', async () => {
  // A pipeline with large state: every distinct line of the firehose (100 000 lines a batch)
  // becomes a key of updateStateByKey.
  await page.click('[data-testid=example-firehose]');
  await waitStatus(/No checkpoint of this pipeline yet/);
  await page.click('[data-testid=node-lengths]');
  await page.fill('[data-testid=field-lengths-fn]', 'line => (line, 1)');
  await page.click('[data-testid=add-updateStateByKey]');
  await page.locator('[data-testid=node-updateStateByKey]').waitFor();
  // An output reads it, or Spark would never compute its state (DStreams are lazy).
  await page.click('[data-testid=add-foreachRDD]');
  await page.locator('[data-testid=node-foreachRDD]').waitFor();
  await page.selectOption('[data-testid=field-foreachRDD-action]', 'count');
  assert.equal(await page.locator('[data-testid=error]').count(), 0);
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every batch' });
  await stepTo(1);
  await waitStatus(/checkpoint-1000 saved/);
  const bytes = Number(await page.locator('[data-testid=snapshot-1]').getAttribute('data-bytes'));
  assert.ok(bytes > 200_000, `a large snapshot: ${bytes} bytes`);

  // The origin's quota: what it uses now plus 1 KB, far less than one more snapshot.
  // (navigator.storage.estimate() does not show an override; the protocol's own query does.)
  const origin = new URL(server.url).origin;
  const cdp = await page.context().newCDPSession(page);
  const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 1024 });
  const lowered = await cdp.send('Storage.getUsageAndQuota', { origin });
  assert.ok(lowered.overrideActive && lowered.quota === usage + 1024, JSON.stringify(lowered));
  // Chromium's IndexedDB lets writes use the free space it last asked the quota manager for,
  // for up to 30 s (BucketContext::kBucketSpaceCacheTimeLimit); only a write after that sees
  // the lowered quota. A wait, not a timed assertion.
  await new Promise((ok) => setTimeout(ok, 31_000));
  try {
    await stepTo(2);
    await waitStatus(/not saved/);
    const text = await status().innerText();
    assert.match(text, /checkpoint-2000 was not saved/);
    assert.match(text, /QuotaExceededError/);
    assert.match(text, /storage for this page is full/);
    assert.match(text, /checkpoint-1000 stays the newest/);
    assert.equal(await status().getAttribute('role'), 'alert');
    await page.screenshot({ path: join(RESULTS, 'checkpoint-quota.png') });
    // The playground keeps ticking.
    await stepTo(3);
    assert.equal(await page.locator('[data-testid=node-updateStateByKey]').count(), 1);

    // The last good snapshot, taken before the quota was lowered, comes back after a reload,
    // with the learner's edited pipeline.
    await page.reload();
    await open();
    await waitStatus(/Recovered from checkpoint-1000/);
    assert.equal(await counter(), 1);
    assert.equal(await page.locator('[data-testid=node-updateStateByKey]').count(), 1);
    await stepTo(2);
  } finally {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  }
  assert.deepEqual(browser.problems, []);
});

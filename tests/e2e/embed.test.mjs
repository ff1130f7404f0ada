// End to end: embed mode. www/embed-demo.html (copied into dist/ by trunk) embeds two gallery
// examples side by side in iframes (`./?embed#pipeline=v1.…`); each is driven on its own
// (step, play/pause), shows its output, links back to the playground with its pipeline, and
// neither stores anything: no IndexedDB database is created; a textInput pipeline embedded
// takes typed lines. Saves test-results/embed-demo.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { openPlayground, RESULTS, waitReady } from './support/harness.mjs';

let pg;

before(async () => {
  pg = await openPlayground();
  await pg.page.setViewportSize({ width: 1400, height: 900 });
});

after(async () => {
  await pg?.close();
});

async function frameOf(page, testid) {
  const handle = await page.locator(`[data-testid=${testid}]`).elementHandle();
  const frame = await handle.contentFrame();
  await frame.locator('[data-testid=embed]').waitFor({ timeout: 20000 });
  await frame.waitForFunction(
    () => /^(paused|running)$/.test(document.querySelector('[data-testid=run-status]')?.textContent ?? ''),
    null,
    { timeout: 20000 },
  );
  return frame;
}

async function stepTo(frame, n) {
  for (;;) {
    const now = Number(await frame.locator('[data-testid=batch-counter]').textContent());
    if (now >= n) break;
    await frame.click('[data-testid=step]');
    await frame.waitForFunction(
      (b) => Number(document.querySelector('[data-testid=batch-counter]')?.textContent) > b,
      now,
    );
  }
}

test('the demo page embeds two pipelines side by side and each runs on its own', async () => {
  const { page } = pg;
  await page.goto(`${pg.server.url}embed-demo.html`);
  const win = await frameOf(page, 'embed-window');
  const state = await frameOf(page, 'embed-state');
  assert.equal(await win.locator('.embed-head h1').textContent(), 'Windowed word count');
  assert.equal(await state.locator('.embed-head h1').textContent(), 'Stateful word count with a timeout');
  // Compact: DAG, axis, controls and output, no gallery, palette or lab.
  for (const f of [win, state]) {
    for (const sel of ['[data-testid=dag]', '[data-testid=timeline]', '[data-testid=step]']) {
      assert.ok(await f.locator(sel).isVisible(), `${sel} in the embed`);
    }
    // No checkpoint lane: an embed keeps no checkpoints.
    for (const sel of ['[data-testid=learn]', '[data-testid^=example-]', '[data-testid=fault-lab]', '.footer', '[data-testid=snapshot-marks]']) {
      assert.equal(await f.locator(sel).filter({ visible: true }).count(), 0, `${sel} is not in the embed`);
    }
  }
  await stepTo(win, 4);
  await stepTo(state, 2);
  // Each at its own batch: the window's at t = 4 s printed the window's counts.
  assert.equal(await win.locator('[data-testid=batch-counter]').textContent(), '4');
  assert.equal(await state.locator('[data-testid=batch-counter]').textContent(), '2');
  const winText = await win.locator('.node-panels').innerText();
  assert.match(winText, /\(a,3\)/, 'counts at t = 4 s');
  const stateText = await state.locator('.node-panels').innerText();
  assert.match(stateText, /\(be,3\)/, 'be seen three times by t = 2 s');
  // Play and pause in one leaves the other where it was.
  await state.click('[data-testid=play]');
  await state.waitForFunction(() => Number(document.querySelector('[data-testid=batch-counter]')?.textContent) >= 3);
  await state.click('[data-testid=pause]');
  assert.equal(await win.locator('[data-testid=batch-counter]').textContent(), '4');
  await page.screenshot({ path: join(RESULTS, 'embed-demo.png') });
  // The link back opens the same pipeline in the playground.
  for (const f of [win, state]) {
    const href = await f.locator('[data-testid=open-in-playground]').getAttribute('href');
    assert.match(href, /^\.\/#pipeline=v1\./);
  }
  // Nothing stored: the embeds never opened IndexedDB.
  const dbs = await state.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.deepEqual(dbs, []);
  const href = await win.locator('[data-testid=open-in-playground]').getAttribute('href');
  await page.goto(new URL(href, `${pg.server.url}`).href);
  await page.locator('[data-testid=dag]').waitFor({ timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=pipeline-title]')?.textContent === 'Windowed word count', null, { timeout: 20000 });
  assert.deepEqual(pg.browser.problems, []);
});

test('an embedded pipeline with a textInput takes typed lines', async () => {
  const { page } = pg;
  // The playground the last test opened finishes loading (its worker) before we leave it.
  await waitReady(page);
  const pipeline = {
    version: 1,
    name: 'Typed word count',
    batch_interval_ms: 1000,
    nodes: [
      { id: 'lines', op: 'textInput' },
      { id: 'words', op: 'flatMap', inputs: ['lines'], fn: 'line => line.split(" ")' },
      { id: 'counts', op: 'countByValue', inputs: ['words'] },
      { id: 'out', op: 'print', inputs: ['counts'] },
    ],
  };
  const fragment = `pipeline=v1.${deflateSync(Buffer.from(JSON.stringify({ pipeline }))).toString('base64url')}`;
  await page.goto(`${pg.server.url}?embed#${fragment}`);
  await page.locator('[data-testid=embed]').waitFor({ timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'paused', null, { timeout: 20000 });
  await page.fill('[data-testid=type-lines]', 'to be or not to be');
  await page.click('[data-testid=step]');
  await page.waitForFunction(() => /\(to,2\)/.test(document.querySelector('.node-panels')?.textContent ?? ''), null, { timeout: 20000 });
  assert.equal(await page.locator('[data-testid=snapshot-marks]').count(), 0);
  assert.deepEqual(pg.browser.problems, []);
});

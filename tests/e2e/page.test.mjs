// End to end: the page trunk built, served on localhost, opened in headless Chromium. It must
// render the playground (not a blank page), run the wasm engine, reach IndexedDB, step the
// batch clock, and never log a console error. Saves test-results/playground.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openBrowser, RESULTS, serveDist } from './support/harness.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await openBrowser();
  await browser.page.goto(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page renders the playground', async () => {
  const { page } = browser;
  assert.equal(await page.title(), 'DStream Playground');
  const heading = page.locator('h1');
  await heading.waitFor({ timeout: 15000 });
  assert.equal(await heading.textContent(), 'DStream Playground');
  const text = await page.locator('body').innerText();
  assert.match(text, /micro-batch/);
});

test('the engine runs in the page and prints records the JVM way', async () => {
  const panel = browser.page.locator('#engine-panel');
  await panel.waitFor();
  const text = await panel.innerText();
  assert.match(text, /\(spark,3\)/);
  assert.match(text, /1\.0E7/);
  assert.match(text, /\(String, Int\)/);
});

test('IndexedDB opens in a fresh profile', async () => {
  const status = browser.page.locator('#storage-status');
  await browser.page.waitForFunction(
    () => !document.querySelector('#storage-status')?.textContent?.startsWith('opening'),
    null,
    { timeout: 15000 },
  );
  assert.equal(await status.textContent(), 'IndexedDB ready: 0 pipelines saved, 0 snapshots');
});

test('stepping the clock runs one batch per click', async () => {
  const { page } = browser;
  const status = page.locator('#clock-status');
  assert.match(await status.textContent(), /no batch yet/);
  await page.click('#clock-step');
  await page.click('#clock-step');
  await page.click('#clock-step');
  await page.waitForFunction(() => document.querySelector('#clock-status')?.textContent?.startsWith('3 '));
  assert.equal(await status.textContent(), '3 batches run; the last at t = 3000 ms');
  assert.equal(await page.locator('.axis .batch.done').count(), 3);
});

test('a screenshot is saved and nothing went wrong in the console', async () => {
  await mkdir(RESULTS, { recursive: true });
  const path = join(RESULTS, 'playground.png');
  await browser.page.screenshot({ path, fullPage: true });
  assert.deepEqual(browser.problems, []);
});

// End to end: the page trunk built, served on localhost, opened in headless Chromium. It must
// render the playground (not a blank page): header, gallery, one set of controls and the DAG;
// run the wasm engine when stepped; and never log a console error. Saves
// test-results/playground.png.

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

test('the gallery, one set of controls and the DAG of the default example are shown', async () => {
  const { page } = browser;
  await page.locator('[data-testid=dag]').waitFor({ timeout: 15000 });
  assert.ok((await page.locator('[data-testid^=example-]').count()) >= 6, 'the gallery lists the examples');
  for (const id of ['lines', 'words', 'pairs', 'counts', 'out']) {
    assert.equal(await page.locator(`[data-testid=dag] [data-testid=node-${id}]`).count(), 1, `DAG node ${id}`);
  }
  for (const control of ['play', 'pause', 'step', 'reset', 'speed', 'batch-counter']) {
    assert.equal(await page.locator(`[data-testid=${control}]`).count(), 1, control);
  }
  const buttons = (await page.locator('button').allInnerTexts()).map((b) => b.replace(/^\W+/, '').trim());
  for (const word of ['Play', 'Step', 'Reset']) {
    assert.equal(buttons.filter((b) => b === word).length, 1, `one ${word} button on the page: ${buttons}`);
  }
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /Under the hood|Batch clock|no batch yet: the first one runs/);
});

test('stepping runs one batch per click in the engine, and the window prints what Spark prints', async () => {
  const { page } = browser;
  const counter = page.locator('[data-testid=batch-counter]');
  assert.equal(await counter.textContent(), '0');
  for (const n of ['1', '2']) {
    await page.click('[data-testid=step]');
    await page.waitForFunction((n) => document.querySelector('[data-testid=batch-counter]')?.textContent === n, n);
  }
  const out = await page.locator('[data-testid=output-out] .print').innerText();
  assert.match(out, /Time: 2000 ms/);
  for (const pair of ['(a,2)', '(b,2)', '(c,1)', '(x,1)']) assert.ok(out.includes(pair), `${pair} missing from ${out}`);
});

test('a screenshot is saved and nothing went wrong in the console', async () => {
  await mkdir(RESULTS, { recursive: true });
  const path = join(RESULTS, 'playground.png');
  await browser.page.screenshot({ path, fullPage: true });
  assert.deepEqual(browser.problems, []);
});

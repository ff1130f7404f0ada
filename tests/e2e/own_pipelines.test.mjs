// End to end: a learner's own pipelines in the built page. At 1440×900 and 1280×720 the
// palette, the sources, the controls and the pipeline's toolbar are on the first screen, and
// the DAG fits or says it scrolls (screenshots layout-1440x900.png, layout-1280x720.png). New
// pipeline, its name, the draft a reload brings back before any checkpoint, undo and redo
// (buttons and keys), a share link opened in a fresh page, bad links refused with nothing
// changed, fast-forward of Top sellers to 3602 s, the state lane of Running totals, the
// reload-after-edit choice, My pipelines, and Export / Import of the pipeline JSON file.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
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

const nodeIds = () =>
  page.$$eval('[data-testid=dag] [data-testid^=node-]', (els) => els.map((e) => e.dataset.testid.slice(5)).sort());
/** A new pipeline has no output op yet: Spark's start refuses it, the pill says so. */
const waitRefused = () =>
  page.waitForFunction(() => document.querySelector('[data-testid=run-status]')?.textContent === 'fix errors to run');
const title = () => page.locator('[data-testid=pipeline-name]').inputValue();

/** Every element's box, and whether it lies inside the viewport. */
async function boxes(selectors) {
  return page.evaluate((sels) => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    return sels.map((sel) => {
      const e = document.querySelector(sel);
      if (!e) return { sel, missing: true };
      const r = e.getBoundingClientRect();
      const inside = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= vw && r.bottom <= vh;
      return { sel, inside, box: [r.left, r.top, r.right, r.bottom].map(Math.round) };
    });
  }, selectors);
}

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
]) {
  test(`at ${width}×${height} the palette, sources, controls and toolbar are on the first screen and the DAG is whole or cued`, async () => {
    await page.setViewportSize({ width, height });
    await page.goto(server.url);
    await harness.waitReady(page);
    // Laid out once fonts and the DAG's observer settled.
    await page.waitForTimeout(300);
    const first = [
      '.palette h2',
      '[data-testid=add-map]',
      '.sources h2',
      '[data-testid=play]',
      '[data-testid=step]',
      '[data-testid=reset]',
      '[data-testid=run-to-time]',
      '[data-testid=run-to]',
      '[data-testid=new-pipeline]',
      '[data-testid=undo]',
      '[data-testid=redo]',
      '[data-testid=share]',
      '[data-testid=import]',
      '[data-testid=export]',
      '.graph h2',
    ];
    for (const b of await boxes(first)) assert.ok(b.inside, `${b.sel} is not inside ${width}×${height}: ${JSON.stringify(b)}`);
    // No panel scrolls on its own: the asides are as tall as their content.
    const scrolling = await page.$$eval('.playground aside, .playground .card', (els) =>
      els.filter((e) => e.scrollHeight > e.clientHeight + 1 && getComputedStyle(e).overflowY !== 'visible').map((e) => e.className),
    );
    assert.deepEqual(scrolling, [], 'panels that scroll inside themselves');
    const dag = await page.$eval('.dag-scroll', (e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    const cue = await page.locator('[data-testid=dag-scroll-cue]').isVisible().catch(() => false);
    if (dag.scroll > dag.client + 1) assert.ok(cue, `the DAG is wider than its box (${dag.scroll} > ${dag.client}) and no cue says so`);
    else assert.ok(!cue, 'the DAG fits but the cue says to scroll');
    const [out] = await boxes(['[data-testid=dag] [data-testid=node-out]']);
    if (!cue) assert.ok(out.inside, `the right-most node is cut off: ${JSON.stringify(out)}`);
    await page.screenshot({ path: join(RESULTS, `layout-${width}x${height}.png`) });
    // Nothing in a card pokes out of it sideways, for any gallery example.
    for (const slug of await page.$$eval('[data-testid^=example-]', (els) => els.map((e) => e.dataset.testid))) {
      await page.click(`[data-testid=${slug}]`);
      await harness.waitReady(page);
      const over = await page.$$eval('.playground .card', (els) =>
        els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => `${e.className}: ${e.scrollWidth} > ${e.clientWidth}`),
      );
      assert.deepEqual(over, [], `${slug} at ${width}×${height}: cards wider inside than their box`);
    }
  });
}

test('New pipeline is an empty one with a source, named by the learner, and a reload before any checkpoint brings it back', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.click('[data-testid=new-pipeline]');
  await waitRefused();
  assert.deepEqual(await nodeIds(), ['lines']);
  assert.match(await page.locator('.graph').innerText(), /No output operations registered/);
  assert.equal(await page.locator('[data-testid=story-text]').count(), 0, 'no example story on a new pipeline');
  await page.fill('[data-testid=pipeline-name]', 'My clicks');
  await page.click('[data-testid=add-map]');
  await page.click('[data-testid=add-print]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=dag] [data-testid^=node-]').length === 3);
  await harness.waitReady(page);
  const before = await nodeIds();
  // The draft is written on every edit; give IndexedDB its moment, then reload.
  await page.waitForTimeout(300);
  await page.reload();
  await harness.waitReady(page);
  assert.equal(await title(), 'My clicks');
  assert.deepEqual(await nodeIds(), before);
  assert.equal(await harness.batchCounter(page), 0);
});

test('undo and redo take back an add and a remove, by button and by Ctrl+Z / Ctrl+Shift+Z', async () => {
  const start = await nodeIds();
  await page.click('[data-testid=add-filter]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=dag] [data-testid^=node-]').length === n, start.length + 1);
  const added = await nodeIds();
  await page.click('[data-testid=undo]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=dag] [data-testid^=node-]').length === n, start.length);
  assert.deepEqual(await nodeIds(), start);
  await page.click('[data-testid=redo]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=dag] [data-testid^=node-]').length === n, added.length);
  assert.deepEqual(await nodeIds(), added);
  await page.click('[data-testid=remove-node]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=dag] [data-testid^=node-]').length === n, start.length);
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+z');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=dag] [data-testid^=node-]').length === n, added.length);
  assert.deepEqual(await nodeIds(), added);
  await page.keyboard.press('Control+Shift+z');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=dag] [data-testid^=node-]').length === n, start.length);
  assert.deepEqual(await nodeIds(), start);
});

test('a share link opened in a fresh page shows that pipeline at batch 0 with its input queued', async () => {
  await page.click('[data-testid=example-windowed-word-count]');
  await harness.waitReady(page);
  await page.click('[data-testid=new-pipeline]');
  await waitRefused();
  await page.click('[data-testid=add-print]');
  await harness.waitReady(page);
  await page.fill('[data-testid=pipeline-name]', 'Shared lines');
  await page.fill('[data-testid=type-lines]', 'hello link');
  await page.click('[data-testid=step]');
  await harness.waitCounter(page, 1);
  await page.click('[data-testid=share]');
  const link = await page.locator('[data-testid=share-link]').inputValue();
  assert.match(link, /#pipeline=v1\.[A-Za-z0-9_-]+$/);
  const other = await harness.openBrowser();
  try {
    await other.page.setViewportSize({ width: 1440, height: 900 });
    await other.page.goto(link);
    await harness.waitReady(other.page);
    assert.equal(await other.page.locator('[data-testid=pipeline-name]').inputValue(), 'Shared lines');
    assert.equal(await harness.batchCounter(other.page), 0);
    const waiting = await other.page.locator('[data-testid=waiting-lines]').innerText();
    assert.match(waiting, /1 line\(s\) already queued for batch #0/, waiting);
    assert.deepEqual(other.problems, []);
  } finally {
    await other.close();
  }
});

const b64url = (text) => deflateSync(Buffer.from(text)).toString('base64url');

test('bad links are refused with a message naming what is wrong, and the pipeline stays', async () => {
  const name = await title();
  const nodes = await nodeIds();
  const example = JSON.parse(readFileSync(join(harness.ROOT, 'www/examples/windowed-word-count.json'), 'utf8'));
  const html = b64url(JSON.stringify({ pipeline: { ...example, name: '<img src=x onerror=alert(1)>' } }));
  const good = b64url(JSON.stringify({ pipeline: example }));
  const words = example.nodes.findIndex((n) => n.id === 'words');
  const broken = { ...example, nodes: example.nodes.map((n, i) => (i === words ? { ...n, fn: 'line => line * 2' } : n)) };
  const typeError = b64url(JSON.stringify({ pipeline: broken }));
  for (const [fragment, re] of [
    ['pipeline=v1.@@@@', /base64url/],
    [`pipeline=v1.${b64url('hello')}`, /not JSON/],
    [`pipeline=v1.${good.slice(0, good.length - 12)}`, /cut short/],
    ['pipeline=v7.eJzLSM3JyQcABiwCFQ', /format v7/],
    [`pipeline=v1.${'A'.repeat(70000)}`, /characters long/],
    [`pipeline=v1.${html}`, /HTML markup/],
    [`pipeline=v1.${Buffer.from('not zlib data at all').toString('base64url')}`, /does not decompress/],
    [`pipeline=v1.${b64url('{"pipeline": {"version": 1}}')}`, /not a pipeline/],
    [`pipeline=v1.${typeError}`, /does not compile/],
    [`pipeline=v1.${b64url(' '.repeat(2 * 512 * 1024))}`, /decompresses to more than/],
  ]) {
    await page.evaluate((f) => {
      location.hash = f;
    }, fragment);
    await page.waitForFunction(
      (src) => new RegExp(src, 'i').test(document.querySelector('[data-testid=share-message]')?.textContent ?? ''),
      re.source,
      { timeout: 10000 },
    );
    assert.equal(await title(), name, `after ${fragment.slice(0, 30)}`);
    assert.deepEqual(await nodeIds(), nodes);
    assert.equal(await page.locator('img[src=x]').count(), 0, 'nothing from a link is HTML');
  }
  await page.click('[data-testid=close-share-bar]');
  assert.equal(await page.locator('[data-testid=share-message]').count(), 0, 'the × closes the message');
  // The address still holds the last bad link (a reload would say so again): take it off.
  await page.evaluate(() => history.replaceState(null, '', location.pathname));
});

test('every gallery example goes through its share link, under 2,000 characters, and opens as itself at batch 0', async () => {
  const slugs = await page.$$eval('[data-testid^=example-]', (els) => els.map((e) => e.dataset.testid.slice('example-'.length)));
  assert.ok(slugs.length >= 8, `gallery: ${slugs}`);
  for (const slug of slugs) {
    await page.click(`[data-testid=example-${slug}]`);
    await harness.waitReady(page);
    const { name } = JSON.parse(readFileSync(join(harness.ROOT, `www/examples/${slug}.json`), 'utf8'));
    const nodes = await nodeIds();
    await page.click('[data-testid=share]');
    const link = await page.locator('[data-testid=share-link]').inputValue();
    assert.ok(link.length < 2000, `${slug}: the link is ${link.length} characters`);
    await page.click('[data-testid=new-pipeline]');
    await waitRefused();
    await page.evaluate((f) => {
      location.hash = f;
    }, new URL(link).hash.slice(1));
    await page.waitForFunction(
      (n) => (document.querySelector('[data-testid=share-message]')?.textContent ?? '').includes(`Opened ${n} from the link`),
      name,
      { timeout: 10000 },
    );
    await harness.waitReady(page);
    assert.deepEqual(await nodeIds(), nodes, slug);
    assert.equal(await harness.batchCounter(page), 0, slug);
    await page.evaluate(() => history.replaceState(null, '', location.pathname));
  }
});

test('Top sellers run to 3602 s: batch #0 has left the hour-long window', async () => {
  await page.click('[data-testid=example-top-sellers]');
  await harness.waitReady(page);
  await page.fill('[data-testid=run-to-time]', '3602');
  await page.click('[data-testid=run-to]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=batch-counter]')?.textContent) >= 3602, null, {
    timeout: 120000,
  });
  await harness.waitReady(page);
  assert.equal(await harness.batchCounter(page), 3602);
  assert.match(await page.locator('[data-testid=batch-time]').innerText(), /3602/);
  const axis = await page.locator('.axis-card').innerText();
  assert.match(axis, /subtracted #0, #1/, 'the inverse subtracts the batches that left the hour');
  await page.screenshot({ path: join(RESULTS, 'fast-forward-top-sellers.png') });
});

test('Running totals draws a state lane whose cells say what each batch did to the state', async () => {
  await page.click('[data-testid=example-running-totals]');
  await harness.waitReady(page);
  await harness.stepTo(page, 3);
  const lane = page.locator('[data-testid^=state-lane-]');
  assert.ok((await lane.count()) >= 1, 'a state lane for updateStateByKey');
  const cells = page.locator('[data-testid^=state-cell-]');
  assert.ok((await cells.count()) >= 3, 'one cell per batch');
  await cells.first().click();
  const detail = await page.locator('.axis-card').innerText();
  assert.match(detail, /batch #0 \(t = 1 s\)/);
  assert.match(detail, /\d+ added, 0 updated, 0 removed: 0 keys before/, detail);
  await page.screenshot({ path: join(RESULTS, 'state-lane.png') });
  assert.deepEqual(browser.problems, []);
});

async function setLambda(node, field, text) {
  await page.click(`[data-testid=dag] [data-testid=node-${node}]`);
  await page.fill(`[data-testid=field-${node}-${field}]`, text);
}

async function printed(id) {
  const text = await page.locator(`[data-testid=output-${id}] .print`).innerText();
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('---') && !l.startsWith('Time:')).sort();
}

test('a reload after an edit says what Spark does and offers both: recover the checkpointed DAG, or start the edit fresh', async () => {
  await page.click('[data-testid=example-windowed-word-count]');
  await harness.waitReady(page);
  await harness.resetPipeline(page);
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every 2 batches' });
  await harness.stepTo(page, 2);
  await harness.waitStatus(page, /checkpoint-2000 saved/);
  await setLambda('pairs', 'fn', 'w => (w.toUpperCase, 1)');
  await harness.waitReady(page);
  assert.equal(await page.locator('[data-testid=edited-from]').innerText(), 'edited from: Windowed word count');
  await page.waitForTimeout(300);
  await page.reload();
  const choice = page.locator('[data-testid=reload-choice]');
  await choice.waitFor({ timeout: 20000 });
  const text = await choice.innerText();
  assert.match(text, /runs the DAG the checkpoint holds, not the edited code/, text);
  assert.match(text, /a changed Spark program needs a new checkpoint directory/, text);
  await page.screenshot({ path: join(RESULTS, 'reload-choice.png') });
  await page.click('[data-testid=recover-checkpointed]');
  await harness.waitReady(page);
  assert.equal(await harness.batchCounter(page), 2);
  await harness.stepTo(page, 4);
  assert.ok((await printed('out')).includes('(a,3)'), 'the checkpointed DAG runs: lower-case words');
  // Undo brings the edited pipeline back; started fresh, it runs with the edit from batch 0.
  await page.click('[data-testid=undo]');
  await harness.waitReady(page);
  await page.waitForTimeout(300);
  await page.reload();
  await page.locator('[data-testid=reload-choice]').waitFor({ timeout: 20000 });
  await page.click('[data-testid=start-edited]');
  await harness.waitReady(page);
  assert.equal(await harness.batchCounter(page), 0);
  await harness.stepTo(page, 2);
  assert.ok((await printed('out')).includes('(A,2)'), `the edited DAG runs: ${await printed('out')}`);
  assert.equal(await page.locator('[data-testid=reload-choice]').count(), 0);
});

test('My pipelines: save as, rename, open and delete', async () => {
  await page.click('[data-testid=new-pipeline]');
  await waitRefused();
  await page.click('[data-testid=add-print]');
  await harness.waitReady(page);
  await page.fill('[data-testid=save-name]', 'clicks');
  await page.click('[data-testid=save-as]');
  const saved = page.locator('[data-testid=library] [data-testid=saved-pipeline]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=library] [data-testid=saved-pipeline]').length === 1);
  assert.equal(await saved.getAttribute('data-name'), 'clicks');
  await page.click('[data-testid=rename-saved]');
  await page.fill('[data-testid=rename-to]', 'clicks per page');
  await page.click('[data-testid=rename-ok]');
  await page.waitForFunction(() => document.querySelector('[data-testid=saved-pipeline]')?.dataset.name === 'clicks per page');
  await page.click('[data-testid=example-running-totals]');
  await harness.waitReady(page);
  await page.click('[data-testid=open-saved]');
  await harness.waitReady(page);
  assert.deepEqual(await nodeIds(), ['lines', 'print']);
  await page.click('[data-testid=delete-saved]');
  await page.click('[data-testid=confirm-delete-yes]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=library] [data-testid=saved-pipeline]').length === 0);
  assert.match(await page.locator('[data-testid=library-status]').innerText(), /Deleted "clicks per page"/);
  assert.deepEqual(browser.problems, []);
});

test('Export saves the pipeline JSON file; Import reads it back, and a bad file is refused with nothing changed', async () => {
  await page.click('[data-testid=example-join-streams]');
  await harness.waitReady(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
  const path = join(RESULTS, 'exported-pipeline.json');
  await download.saveAs(path);
  const exported = JSON.parse(readFileSync(path, 'utf8'));
  const example = JSON.parse(readFileSync(join(harness.ROOT, 'www/examples/join-streams.json'), 'utf8'));
  assert.deepEqual(
    exported.nodes.map((n) => n.id),
    example.nodes.map((n) => n.id),
  );
  assert.match(download.suggestedFilename(), /\.json$/);
  await page.click('[data-testid=example-running-totals]');
  await harness.waitReady(page);
  const before = await nodeIds();
  await page.setInputFiles('[data-testid=import-file]', {
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"version": 1, "nodes": ['),
  });
  await page.waitForFunction(() => /broken\.json was not imported/.test(document.querySelector('[data-testid=share-message]')?.textContent ?? ''));
  assert.deepEqual(await nodeIds(), before, 'a bad file changes nothing');
  await page.setInputFiles('[data-testid=import-file]', path);
  await page.waitForFunction(() => /Imported .* from exported-pipeline\.json/.test(document.querySelector('[data-testid=share-message]')?.textContent ?? ''));
  await harness.waitReady(page);
  assert.deepEqual(await nodeIds(), example.nodes.map((n) => n.id).sort());
  assert.equal(await harness.batchCounter(page), 0);
  assert.deepEqual(browser.problems, []);
});

// End to end: presenter mode at 1280×720 in the built page. The switch shows the caption,
// the DAG and the time axis alone; the caption is in large type and the DAG and axis fill
// the screen; → runs a batch (or a lesson's next step), space plays and pauses, ← rewinds to
// the previous snapshot, Escape leaves. Saves test-results/presenter-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPlayground, RESULTS, waitReady, waitText } from './support/harness.mjs';

let pg;

before(async () => {
  pg = await openPlayground();
  await pg.page.setViewportSize({ width: 1280, height: 720 });
  await pg.page.goto(pg.server.url);
  await waitReady(pg.page);
});

after(async () => {
  await pg?.close();
});

const caption = (page) => page.locator('[data-testid=caption]').textContent();

const waitCaption = (page, re) => waitText(page, 'caption', re);

test('presenter mode: large caption, DAG and axis fill 1280×720, keyboard only', async () => {
  const { page } = pg;
  await page.click('[data-testid=example-windowed-word-count]');
  await waitReady(page);
  await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every 2 batches' });
  await page.click('[data-testid=presenter]');
  await page.locator('[data-testid=caption]').waitFor();
  // Nothing else on screen: no controls, no panels, no header.
  for (const sel of ['.masthead', '.playground', '[data-testid=step]', '[data-testid=learn]', '.footer']) {
    const visible = await page.locator(sel).first().isVisible().catch(() => false);
    const covered = await page.evaluate((s) => {
      const el = document.querySelector(s);
      if (!el) return true;
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(Math.min(r.x + 2, 1279), Math.min(Math.max(r.y + 2, 0), 719));
      return !el.contains(top);
    }, sel);
    assert.ok(!visible || covered, `${sel} is on the presenter's screen`);
  }
  await page.keyboard.press('ArrowRight');
  await waitCaption(page, /^t = 1 s: batch #0/);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await waitCaption(page, /^t = 4 s: .*counts fires; window covers #0-#3; \+#2 \+#3/);
  await page.screenshot({ path: join(RESULTS, 'presenter-1280x720.png') });
  // Large type: the caption, and the DAG's and the axis's text as drawn (scaled SVG).
  const sizes = await page.evaluate(() => {
    const cap = document.querySelector('[data-testid=caption]');
    const id = document.querySelector('.presenter svg.dag .node-id');
    const no = document.querySelector('.presenter svg.timeline .batch-no');
    const box = (s) => document.querySelector(s).getBoundingClientRect();
    return {
      caption: parseFloat(getComputedStyle(cap).fontSize),
      captionBottom: cap.getBoundingClientRect().bottom,
      nodeId: id.getBoundingClientRect().height,
      batchNo: no.getBoundingClientRect().height,
      dag: box('.presenter svg.dag'),
      axis: box('.presenter svg.timeline'),
    };
  });
  assert.ok(sizes.caption >= 28, `caption font ${sizes.caption}px`);
  assert.ok(sizes.nodeId >= 18, `DAG node names drawn ${sizes.nodeId}px high`);
  assert.ok(sizes.batchNo >= 13, `batch numbers drawn ${sizes.batchNo}px high`);
  assert.ok(sizes.dag.width >= 1000 || sizes.dag.height >= 150, `the DAG fills its part: ${JSON.stringify(sizes.dag)}`);
  assert.ok(sizes.axis.width >= 900 || sizes.axis.height >= 250, `the axis fills its part: ${JSON.stringify(sizes.axis)}`);
  for (const b of [sizes.dag, sizes.axis]) assert.ok(b.bottom <= 720 && b.right <= 1280, `inside the screen: ${JSON.stringify(b)}`);
  // Space plays, and pauses.
  await page.keyboard.press(' ');
  await waitCaption(page, /^t = [6-9] s|^t = 1\d s/);
  await page.keyboard.press(' ');
  const paused = await caption(page);
  await page.waitForTimeout(1500);
  assert.equal(await caption(page), paused, 'paused: no batch runs');
  // ← rewinds to the newest snapshot before the batch shown.
  const at = Number(paused.match(/^t = (\d+) s/)[1]);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(
    (t) => {
      const m = (document.querySelector('[data-testid=caption]')?.textContent ?? '').match(/^t = (\d+) s/);
      return m && Number(m[1]) < t;
    },
    at,
    { timeout: 20000 },
  );
  // Escape leaves presenter mode.
  await page.keyboard.press('Escape');
  await page.locator('[data-testid=step]').waitFor();
  assert.equal(await page.locator('[data-testid=caption]').count(), 0);
});

test('presenter mode in a lesson: the caption is the step, → reveals the engine\'s answer', async () => {
  const { page } = pg;
  await page.click('[data-testid=lesson-window-and-slide]');
  await page.locator('[data-testid=answer-check]').waitFor({ timeout: 20000 });
  await page.click('[data-testid=presenter]');
  await waitCaption(page, /Will counts have an RDD at t = 1 s\?/);
  assert.match(await page.locator('[data-testid=caption-note]').textContent(), /The slide is 2 s/);
  await page.keyboard.press('ArrowRight');
  await waitCaption(page, /No, at t = 1 s: counts not computed: this is not one of its slide times\./);
  assert.match(await page.locator('[data-testid=caption-note]').textContent(), /slide duration/);
  await page.screenshot({ path: join(RESULTS, 'presenter-lesson.png') });
  await page.keyboard.press('ArrowRight');
  await waitCaption(page, /Which batches does counts' window cover at t = 2 s\?/);
  await page.keyboard.press('Escape');
  assert.deepEqual(pg.browser.problems, []);
});

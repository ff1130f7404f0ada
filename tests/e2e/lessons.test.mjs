// End to end: the Learn path in the built page. Every lesson taken to the end in Chromium,
// every question answered from the page with the engine's answer, the first typed one wrong
// first (its verdict shows the batches, or the kill's notes, that explain it); progress
// survives a reload and a lesson opens by link. Saves test-results/lesson-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPlayground, RESULTS, waitReady } from './support/harness.mjs';

let pg;

before(async () => {
  pg = await openPlayground();
  await pg.page.goto(pg.server.url);
  await waitReady(pg.page);
});

after(async () => {
  await pg?.close();
});

async function stage(page) {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid=answer-check]') ||
      document.querySelector('[data-testid=lesson-next]') ||
      document.querySelector('[data-testid=lesson-done]'),
    null,
    { timeout: 20000 },
  );
}

/** Answers the current step: `answer` is text, or a choice index. */
async function answer(page, a) {
  if (typeof a === 'number') await page.click(`[data-testid=answer-${a}]`);
  else if (a !== undefined) await page.fill('[data-testid=answer]', a);
  await page.click('[data-testid=answer-check]');
  await page.locator('[data-testid=lesson-next]').waitFor({ timeout: 20000 });
}

/**
 * Takes the lesson open on the page to the end. `answers` gives each step's right answer
 * (undefined for a step without a question); the first typed question is answered wrong
 * first. A kill's loss is explained by the fault lab's notes in the verdict, not by batches:
 * `byNotes` says the first typed question is one.
 */
async function takeLesson(page, slug, answers, shot, { byNotes = false } = {}) {
  await page.click(`[data-testid=lesson-${slug}]`);
  await page.locator('[data-testid=lesson]').waitFor();
  await stage(page);
  let wrongShown = false;
  for (const [i, a] of answers.entries()) {
    await page.locator('[data-testid=answer-check]').waitFor({ timeout: 20000 });
    const hasQuestion = (await page.locator('[data-testid=question]').count()) > 0;
    assert.equal(hasQuestion, a !== undefined, `${slug} step ${i}: question shown iff it asks`);
    if (a !== undefined && !wrongShown && typeof a === 'string') {
      // A wrong answer first: the verdict says so and shows the batches that explain it.
      await answer(page, '999');
      const verdict = page.locator('[data-testid=verdict]');
      assert.match(await verdict.getAttribute('class'), /wrong/);
      if (byNotes) assert.match(await page.locator('[data-testid=verdict-truth]').textContent(), /lost/);
      else assert.ok((await page.locator('[data-testid^=explain-]').count()) > 0, 'the batches that explain it');
      await page.screenshot({ path: join(RESULTS, `${shot}-wrong.png`), fullPage: false });
      wrongShown = true;
      // Start again, and this time answer right.
      await page.click('[data-testid=lesson-leave]');
      await page.click(`[data-testid=lesson-${slug}]`);
      await page.locator('[data-testid=lesson]').waitFor();
      await page.locator('[data-testid=answer-check]').waitFor({ timeout: 20000 });
      assert.match(await page.locator('[data-testid=lesson-step]').textContent(), new RegExp(`step ${i + 2} of`),
        'a lesson opens where it was left: after the answered step');
      continue;
    }
    await answer(page, a);
    if (a !== undefined) {
      const verdict = page.locator('[data-testid=verdict]');
      assert.match(await verdict.getAttribute('class'), /right/, `${slug} step ${i}: ${await verdict.textContent()}`);
    }
    if (i === 1) await page.screenshot({ path: join(RESULTS, `${shot}-right.png`), fullPage: false });
    await page.click('[data-testid=lesson-next]');
  }
  await page.locator('[data-testid=lesson-done]').waitFor();
}

test('the Learn path lists at least 8 lessons in order', async () => {
  const { page } = pg;
  const items = page.locator('[data-testid=learn] [data-testid^=lesson-]');
  assert.ok((await items.count()) >= 8);
  assert.equal(await items.first().getAttribute('data-testid'), 'lesson-micro-batches');
});

test('window and slide, answered right from the page (one wrong first)', async () => {
  const { page } = pg;
  // Step 0's right answer is a choice (no, not a slide time); the wrong attempt is on the
  // first typed question (step 1), which the page then resumes after.
  await takeLesson(page, 'window-and-slide', [1, '0-1', '3', '2-5', '2'], 'lesson-window');
  assert.match(await page.locator('[data-testid=learn] [data-testid=lesson-window-and-slide]').textContent(), /done/);
});

// The engine's answers to the other lessons, as the learner types or picks them (a choice
// by its index; undefined: a step without a question). tests/lessons.rs takes every lesson
// natively against answers probed from the engine; here the page must agree.
const OTHER_LESSONS = {
  'lazy-dstreams': [1, '2', '1'],
  'transform-and-actions': ['x y z', '4', 'm', 'k k', '6', undefined, '(u,2) (v,1) (w,1)', 's t', '11', 'one two'],
  'inverse-and-checkpoint': ['0, 1, 2, 3', '0, 1', '0', 1, undefined],
  state: ['2', '3', '3', '0', '6', '6'],
  'checkpoint-recovery': ['4', '4', '3', '7'],
  receivers: [undefined, '2', '2', 1, '4', '2'],
  'top-sellers': ['0, 1', 0, '3', '6, 7'],
};

for (const [slug, answers] of Object.entries(OTHER_LESSONS)) {
  test(`${slug}, answered right from the page (one wrong first)`, async () => {
    const { page } = pg;
    await takeLesson(page, slug, answers, `lesson-${slug}`, { byNotes: slug === 'receivers' });
    assert.match(await page.locator(`[data-testid=learn] [data-testid=lesson-${slug}]`).textContent(), /done/);
    assert.deepEqual(pg.browser.problems, []);
  });
}

test('micro-batches, answered right; the lesson opens by link after a reload', async () => {
  const { page } = pg;
  await takeLesson(page, 'micro-batches', ['3', '2', '0', '1'], 'lesson-micro');
  // The progress is in IndexedDB before the page goes away.
  await page.waitForFunction(
    () =>
      new Promise((ok) => {
        const open = indexedDB.open('dstream-playground');
        open.onsuccess = () => {
          const get = open.result.transaction('pipelines').objectStore('pipelines').get('lessons');
          get.onsuccess = () => {
            const p = get.result ? JSON.parse(get.result) : {};
            open.result.close();
            ok(p.lessons?.['micro-batches']?.done === true);
          };
          get.onerror = () => ok(false);
        };
        open.onerror = () => ok(false);
      }),
    null,
    { timeout: 20000 },
  );
  await page.goto(`${pg.server.url}#lesson=state`);
  await page.reload();
  await page.locator('[data-testid=lesson]').waitFor({ timeout: 20000 });
  assert.equal(await page.locator('[data-testid=lesson-title]').textContent(), 'State: updateStateByKey and mapWithState');
  await page.locator('[data-testid=answer-check]').waitFor({ timeout: 20000 });
  await page.screenshot({ path: join(RESULTS, 'lesson-state.png'), fullPage: false });
  // Progress survived the reload.
  assert.match(await page.locator('[data-testid=lesson-micro-batches]').textContent(), /done/);
  assert.deepEqual(pg.browser.problems, []);
});

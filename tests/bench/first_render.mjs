// Browser benchmark (not a test: prints figures, asserts nothing): cold loads of the built page
// from localhost in headless Chromium, each in a fresh profile (no HTTP cache, no IndexedDB).
// For each load: the first contentful paint, the time the DAG is on screen, and the time the
// run status reads "paused" (the engine worker has planned the pipeline: Step works), all
// from navigation start. Prints each run and the medians.
//
//   trunk build --release --cargo-profile web && node tests/bench/first_render.mjs [runs]

import { openBrowser, serveDist } from '../e2e/support/harness.mjs';

const runs = Number(process.argv[2] ?? 7);
const server = await serveDist();
const rows = [];
try {
  for (let i = 0; i < runs; i++) {
    const browser = await openBrowser();
    const { page } = browser;
    try {
      await page.addInitScript(() => {
        const marks = {};
        window.__marks = marks;
        new MutationObserver(() => {
          if (marks.dag === undefined && document.querySelector('[data-testid=dag] [data-testid^=node-]')) marks.dag = performance.now();
          if (marks.ready === undefined && document.querySelector('[data-testid=run-status]')?.textContent === 'paused') marks.ready = performance.now();
        }).observe(document, { subtree: true, childList: true, characterData: true });
      });
      await page.goto(server.url);
      await page.waitForFunction(() => window.__marks?.ready !== undefined && window.__marks?.dag !== undefined, null, { timeout: 30000 });
      const row = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        dag: window.__marks.dag,
        ready: window.__marks.ready,
      }));
      rows.push(row);
      console.log(`load ${i + 1}: first contentful paint ${row.fcp.toFixed(0)} ms, DAG drawn ${row.dag.toFixed(0)} ms, ready to step ${row.ready.toFixed(0)} ms`);
      if (browser.problems.length) console.log(`page problems:\n${browser.problems.join('\n')}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
console.log(
  `median of ${rows.length} cold loads: first contentful paint ${median(rows.map((r) => r.fcp)).toFixed(0)} ms, DAG drawn ${median(rows.map((r) => r.dag)).toFixed(0)} ms, ready to step ${median(rows.map((r) => r.ready)).toFixed(0)} ms`,
);

// Browser benchmark (not a test: prints figures, asserts nothing): the firehose example, a
// generator at 100 000 records per second, played at 10x in headless Chromium on the built
// page; records requestAnimationFrame frame times for ~10 s and prints median and p95, plus
// how many batches ran and the engine's processing time per batch as the page shows it.
//
//   trunk build --release --cargo-profile web && node tests/bench/frames.mjs [seconds] [records per second] [--after-restore]
//
// A lower rate (e.g. 1000) shows what the page's own drawing costs, apart from the engine.
// `--after-restore` first checkpoints two batches, reloads the page (getOrCreate restores
// them) and measures the restored run.

import { openBrowser, serveDist } from '../e2e/support/harness.mjs';

const afterRestore = process.argv.includes('--after-restore');
const args = process.argv.slice(2).filter((a) => a !== '--after-restore');
const seconds = Number(args[0] ?? 10);
const wantedRate = args[1] ? Number(args[1]) : null;
const status = (re) =>
  page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid=checkpoint-status]')?.textContent ?? ''), re.source, {
    timeout: 30000,
  });
const server = await serveDist();
const browser = await openBrowser();
const { page } = browser;
try {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(server.url);
  await page.locator('[data-testid=example-firehose]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=batch-counter]')?.textContent === '0');
  if (wantedRate) {
    // The rate slider is logarithmic: position p gives 10^(p/10) records per second.
    const position = Math.round(Math.log10(wantedRate) * 10);
    await page.locator('[data-testid^=rate-]').first().evaluate((el, p) => {
      el.value = String(p);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, position);
    await page.waitForFunction(() => document.querySelector('[data-testid=batch-counter]')?.textContent === '0');
  }
  if (afterRestore) {
    await page.selectOption('[data-testid=checkpoint-interval]', { label: 'every batch' });
    for (const n of [1, 2]) {
      await page.click('[data-testid=step]');
      await page.waitForFunction((want) => document.querySelector('[data-testid=batch-counter]')?.textContent === want, String(n));
    }
    await status(/checkpoint-\d+ saved/);
    await page.reload();
    await status(/Recovered from checkpoint-\d+/);
  }
  const rate = await page.locator('[data-testid^=rate-]').first().evaluate((el) => el.nextElementSibling?.textContent);
  await page.selectOption('[data-testid=speed]', '10');
  await page.click('[data-testid=play]');
  const frames = await page.evaluate(
    (ms) =>
      new Promise((done) => {
        const times = [];
        let last = performance.now();
        const start = last;
        const frame = (now) => {
          times.push(now - last);
          last = now;
          if (now - start < ms) requestAnimationFrame(frame);
          else done(times);
        };
        requestAnimationFrame(frame);
      }),
    seconds * 1000,
  );
  await page.click('[data-testid=pause]');
  const batches = Number(await page.locator('[data-testid=batch-counter]').textContent());
  const avg = async (id) => (await page.locator(`[data-testid=${id}] .scale`).last().textContent()).replace('avg ', '');
  const processing = await avg('metric-processing');
  const scheduling = await avg('metric-scheduling');
  const sorted = frames.slice(1).sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  console.log(`source: firehose generator at ${rate}, speed 10x, ${seconds} s${afterRestore ? ', after a reload restored its checkpoint' : ''}`);
  console.log(`frames: ${sorted.length} (${(sorted.length / seconds).toFixed(1)} fps)`);
  console.log(`frame time: median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`);
  console.log(`batches run: ${batches} (${(batches / seconds).toFixed(1)} per s); engine in the worker; processing time avg ${processing}, scheduling delay avg ${scheduling} (last 60 batches)`);
  if (browser.problems.length) console.log(`page problems:\n${browser.problems.join('\n')}`);
} finally {
  await browser.close();
  await server.close();
}

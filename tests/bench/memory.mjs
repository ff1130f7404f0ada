// Browser benchmark (not a test: prints figures, asserts nothing): the firehose example played
// at 10x for a few minutes on the built page in headless Chromium; every 30 s it reads the
// engine worker's wasm memory (the worker's `WebAssembly.Memory`, through its wasm-bindgen
// init, which returns the running instance) and the batch counter, and prints the curve.
//
//   trunk build --release --cargo-profile web && node tests/bench/memory.mjs [minutes]
//
// The firehose (100 000 generated lines a batch, map, reduceByKey, print) has no window or
// state, so the engine keeps no batch's RDDs once its job ran: the curve should be flat after
// the first samples.

import { openBrowser, serveDist, waitReady } from '../e2e/support/harness.mjs';

const minutes = Number(process.argv[2] ?? 10);
const SAMPLE_MS = 30_000;
const server = await serveDist();
const browser = await openBrowser();
const { page } = browser;
try {
  await page.goto(server.url);
  await waitReady(page);
  await page.locator('[data-testid=example-firehose]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=batch-counter]')?.textContent === '0');
  await waitReady(page);
  const worker = page.workers()[0];
  if (!worker) throw new Error('no engine worker on the page');
  // eslint-disable-next-line no-undef
  const memory = () => worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength);
  const batches = async () => Number(await page.locator('[data-testid=batch-counter]').textContent());
  await page.selectOption('[data-testid=speed]', '10');
  await page.click('[data-testid=play]');
  const start = Date.now();
  const rows = [];
  while (Date.now() - start < minutes * 60_000) {
    await page.waitForTimeout(SAMPLE_MS);
    const row = { s: Math.round((Date.now() - start) / 1000), batches: await batches(), mib: (await memory()) / 2 ** 20 };
    rows.push(row);
    console.log(`${String(row.s).padStart(5)} s  batch ${String(row.batches).padStart(5)}  worker wasm memory ${row.mib.toFixed(1)} MiB`);
  }
  await page.click('[data-testid=pause]');
  const mibs = rows.map((r) => r.mib);
  console.log(
    `${rows.length} samples over ${minutes} min, ${rows.at(-1)?.batches ?? 0} batches: worker wasm memory min ${Math.min(...mibs).toFixed(1)} MiB, max ${Math.max(...mibs).toFixed(1)} MiB, last ${mibs.at(-1)?.toFixed(1)} MiB`,
  );
  if (browser.problems.length) console.log(`page problems:\n${browser.problems.join('\n')}`);
} finally {
  await browser.close();
  await server.close();
}

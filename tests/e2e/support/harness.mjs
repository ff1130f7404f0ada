// What every end-to-end test needs: the built page (dist/, from `trunk build --release`)
// served on a free localhost port, and Debian's Chromium driven through playwright-core,
// with every console error and page error collected so a test can fail on them; and the
// steps every test file takes on the playground (step to a batch, wait for a status).

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const DIST = process.env.E2E_DIST ?? join(ROOT, 'dist');
export const RESULTS = join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Headless, and off the network: no sandbox (CI runs as root), no updates, no sync.
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Serves `dir` on 127.0.0.1 at a free port; resolves to `{ url, close }`. */
export async function serveDist(dir = DIST) {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: run \`trunk build --release\` first (bash scripts/test.sh does)`);
  }
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * Launches Chromium with a fresh profile and opens one page. `problems` collects console
 * errors, uncaught page errors and failed requests as they happen.
 */
export async function openBrowser() {
  const profile = await mkdtemp(join(tmpdir(), 'dstream-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 860 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return {
    page,
    problems,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One server and one browser for a test file (a 1600×1000 page): `{ server, browser, page,
 * close }`, opened in the file's `before` and closed in its `after`.
 */
export async function openPlayground() {
  await mkdir(RESULTS, { recursive: true });
  const server = await serveDist();
  const browser = await openBrowser();
  await browser.page.setViewportSize({ width: 1600, height: 1000 });
  return {
    server,
    browser,
    page: browser.page,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** The batch counter's value. */
export async function batchCounter(page) {
  return Number(await page.locator('[data-testid=batch-counter]').textContent());
}

/** Clicks step until the batch counter shows `n`. */
export async function stepTo(page, n) {
  while ((await batchCounter(page)) < n) {
    const before = await batchCounter(page);
    await page.click('[data-testid=step]');
    await page.waitForFunction(
      (b) => Number(document.querySelector('[data-testid=batch-counter]')?.textContent) > b,
      before,
    );
  }
  assert.equal(await batchCounter(page), n);
}

/** Waits until the run's context is up (the state pill says paused or running). */
export async function waitReady(page) {
  await page.waitForFunction(
    () => /^(paused|running)$/.test(document.querySelector('[data-testid=run-status]')?.textContent ?? ''),
    null,
    { timeout: 20000 },
  );
}

/** Waits until the batch counter shows `n`. */
export async function waitCounter(page, n) {
  await page.waitForFunction((want) => document.querySelector('[data-testid=batch-counter]')?.textContent === want, String(n));
}

/**
 * Reset: a new context from batch 0. When the pipeline has checkpoints the page asks first
 * (they are deleted); this answers yes.
 */
export async function resetPipeline(page) {
  await page.click('[data-testid=reset]');
  const confirm = page.locator('[data-testid=confirm-reset-yes]');
  if (await confirm.isVisible().catch(() => false)) await confirm.click();
  await waitCounter(page, 0);
  await waitReady(page);
}

/** Waits until the text of `[data-testid=testid]` matches `re`; fails saying what it says instead. */
export async function waitText(page, testid, re) {
  try {
    await page.waitForFunction(
      ([id, src]) => new RegExp(src).test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''),
      [testid, re.source],
      { timeout: 20000 },
    );
  } catch {
    const now = await page.locator(`[data-testid=${testid}]`).first().textContent().catch(() => null);
    throw new Error(`${testid} never matched ${re}: it says "${now}"`);
  }
}

/** Waits until the checkpoint status matches `re`. */
export const waitStatus = (page, re) => waitText(page, 'checkpoint-status', re);

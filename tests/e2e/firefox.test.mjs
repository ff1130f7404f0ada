// End to end in Firefox: the built page loads in Debian's headless firefox-esr (driven through
// geckodriver's WebDriver API, the playwright-core tests being Chromium's) and runs a batch in
// its engine worker: the module worker, the JS-value messages and the worker's wasm all work
// outside Chromium too.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, serveDist } from './support/harness.mjs';

const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const GECKODRIVER = process.env.GECKODRIVER ?? join(process.env.HOME ?? '/root', '.cargo', 'bin', 'geckodriver');

/** A free localhost port. */
function freePort() {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** One WebDriver command against the session (W3C protocol, JSON over HTTP). */
async function wd(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

let server;
let driver;
let base;
let session;
before(async () => {
  assert.ok(existsSync(FIREFOX), `Firefox is missing at ${FIREFOX}: bash scripts/test.sh installs firefox-esr`);
  assert.ok(existsSync(GECKODRIVER), `geckodriver is missing at ${GECKODRIVER}: bash scripts/test.sh installs it`);
  server = await serveDist();
  const port = await freePort();
  driver = spawn(GECKODRIVER, ['--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${base}/status`);
      break;
    } catch {
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  const options = JSON.parse(readFileSync(join(ROOT, 'webdriver.json'), 'utf8'))['moz:firefoxOptions'];
  const created = await wd(base, 'POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'firefox', 'moz:firefoxOptions': { ...options, binary: FIREFOX } } },
  });
  session = `/session/${created.sessionId}`;
});

after(async () => {
  if (session) await wd(base, 'DELETE', session).catch(() => {});
  driver?.kill();
  await server?.close();
});

/** Runs `script` in the page (a function body returning a value). */
const js = (script) => wd(base, 'POST', `${session}/execute/sync`, { script, args: [] });

async function until(script, what) {
  for (let i = 0; i < 200; i++) {
    if (await js(script)) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`timed out waiting for ${what}: ${await js("return document.body.innerText.slice(0, 600)")}`);
}

test('the page runs a batch in its engine worker in Firefox', async () => {
  await wd(base, 'POST', `${session}/url`, { url: server.url });
  await until("return document.querySelector('[data-testid=run-status]')?.textContent === 'paused'", 'the engine worker');
  await js("document.querySelector('[data-testid=step]').click(); return true");
  await until("return document.querySelector('[data-testid=batch-counter]')?.textContent === '1'", 'batch 1');
  await js("document.querySelector('[data-testid=step]').click(); return true");
  await until("return document.querySelector('[data-testid=batch-counter]')?.textContent === '2'", 'batch 2');
  const out = await js("return document.querySelector('[data-testid=output-out] .print').innerText");
  assert.match(out, /Time: 2000 ms/);
  for (const pair of ['(a,2)', '(b,2)', '(c,1)', '(x,1)']) assert.ok(out.includes(pair), `${pair} missing from ${out}`);
  assert.equal(await js("return document.querySelectorAll('[data-testid=error]').length"), 0);
  const agent = await js('return navigator.userAgent');
  assert.match(agent, /Firefox\//, agent);
});

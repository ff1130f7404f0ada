// The side-by-side bench's page: the same windowed word count (split on ' ', pairs (w, 1),
// a 30-batch window kept incrementally, the top 10 by (count, word) after every batch) run
// several ways on the same text. `node tests/bench/side_by_side.mjs` drives it: it calls
// `window.bench.run(way)` for one way at a time and reads the time and the tops.

import { generate, checksum } from './text.js';

const WINDOW = 30;
const params = new URLSearchParams(location.search);
const batches = generate(Number(params.get('batches') ?? 60), Number(params.get('words') ?? 200000));
const encoder = new TextEncoder();
const bytes = batches.map((lines) => encoder.encode(lines.join('\n')));
const words = batches.reduce((n, lines) => n + lines.reduce((m, l) => m + l.split(' ').length, 0), 0);

/** The 10 largest (count, word) of a Map of counts, as `word:count` separated by spaces. */
function top10(counts) {
  const top = [];
  for (const [w, c] of counts) {
    if (c <= 0) continue;
    if (top.length === 10) {
      const [lw, lc] = top[9];
      if (c < lc || (c === lc && w < lw)) continue;
    }
    let at = top.length;
    while (at > 0 && (top[at - 1][1] < c || (top[at - 1][1] === c && top[at - 1][0] < w))) at--;
    top.splice(at, 0, [w, c]);
    if (top.length > 10) top.pop();
  }
  return top.map(([w, c]) => `${w}:${c}`).join(' ');
}

function plainJs() {
  const window = new Map();
  const ring = [];
  const tops = [];
  for (const lines of batches) {
    const counts = new Map();
    for (const line of lines) {
      let from = 0;
      for (;;) {
        const i = line.indexOf(' ', from);
        const w = i < 0 ? line.slice(from) : line.slice(from, i);
        counts.set(w, (counts.get(w) ?? 0) + 1);
        if (i < 0) break;
        from = i + 1;
      }
    }
    for (const [w, c] of counts) window.set(w, (window.get(w) ?? 0) + c);
    ring.push(counts);
    if (ring.length > WINDOW) for (const [w, c] of ring.shift()) window.set(w, window.get(w) - c);
    tops.push(top10(window));
  }
  return tops;
}

/** Idiomatic RxJS 7: an inner observable per batch counts its words, `scan` keeps the window. */
async function rx() {
  const { from, lastValueFrom } = rxjs;
  const { concatMap, mergeMap, reduce, scan, map, toArray } = rxjs.operators;
  const tops$ = from(batches).pipe(
    concatMap((lines) =>
      from(lines).pipe(
        mergeMap((line) => line.split(' ')),
        reduce((counts, w) => counts.set(w, (counts.get(w) ?? 0) + 1), new Map()),
      ),
    ),
    scan(
      (state, counts) => {
        for (const [w, c] of counts) state.window.set(w, (state.window.get(w) ?? 0) + c);
        state.ring.push(counts);
        if (state.ring.length > WINDOW) {
          for (const [w, c] of state.ring.shift()) state.window.set(w, state.window.get(w) - c);
        }
        return state;
      },
      { window: new Map(), ring: [] },
    ),
    map((state) => top10(state.window)),
    toArray(),
  );
  return lastValueFrom(tops$);
}

const modules = {};
async function load(name) {
  const { instance } = await WebAssembly.instantiateStreaming(fetch(name), {
    env: { now: () => performance.now() },
  });
  return instance.exports;
}

const decoder = new TextDecoder();
function output(x) {
  return decoder.decode(new Uint8Array(x.memory.buffer, x.output_ptr(), x.output_len()));
}
function write(x, data) {
  const ptr = x.input(data.length);
  new Uint8Array(x.memory.buffer, ptr, data.length).set(data);
}

/** A wasm word count (the engine's or the hand-written one) over the pre-encoded batches. */
function wasm(x, pair = 'w => (w, 1)', reduce = '_ + _') {
  write(x, encoder.encode(`${pair}\n${reduce}`));
  if (x.start(WINDOW) !== 0) throw new Error(output(x));
  const tops = [];
  for (const b of bytes) {
    write(x, b);
    if (x.batch(b.length) === 0xffffffff) throw new Error(output(x));
    tops.push(output(x));
  }
  return tops;
}

async function run(way, pair, reduce) {
  const t0 = performance.now();
  let tops;
  if (way === 'plain_js') tops = plainJs();
  else if (way === 'rxjs') tops = await rx();
  else tops = wasm(modules[way], pair, reduce);
  const ms = performance.now() - t0;
  return { ms, words, checksum: checksum(tops), last: tops[tops.length - 1] };
}

/** The engine's per-batch cost (ms) with windows of `a` and of `b` batches (its own
 * generated text): both filled, then `ticks` ticks of each in turn, `rounds` times; medians. */
function windowCosts(a, b, ticks, rounds) {
  const x = modules.engine_wasm;
  if (x.window_start(a, b) !== 0) throw new Error(output(x));
  const costs = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const which of [0, 1]) costs[which].push(x.window_ticks(which, ticks));
  }
  const median = (v) => v.sort((p, q) => p - q)[v.length >> 1];
  return costs.map(median);
}

for (const [way, file] of Object.entries(JSON.parse(params.get('wasm') ?? '{}'))) {
  modules[way] = await load(file);
}
window.bench = { run, windowCosts, words };
document.getElementById('status').textContent = 'ready';

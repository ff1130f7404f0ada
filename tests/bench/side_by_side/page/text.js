// The side-by-side bench's input, the same in node and in the page: Zipf-like text over a
// vocabulary of 10 000 lowercase pseudo-words (the word of rank r drawn with probability
// proportional to 1 / (r + 1)), in lines of 1 to 12 words separated by one space, exactly
// `wordsPerBatch` words a batch. Seeded (xorshift32), so every run and every way sees the
// same words.

export const VOCABULARY = 10000;

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

function vocabulary(next) {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'da', 'pe', 'qu', 'zo', 'ba', 'fi', 'gu', 'ho', 'x', 'y'];
  const seen = new Set();
  const words = [];
  while (words.length < VOCABULARY) {
    let w = '';
    const n = 1 + Math.floor(next() * 5);
    for (let i = 0; i < n; i++) w += syllables[Math.floor(next() * syllables.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

/** `batches` batches of lines: `[[line, …], …]`. */
export function generate(batches = 60, wordsPerBatch = 200000, seed = 2024) {
  const next = rng(seed);
  const words = vocabulary(next);
  const cdf = new Float64Array(words.length);
  let total = 0;
  for (let r = 0; r < words.length; r++) {
    total += 1 / (r + 1);
    cdf[r] = total;
  }
  const pick = () => {
    const x = next() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
  const out = [];
  for (let b = 0; b < batches; b++) {
    const lines = [];
    let left = wordsPerBatch;
    while (left > 0) {
      const n = Math.min(left, 1 + Math.floor(next() * 12));
      const line = new Array(n);
      for (let i = 0; i < n; i++) line[i] = pick();
      lines.push(line.join(' '));
      left -= n;
    }
    out.push(lines);
  }
  return out;
}

/** FNV-1a (32-bit) of every batch's top 10, one line each: what every way must agree on. */
export function checksum(tops) {
  let h = 0x811c9dc5;
  for (const ch of tops.join('\n')) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

//! `generator` {kind, rate_per_s, seed}: seeded synthetic streams (`words`, `logs`, `sales`).
//! Batch records = `rate_per_s * batch_interval_ms / 1000`; the records depend only on the
//! seed and the batch time (SplitMix64, integer arithmetic only), so every machine, native
//! or wasm, generates the same batches.

use crate::ops::transform::splitmix64;
use crate::rdd::{Rdd, DEFAULT_PARTITIONS};
use crate::value::Value;

/// What a generator produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text lines of 1 to 8 words from a fixed vocabulary, frequent words Zipf-ish.
    Words,
    /// Access-log lines `IP METHOD PATH STATUS` (as in the log_alarmer case).
    Logs,
    /// `product,price` lines (as in the top_sellers case).
    Sales,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "words" => Some(Kind::Words),
            "logs" => Some(Kind::Logs),
            "sales" => Some(Kind::Sales),
            _ => None,
        }
    }
}

/// A configured generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generator {
    pub kind: Kind,
    pub rate_per_s: u64,
    pub seed: u64,
}

pub(crate) const VOCABULARY: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on",
    "are", "with", "as", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had",
    "by", "word", "but", "what", "some", "we", "can", "out", "other", "were", "all", "there",
    "when", "up", "use", "your", "how", "said", "an", "each", "she", "which", "do", "their",
    "time", "if", "will", "way", "about", "many", "then", "them", "write", "would", "like", "so",
    "these", "her", "long", "make", "thing", "see", "him", "two", "has", "look", "more", "day",
    "could", "go", "come", "did", "number", "sound", "no", "most", "people", "my", "over", "know",
    "water", "than", "call", "first", "who", "may", "down", "side", "been", "now", "find", "spark",
    "stream",
];

pub(crate) const IPS: u64 = 24;
pub(crate) const METHODS: &[(&str, u64)] = &[("GET", 8), ("POST", 2)];
pub(crate) const PATHS: &[&str] = &[
    "/",
    "/index.html",
    "/cart",
    "/pay",
    "/img.png",
    "/search",
    "/login",
];
pub(crate) const STATUSES: &[(&str, u64)] = &[
    ("200", 70),
    ("304", 8),
    ("404", 8),
    ("500", 6),
    ("502", 4),
    ("503", 4),
];
pub(crate) const PRODUCTS: &[(&str, &str)] = &[
    ("lamp", "20.5"),
    ("desk", "120.0"),
    ("pen", "1.25"),
    ("chair", "45.75"),
    ("mug", "8.0"),
    ("rug", "60.25"),
    ("book", "12.5"),
    ("ink", "3.75"),
];

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        splitmix64(&mut self.0) % n.max(1)
    }
    fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total);
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[items.len() - 1].0
    }
    /// Zipf-ish: the vocabulary is halved once per leading coin flip that comes up heads,
    /// then a word is drawn uniformly from what is left, so the first words are the most
    /// frequent (rank 0 about 20 times as often as the last).
    fn zipf_word(&mut self) -> &'static str {
        let mut hi = VOCABULARY.len() as u64;
        let mut coins = splitmix64(&mut self.0);
        while hi > 1 && coins & 1 == 0 {
            hi = hi.div_ceil(2);
            coins >>= 1;
        }
        VOCABULARY[self.below(hi) as usize]
    }
}

impl Generator {
    /// Records per batch: `rate_per_s * batch_interval_ms / 1000`.
    pub fn per_batch(&self, batch_interval_ms: u64) -> u64 {
        self.rate_per_s.saturating_mul(batch_interval_ms) / 1000
    }

    /// The records of the batch at `time_ms`.
    pub fn records(&self, time_ms: u64, batch_interval_ms: u64) -> Vec<Value> {
        let mut st = self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ time_ms;
        splitmix64(&mut st);
        let mut rng = Rng(st);
        let n = self.per_batch(batch_interval_ms);
        let mut line = String::with_capacity(64);
        (0..n)
            .map(|_| {
                line.clear();
                self.line(&mut rng, &mut line);
                Value::str(&line)
            })
            .collect()
    }

    /// The batch at `time_ms` as an RDD in 2 partitions.
    pub fn batch_rdd(&self, time_ms: u64, batch_interval_ms: u64) -> Rdd {
        Rdd::parallelize(self.records(time_ms, batch_interval_ms), DEFAULT_PARTITIONS)
    }

    fn line(&self, rng: &mut Rng, line: &mut String) {
        use std::fmt::Write;
        match self.kind {
            Kind::Words => {
                let n = 1 + rng.below(8);
                for i in 0..n {
                    if i > 0 {
                        line.push(' ');
                    }
                    line.push_str(rng.zipf_word());
                }
            }
            Kind::Logs => {
                let ip = 1 + rng.below(IPS);
                let method = rng.weighted(METHODS);
                let path = PATHS[rng.below(PATHS.len() as u64) as usize];
                let status = rng.weighted(STATUSES);
                let _ = write!(line, "10.0.0.{ip} {method} {path} {status}");
            }
            Kind::Sales => {
                let (product, price) = PRODUCTS[rng.below(PRODUCTS.len() as u64) as usize];
                let _ = write!(line, "{product},{price}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen(kind: Kind, seed: u64) -> Generator {
        Generator {
            kind,
            rate_per_s: 50,
            seed,
        }
    }

    #[test]
    fn same_seed_and_time_give_the_same_batch() {
        for kind in [Kind::Words, Kind::Logs, Kind::Sales] {
            let a = gen(kind, 7).records(3000, 1000);
            assert_eq!(a.len(), 50);
            assert_eq!(a, gen(kind, 7).records(3000, 1000));
            assert_ne!(a, gen(kind, 8).records(3000, 1000));
            assert_ne!(a, gen(kind, 7).records(4000, 1000));
        }
        assert_eq!(gen(Kind::Words, 1).records(500, 500).len(), 25);
    }

    #[test]
    fn generated_lines_have_their_kind_shape() {
        // Pinned output: a change to the generator changes what every user sees.
        let words = gen(Kind::Words, 1).records(1000, 1000);
        assert!(words
            .iter()
            .all(|w| matches!(w, Value::Str(s) if !s.is_empty()
            && s.split(' ').all(|x| VOCABULARY.contains(&x)))));
        for l in gen(Kind::Logs, 1).records(1000, 1000) {
            let s = l.to_string();
            let parts: Vec<&str> = s.split(' ').collect();
            assert_eq!(parts.len(), 4, "{s}");
            assert!(parts[0].starts_with("10.0.0."));
            assert!(parts[3].parse::<u32>().is_ok());
        }
        for l in gen(Kind::Sales, 1).records(1000, 1000) {
            let s = l.to_string();
            let (p, price) = s.split_once(',').unwrap();
            assert!(PRODUCTS.iter().any(|(n, _)| *n == p));
            assert!(price.parse::<f64>().is_ok());
        }
        // "the" (rank 0) is the most frequent word.
        let many = Generator {
            kind: Kind::Words,
            rate_per_s: 2000,
            seed: 3,
        }
        .records(1000, 1000);
        let count = |w: &str| {
            many.iter()
                .map(|l| l.to_string().split(' ').filter(|x| *x == w).count())
                .sum::<usize>()
        };
        assert!(count("the") > count("stream") * 3);
    }
}

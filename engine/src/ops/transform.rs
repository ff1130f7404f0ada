//! RDD ops usable inside `transform` (`distinct`, `sample`, `sortBy`, `sortByKey`, `take`,
//! `top`) and the two-RDD set ops `intersection`, `subtract`, `cartesian`.

use std::cmp::Ordering;

use rustc_hash::FxHashSet;

use crate::rdd::{call, pair, Func, KeyMap, OpError, Rdd};
use crate::value::Value;

/// `distinct`: each record once, placed by hash, e.g. `{"op": "distinct"}`.
pub fn distinct(rdd: &Rdd) -> Rdd {
    let n = rdd.parts.len().max(1);
    let mut parts: Vec<KeyMap<()>> = (0..n).map(|_| KeyMap::default()).collect();
    for r in rdd.iter() {
        parts[r.partition_of(n)].insert(r.clone(), ());
    }
    Rdd::hashed(parts.into_iter().map(|m| m.into_keys().collect()).collect())
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny portable PRNG, the same on every platform.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform double in [0, 1) from 53 random bits (exact on every platform).
pub fn unit_f64(state: &mut u64) -> f64 {
    (splitmix64(state) >> 11) as f64 / (1u64 << 53) as f64
}

/// `sample(fraction, seed)` without replacement: each record kept with probability
/// `fraction`, decided by a generator seeded from `seed` and the partition index, so the
/// same input and seed always give the same sample. (Spark's own generator differs: the
/// chosen records will not be Spark's.) E.g. `{"op": "sample", "fraction": 0.1, "seed": 7}`.
pub fn sample(rdd: &Rdd, fraction: f64, seed: u64) -> Rdd {
    let parts = rdd
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut st = seed ^ (i as u64).wrapping_mul(0xA076_1D64_78BD_642F);
            p.iter()
                .filter(|_| unit_f64(&mut st) < fraction)
                .cloned()
                .collect()
        })
        .collect();
    Rdd::new(parts)
}

fn sorted_by(
    rdd: &Rdd,
    key: impl Fn(&Value) -> Result<Value, OpError>,
    ascending: bool,
) -> Result<Rdd, OpError> {
    let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(rdd.count() as usize);
    for r in rdd.iter() {
        keyed.push((key(r)?, r.clone()));
    }
    if ascending {
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
    } else {
        keyed.sort_by(|a, b| b.0.cmp(&a.0));
    }
    let n = rdd.parts.len().max(1);
    Ok(Rdd::parallelize(
        keyed.into_iter().map(|(_, r)| r).collect(),
        n,
    ))
}

/// `sortBy(fn, ascending)`: records ordered by `fn`'s result, e.g.
/// `{"op": "sortBy", "fn": "kv => kv._2", "ascending": false}`.
pub fn sort_by(rdd: &Rdd, f: &Func, ascending: bool) -> Result<Rdd, OpError> {
    sorted_by(rdd, |r| call(f, std::slice::from_ref(r)), ascending)
}

/// `sortByKey(ascending)` on pairs, e.g. `{"op": "sortByKey", "ascending": false}`.
pub fn sort_by_key(rdd: &Rdd, ascending: bool) -> Result<Rdd, OpError> {
    sorted_by(rdd, |r| Ok(pair(r)?.0.clone()), ascending)
}

/// `take(n)`: the first `n` records in partition order, e.g. `{"op": "take", "n": 3}`.
pub fn take(rdd: &Rdd, n: usize) -> Rdd {
    Rdd::new(vec![rdd.take(n)])
}

/// `top(n)`: the `n` largest records by natural ordering (or by `fn`), largest first,
/// e.g. `{"op": "top", "n": 2}`. Of records with equal keys the earlier (in partition order)
/// comes first, as a stable sort of all of them would give; only the `n` largest are kept
/// while the records go by.
pub fn top(rdd: &Rdd, n: usize, key: Option<&Func>) -> Result<Vec<Value>, OpError> {
    let mut best: Vec<(Value, &Value)> = Vec::with_capacity(n.min(1024) + 1);
    if n == 0 {
        return Ok(Vec::new());
    }
    for r in rdd.iter() {
        let k = match key {
            Some(f) => call(f, std::slice::from_ref(r))?,
            None => r.clone(),
        };
        if best.len() == n && best[n - 1].0.cmp(&k) != Ordering::Less {
            continue;
        }
        // After every kept key not smaller than `k`: equal keys stay in arrival order.
        let at = best.partition_point(|(b, _)| b.cmp(&k) != Ordering::Less);
        best.insert(at, (k, r));
        best.truncate(n);
    }
    Ok(best.into_iter().map(|(_, r)| r.clone()).collect())
}

/// `intersection`: records present in both, each once.
pub fn intersection(left: &Rdd, right: &Rdd) -> Rdd {
    let n = left.parts.len().max(right.parts.len()).max(1);
    let rset: FxHashSet<&Value> = right.iter().collect();
    let mut parts: Vec<KeyMap<()>> = (0..n).map(|_| KeyMap::default()).collect();
    for r in left.iter().filter(|r| rset.contains(r)) {
        parts[r.partition_of(n)].insert(r.clone(), ());
    }
    Rdd::hashed(parts.into_iter().map(|m| m.into_keys().collect()).collect())
}

/// `subtract`: the left records (duplicates kept) that do not occur on the right.
pub fn subtract(left: &Rdd, right: &Rdd) -> Rdd {
    let n = left.parts.len().max(1);
    let rset: FxHashSet<&Value> = right.iter().collect();
    let mut parts: Vec<Vec<Value>> = vec![Vec::new(); n];
    for r in left.iter().filter(|r| !rset.contains(r)) {
        parts[r.partition_of(n)].push(r.clone());
    }
    Rdd::hashed(parts)
}

/// `cartesian`: every `(a, b)`, partition `i*m + j` pairing left partition `i` with right
/// partition `j`.
pub fn cartesian(left: &Rdd, right: &Rdd) -> Rdd {
    let mut parts = Vec::new();
    for lp in &left.parts {
        for rp in &right.parts {
            let mut out = Vec::with_capacity(lp.len() * rp.len());
            for a in lp {
                for b in rp {
                    out.push(Value::pair(a.clone(), b.clone()));
                }
            }
            parts.push(out);
        }
    }
    Rdd::new(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Type;

    fn ints(v: &[i64]) -> Rdd {
        Rdd::parallelize(v.iter().map(|i| Value::Int(*i)).collect(), 2)
    }
    fn sorted(r: &Rdd) -> Vec<i64> {
        let mut v: Vec<i64> = r
            .iter()
            .map(|x| match x {
                Value::Int(i) => *i,
                _ => -999,
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn distinct_intersection_subtract() {
        assert_eq!(sorted(&distinct(&ints(&[3, 1, 3, 2, 1]))), [1, 2, 3]);
        assert_eq!(
            sorted(&intersection(&ints(&[1, 2, 2, 3]), &ints(&[2, 3, 4]))),
            [2, 3]
        );
        assert_eq!(
            sorted(&subtract(&ints(&[1, 2, 2, 3, 5]), &ints(&[3, 4]))),
            [1, 2, 2, 5]
        );
    }

    #[test]
    fn cartesian_pairs_everything() {
        let c = cartesian(&ints(&[1, 2]), &ints(&[10, 20, 30]));
        assert_eq!(c.count(), 6);
        assert_eq!(c.parts.len(), 4);
        assert!(c
            .iter()
            .any(|v| *v == Value::pair(Value::Int(2), Value::Int(30))));
    }

    #[test]
    fn sample_is_deterministic_and_roughly_the_fraction() {
        let rdd = ints(&(0..2000).collect::<Vec<_>>());
        let a = sample(&rdd, 0.25, 42);
        assert_eq!(a, sample(&rdd, 0.25, 42));
        assert_ne!(a.collect(), sample(&rdd, 0.25, 43).collect());
        let n = a.count();
        assert!((400..600).contains(&n), "{n}");
        assert_eq!(sample(&rdd, 0.0, 1).count(), 0);
        assert_eq!(sample(&rdd, 1.0, 1).count(), 2000);
    }

    #[test]
    fn sorts_take_and_top() {
        let rdd = ints(&[5, 1, 4, 2]);
        let desc = sort_by(&rdd, &Func::builtin("x => x", vec![Type::Int]), false).unwrap();
        assert_eq!(take(&desc, 3).collect(), [5, 4, 2].map(Value::Int));
        assert_eq!(top(&rdd, 2, None).unwrap(), [5, 4].map(Value::Int));
        let neg = Func::builtin("x => -x", vec![Type::Int]);
        assert_eq!(top(&rdd, 2, Some(&neg)).unwrap(), [1, 2].map(Value::Int));
    }

    #[test]
    fn top_keeps_what_a_stable_sort_of_every_record_keeps() {
        let rdd = Rdd::parallelize((0..40).map(|i| Value::Int((i * 7) % 23)).collect(), 3);
        let by_rem = Func::builtin("x => x % 3", vec![Type::Int]);
        for n in [0, 1, 2, 5, 13, 40, 50] {
            let mut all: Vec<(Value, Value)> = rdd
                .iter()
                .map(|r| (by_rem.call(std::slice::from_ref(r)).unwrap(), r.clone()))
                .collect();
            all.sort_by(|a, b| b.0.cmp(&a.0));
            let want: Vec<Value> = all.into_iter().take(n).map(|(_, r)| r).collect();
            assert_eq!(top(&rdd, n, Some(&by_rem)).unwrap(), want, "n = {n}");
        }
    }
}

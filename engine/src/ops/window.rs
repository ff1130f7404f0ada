//! The window family (`window`, `countByWindow`, `reduceByWindow`, `reduceByKeyAndWindow`,
//! `countByValueAndWindow`, `groupByKeyAndWindow`) over one mechanism: which parent times a
//! window covers, and how the covered RDDs are combined, fully or incrementally.
//!
//! An inverse function makes a window incremental: the new window is the previous one, minus
//! (`inverse`) the batches that left, plus (`fn`) the batches that entered. That is right only
//! if `inverse` undoes `fn` (`_ - _` undoes `_ + _`; nothing undoes `math.max`): a wrong
//! inverse gives wrong windows, exactly as in Spark. Keys whose value falls back to the zero
//! stay (`("b", 0)`) unless a `filter` removes them.

use crate::ops::keyed::{concat_groups, reduce_pairs};
use crate::rdd::{call, pair, truth, Func, KeyMap, OpError, PairRdd, Rdd};
use crate::value::Value;

/// Parent times `p` with `lo < p <= hi`, multiples of `step`, after time zero; ascending.
pub fn times_between(lo: i64, hi: i64, step: u64) -> Vec<u64> {
    let step = step.max(1) as i64;
    let first = (lo.max(0) / step + 1) * step;
    (0..)
        .map(|i| first + i * step)
        .take_while(|p| *p <= hi)
        .map(|p| p as u64)
        .collect()
}

/// The parent times a window of `window_ms` ending at `t` covers: `(t - window, t]`.
pub fn covered(t: u64, window_ms: u64, parent_slide: u64) -> Vec<u64> {
    times_between(t as i64 - window_ms as i64, t as i64, parent_slide)
}

/// Parent times entering the window since the previous slide: `(t - slide, t]`.
pub fn entering(t: u64, slide_ms: u64, parent_slide: u64) -> Vec<u64> {
    times_between(t as i64 - slide_ms as i64, t as i64, parent_slide)
}

/// Parent times leaving the window since the previous slide: `(t - slide - window, t - window]`.
pub fn leaving(t: u64, window_ms: u64, slide_ms: u64, parent_slide: u64) -> Vec<u64> {
    let hi = t as i64 - window_ms as i64;
    times_between(hi - slide_ms as i64, hi, parent_slide)
}

/// `window(window_ms, slide_ms)`: every record of the covered parent RDDs, e.g.
/// `{"op": "window", "window_ms": 4000, "slide_ms": 2000}`.
pub fn window(covered: &[&Rdd]) -> Rdd {
    Rdd::union(covered)
}

/// `reduceByKeyAndWindow(fn)` without an inverse: the per-batch reduced RDDs of the window
/// reduced again by key (`reduceByKey(f).window(w, s).reduceByKey(f)`), e.g. `_ + _`.
pub fn reduce_full(covered: &[&PairRdd], f: &Func, partitions: usize) -> Result<Rdd, OpError> {
    Ok(reduce_pairs(covered.iter().flat_map(|r| r.iter()), partitions, f)?.to_rdd())
}

/// `groupByKeyAndWindow`: the per-batch groups of the window, lists concatenated per key.
pub fn group_full(covered: &[&PairRdd], partitions: usize) -> Result<Rdd, OpError> {
    concat_groups(covered.iter().flat_map(|r| r.iter()), partitions)
}

/// Spark's error when a key has neither a previous window value nor new values.
pub const NEITHER_MESSAGE: &str = "Neither previous window has value for key, nor new values found. Are you sure your key class hashes consistently?";

#[derive(Default)]
struct Slot {
    prev: Option<Value>,
    old: Option<Value>,
    new: Option<Value>,
}

fn fold_in(
    slots: &mut [KeyMap<Slot>],
    rdds: &[&PairRdd],
    f: &Func,
    pick: fn(&mut Slot) -> &mut Option<Value>,
) -> Result<(), OpError> {
    let n = slots.len();
    for rdd in rdds {
        for (k, v) in rdd.iter() {
            let slot = slots[k.partition_of(n)].entry(k.clone()).or_default();
            let acc = pick(slot);
            *acc = Some(match acc.take() {
                None => v.clone(),
                Some(a) => call(f, &[a, v.clone()])?,
            });
        }
    }
    Ok(())
}

/// `reduceByKeyAndWindow(fn, inverse, filter?)`: Spark's `ReducedWindowedDStream`. Per key,
/// from the previous window's value `prev`, the reduced values of the batches that left
/// (`old`) and of those that entered (`new`): no `prev` gives `reduce(new)`; otherwise
/// `inverse(prev, reduce(old))` if `old` exist, then `fn(.., reduce(new))` if `new` exist;
/// then the filter. Costs O(keys + records entering and leaving), not O(window length).
/// E.g. `{"fn": "_ + _", "inverse": "_ - _", "window_ms": 30000, "slide_ms": 1000}`.
pub fn reduce_incremental(
    prev: Option<&Rdd>,
    old: &[&PairRdd],
    new: &[&PairRdd],
    f: &Func,
    inverse: &Func,
    filter: Option<&Func>,
    partitions: usize,
) -> Result<Rdd, OpError> {
    let n = partitions.max(1);
    let mut slots: Vec<KeyMap<Slot>> = (0..n).map(|_| KeyMap::default()).collect();
    if let Some(prev) = prev {
        for r in prev.iter() {
            let (k, _) = pair(r)?;
            slots[k.partition_of(n)].entry(k.clone()).or_default().prev = Some(r.clone());
        }
    }
    fold_in(&mut slots, old, f, |s| &mut s.old)?;
    fold_in(&mut slots, new, f, |s| &mut s.new)?;
    let mut parts = Vec::with_capacity(n);
    for m in slots {
        let mut out = Vec::with_capacity(m.len());
        for (k, slot) in m {
            let record = match (slot.prev, slot.old, slot.new) {
                (None, _, None) => {
                    return Err(OpError::on(std::slice::from_ref(&k), NEITHER_MESSAGE));
                }
                (None, _, Some(nv)) => Value::pair(k, nv),
                (Some(rec), None, None) => rec,
                (Some(rec), old, new) => {
                    let mut v = pair(&rec)?.1.clone();
                    if let Some(o) = old {
                        v = call(inverse, &[v, o])?;
                    }
                    if let Some(nv) = new {
                        v = call(f, &[v, nv])?;
                    }
                    Value::pair(k, v)
                }
            };
            if let Some(filter) = filter {
                let args = std::slice::from_ref(&record);
                if !truth(&call(filter, args)?, args)? {
                    continue;
                }
            }
            out.push(record);
        }
        parts.push(out);
    }
    Ok(Rdd::hashed(parts))
}

/// `_._2` of every pair (the scalar windows keep their value under the key `1`).
pub fn values_only(rdd: &Rdd) -> Result<Rdd, OpError> {
    let mut parts = Vec::with_capacity(rdd.parts.len());
    for p in &rdd.parts {
        let mut out = Vec::with_capacity(p.len());
        for r in p {
            out.push(pair(r)?.1.clone());
        }
        parts.push(out);
    }
    Ok(Rdd::new(parts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Type;

    #[test]
    fn window_times_follow_spark() {
        // B = 1 s, window 4 s, slide 2 s: at t = 4000 covers 1000..=4000.
        assert_eq!(covered(4000, 4000, 1000), [1000, 2000, 3000, 4000]);
        assert_eq!(covered(2000, 4000, 1000), [1000, 2000]);
        assert_eq!(entering(6000, 2000, 1000), [5000, 6000]);
        assert_eq!(leaving(6000, 4000, 2000, 1000), [1000, 2000]);
        assert!(leaving(4000, 4000, 2000, 1000).is_empty());
        // B = 500 ms, slide 1500 ms.
        assert_eq!(entering(3000, 1500, 500), [2000, 2500, 3000]);
    }

    fn kv(k: &str, v: i64) -> Value {
        Value::pair(Value::str(k), Value::Int(v))
    }
    fn arith(sub: bool) -> Func {
        Func::builtin(
            if sub { "_ - _" } else { "_ + _" },
            vec![Type::Int, Type::Int],
        )
    }

    #[test]
    fn incremental_keeps_zero_keys_and_reports_spark_error() {
        let prev = Rdd::parallelize(vec![kv("a", 2), kv("b", 1)], 2);
        let pairs = |v: Vec<(&str, i64)>| PairRdd {
            parts: vec![v
                .into_iter()
                .map(|(k, n)| (Value::str(k), Value::Int(n)))
                .collect()],
        };
        let old = pairs(vec![("b", 1), ("a", 1)]);
        let new = pairs(vec![("c", 5)]);
        let out = reduce_incremental(
            Some(&prev),
            &[&old],
            &[&new],
            &arith(false),
            &arith(true),
            None,
            2,
        )
        .unwrap();
        let mut got = out.collect();
        got.sort();
        assert_eq!(got, vec![kv("a", 1), kv("b", 0), kv("c", 5)]);
        let err = reduce_incremental(None, &[&old], &[], &arith(false), &arith(true), None, 2)
            .unwrap_err();
        assert_eq!(err.message, NEITHER_MESSAGE);
    }
}

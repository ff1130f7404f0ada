//! `mapWithState` {fn, timeout_ms?}: Spark's `StateSpec.function((key, value, state) => …)`
//! in a functional form, since the lambda language has no mutable `State` object:
//! `fn(key, value: Option[V], state: Option[S]) => (mapped, newState: Option[S])`.
//! `state.exists`/`get` are the `Option`; `state.update(s)` is returning `Some(s)`,
//! `state.remove()` returning `None`. Every record calls `fn` once with `Some(value)`, in
//! arrival order per key, and emits `mapped`.
//!
//! Timeouts as Spark runs them (`MapWithStateRDD`): a key not updated for `timeout_ms` is
//! timed out only in a *full scan*, which Spark does in the batches where it checkpoints the
//! state (every 10 slide intervals by default); `fn` is then called with value `None` (the
//! only time it is `None`, Spark's `state.isTimingOut`), its `mapped` is emitted after the
//! batch's data, and the key is removed whatever state it returns (Spark refuses updating a
//! timing-out state).

use crate::rdd::{call, pair, Func, KeyMap, OpError, Rdd};
use crate::value::Value;

/// Spark's `DEFAULT_CHECKPOINT_DURATION_MULTIPLIER` for mapWithState's state stream.
pub const FULL_SCAN_EVERY_SLIDES: u64 = 10;

/// The mapped records of this batch and the new state (records `(key, state, updated_ms)`).
pub fn map_with_state(
    prev: Option<&Rdd>,
    batch: &Rdd,
    f: &Func,
    time_ms: u64,
    timeout_ms: Option<u64>,
    full_scan: bool,
    partitions: usize,
) -> Result<(Rdd, Rdd), OpError> {
    let n = partitions.max(1);
    let mut states: Vec<KeyMap<(Value, i64)>> = (0..n).map(|_| KeyMap::default()).collect();
    if let Some(prev) = prev {
        for r in prev.iter() {
            match r {
                Value::Tuple(items) if items.len() == 3 => {
                    let updated = match &items[2] {
                        Value::Int(t) => *t,
                        _ => 0,
                    };
                    states[items[0].partition_of(n)]
                        .insert(items[0].clone(), (items[1].clone(), updated));
                }
                other => {
                    return Err(OpError::on(
                        std::slice::from_ref(other),
                        "mapWithState's saved state is not (key, state, time)",
                    ))
                }
            }
        }
    }
    let mut data: Vec<Vec<(&Value, &Value)>> = vec![Vec::new(); n];
    for r in batch.iter() {
        let (k, v) = pair(r)?;
        data[k.partition_of(n)].push((k, v));
    }
    let now = time_ms as i64;
    let mut mapped = Vec::with_capacity(n);
    for (p, records) in data.into_iter().enumerate() {
        let map = &mut states[p];
        let mut out = Vec::with_capacity(records.len());
        for (k, v) in records {
            let state = match map.get(k) {
                Some((s, _)) => Value::some(s.clone()),
                None => Value::none(),
            };
            let args = [k.clone(), Value::some(v.clone()), state];
            let (m, new_state) = split(call(f, &args)?, &args)?;
            out.push(m);
            match new_state {
                Some(s) => {
                    map.insert(k.clone(), (s, now));
                }
                None => {
                    map.shift_remove(k);
                }
            }
        }
        if let (true, Some(timeout)) = (full_scan, timeout_ms) {
            let threshold = now - timeout as i64;
            let timing_out: Vec<Value> = map
                .iter()
                .filter(|(_, (_, updated))| *updated < threshold)
                .map(|(k, _)| k.clone())
                .collect();
            for k in timing_out {
                if let Some((s, _)) = map.shift_remove(&k) {
                    let args = [k, Value::none(), Value::some(s)];
                    let (m, _) = split(call(f, &args)?, &args)?;
                    out.push(m);
                }
            }
        }
        mapped.push(out);
    }
    let state_parts = states
        .into_iter()
        .map(|m| {
            m.into_iter()
                .map(|(k, (s, t))| Value::tuple(vec![k, s, Value::Int(t)]))
                .collect()
        })
        .collect();
    Ok((Rdd::hashed(mapped), Rdd::hashed(state_parts)))
}

/// `(mapped, Some(s) | None)` from the function's result.
fn split(r: Value, args: &[Value]) -> Result<(Value, Option<Value>), OpError> {
    match &r {
        Value::Tuple(items) if items.len() == 2 => match &items[1] {
            Value::Opt(s) => Ok((items[0].clone(), s.as_deref().cloned())),
            other => Err(OpError::on(
                args,
                format!("the mapping function must return (mapped, Option[state]); its state part is {other}"),
            )),
        },
        other => Err(OpError::on(
            args,
            format!("the mapping function must return (mapped, Option[state]), got {other}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdd::func;

    fn kv(k: &str, v: i64) -> Value {
        Value::pair(Value::str(k), Value::Int(v))
    }

    /// `(k, v, s) => ((k, v.getOrElse(0) + s.getOrElse(0)), Some(v.getOrElse(0) + s.getOrElse(0)))`
    fn running_sum() -> Func {
        func(|a| {
            let n = |x: &Value| match x {
                Value::Opt(Some(b)) => match **b {
                    Value::Int(i) => i,
                    _ => 0,
                },
                _ => 0,
            };
            let sum = n(&a[1]) + n(&a[2]);
            Ok(Value::pair(
                Value::pair(a[0].clone(), Value::Int(sum)),
                Value::some(Value::Int(sum)),
            ))
        })
    }

    #[test]
    fn every_record_maps_with_the_state_so_far_and_idle_keys_time_out_in_a_full_scan() {
        let f = running_sum();
        let b1 = Rdd::parallelize(vec![kv("a", 1), kv("b", 2), kv("a", 3)], 2);
        let (m1, s1) = map_with_state(None, &b1, &f, 1000, Some(2000), false, 2).unwrap();
        let mut got = m1.collect();
        got.sort();
        // a maps twice: 1 then 1 + 3.
        let pair = |k: &str, v: i64| Value::pair(Value::str(k), Value::Int(v));
        assert_eq!(got, vec![pair("a", 1), pair("a", 4), pair("b", 2)]);
        assert_eq!(s1.count(), 2);
        // b idle since 1000; at 4000 the threshold is 2000: b times out (value None), a stays.
        let b2 = Rdd::parallelize(vec![kv("a", 1)], 2);
        let (m2, s2) = map_with_state(Some(&s1), &b2, &f, 2000, Some(2000), false, 2).unwrap();
        assert_eq!(m2.collect(), vec![pair("a", 5)]);
        let empty = Rdd::parallelize(vec![], 2);
        let (m3, s3) = map_with_state(Some(&s2), &empty, &f, 3000, Some(2000), false, 2).unwrap();
        assert_eq!(m3.count(), 0, "no full scan: nothing times out");
        assert_eq!(s3.count(), 2);
        let (m4, s4) = map_with_state(Some(&s3), &empty, &f, 4000, Some(2000), true, 2).unwrap();
        assert_eq!(
            m4.collect(),
            vec![pair("b", 2)],
            "b timed out with its last state"
        );
        assert_eq!(s4.count(), 1);
        let (_, s5) = map_with_state(Some(&s4), &empty, &f, 5000, Some(2000), true, 2).unwrap();
        assert_eq!(s5.count(), 0, "a (updated at 2000) times out at 5000");
    }
}

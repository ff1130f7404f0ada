//! `mapWithState` {fn, timeout_ms?}: Spark's `StateSpec.function((key, value, state) => …)`
//! with Spark's own mapping function, `(key, value: Option[V], state: State[S]) => mapped`
//! (the lambda language's `State[S]`, [`crate::lambda::compile_with_state`]). Each record
//! calls it once with `Some(value)`, in arrival order per key, and emits `mapped`; after the
//! call, as Spark's `MapWithStateRDDRecord` does, a removed state is dropped, an updated one
//! saved with the batch time, and (with a timeout) an existing one saved again with the batch
//! time, so a key with data never times out.
//!
//! Timeouts as Spark runs them (`MapWithStateRDD`): a key not saved for `timeout_ms` is timed
//! out only in a *full scan*, which Spark does in the batches where it checkpoints the state
//! (every 10 slide intervals by default); the function is then called with value `None` and
//! `state.isTimingOut` true (the only time the value is `None`), its `mapped` is emitted after
//! the batch's data, and the key is removed (Spark refuses to update or remove a timing-out
//! state: the call fails).
//!
//! The plan holds the compiled function itself (a [`Lambda`] with a `State`), and each call
//! gets a fresh [`StateImpl`] holding the key's state, which says afterwards whether the
//! function updated or removed it.

use crate::lambda::{Lambda, StateImpl};
use crate::rdd::{pair, KeyMap, OpError, Rdd};
use crate::report::{Change, StateChanges};
use crate::value::Value;

/// Spark's `DEFAULT_CHECKPOINT_DURATION_MULTIPLIER` for mapWithState's state stream.
pub const FULL_SCAN_EVERY_SLIDES: u64 = 10;

fn opt(v: Option<Value>) -> Value {
    v.map_or_else(Value::none, Value::some)
}

/// What one call did: the mapped record, the state after it, updated, removed.
struct Called {
    mapped: Value,
    state: Option<Value>,
    updated: bool,
    removed: bool,
}

/// Calls `f` for `key` (value `None` when timing out); a failure names `record`.
fn call_fn(
    f: &Lambda,
    key: &Value,
    value: Option<&Value>,
    state: Option<Value>,
    timing_out: bool,
    record: &Value,
) -> Result<Called, OpError> {
    let mut st = match (timing_out, state) {
        (true, Some(s)) => StateImpl::timing_out(s),
        (_, s) => StateImpl::wrap(s),
    };
    let named = |message: String| OpError::on(std::slice::from_ref(record), message);
    let mapped = f
        .call_with_state(&[key.clone(), opt(value.cloned())], &mut st)
        .map_err(|e| {
            if timing_out {
                named(format!("{} (while the key was timing out)", e.message))
            } else {
                named(e.message)
            }
        })?;
    Ok(Called {
        mapped,
        state: st.get_option(),
        updated: st.is_updated(),
        removed: st.is_removed(),
    })
}

/// What [`map_with_state`] computed for one batch.
pub struct Mapped {
    /// The mapped records: in each partition the batch's records' in their order, then the
    /// timed-out keys' ([`pair_up`] relies on it).
    pub mapped: Rdd,
    /// The new state, records `(key, state, updated_ms)`.
    pub state: Rdd,
    /// What the batch changed: a key is added, updated (`state.update`), removed
    /// (`state.remove()`) or timed out, by its state before the batch and after it.
    pub changes: StateChanges,
}

/// A key's state before the batch, and whether a call of this batch updated it.
type Touched = KeyMap<(Option<Value>, bool)>;

/// The mapped records of this batch, the new state and what changed in it (`sample`: how
/// many changed keys and state records the changes keep).
#[allow(clippy::too_many_arguments)]
pub fn map_with_state(
    prev: Option<&Rdd>,
    batch: &Rdd,
    f: &Lambda,
    time_ms: u64,
    timeout_ms: Option<u64>,
    full_scan: bool,
    partitions: usize,
    sample: usize,
) -> Result<Mapped, OpError> {
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
    let mut changes = StateChanges {
        keys_before: prev.map_or(0, Rdd::count),
        before: sample_of(&states, sample),
        ..StateChanges::default()
    };
    let data = by_partition(batch, n)?;
    let now = time_ms as i64;
    let mut mapped = Vec::with_capacity(n);
    for (p, records) in data.into_iter().enumerate() {
        let map = &mut states[p];
        let mut touched = Touched::default();
        let mut out = Vec::with_capacity(records.len());
        for r in records {
            let (k, v) = pair(r)?;
            let before = map.get(k).map(|(s, _)| s.clone());
            let c = call_fn(f, k, Some(v), before.clone(), false, r)?;
            let seen = touched.entry(k.clone()).or_insert((before, false));
            seen.1 |= c.updated && !c.removed;
            out.push(c.mapped);
            match c.state {
                _ if c.removed => {
                    map.shift_remove(k);
                }
                Some(s) if c.updated || timeout_ms.is_some() => {
                    map.insert(k.clone(), (s, now));
                }
                _ => {}
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
                    let record = Value::pair(k.clone(), s.clone());
                    let c = call_fn(f, &k, None, Some(s.clone()), true, &record)?;
                    out.push(c.mapped);
                    // A key touched by a record this batch was saved then: it never times out.
                    changes.note(&k, Some(&s), None, Change::TimedOut, sample);
                }
            }
        }
        for (k, (before, updated)) in touched {
            let after = map.get(&k).map(|(s, _)| s);
            let change = match (&before, after) {
                (None, Some(_)) => Change::Added,
                (Some(_), None) => Change::Removed,
                (Some(_), Some(_)) if updated => Change::Updated,
                _ => continue,
            };
            changes.note(&k, before.as_ref(), after, change, sample);
        }
        mapped.push(out);
    }
    changes.after = sample_of(&states, sample);
    let state_parts: Vec<Vec<Value>> = states
        .into_iter()
        .map(|m| {
            m.into_iter()
                .map(|(k, (s, t))| Value::tuple(vec![k, s, Value::Int(t)]))
                .collect()
        })
        .collect();
    let state = Rdd::hashed(state_parts);
    changes.keys_after = state.count();
    Ok(Mapped {
        mapped: Rdd::hashed(mapped),
        state,
        changes,
    })
}

/// The first `n` `(key, state)` records of the state, in partition order.
fn sample_of(states: &[KeyMap<(Value, i64)>], n: usize) -> Vec<Value> {
    states
        .iter()
        .flat_map(|m| m.iter())
        .take(n)
        .map(|(k, (s, _))| Value::pair(k.clone(), s.clone()))
        .collect()
}

/// The batch's pairs by hash partition, in arrival order.
fn by_partition(batch: &Rdd, n: usize) -> Result<Vec<Vec<&Value>>, OpError> {
    let mut data: Vec<Vec<&Value>> = vec![Vec::new(); n];
    for r in batch.iter() {
        let (k, _) = pair(r)?;
        data[k.partition_of(n)].push(r);
    }
    Ok(data)
}

/// Which mapped record each input record produced: `(input, mapped)` pairs for the batch's
/// records, and the mapped records of keys that timed out (they come from the state, not
/// from this batch). For lineage.
pub fn pair_up(batch: &Rdd, mapped: &Rdd, partitions: usize) -> (Vec<(Value, Value)>, Vec<Value>) {
    let n = partitions.max(1);
    let Ok(data) = by_partition(batch, n) else {
        return (Vec::new(), Vec::new());
    };
    let mut pairs = Vec::new();
    let mut timed_out = Vec::new();
    for (inputs, outs) in data.iter().zip(&mapped.parts) {
        pairs.extend(
            inputs
                .iter()
                .zip(outs)
                .map(|(i, o)| ((*i).clone(), o.clone())),
        );
        timed_out.extend(outs.iter().skip(inputs.len()).cloned());
    }
    (pairs, timed_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::{compile_with_state, Signature};
    use crate::types::Type;

    fn kv(k: &str, v: i64) -> Value {
        Value::pair(Value::str(k), Value::Int(v))
    }

    /// Spark's running sum; a timing-out key maps to its last sum.
    fn running_sum() -> Lambda {
        let sig = Signature {
            params: vec![Type::String, Type::option(Type::Int)],
            result: Type::Unknown,
        };
        let src = "(k, v, s) => { val sum = v.getOrElse(0) + s.getOption.getOrElse(0); \
                   if (!s.isTimingOut) s.update(sum); (k, sum) }";
        compile_with_state("mapWithState", src, &sig).expect("compiles")
    }

    #[test]
    fn every_record_maps_with_the_state_so_far_and_idle_keys_time_out_in_a_full_scan() {
        let f = running_sum();
        let b1 = Rdd::parallelize(vec![kv("a", 1), kv("b", 2), kv("a", 3)], 2);
        let run = |prev: Option<&Rdd>, b: &Rdd, t: u64, scan: bool| {
            let m = map_with_state(prev, b, &f, t, Some(2000), scan, 2, 10).unwrap();
            (m.mapped, m.state, m.changes)
        };
        let (m1, s1, c1) = run(None, &b1, 1000, false);
        assert_eq!((c1.added, c1.updated, c1.keys_after), (2, 0, 2));
        let mut got = m1.collect();
        got.sort();
        // a maps twice: 1 then 1 + 3.
        let pair = |k: &str, v: i64| Value::pair(Value::str(k), Value::Int(v));
        assert_eq!(got, vec![pair("a", 1), pair("a", 4), pair("b", 2)]);
        assert_eq!(s1.count(), 2);
        // b idle since 1000; at 4000 the threshold is 2000: b times out (value None), a stays.
        let b2 = Rdd::parallelize(vec![kv("a", 1)], 2);
        let (m2, s2, c2) = run(Some(&s1), &b2, 2000, false);
        assert_eq!(m2.collect(), vec![pair("a", 5)]);
        assert_eq!((c2.added, c2.updated, c2.timed_out), (0, 1, 0));
        assert_eq!(
            (c2.changes[0].before.clone(), c2.changes[0].after.clone()),
            (Some(Value::Int(4)), Some(Value::Int(5)))
        );
        let empty = Rdd::parallelize(vec![], 2);
        let (m3, s3, c3) = run(Some(&s2), &empty, 3000, false);
        assert_eq!(m3.count(), 0, "no full scan: nothing times out");
        assert_eq!(s3.count(), 2);
        assert!(c3.changes.is_empty() && c3.after.len() == 2);
        let (m4, s4, c4) = run(Some(&s3), &empty, 4000, true);
        assert_eq!(
            m4.collect(),
            vec![pair("b", 2)],
            "b timed out with its last state"
        );
        assert_eq!(s4.count(), 1);
        assert_eq!(
            (c4.timed_out, c4.removed, c4.keys_before, c4.keys_after),
            (1, 0, 2, 1)
        );
        assert_eq!(c4.changes[0].change, Change::TimedOut);
        let (_, s5, c5) = run(Some(&s4), &empty, 5000, true);
        assert_eq!(s5.count(), 0, "a (updated at 2000) times out at 5000");
        assert_eq!(c5.timed_out, 1);
    }

    #[test]
    fn each_input_record_pairs_with_the_record_it_mapped_to() {
        let f = running_sum();
        let b1 = Rdd::parallelize(vec![kv("a", 1), kv("b", 2), kv("a", 3)], 2);
        let m = map_with_state(None, &b1, &f, 1000, Some(1000), false, 2, 0).unwrap();
        let (m1, s1) = (m.mapped, m.state);
        let (pairs, timed_out) = pair_up(&b1, &m1, 2);
        let shown: Vec<String> = pairs.iter().map(|(i, o)| format!("{i}->{o}")).collect();
        for want in ["(a,1)->(a,1)", "(a,3)->(a,4)", "(b,2)->(b,2)"] {
            assert!(shown.contains(&want.to_string()), "{shown:?}");
        }
        assert!(timed_out.is_empty());
        let b2 = Rdd::parallelize(vec![kv("b", 5)], 2);
        let m2 = map_with_state(Some(&s1), &b2, &f, 3000, Some(1000), true, 2, 0)
            .unwrap()
            .mapped;
        let (pairs, timed_out) = pair_up(&b2, &m2, 2);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].1.to_string(), "(b,7)");
        assert_eq!(timed_out, vec![Value::pair(Value::str("a"), Value::Int(4))]);
    }
}

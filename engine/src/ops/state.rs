//! Stateful ops: `updateStateByKey` keeps one state value per key across batches.

use crate::rdd::{call, pair, Func, KeyMap, OpError, Rdd};
use crate::report::{Change, StateChanges};
use crate::value::Value;

/// `updateStateByKey(fn)`: for every key in the previous state or in this batch, calls
/// `fn(values, state)` (`values` this batch's values of the key as one list, empty if none;
/// `state` the previous `Some(s)` or `None`); `Some(s)` is the new state, `None` drops the key.
/// E.g. `(values, state) => Some(values.sum + state.getOrElse(0))`.
///
/// Returns the new state and what the batch changed in it (`sample` keys and records kept):
/// a key is added, removed (`None`), or updated when the function returned another value.
pub fn update_state_by_key(
    prev: Option<&Rdd>,
    batch: &Rdd,
    f: &Func,
    partitions: usize,
    sample: usize,
) -> Result<(Rdd, StateChanges), OpError> {
    let n = partitions.max(1);
    let mut parts: Vec<KeyMap<(Vec<Value>, Option<Value>)>> =
        (0..n).map(|_| KeyMap::default()).collect();
    for r in batch.iter() {
        let (k, v) = pair(r)?;
        parts[k.partition_of(n)]
            .entry(k.clone())
            .or_default()
            .0
            .push(v.clone());
    }
    if let Some(prev) = prev {
        for r in prev.iter() {
            let (k, s) = pair(r)?;
            parts[k.partition_of(n)].entry(k.clone()).or_default().1 = Some(s.clone());
        }
    }
    let mut changes = StateChanges {
        keys_before: prev.map_or(0, Rdd::count),
        before: prev.map_or_else(Vec::new, |p| p.iter().take(sample).cloned().collect()),
        ..StateChanges::default()
    };
    let mut out_parts = Vec::with_capacity(n);
    for m in parts {
        let mut out = Vec::with_capacity(m.len());
        for (k, (values, state)) in m {
            let args = [
                Value::list(values),
                match &state {
                    Some(s) => Value::some(s.clone()),
                    None => Value::none(),
                },
            ];
            match call(f, &args)? {
                Value::Opt(Some(s)) => {
                    let after = (*s).clone();
                    match &state {
                        None => changes.note(&k, None, Some(&after), Change::Added, sample),
                        Some(b) if *b != after => {
                            changes.note(&k, Some(b), Some(&after), Change::Updated, sample)
                        }
                        Some(_) => {}
                    }
                    out.push(Value::pair(k, after));
                }
                Value::Opt(None) => {
                    if let Some(b) = &state {
                        changes.note(&k, Some(b), None, Change::Removed, sample);
                    }
                }
                other => {
                    return Err(OpError::on(
                        &args,
                        format!("the update function must return an Option, got {other}"),
                    ))
                }
            }
        }
        out_parts.push(out);
    }
    let rdd = Rdd::hashed(out_parts);
    changes.keys_after = rdd.count();
    changes.after = rdd.iter().take(sample).cloned().collect();
    Ok((rdd, changes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Type;

    fn kv(k: &str, v: i64) -> Value {
        Value::pair(Value::str(k), Value::Int(v))
    }

    /// `(values, state) => if (values.isEmpty) None else Some(values.sum + state.getOrElse(0))`
    fn active() -> Func {
        Func::builtin(
            "(values, state) => if (values.isEmpty) None else Some(values.sum + state.getOrElse(0))",
            vec![Type::list(Type::Int), Type::option(Type::Int)],
        )
    }

    #[test]
    fn state_accumulates_and_none_drops_keys() {
        let b1 = Rdd::parallelize(vec![kv("a", 1), kv("b", 2), kv("a", 3)], 2);
        let (s1, c1) = update_state_by_key(None, &b1, &active(), 2, 10).unwrap();
        let mut got = s1.collect();
        got.sort();
        assert_eq!(got, vec![kv("a", 4), kv("b", 2)]);
        assert_eq!((c1.added, c1.updated, c1.removed), (2, 0, 0));
        assert_eq!((c1.keys_before, c1.keys_after), (0, 2));
        let b2 = Rdd::parallelize(vec![kv("a", 1)], 2);
        let (s2, c2) = update_state_by_key(Some(&s1), &b2, &active(), 2, 10).unwrap();
        assert_eq!(s2.collect(), vec![kv("a", 5)]);
        // a's state went from 4 to 5; b had no values, so `active` dropped it.
        assert_eq!((c2.added, c2.updated, c2.removed), (0, 1, 1));
        let a = c2
            .changes
            .iter()
            .find(|c| c.key == Value::str("a"))
            .unwrap();
        assert_eq!(
            (a.change, a.before.clone(), a.after.clone()),
            (Change::Updated, Some(Value::Int(4)), Some(Value::Int(5)))
        );
        assert_eq!(c2.before.len(), 2);
        assert_eq!(c2.after, vec![kv("a", 5)]);
    }

    #[test]
    fn a_key_whose_state_is_returned_unchanged_is_not_counted() {
        let keep = Func::builtin(
            "(values, state) => Some(state.getOrElse(0))",
            vec![Type::list(Type::Int), Type::option(Type::Int)],
        );
        let b1 = Rdd::parallelize(vec![kv("a", 1)], 1);
        let (s1, _) = update_state_by_key(None, &b1, &keep, 1, 10).unwrap();
        let (_, c2) = update_state_by_key(Some(&s1), &b1, &keep, 1, 0).unwrap();
        assert_eq!(
            (c2.added, c2.updated, c2.removed, c2.keys_after),
            (0, 0, 0, 1)
        );
        assert!(
            c2.changes.is_empty() && c2.after.is_empty(),
            "sample 0 keeps none"
        );
    }
}

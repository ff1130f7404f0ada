//! Stateful ops: `updateStateByKey` keeps one state value per key across batches.

use crate::rdd::{call, pair, Func, KeyMap, OpError, Rdd};
use crate::value::Value;

/// `updateStateByKey(fn)`: for every key in the previous state or in this batch, calls
/// `fn(values, state)` (`values` this batch's values of the key as one list, empty if none;
/// `state` the previous `Some(s)` or `None`); `Some(s)` is the new state, `None` drops the key.
/// E.g. `(values, state) => Some(values.sum + state.getOrElse(0))`.
pub fn update_state_by_key(
    prev: Option<&Rdd>,
    batch: &Rdd,
    f: &Func,
    partitions: usize,
) -> Result<Rdd, OpError> {
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
    let mut out_parts = Vec::with_capacity(n);
    for m in parts {
        let mut out = Vec::with_capacity(m.len());
        for (k, (values, state)) in m {
            let args = [
                Value::list(values),
                match state {
                    Some(s) => Value::some(s),
                    None => Value::none(),
                },
            ];
            match call(f, &args)? {
                Value::Opt(Some(s)) => out.push(Value::pair(k, (*s).clone())),
                Value::Opt(None) => {}
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
    Ok(Rdd::hashed(out_parts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::EvalError;
    use crate::rdd::func;

    fn kv(k: &str, v: i64) -> Value {
        Value::pair(Value::str(k), Value::Int(v))
    }

    /// `(values, state) => if (values.isEmpty) None else Some(values.sum + state.getOrElse(0))`
    fn active() -> Func {
        func(|a| match (&a[0], &a[1]) {
            (Value::List(vs), st) => {
                if vs.is_empty() {
                    return Ok(Value::none());
                }
                let mut sum: i64 = vs
                    .iter()
                    .map(|v| if let Value::Int(i) = v { *i } else { 0 })
                    .sum();
                if let Value::Opt(Some(s)) = st {
                    if let Value::Int(i) = **s {
                        sum += i;
                    }
                }
                Ok(Value::some(Value::Int(sum)))
            }
            _ => Err(EvalError {
                message: "bad".into(),
            }),
        })
    }

    #[test]
    fn state_accumulates_and_none_drops_keys() {
        let b1 = Rdd::parallelize(vec![kv("a", 1), kv("b", 2), kv("a", 3)], 2);
        let s1 = update_state_by_key(None, &b1, &active(), 2).unwrap();
        let mut got = s1.collect();
        got.sort();
        assert_eq!(got, vec![kv("a", 4), kv("b", 2)]);
        let b2 = Rdd::parallelize(vec![kv("a", 1)], 2);
        let s2 = update_state_by_key(Some(&s1), &b2, &active(), 2).unwrap();
        assert_eq!(s2.collect(), vec![kv("a", 5)]);
    }
}

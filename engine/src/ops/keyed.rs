//! Per-batch ops that shuffle by key with Spark's `HashPartitioner`: `reduceByKey`,
//! `groupByKey`, `countByValue`, and the list-concatenating combine `groupByKeyAndWindow` uses.

use indexmap::map::Entry;

use crate::rdd::{call, pair, Func, KeyMap, OpError, Rdd};
use crate::value::Value;

/// How a record becomes a `(key, value)` before a keyed op: as it is (a pair), or one of the
/// built-in pairings Spark's derived ops use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keying {
    /// The record is a `(key, value)` pair.
    Pair,
    /// `x => (x, 1)` (countByValue).
    ValueOne,
    /// `x => (1, x)` (reduceByWindow).
    OneValue,
    /// `x => (1, 1)` (countByWindow).
    OneOne,
}

impl Keying {
    #[inline]
    pub fn split(self, r: &Value) -> Result<(Value, Value), OpError> {
        Ok(match self {
            Keying::Pair => {
                let (k, v) = pair(r)?;
                (k.clone(), v.clone())
            }
            Keying::ValueOne => (r.clone(), Value::Int(1)),
            Keying::OneValue => (Value::Int(1), r.clone()),
            Keying::OneOne => (Value::Int(1), Value::Int(1)),
        })
    }
}

fn maps<V>(n: usize) -> Vec<KeyMap<V>> {
    (0..n.max(1)).map(|_| KeyMap::default()).collect()
}

/// Folds values per key with `f` into `partitions` hash partitions.
pub fn reduce_by_key_iter<'a>(
    records: impl Iterator<Item = &'a Value>,
    keying: Keying,
    partitions: usize,
    f: &Func,
) -> Result<Rdd, OpError> {
    let mut parts = maps::<Value>(partitions);
    let n = parts.len();
    for r in records {
        let (k, v) = keying.split(r)?;
        let p = if n == 1 { 0 } else { k.partition_of(n) };
        match parts[p].entry(k) {
            Entry::Occupied(mut e) => {
                let acc = e.get_mut();
                *acc = call(f, &[acc.clone(), v])?;
            }
            Entry::Vacant(e) => {
                e.insert(v);
            }
        }
    }
    Ok(Rdd::hashed(
        parts
            .into_iter()
            .map(|m| m.into_iter().map(|(k, v)| Value::pair(k, v)).collect())
            .collect(),
    ))
}

/// `reduceByKey(f)`: one `(key, value)` per key, values folded with `f`, e.g. `_ + _`.
pub fn reduce_by_key(rdd: &Rdd, partitions: usize, f: &Func) -> Result<Rdd, OpError> {
    reduce_by_key_iter(rdd.iter(), Keying::Pair, partitions, f)
}

/// `countByValue`: `(value, count)` per distinct record (`map((_, 1)).reduceByKey(_ + _)`).
pub fn count_by_value(rdd: &Rdd, partitions: usize) -> Rdd {
    let mut parts = maps::<i64>(partitions);
    let n = parts.len();
    for r in rdd.iter() {
        *parts[r.partition_of(n)].entry(r.clone()).or_insert(0) += 1;
    }
    Rdd::hashed(
        parts
            .into_iter()
            .map(|m| {
                m.into_iter()
                    .map(|(k, c)| Value::pair(k, Value::Int(c)))
                    .collect()
            })
            .collect(),
    )
}

/// `groupByKey`: `(key, List[value])` per key, values in arrival order.
pub fn group_by_key(rdd: &Rdd, partitions: usize) -> Result<Rdd, OpError> {
    group_iter(rdd.iter(), partitions, |v, out| {
        out.push(v.clone());
        Ok(())
    })
}

/// Concatenates the lists of `(key, List[value])` records per key (the combine step of
/// `groupByKeyAndWindow`).
pub fn concat_groups<'a>(
    records: impl Iterator<Item = &'a Value>,
    partitions: usize,
) -> Result<Rdd, OpError> {
    group_iter(records, partitions, |v, out| match v {
        Value::List(items) => {
            out.extend(items.iter().cloned());
            Ok(())
        }
        other => Err(OpError::on(
            std::slice::from_ref(other),
            "expected a List of grouped values",
        )),
    })
}

fn group_iter<'a>(
    records: impl Iterator<Item = &'a Value>,
    partitions: usize,
    mut add: impl FnMut(&Value, &mut Vec<Value>) -> Result<(), OpError>,
) -> Result<Rdd, OpError> {
    let mut parts = maps::<Vec<Value>>(partitions);
    let n = parts.len();
    for r in records {
        let (k, v) = pair(r)?;
        add(v, parts[k.partition_of(n)].entry(k.clone()).or_default())?;
    }
    Ok(Rdd::hashed(
        parts
            .into_iter()
            .map(|m| {
                m.into_iter()
                    .map(|(k, vs)| Value::pair(k, Value::list(vs)))
                    .collect()
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdd::func;

    fn kv(k: &str, v: i64) -> Value {
        Value::pair(Value::str(k), Value::Int(v))
    }

    fn add() -> Func {
        func(|a| match (&a[0], &a[1]) {
            (Value::Int(x), Value::Int(y)) => Ok(Value::Int(x.wrapping_add(*y))),
            _ => unreachable!(),
        })
    }

    #[test]
    fn reduce_by_key_sums_per_key_in_hash_partitions() {
        let rdd = Rdd::parallelize(vec![kv("a", 1), kv("b", 2), kv("a", 3)], 2);
        let out = reduce_by_key(&rdd, 2, &add()).unwrap();
        let a = Value::str("a");
        assert!(out.parts[a.partition_of(2)].contains(&kv("a", 4)));
        assert_eq!(out.count(), 2);
    }

    #[test]
    fn group_by_key_keeps_every_value() {
        let rdd = Rdd::parallelize(vec![kv("a", 1), kv("b", 2), kv("a", 3)], 2);
        let mut out = group_by_key(&rdd, 2).unwrap().collect();
        out.sort();
        assert_eq!(
            out,
            vec![
                Value::pair(
                    Value::str("a"),
                    Value::list(vec![Value::Int(1), Value::Int(3)])
                ),
                Value::pair(Value::str("b"), Value::list(vec![Value::Int(2)])),
            ]
        );
    }

    #[test]
    fn count_by_value_counts_duplicates() {
        let rdd = Rdd::parallelize(vec![Value::str("x"), Value::str("y"), Value::str("x")], 2);
        let mut out = count_by_value(&rdd, 2).collect();
        out.sort();
        assert_eq!(out, vec![kv("x", 2), kv("y", 1)]);
    }
}

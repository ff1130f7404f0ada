//! Per-batch ops that shuffle by key with Spark's `HashPartitioner`: `reduceByKey`,
//! `groupByKey`, `countByValue`, and the list-concatenating combine `groupByKeyAndWindow` uses.

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

/// Folds values per key with `f` into `partitions` hash partitions. One map serves all
/// partitions, so the JVM hash (for the partition) is computed once per key, not per record.
pub fn reduce_by_key_iter<'a>(
    records: impl Iterator<Item = &'a Value>,
    keying: Keying,
    partitions: usize,
    f: &Func,
) -> Result<Rdd, OpError> {
    let mut map: KeyMap<Value> = KeyMap::default();
    let mut fold = |k: &Value, v: &Value| -> Result<(), OpError> {
        if let Some(acc) = map.get_mut(k) {
            *acc = call(f, &[acc.clone(), v.clone()])?;
        } else {
            map.insert(k.clone(), v.clone());
        }
        Ok(())
    };
    for r in records {
        match keying {
            Keying::Pair => {
                let (k, v) = pair(r)?;
                fold(k, v)?;
            }
            other => {
                let (k, v) = other.split(r)?;
                fold(&k, &v)?;
            }
        }
    }
    Ok(Rdd::hashed(into_partitions(map, partitions, Value::pair)))
}

/// Deals a key map's entries into `partitions` hash partitions (insertion order kept).
pub fn into_partitions<V>(
    map: KeyMap<V>,
    partitions: usize,
    record: impl Fn(Value, V) -> Value,
) -> Vec<Vec<Value>> {
    let n = partitions.max(1);
    let mut parts: Vec<Vec<Value>> = (0..n).map(|_| Vec::new()).collect();
    for (k, v) in map {
        let p = if n == 1 { 0 } else { k.partition_of(n) };
        parts[p].push(record(k, v));
    }
    parts
}

/// `reduceByKey(f)`: one `(key, value)` per key, values folded with `f`, e.g. `_ + _`.
pub fn reduce_by_key(rdd: &Rdd, partitions: usize, f: &Func) -> Result<Rdd, OpError> {
    reduce_by_key_iter(rdd.iter(), Keying::Pair, partitions, f)
}

/// `countByValue`: `(value, count)` per distinct record (`map((_, 1)).reduceByKey(_ + _)`).
pub fn count_by_value(rdd: &Rdd, partitions: usize) -> Rdd {
    let mut map: KeyMap<i64> = KeyMap::default();
    for r in rdd.iter() {
        match map.get_mut(r) {
            Some(c) => *c += 1,
            None => {
                map.insert(r.clone(), 1);
            }
        }
    }
    Rdd::hashed(into_partitions(map, partitions, |k, c| {
        Value::pair(k, Value::Int(c))
    }))
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
    let mut map: KeyMap<Vec<Value>> = KeyMap::default();
    for r in records {
        let (k, v) = pair(r)?;
        match map.get_mut(k) {
            Some(vs) => add(v, vs)?,
            None => {
                let mut vs = Vec::new();
                add(v, &mut vs)?;
                map.insert(k.clone(), vs);
            }
        }
    }
    Ok(Rdd::hashed(into_partitions(map, partitions, |k, vs| {
        Value::pair(k, Value::list(vs))
    })))
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

//! Per-batch ops that shuffle by key with Spark's `HashPartitioner`: `reduceByKey`,
//! `groupByKey`, `countByValue`, and the list-concatenating combine `groupByKeyAndWindow` uses.

use crate::rdd::{call, pair, Func, KeyMap, OpError, PairRdd, Rdd, StrKey};
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
) -> Result<PairRdd, OpError> {
    let mut reducer = Reducer::new(keying, f);
    for r in records {
        reducer.push(r)?;
    }
    Ok(reducer.finish(partitions))
}

/// The map side of `reduceByKey`, fed one record at a time (from an RDD, or straight from a
/// fused chain of narrow ops): per key, the values folded with `f` in arrival order.
pub struct Reducer<'f> {
    map: KeyMap<Value>,
    keying: Keying,
    f: &'f Func,
}

impl<'f> Reducer<'f> {
    pub fn new(keying: Keying, f: &'f Func) -> Reducer<'f> {
        Reducer {
            map: KeyMap::default(),
            keying,
            f,
        }
    }

    /// Folds in one record.
    #[inline]
    pub fn push(&mut self, r: &Value) -> Result<(), OpError> {
        match self.keying {
            Keying::Pair => {
                let (k, v) = pair(r)?;
                fold_into(&mut self.map, k, v, self.f)
            }
            other => {
                let (k, v) = other.split(r)?;
                fold_into(&mut self.map, &k, &v, self.f)
            }
        }
    }

    /// Folds in one record this reducer may consume: a pair held nowhere else gives up its
    /// key and value without copying them.
    #[inline]
    pub fn push_owned(&mut self, mut r: Value) -> Result<(), OpError> {
        if let (Keying::Pair, Value::Tuple(items)) = (self.keying, &mut r) {
            if let Some([k, v]) = std::rc::Rc::get_mut(items) {
                let k = std::mem::replace(k, Value::Bool(false));
                let v = std::mem::replace(v, Value::Bool(false));
                return fold_owned(&mut self.map, k, v, self.f);
            }
        }
        self.push(&r)
    }

    /// Folds in the pair `(k, v)`, as [`Reducer::push_owned`] would fold the tuple.
    #[inline]
    pub fn push_pair(&mut self, k: Value, v: Value) -> Result<(), OpError> {
        match self.keying {
            Keying::Pair => fold_owned(&mut self.map, k, v, self.f),
            _ => self.push_owned(Value::pair(k, v)),
        }
    }

    /// Folds in the pair `(k, v)` with a string key, allocating the key only the first time
    /// it is seen.
    #[inline]
    pub fn push_str_pair(&mut self, k: &str, v: &Value) -> Result<(), OpError> {
        match self.keying {
            Keying::Pair => match self.map.get_mut(&StrKey(k)) {
                Some(acc) => {
                    if ints_in_place(acc, v, self.f) {
                        Ok(())
                    } else {
                        combine(acc, v.clone(), self.f)
                    }
                }
                None => {
                    self.map.insert(Value::str(k), v.clone());
                    Ok(())
                }
            },
            _ => self.push_owned(Value::pair(Value::str(k), v.clone())),
        }
    }

    /// Folds in the string record `s`, without building it where the keying does not need
    /// it as a value (`countByValue`'s `(s, 1)`).
    #[inline]
    pub fn push_str(&mut self, s: &str) -> Result<(), OpError> {
        match self.keying {
            Keying::ValueOne => match self.map.get_mut(&StrKey(s)) {
                Some(acc) => combine(acc, Value::Int(1), self.f),
                None => {
                    self.map.insert(Value::str(s), Value::Int(1));
                    Ok(())
                }
            },
            _ => self.push_owned(Value::str(s)),
        }
    }

    /// The folded pairs, dealt into `partitions` hash partitions.
    pub fn finish(self, partitions: usize) -> PairRdd {
        PairRdd::from_map(self.map, partitions)
    }
}

#[inline]
fn fold_owned(map: &mut KeyMap<Value>, k: Value, v: Value, f: &Func) -> Result<(), OpError> {
    match map.get_mut(&k) {
        Some(acc) => combine(acc, v, f),
        None => {
            map.insert(k, v);
            Ok(())
        }
    }
}

/// `acc = f(acc, v)` without calling `f`, when it is `_ + _` or `_ - _` and both are `Int`;
/// false (and `acc` untouched) otherwise.
#[inline]
fn ints_in_place(acc: &mut Value, v: &Value, f: &Func) -> bool {
    if let (Value::Int(a), Value::Int(b)) = (acc, v) {
        if let Some(n) = f.shape.ints(*a, *b) {
            *a = n;
            return true;
        }
    }
    false
}

/// `acc = f(acc, v)`, in place when `f` is `_ + _` or `_ - _` over `Int`.
#[inline]
fn combine(acc: &mut Value, v: Value, f: &Func) -> Result<(), OpError> {
    if ints_in_place(acc, &v, f) {
        return Ok(());
    }
    let a = std::mem::replace(acc, Value::Bool(false));
    *acc = call(f, &[a, v])?;
    Ok(())
}

/// Folds `(key, value)` pairs per key with `f`.
pub fn reduce_pairs<'a>(
    pairs: impl Iterator<Item = (&'a Value, &'a Value)>,
    partitions: usize,
    f: &Func,
) -> Result<PairRdd, OpError> {
    let mut map: KeyMap<Value> = KeyMap::default();
    for (k, v) in pairs {
        fold_into(&mut map, k, v, f)?;
    }
    Ok(PairRdd::from_map(map, partitions))
}

#[inline]
fn fold_into(map: &mut KeyMap<Value>, k: &Value, v: &Value, f: &Func) -> Result<(), OpError> {
    if let Some(acc) = map.get_mut(k) {
        if !ints_in_place(acc, v, f) {
            *acc = call(f, &[acc.clone(), v.clone()])?;
        }
    } else {
        map.insert(k.clone(), v.clone());
    }
    Ok(())
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
    Ok(reduce_by_key_iter(rdd.iter(), Keying::Pair, partitions, f)?.to_rdd())
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
    Ok(group_pairs(rdd, partitions)?.to_rdd())
}

/// [`group_by_key`] as unboxed pairs (what `groupByKeyAndWindow` keeps per batch).
pub fn group_pairs(rdd: &Rdd, partitions: usize) -> Result<PairRdd, OpError> {
    let mut map: KeyMap<Vec<Value>> = KeyMap::default();
    for r in rdd.iter() {
        let (k, v) = pair(r)?;
        match map.get_mut(k) {
            Some(vs) => vs.push(v.clone()),
            None => {
                map.insert(k.clone(), vec![v.clone()]);
            }
        }
    }
    Ok(lists(map, partitions))
}

fn lists(map: KeyMap<Vec<Value>>, partitions: usize) -> PairRdd {
    PairRdd::from_map(
        map.into_iter()
            .map(|(k, vs)| (k, Value::list(vs)))
            .collect(),
        partitions,
    )
}

/// Concatenates the `List` values per key (the combine step of `groupByKeyAndWindow`).
pub fn concat_groups<'a>(
    pairs: impl Iterator<Item = (&'a Value, &'a Value)>,
    partitions: usize,
) -> Result<Rdd, OpError> {
    let mut map: KeyMap<Vec<Value>> = KeyMap::default();
    for (k, v) in pairs {
        let Value::List(items) = v else {
            return Err(OpError::on(
                std::slice::from_ref(v),
                "expected a List of grouped values",
            ));
        };
        match map.get_mut(k) {
            Some(vs) => vs.extend(items.iter().cloned()),
            None => {
                map.insert(k.clone(), items.to_vec());
            }
        }
    }
    Ok(lists(map, partitions).to_rdd())
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

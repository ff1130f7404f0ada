//! Per-batch ops that shuffle by key with Spark's `HashPartitioner`: `reduceByKey`,
//! `groupByKey`, `countByValue`, and the list-concatenating combine `groupByKeyAndWindow` uses.

use crate::lambda::EvalError;
use crate::rdd::{pair, Func, KeyMap, OpError, PairRdd, Rdd};
use crate::slot::{Rec, Slot, SlotKey};
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
        reducer.push(Rec::One(Slot::of(r))).map_err(|e| match e {
            Failed::Pair => OpError::on(std::slice::from_ref(r), NOT_A_PAIR),
            Failed::Fold(args, e) => OpError::on(&args, e.message),
        })?;
    }
    Ok(reducer.finish(partitions))
}

const NOT_A_PAIR: &str = "expected a (key, value) pair";

/// Why a record could not be folded in.
#[derive(Debug)]
pub enum Failed {
    /// A keyed op got a record that is no pair.
    Pair,
    /// `f` failed on these arguments (the accumulator and the value).
    Fold([Value; 2], EvalError),
}

impl From<Failed> for EvalError {
    fn from(f: Failed) -> EvalError {
        match f {
            Failed::Pair => EvalError {
                message: NOT_A_PAIR.into(),
            },
            Failed::Fold(_, e) => e,
        }
    }
}

/// The map side of `reduceByKey`, fed one record at a time (from an RDD, or straight from a
/// fused chain of narrow ops, whose records are borrowed slots): per key, the values folded
/// with `f` in arrival order. A key is looked up by its slot and built as a `Value` only the
/// first time it is seen.
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
    pub fn push(&mut self, r: Rec<'_>) -> Result<(), Failed> {
        match self.keying {
            Keying::Pair => match r.as_pair() {
                Some((k, v)) => self.fold(k, v),
                None => Err(Failed::Pair),
            },
            Keying::ValueOne => r.with_slot(|k| self.fold(k, Slot::Int(1))),
            Keying::OneValue => r.with_slot(|v| self.fold(Slot::Int(1), v)),
            Keying::OneOne => self.fold(Slot::Int(1), Slot::Int(1)),
        }
    }

    #[inline]
    fn fold(&mut self, k: Slot<'_>, v: Slot<'_>) -> Result<(), Failed> {
        match self.map.get_mut(&SlotKey(k)) {
            Some(acc) => match self.f.fold(acc, v) {
                Ok(()) => Ok(()),
                // A failed fold leaves the accumulator as it was.
                Err(e) => Err(Failed::Fold([acc.clone(), v.to_value()], *e)),
            },
            None => {
                self.map.insert(k.to_value(), v.to_value());
                Ok(())
            }
        }
    }

    /// The folded pairs, dealt into `partitions` hash partitions.
    pub fn finish(self, partitions: usize) -> PairRdd {
        PairRdd::from_map(self.map, partitions)
    }
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

/// `map[k] = f(map[k], v)`, or `v` for a new key.
#[inline]
pub(crate) fn fold_into(
    map: &mut KeyMap<Value>,
    k: &Value,
    v: &Value,
    f: &Func,
) -> Result<(), OpError> {
    if let Some(acc) = map.get_mut(k) {
        fold_value(acc, v, f)?;
    } else {
        map.insert(k.clone(), v.clone());
    }
    Ok(())
}

/// `acc = f(acc, v)`, naming both if `f` fails.
#[inline]
pub(crate) fn fold_value(acc: &mut Value, v: &Value, f: &Func) -> Result<(), OpError> {
    match f.fold(acc, Slot::of(v)) {
        Ok(()) => Ok(()),
        // A failed fold leaves the accumulator as it was.
        Err(e) => Err(OpError::on(&[acc.clone(), v.clone()], e.message)),
    }
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
    use crate::types::Type;

    fn kv(k: &str, v: i64) -> Value {
        Value::pair(Value::str(k), Value::Int(v))
    }

    fn add() -> Func {
        Func::builtin("_ + _", vec![Type::Int, Type::Int])
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

//! Per-batch ops that shuffle by key with Spark's `HashPartitioner`: `reduceByKey`,
//! `groupByKey`, `countByValue`, and the list-concatenating combine `groupByKeyAndWindow` uses.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

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
    /// Each key's index in the columns below, by its hash.
    index: HashTable<u32>,
    /// Per key, in first-seen order (so the most frequent keys of a skewed stream sit
    /// together): what a lookup compares first, the key, and its accumulator.
    shorts: Vec<Short>,
    keys: Vec<Value>,
    accs: Vec<Value>,
    keying: Keying,
    f: &'f Func,
}

/// A string key of at most 8 bytes as its bytes and length: two such keys are equal exactly
/// when these are, without reading either's text. Any other key is `Short::NONE`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Short {
    bytes: u64,
    len: u8,
}

impl Short {
    const NONE: Short = Short {
        bytes: 0,
        len: u8::MAX,
    };

    #[inline]
    fn of(k: Slot<'_>) -> Short {
        match k.str() {
            Some(s) if s.len() <= 8 => Short {
                bytes: pack(s.as_bytes()),
                len: s.len() as u8,
            },
            _ => Short::NONE,
        }
    }
}

/// Up to 8 bytes as a `u64` that, for a given length, differs for different bytes: two
/// overlapping reads cover them all, with no copy of a variable length.
#[inline]
fn pack(b: &[u8]) -> u64 {
    let n = b.len();
    let word = |at: usize| match b.get(at..at + 4) {
        Some(w) => u64::from(u32::from_le_bytes([w[0], w[1], w[2], w[3]])),
        None => 0,
    };
    if n >= 4 {
        word(0) | word(n - 4) << 32
    } else if n > 0 {
        u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16
    } else {
        0
    }
}

impl<'f> Reducer<'f> {
    pub fn new(keying: Keying, f: &'f Func) -> Reducer<'f> {
        Reducer {
            index: HashTable::new(),
            shorts: Vec::new(),
            keys: Vec::new(),
            accs: Vec::new(),
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
        let hash = FxBuildHasher.hash_one(SlotKey(k));
        let short = Short::of(k);
        let (shorts, keys) = (&self.shorts, &self.keys);
        let found = self.index.find(hash, |&i| {
            let i = i as usize;
            shorts[i] == short && (short != Short::NONE || k.equals(&keys[i]))
        });
        match found {
            Some(&i) => {
                let acc = &mut self.accs[i as usize];
                match self.f.fold(acc, v) {
                    Ok(()) => Ok(()),
                    // A failed fold leaves the accumulator as it was.
                    Err(e) => Err(Failed::Fold([acc.clone(), v.to_value()], *e)),
                }
            }
            None => {
                let i = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
                self.shorts.push(short);
                self.keys.push(k.to_value());
                self.accs.push(v.to_value());
                let keys = &self.keys;
                self.index
                    .insert_unique(hash, i, |&j| FxBuildHasher.hash_one(&keys[j as usize]));
                Ok(())
            }
        }
    }

    /// The folded pairs, dealt into `partitions` hash partitions, each in first-seen order.
    pub fn finish(self, partitions: usize) -> PairRdd {
        let n = partitions.max(1);
        let mut parts: Vec<Vec<(Value, Value)>> = (0..n).map(|_| Vec::new()).collect();
        for (k, acc) in self.keys.into_iter().zip(self.accs) {
            let p = if n == 1 { 0 } else { k.partition_of(n) };
            parts[p].push((k, acc));
        }
        PairRdd { parts }
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

    /// A key of a random record: text of `a`s and `b`s around the 8-byte inline length (so
    /// keys that differ in one byte, or only in length, meet), an `Int`, or a pair.
    fn key() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        prop_oneof![
            4 => "[ab]{0,10}".prop_map(|s| Value::str(&s)),
            1 => "[a\u{e9}]{1,5}".prop_map(|s| Value::str(&s)),
            1 => (-2i64..3).prop_map(Value::Int),
            1 => "[ab]{0,2}".prop_map(|s| Value::pair(Value::str(&s), Value::Int(1))),
        ]
    }

    proptest::proptest! {
        /// The reducer's table against a list searched with `Value`'s `==`: the same sums, keys
        /// in first-seen order, in the same partitions, whether a key arrives as a borrowed
        /// slot or as a value.
        #[test]
        fn the_reducer_folds_what_a_plain_list_folds(
            records in proptest::collection::vec((key(), -5i64..5, proptest::bool::ANY), 0..300),
        ) {
            let f = add();
            let mut reducer = Reducer::new(Keying::Pair, &f);
            let mut plain: Vec<(Value, i64)> = Vec::new();
            for (k, v, borrowed) in &records {
                let text = match k {
                    Value::Str(s) => Some(s.to_string()),
                    _ => None,
                };
                let ks = match (&text, borrowed) {
                    (Some(t), true) => Slot::Str(t),
                    _ => Slot::of(k),
                };
                let r = reducer.push(Rec::Pair(ks, Slot::Int(*v)));
                proptest::prop_assert!(r.is_ok());
                match plain.iter_mut().find(|(p, _)| p == k) {
                    Some((_, acc)) => *acc += v,
                    None => plain.push((k.clone(), *v)),
                }
            }
            let mut want: Vec<Vec<(Value, Value)>> = vec![Vec::new(); 3];
            for (k, acc) in plain {
                want[k.partition_of(3)].push((k, Value::Int(acc)));
            }
            proptest::prop_assert_eq!(reducer.finish(3).parts, want);
        }
    }

    #[test]
    fn short_keys_are_equal_exactly_when_their_text_is() {
        // Every text of `a`s and `b`s up to 9 bytes, against every other.
        let mut texts = vec![String::new()];
        for len in 1..=9 {
            let prev: Vec<String> = texts
                .iter()
                .filter(|t| t.len() == len - 1)
                .cloned()
                .collect();
            texts.extend(prev.iter().flat_map(|t| [format!("{t}a"), format!("{t}b")]));
        }
        let shorts: Vec<Short> = texts.iter().map(|t| Short::of(Slot::Str(t))).collect();
        for (t, s) in texts.iter().zip(&shorts) {
            assert_eq!(*s == Short::NONE, t.len() > 8, "{t:?}");
            assert!(Short::of(Slot::Val(&Value::str(t))) == *s, "{t:?}");
        }
        for (i, a) in shorts.iter().enumerate() {
            for (j, b) in shorts.iter().enumerate() {
                if *a != Short::NONE {
                    assert_eq!(a == b, i == j, "{:?} vs {:?}", texts[i], texts[j]);
                }
            }
        }
        assert!(Short::of(Slot::Int(97)) == Short::NONE);
    }
}

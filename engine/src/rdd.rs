//! RDDs as the engine holds them: immutable partitions of records, shared by `Rc` between a
//! node's history and its consumers; plus the closure type ops call and their error.

use std::rc::Rc;

use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;

use crate::lambda::{self, Lambda, Signature};
use crate::types::Type;
use crate::value::Value;

/// Partitions used where an op has no `partitions` field (Spark's `local[2]` parallelism).
pub const DEFAULT_PARTITIONS: usize = 2;

/// One RDD: records per partition. `hashed` says the partitions were placed by Spark's
/// `HashPartitioner` (then a union of such RDDs zips partitions, as Spark's
/// `PartitionerAwareUnionRDD` does, instead of concatenating them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rdd {
    pub parts: Vec<Vec<Value>>,
    pub hashed: bool,
}

/// A computed RDD, shared.
pub type RddRef = Rc<Rdd>;

/// An insertion-ordered hash map keyed by records: deterministic iteration on every platform.
pub type KeyMap<V> = IndexMap<Value, V, FxBuildHasher>;

impl Rdd {
    pub fn new(parts: Vec<Vec<Value>>) -> Rdd {
        Rdd {
            parts,
            hashed: false,
        }
    }

    pub fn hashed(parts: Vec<Vec<Value>>) -> Rdd {
        Rdd {
            parts,
            hashed: true,
        }
    }

    /// No records in `n` partitions.
    pub fn empty(n: usize) -> Rdd {
        Rdd::new(vec![Vec::new(); n.max(1)])
    }

    /// `sc.parallelize(records, slices)`: element `i` of `n` goes to the slice `s` with
    /// `s*n/slices <= i < (s+1)*n/slices` (Spark's `ParallelCollectionRDD.slice`).
    pub fn parallelize(records: Vec<Value>, slices: usize) -> Rdd {
        let slices = slices.max(1);
        let n = records.len();
        let mut parts: Vec<Vec<Value>> = Vec::with_capacity(slices);
        let mut it = records.into_iter();
        for s in 0..slices {
            let start = s * n / slices;
            let end = (s + 1) * n / slices;
            parts.push(it.by_ref().take(end - start).collect());
        }
        Rdd::new(parts)
    }

    pub fn count(&self) -> u64 {
        self.parts.iter().map(|p| p.len() as u64).sum()
    }

    pub fn partition_counts(&self) -> Vec<u64> {
        self.parts.iter().map(|p| p.len() as u64).collect()
    }

    /// Records in partition order.
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.parts.iter().flatten()
    }

    pub fn collect(&self) -> Vec<Value> {
        self.iter().cloned().collect()
    }

    /// `rdd.take(n)`: the first `n` records in partition order.
    pub fn take(&self, n: usize) -> Vec<Value> {
        self.iter().take(n).cloned().collect()
    }

    /// `sc.union(rdds)`: hash-partitioned RDDs with the same partition count are zipped
    /// partition by partition; otherwise partitions are concatenated.
    pub fn union(rdds: &[&Rdd]) -> Rdd {
        let Some(first) = rdds.first() else {
            return Rdd::empty(DEFAULT_PARTITIONS);
        };
        let n = first.parts.len();
        if rdds.iter().all(|r| r.hashed && r.parts.len() == n) {
            let mut parts: Vec<Vec<Value>> = vec![Vec::new(); n];
            for r in rdds {
                for (dst, src) in parts.iter_mut().zip(&r.parts) {
                    dst.extend(src.iter().cloned());
                }
            }
            Rdd::hashed(parts)
        } else {
            Rdd::new(rdds.iter().flat_map(|r| r.parts.iter().cloned()).collect())
        }
    }
}

/// `(key, value)` pairs unboxed, in hash partitions: what a window keeps per batch. Holding
/// pairs without a tuple allocation each keeps long windows' history compact.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairRdd {
    pub parts: Vec<Vec<(Value, Value)>>,
}

impl PairRdd {
    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.parts.iter().flatten().map(|(k, v)| (k, v))
    }

    /// As an RDD of pair records.
    pub fn to_rdd(&self) -> Rdd {
        Rdd::hashed(
            self.parts
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|(k, v)| Value::pair(k.clone(), v.clone()))
                        .collect()
                })
                .collect(),
        )
    }

    /// Deals a key map's entries into `partitions` hash partitions (insertion order kept).
    pub fn from_map(map: KeyMap<Value>, partitions: usize) -> PairRdd {
        let n = partitions.max(1);
        let mut parts: Vec<Vec<(Value, Value)>> = (0..n).map(|_| Vec::new()).collect();
        for (k, v) in map {
            let p = if n == 1 { 0 } else { k.partition_of(n) };
            parts[p].push((k, v));
        }
        PairRdd { parts }
    }
}

/// What an op calls: a compiled lambda, shared (an op's own lambda from the pipeline, or one
/// the planner writes for an op Spark derives, such as countByWindow's `_ + _`). Every op runs
/// every lambda through the same compiled code: `call` on values, or the slot forms
/// ([`Lambda::emit`], [`Lambda::each`], [`Lambda::fold`]) on a fused chain's borrowed records.
#[derive(Clone, Debug)]
pub struct Func(Rc<Lambda>);

impl Func {
    pub fn new(l: Lambda) -> Func {
        Func(Rc::new(l))
    }

    /// A lambda the engine writes itself, over `params`: `Func::builtin("_ + _", [Int, Int])`.
    /// Panics if it does not compile (the engine's own sources are fixed).
    pub fn builtin(source: &str, params: Vec<Type>) -> Func {
        let sig = Signature {
            params,
            result: Type::Unknown,
        };
        match lambda::compile(source, &sig) {
            Ok(l) => Func::new(l),
            Err(e) => panic!("the engine's own lambda {source:?} does not compile: {e}"),
        }
    }
}

impl std::ops::Deref for Func {
    type Target = Lambda;
    fn deref(&self) -> &Lambda {
        &self.0
    }
}

/// A run-time failure inside an op: the record (as JSON text) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpError {
    pub record: Option<String>,
    pub message: String,
}

impl OpError {
    pub fn new(message: impl Into<String>) -> OpError {
        OpError {
            record: None,
            message: message.into(),
        }
    }
    /// A failure on a record (or on a lambda's arguments, shown as one JSON array).
    pub fn on(args: &[Value], message: impl Into<String>) -> OpError {
        let json = if args.len() == 1 {
            args[0].to_json()
        } else {
            serde_json::Value::Array(args.iter().map(Value::to_json).collect())
        };
        OpError {
            record: Some(serde_json::to_string(&json).unwrap_or_default()),
            message: message.into(),
        }
    }
}

/// Calls `f`, blaming `args` if it fails.
#[inline]
pub fn call(f: &Func, args: &[Value]) -> Result<Value, OpError> {
    f.call(args).map_err(|e| OpError::on(args, e.message))
}

/// The `(key, value)` of a pair record, or an error naming the record.
#[inline]
pub fn pair(r: &Value) -> Result<(&Value, &Value), OpError> {
    r.as_pair()
        .ok_or_else(|| OpError::on(std::slice::from_ref(r), "expected a (key, value) pair"))
}

/// A `Boolean` result, or an error naming the record.
#[inline]
pub fn truth(v: &Value, args: &[Value]) -> Result<bool, OpError> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(OpError::on(
            args,
            format!("expected a Boolean, got {other}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(r: &[i64]) -> Vec<Value> {
        r.iter().map(|i| Value::Int(*i)).collect()
    }

    #[test]
    fn parallelize_slices_as_spark_does() {
        let r = Rdd::parallelize(ints(&[1, 2, 3, 4, 5]), 2);
        assert_eq!(r.parts, vec![ints(&[1, 2]), ints(&[3, 4, 5])]);
        let r = Rdd::parallelize(ints(&[1]), 2);
        assert_eq!(r.parts, vec![ints(&[]), ints(&[1])]);
        let r = Rdd::parallelize(ints(&[1, 2, 3, 4, 5, 6, 7]), 3);
        assert_eq!(r.partition_counts(), vec![2, 2, 3]);
    }

    #[test]
    fn union_zips_hashed_and_concatenates_others() {
        let a = Rdd::hashed(vec![ints(&[1]), ints(&[2])]);
        let b = Rdd::hashed(vec![ints(&[3]), ints(&[4])]);
        assert_eq!(
            Rdd::union(&[&a, &b]).parts,
            vec![ints(&[1, 3]), ints(&[2, 4])]
        );
        let c = Rdd::new(vec![ints(&[5])]);
        assert_eq!(Rdd::union(&[&a, &c]).partition_counts(), vec![1, 1, 1]);
    }
}

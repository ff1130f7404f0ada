//! Per-record and per-batch ops that need no shuffle by key: `map`, `flatMap`, `filter`,
//! `mapValues`, `flatMapValues`, `count`, `reduce`, `repartition`, `union`.

use crate::rdd::{call, pair, truth, Func, OpError, Rdd};
use crate::value::Value;

fn per_partition(
    rdd: &Rdd,
    mut f: impl FnMut(&Value, &mut Vec<Value>) -> Result<(), OpError>,
) -> Result<Rdd, OpError> {
    let mut parts = Vec::with_capacity(rdd.parts.len());
    for p in &rdd.parts {
        let mut out = Vec::with_capacity(p.len());
        for r in p {
            f(r, &mut out)?;
        }
        parts.push(out);
    }
    Ok(Rdd {
        parts,
        hashed: false,
    })
}

pub(crate) fn elements(v: Value, args: &[Value]) -> Result<Vec<Value>, OpError> {
    match v {
        Value::List(items) | Value::Tuple(items) => Ok(items.to_vec()),
        Value::Opt(None) => Ok(Vec::new()),
        Value::Opt(Some(x)) => Ok(vec![(*x).clone()]),
        other => Err(OpError::on(args, format!("expected a List, got {other}"))),
    }
}

/// `map`: one record out per record in, e.g. `w => (w, 1)`.
pub fn map(rdd: &Rdd, f: &Func) -> Result<Rdd, OpError> {
    per_partition(rdd, |r, out| {
        out.push(call(f, std::slice::from_ref(r))?);
        Ok(())
    })
}

/// `flatMap`: zero or more records per record, e.g. `line => line.split(" ")`.
pub fn flat_map(rdd: &Rdd, f: &Func) -> Result<Rdd, OpError> {
    let mut parts = Vec::with_capacity(rdd.parts.len());
    // Size each partition's output like the previous one's fan-out, to avoid regrowing.
    let mut fan_out = 1.0f64;
    for p in &rdd.parts {
        let mut out = Vec::with_capacity((p.len() as f64 * fan_out) as usize + 16);
        for r in p {
            let args = std::slice::from_ref(r);
            match call(f, args)? {
                // A list only this op holds: move its elements out instead of cloning them.
                Value::List(mut items) => match std::rc::Rc::get_mut(&mut items) {
                    Some(owned) => out.extend(
                        owned
                            .iter_mut()
                            .map(|v| std::mem::replace(v, Value::Bool(false))),
                    ),
                    None => out.extend(items.iter().cloned()),
                },
                other => out.extend(elements(other, args)?),
            }
        }
        if !p.is_empty() {
            fan_out = out.len() as f64 / p.len() as f64 * 1.1;
        }
        parts.push(out);
    }
    Ok(Rdd::new(parts))
}

/// `filter`: keeps the records the predicate holds for, e.g. `s => s >= 500`.
pub fn filter(rdd: &Rdd, f: &Func) -> Result<Rdd, OpError> {
    let mut out = per_partition(rdd, |r, out| {
        let args = std::slice::from_ref(r);
        if truth(&call(f, args)?, args)? {
            out.push(r.clone());
        }
        Ok(())
    })?;
    out.hashed = rdd.hashed;
    Ok(out)
}

/// `mapValues`: maps the value of each pair, keeping the key (and the partitioning),
/// e.g. `_.size` on `(letter, List[word])`.
pub fn map_values(rdd: &Rdd, f: &Func) -> Result<Rdd, OpError> {
    let mut out = per_partition(rdd, |r, out| {
        let (k, v) = pair(r)?;
        let nv = call(f, std::slice::from_ref(v))?;
        out.push(Value::pair(k.clone(), nv));
        Ok(())
    })?;
    out.hashed = rdd.hashed;
    Ok(out)
}

/// `flatMapValues`: zero or more values per pair, each with the pair's key,
/// e.g. `v => v.split(",")`.
pub fn flat_map_values(rdd: &Rdd, f: &Func) -> Result<Rdd, OpError> {
    let mut out = per_partition(rdd, |r, out| {
        let (k, v) = pair(r)?;
        let args = std::slice::from_ref(v);
        for x in elements(call(f, args)?, args)? {
            out.push(Value::pair(k.clone(), x));
        }
        Ok(())
    })?;
    out.hashed = rdd.hashed;
    Ok(out)
}

/// `count`: one record, the number of records (`[0]` for an empty batch, as Spark's
/// `union(makeRDD(Seq((null, 0L))))` trick gives). Spark's null key lands in partition 0.
pub fn count(rdd: &Rdd, partitions: usize) -> Rdd {
    let mut parts = vec![Vec::new(); partitions.max(1)];
    parts[0].push(Value::Int(rdd.count() as i64));
    Rdd::hashed(parts)
}

/// `reduce`: one record folding all records with `f` (e.g. `_ + _`), or none if empty.
pub fn reduce(rdd: &Rdd, f: &Func) -> Result<Rdd, OpError> {
    Ok(Rdd::hashed(vec![reduce_values(rdd.iter(), f)?
        .into_iter()
        .collect()]))
}

/// Folds values left to right with `f`; `None` when there are none.
pub fn reduce_values<'a>(
    values: impl Iterator<Item = &'a Value>,
    f: &Func,
) -> Result<Option<Value>, OpError> {
    let mut acc: Option<Value> = None;
    for v in values {
        acc = Some(match acc {
            None => v.clone(),
            Some(a) => call(f, &[a, v.clone()])?,
        });
    }
    Ok(acc)
}

/// `repartition(n)`: every input partition deals its records round-robin over `n`
/// partitions (starting at its own index), so the partitions end up balanced.
pub fn repartition(rdd: &Rdd, n: usize) -> Rdd {
    let n = n.max(1);
    let mut parts = vec![Vec::new(); n];
    for (i, p) in rdd.parts.iter().enumerate() {
        for (j, r) in p.iter().enumerate() {
            parts[(i + j) % n].push(r.clone());
        }
    }
    Rdd::new(parts)
}

/// `union` of DStreams: all records of every input, duplicates kept.
pub fn union(rdds: &[&Rdd]) -> Rdd {
    Rdd::union(rdds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Type;

    fn strs(v: &[&str]) -> Vec<Value> {
        v.iter().map(|s| Value::str(s)).collect()
    }

    #[test]
    fn flat_map_and_map_keep_partitions() {
        let lines = Rdd::parallelize(strs(&["a b", "c"]), 2);
        let split = Func::builtin("s => s.split(\" \")", vec![Type::String]);
        let words = flat_map(&lines, &split).unwrap();
        assert_eq!(words.parts, vec![strs(&["a", "b"]), strs(&["c"])]);
        let pairs = map(&words, &Func::builtin("w => (w, 1)", vec![Type::String])).unwrap();
        assert_eq!(pairs.count(), 3);
    }

    #[test]
    fn a_failing_lambda_names_the_record() {
        let f = Func::builtin("s => s.toInt + 1", vec![Type::String]);
        let rdd = Rdd::parallelize(vec![Value::str("1"), Value::str("x")], 1);
        let err = map(&rdd, &f).unwrap_err();
        assert_eq!(err.record.as_deref(), Some("\"x\""));
        assert_eq!(
            err.message,
            "java.lang.NumberFormatException: For input string: \"x\""
        );
    }

    #[test]
    fn count_is_zero_on_empty_and_reduce_is_empty() {
        assert_eq!(count(&Rdd::empty(2), 2).collect(), vec![Value::Int(0)]);
        let add = Func::builtin("_ + _", vec![Type::Int, Type::Int]);
        assert!(reduce(&Rdd::empty(2), &add).unwrap().collect().is_empty());
        let r = Rdd::parallelize(vec![Value::Int(3), Value::Int(4), Value::Int(5)], 2);
        assert_eq!(reduce(&r, &add).unwrap().collect(), vec![Value::Int(12)]);
    }

    #[test]
    fn repartition_balances_and_keeps_every_record() {
        let r = Rdd::parallelize((0..10).map(Value::Int).collect(), 2);
        let out = repartition(&r, 3);
        assert_eq!(out.partition_counts().iter().sum::<u64>(), 10);
        let counts = out.partition_counts();
        assert!(
            counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1,
            "{counts:?}"
        );
        let mut all = out.collect();
        all.sort();
        assert_eq!(all, (0..10).map(Value::Int).collect::<Vec<_>>());
    }
}

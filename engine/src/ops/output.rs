//! Output ops: `print` and `foreachRDD`'s actions (`collect`, `count`, `countByValue`,
//! `take`, `top`, `reduce`), with the driver-side running total of `accumulate: true`.

use crate::ops::keyed::count_by_value;
use crate::ops::stateless::reduce_values;
use crate::ops::transform::top;
use crate::rdd::{call, Func, OpError, Rdd, DEFAULT_PARTITIONS};
use crate::value::Value;

/// A `foreachRDD` action or `print`.
#[derive(Clone)]
pub enum Action {
    /// `{"action": "collect"}`: every record.
    Collect,
    /// `{"action": "count"}`: `[n]`.
    Count,
    /// `{"action": "countByValue"}`: `[(value, n), …]`.
    CountByValue,
    /// `{"action": "take", "n": 3}`: the first n in partition order.
    Take(usize),
    /// `{"action": "top", "n": 3}`: the n largest (by `fn` if given), largest first.
    Top(usize, Option<Func>),
    /// `{"action": "reduce", "fn": "_ + _"}`: `[r]`, or `[]` on an empty batch.
    Reduce(Func),
    /// `{"op": "print", "num": 10}`: the first `num` records, as Spark's `print()`.
    Print(usize),
}

/// What an output emitted at one batch.
pub struct Emitted {
    pub records: Vec<Value>,
    /// `print` saw more than `num` records.
    pub more: bool,
}

/// Runs `action` on a batch's RDD. With `accumulate`, `count` and `reduce` fold into the
/// running value `acc` (a driver-side accumulator) and emit it.
pub fn run(
    action: &Action,
    rdd: &Rdd,
    accumulate: bool,
    acc: &mut Option<Value>,
) -> Result<Emitted, OpError> {
    let mut more = false;
    let records = match action {
        Action::Collect => rdd.collect(),
        Action::Count => {
            let n = rdd.count() as i64;
            if accumulate {
                let total = match acc {
                    Some(Value::Int(t)) => t.wrapping_add(n),
                    _ => n,
                };
                *acc = Some(Value::Int(total));
                vec![Value::Int(total)]
            } else {
                vec![Value::Int(n)]
            }
        }
        Action::CountByValue => count_by_value(rdd, DEFAULT_PARTITIONS).collect(),
        Action::Take(n) => rdd.take(*n),
        Action::Top(n, key) => top(rdd, *n, key.as_ref())?,
        Action::Reduce(f) => {
            let r = reduce_values(rdd.iter(), f)?;
            if accumulate {
                let next = match (acc.take(), r) {
                    (Some(a), Some(r)) => Some(call(f, &[a, r])?),
                    (a, r) => r.or(a),
                };
                *acc = next.clone();
                next.into_iter().collect()
            } else {
                r.into_iter().collect()
            }
        }
        Action::Print(num) => {
            let mut first = rdd.take(num.saturating_add(1));
            more = first.len() > *num;
            first.truncate(*num);
            first
        }
    };
    Ok(Emitted { records, more })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Type;

    fn ints(v: &[i64]) -> Rdd {
        Rdd::parallelize(v.iter().map(|i| Value::Int(*i)).collect(), 2)
    }

    #[test]
    fn accumulated_count_and_reduce_keep_running_totals() {
        let mut acc = None;
        let a = run(&Action::Count, &ints(&[1, 2]), true, &mut acc).unwrap();
        assert_eq!(a.records, vec![Value::Int(2)]);
        let b = run(&Action::Count, &ints(&[5]), true, &mut acc).unwrap();
        assert_eq!(b.records, vec![Value::Int(3)]);
        let add = Func::builtin("_ + _", vec![Type::Int, Type::Int]);
        let mut acc = None;
        let r = run(&Action::Reduce(add.clone()), &ints(&[]), true, &mut acc).unwrap();
        assert!(r.records.is_empty());
        run(&Action::Reduce(add.clone()), &ints(&[1, 2]), true, &mut acc).unwrap();
        let r = run(&Action::Reduce(add), &ints(&[4]), true, &mut acc).unwrap();
        assert_eq!(r.records, vec![Value::Int(7)]);
    }

    #[test]
    fn print_takes_num_and_flags_more() {
        let mut acc = None;
        let p = run(&Action::Print(2), &ints(&[1, 2, 3]), false, &mut acc).unwrap();
        assert_eq!(p.records.len(), 2);
        assert!(p.more);
        let p = run(&Action::Print(3), &ints(&[1, 2, 3]), false, &mut acc).unwrap();
        assert!(!p.more);
    }
}

//! Per-batch two-stream keyed ops: `join`, `leftOuterJoin`, `rightOuterJoin`,
//! `fullOuterJoin` and `cogroup`, all through one cogroup by key as in Spark.

use crate::rdd::{pair, KeyMap, OpError, Rdd};
use crate::value::Value;

/// Which join.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
}

type Groups = (Vec<Value>, Vec<Value>);

fn cogroup_maps(
    left: &Rdd,
    right: &Rdd,
    partitions: usize,
) -> Result<Vec<KeyMap<Groups>>, OpError> {
    let n = partitions.max(1);
    let mut parts: Vec<KeyMap<Groups>> = (0..n).map(|_| KeyMap::default()).collect();
    for r in left.iter() {
        let (k, v) = pair(r)?;
        parts[k.partition_of(n)]
            .entry(k.clone())
            .or_default()
            .0
            .push(v.clone());
    }
    for r in right.iter() {
        let (k, w) = pair(r)?;
        parts[k.partition_of(n)]
            .entry(k.clone())
            .or_default()
            .1
            .push(w.clone());
    }
    Ok(parts)
}

/// `cogroup`: `(key, (List[v], List[w]))` for every key in either stream.
pub fn cogroup(left: &Rdd, right: &Rdd, partitions: usize) -> Result<Rdd, OpError> {
    Ok(Rdd::hashed(
        cogroup_maps(left, right, partitions)?
            .into_iter()
            .map(|m| {
                m.into_iter()
                    .map(|(k, (vs, ws))| {
                        Value::pair(k, Value::pair(Value::list(vs), Value::list(ws)))
                    })
                    .collect()
            })
            .collect(),
    ))
}

/// The joins: one `(key, (v, w))` per matching pair (duplicates multiply); the outer forms
/// wrap the side that may be missing in `Option` (`None` prints as `null`).
pub fn join(left: &Rdd, right: &Rdd, partitions: usize, kind: JoinKind) -> Result<Rdd, OpError> {
    let wrap_l = matches!(kind, JoinKind::RightOuter | JoinKind::FullOuter);
    let wrap_r = matches!(kind, JoinKind::LeftOuter | JoinKind::FullOuter);
    let opt = |v: &Value, wrap: bool| {
        if wrap {
            Value::some(v.clone())
        } else {
            v.clone()
        }
    };
    let mut parts = Vec::new();
    for m in cogroup_maps(left, right, partitions)? {
        let mut out = Vec::new();
        for (k, (vs, ws)) in m {
            if !vs.is_empty() && !ws.is_empty() {
                for v in &vs {
                    for w in &ws {
                        out.push(Value::pair(
                            k.clone(),
                            Value::pair(opt(v, wrap_l), opt(w, wrap_r)),
                        ));
                    }
                }
            } else if ws.is_empty() && wrap_r {
                for v in &vs {
                    out.push(Value::pair(
                        k.clone(),
                        Value::pair(opt(v, wrap_l), Value::none()),
                    ));
                }
            } else if vs.is_empty() && wrap_l {
                for w in &ws {
                    out.push(Value::pair(
                        k.clone(),
                        Value::pair(Value::none(), opt(w, wrap_r)),
                    ));
                }
            }
        }
        parts.push(out);
    }
    Ok(Rdd::hashed(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(k: &str, v: Value) -> Value {
        Value::pair(Value::str(k), v)
    }
    fn sorted(r: Rdd) -> Vec<String> {
        let mut v: Vec<String> = r.iter().map(|x| x.to_string()).collect();
        v.sort();
        v
    }

    fn sides() -> (Rdd, Rdd) {
        let l = Rdd::parallelize(
            vec![
                kv("a", Value::Int(1)),
                kv("b", Value::Int(2)),
                kv("a", Value::Int(3)),
            ],
            2,
        );
        let r = Rdd::parallelize(vec![kv("a", Value::str("x")), kv("c", Value::str("y"))], 2);
        (l, r)
    }

    #[test]
    fn inner_join_multiplies_duplicates() {
        let (l, r) = sides();
        assert_eq!(
            sorted(join(&l, &r, 2, JoinKind::Inner).unwrap()),
            ["(a,(1,x))", "(a,(3,x))"]
        );
    }

    #[test]
    fn outer_joins_fill_the_missing_side_with_none() {
        let (l, r) = sides();
        assert_eq!(
            sorted(join(&l, &r, 2, JoinKind::LeftOuter).unwrap()),
            ["(a,(1,Some(x)))", "(a,(3,Some(x)))", "(b,(2,None))"]
        );
        assert_eq!(
            sorted(join(&l, &r, 2, JoinKind::RightOuter).unwrap()),
            ["(a,(Some(1),x))", "(a,(Some(3),x))", "(c,(None,y))"]
        );
        assert_eq!(
            sorted(join(&l, &r, 2, JoinKind::FullOuter).unwrap()),
            [
                "(a,(Some(1),Some(x)))",
                "(a,(Some(3),Some(x)))",
                "(b,(Some(2),None))",
                "(c,(None,Some(y)))"
            ]
        );
    }

    #[test]
    fn cogroup_lists_both_sides_per_key() {
        let (l, r) = sides();
        assert_eq!(
            sorted(cogroup(&l, &r, 2).unwrap()),
            [
                "(a,(List(1, 3),List(x)))",
                "(b,(List(2),List()))",
                "(c,(List(),List(y)))"
            ]
        );
    }
}

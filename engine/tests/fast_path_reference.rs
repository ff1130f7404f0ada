//! The fast path against a plain evaluation of the same lambdas. Every lambda runs through
//! compiled code specialised by its types, on borrowed slots, inside fused chains; here the
//! same lambdas are evaluated by a small tree walker over `Value`s written in this file (it
//! reads only the public typed tree, `Lambda::tree()`, and calls nothing of the engine's
//! evaluation), over random input, and must give the same values and the same failures:
//! - lambda by lambda, through every form the ops use (`call`, `emit`, `each`, `test`, `fold`);
//! - pipeline by pipeline, for every op family the fast path covers (map, flatMap, filter,
//!   mapValues, flatMapValues fused into reduceByKey and a keyed window), checked to have run
//!   fused, against the batches computed op by op here.

use std::collections::BTreeMap;

use dstream_engine::catalog::{info, OpKind};
use dstream_engine::lambda::tree::{Arith, Cmp, Expr, Kind, Method};
use dstream_engine::lambda::{compile, Lambda, Signature};
use dstream_engine::slot::{Rec, Slot};
use dstream_engine::{Engine, Type, Value};
use proptest::prelude::*;
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// The plain evaluator

type Plain = Result<Value, String>;

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Java's `String.split` on a one-character pattern or on `\s+`, limit 0.
fn java_split(s: &str, pattern: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    if pattern == "\\s+" {
        let ws = |c: char| " \t\n\u{b}\u{c}\r".contains(c);
        let mut cur = String::new();
        let mut matched = false;
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if ws(c) {
                while chars.peek().is_some_and(|&d| ws(d)) {
                    chars.next();
                }
                matched = true;
                pieces.push(std::mem::take(&mut cur));
            } else {
                cur.push(c);
            }
        }
        if !matched {
            return vec![s.to_string()];
        }
        pieces.push(cur);
    } else {
        let sep: Vec<&str> = s.split(pattern).collect();
        if sep.len() == 1 {
            return vec![s.to_string()];
        }
        pieces = sep.into_iter().map(String::from).collect();
    }
    while pieces.last().is_some_and(String::is_empty) {
        pieces.pop();
    }
    pieces
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Double(d) => *d,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// Evaluates `e` on the parameters `args` as the language defines it.
fn plain(e: &Expr, args: &[Value]) -> Plain {
    let go = |x: &Expr| plain(x, args);
    Ok(match &e.kind {
        Kind::Lit(v) => v.clone(),
        Kind::Param(i) => args[*i].clone(),
        Kind::Untupled(i) => match &args[0] {
            Value::Tuple(items) => items[*i].clone(),
            other => panic!("untupling {other:?}"),
        },
        Kind::Tuple(items) => Value::tuple(items.iter().map(go).collect::<Result<_, _>>()?),
        Kind::List(items) => Value::list(items.iter().map(go).collect::<Result<_, _>>()?),
        Kind::Widen(x) => match go(x)? {
            Value::Int(i) if e.ty == Type::Double => Value::Double(i as f64),
            other => other,
        },
        Kind::Neg(x) => match go(x)? {
            Value::Int(i) => Value::Int(i.wrapping_neg()),
            Value::Double(d) => Value::Double(-d),
            other => panic!("negating {other:?}"),
        },
        Kind::Not(x) => Value::Bool(go(x)? != Value::Bool(true)),
        Kind::And(a, b) => Value::Bool(go(a)? == Value::Bool(true) && go(b)? == Value::Bool(true)),
        Kind::Or(a, b) => Value::Bool(go(a)? == Value::Bool(true) || go(b)? == Value::Bool(true)),
        Kind::If(c, a, b) => {
            if go(c)? == Value::Bool(true) {
                go(a)?
            } else {
                go(b)?
            }
        }
        Kind::Arith(op, a, b) => {
            let (x, y) = (go(a)?, go(b)?);
            match (&x, &y, e.ty.clone()) {
                (_, _, Type::String) => Value::str(&(text(&x) + &text(&y))),
                (Value::Int(p), Value::Int(q), Type::Int) => Value::Int(match op {
                    Arith::Add => p.wrapping_add(*q),
                    Arith::Sub => p.wrapping_sub(*q),
                    Arith::Mul => p.wrapping_mul(*q),
                    Arith::Div => p.wrapping_div(*q),
                    Arith::Rem => p.wrapping_rem(*q),
                }),
                _ => {
                    let (p, q) = (num(&x), num(&y));
                    Value::Double(match op {
                        Arith::Add => p + q,
                        Arith::Sub => p - q,
                        Arith::Mul => p * q,
                        Arith::Div => p / q,
                        Arith::Rem => p % q,
                    })
                }
            }
        }
        Kind::Cmp(op, a, b) => {
            let (x, y) = (go(a)?, go(b)?);
            let o = match (&x, &y) {
                (Value::Str(p), Value::Str(q)) => Some(p.encode_utf16().cmp(q.encode_utf16())),
                _ => num(&x).partial_cmp(&num(&y)),
            };
            Value::Bool(o.is_some_and(|o| match op {
                Cmp::Lt => o.is_lt(),
                Cmp::Le => o.is_le(),
                Cmp::Gt => o.is_gt(),
                Cmp::Ge => o.is_ge(),
            }))
        }
        Kind::Eq(negated, a, b) => {
            let (x, y) = (go(a)?, go(b)?);
            let same = match (&x, &y) {
                (Value::Int(_) | Value::Double(_), Value::Int(_) | Value::Double(_)) => {
                    num(&x) == num(&y)
                }
                _ => x == y,
            };
            Value::Bool(same != *negated)
        }
        Kind::Math(m, xs) => {
            let vals: Vec<Value> = xs.iter().map(go).collect::<Result<_, _>>()?;
            match (m, vals.as_slice()) {
                (Method::MathMax, [Value::Int(p), Value::Int(q)]) => Value::Int(*p.max(q)),
                (Method::MathMin, [Value::Int(p), Value::Int(q)]) => Value::Int(*p.min(q)),
                other => panic!("math {other:?}"),
            }
        }
        Kind::Call(m, recv, xs) => {
            let r = go(recv)?;
            let vals: Vec<Value> = xs.iter().map(go).collect::<Result<_, _>>()?;
            let s = match &r {
                Value::Str(s) => s.to_string(),
                _ => String::new(),
            };
            match (m, vals.as_slice()) {
                (Method::Length, []) => Value::Int(utf16_len(&s) as i64),
                (Method::ToLowerCase, []) => Value::str(&s.to_lowercase()),
                (Method::ToUpperCase, []) => Value::str(&s.to_uppercase()),
                (Method::Trim, []) => Value::str(java_trim(&s)),
                (Method::IsEmpty, []) => Value::Bool(s.is_empty()),
                (Method::NonEmpty, []) => Value::Bool(!s.is_empty()),
                (Method::ToString, []) => Value::str(&text(&r)),
                (Method::Field(i), []) => match &r {
                    Value::Tuple(items) => items[*i].clone(),
                    other => panic!("field of {other:?}"),
                },
                (Method::IndexOf, [Value::Str(t)]) => {
                    Value::Int(s.find(&**t).map_or(-1, |b| utf16_len(&s[..b]) as i64))
                }
                (Method::Contains, [Value::Str(t)]) => Value::Bool(s.contains(&**t)),
                (Method::StartsWith, [Value::Str(t)]) => Value::Bool(s.starts_with(&**t)),
                (Method::EndsWith, [Value::Str(t)]) => Value::Bool(s.ends_with(&**t)),
                (Method::Substring, [b, rest @ ..]) => {
                    let units: Vec<u16> = s.encode_utf16().collect();
                    let len = units.len() as i64;
                    let b = num(b) as i64;
                    let end = rest.first().map_or(len, |x| num(x) as i64);
                    if b < 0 || b > end || end > len {
                        return Err(format!(
                            "java.lang.StringIndexOutOfBoundsException: begin {b}, end {end}, length {len}"
                        ));
                    }
                    Value::str(&String::from_utf16_lossy(&units[b as usize..end as usize]))
                }
                (Method::Split | Method::SplitChar, [Value::Str(p)]) => {
                    let pattern = match (m, &**p) {
                        (Method::Split, "\\|") => "|",
                        (_, p) => p,
                    };
                    Value::list(
                        java_split(&s, pattern)
                            .iter()
                            .map(|p| Value::str(p))
                            .collect(),
                    )
                }
                other => panic!("the plain evaluator has no {other:?}"),
            }
        }
        other => panic!("the plain evaluator has no {other:?}"),
    })
}

fn plain_call(l: &Lambda, args: &[Value]) -> Plain {
    plain(&l.tree().body, args)
}

// ---------------------------------------------------------------------------------------------
// Random lambdas and records

const STRINGS: &[&str] = &[
    "w",
    "w.toLowerCase",
    "w.toUpperCase",
    "w.trim",
    "w + \"!\"",
    "w.substring(1)",
    "w.substring(0, 1)",
    "(if (w.length > 2) w else \"short\")",
    "w + w.length",
];
const INTS: &[&str] = &[
    "1",
    "1 + 0",
    "w.length",
    "w.length * 2 - 1",
    "(if (w.isEmpty) 0 else 1)",
    "w.indexOf(\"e\")",
];
const SPLITS: &[&str] = &[
    "l => l.split(\" \")",
    "l => l.split(\",\")",
    "l => l.split(\"\\\\s+\")",
    "l => l.split('é')",
    "l => l.toLowerCase.split(\" \")",
    "l => l.trim.split(\" \")",
    "l => List(l, l + \"?\")",
];
const FILTERS: &[&str] = &[
    "w => w.length > 1",
    "w => w != \"the\"",
    "w => !w.isEmpty",
    "w => w.startsWith(\"s\") || w.endsWith(\"e\")",
    "w => w.contains(\"a\")",
];
const VALUES: &[&str] = &["v => v * 2", "v => v + 1", "v => v - v / 2", "v => -v"];
const REDUCES: &[&str] = &[
    "_ + _",
    "(a, b) => a + b",
    "(a, b) => math.max(a, b)",
    "(a, b) => a * 2 + b - a",
];

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "a", "bb", "The", "the", "é", "Spark", "SPARK", " ", ",", "  x", "", "sale", "\t",
        ]),
        0..10,
    )
    .prop_map(|parts| parts.concat())
}

fn sig(params: Vec<Type>) -> Signature {
    Signature {
        params,
        result: Type::Unknown,
    }
}

fn lambda(src: &str, params: Vec<Type>) -> Lambda {
    compile(src, &sig(params)).unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// The failure message, or the value.
fn outcome<E: std::fmt::Display>(r: Result<Value, E>) -> Result<Value, String> {
    r.map_err(|e| e.to_string())
}

fn emitted(l: &Lambda, args: &[Slot<'_>]) -> Result<Value, String> {
    let mut got = Vec::new();
    l.emit(args, &mut |r: Rec<'_>| {
        got.push(r.to_value());
        Ok(())
    })
    .map_err(|e| e.message.clone())?;
    assert_eq!(got.len(), 1);
    Ok(got.remove(0))
}

fn elements(l: &Lambda, args: &[Slot<'_>]) -> Result<Value, String> {
    let mut got = Vec::new();
    l.each(args, &mut |r: Rec<'_>| {
        got.push(r.to_value());
        Ok(())
    })
    .map_err(|e| e.message.clone())?;
    Ok(Value::list(got))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_form_of_a_lambda_gives_the_plain_value(
        s in 0..STRINGS.len(), i in 0..INTS.len(), sp in 0..SPLITS.len(), fi in 0..FILTERS.len(),
        va in 0..VALUES.len(), re in 0..REDUCES.len(), line in words(), n in -5i64..50, m in -5i64..50,
    ) {
        // map: w => (S, I) on a word (as a record and as a borrowed piece).
        let map = lambda(&format!("w => ({}, {})", STRINGS[s], INTS[i]), vec![Type::String]);
        let word = Value::str(&line);
        let want = plain_call(&map, std::slice::from_ref(&word));
        prop_assert_eq!(&outcome(map.call(std::slice::from_ref(&word))), &want);
        prop_assert_eq!(&emitted(&map, &[Slot::Val(&word)]), &want);
        prop_assert_eq!(&emitted(&map, &[Slot::Str(&line)]), &want);
        // flatMap: the List, and each element handed on.
        let split = lambda(SPLITS[sp], vec![Type::String]);
        let want = plain_call(&split, std::slice::from_ref(&word));
        prop_assert_eq!(&outcome(split.call(std::slice::from_ref(&word))), &want);
        prop_assert_eq!(&elements(&split, &[Slot::Str(&line)]), &want);
        // filter.
        let filter = lambda(FILTERS[fi], vec![Type::String]);
        let want = plain_call(&filter, std::slice::from_ref(&word));
        prop_assert_eq!(&outcome(filter.call(std::slice::from_ref(&word))), &want);
        prop_assert_eq!(filter.test(&[Slot::Str(&line)]).map(Value::Bool).map_err(|e| e.message.clone()), want);
        // mapValues and the reduce, on Ints (as slots and as values).
        let value = lambda(VALUES[va], vec![Type::Int]);
        let want = plain_call(&value, &[Value::Int(n)]);
        prop_assert_eq!(&outcome(value.call(&[Value::Int(n)])), &want);
        prop_assert_eq!(value.eval(&[Slot::Int(n)]).map(|o| o.into_value()).map_err(|e| e.message.clone()), want);
        let reduce = lambda(REDUCES[re], vec![Type::Int, Type::Int]);
        let want = plain_call(&reduce, &[Value::Int(n), Value::Int(m)]);
        prop_assert_eq!(&outcome(reduce.call(&[Value::Int(n), Value::Int(m)])), &want);
        let mut acc = Value::Int(n);
        let folded = reduce.fold(&mut acc, Slot::Int(m)).map(|()| acc).map_err(|e| e.message.clone());
        prop_assert_eq!(folded, want);
        // A pair through `(k, v) => …` untupling, and `_._2`.
        let pair = Value::pair(word.clone(), Value::Int(n));
        let swap = lambda("(k, v) => (v, k)", vec![Type::pair(Type::String, Type::Int)]);
        let want = plain_call(&swap, std::slice::from_ref(&pair));
        let (ks, vs) = (Slot::Str(&line), Slot::Int(n));
        prop_assert_eq!(&emitted(&swap, &[Slot::Pair(&ks, &vs)]), &want);
        prop_assert_eq!(&emitted(&swap, &[Slot::Val(&pair)]), &want);
    }
}

// ---------------------------------------------------------------------------------------------
// Pipelines

/// The narrow ops of a random chain, in order: `(op, fn)`.
fn chain(
    sp: usize,
    fi: Option<usize>,
    s: usize,
    i: usize,
    va: Option<usize>,
) -> Vec<(OpKind, String)> {
    let mut ops = vec![(OpKind::FlatMap, SPLITS[sp].to_string())];
    if let Some(fi) = fi {
        ops.push((OpKind::Filter, FILTERS[fi].to_string()));
    }
    ops.push((OpKind::Map, format!("w => ({}, {})", STRINGS[s], INTS[i])));
    if let Some(va) = va {
        ops.push((OpKind::MapValues, VALUES[va].to_string()));
    }
    ops.push((OpKind::FlatMapValues, "v => List(v, 1)".to_string()));
    ops
}

/// One batch through `ops` and a reduce by key with `f`, op by op, as Spark defines it: the
/// reduced `(key, value)`s sorted, or the first failure (op after op, record after record).
fn plain_batch(
    lines: &[String],
    ops: &[(Lambda, OpKind)],
    f: &Lambda,
) -> Result<Vec<Value>, String> {
    let mut records: Vec<Value> = lines.iter().map(|l| Value::str(l)).collect();
    for (l, op) in ops {
        let mut next = Vec::new();
        for r in &records {
            match *op {
                OpKind::FlatMap => match plain_call(l, std::slice::from_ref(r))? {
                    Value::List(items) => next.extend(items.iter().cloned()),
                    other => panic!("{other:?}"),
                },
                OpKind::Filter => {
                    if plain_call(l, std::slice::from_ref(r))? == Value::Bool(true) {
                        next.push(r.clone());
                    }
                }
                OpKind::Map => next.push(plain_call(l, std::slice::from_ref(r))?),
                OpKind::MapValues | OpKind::FlatMapValues => {
                    let (k, v) = r.as_pair().expect("a pair");
                    let out = plain_call(l, std::slice::from_ref(v))?;
                    match (*op, out) {
                        (OpKind::FlatMapValues, Value::List(items)) => {
                            next.extend(items.iter().map(|x| Value::pair(k.clone(), x.clone())))
                        }
                        (_, out) => next.push(Value::pair(k.clone(), out)),
                    }
                }
                other => panic!("{other:?}"),
            }
        }
        records = next;
    }
    reduce_plain(records.iter(), f)
}

fn reduce_plain<'a>(
    records: impl Iterator<Item = &'a Value>,
    f: &Lambda,
) -> Result<Vec<Value>, String> {
    let mut acc: Vec<(Value, Value)> = Vec::new();
    for r in records {
        let (k, v) = r.as_pair().expect("a pair");
        match acc.iter_mut().find(|(key, _)| key == k) {
            Some((_, a)) => *a = plain_call(f, &[a.clone(), v.clone()])?,
            None => acc.push((k.clone(), v.clone())),
        }
    }
    let mut out: Vec<Value> = acc.into_iter().map(|(k, v)| Value::pair(k, v)).collect();
    out.sort();
    Ok(out)
}

fn engine_for(
    batches: &[Vec<String>],
    ops: &[(OpKind, String)],
    f: &str,
    window: Option<u64>,
) -> Engine {
    let mut nodes = vec![json!({"id": "lines", "op": "queueStream", "batches": batches})];
    let mut prev = "lines".to_string();
    for (k, (op, src)) in ops.iter().enumerate() {
        let id = format!("n{k}");
        nodes.push(json!({"id": id, "op": info(*op).name, "inputs": [prev], "fn": src}));
        prev = id;
    }
    nodes.push(match window {
        None => json!({"id": "counts", "op": "reduceByKey", "inputs": [prev], "fn": f}),
        Some(w) => json!({"id": "counts", "op": "reduceByKeyAndWindow", "inputs": [prev], "fn": f,
                          "window_ms": w * 1000}),
    });
    nodes.push(json!({"id": "out", "op": "foreachRDD", "inputs": ["counts"], "action": "collect"}));
    let spec = json!({"version": 1, "batch_interval_ms": 1000, "nodes": nodes});
    Engine::from_json(&spec.to_string()).unwrap_or_else(|e| panic!("{e:?}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fused_pipelines_compute_the_plain_batches(
        batches in prop::collection::vec(prop::collection::vec(words(), 0..6), 1..5),
        sp in 0..SPLITS.len(), fi in prop::option::of(0..FILTERS.len()),
        s in 0..STRINGS.len(), i in 0..INTS.len(), va in prop::option::of(0..VALUES.len()),
        re in 0..REDUCES.len(), window in prop::option::of(1u64..3),
    ) {
        let ops = chain(sp, fi, s, i, va);
        let mut engine = engine_for(&batches, &ops, REDUCES[re], window);
        let types = [Type::String, Type::String, Type::String, Type::Int, Type::Int];
        let compiled: Vec<(Lambda, OpKind)> = ops
            .iter()
            .map(|(op, src)| {
                let t = match *op {
                    OpKind::MapValues | OpKind::FlatMapValues => Type::Int,
                    _ => types[0].clone(),
                };
                (lambda(src, vec![t]), *op)
            })
            .collect();
        let f = lambda(REDUCES[re], vec![Type::Int, Type::Int]);
        let mut per_batch: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
        for (b, lines) in batches.iter().enumerate() {
            let want = plain_batch(lines, &compiled, &f);
            match (engine.tick(), want) {
                (Ok(report), Ok(want)) => {
                    // The narrow ops ran fused into the reduce: the fast path, not op by op.
                    for n in &report.nodes[1..=ops.len()] {
                        prop_assert_eq!(n.fused_into.as_deref(), Some("counts"), "{}", n.id);
                    }
                    per_batch.insert(b, want.clone());
                    let want = match window {
                        None => want,
                        Some(w) => {
                            // The window's batches, their reductions reduced again.
                            let from = (b + 1).saturating_sub(w as usize);
                            let covered: Vec<Value> = (from..=b).flat_map(|i| per_batch[&i].clone()).collect();
                            reduce_plain(covered.iter(), &f).map_err(TestCaseError::fail)?
                        }
                    };
                    let mut got = report.outputs[0].records.clone();
                    got.sort();
                    prop_assert_eq!(got, want, "batch {}", b);
                }
                (Err(e), Err(want)) => {
                    prop_assert_eq!(e.message, want, "batch {}", b);
                    break;
                }
                (got, want) => prop_assert!(false, "batch {b}: engine {got:?}, plain {want:?}"),
            }
        }
    }
}

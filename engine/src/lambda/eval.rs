//! The typed tree compiled to nested closures: parameters are slot indices fixed at compile
//! time, literals are prebuilt values, a literal `split` separator is prepared once, and the
//! common cases of each operation (`Int + Int`, a pair) are tried first. A call allocates only
//! what its result holds.

use std::cell::RefCell;
use std::rc::Rc;

use super::check::{Arith, Checked, Cmp, Method, Node, Splitter, StateMethod, Step};
use super::runtime::{self as rt, as_bool, as_int, as_str, cast_error, fail, EResult};
use super::EvalError;
use crate::types::Type;
use crate::value::Value;

type Closure = dyn Fn(&[Value]) -> EResult<Value>;
type Widener = Rc<dyn Fn(Value) -> Value>;

/// Compiled code: the leaves (a parameter, a constant) are evaluated in place, everything
/// else through one closure, so `_ + _` is one indirect call and `w => (w, 1)` another.
pub(crate) enum Code {
    Param(usize),
    /// Element `i` of the single tuple argument (parameter untupling).
    Untupled(usize),
    Const(Value),
    Closure(Box<Closure>),
}

impl Code {
    #[inline(always)]
    pub(crate) fn run(&self, a: &[Value]) -> EResult<Value> {
        match self {
            Code::Param(i) => match a.get(*i) {
                Some(v) => Ok(v.clone()),
                None => Err(arity_error(*i, a.len())),
            },
            Code::Untupled(i) => match a.first() {
                Some(Value::Tuple(items)) if *i < items.len() => Ok(items[*i].clone()),
                Some(other) => cast_error(other, "scala.Product"),
                None => Err(arity_error(0, 0)),
            },
            Code::Const(v) => Ok(v.clone()),
            Code::Closure(f) => f(a),
        }
    }

    /// Runs `k` on the value by reference: a parameter or constant is not even cloned.
    #[inline(always)]
    pub(crate) fn with<R>(&self, a: &[Value], k: impl FnOnce(&Value) -> EResult<R>) -> EResult<R> {
        match self {
            Code::Param(i) => match a.get(*i) {
                Some(v) => k(v),
                None => Err(arity_error(*i, a.len())),
            },
            Code::Untupled(i) => match a.first() {
                Some(Value::Tuple(items)) if *i < items.len() => k(&items[*i]),
                Some(other) => cast_error(other, "scala.Product"),
                None => Err(arity_error(0, 0)),
            },
            Code::Const(v) => k(v),
            Code::Closure(f) => k(&f(a)?),
        }
    }
}

#[cold]
fn arity_error(i: usize, got: usize) -> EvalError {
    EvalError {
        message: format!("this lambda needs {} arguments, got {got}", i + 1),
    }
}

fn boxed(f: impl Fn(&[Value]) -> EResult<Value> + 'static) -> Code {
    Code::Closure(Box::new(f))
}

/// A converter from values of type `from` to `to` where Ints become Doubles, or `None` when
/// nothing changes.
fn widener(from: &Type, to: &Type) -> Option<Widener> {
    match (from, to) {
        (Type::Int, Type::Double) => Some(Rc::new(|v| match v {
            Value::Int(i) => Value::Double(i as f64),
            other => other,
        })),
        (Type::Tuple(fs), Type::Tuple(ts)) if fs.len() == ts.len() => {
            let parts: Vec<Option<Widener>> =
                fs.iter().zip(ts).map(|(f, t)| widener(f, t)).collect();
            if parts.iter().all(Option::is_none) {
                return None;
            }
            Some(Rc::new(move |v| match v {
                Value::Tuple(items) if items.len() == parts.len() => Value::Tuple(
                    items
                        .iter()
                        .zip(&parts)
                        .map(|(x, p)| match p {
                            Some(p) => p(x.clone()),
                            None => x.clone(),
                        })
                        .collect(),
                ),
                other => other,
            }))
        }
        (Type::List(f), Type::List(t)) => {
            let inner = widener(f, t)?;
            Some(Rc::new(move |v| match v {
                Value::List(items) => Value::List(items.iter().map(|x| inner(x.clone())).collect()),
                other => other,
            }))
        }
        (Type::Option(f), Type::Option(t)) => {
            let inner = widener(f, t)?;
            Some(Rc::new(move |v| match v {
                Value::Opt(Some(x)) => Value::some(inner((*x).clone())),
                other => other,
            }))
        }
        _ => None,
    }
}

/// Compiles `node`; `c` resolves the types still inside it.
pub(crate) fn compile(node: &Node, c: &Checked) -> Code {
    match node {
        Node::Const(v) => Code::Const(v.clone()),
        Node::IntLit(i, t) => {
            let v = if c.resolve(t) == Type::Double {
                Value::Double(*i as f64)
            } else {
                Value::Int(*i)
            };
            Code::Const(v)
        }
        Node::Param(i) => Code::Param(*i),
        Node::Untupled(i) => Code::Untupled(*i),
        Node::Tuple(items) => {
            let mut codes: Vec<Code> = items.iter().map(|n| compile(n, c)).collect();
            if codes.len() == 2 {
                let second = codes.pop();
                let first = codes.pop();
                if let (Some(x), Some(y)) = (first, second) {
                    return boxed(move |a| {
                        x.with(a, |xv| {
                            y.with(a, |yv| {
                                let pair: Rc<[Value]> = Rc::new([xv.clone(), yv.clone()]);
                                Ok(Value::Tuple(pair))
                            })
                        })
                    });
                }
                return boxed(|_| fail("internal error: a pair without two parts"));
            }
            boxed(move |a| {
                let items = codes
                    .iter()
                    .map(|f| f.run(a))
                    .collect::<EResult<Vec<_>>>()?;
                Ok(Value::Tuple(Rc::from(items)))
            })
        }
        Node::List(items) => {
            let codes: Vec<Code> = items.iter().map(|n| compile(n, c)).collect();
            boxed(move |a| {
                let items = codes
                    .iter()
                    .map(|f| f.run(a))
                    .collect::<EResult<Vec<_>>>()?;
                Ok(Value::List(Rc::from(items)))
            })
        }
        Node::Some(inner) => {
            let f = compile(inner, c);
            boxed(move |a| Ok(Value::some(f.run(a)?)))
        }
        Node::Neg(inner) => {
            let f = compile(inner, c);
            boxed(move |a| f.with(a, rt::neg))
        }
        Node::Not(inner) => {
            let f = compile(inner, c);
            boxed(move |a| f.with(a, |v| Ok(Value::Bool(!as_bool(v)?))))
        }
        Node::Arith(op, l, r) => arith(*op, compile(l, c), compile(r, c)),
        Node::Cmp(op, l, r) => {
            let (l, r, op) = (compile(l, c), compile(r, c), *op);
            boxed(move |a| {
                l.with(a, |x| {
                    r.with(a, |y| {
                        if let (Value::Int(p), Value::Int(q)) = (x, y) {
                            return Ok(Value::Bool(match op {
                                Cmp::Lt => p < q,
                                Cmp::Le => p <= q,
                                Cmp::Gt => p > q,
                                Cmp::Ge => p >= q,
                            }));
                        }
                        rt::compare(op, x, y).map(Value::Bool)
                    })
                })
            })
        }
        Node::Eq(negate, l, r) => {
            let (l, r, negate) = (compile(l, c), compile(r, c), *negate);
            boxed(move |a| {
                l.with(a, |x| {
                    r.with(a, |y| Ok(Value::Bool(rt::scala_eq(x, y) != negate)))
                })
            })
        }
        Node::And(l, r) => {
            let (l, r) = (compile(l, c), compile(r, c));
            boxed(move |a| Ok(Value::Bool(l.with(a, as_bool)? && r.with(a, as_bool)?)))
        }
        Node::Or(l, r) => {
            let (l, r) = (compile(l, c), compile(r, c));
            boxed(move |a| Ok(Value::Bool(l.with(a, as_bool)? || r.with(a, as_bool)?)))
        }
        Node::If(cond, then, els) => {
            let (cond, then, els) = (compile(cond, c), compile(then, c), compile(els, c));
            boxed(move |a| {
                if cond.with(a, as_bool)? {
                    then.run(a)
                } else {
                    els.run(a)
                }
            })
        }
        Node::GetOrElse(opt, default) => {
            let (opt, default) = (compile(opt, c), compile(default, c));
            boxed(move |a| {
                let inner = opt.with(a, |o| match o {
                    Value::Opt(o) => Ok(o.as_deref().cloned()),
                    other => cast_error(other, "scala.Option"),
                })?;
                match inner {
                    Some(v) => Ok(v),
                    None => default.run(a),
                }
            })
        }
        Node::Index(list, index) => {
            let (list, index) = (compile(list, c), compile(index, c));
            boxed(move |a| {
                let i = index.with(a, as_int)?;
                list.with(a, |xs| match xs {
                    Value::List(items) => match usize::try_from(i).ok().and_then(|i| items.get(i)) {
                        Some(v) => Ok(v.clone()),
                        None => fail(format!(
                            "java.lang.ArrayIndexOutOfBoundsException: Index {i} out of bounds for length {}",
                            items.len()
                        )),
                    },
                    other => cast_error(other, "scala.collection.immutable.List"),
                })
            })
        }
        Node::Widen(inner, from, to) => {
            let f = compile(inner, c);
            match widener(&c.resolve(from), &c.resolve(to)) {
                Some(w) => boxed(move |a| Ok(w(f.run(a)?))),
                None => f,
            }
        }
        Node::Math(m, args) => {
            let codes: Vec<Code> = args.iter().map(|n| compile(n, c)).collect();
            let m = m.clone();
            boxed(move |a| {
                let vals = codes
                    .iter()
                    .map(|f| f.run(a))
                    .collect::<EResult<Vec<_>>>()?;
                match (&m, vals.as_slice()) {
                    (Method::MathMax, [x, y]) => rt::math_max(x, y, true),
                    (Method::MathMin, [x, y]) => rt::math_max(x, y, false),
                    (Method::Abs, [x]) => rt::abs(x),
                    _ => fail("internal error: wrong math call"),
                }
            })
        }
        Node::Call(m, recv, args) => call(m, compile(recv, c), args, c),
        Node::Local(i) => Code::Param(*i),
        Node::Block(steps, result) => {
            // The frame is the arguments, then one slot per `val` in scope.
            let steps: Vec<(bool, Code)> = steps
                .iter()
                .map(|s| match s {
                    Step::Val(n) => (true, compile(n, c)),
                    Step::Effect(n) => (false, compile(n, c)),
                })
                .collect();
            let result = compile(result, c);
            boxed(move |a| {
                let mut frame = a.to_vec();
                for (is_val, code) in &steps {
                    let v = code.run(&frame)?;
                    if *is_val {
                        frame.push(v);
                    }
                }
                result.run(&frame)
            })
        }
        Node::State(m, arg) => {
            let cell = c.state_cell.clone();
            let m = *m;
            let arg = arg.as_ref().map(|n| compile(n, c));
            boxed(move |a| {
                let value = match &arg {
                    Some(f) => Some(f.run(a)?),
                    None => None,
                };
                let mut st = cell.borrow_mut();
                match (m, value) {
                    (StateMethod::Exists, _) => Ok(Value::Bool(st.exists())),
                    (StateMethod::IsTimingOut, _) => Ok(Value::Bool(st.is_timing_out())),
                    (StateMethod::Get, _) => st.get(),
                    (StateMethod::GetOption, _) => Ok(match st.get_option() {
                        Some(v) => Value::some(v),
                        None => Value::none(),
                    }),
                    (StateMethod::Update, Some(v)) => st.update(v).map(|()| rt::unit()),
                    (StateMethod::Remove, _) => st.remove().map(|()| rt::unit()),
                    (StateMethod::Update, None) => fail("internal error: update without a value"),
                }
            })
        }
    }
}

fn arith(op: Arith, l: Code, r: Code) -> Code {
    match op {
        Arith::Add => boxed(move |a| {
            l.with(a, |x| {
                r.with(a, |y| match (x, y) {
                    (Value::Int(p), Value::Int(q)) => Ok(Value::Int(p.wrapping_add(*q))),
                    _ => rt::arith(Arith::Add, x, y),
                })
            })
        }),
        Arith::Sub => boxed(move |a| {
            l.with(a, |x| {
                r.with(a, |y| match (x, y) {
                    (Value::Int(p), Value::Int(q)) => Ok(Value::Int(p.wrapping_sub(*q))),
                    _ => rt::arith(Arith::Sub, x, y),
                })
            })
        }),
        op => boxed(move |a| l.with(a, |x| r.with(a, |y| rt::arith(op, x, y)))),
    }
}

fn call(m: &Method, recv: Code, args: &[Node], c: &Checked) -> Code {
    let mut codes: Vec<Code> = args.iter().map(|n| compile(n, c)).collect();
    // Methods whose argument is needed once: take it out of the list.
    let arg1 = if codes.is_empty() {
        None
    } else {
        Some(codes.remove(0))
    };
    match (m, arg1) {
        (Method::Split(Some(how)), _) => {
            let how = how.clone();
            let pieces = RefCell::new(rt::Pieces::default());
            boxed(move |a| {
                recv.with(a, |v| match v {
                    Value::Str(s) => Ok(rt::split(s, &how, &mut pieces.borrow_mut())),
                    other => cast_error(other, "java.lang.String"),
                })
            })
        }
        (Method::Split(None), Some(sep)) => {
            // The separator is known only now: cache the last one prepared.
            let cache: RefCell<Option<(Rc<str>, Splitter)>> = RefCell::new(None);
            let pieces = RefCell::new(rt::Pieces::default());
            boxed(move |a| {
                let s = recv.run(a)?;
                let s = match &s {
                    Value::Str(s) => s.clone(),
                    other => return cast_error(other, "java.lang.String"),
                };
                let pattern = match sep.run(a)? {
                    Value::Str(p) => p,
                    other => return cast_error(&other, "java.lang.String"),
                };
                let mut cache = cache.borrow_mut();
                let fresh = !matches!(&*cache, Some((p, _)) if *p == pattern);
                if fresh {
                    let how = match rt::fast_split_char(&pattern) {
                        Some(ch) => Splitter::Char(ch),
                        None => match rt::java_regex(&pattern) {
                            Ok(re) => Splitter::Regex(re),
                            Err(e) => {
                                return fail(format!("java.util.regex.PatternSyntaxException: {e}"))
                            }
                        },
                    };
                    *cache = Some((pattern, how));
                }
                match &*cache {
                    Some((_, how)) => Ok(rt::split(&s, how, &mut pieces.borrow_mut())),
                    None => fail("internal error: no separator"),
                }
            })
        }
        (Method::Field(i), _) => {
            let i = *i;
            boxed(move |a| {
                recv.with(a, |v| match v {
                    Value::Tuple(items) if i < items.len() => Ok(items[i].clone()),
                    other => cast_error(other, "scala.Product"),
                })
            })
        }
        (Method::Length, _) => boxed(move |a| {
            recv.with(a, |v| match v {
                Value::Str(s) => Ok(Value::Int(rt::char_len(s) as i64)),
                Value::List(items) => Ok(Value::Int(items.len() as i64)),
                other => cast_error(other, "java.lang.CharSequence"),
            })
        }),
        (Method::IsEmpty | Method::NonEmpty | Method::IsDefined, _) => {
            let want_empty = matches!(m, Method::IsEmpty);
            boxed(move |a| {
                let empty = recv.with(a, |v| match v {
                    Value::Str(s) => Ok(s.is_empty()),
                    Value::List(items) => Ok(items.is_empty()),
                    Value::Opt(o) => Ok(o.is_none()),
                    other => cast_error(other, "scala.collection.Iterable"),
                })?;
                Ok(Value::Bool(empty == want_empty))
            })
        }
        (Method::ToUpperCase | Method::ToLowerCase | Method::Trim, _) => {
            let m = m.clone();
            boxed(move |a| {
                let v = recv.run(a)?;
                let s = as_str(&v)?;
                Ok(match m {
                    Method::ToUpperCase => Value::str(&s.to_uppercase()),
                    Method::ToLowerCase => Value::str(&s.to_lowercase()),
                    _ => {
                        let t = rt::java_trim(s);
                        if t.len() == s.len() {
                            v.clone()
                        } else {
                            Value::str(t)
                        }
                    }
                })
            })
        }
        (Method::ToInt, _) => boxed(move |a| {
            recv.with(a, |v| match v {
                Value::Str(s) => rt::parse_long(s).map(Value::Int),
                Value::Int(i) => Ok(Value::Int(*i)),
                // The JVM's (long) cast: truncation, saturating, NaN to 0 — as Rust's `as`.
                Value::Double(d) => Ok(Value::Int(*d as i64)),
                other => cast_error(other, "java.lang.Number"),
            })
        }),
        (Method::ToDouble, _) => boxed(move |a| {
            recv.with(a, |v| match v {
                Value::Str(s) => rt::parse_double(s).map(Value::Double),
                Value::Int(i) => Ok(Value::Double(*i as f64)),
                Value::Double(d) => Ok(Value::Double(*d)),
                other => cast_error(other, "java.lang.Number"),
            })
        }),
        (Method::ToString, _) => boxed(move |a| match recv.run(a)? {
            s @ Value::Str(_) => Ok(s),
            other => Ok(Value::str(&other.to_string())),
        }),
        (Method::Contains | Method::StartsWith | Method::EndsWith, Some(arg)) => {
            let m = m.clone();
            boxed(move |a| {
                let v = recv.run(a)?;
                let x = arg.run(a)?;
                Ok(Value::Bool(match (&m, &v) {
                    (Method::Contains, Value::List(items)) => {
                        items.iter().any(|i| rt::scala_eq(i, &x))
                    }
                    (Method::Contains, Value::Str(s)) => s.contains(as_str(&x)?),
                    (Method::StartsWith, Value::Str(s)) => s.starts_with(as_str(&x)?),
                    (Method::EndsWith, Value::Str(s)) => s.ends_with(as_str(&x)?),
                    (_, other) => return cast_error(other, "java.lang.String"),
                }))
            })
        }
        (Method::IndexOf | Method::LastIndexOf, Some(arg)) => {
            let last = matches!(m, Method::LastIndexOf);
            boxed(move |a| {
                let v = recv.run(a)?;
                let x = arg.run(a)?;
                Ok(Value::Int(rt::index_of(as_str(&v)?, as_str(&x)?, last)))
            })
        }
        (Method::Substring, Some(begin)) => {
            let end = codes.pop();
            boxed(move |a| {
                let v = recv.run(a)?;
                let b = as_int(&begin.run(a)?)?;
                let e = match &end {
                    Some(f) => Some(as_int(&f.run(a)?)?),
                    None => None,
                };
                rt::substring(as_str(&v)?, b, e)
            })
        }
        (Method::Replace, Some(target)) => {
            let replacement = codes.pop();
            boxed(move |a| {
                let v = recv.run(a)?;
                let t = target.run(a)?;
                let r = match &replacement {
                    Some(f) => f.run(a)?,
                    None => return fail("internal error: replace without a replacement"),
                };
                Ok(Value::str(&as_str(&v)?.replace(as_str(&t)?, as_str(&r)?)))
            })
        }
        (Method::Sum(elem), _) => {
            let zero = if c.resolve(elem) == Type::Double {
                Value::Double(0.0)
            } else {
                Value::Int(0)
            };
            boxed(move |a| match recv.run(a)? {
                Value::List(items) => rt::sum(&items, zero.clone()),
                other => cast_error(&other, "scala.collection.immutable.List"),
            })
        }
        (Method::Max | Method::Min, _) => {
            let max = matches!(m, Method::Max);
            boxed(move |a| match recv.run(a)? {
                Value::List(items) => rt::max_or_min(&items, max),
                other => cast_error(&other, "scala.collection.immutable.List"),
            })
        }
        (Method::Head | Method::Last, _) => {
            let head = matches!(m, Method::Head);
            boxed(move |a| match recv.run(a)? {
                Value::List(items) => {
                    let v = if head { items.first() } else { items.last() };
                    match v {
                        Some(v) => Ok(v.clone()),
                        None => fail(format!(
                            "java.util.NoSuchElementException: {} of empty list",
                            if head { "head" } else { "last" }
                        )),
                    }
                }
                other => cast_error(&other, "scala.collection.immutable.List"),
            })
        }
        (Method::MkString, first) => {
            // mkString(), mkString(sep) or mkString(start, sep, end).
            let mut parts: Vec<Code> = first.into_iter().chain(codes).collect();
            let end = if parts.len() == 3 { parts.pop() } else { None };
            let sep = parts.pop();
            let start = parts.pop();
            boxed(move |a| {
                let v = recv.run(a)?;
                let text = |f: &Option<Code>| -> EResult<Rc<str>> {
                    match f {
                        Some(f) => match f.run(a)? {
                            Value::Str(s) => Ok(s),
                            other => cast_error(&other, "java.lang.String"),
                        },
                        None => Ok(Rc::from("")),
                    }
                };
                let (st, se, en) = (text(&start)?, text(&sep)?, text(&end)?);
                match &v {
                    Value::List(items) => Ok(rt::mk_string(items, &st, &se, &en)),
                    other => cast_error(other, "scala.collection.immutable.List"),
                }
            })
        }
        (Method::Get, _) => boxed(move |a| match recv.run(a)? {
            Value::Opt(Some(v)) => Ok((*v).clone()),
            Value::Opt(None) => fail("java.util.NoSuchElementException: None.get"),
            other => cast_error(&other, "scala.Option"),
        }),
        (m, _) => {
            let name = format!("{m:?}");
            boxed(move |_| fail(format!("internal error: method {name} called wrongly")))
        }
    }
}

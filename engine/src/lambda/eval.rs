//! The typed tree compiled to closures specialised by the checker's types. Arguments and
//! results are [`Slot`]s: an `Int`, `Double` or `Boolean` computation runs on the machine
//! numbers (`Code::Int`, `Dbl`, `Bool`), text stays borrowed (`w.trim`, `w.substring(1)`, a
//! `toLowerCase` that changes nothing), and a `Value` is built only where one is made (a
//! tuple, a list) or asked for. Constant subtrees are evaluated once, when compiling.
//!
//! A lambda also runs as its op needs it, without building its result ([`Compiled`]): a map
//! whose body is a pair hands the pair on as its two halves (`emit`), a flatMap hands its
//! elements on one by one, a `split` its pieces borrowed from the line (`each`), a reduce
//! folds into its accumulator in place (`fold`). Types the checker could not know (the
//! records of an empty source) run through the same code on values, dispatching at run time.

use std::cell::RefCell;
use std::rc::Rc;

use super::builtins;
use super::runtime::{self as rt, cast_error, fail, EResult, Splitter, StateImpl};
use super::tree::{Arith, Cmp, Expr, Kind, Method, StateMethod, Step};
use super::EvalError;
use crate::slot::{Out, Rec, Slot};
use crate::types::Type;
use crate::value::Value;

/// What compiling needs besides the node: the cell the `State` methods use.
pub(crate) struct Ctx {
    pub state_cell: Rc<RefCell<StateImpl>>,
}

type IntFn = dyn Fn(&[Slot<'_>]) -> EResult<i64>;
type DblFn = dyn Fn(&[Slot<'_>]) -> EResult<f64>;
type BoolFn = dyn Fn(&[Slot<'_>]) -> EResult<bool>;
type AnyFn = dyn for<'a> Fn(&[Slot<'a>]) -> EResult<Out<'a>>;

/// Compiled code: the leaves (a parameter, a constant) are evaluated in place, everything
/// else through one closure of the type the checker gave the node.
pub(crate) enum Code {
    Param(usize),
    /// Element `i` of the single tuple argument (parameter untupling).
    Untupled(usize),
    Const(Value),
    Int(Box<IntFn>),
    Dbl(Box<DblFn>),
    Bool(Box<BoolFn>),
    Any(Box<AnyFn>),
}

#[cold]
fn arity_error(i: usize, got: usize) -> Box<EvalError> {
    Box::new(EvalError {
        message: format!("this lambda needs {} arguments, got {got}", i + 1),
    })
}

#[cold]
fn wrong<T>(s: Slot<'_>, wanted: &str) -> EResult<T> {
    cast_error(&s.value(), wanted)
}

#[inline(always)]
fn arg<'a>(a: &[Slot<'a>], i: usize) -> EResult<Slot<'a>> {
    match a.get(i) {
        Some(s) => Ok(*s),
        None => Err(arity_error(i, a.len())),
    }
}

/// An `Int`; a record of another class (possible only where the checker could not know its
/// type) fails as unboxing a `java.lang.Number` does.
#[inline(always)]
fn int_of(s: Slot<'_>) -> EResult<i64> {
    match s.int() {
        Some(i) => Ok(i),
        None => wrong(s, "java.lang.Number"),
    }
}

/// A number as a Double (an Int where the checker joined Int and Double).
#[inline(always)]
fn dbl_of(s: Slot<'_>) -> EResult<f64> {
    match s {
        Slot::Double(d) | Slot::Val(&Value::Double(d)) => Ok(d),
        Slot::Int(i) | Slot::Val(&Value::Int(i)) => Ok(i as f64),
        other => wrong(other, "java.lang.Number"),
    }
}

#[inline(always)]
fn bool_of(s: Slot<'_>) -> EResult<bool> {
    match s.bool() {
        Some(b) => Ok(b),
        None => wrong(s, "java.lang.Boolean"),
    }
}

#[inline(always)]
fn str_of(s: Slot<'_>) -> EResult<&str> {
    match s.str() {
        Some(t) => Ok(t),
        None => wrong(s, "java.lang.String"),
    }
}

fn const_out(v: &Value) -> Out<'static> {
    match v {
        Value::Int(i) => Out::Slot(Slot::Int(*i)),
        Value::Double(d) => Out::Slot(Slot::Double(*d)),
        Value::Bool(b) => Out::Slot(Slot::Bool(*b)),
        other => Out::Val(other.clone()),
    }
}

impl Code {
    #[inline(always)]
    pub(crate) fn run<'a>(&self, a: &[Slot<'a>]) -> EResult<Out<'a>> {
        match self {
            Code::Param(i) => arg(a, *i).map(Out::Slot),
            Code::Untupled(i) => untupled(a, *i).map(Out::Slot),
            Code::Const(v) => Ok(const_out(v)),
            Code::Int(f) => f(a).map(|i| Out::Slot(Slot::Int(i))),
            Code::Dbl(f) => f(a).map(|d| Out::Slot(Slot::Double(d))),
            Code::Bool(f) => f(a).map(|b| Out::Slot(Slot::Bool(b))),
            Code::Any(f) => f(a),
        }
    }

    #[inline(always)]
    fn int(&self, a: &[Slot<'_>]) -> EResult<i64> {
        match self {
            Code::Int(f) => f(a),
            Code::Param(i) => int_of(arg(a, *i)?),
            Code::Const(Value::Int(i)) => Ok(*i),
            other => int_of(other.run(a)?.slot()),
        }
    }

    #[inline(always)]
    fn dbl(&self, a: &[Slot<'_>]) -> EResult<f64> {
        match self {
            Code::Dbl(f) => f(a),
            Code::Int(f) => f(a).map(|i| i as f64),
            Code::Param(i) => dbl_of(arg(a, *i)?),
            Code::Const(Value::Double(d)) => Ok(*d),
            other => dbl_of(other.run(a)?.slot()),
        }
    }

    #[inline(always)]
    fn bool(&self, a: &[Slot<'_>]) -> EResult<bool> {
        match self {
            Code::Bool(f) => f(a),
            Code::Param(i) => bool_of(arg(a, *i)?),
            Code::Const(Value::Bool(b)) => Ok(*b),
            other => bool_of(other.run(a)?.slot()),
        }
    }

    /// Runs `k` on the text this code computes, borrowed.
    #[inline(always)]
    fn with_str<R>(&self, a: &[Slot<'_>], k: impl FnOnce(&str) -> EResult<R>) -> EResult<R> {
        match self {
            Code::Param(i) => k(str_of(arg(a, *i)?)?),
            Code::Const(Value::Str(s)) => k(s),
            other => {
                let o = other.run(a)?;
                k(str_of(o.slot())?)
            }
        }
    }

    /// Runs `k` on the value this code computes, borrowed where it can be.
    #[inline(always)]
    fn with_value<R>(&self, a: &[Slot<'_>], k: impl FnOnce(&Value) -> EResult<R>) -> EResult<R> {
        match self {
            Code::Const(v) => k(v),
            other => {
                let o = other.run(a)?;
                k(&o.slot().value())
            }
        }
    }
}

#[inline(always)]
fn untupled<'a>(a: &[Slot<'a>], i: usize) -> EResult<Slot<'a>> {
    let first = arg(a, 0)?;
    match first.field(i) {
        Some(s) => Ok(s),
        None => wrong(first, "scala.Product"),
    }
}

fn int(f: impl Fn(&[Slot<'_>]) -> EResult<i64> + 'static) -> Code {
    Code::Int(Box::new(f))
}
fn dbl(f: impl Fn(&[Slot<'_>]) -> EResult<f64> + 'static) -> Code {
    Code::Dbl(Box::new(f))
}
fn boolean(f: impl Fn(&[Slot<'_>]) -> EResult<bool> + 'static) -> Code {
    Code::Bool(Box::new(f))
}
fn any(f: impl for<'a> Fn(&[Slot<'a>]) -> EResult<Out<'a>> + 'static) -> Code {
    Code::Any(Box::new(f))
}

/// A converter from values of type `from` to `to` where Ints become Doubles, or `None` when
/// nothing changes.
type Widener = Rc<dyn Fn(Value) -> Value>;

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

/// Whether `node` reads nothing of a call (no parameter, `val` or `State`): its value is
/// the same on every call.
fn is_constant(node: &Expr) -> bool {
    match &node.kind {
        Kind::Param(_) | Kind::Untupled(_) | Kind::Local(_) | Kind::State(..) => false,
        _ => node.children().into_iter().all(is_constant),
    }
}

/// Compiles `node`. A constant subtree is evaluated now, unless that fails (then it fails
/// on every call, as it would have).
pub(crate) fn compile(node: &Expr, c: &Ctx) -> Code {
    let code = compile_node(node, c);
    if matches!(code, Code::Const(_)) || !is_constant(node) {
        return code;
    }
    match code.run(&[]) {
        Ok(v) => Code::Const(v.into_value()),
        Err(_) => code,
    }
}

fn both_int(l: &Expr, r: &Expr) -> bool {
    l.ty == Type::Int && r.ty == Type::Int
}

fn both_numeric(l: &Expr, r: &Expr) -> bool {
    l.ty.is_numeric() && r.ty.is_numeric()
}

fn compile_node(node: &Expr, c: &Ctx) -> Code {
    match &node.kind {
        Kind::Lit(v) => Code::Const(v.clone()),
        Kind::Param(i) | Kind::Local(i) => Code::Param(*i),
        Kind::Untupled(i) => Code::Untupled(*i),
        Kind::Tuple(items) => {
            let codes: Vec<Code> = items.iter().map(|n| compile(n, c)).collect();
            match <[Code; 2]>::try_from(codes) {
                Ok([x, y]) => any(move |a| {
                    Ok(Out::Val(Value::pair(
                        x.run(a)?.into_value(),
                        y.run(a)?.into_value(),
                    )))
                }),
                Err(codes) => any(move |a| {
                    let items = codes
                        .iter()
                        .map(|f| f.run(a).map(Out::into_value))
                        .collect::<EResult<Vec<_>>>()?;
                    Ok(Out::Val(Value::Tuple(Rc::from(items))))
                }),
            }
        }
        Kind::List(items) => {
            let codes: Vec<Code> = items.iter().map(|n| compile(n, c)).collect();
            any(move |a| {
                let items = codes
                    .iter()
                    .map(|f| f.run(a).map(Out::into_value))
                    .collect::<EResult<Vec<_>>>()?;
                Ok(Out::Val(Value::List(Rc::from(items))))
            })
        }
        Kind::Some(inner) => {
            let f = compile(inner, c);
            any(move |a| Ok(Out::Val(Value::some(f.run(a)?.into_value()))))
        }
        Kind::Neg(inner) => {
            let f = compile(inner, c);
            match node.ty {
                Type::Int => int(move |a| Ok(f.int(a)?.wrapping_neg())),
                Type::Double => dbl(move |a| Ok(-f.dbl(a)?)),
                _ => any(move |a| f.with_value(a, rt::neg).map(Out::Val)),
            }
        }
        Kind::Not(inner) => {
            let f = compile(inner, c);
            boolean(move |a| Ok(!f.bool(a)?))
        }
        Kind::Arith(op, l, r) => arith(*op, node, l, r, c),
        Kind::Cmp(op, l, r) => {
            let (op, lc, rc) = (*op, compile(l, c), compile(r, c));
            let order = move |o: Option<std::cmp::Ordering>| {
                o.is_some_and(|o| match op {
                    Cmp::Lt => o.is_lt(),
                    Cmp::Le => o.is_le(),
                    Cmp::Gt => o.is_gt(),
                    Cmp::Ge => o.is_ge(),
                })
            };
            if both_int(l, r) {
                boolean(move |a| Ok(order(Some(lc.int(a)?.cmp(&rc.int(a)?)))))
            } else if both_numeric(l, r) {
                boolean(move |a| Ok(order(lc.dbl(a)?.partial_cmp(&rc.dbl(a)?))))
            } else if l.ty == Type::String && r.ty == Type::String {
                boolean(move |a| {
                    lc.with_str(a, |x| {
                        rc.with_str(a, |y| Ok(order(Some(rt::java_cmp(x, y)))))
                    })
                })
            } else {
                boolean(move |a| lc.with_value(a, |x| rc.with_value(a, |y| rt::compare(op, x, y))))
            }
        }
        Kind::Eq(negate, l, r) => {
            let (negate, lc, rc) = (*negate, compile(l, c), compile(r, c));
            if both_int(l, r) {
                boolean(move |a| Ok((lc.int(a)? == rc.int(a)?) != negate))
            } else if both_numeric(l, r) {
                // IEEE: NaN is not equal to itself, -0.0 equals 0.0.
                boolean(move |a| Ok((lc.dbl(a)? == rc.dbl(a)?) != negate))
            } else if l.ty == Type::String && r.ty == Type::String {
                boolean(move |a| lc.with_str(a, |x| rc.with_str(a, |y| Ok((x == y) != negate))))
            } else {
                boolean(move |a| {
                    lc.with_value(a, |x| {
                        rc.with_value(a, |y| Ok(rt::scala_eq(x, y) != negate))
                    })
                })
            }
        }
        Kind::And(l, r) => {
            let (l, r) = (compile(l, c), compile(r, c));
            boolean(move |a| Ok(l.bool(a)? && r.bool(a)?))
        }
        Kind::Or(l, r) => {
            let (l, r) = (compile(l, c), compile(r, c));
            boolean(move |a| Ok(l.bool(a)? || r.bool(a)?))
        }
        Kind::If(cond, then, els) => {
            let (cond, t, e) = (compile(cond, c), compile(then, c), compile(els, c));
            match node.ty {
                Type::Int => int(move |a| if cond.bool(a)? { t.int(a) } else { e.int(a) }),
                Type::Double => dbl(move |a| if cond.bool(a)? { t.dbl(a) } else { e.dbl(a) }),
                Type::Boolean => {
                    boolean(move |a| if cond.bool(a)? { t.bool(a) } else { e.bool(a) })
                }
                _ => any(move |a| if cond.bool(a)? { t.run(a) } else { e.run(a) }),
            }
        }
        Kind::GetOrElse(opt, default) => {
            let (opt, default) = (compile(opt, c), compile(default, c));
            any(move |a| match opt.run(a)? {
                Out::Slot(Slot::Val(Value::Opt(o))) => match o {
                    Some(v) => Ok(Out::Slot(Slot::of(v))),
                    None => default.run(a),
                },
                Out::Val(Value::Opt(o)) => match o {
                    Some(v) => Ok(Out::Val((*v).clone())),
                    None => default.run(a),
                },
                other => cast_error(&other.into_value(), "scala.Option"),
            })
        }
        Kind::Index(list, index) => {
            let (list, index) = (compile(list, c), compile(index, c));
            any(move |a| {
                let i = index.int(a)?;
                let at = |items: &[Value]| {
                    match usize::try_from(i).ok().and_then(|i| items.get(i))
                {
                    Some(_) => Ok(i as usize),
                    None => fail(format!(
                        "java.lang.ArrayIndexOutOfBoundsException: Index {i} out of bounds for length {}",
                        items.len()
                    )),
                }
                };
                match list.run(a)? {
                    Out::Slot(Slot::Val(Value::List(items))) => {
                        Ok(Out::Slot(Slot::of(&items[at(items)?])))
                    }
                    Out::Val(Value::List(items)) => Ok(Out::Val(items[at(&items)?].clone())),
                    other => cast_error(&other.into_value(), "scala.collection.immutable.List"),
                }
            })
        }
        Kind::Widen(inner) => {
            let f = compile(inner, c);
            match (&inner.ty, &node.ty) {
                (Type::Int, Type::Double) => dbl(move |a| f.dbl(a)),
                (from, to) => match widener(from, to) {
                    Some(w) => any(move |a| Ok(Out::Val(w(f.run(a)?.into_value())))),
                    None => f,
                },
            }
        }
        Kind::Math(m, args) => {
            let codes: Vec<Code> = args.iter().map(|n| compile(n, c)).collect();
            let m = *m;
            match (m, node.ty == Type::Int, codes.as_slice()) {
                (Method::MathMax | Method::MathMin, true, [_, _]) => {
                    let mut codes = codes;
                    let (y, x) = (codes.pop(), codes.pop());
                    match (x, y) {
                        (Some(x), Some(y)) if m == Method::MathMax => {
                            int(move |a| Ok(x.int(a)?.max(y.int(a)?)))
                        }
                        (Some(x), Some(y)) => int(move |a| Ok(x.int(a)?.min(y.int(a)?))),
                        _ => any(|_| fail("internal error: wrong math call")),
                    }
                }
                (Method::Abs, true, [_]) => {
                    let mut codes = codes;
                    match codes.pop() {
                        // Math.abs(Long.MIN_VALUE) is Long.MIN_VALUE.
                        Some(x) => int(move |a| Ok(x.int(a)?.wrapping_abs())),
                        None => any(|_| fail("internal error: wrong math call")),
                    }
                }
                _ => any(move |a| {
                    let vals = codes
                        .iter()
                        .map(|f| f.run(a).map(Out::into_value))
                        .collect::<EResult<Vec<_>>>()?;
                    match vals.split_first() {
                        Some((first, rest)) => builtins::run(m, first, rest).map(Out::Val),
                        None => fail("internal error: wrong math call"),
                    }
                }),
            }
        }
        Kind::Call(m, recv, args) => call(*m, node, recv, args, c),
        Kind::Block(steps, result) => {
            // The frame is the arguments, then one slot per `val` in scope.
            let steps: Vec<(bool, Code)> = steps
                .iter()
                .map(|s| match s {
                    Step::Val(n) => (true, compile(n, c)),
                    Step::Effect(n) => (false, compile(n, c)),
                })
                .collect();
            let result = compile(result, c);
            any(move |a| {
                let mut vals: Vec<Out<'static>> = Vec::new();
                for (is_val, code) in &steps {
                    let frame = frame_with(a, &vals);
                    let v = code.run(&frame)?.into_owned();
                    if *is_val {
                        vals.push(v);
                    }
                }
                let frame = frame_with(a, &vals);
                let r = result.run(&frame)?.into_owned();
                Ok(r)
            })
        }
        Kind::State(m, arg) => {
            let cell = c.state_cell.clone();
            let m = *m;
            let arg = arg.as_ref().map(|n| compile(n, c));
            any(move |a| {
                let value = match &arg {
                    Some(f) => Some(f.run(a)?.into_value()),
                    None => None,
                };
                let mut st = cell.borrow_mut();
                let v = match (m, value) {
                    (StateMethod::Exists, _) => Value::Bool(st.exists()),
                    (StateMethod::IsTimingOut, _) => Value::Bool(st.is_timing_out()),
                    (StateMethod::Get, _) => st.get()?,
                    (StateMethod::GetOption, _) => match st.get_option() {
                        Some(v) => Value::some(v),
                        None => Value::none(),
                    },
                    (StateMethod::Update, Some(v)) => st.update(v).map(|()| rt::unit())?,
                    (StateMethod::Remove, _) => st.remove().map(|()| rt::unit())?,
                    (StateMethod::Update, None) => {
                        return fail("internal error: update without a value")
                    }
                };
                Ok(Out::Val(v))
            })
        }
    }
}

/// The arguments followed by the block's `val`s so far.
fn frame_with<'f>(a: &[Slot<'f>], vals: &'f [Out<'static>]) -> Vec<Slot<'f>> {
    let mut frame = Vec::with_capacity(a.len() + vals.len());
    frame.extend_from_slice(a);
    frame.extend(vals.iter().map(Out::slot));
    frame
}

/// An `Int` closure of two operands computing `$body` from `$x` and `$y`, specialised for
/// operands that are parameters or constants, so that `a + b` reads its arguments in place.
macro_rules! int2 {
    ($l:expr, $r:expr, |$x:ident, $y:ident| $body:expr) => {
        match ($l, $r) {
            (Code::Param(i), Code::Param(j)) => int(move |a| {
                let $x = int_of(arg(a, i)?)?;
                let $y = int_of(arg(a, j)?)?;
                $body
            }),
            (Code::Param(i), Code::Const(Value::Int(c))) => int(move |a| {
                let $x = int_of(arg(a, i)?)?;
                let $y = c;
                $body
            }),
            (l, r) => int(move |a| {
                let $x = l.int(a)?;
                let $y = r.int(a)?;
                $body
            }),
        }
    };
}

/// A `Double` closure of two operands, as [`int2`].
macro_rules! dbl2 {
    ($l:expr, $r:expr, |$x:ident, $y:ident| $body:expr) => {
        match ($l, $r) {
            (Code::Param(i), Code::Param(j)) => dbl(move |a| {
                let $x = dbl_of(arg(a, i)?)?;
                let $y = dbl_of(arg(a, j)?)?;
                $body
            }),
            (l, r) => dbl(move |a| {
                let $x = l.dbl(a)?;
                let $y = r.dbl(a)?;
                $body
            }),
        }
    };
}

fn arith(op: Arith, node: &Expr, l: &Expr, r: &Expr, c: &Ctx) -> Code {
    let (lc, rc) = (compile(l, c), compile(r, c));
    const DIV_ZERO: &str = "java.lang.ArithmeticException: / by zero";
    if node.ty == Type::Int && both_int(l, r) {
        return match op {
            Arith::Add => int2!(lc, rc, |x, y| Ok(x.wrapping_add(y))),
            Arith::Sub => int2!(lc, rc, |x, y| Ok(x.wrapping_sub(y))),
            Arith::Mul => int2!(lc, rc, |x, y| Ok(x.wrapping_mul(y))),
            Arith::Div => int2!(lc, rc, |x, y| if y == 0 {
                fail(DIV_ZERO)
            } else {
                Ok(x.wrapping_div(y))
            }),
            Arith::Rem => int2!(lc, rc, |x, y| if y == 0 {
                fail(DIV_ZERO)
            } else {
                Ok(x.wrapping_rem(y))
            }),
        };
    }
    if node.ty == Type::Double && both_numeric(l, r) {
        return match op {
            Arith::Add => dbl2!(lc, rc, |x, y| Ok(x + y)),
            Arith::Sub => dbl2!(lc, rc, |x, y| Ok(x - y)),
            Arith::Mul => dbl2!(lc, rc, |x, y| Ok(x * y)),
            Arith::Div => dbl2!(lc, rc, |x, y| Ok(x / y)),
            // Rust's `%` on f64 is C's fmod, as Java's: the sign of the dividend.
            Arith::Rem => dbl2!(lc, rc, |x, y| Ok(x % y)),
        };
    }
    if op == Arith::Add && l.ty == Type::String && r.ty == Type::String {
        return any(move |a| {
            lc.with_str(a, |x| {
                rc.with_str(a, |y| {
                    let mut s = String::with_capacity(x.len() + y.len());
                    s.push_str(x);
                    s.push_str(y);
                    Ok(Out::Val(Value::Str(Rc::from(s))))
                })
            })
        });
    }
    any(move |a| {
        lc.with_value(a, |x| {
            rc.with_value(a, |y| rt::arith(op, x, y).map(Out::Val))
        })
    })
}

/// `recv`'s text made into `f`'s part of it: borrowed from the same place as `recv`'s.
fn sliced<'a>(
    recv: Out<'a>,
    f: impl FnOnce(&str) -> EResult<std::ops::Range<usize>>,
) -> EResult<Out<'a>> {
    match recv {
        Out::Slot(s) => {
            let t: &'a str = str_of(s)?;
            let r = f(t)?;
            if r.len() == t.len() {
                return Ok(Out::Slot(s));
            }
            Ok(Out::Slot(Slot::Str(&t[r])))
        }
        Out::Val(v) => {
            let t = str_of(Slot::Val(&v))?;
            let r = f(t)?;
            if r.len() == t.len() {
                return Ok(Out::Val(v));
            }
            Ok(Out::Val(Value::str(&t[r])))
        }
    }
}

/// `recv`'s text through `f`, which returns `None` when the text would not change (then the
/// result is `recv` itself, still borrowed).
fn mapped<'a>(recv: Out<'a>, f: impl FnOnce(&str) -> Option<String>) -> EResult<Out<'a>> {
    let changed = f(str_of(recv.slot())?);
    Ok(match changed {
        None => recv,
        Some(s) => Out::Val(Value::Str(Rc::from(s))),
    })
}

/// `toLowerCase` / `toUpperCase`, or `None` when nothing changes.
fn recase(s: &str, upper: bool) -> Option<String> {
    if s.is_ascii() {
        let needs = if upper {
            s.bytes().any(|b| b.is_ascii_lowercase())
        } else {
            s.bytes().any(|b| b.is_ascii_uppercase())
        };
        return needs.then(|| {
            if upper {
                s.to_ascii_uppercase()
            } else {
                s.to_ascii_lowercase()
            }
        });
    }
    let t = if upper {
        s.to_uppercase()
    } else {
        s.to_lowercase()
    };
    (t != s).then_some(t)
}

fn call(m: Method, node: &Expr, recv: &Expr, args: &[Expr], c: &Ctx) -> Code {
    let on_string = recv.ty == Type::String;
    let rc = compile(recv, c);
    let mut codes: Vec<Code> = args.iter().map(|n| compile(n, c)).collect();
    match (m, on_string) {
        (Method::Split | Method::SplitChar, _) => split(m, rc, args, codes),
        (Method::Field(i), _) => any(move |a| match rc.run(a)? {
            Out::Slot(s) => match s.field(i) {
                Some(f) => Ok(Out::Slot(f)),
                None => wrong(s, "scala.Product"),
            },
            Out::Val(Value::Tuple(items)) if i < items.len() => Ok(Out::Val(items[i].clone())),
            Out::Val(other) => cast_error(&other, "scala.Product"),
        }),
        (Method::Length, true) => int(move |a| rc.with_str(a, |s| Ok(rt::char_len(s) as i64))),
        (Method::IsEmpty | Method::NonEmpty, true) => {
            let want = m == Method::IsEmpty;
            boolean(move |a| rc.with_str(a, |s| Ok(s.is_empty() == want)))
        }
        (Method::ToLowerCase | Method::ToUpperCase, true) => {
            let upper = m == Method::ToUpperCase;
            any(move |a| mapped(rc.run(a)?, |s| recase(s, upper)))
        }
        (Method::Trim, true) => any(move |a| {
            sliced(rc.run(a)?, |s| {
                let t = rt::java_trim(s);
                let start = t.as_ptr() as usize - s.as_ptr() as usize;
                Ok(start..start + t.len())
            })
        }),
        (Method::Substring, true) => {
            let end = if codes.len() == 2 { codes.pop() } else { None };
            let begin = codes.pop();
            any(move |a| {
                let b = match &begin {
                    Some(b) => b.int(a)?,
                    None => return fail("internal error: substring without a start"),
                };
                let e = match &end {
                    Some(e) => Some(e.int(a)?),
                    None => None,
                };
                sliced(rc.run(a)?, |s| rt::substring_range(s, b, e))
            })
        }
        (Method::Contains | Method::StartsWith | Method::EndsWith, true)
            if args.first().is_some_and(|x| x.ty == Type::String) =>
        {
            let x = codes.pop();
            boolean(move |a| {
                let Some(x) = &x else {
                    return fail("internal error: a method without its argument");
                };
                rc.with_str(a, |s| {
                    x.with_str(a, |t| {
                        Ok(match m {
                            Method::Contains => s.contains(t),
                            Method::StartsWith => s.starts_with(t),
                            _ => s.ends_with(t),
                        })
                    })
                })
            })
        }
        (Method::IndexOf | Method::LastIndexOf, true) => {
            let (x, last) = (codes.pop(), m == Method::LastIndexOf);
            int(move |a| {
                let Some(x) = &x else {
                    return fail("internal error: a method without its argument");
                };
                rc.with_str(a, |s| x.with_str(a, |t| Ok(rt::index_of(s, t, last))))
            })
        }
        (Method::ToInt, true) => int(move |a| rc.with_str(a, rt::parse_long)),
        (Method::ToDouble, true) => dbl(move |a| rc.with_str(a, rt::parse_double)),
        (Method::ToInt, false) if recv.ty == Type::Int => rc,
        // The JVM's (long) cast: truncation, saturating, NaN to 0 — as Rust's `as`.
        (Method::ToInt, false) if recv.ty == Type::Double => int(move |a| Ok(rc.dbl(a)? as i64)),
        (Method::ToDouble, false) if recv.ty.is_numeric() => dbl(move |a| rc.dbl(a)),
        (Method::ToString, true) => rc,
        (Method::Sum, _) => {
            // The zero of the element type.
            let zero = if node.ty == Type::Double {
                Value::Double(0.0)
            } else {
                Value::Int(0)
            };
            any(move |a| {
                rc.with_value(a, |v| builtins::run(m, v, std::slice::from_ref(&zero)))
                    .map(Out::Val)
            })
        }
        _ if codes.is_empty() => {
            any(move |a| rc.with_value(a, |v| builtins::run(m, v, &[])).map(Out::Val))
        }
        _ => any(move |a| {
            let v = rc.run(a)?;
            let vals = codes
                .iter()
                .map(|f| f.run(a).map(Out::into_value))
                .collect::<EResult<Vec<_>>>()?;
            builtins::run(m, &v.slot().value(), &vals).map(Out::Val)
        }),
    }
}

/// How a `split` finds its separator: prepared once for a literal, else when it changes.
enum Sep {
    Fixed(Splitter),
    Dynamic(Code, RefCell<Option<(Rc<str>, Splitter)>>),
}

impl Sep {
    fn of(m: Method, args: &[Expr], mut codes: Vec<Code>) -> EResult<Sep> {
        match (args, m) {
            ([p], Method::SplitChar) => match &p.kind {
                Kind::Lit(Value::Str(s)) => match s.chars().next() {
                    Some(ch) => Ok(Sep::Fixed(Splitter::Char(ch))),
                    None => fail("internal error: an empty character"),
                },
                _ => fail("internal error: split on a character that is no literal"),
            },
            ([p], _) => match &p.kind {
                Kind::Lit(Value::Str(s)) => rt::splitter(s).map(Sep::Fixed),
                _ => match codes.pop() {
                    Some(code) => Ok(Sep::Dynamic(code, RefCell::new(None))),
                    None => fail("internal error: split without a pattern"),
                },
            },
            _ => fail("internal error: split takes one pattern"),
        }
    }

    /// Runs `k` with the splitter for this call.
    fn with<R>(&self, a: &[Slot<'_>], k: impl FnOnce(&Splitter) -> EResult<R>) -> EResult<R> {
        match self {
            Sep::Fixed(how) => k(how),
            Sep::Dynamic(code, cache) => {
                let pattern = match code.run(a)?.into_value() {
                    Value::Str(p) => p,
                    other => return cast_error(&other, "java.lang.String"),
                };
                let mut cache = cache.borrow_mut();
                if !matches!(&*cache, Some((p, _)) if *p == pattern) {
                    *cache = Some((pattern.clone(), rt::splitter(&pattern)?));
                }
                match &*cache {
                    Some((_, how)) => k(how),
                    None => fail("internal error: no separator"),
                }
            }
        }
    }
}

fn split(m: Method, rc: Code, args: &[Expr], codes: Vec<Code>) -> Code {
    let sep = match Sep::of(m, args, codes) {
        Ok(sep) => sep,
        Err(e) => return any(move |_| Err(e.clone())),
    };
    let pieces = RefCell::new(rt::Pieces::default());
    any(move |a| {
        // The receiver first, as the JVM evaluates it.
        let r = rc.run(a)?;
        let s: Rc<str> = match r.slot() {
            Slot::Val(Value::Str(s)) => s.clone(),
            other => Rc::from(str_of(other)?),
        };
        sep.with(a, |how| {
            Ok(Out::Val(rt::split(&s, how, &mut pieces.borrow_mut())))
        })
    })
}

/// A lambda as its ops run it: the code of its body, and the forms that hand a pair or
/// elements on without building them.
pub(crate) struct Compiled {
    pub code: Code,
    /// A body of `Int` arithmetic over two `Int` parameters, on machine numbers (a reduce).
    int2: Option<Box<Int2>>,
    /// The two halves of a body that is a pair.
    pair: Option<(Half, Half)>,
    each: Each,
}

type Int2 = dyn Fn(i64, i64) -> EResult<i64>;

/// An operand of an [`int2`] function: the parameters and literals are read in place.
enum I2 {
    A,
    B,
    Lit(i64),
    Fn(Box<Int2>),
}

impl I2 {
    #[inline(always)]
    fn at(&self, a: i64, b: i64) -> EResult<i64> {
        match self {
            I2::A => Ok(a),
            I2::B => Ok(b),
            I2::Lit(c) => Ok(*c),
            I2::Fn(f) => f(a, b),
        }
    }

    fn into_fn(self) -> Box<Int2> {
        match self {
            I2::A => Box::new(|a, _| Ok(a)),
            I2::B => Box::new(|_, b| Ok(b)),
            I2::Lit(c) => Box::new(move |_, _| Ok(c)),
            I2::Fn(f) => f,
        }
    }
}

/// `node` as a function of the two `Int` parameters, if it is made only of them, `Int`
/// literals and `Int` arithmetic (`_ + _`, `(a, b) => a * 2 + b`, `math.max(a, b)`).
fn int2(node: &Expr) -> Option<Box<Int2>> {
    int2_operand(node).map(I2::into_fn)
}

fn int2_operand(node: &Expr) -> Option<I2> {
    if node.ty != Type::Int {
        return None;
    }
    const DIV_ZERO: &str = "java.lang.ArithmeticException: / by zero";
    Some(match &node.kind {
        Kind::Param(0) => I2::A,
        Kind::Param(1) => I2::B,
        Kind::Lit(Value::Int(c)) => I2::Lit(*c),
        Kind::Neg(x) => {
            let x = int2_operand(x)?;
            I2::Fn(Box::new(move |a, b| Ok(x.at(a, b)?.wrapping_neg())))
        }
        Kind::Arith(op, l, r) => {
            let (l, r) = (int2_operand(l)?, int2_operand(r)?);
            I2::Fn(match op {
                Arith::Add => Box::new(move |a, b| Ok(l.at(a, b)?.wrapping_add(r.at(a, b)?))),
                Arith::Sub => Box::new(move |a, b| Ok(l.at(a, b)?.wrapping_sub(r.at(a, b)?))),
                Arith::Mul => Box::new(move |a, b| Ok(l.at(a, b)?.wrapping_mul(r.at(a, b)?))),
                Arith::Div => Box::new(move |a, b| match (l.at(a, b)?, r.at(a, b)?) {
                    (_, 0) => fail(DIV_ZERO),
                    (x, y) => Ok(x.wrapping_div(y)),
                }),
                Arith::Rem => Box::new(move |a, b| match (l.at(a, b)?, r.at(a, b)?) {
                    (_, 0) => fail(DIV_ZERO),
                    (x, y) => Ok(x.wrapping_rem(y)),
                }),
            })
        }
        Kind::Math(m @ (Method::MathMax | Method::MathMin), xs) if xs.len() == 2 => {
            let (l, r, max) = (
                int2_operand(&xs[0])?,
                int2_operand(&xs[1])?,
                *m == Method::MathMax,
            );
            I2::Fn(Box::new(move |a, b| {
                let (x, y) = (l.at(a, b)?, r.at(a, b)?);
                Ok(if max { x.max(y) } else { x.min(y) })
            }))
        }
        _ => return None,
    })
}

/// A half of a pair result: a parameter and a constant are handed on as they are.
enum Half {
    Param(usize),
    Const(Value),
    Code(Code),
}

impl Half {
    fn of(code: Code) -> Half {
        match code {
            Code::Param(i) => Half::Param(i),
            Code::Const(v) => Half::Const(v),
            other => Half::Code(other),
        }
    }
}

/// How a flatMap's lambda hands out its elements.
enum Each {
    /// `recv.split(sep)`: the pieces, borrowed from `recv`'s text.
    Split(Code, Sep),
    /// `List(a, b, …)`: each item.
    List(Vec<Code>),
    /// Anything else: the elements of the List (or Option) it evaluates to.
    Value,
}

impl Compiled {
    pub(crate) fn new(body: &Expr, c: &Ctx) -> Compiled {
        let code = compile(body, c);
        let pair = match &body.kind {
            Kind::Tuple(items) if items.len() == 2 && !matches!(code, Code::Const(_)) => Some((
                Half::of(compile(&items[0], c)),
                Half::of(compile(&items[1], c)),
            )),
            _ => None,
        };
        let each = match &body.kind {
            Kind::Call(m @ (Method::Split | Method::SplitChar), recv, args) => {
                let codes = args.iter().map(|n| compile(n, c)).collect();
                match Sep::of(*m, args, codes) {
                    Ok(sep) => Each::Split(compile(recv, c), sep),
                    Err(_) => Each::Value,
                }
            }
            Kind::List(items) if !matches!(code, Code::Const(_)) => {
                Each::List(items.iter().map(|n| compile(n, c)).collect())
            }
            _ => Each::Value,
        };
        let int2 = int2(body);
        Compiled {
            code,
            int2,
            pair,
            each,
        }
    }

    /// The result, borrowed from the arguments where it can be.
    #[inline]
    pub(crate) fn eval<'a>(&self, a: &[Slot<'a>]) -> EResult<Out<'a>> {
        self.code.run(a)
    }

    /// Hands the result to `k` as a record, a pair as its two halves.
    #[inline]
    pub(crate) fn emit(
        &self,
        a: &[Slot<'_>],
        k: &mut dyn FnMut(Rec<'_>) -> EResult<()>,
    ) -> EResult<()> {
        match &self.pair {
            Some((x, y)) => {
                let (ox, oy);
                let sx = match x {
                    Half::Param(i) => arg(a, *i)?,
                    Half::Const(v) => Slot::of(v),
                    Half::Code(c) => {
                        ox = c.run(a)?;
                        ox.slot()
                    }
                };
                let sy = match y {
                    Half::Param(i) => arg(a, *i)?,
                    Half::Const(v) => Slot::of(v),
                    Half::Code(c) => {
                        oy = c.run(a)?;
                        oy.slot()
                    }
                };
                k(Rec::Pair(sx, sy))
            }
            None => {
                let o = self.code.run(a)?;
                k(Rec::One(o.slot()))
            }
        }
    }

    /// Hands each element of the result (a List, an Option) to `k`, in order.
    pub(crate) fn each(
        &self,
        a: &[Slot<'_>],
        k: &mut dyn FnMut(Rec<'_>) -> EResult<()>,
    ) -> EResult<()> {
        match &self.each {
            Each::Split(recv, sep) => {
                let r = recv.run(a)?;
                let s = str_of(r.slot())?;
                sep.with(a, |how| {
                    rt::split_each(s, how, |p| k(Rec::One(Slot::Str(p))))
                })
            }
            Each::List(items) => {
                for item in items {
                    let o = item.run(a)?;
                    k(Rec::One(o.slot()))?;
                }
                Ok(())
            }
            Each::Value => {
                let o = self.code.run(a)?;
                match o.slot() {
                    Slot::Val(Value::List(items) | Value::Tuple(items)) => {
                        for item in items.iter() {
                            k(Rec::One(Slot::of(item)))?;
                        }
                        Ok(())
                    }
                    Slot::Val(Value::Opt(None)) => Ok(()),
                    Slot::Val(Value::Opt(Some(x))) => k(Rec::One(Slot::of(x))),
                    other => fail(format!("expected a List, got {}", other.value())),
                }
            }
        }
    }

    /// The result as a Boolean.
    #[inline]
    pub(crate) fn test(&self, a: &[Slot<'_>]) -> EResult<bool> {
        self.code.bool(a)
    }

    /// `acc = f(acc, v)`, an `Int` accumulator updated in place.
    #[inline]
    pub(crate) fn fold(&self, acc: &mut Value, v: Slot<'_>) -> EResult<()> {
        if let (Value::Int(x), Some(f), Some(y)) = (&mut *acc, &self.int2, v.int()) {
            *x = f(*x, y)?;
            return Ok(());
        }
        if let (Value::Int(x), Code::Int(f)) = (&mut *acc, &self.code) {
            *x = f(&[Slot::Int(*x), v])?;
            return Ok(());
        }
        let next = self.code.run(&[Slot::of(acc), v])?.into_value();
        *acc = next;
        Ok(())
    }
}

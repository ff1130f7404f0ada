//! The built-in methods, once: each name with the receiver it belongs to, the arguments it
//! takes and what it returns ([`BUILTINS`], which the checker reads), and what each does on
//! values ([`run`], which the compiled code calls where it has no faster form).

use std::rc::Rc;

use super::runtime::{self as rt, as_int, as_str, cast_error, fail, EResult};
use super::tree::Method;
use crate::value::Value;

/// The type a method is called on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    String,
    List,
    Option,
    /// `Int` or `Double`.
    Number,
    /// Every value.
    Any,
    /// `math.…`, no receiver.
    Math,
}

/// What a method's arguments must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Args {
    None,
    Strings,
    /// Strings, or `'c'` character literals (Java's `char` overloads).
    StringsOrChars,
    Ints,
    /// One value of the List's element type (joined with it: `List(1).contains(1.5)`).
    Element,
    /// A regex, or a `'c'` literal (then split on that character literally).
    Pattern,
    /// The default of `getOrElse`, joined with the Option's element type.
    Default,
    /// Numbers, joined into one type (`math.max(1, 2.5)` is a Double).
    Numbers,
}

/// What a method returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    Int,
    Double,
    Boolean,
    String,
    /// `List[String]`.
    Strings,
    /// The List's or Option's element type.
    Element,
    /// The element type, which must be a number (`sum`), or a number or String (`max`).
    NumericElement,
    /// The joined type of the arguments (`math.max`), or of the element and the default.
    Joined,
}

/// One built-in method.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub on: On,
    pub method: Method,
    /// The numbers of arguments it takes (`None`: a field-like method written without `()`
    /// is the same as with an empty `()`).
    pub arity: &'static [usize],
    pub args: Args,
    pub returns: Returns,
}

const fn b(
    name: &'static str,
    on: On,
    method: Method,
    arity: &'static [usize],
    args: Args,
    returns: Returns,
) -> Builtin {
    Builtin {
        name,
        on,
        method,
        arity,
        args,
        returns,
    }
}

use Args as A;
use Method as M;
use On as O;
use Returns as R;

/// Every built-in method. A name may appear for several receivers.
pub const BUILTINS: &[Builtin] = &[
    b("length", O::String, M::Length, &[0], A::None, R::Int),
    b("size", O::String, M::Length, &[0], A::None, R::Int),
    b(
        "toUpperCase",
        O::String,
        M::ToUpperCase,
        &[0],
        A::None,
        R::String,
    ),
    b(
        "toLowerCase",
        O::String,
        M::ToLowerCase,
        &[0],
        A::None,
        R::String,
    ),
    b("trim", O::String, M::Trim, &[0], A::None, R::String),
    b("split", O::String, M::Split, &[1], A::Pattern, R::Strings),
    b(
        "contains",
        O::String,
        M::Contains,
        &[1],
        A::Strings,
        R::Boolean,
    ),
    b(
        "startsWith",
        O::String,
        M::StartsWith,
        &[1],
        A::Strings,
        R::Boolean,
    ),
    b(
        "endsWith",
        O::String,
        M::EndsWith,
        &[1],
        A::Strings,
        R::Boolean,
    ),
    b(
        "substring",
        O::String,
        M::Substring,
        &[1, 2],
        A::Ints,
        R::String,
    ),
    b(
        "replace",
        O::String,
        M::Replace,
        &[2],
        A::StringsOrChars,
        R::String,
    ),
    b(
        "indexOf",
        O::String,
        M::IndexOf,
        &[1],
        A::StringsOrChars,
        R::Int,
    ),
    b(
        "lastIndexOf",
        O::String,
        M::LastIndexOf,
        &[1],
        A::StringsOrChars,
        R::Int,
    ),
    b("toInt", O::String, M::ToInt, &[0], A::None, R::Int),
    b("toDouble", O::String, M::ToDouble, &[0], A::None, R::Double),
    b("isEmpty", O::String, M::IsEmpty, &[0], A::None, R::Boolean),
    b(
        "nonEmpty",
        O::String,
        M::NonEmpty,
        &[0],
        A::None,
        R::Boolean,
    ),
    b("size", O::List, M::Length, &[0], A::None, R::Int),
    b("length", O::List, M::Length, &[0], A::None, R::Int),
    b("sum", O::List, M::Sum, &[0], A::None, R::NumericElement),
    b("max", O::List, M::Max, &[0], A::None, R::NumericElement),
    b("min", O::List, M::Min, &[0], A::None, R::NumericElement),
    b("head", O::List, M::Head, &[0], A::None, R::Element),
    b("last", O::List, M::Last, &[0], A::None, R::Element),
    b("isEmpty", O::List, M::IsEmpty, &[0], A::None, R::Boolean),
    b("nonEmpty", O::List, M::NonEmpty, &[0], A::None, R::Boolean),
    b(
        "contains",
        O::List,
        M::Contains,
        &[1],
        A::Element,
        R::Boolean,
    ),
    b(
        "mkString",
        O::List,
        M::MkString,
        &[0, 1, 3],
        A::Strings,
        R::String,
    ),
    b("getOrElse", O::Option, M::Get, &[1], A::Default, R::Joined),
    b(
        "isDefined",
        O::Option,
        M::IsDefined,
        &[0],
        A::None,
        R::Boolean,
    ),
    b("isEmpty", O::Option, M::IsEmpty, &[0], A::None, R::Boolean),
    b(
        "nonEmpty",
        O::Option,
        M::IsDefined,
        &[0],
        A::None,
        R::Boolean,
    ),
    b("get", O::Option, M::Get, &[0], A::None, R::Element),
    b("toInt", O::Number, M::ToInt, &[0], A::None, R::Int),
    b("toDouble", O::Number, M::ToDouble, &[0], A::None, R::Double),
    b("toString", O::Any, M::ToString, &[0], A::None, R::String),
    b("max", O::Math, M::MathMax, &[2], A::Numbers, R::Joined),
    b("min", O::Math, M::MathMin, &[2], A::Numbers, R::Joined),
    b("abs", O::Math, M::Abs, &[1], A::Numbers, R::Joined),
];

/// The method `name` of receivers of kind `on` (`toString` belongs to every kind but Math).
pub fn find(on: On, name: &str) -> Option<&'static Builtin> {
    BUILTINS
        .iter()
        .find(|b| b.name == name && (b.on == on || (b.on == On::Any && on != On::Math)))
}

/// The names of the methods of `on`, in the table's order, for "did you mean" suggestions.
pub fn names(on: On) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for b in BUILTINS {
        if (b.on == on || (b.on == On::Any && on != On::Math)) && !names.contains(&b.name) {
            names.push(b.name);
        }
    }
    names
}

/// Whether a method called `name` exists on `on`.
pub fn has(on: On, name: &str) -> bool {
    find(on, name).is_some()
}

/// `None` when `pattern` is a regex `split` accepts, else why not (as the checker shows it).
pub fn pattern_error(pattern: &str) -> Option<String> {
    match rt::fast_split_char(pattern) {
        Some(_) => None,
        None => rt::java_regex(pattern).err(),
    }
}

/// What method `m` does on a receiver and arguments, as the JVM does it. `split` here
/// prepares its pattern on every call (the compiled code prepares a literal one once).
pub(crate) fn run(m: Method, recv: &Value, args: &[Value]) -> EResult<Value> {
    let arg = |i: usize| -> EResult<&Value> {
        args.get(i).map_or_else(
            || fail(format!("internal error: {m:?} without argument {i}")),
            Ok,
        )
    };
    match m {
        M::Split | M::SplitChar => {
            let s = match recv {
                Value::Str(s) => s,
                other => return cast_error(other, "java.lang.String"),
            };
            let pattern = as_str(arg(0)?)?;
            let how = if m == M::SplitChar {
                match pattern.chars().next() {
                    Some(c) => rt::Splitter::Char(c),
                    None => return fail("internal error: an empty character"),
                }
            } else {
                rt::splitter(pattern)?
            };
            Ok(rt::split(s, &how, &mut rt::Pieces::default()))
        }
        M::Field(i) => match recv {
            Value::Tuple(items) if i < items.len() => Ok(items[i].clone()),
            other => cast_error(other, "scala.Product"),
        },
        M::Length => match recv {
            Value::Str(s) => Ok(Value::Int(rt::char_len(s) as i64)),
            Value::List(items) => Ok(Value::Int(items.len() as i64)),
            other => cast_error(other, "java.lang.CharSequence"),
        },
        M::IsEmpty | M::NonEmpty | M::IsDefined => {
            let empty = match recv {
                Value::Str(s) => s.is_empty(),
                Value::List(items) => items.is_empty(),
                Value::Opt(o) => o.is_none(),
                other => return cast_error(other, "scala.collection.Iterable"),
            };
            Ok(Value::Bool(empty == (m == M::IsEmpty)))
        }
        M::ToUpperCase => Ok(Value::str(&as_str(recv)?.to_uppercase())),
        M::ToLowerCase => Ok(Value::str(&as_str(recv)?.to_lowercase())),
        M::Trim => {
            let s = as_str(recv)?;
            let t = rt::java_trim(s);
            Ok(if t.len() == s.len() {
                recv.clone()
            } else {
                Value::str(t)
            })
        }
        M::ToInt => match recv {
            Value::Str(s) => rt::parse_long(s).map(Value::Int),
            Value::Int(i) => Ok(Value::Int(*i)),
            // The JVM's (long) cast: truncation, saturating, NaN to 0 — as Rust's `as`.
            Value::Double(d) => Ok(Value::Int(*d as i64)),
            other => cast_error(other, "java.lang.Number"),
        },
        M::ToDouble => match recv {
            Value::Str(s) => rt::parse_double(s).map(Value::Double),
            Value::Int(i) => Ok(Value::Double(*i as f64)),
            Value::Double(d) => Ok(Value::Double(*d)),
            other => cast_error(other, "java.lang.Number"),
        },
        M::ToString => Ok(match recv {
            s @ Value::Str(_) => s.clone(),
            other => Value::str(&other.to_string()),
        }),
        M::Contains | M::StartsWith | M::EndsWith => {
            let x = arg(0)?;
            Ok(Value::Bool(match (m, recv) {
                (M::Contains, Value::List(items)) => items.iter().any(|i| rt::scala_eq(i, x)),
                (M::Contains, Value::Str(s)) => s.contains(as_str(x)?),
                (M::StartsWith, Value::Str(s)) => s.starts_with(as_str(x)?),
                (M::EndsWith, Value::Str(s)) => s.ends_with(as_str(x)?),
                (_, other) => return cast_error(other, "java.lang.String"),
            }))
        }
        M::IndexOf | M::LastIndexOf => Ok(Value::Int(rt::index_of(
            as_str(recv)?,
            as_str(arg(0)?)?,
            m == M::LastIndexOf,
        ))),
        M::Substring => {
            let end = match args.get(1) {
                Some(e) => Some(as_int(e)?),
                None => None,
            };
            rt::substring(as_str(recv)?, as_int(arg(0)?)?, end)
        }
        M::Replace => Ok(Value::str(
            &as_str(recv)?.replace(as_str(arg(0)?)?, as_str(arg(1)?)?),
        )),
        M::Sum => match recv {
            // The zero is the element type's: `args[0]` is `0` or `0.0`.
            Value::List(items) => rt::sum(items, arg(0)?.clone()),
            other => cast_error(other, "scala.collection.immutable.List"),
        },
        M::Max | M::Min => match recv {
            Value::List(items) => rt::max_or_min(items, m == M::Max),
            other => cast_error(other, "scala.collection.immutable.List"),
        },
        M::Head | M::Last => match recv {
            Value::List(items) => {
                let v = if m == M::Head {
                    items.first()
                } else {
                    items.last()
                };
                match v {
                    Some(v) => Ok(v.clone()),
                    None => fail(format!(
                        "java.util.NoSuchElementException: {} of empty list",
                        if m == M::Head { "head" } else { "last" }
                    )),
                }
            }
            other => cast_error(other, "scala.collection.immutable.List"),
        },
        M::MkString => {
            // mkString(), mkString(sep) or mkString(start, sep, end).
            let text = |v: &Value| -> EResult<Rc<str>> {
                match v {
                    Value::Str(s) => Ok(s.clone()),
                    other => cast_error(other, "java.lang.String"),
                }
            };
            let empty: Rc<str> = Rc::from("");
            let (start, sep, end) = match args {
                [] => (empty.clone(), empty.clone(), empty),
                [sep] => (empty.clone(), text(sep)?, empty),
                [start, sep, end] => (text(start)?, text(sep)?, text(end)?),
                _ => return fail("internal error: mkString takes 0, 1 or 3 arguments"),
            };
            match recv {
                Value::List(items) => Ok(rt::mk_string(items, &start, &sep, &end)),
                other => cast_error(other, "scala.collection.immutable.List"),
            }
        }
        M::Get => match recv {
            Value::Opt(Some(v)) => Ok((**v).clone()),
            Value::Opt(None) => fail("java.util.NoSuchElementException: None.get"),
            other => cast_error(other, "scala.Option"),
        },
        M::MathMax => rt::math_max(recv, arg(0)?, true),
        M::MathMin => rt::math_max(recv, arg(0)?, false),
        M::Abs => rt::abs(recv),
    }
}

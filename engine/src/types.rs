//! Record types of the lambda language and of every DStream edge, printed as Scala writes them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The static type of a record or of a lambda expression.
///
/// `Var` is a type variable used while inferring (e.g. the `S` of `updateStateByKey`'s
/// `Option[S]`); `Unknown` is a type nothing constrains (the records of an empty queue, the
/// element of `None` or `List()`), which unifies with anything.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Type {
    Int,
    Double,
    Boolean,
    String,
    Tuple(Vec<Type>),
    List(Box<Type>),
    Option(Box<Type>),
    Var(u32),
    Unknown,
}

impl Type {
    pub fn pair(k: Type, v: Type) -> Type {
        Type::Tuple(vec![k, v])
    }
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn option(t: Type) -> Type {
        Type::Option(Box::new(t))
    }
    /// `(K, V)` for a key-value pair type, `None` for anything else.
    pub fn as_pair(&self) -> Option<(&Type, &Type)> {
        match self {
            Type::Tuple(ts) if ts.len() == 2 => Some((&ts[0], &ts[1])),
            _ => None,
        }
    }
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Double)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => f.write_str("Int"),
            Type::Double => f.write_str("Double"),
            Type::Boolean => f.write_str("Boolean"),
            Type::String => f.write_str("String"),
            // The empty tuple is Scala's `Unit` (what `state.update(s)` gives).
            Type::Tuple(ts) if ts.is_empty() => f.write_str("Unit"),
            Type::Tuple(ts) => {
                f.write_str("(")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(")")
            }
            Type::List(t) => write!(f, "List[{t}]"),
            Type::Option(t) => write!(f, "Option[{t}]"),
            Type::Var(n) => write!(f, "T{n}"),
            Type::Unknown => f.write_str("?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_as_scala_writes_them() {
        let t = Type::pair(
            Type::String,
            Type::list(Type::option(Type::Tuple(vec![Type::Int, Type::Double]))),
        );
        assert_eq!(t.to_string(), "(String, List[Option[(Int, Double)]])");
        assert_eq!(
            Type::list(Type::Tuple(Vec::new())).to_string(),
            "List[Unit]"
        );
    }
}

/// The most precise type both `a` and `b` can be (`Unknown` gives way to anything), or
/// `None` if they conflict: how a queue's records and union inputs must agree.
pub fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Unknown, t) | (t, Type::Unknown) => Some(t.clone()),
        (Type::Tuple(xs), Type::Tuple(ys)) if xs.len() == ys.len() => Some(Type::Tuple(
            xs.iter()
                .zip(ys)
                .map(|(x, y)| unify(x, y))
                .collect::<Option<Vec<_>>>()?,
        )),
        (Type::List(x), Type::List(y)) => Some(Type::list(unify(x, y)?)),
        (Type::Option(x), Type::Option(y)) => Some(Type::option(unify(x, y)?)),
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod unify_tests {
    use super::*;

    #[test]
    fn unknown_gives_way_and_conflicts_are_none() {
        assert_eq!(
            unify(&Type::list(Type::Unknown), &Type::list(Type::Int)),
            Some(Type::list(Type::Int))
        );
        assert_eq!(unify(&Type::Int, &Type::Double), None);
        assert_eq!(
            unify(
                &Type::pair(Type::String, Type::Unknown),
                &Type::pair(Type::Unknown, Type::Int)
            ),
            Some(Type::pair(Type::String, Type::Int))
        );
    }
}

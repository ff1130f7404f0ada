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
    }
}

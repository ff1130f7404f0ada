//! Values as compiled lambdas and fused ops pass them without building a [`Value`]: scalars
//! inline, text borrowed (a word of its line), a pair not yet a tuple. A [`Slot`] hashes and
//! compares as the `Value` it stands for, so a keyed reduce looks a key up by its slot and
//! builds the `Value` only for a key it has not seen.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use crate::value::Value;

/// A value borrowed for one call: what a lambda's parameters and results are made of.
#[derive(Clone, Copy, Debug)]
pub enum Slot<'a> {
    Int(i64),
    Double(f64),
    Bool(bool),
    Str(&'a str),
    /// A `(key, value)` pair that was never built as a tuple.
    Pair(&'a Slot<'a>, &'a Slot<'a>),
    /// Any other value (or one of the above, as a record holds it).
    Val(&'a Value),
}

/// What compiled code evaluates to: a slot (borrowed from the arguments, or a scalar), or a
/// value it built.
#[derive(Clone, Debug)]
pub enum Out<'a> {
    Slot(Slot<'a>),
    Val(Value),
}

/// A record between fused ops: one value, or a pair held as its two halves.
#[derive(Clone, Copy, Debug)]
pub enum Rec<'a> {
    One(Slot<'a>),
    Pair(Slot<'a>, Slot<'a>),
}

impl<'a> Slot<'a> {
    /// The value this slot stands for (a `Str` is copied, a `Val` shared).
    pub fn to_value(self) -> Value {
        match self {
            Slot::Int(i) => Value::Int(i),
            Slot::Double(d) => Value::Double(d),
            Slot::Bool(b) => Value::Bool(b),
            Slot::Str(s) => Value::str(s),
            Slot::Pair(k, v) => Value::pair(k.to_value(), v.to_value()),
            Slot::Val(v) => v.clone(),
        }
    }

    /// The value, borrowed where the slot holds one.
    pub fn value(self) -> Cow<'a, Value> {
        match self {
            Slot::Val(v) => Cow::Borrowed(v),
            other => Cow::Owned(other.to_value()),
        }
    }

    /// A slot of what a `Value` holds, scalars taken out.
    #[inline]
    pub fn of(v: &'a Value) -> Slot<'a> {
        match v {
            Value::Int(i) => Slot::Int(*i),
            Value::Double(d) => Slot::Double(*d),
            Value::Bool(b) => Slot::Bool(*b),
            other => Slot::Val(other),
        }
    }

    #[inline]
    pub fn int(self) -> Option<i64> {
        match self {
            Slot::Int(i) | Slot::Val(&Value::Int(i)) => Some(i),
            _ => None,
        }
    }

    #[inline]
    pub fn double(self) -> Option<f64> {
        match self {
            Slot::Double(d) | Slot::Val(&Value::Double(d)) => Some(d),
            _ => None,
        }
    }

    #[inline]
    pub fn bool(self) -> Option<bool> {
        match self {
            Slot::Bool(b) | Slot::Val(&Value::Bool(b)) => Some(b),
            _ => None,
        }
    }

    #[inline]
    pub fn str(self) -> Option<&'a str> {
        match self {
            Slot::Str(s) => Some(s),
            Slot::Val(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Element `i` of a tuple (or of an unbuilt pair).
    #[inline]
    pub fn field(self, i: usize) -> Option<Slot<'a>> {
        match self {
            Slot::Pair(k, _) if i == 0 => Some(*k),
            Slot::Pair(_, v) if i == 1 => Some(*v),
            Slot::Val(Value::Tuple(items)) => items.get(i).map(Slot::Val),
            _ => None,
        }
    }

    /// The key and value of a pair.
    #[inline]
    pub fn as_pair(self) -> Option<(Slot<'a>, Slot<'a>)> {
        match self {
            Slot::Pair(k, v) => Some((*k, *v)),
            Slot::Val(Value::Tuple(items)) if items.len() == 2 => {
                Some((Slot::Val(&items[0]), Slot::Val(&items[1])))
            }
            _ => None,
        }
    }

    /// Whether this slot stands for `v` (JVM `equals`, as `Value`'s `==`).
    #[inline]
    pub fn equals(self, v: &Value) -> bool {
        match (self, v) {
            (Slot::Int(a), Value::Int(b)) => a == *b,
            (Slot::Double(a), Value::Double(_)) => Value::Double(a) == *v,
            (Slot::Bool(a), Value::Bool(b)) => a == *b,
            (Slot::Str(a), Value::Str(b)) => crate::value::same_text(a, b),
            (Slot::Pair(a, b), Value::Tuple(items)) => {
                items.len() == 2 && a.equals(&items[0]) && b.equals(&items[1])
            }
            (Slot::Val(a), b) => *a == *b,
            _ => false,
        }
    }
}

/// Hashes as the value it stands for does (`Value`'s `Hash`: no variant tag, a tuple as its
/// length and its items).
impl Hash for Slot<'_> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Slot::Int(i) => i.hash(state),
            Slot::Double(d) => Value::Double(*d).hash(state),
            Slot::Bool(b) => b.hash(state),
            Slot::Str(s) => s.hash(state),
            Slot::Pair(k, v) => {
                // `[Value]::hash`: the length, then each item.
                state.write_usize(2);
                k.hash(state);
                v.hash(state);
            }
            Slot::Val(v) => v.hash(state),
        }
    }
}

/// A key looked up in a `KeyMap` by its slot.
#[derive(Hash)]
pub struct SlotKey<'a>(pub Slot<'a>);

impl indexmap::Equivalent<Value> for SlotKey<'_> {
    #[inline]
    fn equivalent(&self, key: &Value) -> bool {
        self.0.equals(key)
    }
}

impl<'a> Out<'a> {
    /// Borrows what this holds as a slot.
    #[inline]
    pub fn slot(&self) -> Slot<'_> {
        match self {
            Out::Slot(s) => *s,
            Out::Val(v) => Slot::of(v),
        }
    }

    pub fn into_value(self) -> Value {
        match self {
            Out::Slot(s) => s.to_value(),
            Out::Val(v) => v,
        }
    }

    /// The same, owning everything it borrowed (scalars stay as they are).
    pub fn into_owned(self) -> Out<'static> {
        match self {
            Out::Slot(Slot::Int(i)) => Out::Slot(Slot::Int(i)),
            Out::Slot(Slot::Double(d)) => Out::Slot(Slot::Double(d)),
            Out::Slot(Slot::Bool(b)) => Out::Slot(Slot::Bool(b)),
            other => Out::Val(other.into_value()),
        }
    }
}

impl<'a> Rec<'a> {
    /// The record as a value.
    pub fn to_value(self) -> Value {
        match self {
            Rec::One(s) => s.to_value(),
            Rec::Pair(k, v) => Value::pair(k.to_value(), v.to_value()),
        }
    }

    /// The key and value of a pair record.
    #[inline]
    pub fn as_pair(self) -> Option<(Slot<'a>, Slot<'a>)> {
        match self {
            Rec::Pair(k, v) => Some((k, v)),
            Rec::One(s) => s.as_pair(),
        }
    }

    /// Calls `f` with the record as one slot (a pair record as an unbuilt pair).
    #[inline]
    pub fn with_slot<R>(self, f: impl FnOnce(Slot<'_>) -> R) -> R {
        match self {
            Rec::One(s) => f(s),
            Rec::Pair(k, v) => f(Slot::Pair(&k, &v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(h: &impl Hash) -> u64 {
        rustc_hash::FxBuildHasher.hash_one(h)
    }

    #[test]
    fn slots_hash_and_compare_as_the_values_they_stand_for() {
        let values = [
            Value::Int(-3),
            Value::Double(0.5),
            Value::Double(f64::NAN),
            Value::Bool(true),
            Value::str("word"),
            Value::str(""),
            Value::pair(Value::str("a"), Value::Int(1)),
            Value::list(vec![Value::Int(1), Value::Int(2)]),
        ];
        for v in &values {
            let (k, x) = (Value::str("a"), Value::Int(1));
            let (ks, xs) = (Slot::Str("a"), Slot::Int(1));
            let slots = [
                Slot::of(v),
                Slot::Val(v),
                match v {
                    Value::Str(s) => Slot::Str(s),
                    Value::Tuple(_) => Slot::Pair(&ks, &xs),
                    other => Slot::of(other),
                },
            ];
            for s in slots {
                assert_eq!(hash(&SlotKey(s)), hash(v), "{s:?}");
                assert!(s.equals(v), "{s:?}");
                assert_eq!(&s.to_value(), v);
                for other in values.iter().filter(|o| *o != v) {
                    assert!(!s.equals(other), "{s:?} vs {other:?}");
                }
            }
            let _ = (k, x);
        }
    }
}

//! The few lambda forms an op may run without calling the compiled closure, recognised on the
//! typed tree: a literal one-character `split`, `x => (x, c)` and `_ + _` / `_ - _` over
//! `Int`. Word count is made of exactly these, and on its hot path (ops/fused.rs) they let a
//! word go from the line to its count without a `Value` per word or per pair. A shape is a
//! promise: running it gives exactly what the closure gives (the closure stays the reference,
//! and `engine/tests/kernels_reference.rs` checks one against the other).

use super::check::{Arith, Checked, Method, Node, Splitter};
use crate::types::Type;
use crate::value::Value;

/// What a lambda computes, when it is one of the recognised forms.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Shape {
    /// Anything else: call the closure.
    #[default]
    Opaque,
    /// `s => s.split(sep)` where Java splits on one character without a regex (`" "`, `","`,
    /// `"\\|"`, `'c'`): the pieces, trailing empty ones dropped.
    SplitChar(char),
    /// `x => (x, c)`: the record paired with a constant.
    PairWith(Value),
    /// `(a, b) => a + b` over `Int`: the JVM's wrapping `Long` addition.
    AddInt,
    /// `(a, b) => a - b` over `Int`: wrapping subtraction.
    SubInt,
}

/// The shape of a checked lambda.
pub(crate) fn of(c: &Checked) -> Shape {
    let params: Vec<Type> = c.params.iter().map(|t| c.resolve(t)).collect();
    match (&c.body, params.as_slice()) {
        (Node::Call(Method::Split(Some(Splitter::Char(sep))), recv, args), [Type::String])
            if args.is_empty() && matches!(**recv, Node::Param(0)) =>
        {
            Shape::SplitChar(*sep)
        }
        (Node::Tuple(items), [_]) => match items.as_slice() {
            [Node::Param(0), Node::Const(v)] => Shape::PairWith(v.clone()),
            [Node::Param(0), Node::IntLit(i, t)] => Shape::PairWith(match c.resolve(t) {
                Type::Double => Value::Double(*i as f64),
                _ => Value::Int(*i),
            }),
            _ => Shape::Opaque,
        },
        (Node::Arith(op, l, r), [Type::Int, Type::Int])
            if matches!((&**l, &**r), (Node::Param(0), Node::Param(1))) =>
        {
            match op {
                Arith::Add => Shape::AddInt,
                Arith::Sub => Shape::SubInt,
                _ => Shape::Opaque,
            }
        }
        _ => Shape::Opaque,
    }
}

impl Shape {
    /// `AddInt` / `SubInt` on `a` and `b`; `None` for any other shape.
    #[inline]
    pub fn ints(&self, a: i64, b: i64) -> Option<i64> {
        match self {
            Shape::AddInt => Some(a.wrapping_add(b)),
            Shape::SubInt => Some(a.wrapping_sub(b)),
            _ => None,
        }
    }
}

/// Java's `String.split` on one character with limit 0, calling `piece` for each piece in
/// order (and stopping at its first error): a string without the separator is one piece
/// (itself, even if empty); otherwise trailing empty pieces are dropped. The same pieces, in
/// the same order, as the closure's list.
#[inline]
pub fn split_char<'s, E>(
    s: &'s str,
    sep: char,
    mut piece: impl FnMut(&'s str) -> Result<(), E>,
) -> Result<(), E> {
    let mut empties = 0usize;
    let mut emit = |p: &'s str| -> Result<(), E> {
        if p.is_empty() {
            empties += 1;
            return Ok(());
        }
        for _ in 0..std::mem::take(&mut empties) {
            piece("")?;
        }
        piece(p)
    };
    let mut from = 0;
    if sep.is_ascii() {
        // One byte, which UTF-8 never uses inside a character: scan the bytes (words are
        // short, so a plain loop beats a vectorised search that restarts at every word).
        let b = sep as u8;
        for (i, &c) in s.as_bytes().iter().enumerate() {
            if c == b {
                emit(&s[from..i])?;
                from = i + 1;
            }
        }
    } else {
        for (i, _) in s.match_indices(sep) {
            emit(&s[from..i])?;
            from = i + sep.len_utf8();
        }
    }
    if from == 0 {
        // No separator: the string itself is the one piece, even when empty.
        return piece(s);
    }
    emit(&s[from..])
}

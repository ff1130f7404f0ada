//! The typed tree in the form the code exporters (`export/tree.rs`) were written against, made
//! from [`tree`](super::tree): literals as `Const`, a prepared `split` separator, `Widen` and
//! `sum` carrying their types. Every type in it is already resolved, so `resolve` returns it.

pub(crate) use super::runtime::Splitter;
use super::runtime::{fast_split_char, java_regex};
pub(crate) use super::syntax::{Expr, ExprKind, LambdaAst, Stmt};
use super::tree::{self, Kind};
pub(crate) use super::tree::{Arith, Cmp, StateMethod};
use crate::types::Type;
use crate::value::Value;

/// Built-in methods, as the exporters match them.
#[derive(Clone, Debug)]
pub(crate) enum Method {
    Length,
    ToUpperCase,
    ToLowerCase,
    Trim,
    /// A separator known when compiling, or `None` to read it from the argument.
    Split(Option<Splitter>),
    Contains,
    StartsWith,
    EndsWith,
    Substring,
    Replace,
    IndexOf,
    LastIndexOf,
    ToInt,
    ToDouble,
    ToString,
    IsEmpty,
    NonEmpty,
    /// `sum`, with the element type (an empty list sums to `0` or `0.0`).
    Sum(Type),
    Max,
    Min,
    Head,
    Last,
    MkString,
    IsDefined,
    Get,
    /// `_1`, `_2`, … as a 0-based index.
    Field(usize),
    Abs,
    MathMax,
    MathMin,
}

#[derive(Clone, Debug)]
pub(crate) enum Node {
    Const(Value),
    Param(usize),
    Untupled(usize),
    Tuple(Vec<Node>),
    List(Vec<Node>),
    Some(Box<Node>),
    Neg(Box<Node>),
    Not(Box<Node>),
    Arith(Arith, Box<Node>, Box<Node>),
    Cmp(Cmp, Box<Node>, Box<Node>),
    Eq(bool, Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Call(Method, Box<Node>, Vec<Node>),
    Math(Method, Vec<Node>),
    GetOrElse(Box<Node>, Box<Node>),
    Index(Box<Node>, Box<Node>),
    /// Converts a value of the first type to the second (Ints to Doubles inside it).
    Widen(Box<Node>, Type, Type),
    Local(usize),
    Block(Vec<Step>, Box<Node>),
    State(StateMethod, Option<Box<Node>>),
}

#[derive(Clone, Debug)]
pub(crate) enum Step {
    Val(Node),
    Effect(Node),
}

/// A checked lambda, for the exporters.
pub(crate) struct Checked {
    pub body: Node,
    pub params: Vec<Type>,
    pub state: Option<Type>,
}

impl Checked {
    /// Types here are resolved already.
    pub(crate) fn resolve(&self, t: &Type) -> Type {
        t.clone()
    }
}

impl From<&tree::Tree> for Checked {
    fn from(t: &tree::Tree) -> Checked {
        Checked {
            body: node(&t.body),
            params: t.params.clone(),
            state: t.state.clone(),
        }
    }
}

fn boxed(e: &tree::Expr) -> Box<Node> {
    Box::new(node(e))
}

fn method(m: tree::Method, e: &tree::Expr) -> Method {
    use tree::Method as M;
    match m {
        M::Length => Method::Length,
        M::ToUpperCase => Method::ToUpperCase,
        M::ToLowerCase => Method::ToLowerCase,
        M::Trim => Method::Trim,
        M::Split | M::SplitChar => Method::Split(None),
        M::Contains => Method::Contains,
        M::StartsWith => Method::StartsWith,
        M::EndsWith => Method::EndsWith,
        M::Substring => Method::Substring,
        M::Replace => Method::Replace,
        M::IndexOf => Method::IndexOf,
        M::LastIndexOf => Method::LastIndexOf,
        M::ToInt => Method::ToInt,
        M::ToDouble => Method::ToDouble,
        M::ToString => Method::ToString,
        M::IsEmpty => Method::IsEmpty,
        M::NonEmpty => Method::NonEmpty,
        M::Sum => Method::Sum(e.ty.clone()),
        M::Max => Method::Max,
        M::Min => Method::Min,
        M::Head => Method::Head,
        M::Last => Method::Last,
        M::MkString => Method::MkString,
        M::IsDefined => Method::IsDefined,
        M::Get => Method::Get,
        M::Field(i) => Method::Field(i),
        M::Abs => Method::Abs,
        M::MathMax => Method::MathMax,
        M::MathMin => Method::MathMin,
    }
}

fn node(e: &tree::Expr) -> Node {
    let all = |xs: &[tree::Expr]| xs.iter().map(node).collect::<Vec<_>>();
    match &e.kind {
        Kind::Lit(v) => Node::Const(v.clone()),
        Kind::Param(i) => Node::Param(*i),
        Kind::Untupled(i) => Node::Untupled(*i),
        Kind::Local(i) => Node::Local(*i),
        Kind::Tuple(xs) => Node::Tuple(all(xs)),
        Kind::List(xs) => Node::List(all(xs)),
        Kind::Some(x) => Node::Some(boxed(x)),
        Kind::Neg(x) => Node::Neg(boxed(x)),
        Kind::Not(x) => Node::Not(boxed(x)),
        Kind::Arith(op, a, b) => Node::Arith(*op, boxed(a), boxed(b)),
        Kind::Cmp(op, a, b) => Node::Cmp(*op, boxed(a), boxed(b)),
        Kind::Eq(n, a, b) => Node::Eq(*n, boxed(a), boxed(b)),
        Kind::And(a, b) => Node::And(boxed(a), boxed(b)),
        Kind::Or(a, b) => Node::Or(boxed(a), boxed(b)),
        Kind::If(c, a, b) => Node::If(boxed(c), boxed(a), boxed(b)),
        Kind::Call(m @ (tree::Method::Split | tree::Method::SplitChar), recv, args) => {
            // A literal separator, prepared as the checker used to.
            let fixed = match (m, args.as_slice()) {
                (tree::Method::SplitChar, [p]) => match &p.kind {
                    Kind::Lit(Value::Str(s)) => s.chars().next().map(Splitter::Char),
                    _ => None,
                },
                (_, [p]) => match &p.kind {
                    Kind::Lit(Value::Str(s)) => match fast_split_char(s) {
                        Some(c) => Some(Splitter::Char(c)),
                        None => java_regex(s).ok().map(Splitter::Regex),
                    },
                    _ => None,
                },
                _ => None,
            };
            match fixed {
                Some(how) => Node::Call(Method::Split(Some(how)), boxed(recv), Vec::new()),
                None => Node::Call(Method::Split(None), boxed(recv), all(args)),
            }
        }
        Kind::Call(m, recv, args) => Node::Call(method(*m, e), boxed(recv), all(args)),
        Kind::Math(m, xs) => Node::Math(method(*m, e), all(xs)),
        Kind::GetOrElse(a, b) => Node::GetOrElse(boxed(a), boxed(b)),
        Kind::Index(a, b) => Node::Index(boxed(a), boxed(b)),
        Kind::Widen(x) => Node::Widen(boxed(x), x.ty.clone(), e.ty.clone()),
        Kind::Block(steps, r) => Node::Block(
            steps
                .iter()
                .map(|s| match s {
                    tree::Step::Val(x) => Step::Val(node(x)),
                    tree::Step::Effect(x) => Step::Effect(node(x)),
                })
                .collect(),
            boxed(r),
        ),
        Kind::State(m, arg) => Node::State(*m, arg.as_deref().map(|a| Box::new(node(a)))),
    }
}

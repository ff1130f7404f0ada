//! The typed tree of a checked lambda: what the checker makes, and what the compiler, the
//! reference tests and code exporters read. Every node carries its resolved type, so a reader
//! never re-infers anything (`+` of two Strings is concatenation, `/` of two Ints truncates).

use crate::types::Type;
use crate::value::Value;

/// A checked lambda: its parameters, result and body, all types resolved (`Type::Unknown`
/// where nothing constrained one, e.g. the records of an empty queue).
#[derive(Clone, Debug, PartialEq)]
pub struct Tree {
    pub params: Vec<Type>,
    pub result: Type,
    /// `S` of mapWithState's `State[S]` parameter, which comes after `params`.
    pub state: Option<Type>,
    pub body: Expr,
}

/// A node and the type of its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: Kind,
    pub ty: Type,
}

/// What a node computes.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A literal (an integer literal that Scala adapted to a `Double` is a `Double` here).
    Lit(Value),
    /// Parameter `i`.
    Param(usize),
    /// Element `i` of the single tuple argument: `(k, v) => …` over one pair (untupling).
    Untupled(usize),
    /// A `val` of an enclosing block: frame slot `i`, after the parameters (and the State).
    Local(usize),
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Some(Box<Expr>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Arith(Arith, Box<Expr>, Box<Expr>),
    Cmp(Cmp, Box<Expr>, Box<Expr>),
    /// `==` (`false`) or `!=` (`true`), Scala's cooperative equality.
    Eq(bool, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A built-in method on a receiver (see `builtins`), with its arguments.
    Call(Method, Box<Expr>, Vec<Expr>),
    /// `math.max(a, b)`, `math.min(a, b)`, `math.abs(a)`: no receiver.
    Math(Method, Vec<Expr>),
    /// `opt.getOrElse(default)`, the default evaluated only for `None`.
    GetOrElse(Box<Expr>, Box<Expr>),
    /// `xs(i)`.
    Index(Box<Expr>, Box<Expr>),
    /// The inner value converted to this node's type: Ints inside it become Doubles, as
    /// Scala's numeric widening does (`if (c) 1 else 2.0`).
    Widen(Box<Expr>),
    /// `{ steps…; result }`: each `val` step takes the next frame slot.
    Block(Vec<Step>, Box<Expr>),
    /// A method of mapWithState's `State[S]`, with its argument (`update`).
    State(StateMethod, Option<Box<Expr>>),
}

/// A statement of a block.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// A `val`: its value takes the next frame slot.
    Val(Expr),
    /// Run for its effect (a `State` update).
    Effect(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// Built-in methods (the names and signatures are `builtins::BUILTINS`). Several names share
/// one entry and dispatch on the receiver's value (`length` of a String or a List), so a
/// receiver of unknown type still evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Length,
    ToUpperCase,
    ToLowerCase,
    Trim,
    /// `split(regex)`: argument 0 is the pattern (a literal is prepared once).
    Split,
    /// `split('c')`: argument 0 is the one-character String of a `'c'` literal, taken literally.
    SplitChar,
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
    /// `sum`; the node's type says whether an empty list sums to `0` or `0.0`.
    Sum,
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

/// Spark's `State[S]` API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateMethod {
    Exists,
    Get,
    GetOption,
    IsTimingOut,
    Update,
    Remove,
}

/// `Unit`, the type of `state.update(s)` and `state.remove()`: the empty tuple `()`.
pub fn unit() -> Type {
    Type::Tuple(Vec::new())
}

impl Expr {
    pub fn new(kind: Kind, ty: Type) -> Expr {
        Expr { kind, ty }
    }

    /// The node's direct children, in evaluation order.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            Kind::Lit(_) | Kind::Param(_) | Kind::Untupled(_) | Kind::Local(_) => Vec::new(),
            Kind::Tuple(xs) | Kind::List(xs) | Kind::Math(_, xs) => xs.iter().collect(),
            Kind::Some(x) | Kind::Neg(x) | Kind::Not(x) | Kind::Widen(x) => vec![x],
            Kind::Arith(_, a, b)
            | Kind::Cmp(_, a, b)
            | Kind::Eq(_, a, b)
            | Kind::And(a, b)
            | Kind::Or(a, b)
            | Kind::GetOrElse(a, b)
            | Kind::Index(a, b) => vec![a, b],
            Kind::If(c, a, b) => vec![c, a, b],
            Kind::Call(_, recv, args) => std::iter::once(&**recv).chain(args).collect(),
            Kind::Block(steps, result) => steps
                .iter()
                .map(|s| match s {
                    Step::Val(e) | Step::Effect(e) => e,
                })
                .chain(std::iter::once(&**result))
                .collect(),
            Kind::State(_, arg) => arg.iter().map(|a| &**a).collect(),
        }
    }
}

//! Type checking: the syntax tree, checked against a [`Signature`], becomes the typed tree
//! (`tree.rs`), every node's type resolved.
//!
//! Inference is unification over [`Type`]: every `Type::Var` of the signature is one variable,
//! every `Type::Unknown` a fresh one. Integer literals get a *literal* variable that settles on
//! `Int` unless a `Double` is wanted where the literal stands (`state.getOrElse(0)` with
//! `Option[Double]` state), as Scala adapts literals to their expected type. Elsewhere an `Int`
//! where a `Double` is wanted is widened by an explicit `Kind::Widen`, as Scala's numeric
//! widening does (`if (c) 1 else 2.0` is a `Double`).
//!
//! Checks that need a type not yet known (`a + b` on two unknowns) are deferred to the end;
//! what stays unknown is evaluated dynamically on the values.

use super::builtins::{self, Args, On, Returns};
use super::syntax::{BinOp, Expr, ExprKind, LambdaAst, Param, Stmt, TypeAnn, UnOp};
use super::tree::{unit, Arith, Cmp, Expr as Node, Kind, Method, StateMethod, Step, Tree};
use super::Signature;
use crate::types::Type;
use crate::value::Value;

/// A check failure at a byte offset.
#[derive(Clone, Debug)]
pub(crate) struct CheckError {
    pub pos: usize,
    pub message: String,
}

type CResult<T> = Result<T, CheckError>;

fn err<T>(pos: usize, message: impl Into<String>) -> CResult<T> {
    Err(CheckError {
        pos,
        message: message.into(),
    })
}

const STATE_METHODS: &[&str] = &[
    "exists",
    "get",
    "getOption",
    "isTimingOut",
    "update",
    "remove",
];

/// The `State[S]` parameter of a mapWithState function.
#[derive(Clone, Debug)]
struct StateParam {
    name: String,
    pos: usize,
    /// `S`, settled by the updates.
    ty: Type,
    /// Where the first `update` stands, once one is seen.
    first_update: Option<usize>,
}

#[derive(Clone, Debug)]
enum Slot {
    Free { literal: bool },
    Bound(Type),
}

/// What a parameter name refers to.
#[derive(Clone, Debug)]
struct Binding {
    name: String,
    ty: Type,
    node: Node,
}

#[derive(Clone, Debug)]
enum Deferred {
    /// The type must turn out numeric (or, with `string_ok`, a String).
    Numeric {
        ty: Type,
        pos: usize,
        string_ok: bool,
    },
    /// A method called on a receiver whose type was unknown then.
    Method {
        recv: Type,
        name: String,
        pos: usize,
        args: Vec<Type>,
        result: Type,
    },
}

#[derive(Default)]
struct Checker {
    slots: Vec<Slot>,
    deferred: Vec<Deferred>,
    bindings: Vec<Binding>,
    placeholders: Vec<Binding>,
    /// The first frame slot of `val`s: the number of arguments a call passes.
    frame_base: usize,
    /// `val`s in scope.
    locals: usize,
    state: Option<StateParam>,
}

/// Names people reach for from other languages, and what this language calls them.
const ALIASES: &[(&str, &str)] = &[
    ("size", "length"),
    ("length", "size"),
    ("len", "length"),
    ("count", "size"),
    ("toLong", "toInt"),
    ("toShort", "toInt"),
    ("toFloat", "toDouble"),
    ("toUpper", "toUpperCase"),
    ("toLower", "toLowerCase"),
    ("upper", "toUpperCase"),
    ("lower", "toLowerCase"),
    ("strip", "trim"),
    ("first", "head"),
    ("getOrDefault", "getOrElse"),
    ("orElse", "getOrElse"),
    ("isPresent", "isDefined"),
    ("nonempty", "nonEmpty"),
    ("isNotEmpty", "nonEmpty"),
    ("join", "mkString"),
    ("includes", "contains"),
    ("slice", "substring"),
    ("toStr", "toString"),
];

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `" (did you mean 'x'?)"` for the closest of `candidates`, or nothing.
fn suggestion(name: &str, candidates: &[&str]) -> String {
    for (from, to) in ALIASES {
        if *from == name && candidates.contains(to) {
            return format!(" (did you mean '{to}'?)");
        }
    }
    let best = candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, c)| *d <= 2 && *d < c.chars().count() && *d < name.chars().count())
        .min();
    match best {
        Some((_, c)) => format!(" (did you mean '{c}'?)"),
        None => String::new(),
    }
}

/// A node of `kind` and type `ty`, and the type again (what `infer` returns).
fn typed(kind: Kind, ty: Type) -> (Node, Type) {
    (Node::new(kind, ty.clone()), ty)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl Checker {
    fn fresh(&mut self, literal: bool) -> Type {
        self.slots.push(Slot::Free { literal });
        Type::Var((self.slots.len() - 1) as u32)
    }

    /// Follows bound variables at the top of `t`.
    fn shallow(&self, t: &Type) -> Type {
        let mut t = t.clone();
        while let Type::Var(v) = t {
            match self.slots.get(v as usize) {
                Some(Slot::Bound(b)) => t = b.clone(),
                _ => return t,
            }
        }
        t
    }

    fn is_literal(&self, t: &Type) -> bool {
        match t {
            Type::Var(v) => matches!(
                self.slots.get(*v as usize),
                Some(Slot::Free { literal: true })
            ),
            _ => false,
        }
    }

    fn is_var(t: &Type) -> bool {
        matches!(t, Type::Var(_))
    }

    /// The type as reported outside: literal variables are `Int`, free ones `Unknown`.
    fn finish(&self, t: &Type) -> Type {
        match self.shallow(t) {
            Type::Tuple(ts) => Type::Tuple(ts.iter().map(|t| self.finish(t)).collect()),
            Type::List(t) => Type::list(self.finish(&t)),
            Type::Option(t) => Type::option(self.finish(&t)),
            v @ Type::Var(_) => {
                if self.is_literal(&v) {
                    Type::Int
                } else {
                    Type::Unknown
                }
            }
            t => t,
        }
    }

    /// Resolves the types of `node` and everything inside it; an integer literal whose type
    /// settled on `Double` becomes a `Double` literal.
    fn finish_node(&self, node: &mut Node) {
        node.ty = self.finish(&node.ty);
        if let (Kind::Lit(Value::Int(i)), Type::Double) = (&node.kind, &node.ty) {
            node.kind = Kind::Lit(Value::Double(*i as f64));
        }
        match &mut node.kind {
            Kind::Lit(_) | Kind::Param(_) | Kind::Untupled(_) | Kind::Local(_) => {}
            Kind::Tuple(xs) | Kind::List(xs) | Kind::Math(_, xs) => {
                xs.iter_mut().for_each(|x| self.finish_node(x))
            }
            Kind::Some(x) | Kind::Neg(x) | Kind::Not(x) | Kind::Widen(x) => self.finish_node(x),
            Kind::Arith(_, a, b)
            | Kind::Cmp(_, a, b)
            | Kind::Eq(_, a, b)
            | Kind::And(a, b)
            | Kind::Or(a, b)
            | Kind::GetOrElse(a, b)
            | Kind::Index(a, b) => {
                self.finish_node(a);
                self.finish_node(b);
            }
            Kind::If(c, a, b) => {
                self.finish_node(c);
                self.finish_node(a);
                self.finish_node(b);
            }
            Kind::Call(_, recv, args) => {
                self.finish_node(recv);
                args.iter_mut().for_each(|x| self.finish_node(x));
            }
            Kind::Block(steps, result) => {
                for s in steps {
                    match s {
                        Step::Val(e) | Step::Effect(e) => self.finish_node(e),
                    }
                }
                self.finish_node(result);
            }
            Kind::State(_, arg) => {
                if let Some(a) = arg {
                    self.finish_node(a);
                }
            }
        }
    }

    /// A type as an error message shows it (`()` is `Unit`).
    fn show(&self, t: &Type) -> String {
        self.finish(t).to_string()
    }

    fn occurs(&self, v: u32, t: &Type) -> bool {
        match self.shallow(t) {
            Type::Var(w) => v == w,
            Type::Tuple(ts) => ts.iter().any(|t| self.occurs(v, t)),
            Type::List(t) | Type::Option(t) => self.occurs(v, &t),
            _ => false,
        }
    }

    fn bind(&mut self, v: u32, t: Type) {
        if let Some(slot) = self.slots.get_mut(v as usize) {
            *slot = Slot::Bound(t);
        }
    }

    fn unify(&mut self, a: &Type, b: &Type) -> Result<(), ()> {
        let (a, b) = (self.shallow(a), self.shallow(b));
        match (a, b) {
            (Type::Var(x), Type::Var(y)) if x == y => Ok(()),
            (Type::Var(x), Type::Var(y)) => {
                let literal = self.is_literal(&Type::Var(x)) || self.is_literal(&Type::Var(y));
                self.bind(x, Type::Var(y));
                if let Some(slot) = self.slots.get_mut(y as usize) {
                    *slot = Slot::Free { literal };
                }
                Ok(())
            }
            (Type::Var(x), t) | (t, Type::Var(x)) => {
                if self.is_literal(&Type::Var(x)) && !t.is_numeric() {
                    return Err(());
                }
                if self.occurs(x, &t) {
                    return Err(());
                }
                self.bind(x, t);
                Ok(())
            }
            (Type::Tuple(xs), Type::Tuple(ys)) if xs.len() == ys.len() => {
                for (x, y) in xs.iter().zip(&ys) {
                    self.unify(x, y)?;
                }
                Ok(())
            }
            (Type::List(x), Type::List(y)) | (Type::Option(x), Type::Option(y)) => {
                self.unify(&x, &y)
            }
            (x, y) if x == y => Ok(()),
            _ => Err(()),
        }
    }

    /// Makes a value of type `actual` acceptable where `expected` is wanted; `Ok(true)` if
    /// Ints inside it must be widened to Doubles.
    fn subsume(&mut self, actual: &Type, expected: &Type) -> Result<bool, ()> {
        let (a, e) = (self.shallow(actual), self.shallow(expected));
        match (a, e) {
            (Type::Int, Type::Double) => Ok(true),
            (a @ Type::Var(_), e) | (a, e @ Type::Var(_)) => self.unify(&a, &e).map(|_| false),
            (Type::Tuple(xs), Type::Tuple(ys)) if xs.len() == ys.len() => {
                let mut widen = false;
                for (x, y) in xs.iter().zip(&ys) {
                    widen |= self.subsume(x, y)?;
                }
                Ok(widen)
            }
            (Type::List(x), Type::List(y)) | (Type::Option(x), Type::Option(y)) => {
                self.subsume(&x, &y)
            }
            (x, y) if x == y => Ok(false),
            _ => Err(()),
        }
    }

    /// [`Self::join`] of the type an argument must have and the one it has, or the error
    /// "expected X, found Y" at the argument.
    fn join_expected(&mut self, expected: &Type, found: &Type, pos: usize) -> CResult<Type> {
        self.join_or(expected, found, pos, |e, f| {
            format!("expected {e}, found {f}")
        })
    }

    /// [`Checker::join`] of `a` and `b`, or the error at `pos` that `why` words from the two
    /// types as they are shown.
    fn join_or(
        &mut self,
        a: &Type,
        b: &Type,
        pos: usize,
        why: impl FnOnce(String, String) -> String,
    ) -> CResult<Type> {
        match self.join(a, b) {
            Ok(t) => Ok(t),
            Err(()) => err(pos, why(self.show(a), self.show(b))),
        }
    }

    /// The least type both `a` and `b` fit (Int and Double give Double).
    fn join(&mut self, a: &Type, b: &Type) -> Result<Type, ()> {
        let (a, b) = (self.shallow(a), self.shallow(b));
        match (a, b) {
            (Type::Int, Type::Double) | (Type::Double, Type::Int) => Ok(Type::Double),
            (v @ Type::Var(_), t) | (t, v @ Type::Var(_)) => {
                self.unify(&v, &t)?;
                Ok(t)
            }
            (Type::Tuple(xs), Type::Tuple(ys)) if xs.len() == ys.len() => Ok(Type::Tuple(
                xs.iter()
                    .zip(&ys)
                    .map(|(x, y)| self.join(x, y))
                    .collect::<Result<_, _>>()?,
            )),
            (Type::List(x), Type::List(y)) => Ok(Type::list(self.join(&x, &y)?)),
            (Type::Option(x), Type::Option(y)) => Ok(Type::option(self.join(&x, &y)?)),
            (x, y) if x == y => Ok(x),
            _ => Err(()),
        }
    }

    /// `node` of type `actual`, made to fit `expected`, or "expected …, found …" at `pos`.
    fn coerce(&mut self, node: Node, actual: &Type, expected: &Type, pos: usize) -> CResult<Node> {
        match self.subsume(actual, expected) {
            Ok(false) => Ok(node),
            Ok(true) => Ok(Node::new(Kind::Widen(Box::new(node)), expected.clone())),
            Err(()) => err(
                pos,
                format!(
                    "expected {}, found {}",
                    self.show(expected),
                    self.show(actual)
                ),
            ),
        }
    }

    /// A literal variable where a plain value is needed settles on `Int`.
    fn settle_literal(&mut self, t: &Type) -> Type {
        let t = self.shallow(t);
        if self.is_literal(&t) {
            let _ = self.unify(&t, &Type::Int);
            Type::Int
        } else {
            t
        }
    }

    fn type_of_ann(&mut self, ann: &TypeAnn) -> CResult<Type> {
        match ann {
            TypeAnn::Tuple(items) => Ok(Type::Tuple(
                items
                    .iter()
                    .map(|a| self.type_of_ann(a))
                    .collect::<CResult<_>>()?,
            )),
            TypeAnn::Named { name, args, pos } => {
                let arity = |n: usize| -> CResult<()> {
                    if args.len() == n {
                        Ok(())
                    } else {
                        err(*pos, format!("{name} takes {}", plural(n, "type argument")))
                    }
                };
                match name.as_str() {
                    "Int" | "Long" | "Short" | "Byte" => arity(0).map(|_| Type::Int),
                    "Double" | "Float" => arity(0).map(|_| Type::Double),
                    "String" => arity(0).map(|_| Type::String),
                    "Boolean" => arity(0).map(|_| Type::Boolean),
                    "List" | "Seq" | "Iterable" | "Array" | "Vector" | "IndexedSeq" => {
                        arity(1)?;
                        Ok(Type::list(self.type_of_ann(&args[0])?))
                    }
                    "Option" | "Some" => {
                        arity(1)?;
                        Ok(Type::option(self.type_of_ann(&args[0])?))
                    }
                    other => err(
                        *pos,
                        format!(
                            "unknown type '{other}'{}",
                            suggestion(
                                other,
                                &[
                                    "Int", "Long", "Double", "String", "Boolean", "List", "Seq",
                                    "Option"
                                ]
                            )
                        ),
                    ),
                }
            }
        }
    }

    /// Replaces the signature's `Var(n)`s by shared variables and each `Unknown` by a fresh one.
    fn instantiate(&mut self, t: &Type, vars: &mut Vec<(u32, Type)>) -> Type {
        match t {
            Type::Var(n) => {
                if let Some((_, v)) = vars.iter().find(|(m, _)| m == n) {
                    return v.clone();
                }
                let v = self.fresh(false);
                vars.push((*n, v.clone()));
                v
            }
            Type::Unknown => self.fresh(false),
            Type::Tuple(ts) => Type::Tuple(ts.iter().map(|t| self.instantiate(t, vars)).collect()),
            Type::List(t) => Type::list(self.instantiate(t, vars)),
            Type::Option(t) => Type::option(self.instantiate(t, vars)),
            t => t.clone(),
        }
    }

    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.bindings.iter().rev().find(|b| b.name == name)
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    fn infer(&mut self, e: &Expr) -> CResult<(Node, Type)> {
        match &e.kind {
            ExprKind::Int { digits, neg } => {
                let text = if *neg {
                    format!("-{digits}")
                } else {
                    digits.clone()
                };
                match text.parse::<i64>() {
                    Ok(v) => {
                        let t = self.fresh(true);
                        Ok(typed(Kind::Lit(Value::Int(v)), t))
                    }
                    Err(_) => err(
                        e.pos,
                        format!("the number {text} is out of range for Int (64-bit)"),
                    ),
                }
            }
            ExprKind::Double(d) => Ok(typed(Kind::Lit(Value::Double(*d)), Type::Double)),
            ExprKind::Str(s) => Ok(typed(Kind::Lit(Value::str(s)), Type::String)),
            ExprKind::Char(c) => err(
                e.pos,
                format!("'{c}' is a character; this language has strings only, write \"{c}\""),
            ),
            ExprKind::Bool(b) => Ok(typed(Kind::Lit(Value::Bool(*b)), Type::Boolean)),
            ExprKind::Placeholder(i) => match self.placeholders.get(*i) {
                Some(b) => Ok((b.node.clone(), b.ty.clone())),
                None => err(
                    e.pos,
                    "'_' can stand for a parameter only in a lambda without named parameters",
                ),
            },
            ExprKind::Name(n) => self.name(n, e.pos),
            ExprKind::Tuple(items) => {
                let mut nodes = Vec::with_capacity(items.len());
                let mut types = Vec::with_capacity(items.len());
                for item in items {
                    let (n, t) = self.infer(item)?;
                    nodes.push(n);
                    types.push(t);
                }
                Ok(typed(Kind::Tuple(nodes), Type::Tuple(types)))
            }
            ExprKind::Unary(op, operand) => self.unary(*op, operand, e.pos),
            ExprKind::Binary {
                op,
                op_pos,
                lhs,
                rhs,
            } => self.binary(*op, *op_pos, lhs, rhs),
            ExprKind::If(c, a, b) => {
                let (cn, ct) = self.infer(c)?;
                let cn = self.coerce(cn, &ct, &Type::Boolean, c.pos)?;
                let (an, at) = self.infer(a)?;
                let (bn, bt) = self.infer(b)?;
                let t = self.join_or(&at, &bt, b.pos, |a, b| {
                    format!("the two branches of this 'if' differ: {a} and {b}")
                })?;
                let an = self.coerce(an, &at, &t, a.pos)?;
                let bn = self.coerce(bn, &bt, &t, b.pos)?;
                Ok(typed(Kind::If(Box::new(cn), Box::new(an), Box::new(bn)), t))
            }
            ExprKind::Member {
                recv,
                name,
                name_pos,
                args,
            } => self.member(recv, name, *name_pos, args.as_deref()),
            ExprKind::Apply {
                callee,
                args,
                paren_pos,
            } => self.apply(callee, args, *paren_pos),
            ExprKind::Block(stmts, result) => self.block(stmts, result),
            ExprKind::Unit => Ok(typed(Kind::Lit(Value::tuple(Vec::new())), unit())),
        }
    }

    /// `{ val x = e; stmt; result }`: each `val` is visible to what follows it in the block.
    fn block(&mut self, stmts: &[Stmt], result: &Expr) -> CResult<(Node, Type)> {
        let (bindings, locals) = (self.bindings.len(), self.locals);
        let mut steps = Vec::with_capacity(stmts.len());
        for s in stmts {
            match s {
                Stmt::Val { name, ann, value } => {
                    let (n, t) = self.infer(value)?;
                    let (n, t) = match ann {
                        Some(ann) => {
                            let at = self.type_of_ann(ann)?;
                            (self.coerce(n, &t, &at, value.pos)?, at)
                        }
                        None => (n, t),
                    };
                    steps.push(Step::Val(n));
                    let node = Node::new(Kind::Local(self.frame_base + self.locals), t.clone());
                    self.locals += 1;
                    self.bindings.push(Binding {
                        name: name.clone(),
                        ty: t,
                        node,
                    });
                }
                Stmt::Expr(e) => steps.push(Step::Effect(self.infer(e)?.0)),
            }
        }
        let (rn, rt) = self.infer(result)?;
        self.bindings.truncate(bindings);
        self.locals = locals;
        Ok(typed(Kind::Block(steps, Box::new(rn)), rt))
    }

    /// The `State[S]` parameter, unless a `val` of that name hides it.
    fn is_state(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Name(n) => {
                self.lookup(n).is_none() && self.state.as_ref().is_some_and(|s| &s.name == n)
            }
            _ => false,
        }
    }

    /// `state.exists`, `get`, `getOption`, `isTimingOut`, `update(s)`, `remove()`.
    fn state_method(
        &mut self,
        name: &str,
        name_pos: usize,
        args: Option<&[Expr]>,
    ) -> CResult<(Node, Type)> {
        let Some(st) = self.state.clone() else {
            return err(name_pos, "internal error: no State parameter");
        };
        let s = st.ty.clone();
        let (m, t) = match name {
            "exists" => (StateMethod::Exists, Type::Boolean),
            "get" => (StateMethod::Get, s.clone()),
            "getOption" => (StateMethod::GetOption, Type::option(s.clone())),
            "isTimingOut" => (StateMethod::IsTimingOut, Type::Boolean),
            "remove" => (StateMethod::Remove, unit()),
            "update" => (StateMethod::Update, unit()),
            _ => {
                return err(
                    name_pos,
                    format!(
                        "State has no method '{name}'{} (it has exists, get, getOption, \
                         isTimingOut, update(s) and remove())",
                        suggestion(name, STATE_METHODS)
                    ),
                )
            }
        };
        let args = args.unwrap_or(&[]);
        if m != StateMethod::Update {
            if !args.is_empty() {
                return err(name_pos, format!("state.{name} takes no argument"));
            }
            return Ok(typed(Kind::State(m, None), t));
        }
        let [arg] = args else {
            return err(
                name_pos,
                format!(
                    "state.update takes 1 argument, the new state; found {}",
                    args.len()
                ),
            );
        };
        let (n, at) = self.infer(arg)?;
        let n = match self.subsume(&at, &s) {
            Ok(false) => n,
            Ok(true) => Node::new(Kind::Widen(Box::new(n)), s.clone()),
            Err(()) => {
                let by = if st.first_update.is_some() {
                    "the state's type, set by the first state.update"
                } else {
                    "the state's type, from how the lambda uses state before"
                };
                return err(
                    arg.pos,
                    format!(
                        "state.update expects {} ({by}), found {}",
                        self.show(&s),
                        self.show(&at)
                    ),
                );
            }
        };
        if let Some(st) = self.state.as_mut() {
            st.first_update.get_or_insert(arg.pos);
        }
        Ok(typed(Kind::State(m, Some(Box::new(n))), t))
    }

    fn name(&mut self, n: &str, pos: usize) -> CResult<(Node, Type)> {
        if let Some(b) = self.lookup(n) {
            return Ok((b.node.clone(), b.ty.clone()));
        }
        if self.state.as_ref().is_some_and(|s| s.name == n) {
            return err(
                pos,
                format!(
                    "{n} is mapWithState's State; use {n}.exists, {n}.get, {n}.getOption, \
                     {n}.isTimingOut, {n}.update(s) or {n}.remove()"
                ),
            );
        }
        match n {
            "None" => {
                let t = self.fresh(false);
                Ok(typed(Kind::Lit(Value::none()), Type::option(t)))
            }
            "Nil" => {
                let t = self.fresh(false);
                Ok(typed(Kind::Lit(Value::list(Vec::new())), Type::list(t)))
            }
            "Some" => err(pos, "Some needs a value: Some(x)"),
            "List" => err(pos, "List needs parentheses: List(a, b) or List()"),
            "math" | "Math" => err(
                pos,
                "math is not a value; call math.max(a, b), math.min(a, b) or math.abs(a)",
            ),
            "null" => err(pos, "null is not a value in this language; use None"),
            _ => {
                let mut names: Vec<&str> = self.bindings.iter().map(|b| b.name.as_str()).collect();
                names.extend(["None", "Some", "List", "math"]);
                err(pos, format!("unknown name '{n}'{}", suggestion(n, &names)))
            }
        }
    }

    fn unary(&mut self, op: UnOp, operand: &Expr, pos: usize) -> CResult<(Node, Type)> {
        let (n, t) = self.infer(operand)?;
        match op {
            UnOp::Not => {
                let n = self.coerce(n, &t, &Type::Boolean, operand.pos)?;
                Ok(typed(Kind::Not(Box::new(n)), Type::Boolean))
            }
            UnOp::Neg => {
                let s = self.shallow(&t);
                match s {
                    Type::Int | Type::Double | Type::Var(_) => {
                        if Self::is_var(&s) && !self.is_literal(&s) {
                            self.deferred.push(Deferred::Numeric {
                                ty: s.clone(),
                                pos: operand.pos,
                                string_ok: false,
                            });
                        }
                        let _ = pos;
                        Ok(typed(Kind::Neg(Box::new(n)), s))
                    }
                    other => err(
                        operand.pos,
                        format!("expected a number, found {}", self.show(&other)),
                    ),
                }
            }
        }
    }

    /// The type of `l op r` for `+ - * / %`, binding unknown operands where the other side
    /// tells what they must be.
    fn arith_type(
        &mut self,
        op: Arith,
        l: &Type,
        r: &Type,
        lpos: usize,
        rpos: usize,
    ) -> CResult<Type> {
        let (ls, rs) = (self.shallow(l), self.shallow(r));
        if op == Arith::Add && (ls == Type::String || rs == Type::String) {
            return Ok(Type::String);
        }
        // Literals next to a known number take its type; two literals settle on Int.
        let (ls, rs) = match (self.is_literal(&ls), self.is_literal(&rs)) {
            (true, true) => (self.settle_literal(&ls), self.settle_literal(&rs)),
            (true, false) if rs.is_numeric() => {
                let _ = self.unify(&ls, &rs);
                (rs.clone(), rs)
            }
            (false, true) if ls.is_numeric() => {
                let _ = self.unify(&rs, &ls);
                (ls.clone(), ls)
            }
            (true, false) => (self.settle_literal(&ls), rs),
            (false, true) => {
                let rs = self.settle_literal(&rs);
                (ls, rs)
            }
            (false, false) => (ls, rs),
        };
        let sym = match op {
            Arith::Add => "+",
            Arith::Sub => "-",
            Arith::Mul => "*",
            Arith::Div => "/",
            Arith::Rem => "%",
        };
        match (&ls, &rs) {
            (Type::Int, Type::Int) => Ok(Type::Int),
            (a, b) if a.is_numeric() && b.is_numeric() => Ok(Type::Double),
            (Type::Var(_), Type::Var(_)) => {
                let _ = self.unify(&ls, &rs);
                self.deferred.push(Deferred::Numeric {
                    ty: ls.clone(),
                    pos: lpos,
                    string_ok: op == Arith::Add,
                });
                Ok(ls)
            }
            (Type::Var(_), t) | (t, Type::Var(_)) if t.is_numeric() => {
                let v = if Self::is_var(&ls) { &ls } else { &rs };
                let _ = self.unify(v, t);
                Ok(t.clone())
            }
            (Type::Var(_), _) if op == Arith::Add => {
                let _ = self.unify(&ls, &Type::String);
                Ok(Type::String)
            }
            (a, _) if !a.is_numeric() && !Self::is_var(a) => err(
                lpos,
                if op == Arith::Add {
                    format!("'+' needs numbers or a String, found {}", self.show(a))
                } else {
                    format!("'{sym}' needs numbers, found {}", self.show(a))
                },
            ),
            (_, b) => err(
                rpos,
                if op == Arith::Add {
                    format!("'+' needs numbers or a String, found {}", self.show(b))
                } else {
                    format!("'{sym}' needs numbers, found {}", self.show(b))
                },
            ),
        }
    }

    fn binary(
        &mut self,
        op: BinOp,
        op_pos: usize,
        lhs: &Expr,
        rhs: &Expr,
    ) -> CResult<(Node, Type)> {
        let (ln, lt) = self.infer(lhs)?;
        let (rn, rt) = self.infer(rhs)?;
        let (l, r) = (Box::new(ln), Box::new(rn));
        let arith = |op| Some(op);
        let a = match op {
            BinOp::Add => arith(Arith::Add),
            BinOp::Sub => arith(Arith::Sub),
            BinOp::Mul => arith(Arith::Mul),
            BinOp::Div => arith(Arith::Div),
            BinOp::Rem => arith(Arith::Rem),
            _ => None,
        };
        if let Some(a) = a {
            let t = self.arith_type(a, &lt, &rt, lhs.pos, rhs.pos)?;
            return Ok(typed(Kind::Arith(a, l, r), t));
        }
        match op {
            BinOp::And | BinOp::Or => {
                let l = self.coerce(*l, &lt, &Type::Boolean, lhs.pos)?;
                let r = self.coerce(*r, &rt, &Type::Boolean, rhs.pos)?;
                let kind = if op == BinOp::And {
                    Kind::And(Box::new(l), Box::new(r))
                } else {
                    Kind::Or(Box::new(l), Box::new(r))
                };
                Ok(typed(kind, Type::Boolean))
            }
            BinOp::Arrow => Ok(typed(Kind::Tuple(vec![*l, *r]), Type::Tuple(vec![lt, rt]))),
            BinOp::Eq | BinOp::Ne => {
                let t = self.join_or(&lt, &rt, op_pos, |l, r| {
                    format!(
                        "'{}' compares values of one type, but these are {l} and {r}",
                        op.symbol()
                    )
                })?;
                let l = self.coerce(*l, &lt, &t, lhs.pos)?;
                let r = self.coerce(*r, &rt, &t, rhs.pos)?;
                Ok(typed(
                    Kind::Eq(op == BinOp::Ne, Box::new(l), Box::new(r)),
                    Type::Boolean,
                ))
            }
            _ => {
                let cmp = match op {
                    BinOp::Lt => Cmp::Lt,
                    BinOp::Le => Cmp::Le,
                    BinOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                self.comparable(&lt, &rt, lhs.pos, rhs.pos, op.symbol())?;
                Ok(typed(Kind::Cmp(cmp, l, r), Type::Boolean))
            }
        }
    }

    /// Both sides of `<` must be numbers, or both Strings.
    fn comparable(
        &mut self,
        l: &Type,
        r: &Type,
        lpos: usize,
        rpos: usize,
        sym: &str,
    ) -> CResult<()> {
        let (ls, rs) = (self.shallow(l), self.shallow(r));
        let (ls, rs) = match (self.is_literal(&ls), self.is_literal(&rs)) {
            (true, false) if rs.is_numeric() => {
                let _ = self.unify(&ls, &rs);
                (rs.clone(), rs)
            }
            (false, true) if ls.is_numeric() => {
                let _ = self.unify(&rs, &ls);
                (ls.clone(), ls)
            }
            _ => (self.settle_literal(&ls), self.settle_literal(&rs)),
        };
        match (&ls, &rs) {
            (a, b) if a.is_numeric() && b.is_numeric() => Ok(()),
            (Type::String, Type::String) => Ok(()),
            (Type::Var(_), Type::Var(_)) => {
                let _ = self.unify(&ls, &rs);
                self.deferred.push(Deferred::Numeric {
                    ty: ls.clone(),
                    pos: lpos,
                    string_ok: true,
                });
                Ok(())
            }
            (Type::Var(_), t) | (t, Type::Var(_)) if t.is_numeric() || *t == Type::String => {
                let v = if Self::is_var(&ls) { &ls } else { &rs };
                let _ = self.unify(v, t);
                Ok(())
            }
            (Type::String, b) => err(rpos, format!("expected String, found {}", self.show(b))),
            (a, Type::String) => err(lpos, format!("expected String, found {}", self.show(a))),
            (a, b) if a.is_numeric() => {
                err(rpos, format!("expected a number, found {}", self.show(b)))
            }
            (a, _) => err(
                lpos,
                format!(
                    "'{sym}' compares numbers or Strings, found {}",
                    self.show(a)
                ),
            ),
        }
    }

    fn apply(&mut self, callee: &Expr, args: &[Expr], paren_pos: usize) -> CResult<(Node, Type)> {
        if let ExprKind::Name(n) = &callee.kind {
            if self.lookup(n).is_none() {
                match n.as_str() {
                    "Some" => {
                        if args.len() != 1 {
                            return err(
                                paren_pos,
                                format!("Some takes 1 value, found {}", args.len()),
                            );
                        }
                        let (n, t) = self.infer(&args[0])?;
                        return Ok(typed(Kind::Some(Box::new(n)), Type::option(t)));
                    }
                    "List" | "Seq" | "Array" => {
                        let mut t = self.fresh(false);
                        let mut items = Vec::with_capacity(args.len());
                        for a in args {
                            let (n, at) = self.infer(a)?;
                            t = self.join_or(&t, &at, a.pos, |e, f| {
                                format!("the elements of a List share one type: expected {e}, found {f}")
                            })?;
                            items.push((n, at, a.pos));
                        }
                        let nodes = items
                            .into_iter()
                            .map(|(n, at, pos)| self.coerce(n, &at, &t, pos))
                            .collect::<CResult<Vec<_>>>()?;
                        return Ok(typed(Kind::List(nodes), Type::list(t)));
                    }
                    _ => {}
                }
            }
        }
        let (cn, ct) = self.infer(callee)?;
        let cs = self.shallow(&ct);
        let elem = match &cs {
            Type::List(t) => (**t).clone(),
            Type::Var(_) if !self.is_literal(&cs) => {
                let t = self.fresh(false);
                let _ = self.unify(&cs, &Type::list(t.clone()));
                t
            }
            Type::String => {
                return err(
                    paren_pos,
                    "a String cannot be indexed here; use s.substring(i, i + 1)",
                )
            }
            other => {
                return err(
                    paren_pos,
                    format!("{} cannot be called or indexed", self.show(other)),
                )
            }
        };
        if args.len() != 1 {
            return err(
                paren_pos,
                format!(
                    "a List is indexed by one Int, xs(0); found {}",
                    plural(args.len(), "argument")
                ),
            );
        }
        let (an, at) = self.infer(&args[0])?;
        let an = self.coerce(an, &at, &Type::Int, args[0].pos)?;
        Ok(typed(Kind::Index(Box::new(cn), Box::new(an)), elem))
    }

    /// Arguments checked against expected types.
    fn args_as(&mut self, args: &[Expr], expected: &[Type]) -> CResult<Vec<Node>> {
        args.iter()
            .zip(expected)
            .map(|(a, t)| {
                let (n, at) = self.infer(a)?;
                self.coerce(n, &at, t, a.pos)
            })
            .collect()
    }

    fn member(
        &mut self,
        recv: &Expr,
        name: &str,
        name_pos: usize,
        args: Option<&[Expr]>,
    ) -> CResult<(Node, Type)> {
        // `math.max(a, b)` unless `math` is a parameter.
        if let ExprKind::Name(m) = &recv.kind {
            if (m == "math" || m == "Math") && self.lookup(m).is_none() {
                return self.math(name, name_pos, args.unwrap_or(&[]));
            }
        }
        if self.is_state(recv) {
            return self.state_method(name, name_pos, args);
        }
        let (rn, rt) = self.infer(recv)?;
        let rs = self.shallow(&rt);
        let nargs = args.map_or(0, <[Expr]>::len);
        let no_args = args.unwrap_or(&[]);

        // Field access on tuples.
        if let Some(idx) = name.strip_prefix('_').and_then(|d| d.parse::<usize>().ok()) {
            if args.is_some() {
                return err(
                    name_pos,
                    format!("_{idx} is a field; write it without parentheses"),
                );
            }
            return match &rs {
                Type::Tuple(ts) if idx >= 1 && idx <= ts.len() => Ok(typed(
                    Kind::Call(Method::Field(idx - 1), Box::new(rn), Vec::new()),
                    ts[idx - 1].clone(),
                )),
                Type::Tuple(_) => err(name_pos, format!("tuple {} has no _{idx}", self.show(&rs))),
                Type::Var(_) if !self.is_literal(&rs) && idx >= 1 => {
                    let result = self.fresh(false);
                    self.deferred.push(Deferred::Method {
                        recv: rs.clone(),
                        name: name.to_string(),
                        pos: name_pos,
                        args: Vec::new(),
                        result: result.clone(),
                    });
                    Ok(typed(
                        Kind::Call(Method::Field(idx - 1), Box::new(rn), Vec::new()),
                        result,
                    ))
                }
                other => err(
                    name_pos,
                    format!("{} is not a tuple, so it has no _{idx}", self.show(other)),
                ),
            };
        }

        // A receiver of unknown type: methods of one type tell what it is.
        if Self::is_var(&rs) {
            let implied = if self.is_literal(&rs) {
                None
            } else if builtins::has(On::List, name)
                && !builtins::has(On::String, name)
                && !builtins::has(On::Option, name)
            {
                Some(Type::list(self.fresh(false)))
            } else if builtins::has(On::String, name)
                && !builtins::has(On::List, name)
                && !builtins::has(On::Number, name)
            {
                Some(Type::String)
            } else if builtins::has(On::Option, name) && !builtins::has(On::List, name) {
                Some(Type::option(self.fresh(false)))
            } else {
                None
            };
            if let Some(t) = implied {
                let _ = self.unify(&rs, &t);
                return self.member_typed(rn, &t, name, name_pos, args, no_args, nargs);
            }
            if self.is_literal(&rs) {
                let t = self.settle_literal(&rs);
                return self.member_typed(rn, &t, name, name_pos, args, no_args, nargs);
            }
            // Still unknown (`size`, `toInt`, `contains`…): the result type is the method's;
            // the receiver is checked once known, and the call dispatches on the value.
            let (method, result) = match name {
                "length" | "size" => (Method::Length, Type::Int),
                "isEmpty" => (Method::IsEmpty, Type::Boolean),
                "nonEmpty" => (Method::NonEmpty, Type::Boolean),
                "toInt" => (Method::ToInt, Type::Int),
                "toDouble" => (Method::ToDouble, Type::Double),
                "toString" => (Method::ToString, Type::String),
                "contains" => (Method::Contains, Type::Boolean),
                _ => {
                    return err(
                        name_pos,
                        format!(
                            "cannot tell what type has a method '{name}' here; the value's type is not known"
                        ),
                    )
                }
            };
            let expected_args = usize::from(name == "contains");
            if nargs != expected_args {
                return err(
                    name_pos,
                    format!(
                        "'{name}' takes {}, found {nargs}",
                        plural(expected_args, "argument")
                    ),
                );
            }
            let mut nodes = Vec::new();
            let mut types = Vec::new();
            for a in no_args {
                let (n, t) = self.infer(a)?;
                nodes.push(n);
                types.push(t);
            }
            self.deferred.push(Deferred::Method {
                recv: rs.clone(),
                name: name.to_string(),
                pos: name_pos,
                args: types,
                result: result.clone(),
            });
            return Ok(typed(Kind::Call(method, Box::new(rn), nodes), result));
        }
        self.member_typed(rn, &rs, name, name_pos, args, no_args, nargs)
    }

    #[allow(clippy::too_many_arguments)]
    fn member_typed(
        &mut self,
        rn: Node,
        rs: &Type,
        name: &str,
        name_pos: usize,
        args: Option<&[Expr]>,
        no_args: &[Expr],
        nargs: usize,
    ) -> CResult<(Node, Type)> {
        let rs = self.shallow(rs);
        let _ = args;
        let on = on_of(&rs);
        let Some(entry) = builtins::find(on, name) else {
            let hint = match on {
                On::Number if name == "abs" || name == "max" || name == "min" => {
                    format!(" (use math.{name}(…))")
                }
                _ => suggestion(name, &builtins::names(on)),
            };
            return err(
                name_pos,
                format!("{} has no method '{name}'{hint}", self.show(&rs)),
            );
        };
        if !entry.arity.contains(&nargs) {
            let what = match entry.arity {
                [one] => plural(*one, "argument"),
                many => format!(
                    "{} arguments",
                    many.iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            };
            return err(name_pos, format!("'{name}' takes {what}, found {nargs}"));
        }
        let elem = match &rs {
            Type::List(e) | Type::Option(e) => (**e).clone(),
            _ => Type::Unknown,
        };
        let nodes = match entry.args {
            Args::None => Vec::new(),
            Args::Pattern => return self.split(rn, &no_args[0]),
            Args::Strings => self.args_as(no_args, &vec![Type::String; nargs])?,
            Args::Ints => self.args_as(no_args, &vec![Type::Int; nargs])?,
            Args::StringsOrChars => no_args
                .iter()
                .map(|a| self.string_or_char(a))
                .collect::<CResult<Vec<_>>>()?,
            Args::Element => {
                let (an, at) = self.infer(&no_args[0])?;
                let t = self.join_expected(&elem, &at, no_args[0].pos)?;
                vec![self.coerce(an, &at, &t, no_args[0].pos)?]
            }
            Args::Default => {
                let (dn, dt) = self.infer(&no_args[0])?;
                let t = self.join_expected(&elem, &dt, no_args[0].pos)?;
                let on = self.coerce(rn, &rs, &Type::option(t.clone()), name_pos)?;
                let dn = self.coerce(dn, &dt, &t, no_args[0].pos)?;
                return Ok(typed(Kind::GetOrElse(Box::new(on), Box::new(dn)), t));
            }
            Args::Numbers => return err(name_pos, "internal error: a math function on a value"),
        };
        let result = match entry.returns {
            Returns::Int => Type::Int,
            Returns::Double => Type::Double,
            Returns::Boolean => Type::Boolean,
            Returns::String => Type::String,
            Returns::Strings => Type::list(Type::String),
            Returns::Element => elem,
            Returns::NumericElement => {
                let e = self.settle_literal(&elem);
                let ok = match &e {
                    t if t.is_numeric() => true,
                    Type::String => name != "sum",
                    Type::Var(_) => {
                        self.deferred.push(Deferred::Numeric {
                            ty: e.clone(),
                            pos: name_pos,
                            string_ok: name != "sum",
                        });
                        true
                    }
                    _ => false,
                };
                if !ok {
                    let what = if name == "sum" {
                        "numbers"
                    } else {
                        "numbers or Strings"
                    };
                    return err(
                        name_pos,
                        format!("'{name}' needs a List of {what}, found {}", self.show(&rs)),
                    );
                }
                e
            }
            Returns::Joined => return err(name_pos, "internal error: a joined result"),
        };
        Ok(typed(Kind::Call(entry.method, Box::new(rn), nodes), result))
    }

    /// A String argument, where a `'c'` literal is accepted too (Java's `char` overloads).
    fn string_or_char(&mut self, a: &Expr) -> CResult<Node> {
        if let ExprKind::Char(c) = a.kind {
            return Ok(Node::new(
                Kind::Lit(Value::str(c.encode_utf8(&mut [0; 4]))),
                Type::String,
            ));
        }
        let (n, t) = self.infer(a)?;
        self.coerce(n, &t, &Type::String, a.pos)
    }

    /// `s.split(sep)`: a literal pattern is checked here (and prepared once when compiled).
    fn split(&mut self, rn: Node, arg: &Expr) -> CResult<(Node, Type)> {
        let result = Type::list(Type::String);
        let recv = Box::new(rn);
        let lit = |s: &str| Node::new(Kind::Lit(Value::str(s)), Type::String);
        match &arg.kind {
            ExprKind::Char(c) => Ok(typed(
                Kind::Call(
                    Method::SplitChar,
                    recv,
                    vec![lit(c.encode_utf8(&mut [0; 4]))],
                ),
                result,
            )),
            ExprKind::Str(pattern) => {
                if let Some(e) = builtins::pattern_error(pattern) {
                    return err(arg.pos, e);
                }
                Ok(typed(
                    Kind::Call(Method::Split, recv, vec![lit(pattern)]),
                    result,
                ))
            }
            _ => {
                let (n, t) = self.infer(arg)?;
                let n = self.coerce(n, &t, &Type::String, arg.pos)?;
                Ok(typed(Kind::Call(Method::Split, recv, vec![n]), result))
            }
        }
    }

    fn math(&mut self, name: &str, pos: usize, args: &[Expr]) -> CResult<(Node, Type)> {
        let Some(entry) = builtins::find(On::Math, name) else {
            return err(
                pos,
                format!(
                    "math has no function '{name}'{} (it has max, min and abs)",
                    suggestion(name, &builtins::names(On::Math))
                ),
            );
        };
        let (m, n) = (entry.method, entry.arity[0]);
        if args.len() != n {
            return err(
                pos,
                format!(
                    "math.{name} takes {}, found {}",
                    plural(n, "argument"),
                    args.len()
                ),
            );
        }
        let mut args_typed = Vec::new();
        for a in args {
            let (node, t) = self.infer(a)?;
            args_typed.push((node, t, a.pos));
        }
        for (_, at, apos) in &args_typed {
            let s = self.shallow(at);
            if !s.is_numeric() && !Self::is_var(&s) {
                return err(*apos, format!("expected a number, found {}", self.show(&s)));
            }
        }
        // Two literals settle on Int; a literal beside a Double becomes a Double.
        let mut t = args_typed[0].1.clone();
        for (_, at, apos) in args_typed.iter().skip(1) {
            t = self.join_or(&t, at, *apos, |_, f| {
                format!("expected a number, found {f}")
            })?;
        }
        let t = self.settle_literal(&t);
        match &t {
            t if t.is_numeric() => {}
            Type::Var(_) => self.deferred.push(Deferred::Numeric {
                ty: t.clone(),
                pos: args_typed[0].2,
                string_ok: false,
            }),
            other => {
                return err(
                    args_typed[0].2,
                    format!("expected a number, found {}", self.show(other)),
                )
            }
        }
        let nodes = args_typed
            .into_iter()
            .map(|(node, at, apos)| self.coerce(node, &at, &t, apos))
            .collect::<CResult<Vec<_>>>()?;
        Ok(typed(Kind::Math(m, nodes), t))
    }

    /// Checks what had to wait until the types were known.
    fn run_deferred(&mut self) -> CResult<()> {
        let deferred = std::mem::take(&mut self.deferred);
        for d in deferred {
            match d {
                Deferred::Numeric { ty, pos, string_ok } => {
                    let t = self.shallow(&ty);
                    let ok = t.is_numeric() || Self::is_var(&t) || (string_ok && t == Type::String);
                    if !ok {
                        let what = if string_ok {
                            "a number or a String"
                        } else {
                            "a number"
                        };
                        return err(pos, format!("expected {what}, found {}", self.show(&t)));
                    }
                }
                Deferred::Method {
                    recv,
                    name,
                    pos,
                    args,
                    result,
                } => {
                    let r = self.shallow(&recv);
                    if Self::is_var(&r) {
                        continue;
                    }
                    if let Some(idx) = name.strip_prefix('_').and_then(|d| d.parse::<usize>().ok())
                    {
                        match &r {
                            Type::Tuple(ts) if idx >= 1 && idx <= ts.len() => {
                                if self.unify(&ts[idx - 1], &result).is_err() {
                                    return err(
                                        pos,
                                        format!(
                                            "expected {}, found {}",
                                            self.show(&result),
                                            self.show(&ts[idx - 1])
                                        ),
                                    );
                                }
                            }
                            Type::Tuple(_) => {
                                return err(pos, format!("tuple {} has no _{idx}", self.show(&r)))
                            }
                            other => {
                                return err(
                                    pos,
                                    format!(
                                        "{} is not a tuple, so it has no _{idx}",
                                        self.show(other)
                                    ),
                                )
                            }
                        }
                        continue;
                    }
                    let on = on_of(&r);
                    if !builtins::has(on, &name) {
                        return err(
                            pos,
                            format!(
                                "{} has no method '{name}'{}",
                                self.show(&r),
                                suggestion(&name, &builtins::names(on))
                            ),
                        );
                    }
                    if name == "contains" {
                        let want = match &r {
                            Type::List(e) => (**e).clone(),
                            _ => Type::String,
                        };
                        if let Some(a) = args.first() {
                            if self.join(&want, a).is_err() {
                                return err(
                                    pos,
                                    format!(
                                        "expected {}, found {}",
                                        self.show(&want),
                                        self.show(a)
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Which methods a receiver of type `t` has.
fn on_of(t: &Type) -> On {
    match t {
        Type::String => On::String,
        Type::List(_) => On::List,
        Type::Option(_) => On::Option,
        Type::Int | Type::Double => On::Number,
        _ => On::Any,
    }
}

fn describe_params(params: &[Type], checker: &Checker) -> String {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let items: Vec<String> = params
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = if params.len() == 1 {
                "x".to_string()
            } else {
                names
                    .get(i)
                    .map_or_else(|| format!("p{i}"), |n| n.to_string())
            };
            format!("{name}: {}", checker.show(t))
        })
        .collect();
    format!("({})", items.join(", "))
}

/// Checks `ast` against `sig`. `op` names the operator in arity errors ("reduceByKey").
/// With `with_state`, the lambda takes one more parameter after `sig`'s: a `State[S]` (only
/// mapWithState passes one), `S` inferred from its uses.
pub(crate) fn check(ast: &LambdaAst, sig: &Signature, op: &str, with_state: bool) -> CResult<Tree> {
    let mut c = Checker::default();
    let mut vars = Vec::new();
    let params: Vec<Type> = sig
        .params
        .iter()
        .map(|t| c.instantiate(t, &mut vars))
        .collect();
    let result = c.instantiate(&sig.result, &mut vars);
    c.frame_base = params.len() + usize::from(with_state);

    // What the lambda declares: named parameters, or `_` placeholders.
    let mut declared: Vec<(String, usize, Option<&TypeAnn>)> = match &ast.params {
        Some(ps) => ps
            .iter()
            .map(|p: &Param| (p.name.clone(), p.pos, p.ann.as_ref()))
            .collect(),
        None => (0..ast.placeholders)
            .map(|_| ("_".to_string(), ast.body.pos, None))
            .collect(),
    };
    if ast.params.is_some() && ast.placeholders > 0 {
        return err(
            ast.body.pos,
            "'_' cannot stand for a parameter in a lambda that names its parameters",
        );
    }
    if with_state {
        let s_var = c.fresh(false);
        if ast.params.is_none() || declared.len() != params.len() + 1 {
            let pos = declared.first().map_or(0, |d| d.1);
            let mut shown = describe_params(&params, &c);
            shown.pop();
            return err(
                pos,
                format!(
                    "{op}'s function takes {} parameters: {shown}, state: State[S]) => …",
                    params.len() + 1
                ),
            );
        }
        if let Some((name, pos, ann)) = declared.pop() {
            if let Some(ann) = ann {
                let declared_s = match ann {
                    TypeAnn::Named { name, args, .. } if name == "State" && args.len() == 1 => {
                        c.type_of_ann(&args[0])?
                    }
                    other => {
                        let shown = match other {
                            TypeAnn::Named { name, .. } => name.clone(),
                            TypeAnn::Tuple(_) => "a tuple".into(),
                        };
                        return err(
                            pos,
                            format!("{name} is declared {shown} but {op} passes a State[S]"),
                        );
                    }
                };
                let _ = c.unify(&s_var, &declared_s);
            }
            c.state = Some(StateParam {
                name,
                pos,
                ty: s_var,
                first_update: None,
            });
        }
    }
    let n = declared.len();
    // Parameter untupling: `(k, v) => …` over one pair.
    let untuple = n >= 2 && params.len() == 1 && {
        match c.shallow(&params[0]) {
            Type::Tuple(ts) => ts.len() == n,
            Type::Var(_) => {
                let fresh: Vec<Type> = (0..n).map(|_| c.fresh(false)).collect();
                c.unify(&params[0], &Type::Tuple(fresh)).is_ok()
            }
            _ => false,
        }
    };
    let param_types: Vec<Type> = if untuple {
        match c.shallow(&params[0]) {
            Type::Tuple(ts) => ts,
            _ => Vec::new(),
        }
    } else if n == params.len() {
        params.clone()
    } else {
        let pos = declared.first().map_or(0, |d| d.1);
        let takes = if n == 0 {
            "no parameter".to_string()
        } else {
            plural(n, "parameter")
        };
        return err(
            pos,
            format!(
                "this lambda takes {takes} but {op} passes {} {}",
                params.len(),
                describe_params(&params, &c)
            ),
        );
    };
    let mut bound = Vec::new();
    for (i, ((name, pos, ann), ty)) in declared.into_iter().zip(param_types).enumerate() {
        if let Some(ann) = ann {
            let at = c.type_of_ann(ann)?;
            if c.unify(&ty, &at).is_err() {
                return err(
                    pos,
                    format!(
                        "{name} is declared {} but {op} passes {}",
                        c.show(&at),
                        c.show(&ty)
                    ),
                );
            }
        }
        let kind = if untuple {
            Kind::Untupled(i)
        } else {
            Kind::Param(i)
        };
        let node = Node::new(kind, ty.clone());
        bound.push(Binding { name, ty, node });
    }
    if ast.params.is_some() {
        c.bindings = bound.into_iter().filter(|b| b.name != "_").collect();
    } else {
        c.placeholders = bound;
    }

    let (body, body_type) = c.infer(&ast.body)?;
    let body = c.coerce(body, &body_type, &result, ast.body.pos)?;
    c.run_deferred()?;
    let state = match c.state.clone() {
        Some(st) => {
            let s = c.settle_literal(&st.ty);
            if c.finish(&s) == Type::Unknown {
                return err(
                    st.pos,
                    format!(
                        "cannot tell the type of the state: call {}.update(…) with a new state \
                         (its type is the state's type S), or declare {}: State[Int]",
                        st.name, st.name
                    ),
                );
            }
            Some(s)
        }
        None => None,
    };
    // Literals nothing constrained are Ints.
    for slot in &mut c.slots {
        if let Slot::Free { literal: true } = slot {
            *slot = Slot::Bound(Type::Int);
        }
    }
    let mut body = body;
    c.finish_node(&mut body);
    Ok(Tree {
        params: params.iter().map(|t| c.finish(t)).collect(),
        result: c.finish(&result),
        state: state.map(|s| c.finish(&s)),
        body,
    })
}

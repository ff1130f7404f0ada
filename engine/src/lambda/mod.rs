//! The lambda language of pipeline specs (`x => x * x`, `_ + _`, `_.split(" ")`): parsed,
//! type-checked against the types flowing into a node, and compiled to closures.
//!
//! Parser: winnow 1.x — a stable release (chumsky resolves only to a 1.0 alpha here), small,
//! no build-time or stack-growing dependencies, so the engine builds for wasm32 unchanged.
//!
//! CONTRACT (used by the planner and ops; the implementation may grow, these must not change):
//! - [`compile`] takes the source and a [`Signature`] (parameter types and the expected
//!   result type, both possibly holding `Type::Var`s shared between them) and returns a
//!   [`Lambda`] whose `params()`/`result()` are the resolved types, or a [`LambdaError`]
//!   with a 1-based column into the source.
//! - [`Lambda::call`] evaluates on argument values; failures (`"x".toInt`, `1 / 0`,
//!   `None.get`) are [`EvalError`]s with a JVM-style reason, never panics.
//!
//! The stages: `syntax` (tokens and a syntax tree), `check` (types by unification), which
//! makes the typed tree ([`tree`], every node's type resolved: what code exporters read),
//! `eval` (the typed tree compiled to closures), `runtime` (the JVM's behaviour of each
//! operation). [`builtins`] lists the built-in methods once, for the checker and the code. The language itself is documented in
//! `shared/pipeline-spec.md` § Lambdas; what it adds or differs in is listed here:
//! - Parameters may carry Scala types, `(values: Seq[Int], state: Option[Int]) => …`
//!   (`Long` is `Int`, `Seq`/`Iterable`/`Array` are `List`, `Float` is `Double`).
//! - A lambda with `n` parameters over one `n`-tuple takes it apart (Scala 3's untupling).
//! - `a -> b` is the pair `(a, b)`; `Nil` is `List()`, `Seq(…)`/`Array(…)` build Lists,
//!   `Math.max` is `math.max`, every value has `toString`; `mkString` takes 0, 1 or 3 strings;
//!   `split`, `indexOf`, `lastIndexOf` and `replace` also take a `'c'` character literal.
//! - Blocks: `{ val x = e; stmt; …; result }`, anywhere an expression stands. Statements end
//!   at `;` or at a line break (a line starting with an operator or `(` begins a new
//!   statement, as in Scala; inside parentheses line breaks are spaces). `val`s are immutable
//!   (`val x: T = e` may carry a type), visible to the rest of their block only, and may hide
//!   a parameter. A block ends with an expression, its value. As a statement, `if (c) a`
//!   may leave out its `else` (its value is then `Unit`, as in Scala).
//! - mapWithState's third parameter is Spark's `State[S]` ([`compile_with_state`]):
//!   `exists`, `get` (fails "State is not set"), `getOption`, `isTimingOut`, `update(s)` and
//!   `remove()` (both `Unit`, the empty tuple), with `StateImpl`'s run-time rules
//!   ([`StateImpl`]). `S` is the type of `update`'s argument; the state is used only through
//!   these methods.
//! - `toInt` reads decimal digits of every script as `Long.parseLong` does (`"١٢"` is 12),
//!   `toDouble` Java's hexadecimal form as `Double.parseDouble` does (`"0x1p3"` is 8.0).
//! - Strings count UTF-16 units as Java does, but a `substring` that would cut a character
//!   beyond U+FFFF in half fails (Java keeps half of it); `split` uses the `regex` crate,
//!   which has no look-around or back-references.

pub mod builtins;
mod check;
mod eval;
mod runtime;
mod syntax;
pub mod tree;
pub(crate) mod typed;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

pub use runtime::StateImpl;

use crate::slot::{Out, Rec, Slot};

/// Parses and checks `source` against `sig` (with mapWithState's `State[S]` when
/// `with_state`), giving its syntax tree and its typed tree in the exporters' form.
pub(crate) fn typed_tree(
    source: &str,
    sig: &Signature,
    with_state: bool,
) -> Result<(syntax::LambdaAst, typed::Checked), String> {
    let ast = syntax::parse(source).map_err(|e| e.message)?;
    let checked = check::check(&ast, sig, "its op", with_state).map_err(|e| e.message)?;
    Ok((ast, typed::Checked::from(&checked)))
}

use crate::types::Type;
use crate::value::Value;

/// What an op passes to its lambda and what it needs back.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub params: Vec<Type>,
    pub result: Type,
}

/// A parse or type error, at a 1-based character column of the lambda's source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LambdaError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LambdaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for LambdaError {}

/// A failure while evaluating a lambda on a record, e.g.
/// `java.lang.NumberFormatException: For input string: "x"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

impl From<Box<EvalError>> for EvalError {
    fn from(e: Box<EvalError>) -> EvalError {
        *e
    }
}

pub use runtime::EResult;

/// A checked, compiled lambda.
pub struct Lambda {
    source: String,
    params: Vec<Type>,
    result: Type,
    code: eval::Compiled,
    tree: tree::Tree,
    /// `S` and the cell the compiled `State` methods use, for a lambda with a `State[S]`.
    state: Option<(Type, Rc<RefCell<StateImpl>>)>,
}

impl fmt::Debug for Lambda {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Lambda({:?}: {:?} => {})",
            self.source, self.params, self.result
        )
    }
}

impl Lambda {
    pub fn source(&self) -> &str {
        &self.source
    }
    /// Parameter types after inference.
    pub fn params(&self) -> &[Type] {
        &self.params
    }
    /// Result type after inference.
    pub fn result(&self) -> &Type {
        &self.result
    }
    /// The typed tree it was compiled from.
    pub fn tree(&self) -> &tree::Tree {
        &self.tree
    }
    /// `S` of the `State[S]` parameter ([`compile_with_state`]), `None` for other lambdas.
    pub fn state_type(&self) -> Option<&Type> {
        self.state.as_ref().map(|(t, _)| t)
    }

    /// Evaluates the lambda; `args.len()` equals `params().len()`. A lambda with a `State`
    /// parameter gets a state that is not set.
    pub fn call(&self, args: &[Value]) -> Result<Value, EvalError> {
        if self.state.is_some() {
            return self.call_with_state(args, &mut StateImpl::default());
        }
        if args.len() != self.params.len() {
            return Err(EvalError {
                message: format!(
                    "this lambda takes {} arguments, got {}",
                    self.params.len(),
                    args.len()
                ),
            });
        }
        let slots: Vec<Slot> = args.iter().map(Slot::Val).collect();
        Ok(self.code.eval(&slots).map(Out::into_value)?)
    }

    /// The result on arguments given as slots (`params()` of them), borrowed from them where
    /// it can be (`w => w.trim`).
    #[inline]
    pub fn eval<'a>(&self, args: &[Slot<'a>]) -> EResult<Out<'a>> {
        self.code.eval(args)
    }

    /// Hands the result to `k` as a record, without building a pair result (`w => (w, 1)`).
    #[inline]
    pub fn emit(
        &self,
        args: &[Slot<'_>],
        k: &mut dyn FnMut(Rec<'_>) -> EResult<()>,
    ) -> EResult<()> {
        self.code.emit(args, k)
    }

    /// Hands each element of the result (a List or an Option) to `k`, in order, without
    /// building the List: `line => line.split(" ")` hands out pieces borrowed from the line.
    #[inline]
    pub fn each(
        &self,
        args: &[Slot<'_>],
        k: &mut dyn FnMut(Rec<'_>) -> EResult<()>,
    ) -> EResult<()> {
        self.code.each(args, k)
    }

    /// The result of a lambda whose result is a `Boolean`.
    #[inline]
    pub fn test(&self, args: &[Slot<'_>]) -> EResult<bool> {
        self.code.test(args)
    }

    /// `acc = f(acc, v)` for a two-parameter lambda, an `Int` accumulator in place.
    #[inline]
    pub fn fold(&self, acc: &mut Value, v: Slot<'_>) -> EResult<()> {
        self.code.fold(acc, v)
    }

    /// Evaluates a lambda of [`compile_with_state`] on `args` (`params()`) and `state`, which
    /// afterwards holds what the call did to it (`update`, `remove`).
    pub fn call_with_state(
        &self,
        args: &[Value],
        state: &mut StateImpl,
    ) -> Result<Value, EvalError> {
        let Some((_, cell)) = &self.state else {
            return Err(EvalError {
                message: "this lambda has no State parameter".into(),
            });
        };
        if args.len() != self.params.len() {
            return Err(EvalError {
                message: format!(
                    "this lambda takes {} arguments and a State, got {}",
                    self.params.len(),
                    args.len()
                ),
            });
        }
        // The State parameter's slot holds `()`: only the State methods read it, from `cell`.
        let mut frame = Vec::with_capacity(args.len() + 1);
        frame.extend_from_slice(args);
        frame.push(runtime::unit());
        std::mem::swap(&mut *cell.borrow_mut(), state);
        let slots: Vec<Slot> = frame.iter().map(Slot::Val).collect();
        let r = self.code.eval(&slots).map(Out::into_value).map_err(|e| *e);
        std::mem::swap(&mut *cell.borrow_mut(), state);
        r
    }
}

/// Parses, type-checks and compiles `source` against `sig`.
pub fn compile(source: &str, sig: &Signature) -> Result<Lambda, LambdaError> {
    compile_for("its op", source, sig)
}

/// [`compile`], naming the op in arity errors: `this lambda takes 1 parameter but
/// reduceByKey passes 2 (a: Int, b: Int)`.
pub fn compile_for(op: &str, source: &str, sig: &Signature) -> Result<Lambda, LambdaError> {
    compile_inner(op, source, sig, false)
}

/// Compiles a lambda that takes `sig`'s parameters and then Spark's `State[S]`, as
/// mapWithState's `(key, value: Option[V], state: State[S]) => mapped`. `S` is inferred from
/// `state.update(…)` (and `get`/`getOption` where they constrain it): [`Lambda::state_type`].
/// `sig.result` is the mapped type (a `Type::Unknown` to infer it).
pub fn compile_with_state(op: &str, source: &str, sig: &Signature) -> Result<Lambda, LambdaError> {
    compile_inner(op, source, sig, true)
}

fn compile_inner(
    op: &str,
    source: &str,
    sig: &Signature,
    with_state: bool,
) -> Result<Lambda, LambdaError> {
    let column = |pos: usize| {
        let pos = pos.min(source.len());
        // Byte offsets always fall on char boundaries; count chars before it.
        source.char_indices().take_while(|(i, _)| *i < pos).count() + 1
    };
    let ast = syntax::parse(source).map_err(|e| LambdaError {
        column: column(e.pos),
        message: e.message,
    })?;
    let checked = check::check(&ast, sig, op, with_state).map_err(|e| LambdaError {
        column: column(e.pos),
        message: e.message,
    })?;
    let ctx = eval::Ctx {
        state_cell: Rc::default(),
    };
    let code = eval::Compiled::new(&checked.body, &ctx);
    Ok(Lambda {
        source: source.to_string(),
        params: checked.params.clone(),
        result: checked.result.clone(),
        code,
        state: checked.state.clone().map(|s| (s, ctx.state_cell)),
        tree: checked,
    })
}

#[cfg(test)]
mod tests;

//! The lambda language of pipeline specs (`x => x * x`, `_ + _`, `_.split(" ")`): parsed,
//! type-checked against the types flowing into a node, and compiled to closures.
//!
//! CONTRACT (used by the planner and ops; the implementation may grow, these must not change):
//! - [`compile`] takes the source and a [`Signature`] (parameter types and the expected
//!   result type, both possibly holding `Type::Var`s shared between them) and returns a
//!   [`Lambda`] whose `params()`/`result()` are the resolved types, or a [`LambdaError`]
//!   with a 1-based column into the source.
//! - [`Lambda::call`] evaluates on argument values; failures (`"x".toInt`, `1 / 0`,
//!   `None.get`) are [`EvalError`]s with a JVM-style reason, never panics.

use std::fmt;

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

/// A checked, compiled lambda.
pub struct Lambda {
    source: String,
    params: Vec<Type>,
    result: Type,
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
    /// Evaluates the lambda; `args.len()` equals `params().len()`.
    pub fn call(&self, _args: &[Value]) -> Result<Value, EvalError> {
        todo!("lambda evaluation")
    }
}

/// Parses, type-checks and compiles `source` against `sig`.
pub fn compile(source: &str, sig: &Signature) -> Result<Lambda, LambdaError> {
    let _ = sig;
    Err(LambdaError {
        column: 1,
        message: format!("the lambda language is not implemented yet: {source}"),
    })
}

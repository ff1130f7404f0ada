//! Reading one node's op fields for the planner: typed getters that record an error naming
//! node and field instead of failing, and lambdas compiled against the op's signature.

use std::collections::BTreeMap;

use crate::error::SpecError;
use crate::lambda::{self, Signature};
use crate::rdd::{Func, DEFAULT_PARTITIONS};
use crate::types::Type;

/// One node's fields, and the errors found reading them.
pub(crate) struct Fields<'a> {
    pub node: &'a str,
    pub fields: &'a BTreeMap<String, serde_json::Value>,
    pub errors: Vec<SpecError>,
}

impl<'a> Fields<'a> {
    pub fn new(node: &'a str, fields: &'a BTreeMap<String, serde_json::Value>) -> Fields<'a> {
        Fields {
            node,
            fields,
            errors: Vec::new(),
        }
    }

    pub fn err(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .push(SpecError::field(self.node, field, message));
    }

    pub fn get(&self, field: &str) -> Option<&'a serde_json::Value> {
        self.fields.get(field)
    }

    pub fn string(&mut self, field: &str, required: bool) -> Option<String> {
        match self.get(field) {
            None => {
                if required {
                    self.err(field, format!("`{field}` is required"));
                }
                None
            }
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.err(field, format!("expected a string, found {other}"));
                None
            }
        }
    }

    pub fn uint(&mut self, field: &str, required: bool, min: u64) -> Option<u64> {
        match self.get(field) {
            None => {
                if required {
                    self.err(field, format!("`{field}` is required"));
                }
                None
            }
            Some(v) => match v.as_u64() {
                Some(n) if n >= min => Some(n),
                _ => {
                    self.err(field, format!("expected an integer >= {min}, found {v}"));
                    None
                }
            },
        }
    }

    pub fn boolean(&mut self, field: &str, default: bool) -> bool {
        match self.get(field) {
            None => default,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(other) => {
                self.err(field, format!("expected true or false, found {other}"));
                default
            }
        }
    }

    pub fn partitions(&mut self) -> usize {
        self.uint("partitions", false, 1)
            .map(|p| p.min(1024) as usize)
            .unwrap_or(DEFAULT_PARTITIONS)
    }

    /// Compiles the lambda in `field` against `sig`: its function and resolved result type.
    pub fn lambda(&mut self, field: &str, sig: Signature, required: bool) -> Option<(Func, Type)> {
        let src = self.string(field, required)?;
        match lambda::compile(&src, &sig) {
            Ok(l) => {
                let result = l.result().clone();
                Some((Func::new(l), result))
            }
            Err(e) => {
                self.lambda_error(field, e);
                None
            }
        }
    }

    pub fn lambda_error(&mut self, field: &str, e: lambda::LambdaError) {
        self.errors.push(SpecError {
            node: Some(self.node.to_string()),
            field: Some(field.to_string()),
            column: Some(e.column),
            message: e.message,
        });
    }
}

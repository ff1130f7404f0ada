//! A Scala DStream program read into a pipeline: lexed ([`super::lexer`]), its shape parsed
//! ([`super::syntax`]), its driver code run symbolically ([`super::program`]) into nodes,
//! which get their ids from the `val`s, the pipeline's name, interval and checkpointing from
//! the `StreamingContext`, and are then checked by the planner, every error named at the
//! program's line and column. Where the exporter kept a lambda's typed text in a comment and
//! the code still says what the exporter would write for it, the typed text comes back.

use std::collections::BTreeSet;

use serde_json::Value as J;

use super::lexer::{lex, Tok};
use super::program::{header, record_json, Interp, Node};
use super::syntax::Parser;
use super::{ImportError, Imported};
use crate::catalog::OpKind;
use crate::export::scala::{lambda_text, val_name};
use crate::export::text::uncomment_text;
use crate::plan::validate;
use crate::spec::{NodeSpec, PipelineSpec};

/// The exporter's title line for a pipeline without a name.
pub(crate) const UNNAMED: &str = "(unnamed pipeline)";
/// The app name the exporter gives a pipeline without a name.
pub(crate) const UNNAMED_APP: &str = "pipeline";

/// Reads `text`, a Scala program, into a pipeline; what it cannot read is named by line and
/// column, and the pipeline it would give is checked as the playground checks any pipeline.
pub fn import(text: &str) -> Result<Imported, Vec<ImportError>> {
    let one = |e: ImportError| vec![e];
    let lexed = lex(text).map_err(one)?;
    let parser = Parser::new(&lexed.tokens).map_err(one)?;
    let items = parser.program().map_err(one)?;
    let mut it = Interp::new(&parser, text, &lexed.comments);
    it.run(&items).map_err(one)?;
    let Some((ssc_tok, batch_ms, app)) = it.ssc.clone() else {
        return Err(vec![parser.err(
            0,
            "no StreamingContext: a DStream program makes one (new StreamingContext(conf, \
             Seconds(1)))",
        )]);
    };
    if it.nodes.is_empty() {
        return Err(vec![parser.err(ssc_tok, "the program makes no DStream")]);
    }
    let ids = ids(&it.nodes);
    let mut nodes = Vec::with_capacity(it.nodes.len());
    for (k, n) in it.nodes.iter().enumerate() {
        let mut spec = NodeSpec::new(
            &ids[k],
            n.op(),
            &n.inputs
                .iter()
                .map(|&j| ids[j].as_str())
                .collect::<Vec<_>>(),
        );
        spec.fields = n.fields.clone();
        if let Some(q) = n.queue {
            let mut batches = Vec::new();
            for rdd in it.queues.get(q).map_or(&[][..], |b| b.as_slice()) {
                let super::program::V::Rdd(records) = rdd else {
                    continue;
                };
                let mut batch = Vec::new();
                for r in records {
                    batch.push(record_json(r).map_err(|m| vec![parser.err(n.tok, m)])?);
                }
                batches.push(J::Array(batch));
            }
            spec.fields.insert("batches".into(), J::Array(batches));
        }
        nodes.push(spec);
    }

    // The exporter's header: the title, `description:` and `ticks:` lines.
    let first_line = parser.at(0).line;
    let head = header(&lexed.comments, first_line);
    let mut description = None;
    let mut ticks = None;
    for c in &head {
        let t = c.text.strip_prefix(' ').unwrap_or(&c.text);
        if let Some(d) = t.strip_prefix("description: ") {
            description = Some(uncomment_text(d));
        } else if let Some(n) = t.strip_prefix("ticks: ") {
            ticks = n.trim().parse::<u64>().ok();
        }
    }
    let unnamed = head.first().is_some_and(|c| c.text.trim() == UNNAMED);
    let name = match app {
        Some(a) if unnamed && a == UNNAMED_APP => None,
        other => other,
    };
    let mut spec = PipelineSpec {
        version: 1,
        name,
        description,
        batch_interval_ms: batch_ms,
        ticks,
        checkpoint: (!it.checkpoint).then_some(false),
        nodes,
    };
    restore_typed_text(&mut spec, &it.nodes);
    if let Err(errors) = validate(&spec) {
        let mut out: Vec<ImportError> = errors
            .iter()
            .map(|e| {
                let k = e
                    .node
                    .as_ref()
                    .and_then(|id| ids.iter().position(|x| x == id));
                let Some(k) = k else {
                    return parser.err(ssc_tok, e.message.clone());
                };
                let n = &it.nodes[k];
                let field = e.field.clone().unwrap_or_default();
                match n.lambdas.get(&field) {
                    Some(l) => {
                        let (line, column) = match e.column {
                            Some(c) => l.position(text, c),
                            None => (l.line, l.col),
                        };
                        ImportError {
                            line,
                            column,
                            message: format!("the lambda of {} (`{field}`): {}", n.op(), e.message),
                        }
                    }
                    None => {
                        let what = if field.is_empty() {
                            n.op().to_string()
                        } else {
                            format!("{} (`{field}`)", n.op())
                        };
                        parser.err(n.tok, format!("{what}: {}", e.message))
                    }
                }
            })
            .collect();
        out.sort_by_key(|e| (e.line, e.column));
        out.dedup();
        return Err(out);
    }
    let typed_lines = it
        .typed_lines
        .iter()
        .map(|(k, v)| (ids[*k].clone(), v.clone()))
        .collect();
    Ok(Imported {
        spec,
        notes: it.notes.clone(),
        typed_lines,
    })
}

/// Node ids: the exporter's (where its comment names the node), else the `val`'s name or the
/// output's, else the op's; unique, and valid pipeline ids.
fn ids(nodes: &[Node]) -> Vec<String> {
    fn valid(s: &str) -> String {
        let mut out: String = s
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
            out.insert(0, '_');
        }
        out
    }
    let wanted: Vec<Option<String>> = nodes
        .iter()
        .map(|n| match (&n.hint, &n.name) {
            (Some(h), None) => Some(h.id.clone()),
            (Some(h), Some(v)) if val_name(&h.id).trim_matches('`') == v.as_str() => {
                Some(h.id.clone())
            }
            (_, Some(v)) => Some(valid(v)),
            (None, None) => None,
        })
        .collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out: Vec<Option<String>> = vec![None; nodes.len()];
    let fresh = |base: &str, taken: &mut BTreeSet<String>| {
        let mut id = base.to_string();
        let mut k = 2;
        while taken.contains(&id) {
            id = format!("{base}_{k}");
            k += 1;
        }
        taken.insert(id.clone());
        id
    };
    for (k, w) in wanted.iter().enumerate() {
        if let Some(w) = w {
            out[k] = Some(fresh(w, &mut taken));
        }
    }
    for (k, n) in nodes.iter().enumerate() {
        if out[k].is_none() {
            let base = if n.kind == OpKind::ForeachRdd {
                "out"
            } else {
                n.op()
            };
            out[k] = Some(fresh(base, &mut taken));
        }
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

/// Where the exporter left a lambda's typed text above its node and the code's lambda is
/// still the one the exporter writes for that text, the typed text replaces the translation.
fn restore_typed_text(spec: &mut PipelineSpec, nodes: &[Node]) {
    let mut hinted: Vec<(usize, String, String)> = Vec::new();
    for (k, n) in nodes.iter().enumerate() {
        if let Some(h) = &n.hint {
            for (field, original) in &h.originals {
                if n.lambdas.contains_key(field) {
                    hinted.push((k, field.clone(), original.clone()));
                }
            }
        }
    }
    if hinted.is_empty() {
        return;
    }
    let mut candidate = spec.clone();
    for (k, field, original) in &hinted {
        set_lambda_field(&mut candidate.nodes[*k], field, original);
    }
    let Ok(plan) = validate(&candidate) else {
        return;
    };
    for (k, field, original) in &hinted {
        let Ok(exported) = lambda_text(&candidate, &plan, *k, field) else {
            continue;
        };
        let Ok(lexed) = lex(&exported) else {
            continue;
        };
        let kinds: Vec<Tok> = lexed
            .tokens
            .into_iter()
            .map(|t| t.kind)
            .filter(|t| *t != Tok::Eof)
            .collect();
        if nodes[*k]
            .lambdas
            .get(field)
            .is_some_and(|l| l.code == kinds)
        {
            set_lambda_field(&mut spec.nodes[*k], field, original);
        }
    }
}

/// Sets lambda `field` (`fn`, `inverse`, `filter`, `rdd[i].fn`) of a node.
fn set_lambda_field(n: &mut NodeSpec, field: &str, text: &str) {
    if let Some(k) = field
        .strip_prefix("rdd[")
        .and_then(|r| r.strip_suffix("].fn"))
        .and_then(|k| k.parse::<usize>().ok())
    {
        if let Some(J::Object(step)) = n
            .fields
            .get_mut("rdd")
            .and_then(|r| r.as_array_mut())
            .and_then(|a| a.get_mut(k))
        {
            step.insert("fn".into(), J::String(text.to_string()));
        }
        return;
    }
    n.fields
        .insert(field.to_string(), J::String(text.to_string()));
}

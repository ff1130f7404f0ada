//! Each DStream method the pipeline format has, as a node: its lambdas translated, its
//! durations and partition counts read from the arguments (positional or named, as Spark's
//! Scala API names them), and the idioms that are the pipeline's op together (the exporter's
//! `groupByKey().mapValues(_.toList)`, a Kafka stream's `.map(_.value)`, `a.union(b).union(c)`).

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::Value as J;

use super::program::{Interp, R, V};
use super::syntax::{Arg, E};
use crate::catalog::{self, OpKind, OpKind::*};

/// A DStream method: an op of the catalogue, or another method by its name.
enum Method<'m> {
    K(OpKind),
    Name(&'m str),
}
use Method::{Name, K};

/// The text without spaces.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `_`, `x => x` (after `.toList` dropped out), or the cogroup pair `v => (v._1, v._2)`.
fn is_to_list(text: &str) -> bool {
    let t = squash(text);
    if t == "_" {
        return true;
    }
    let same = |re: &str, groups: &[usize]| {
        Regex::new(re)
            .ok()
            .and_then(|r| r.captures(&t))
            .is_some_and(|c| {
                let g: Vec<&str> = groups
                    .iter()
                    .filter_map(|&k| c.get(k).map(|m| m.as_str()))
                    .collect();
                g.len() == groups.len() && g.windows(2).all(|w| w[0] == w[1])
            })
    };
    same(r"^\(?(\w+)\)?=>(\w+)$", &[1, 2])
        || same(r"^\(?(\w+)\)?=>\((\w+)\._1,(\w+)\._2\)$", &[1, 2, 3])
        || (same(r"^\((\w+),(\w+)\)=>\((\w+),\w+\)$", &[1, 3])
            && same(r"^\((\w+),(\w+)\)=>\(\w+,(\w+)\)$", &[2, 3]))
}

/// A Kafka record's value: `_.value`, `r => r.value()`, `_._2` (createStream's pairs).
fn is_kafka_value(text: &str) -> bool {
    let t = squash(text);
    if matches!(t.as_str(), "_.value" | "_.value()" | "_._2") {
        return true;
    }
    Regex::new(r"^\(?(\w+)\)?=>(\w+)\.(value(\(\))?|_2)$")
        .ok()
        .and_then(|r| r.captures(&t))
        .is_some_and(|c| c.get(1).map(|m| m.as_str()) == c.get(2).map(|m| m.as_str()))
}

/// Arguments by Spark's parameter names: positional ones in `names`' order, named ones by
/// name (`partitioner` is `numPartitions`).
fn by_name<'x>(
    a: &'x [Arg],
    names: &[&'static str],
) -> Result<BTreeMap<&'static str, &'x Arg>, usize> {
    let mut out = BTreeMap::new();
    let mut k = 0;
    for (idx, arg) in a.iter().enumerate() {
        match &arg.name {
            Some(n) => {
                let n = if n == "partitioner" {
                    "numPartitions"
                } else {
                    n.as_str()
                };
                match names.iter().find(|x| **x == n) {
                    Some(x) => {
                        out.insert(*x, arg);
                    }
                    None => return Err(idx),
                }
            }
            None => {
                let Some(x) = names.get(k) else {
                    return Err(idx);
                };
                out.insert(*x, arg);
                k += 1;
            }
        }
    }
    Ok(out)
}

impl Interp<'_, '_> {
    fn is_fn_arg(&mut self, arg: &Arg) -> bool {
        if super::lambda::is_function(&arg.value) || matches!(arg.value.kind, E::Eta(_)) {
            return true;
        }
        if let E::Name(_) = &arg.value.kind {
            return matches!(self.eval(&arg.value), Ok(V::Func(_)));
        }
        false
    }

    fn duration(&mut self, arg: &Arg, input: usize) -> R<Option<u64>> {
        match self.eval(&arg.value)? {
            V::Dur(ms) => Ok(Some(ms)),
            V::SlideOf(j) if j == input => Ok(None),
            _ => Err(self.err(
                arg.value.span.lo,
                "expected a duration (Seconds(4), Milliseconds(500), Minutes(1))",
            )),
        }
    }

    fn partitions(&mut self, arg: &Arg) -> R<u64> {
        match self.eval(&arg.value)? {
            V::Lit(super::lambda::Lit::Int(k)) | V::Partitioner(k) if k >= 1 => Ok(k as u64),
            _ => Err(self.err(
                arg.value.span.lo,
                "expected a number of partitions (or a HashPartitioner)",
            )),
        }
    }

    fn stream_arg(&mut self, arg: &Arg) -> R<usize> {
        match self.eval(&arg.value)? {
            V::Stream(j) => Ok(j),
            _ => Err(self.err(arg.value.span.lo, "expected a DStream")),
        }
    }

    fn func_field(&mut self, node: usize, field: &str, arg: &Arg) -> R<()> {
        let f = self.func_arg(&arg.value)?;
        self.set_lambda(node, field, &f)
    }

    fn set(&mut self, node: usize, field: &str, v: J) {
        self.nodes[node].fields.insert(field.to_string(), v);
    }

    fn windowed(
        &mut self,
        node: usize,
        input: usize,
        args: &BTreeMap<&'static str, &Arg>,
        tok: usize,
    ) -> R<()> {
        let Some(w) = args.get("windowDuration") else {
            return Err(self.err(tok, "a window op needs its window duration"));
        };
        match self.duration(w, input)? {
            Some(ms) => self.set(node, "window_ms", J::from(ms)),
            None => {
                return Err(self.err(w.value.span.lo, "a window of the parent's slide duration"))
            }
        }
        if let Some(s) = args.get("slideDuration") {
            if let Some(ms) = self.duration(s, input)? {
                self.set(node, "slide_ms", J::from(ms));
            }
        }
        if let Some(k) = args.get("numPartitions") {
            let k = self.partitions(k)?;
            self.set(node, "partitions", J::from(k));
        }
        Ok(())
    }

    /// `stream.m(args)`.
    pub fn dstream(&mut self, i: usize, m: &str, args: Option<&[Arg]>, tok: usize) -> R<V> {
        let a = args.unwrap_or(&[]);
        let arity = |me: &Self, what: &str| me.err(tok, format!("{m} takes {what}"));
        let bound = |me: &mut Self, names: &[&'static str]| -> R<BTreeMap<&'static str, &Arg>> {
            by_name(a, names).map_err(|k| {
                let at = a.get(k).map_or(tok, |x| x.value.span.lo);
                me.err(at, format!("an argument {m} does not take"))
            })
        };
        let n = |me: &mut Self, op: OpKind| me.node(op, vec![i], tok);
        // The method as the catalogue's op, if it is one.
        let kind = catalog::op_named(m).map(|o| o.kind);
        let op = kind.unwrap_or(OpKind::Map);
        let method = match kind {
            Some(k) => Method::K(k),
            None => Method::Name(m),
        };
        match method {
            K(Map | FlatMap | Filter | MapValues | FlatMapValues) => {
                let [f] = a else {
                    return Err(arity(self, "one function"));
                };
                let func = self.func_arg(&f.value)?;
                let text = self.lambda_of(&func)?.text;
                if kind == Some(Map) && self.nodes[i].kafka && is_kafka_value(&text) {
                    self.note(
                        tok,
                        format!(
                            "`.map({})`: a Kafka record's value is the typed line itself",
                            text.trim()
                        ),
                    );
                    return Ok(V::Stream(i));
                }
                if kind == Some(MapValues) && self.nodes[i].to_list && is_to_list(&text) {
                    return Ok(V::Stream(i));
                }
                let node = n(self, op)?;
                self.set_lambda(node, "fn", &func)?;
                Ok(V::Stream(node))
            }
            K(ReduceByKey) => {
                let args = bound(self, &["func", "numPartitions"])?;
                let node = n(self, op)?;
                match args.get("func") {
                    Some(f) => self.func_field(node, "fn", f)?,
                    None => return Err(arity(self, "a function")),
                }
                if let Some(k) = args.get("numPartitions") {
                    let k = self.partitions(k)?;
                    self.set(node, "partitions", J::from(k));
                }
                Ok(V::Stream(node))
            }
            K(GroupByKey | CountByValue) => {
                let args = bound(self, &["numPartitions"])?;
                let node = n(self, op)?;
                if let Some(k) = args.get("numPartitions") {
                    let k = self.partitions(k)?;
                    self.set(node, "partitions", J::from(k));
                }
                self.nodes[node].to_list = kind == Some(GroupByKey);
                Ok(V::Stream(node))
            }
            K(Count) => {
                if !a.is_empty() {
                    return Err(arity(self, "no arguments"));
                }
                Ok(V::Stream(n(self, op)?))
            }
            K(Reduce) => {
                let [f] = a else {
                    return Err(arity(self, "one function"));
                };
                let node = n(self, op)?;
                self.func_field(node, "fn", f)?;
                Ok(V::Stream(node))
            }
            K(Repartition) => {
                let [k] = a else {
                    return Err(arity(self, "a number of partitions"));
                };
                let k = self.partitions(k)?;
                let node = n(self, op)?;
                self.set(node, "partitions", J::from(k));
                Ok(V::Stream(node))
            }
            K(Union) => {
                let [other] = a else {
                    return Err(arity(self, "one other stream"));
                };
                let j = self.stream_arg(other)?;
                // `a.union(b).union(c)` in one expression is one union of three.
                let me = &self.nodes[i];
                if me.kind == Union && me.stmt == self.stmt && me.name.is_none() {
                    self.nodes[i].inputs.push(j);
                    return Ok(V::Stream(i));
                }
                Ok(V::Stream(self.node(Union, vec![i, j], tok)?))
            }
            K(Join | LeftOuterJoin | RightOuterJoin | FullOuterJoin | Cogroup) => {
                let args = bound(self, &["other", "numPartitions"])?;
                let Some(other) = args.get("other") else {
                    return Err(arity(self, "the other stream"));
                };
                let j = self.stream_arg(other)?;
                let node = self.node(op, vec![i, j], tok)?;
                if let Some(k) = args.get("numPartitions") {
                    let k = self.partitions(k)?;
                    self.set(node, "partitions", J::from(k));
                }
                self.nodes[node].to_list = kind == Some(Cogroup);
                Ok(V::Stream(node))
            }
            K(Transform) => {
                let [f] = a else {
                    return Err(arity(self, "one function of the RDD"));
                };
                self.transform(i, &f.value, tok)
            }
            Name("transformWith") => {
                let [other, f] = a else {
                    return Err(arity(self, "the other stream and a function of both RDDs"));
                };
                let j = self.stream_arg(other)?;
                self.transform_with(i, j, &f.value, tok)
            }
            K(Window) => {
                let args = bound(self, &["windowDuration", "slideDuration"])?;
                let node = n(self, op)?;
                self.windowed(node, i, &args, tok)?;
                Ok(V::Stream(node))
            }
            K(CountByWindow) => {
                let args = bound(self, &["windowDuration", "slideDuration"])?;
                if !args.contains_key("slideDuration") {
                    return Err(arity(self, "a window and a slide duration"));
                }
                let node = n(self, op)?;
                self.windowed(node, i, &args, tok)?;
                Ok(V::Stream(node))
            }
            K(CountByValueAndWindow | GroupByKeyAndWindow) => {
                let args = bound(self, &["windowDuration", "slideDuration", "numPartitions"])?;
                let node = n(self, op)?;
                self.windowed(node, i, &args, tok)?;
                self.nodes[node].to_list = kind == Some(GroupByKeyAndWindow);
                Ok(V::Stream(node))
            }
            K(ReduceByWindow | ReduceByKeyAndWindow) => {
                let inverse = a.get(1).is_some_and(|x| x.name.is_none())
                    && a.get(1).is_some_and(|x| self.is_fn_arg(x))
                    || a.iter().any(|x| x.name.as_deref() == Some("invReduceFunc"));
                let names: &[&'static str] = match (m, inverse) {
                    ("reduceByWindow", true) => &[
                        "reduceFunc",
                        "invReduceFunc",
                        "windowDuration",
                        "slideDuration",
                    ],
                    ("reduceByWindow", false) => &["reduceFunc", "windowDuration", "slideDuration"],
                    (_, true) => &[
                        "reduceFunc",
                        "invReduceFunc",
                        "windowDuration",
                        "slideDuration",
                        "numPartitions",
                        "filterFunc",
                    ],
                    (_, false) => &[
                        "reduceFunc",
                        "windowDuration",
                        "slideDuration",
                        "numPartitions",
                    ],
                };
                let args = bound(self, names)?;
                if kind == Some(ReduceByWindow) && !args.contains_key("slideDuration") {
                    return Err(arity(self, "a function, a window and a slide duration"));
                }
                let node = n(self, op)?;
                match args.get("reduceFunc") {
                    Some(f) => self.func_field(node, "fn", f)?,
                    None => return Err(arity(self, "a function")),
                }
                if let Some(f) = args.get("invReduceFunc") {
                    self.func_field(node, "inverse", f)?;
                }
                if let Some(f) = args.get("filterFunc") {
                    self.func_field(node, "filter", f)?;
                }
                self.windowed(node, i, &args, tok)?;
                Ok(V::Stream(node))
            }
            K(UpdateStateByKey) => {
                let args = bound(self, &["updateFunc", "numPartitions", "initialRDD"])?;
                if let Some(x) = args.get("initialRDD") {
                    return Err(self.err(
                        x.value.span.lo,
                        "updateStateByKey's initial RDD has no pipeline equivalent (the state \
                         starts empty)",
                    ));
                }
                let node = n(self, op)?;
                match args.get("updateFunc") {
                    Some(f) => self.func_field(node, "fn", f)?,
                    None => return Err(arity(self, "the update function")),
                }
                if let Some(k) = args.get("numPartitions") {
                    let k = self.partitions(k)?;
                    self.set(node, "partitions", J::from(k));
                }
                Ok(V::Stream(node))
            }
            K(MapWithState) => {
                let [spec] = a else {
                    return Err(arity(self, "a StateSpec"));
                };
                let V::StateSpec { f, timeout, .. } = self.eval(&spec.value)? else {
                    return Err(self.err(
                        spec.value.span.lo,
                        "expected a StateSpec (StateSpec.function(f))",
                    ));
                };
                let node = n(self, op)?;
                self.set_lambda(node, "fn", &f)?;
                if let Some(t) = timeout {
                    self.set(node, "timeout_ms", J::from(t));
                }
                Ok(V::Stream(node))
            }
            K(Print) => {
                match a {
                    [] => {
                        n(self, op)?;
                    }
                    [k] => match self.eval(&k.value)? {
                        V::Lit(super::lambda::Lit::Int(num)) if num >= 0 => {
                            let node = n(self, op)?;
                            self.set(node, "num", J::from(num));
                        }
                        _ => {
                            return Err(self.err(k.value.span.lo, "print takes a number of records"))
                        }
                    },
                    _ => return Err(arity(self, "at most a number of records")),
                }
                Ok(V::Unit)
            }
            K(ForeachRdd) => {
                let [f] = a else {
                    return Err(arity(self, "one function of the RDD"));
                };
                self.foreach_rdd(i, &f.value, tok)
            }
            Name("saveAsTextFiles" | "saveAsObjectFiles") => {
                self.eval_args(a)?;
                let node = self.node(ForeachRdd, vec![i], tok)?;
                self.set(node, "action", J::from("collect"));
                self.note(
                    tok,
                    format!("{m}: shown as a foreachRDD collect (the playground writes no files)"),
                );
                Ok(V::Unit)
            }
            Name("cache" | "persist") => {
                self.eval_args(a)?;
                Ok(V::Stream(i))
            }
            Name("checkpoint") => {
                self.eval_args(a)?;
                self.note(
                    tok,
                    "a DStream's checkpoint interval: left out (the playground checkpoints \
                     every node at its own interval)",
                );
                Ok(V::Stream(i))
            }
            Name("slideDuration") => Ok(V::SlideOf(i)),
            Name("context") => Ok(V::Ssc),
            Name("stateSnapshots") => Err(self.err(
                tok,
                "stateSnapshots has no pipeline equivalent (a mapWithState's output is its \
                 mapped records)",
            )),
            _ => Err(self.err(tok, format!("an unknown DStream method `{m}`"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idioms_are_recognised_by_their_exact_shape() {
        for t in [
            "_",
            "x => x",
            "(vs) => vs",
            "vw => (vw._1, vw._2)",
            "(a, b) => (a, b)",
        ] {
            assert!(is_to_list(t), "{t}");
        }
        for t in [
            "x => y",
            "_ + 1",
            "vw => (vw._2, vw._1)",
            "(a, b) => (b, a)",
            "x => x.size",
        ] {
            assert!(!is_to_list(t), "{t}");
        }
        for t in ["_.value", "r => r.value()", "_._2", "(rec) => rec.value"] {
            assert!(is_kafka_value(t), "{t}");
        }
        for t in ["_.key", "r => s.value", "_._1"] {
            assert!(!is_kafka_value(t), "{t}");
        }
    }
}

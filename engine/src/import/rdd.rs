//! The RDD code inside `transform`, `transformWith` and `foreachRDD`: a chain of RDD methods
//! as transform's steps (`rdd.sortBy(…).take(3)`, or the exporter's `var r = rdd; r = …`),
//! and a foreachRDD body as its action (`rdd.collect()`, `rdd.count()`, the exporter's
//! `show`/`emit`, a running total), with what it stands in for in the notes (`println`,
//! writing to a store, become collect).

use serde_json::{json, Value as J};

use super::lambda::Lit;
use super::program::{Func, Interp, R, V};
use super::syntax::{Arg, Expr, Pat, Stmt, E};
use crate::catalog::{self, ActionKind, OpKind, RddOpKind};

/// One of transform's steps, before it is a JSON entry.
struct Step {
    fields: serde_json::Map<String, J>,
    func: Option<Func>,
}

/// The action of a foreachRDD body.
struct Action {
    action: ActionKind,
    n: Option<i64>,
    func: Option<Func>,
    accumulate: bool,
    /// The output's id, when the body names it (the exporter's `show("id", …)`).
    id: Option<String>,
}

/// `rdd` or `(rdd, time)`: the name of the RDD parameter, and the body.
fn rdd_lambda(e: &Expr) -> Option<(String, &Expr)> {
    match &e.kind {
        E::Lambda { params, body, .. } if (1..=2).contains(&params.len()) => {
            Some((params[0].name.clone(), body))
        }
        E::Block(stmts) => match stmts.as_slice() {
            [Stmt::Expr(x)] => rdd_lambda(x),
            _ => None,
        },
        _ if super::lambda::has_placeholder(e) => Some(("_".into(), e)),
        _ => None,
    }
}

fn is_name(e: &Expr, n: &str) -> bool {
    match &e.kind {
        E::Name(m) => m == n,
        E::Placeholder => n == "_",
        _ => false,
    }
}

/// `e` without trailing `.toSeq`, `.toList`, `.toArray`.
fn strip_to_seq(mut e: &Expr) -> &Expr {
    while let E::Select(r, m, _) = &e.kind {
        if matches!(m.as_str(), "toSeq" | "toList" | "toArray" | "toVector") {
            e = r;
        } else {
            break;
        }
    }
    e
}

/// `recv.m(args)` (or `recv.m` without parentheses): receiver, method, its token, arguments.
fn call(e: &Expr) -> Option<(&Expr, &str, usize, &[Arg])> {
    match &e.kind {
        E::Apply(f, args) => match &f.kind {
            E::Select(r, m, t) => Some((r, m.as_str(), *t, args.as_slice())),
            E::TypeApply(g) => match &g.kind {
                E::Select(r, m, t) => Some((r, m.as_str(), *t, args.as_slice())),
                _ => None,
            },
            _ => None,
        },
        E::Select(r, m, t) => Some((r, m.as_str(), *t, &[])),
        _ => None,
    }
}

impl Interp<'_, '_> {
    fn lit_int(&mut self, arg: &Arg) -> R<i64> {
        match self.eval(&arg.value)? {
            V::Lit(Lit::Int(k)) if k >= 0 => Ok(k),
            _ => Err(self.err(arg.value.span.lo, "expected a whole number")),
        }
    }

    fn lit_bool(&mut self, arg: &Arg) -> R<bool> {
        match self.eval(&arg.value)? {
            V::Lit(Lit::Bool(b)) => Ok(b),
            _ => Err(self.err(arg.value.span.lo, "expected true or false")),
        }
    }

    /// The steps of a chain of RDD methods on `base`.
    fn chain(&mut self, e: &Expr, base: &str, out: &mut Vec<Step>) -> R<()> {
        let e = strip_to_seq(e);
        if is_name(e, base) {
            return Ok(());
        }
        // r.sparkContext.parallelize(X.take(n)[, k]): take (or top) of the chain X.
        if let Some((recv, m @ ("parallelize" | "makeRDD"), _, args)) = call(e) {
            let via_context = matches!(
                call(recv),
                Some((_, "sparkContext" | "context" | "sc", _, _))
            ) || matches!(&recv.kind, E::Name(_));
            if via_context {
                if let Some(inner) = args.first() {
                    return self.take_or_top(&inner.value, base, out);
                }
            }
            return Err(self.err(e.span.lo, format!("an RDD built with {m} inside transform")));
        }
        let Some((recv, m, tok, args)) = call(e) else {
            return Err(self.err(
                e.span.lo,
                "transform's function must return a chain of RDD methods on its RDD",
            ));
        };
        self.chain(recv, base, out)?;
        let mut fields = serde_json::Map::new();
        let mut func = None;
        let step = catalog::rdd_op_named(m);
        if let Some(info) = step {
            fields.insert("op".into(), json!(info.name));
        }
        match (step.map(|o| o.kind), m) {
            (Some(RddOpKind::Distinct), _) => {
                if !args.is_empty() {
                    return Err(self.err(tok, "distinct with a number of partitions"));
                }
            }
            (Some(RddOpKind::Sample), _) => {
                let [rep, fraction, rest @ ..] = args else {
                    return Err(self.err(tok, "sample takes withReplacement, fraction and a seed"));
                };
                if self.lit_bool(rep)? {
                    return Err(self.err(rep.value.span.lo, "sample with replacement"));
                }
                match self.eval(&fraction.value)? {
                    V::Lit(Lit::Double(f)) => fields.insert("fraction".into(), json!(f)),
                    V::Lit(Lit::Int(f)) => fields.insert("fraction".into(), json!(f as f64)),
                    _ => return Err(self.err(fraction.value.span.lo, "expected a fraction")),
                };
                match rest {
                    [] => self.note(
                        tok,
                        "sample without a seed: the playground samples with seed 0 (Spark draws a \
                         random one)",
                    ),
                    [seed] => {
                        let s = self.lit_int(seed)?;
                        fields.insert("seed".into(), json!(s));
                    }
                    _ => {
                        return Err(
                            self.err(tok, "sample takes withReplacement, fraction and a seed")
                        )
                    }
                }
            }
            (Some(RddOpKind::SortBy), _) => {
                let mut positional = 0;
                for arg in args {
                    match (arg.name.as_deref(), positional) {
                        (Some("f"), _) | (None, 0) => func = Some(self.func_arg(&arg.value)?),
                        (Some("ascending"), _) | (None, 1) => {
                            let b = self.lit_bool(arg)?;
                            fields.insert("ascending".into(), json!(b));
                        }
                        (Some("numPartitions"), _) | (None, 2) => {
                            self.lit_int(arg)?;
                        }
                        _ => {
                            return Err(
                                self.err(arg.value.span.lo, "an argument sortBy does not take")
                            )
                        }
                    }
                    if arg.name.is_none() {
                        positional += 1;
                    }
                }
                if func.is_none() {
                    return Err(self.err(tok, "sortBy needs its key function"));
                }
            }
            (Some(RddOpKind::SortByKey), _) => {
                for (k, arg) in args.iter().enumerate() {
                    match (arg.name.as_deref(), k) {
                        (Some("ascending"), _) | (None, 0) => {
                            let b = self.lit_bool(arg)?;
                            fields.insert("ascending".into(), json!(b));
                        }
                        (Some("numPartitions"), _) | (None, 1) => {
                            self.lit_int(arg)?;
                        }
                        _ => {
                            return Err(
                                self.err(arg.value.span.lo, "an argument sortByKey does not take")
                            )
                        }
                    }
                }
            }
            (Some(RddOpKind::Take | RddOpKind::Top), _) => {
                return Err(self.err(
                    tok,
                    format!(
                        "`{m}` returns an Array, not an RDD: inside transform write \
                         rdd.sparkContext.parallelize(rdd.{m}(n))"
                    ),
                ))
            }
            // Partitioning and caching change no records.
            (None, "cache" | "persist" | "coalesce") => return Ok(()),
            _ if catalog::op_named(m).is_some_and(|o| o.kind == OpKind::Repartition) => {
                return Ok(())
            }
            (_, other) => {
                return Err(self.err(
                    tok,
                    format!(
                        "an RDD method `{other}` inside transform (transform's steps are \
                         distinct, sample, sortBy, sortByKey, take and top; map and filter are \
                         DStream ops of their own)"
                    ),
                ))
            }
        }
        out.push(Step { fields, func });
        Ok(())
    }

    /// `X.take(n)` or `X.top(n)[(Ordering.by(f))]` of a chain X on `base`.
    fn take_or_top(&mut self, e: &Expr, base: &str, out: &mut Vec<Step>) -> R<()> {
        let e = strip_to_seq(e);
        let (inner, ordering) = match &e.kind {
            E::Apply(f, args)
                if matches!(f.kind, E::Apply(..)) && matches!(call(f), Some((_, "top", _, _))) =>
            {
                (f.as_ref(), args.first())
            }
            _ => (e, None),
        };
        let step = call(inner).and_then(|(recv, m, tok, args)| {
            catalog::rdd_op_named(m)
                .filter(|o| matches!(o.kind, RddOpKind::Take | RddOpKind::Top))
                .map(|o| (recv, o.name, tok, args))
        });
        let Some((recv, m, tok, args)) = step else {
            return Err(self.err(
                e.span.lo,
                "inside transform, parallelize takes the RDD's take(n) or top(n)",
            ));
        };
        self.chain(recv, base, out)?;
        let [n] = args else {
            return Err(self.err(tok, format!("{m} takes a number of records")));
        };
        let n = self.lit_int(n)?;
        let mut fields = serde_json::Map::new();
        fields.insert("op".into(), json!(m));
        fields.insert("n".into(), json!(n));
        let func = match ordering {
            Some(o) => Some(self.ordering_by(&o.value)?),
            None => None,
        };
        out.push(Step { fields, func });
        Ok(())
    }

    /// `Ordering.by(f)`: the key function.
    fn ordering_by(&mut self, e: &Expr) -> R<Func> {
        if let Some((recv, "by", _, [f])) = call(e) {
            if is_name(recv, "Ordering")
                || matches!(&recv.kind, E::TypeApply(t) if is_name(t, "Ordering"))
            {
                return self.func_arg(&f.value);
            }
        }
        Err(self.err(e.span.lo, "an ordering other than Ordering.by(key) for top"))
    }

    /// `stream.transform(f)`.
    pub fn transform(&mut self, input: usize, f: &Expr, tok: usize) -> R<V> {
        let f = match &f.kind {
            E::Name(_) => match self.func_arg(f)? {
                Func::Expr { e, .. } => (*e).clone(),
                Func::Def { .. } => {
                    return Err(self.err(
                        f.span.lo,
                        "transform of a `def` (write the lambda in place)",
                    ))
                }
            },
            _ => f.clone(),
        };
        let Some((base, body)) = rdd_lambda(&f) else {
            return Err(self.err(
                f.span.lo,
                "transform takes a function of the RDD (rdd => …)",
            ));
        };
        let mut steps = Vec::new();
        match &body.kind {
            // The exporter's `{ var r = rdd; r = r.op(…); …; r }`.
            E::Block(stmts) if stmts.len() > 1 => {
                let var = match stmts.first() {
                    Some(Stmt::Val {
                        pat: Pat::Name(v, _),
                        rhs,
                        ..
                    }) if is_name(rhs, &base) => v.clone(),
                    _ => {
                        return Err(self.err(
                            body.span.lo,
                            "transform's function must return a chain of RDD methods",
                        ))
                    }
                };
                for s in &stmts[1..stmts.len() - 1] {
                    match s {
                        Stmt::Expr(Expr {
                            kind: E::Assign(target, value),
                            ..
                        }) if is_name(target, &var) => self.chain(value, &var, &mut steps)?,
                        Stmt::Expr(e) | Stmt::Val { rhs: e, .. } => {
                            return Err(self.err(
                                e.span.lo,
                                "transform's function must return a chain of RDD methods",
                            ))
                        }
                        _ => {}
                    }
                }
                match stmts.last() {
                    Some(Stmt::Expr(last)) if is_name(last, &var) => {}
                    _ => {
                        return Err(
                            self.err(body.span.lo, "transform's function must return its RDD")
                        )
                    }
                }
            }
            E::Block(stmts) => match stmts.as_slice() {
                [Stmt::Expr(e)] => self.chain(e, &base, &mut steps)?,
                _ => {
                    return Err(self.err(
                        body.span.lo,
                        "transform's function must return a chain of RDD methods",
                    ))
                }
            },
            _ => self.chain(body, &base, &mut steps)?,
        }
        let node = self.node(OpKind::Transform, vec![input], tok)?;
        let mut list = Vec::new();
        for (k, step) in steps.into_iter().enumerate() {
            let mut fields = step.fields;
            if let Some(func) = step.func {
                let field = format!("rdd[{k}].fn");
                let l = self.lambda_of(&func)?;
                fields.insert("fn".into(), J::String(l.text.clone()));
                self.nodes[node].lambdas.insert(field, l);
            }
            list.push(J::Object(fields));
        }
        self.nodes[node].fields.insert("rdd".into(), J::Array(list));
        Ok(V::Stream(node))
    }

    /// `a.transformWith(b, (x: RDD[T], y: RDD[U]) => x.op(y))` for the two-input RDD ops.
    pub fn transform_with(&mut self, input: usize, other: usize, f: &Expr, tok: usize) -> R<V> {
        let shape = match &f.kind {
            E::Lambda { params, body, .. } if params.len() == 2 => {
                let body = match &body.kind {
                    E::Block(stmts) => match stmts.as_slice() {
                        [Stmt::Expr(e)] => e,
                        _ => body.as_ref(),
                    },
                    _ => body.as_ref(),
                };
                call(body).and_then(|(recv, m, _, args)| match args {
                    [y] if is_name(recv, &params[0].name) && is_name(&y.value, &params[1].name) => {
                        Some(m.to_string())
                    }
                    _ => None,
                })
            }
            _ => None,
        };
        let op = match shape.as_deref().and_then(catalog::op_named).map(|o| o.kind) {
            Some(
                op @ (OpKind::Intersection
                | OpKind::Subtract
                | OpKind::Cartesian
                | OpKind::Union
                | OpKind::Join
                | OpKind::LeftOuterJoin
                | OpKind::RightOuterJoin
                | OpKind::FullOuterJoin),
            ) => op,
            _ => {
                return Err(self.err(
                    f.span.lo,
                    "transformWith's function must be (a, b) => a.op(b) with op one of \
                     intersection, subtract, cartesian, union or a join",
                ))
            }
        };
        Ok(V::Stream(self.node(op, vec![input, other], tok)?))
    }

    /// What the records of a foreachRDD body are: an action on `rdd`.
    fn action_of(&mut self, e: &Expr, rdd: &str) -> R<Option<Action>> {
        let e = strip_to_seq(e);
        let plain = |action: ActionKind| Action {
            action,
            n: None,
            func: None,
            accumulate: false,
            id: None,
        };
        // `Seq(rdd.count())`, `Some(rdd.count())`.
        if let E::Apply(f, args) = &e.kind {
            if matches!(&f.kind, E::Name(n) if n == "Seq" || n == "Some" || n == "List") {
                if let [x] = args.as_slice() {
                    return self.action_of(&x.value, rdd);
                }
            }
            // The exporter's `reduced(rdd, f)`.
            if matches!(&f.kind, E::Name(n) if n == "reduced") {
                if let [r, g] = args.as_slice() {
                    if is_name(&r.value, rdd) {
                        let func = self.func_arg(&g.value)?;
                        return Ok(Some(Action {
                            func: Some(func),
                            ..plain(ActionKind::Reduce)
                        }));
                    }
                }
            }
            // `rdd.top(n)(Ordering.by(f))`.
            if let Some((recv, "top", _, [n])) = call(f) {
                if is_name(recv, rdd) {
                    let k = self.lit_int(n)?;
                    let func = match args.as_slice() {
                        [o] => Some(self.ordering_by(&o.value)?),
                        _ => None,
                    };
                    return Ok(Some(Action {
                        n: Some(k),
                        func,
                        ..plain(ActionKind::Top)
                    }));
                }
            }
        }
        let Some((recv, m, tok, args)) = call(e) else {
            return Ok(None);
        };
        // The exporter's running total: `total.add(Some(rdd.count()))`.
        if m == "add" {
            if let E::Name(_) = &recv.kind {
                if let Ok(V::Running) = self.eval(recv) {
                    if let [x] = args {
                        return Ok(self.action_of(&x.value, rdd)?.map(|a| Action {
                            accumulate: true,
                            ..a
                        }));
                    }
                }
            }
        }
        if !is_name(recv, rdd) {
            return Ok(None);
        }
        if m == "first" && args.is_empty() {
            self.note(tok, "rdd.first(): shown as take(1)");
            return Ok(Some(Action {
                n: Some(1),
                ..plain(ActionKind::Take)
            }));
        }
        let Some(action) = catalog::action_named(m) else {
            return Ok(None);
        };
        Ok(Some(match (action, args) {
            (ActionKind::Collect | ActionKind::Count | ActionKind::CountByValue, []) => {
                plain(action)
            }
            (ActionKind::Take | ActionKind::Top, [n]) => Action {
                n: Some(self.lit_int(n)?),
                ..plain(action)
            },
            (ActionKind::Reduce, [f]) => Action {
                func: Some(self.func_arg(&f.value)?),
                ..plain(action)
            },
            _ => return Ok(None),
        }))
    }

    /// The first action on `rdd` in the body, in the order the code runs.
    fn first_action(&mut self, e: &Expr, rdd: &str, found: &mut Option<(Action, usize)>) -> R<()> {
        if found.is_some() {
            return Ok(());
        }
        // `total += rdd.count()`: a running total the driver keeps.
        if let E::Infix(target, op, _, value) = &e.kind {
            if op == "+=" && matches!(target.kind, E::Name(_)) {
                if let Some(a) = self.action_of(value, rdd)? {
                    if matches!(a.action, ActionKind::Count | ActionKind::Reduce) {
                        self.note(
                            e.span.lo,
                            "a running total in a driver variable: the output accumulates",
                        );
                        *found = Some((
                            Action {
                                accumulate: true,
                                ..a
                            },
                            e.span.lo,
                        ));
                        return Ok(());
                    }
                }
            }
        }
        if let Some(a) = self.action_of(e, rdd)? {
            *found = Some((a, e.span.lo));
            return Ok(());
        }
        let mut kids = Vec::new();
        super::lambda::children(e, &mut |c| kids.push(c.clone()));
        for k in kids {
            self.first_action(&k, rdd, found)?;
        }
        Ok(())
    }

    /// `stream.foreachRDD(f)`: an output node.
    pub fn foreach_rdd(&mut self, input: usize, f: &Expr, tok: usize) -> R<V> {
        let f = match &f.kind {
            E::Name(_) => match self.func_arg(f)? {
                Func::Expr { e, .. } => (*e).clone(),
                Func::Def { .. } => {
                    return Err(self.err(
                        f.span.lo,
                        "foreachRDD of a `def` (write the lambda in place)",
                    ))
                }
            },
            _ => f.clone(),
        };
        let Some((rdd, body)) = rdd_lambda(&f) else {
            return Err(self.err(
                f.span.lo,
                "foreachRDD takes a function of the RDD (rdd => …)",
            ));
        };
        let body = match &body.kind {
            E::Block(stmts) if stmts.len() == 1 => match &stmts[0] {
                Stmt::Expr(e) => e.clone(),
                _ => body.clone(),
            },
            _ => body.clone(),
        };
        if matches!(&body.kind, E::Unit) || matches!(&body.kind, E::Block(s) if s.is_empty()) {
            self.note(tok, "a foreachRDD that does nothing: left out");
            return Ok(V::Unit);
        }
        // The exporter's `show("id", time, records)` / `emit("id", ordered, time, records)`.
        let mut id = None;
        let mut records = &body;
        if let E::Apply(g, args) = &body.kind {
            if let (E::Name(n), Some(first), Some(last)) = (&g.kind, args.first(), args.last()) {
                if (n == "show" || n == "emit") && args.len() >= 3 {
                    if let E::Str(s) = &first.value.kind {
                        id = Some(s.clone());
                        records = &last.value;
                    }
                }
            }
        }
        // The exporter's running totals are `val`s before the foreachRDD; a block may hold
        // its own.
        let mut found = None;
        if let E::Block(stmts) = &records.kind {
            self.scope_block(stmts, &rdd, &mut found)?;
        } else {
            self.first_action(records, &rdd, &mut found)?;
        }
        let action = match found {
            Some((a, _)) => Some(a),
            None if prints_or_writes(&body, &rdd) => {
                self.note(
                    body.span.lo,
                    "a foreachRDD that prints or writes its records: shown as collect",
                );
                None
            }
            None => {
                return Err(self.err(
                    body.span.lo,
                    "a foreachRDD whose body has no action the pipeline has (collect, count, \
                     countByValue, take, top, reduce)",
                ))
            }
        };
        let action = action.unwrap_or(Action {
            action: ActionKind::Collect,
            n: None,
            func: None,
            accumulate: false,
            id: None,
        });
        if action.action == ActionKind::Collect && has_println(&body) && id.is_none() {
            self.note(
                body.span.lo,
                "println inside foreachRDD: shown as the output's collect",
            );
        }
        // The exporter's --jsonl `print(k)` is `emit("id", …, rdd.take(k))` under its
        // `// id: print` comment.
        if action.action == ActionKind::Take && !action.accumulate {
            let hint = self.pending_hint(OpKind::Print);
            if let (Some(h), Some(k), Some(name)) = (hint, action.n, &id) {
                if h == *name {
                    let node = self.node(OpKind::Print, vec![input], tok)?;
                    self.nodes[node].fields.insert("num".into(), json!(k));
                    self.nodes[node].name = id;
                    return Ok(V::Unit);
                }
            }
        }
        let node = self.node(OpKind::ForeachRdd, vec![input], tok)?;
        let n = &mut self.nodes[node];
        let name = catalog::ACTIONS
            .iter()
            .find(|(k, _)| *k == action.action)
            .map_or("collect", |(_, n)| *n);
        n.fields.insert("action".into(), json!(name));
        if let Some(k) = action.n {
            n.fields.insert("n".into(), json!(k));
        }
        if action.accumulate {
            n.fields.insert("accumulate".into(), json!(true));
        }
        n.name = id.or(action.id);
        if let Some(func) = &action.func {
            self.set_lambda(node, "fn", func)?;
        }
        Ok(V::Unit)
    }

    fn scope_block(
        &mut self,
        stmts: &[Stmt],
        rdd: &str,
        found: &mut Option<(Action, usize)>,
    ) -> R<()> {
        for s in stmts {
            match s {
                Stmt::Val { rhs, .. } | Stmt::Expr(rhs) => self.first_action(rhs, rdd, found)?,
                _ => {}
            }
        }
        Ok(())
    }
}

/// Whether a body prints or writes records (`println`, `foreach`, `foreachPartition`,
/// `saveAs…`).
fn prints_or_writes(e: &Expr, rdd: &str) -> bool {
    let here = match &e.kind {
        E::Name(n) => n == "println",
        E::Select(r, m, _) => {
            is_name(r, rdd)
                && (m == "foreach" || m == "foreachPartition" || m.starts_with("saveAs"))
        }
        _ => false,
    };
    let mut found = here;
    super::lambda::children(e, &mut |c| found = found || prints_or_writes(c, rdd));
    found
}

fn has_println(e: &Expr) -> bool {
    let mut found = matches!(&e.kind, E::Name(n) if n == "println");
    super::lambda::children(e, &mut |c| found = found || has_println(c));
    found
}

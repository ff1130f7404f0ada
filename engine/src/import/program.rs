//! Runs a Scala program's driver code symbolically: `val`s, `def` calls, the
//! `StreamingContext` (its batch interval, app name, `checkpoint`, `getOrCreate`), the
//! sources (queues of literal RDDs, sockets and Kafka streams read as typed lines, the
//! exporter's stand-ins), and, through [`super::dstream`], each DStream call as a pipeline
//! node. What the pipeline has no use for (logging, the program's arguments) is carried along
//! as an opaque value; what it cannot read is an error at its line and column.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde_json::Value as J;

use super::lambda::{self, Lambda, Lit};
use super::lexer::Comment;
use super::syntax::{Arg, Def, Expr, Item, Object, Parser, Pat, Span, Stmt, E};
use super::ImportError;
use crate::catalog::{self, OpKind};

pub(crate) type R<T> = Result<T, ImportError>;

/// How many records a range or a program may hold, and how often a `for` loop may run.
const MAX_RECORDS: usize = 100_000;
const MAX_LOOP: usize = 10_000;
const MAX_CALL_DEPTH: usize = 24;

/// A function value: a lambda written in the program, or a `def`.
#[derive(Clone, Debug)]
pub(crate) enum Func {
    Expr {
        e: Rc<Expr>,
        /// The literal `val`s the function reads, by name.
        lits: Rc<BTreeMap<String, Lit>>,
    },
    Def {
        def: Rc<Def>,
        body: Rc<Expr>,
        lits: Rc<BTreeMap<String, Lit>>,
    },
}

/// What an expression of the driver program evaluates to.
#[derive(Clone, Debug)]
pub(crate) enum V {
    Ssc,
    /// A `SparkConf` (or `SparkContext`, `SparkSession`) and the app name it sets.
    Conf(Option<String>),
    Sc,
    Stream(usize),
    /// `stream.slideDuration`.
    SlideOf(usize),
    Dur(u64),
    Lit(Lit),
    Char,
    Unit,
    Null,
    Tuple(Vec<V>),
    /// A literal collection (`Seq(…)`, `1 to 5`).
    Seq(Vec<V>),
    Some,
    Nothing,
    /// An RDD of literal records (`sc.parallelize(Seq(…))`).
    Rdd(Vec<V>),
    Queue(usize),
    Func(Func),
    /// `StateSpec.function(f)`, with its timeout.
    StateSpec {
        f: Func,
        timeout: Option<u64>,
        tok: usize,
    },
    /// The exporter's `new Running[T](f)`: a driver-side running total.
    Running,
    Partitioner(i64),
    /// Something the program computes that the pipeline has no use for.
    Opaque,
}

/// The exporter's notes above a node: `// id: op` and `// playground field: "text"`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hint {
    pub id: String,
    pub kind: Option<OpKind>,
    pub originals: Vec<(String, String)>,
}

/// A pipeline node as the program builds it.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// The op (its name is `catalog::info(kind).name`).
    pub kind: OpKind,
    pub inputs: Vec<usize>,
    pub fields: BTreeMap<String, J>,
    pub lambdas: BTreeMap<String, Lambda>,
    /// The id the program gives it (a `val`, the exporter's id).
    pub name: Option<String>,
    pub hint: Option<Hint>,
    /// The token naming its call.
    pub tok: usize,
    /// The statement that created it.
    pub stmt: usize,
    pub queue: Option<usize>,
    /// `groupByKey`'s Iterable, turned into a List by a `.mapValues(_.toList)` that follows.
    pub to_list: bool,
    /// A Kafka stream, whose `.map(_.value)` is the line itself.
    pub kafka: bool,
}

#[derive(Clone, Debug)]
enum Binding {
    Val(V),
    Def(Rc<Def>),
    /// An object's `val`, evaluated when first read.
    Member(Span),
    Evaluating,
}

pub(crate) struct Interp<'p, 'a> {
    pub p: &'p Parser<'a>,
    pub src: &'a str,
    comments: &'p [Comment],
    /// Object members and top-level definitions.
    globals: BTreeMap<String, Binding>,
    scopes: Vec<BTreeMap<String, Binding>>,
    pub nodes: Vec<Node>,
    pub queues: Vec<Vec<V>>,
    pub notes: Vec<ImportError>,
    pub typed_lines: BTreeMap<usize, Vec<Vec<String>>>,
    /// The StreamingContext: where it was made, batch interval, app name.
    pub ssc: Option<(usize, u64, Option<String>)>,
    pub checkpoint: bool,
    started: bool,
    /// An error no later statement may turn into a note.
    hard: Option<ImportError>,
    pub stmt: usize,
    stand_in: bool,
    depth: usize,
    pending: Option<Hint>,
    /// The comments already read (each is read once, however often its code runs).
    seen: BTreeSet<usize>,
}

impl Node {
    /// The op's name, as the pipeline spells it.
    pub fn op(&self) -> &'static str {
        catalog::info(self.kind).name
    }
}

impl<'p, 'a> Interp<'p, 'a> {
    pub fn new(p: &'p Parser<'a>, src: &'a str, comments: &'p [Comment]) -> Self {
        Interp {
            p,
            src,
            comments,
            globals: BTreeMap::new(),
            scopes: vec![BTreeMap::new()],
            nodes: Vec::new(),
            queues: Vec::new(),
            notes: Vec::new(),
            typed_lines: BTreeMap::new(),
            ssc: None,
            checkpoint: false,
            started: false,
            hard: None,
            stmt: 0,
            stand_in: false,
            depth: 0,
            pending: None,
            seen: BTreeSet::new(),
        }
    }

    pub fn err(&self, tok: usize, m: impl Into<String>) -> ImportError {
        self.p.err(tok, m)
    }

    pub fn note(&mut self, tok: usize, m: impl Into<String>) {
        let n = self.err(tok, m);
        if !self.notes.contains(&n) {
            self.notes.push(n);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Entry

    /// Runs the program: `def main` of an object, else an `object … extends App`'s body, else
    /// the top-level statements (a snippet).
    pub fn run(&mut self, items: &[Item]) -> R<()> {
        self.declare(items, true);
        if let Some((obj, main)) = find_main(items) {
            self.declare(&obj.items, false);
            let args = V::Opaque;
            return self.call_def(&main, vec![args], main.tok).map(|_| ());
        }
        if let Some(obj) = find_app(items) {
            return self.run_items(&obj.items);
        }
        self.run_items(items)
    }

    /// Makes a list of items' definitions visible; `outer` ones never hide an object's own.
    fn declare(&mut self, items: &[Item], outer: bool) {
        for item in items {
            let (name, b) = match item {
                Item::Def(d) => (d.name.clone(), Binding::Def(d.clone())),
                Item::Val {
                    pat: Pat::Name(n, _),
                    rhs,
                    ..
                } => (n.clone(), Binding::Member(*rhs)),
                Item::Object(o) if o.name.is_empty() => {
                    self.declare(&o.items, outer);
                    continue;
                }
                Item::Object(o) => {
                    if outer {
                        self.declare_members(o);
                    }
                    continue;
                }
                _ => continue,
            };
            if !outer || !self.globals.contains_key(&name) {
                self.globals.insert(name, b);
            }
        }
    }

    fn declare_members(&mut self, o: &Object) {
        // Members of top-level objects, by their own names (as an `import Obj._` would).
        for item in &o.items {
            match item {
                Item::Def(d) if !self.globals.contains_key(&d.name) => {
                    self.globals.insert(d.name.clone(), Binding::Def(d.clone()));
                }
                Item::Val {
                    pat: Pat::Name(n, _),
                    rhs,
                    ..
                } if !self.globals.contains_key(n) => {
                    self.globals.insert(n.clone(), Binding::Member(*rhs));
                }
                _ => {}
            }
        }
    }

    /// An `App` body or a snippet: every item in order.
    fn run_items(&mut self, items: &[Item]) -> R<()> {
        for item in items {
            let r = self.run_item(item);
            self.settle(r)?;
        }
        self.hard.take().map_or(Ok(()), Err)
    }

    fn run_item(&mut self, item: &Item) -> R<()> {
        match item {
            Item::Val { pat, rhs, span } => {
                self.begin_stmt(span.lo);
                let e = self.p.expr_in(rhs.lo, rhs.hi)?;
                let v = self.eval(&e)?;
                self.bind_pat(pat, v)
            }
            Item::Stmt(span) => {
                self.begin_stmt(span.lo);
                let e = self.p.expr_in(span.lo, span.hi)?;
                self.eval(&e).map(|_| ())
            }
            Item::Class(what, span) => Err(self.err(span.lo, *what)),
            Item::Def(_) | Item::Import | Item::Object(_) => Ok(()),
        }
    }

    /// After `ssc.start()`, a statement the importer cannot read is left out with a note
    /// (the pipeline is complete by then); before, it is an error.
    fn settle(&mut self, r: R<()>) -> R<()> {
        if let Some(h) = self.hard.take() {
            return Err(h);
        }
        match r {
            Err(e) if self.started => {
                let m = format!("after ssc.start(), left out: {}", e.message);
                let n = ImportError { message: m, ..e };
                if !self.notes.contains(&n) {
                    self.notes.push(n);
                }
                Ok(())
            }
            other => other,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Statements

    /// Starts statement `lo`: reads the exporter's comments above it.
    fn begin_stmt(&mut self, lo: usize) {
        self.stmt += 1;
        let line = self.p.at(lo).line;
        let above = if lo == 0 { 0 } else { self.p.at(lo - 1).line };
        let comments = self.comments;
        for (k, c) in comments.iter().enumerate() {
            if !c.own_line || c.line <= above || c.line >= line || !self.seen.insert(k) {
                continue;
            }
            let text = c.text.trim();
            if let Some((field, original)) = lambda::exported_original(c) {
                if let Some(h) = &mut self.pending {
                    h.originals.push((field, original));
                }
            } else if let Some((id, op)) = text.split_once(": ") {
                let ident = !id.is_empty()
                    && id.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                    && !id.starts_with(|ch: char| ch.is_ascii_digit());
                if let (true, Some(info)) = (ident, catalog::op_named(op)) {
                    self.pending = Some(Hint {
                        id: id.to_string(),
                        kind: Some(info.kind),
                        originals: Vec::new(),
                    });
                }
            }
        }
    }

    fn exec_block(&mut self, stmts: &[Stmt]) -> R<V> {
        self.scopes.push(BTreeMap::new());
        let r = self.exec_stmts(stmts);
        self.scopes.pop();
        r
    }

    fn exec_stmts(&mut self, stmts: &[Stmt]) -> R<V> {
        let mut last = V::Unit;
        for s in stmts {
            let r = self.exec(s).map(|v| last = v);
            self.settle(r)?;
        }
        Ok(last)
    }

    fn exec(&mut self, s: &Stmt) -> R<V> {
        match s {
            Stmt::Val { pat, rhs, span } => {
                self.begin_stmt(span.lo);
                let v = self.eval(rhs)?;
                self.bind_pat(pat, v)?;
                Ok(V::Unit)
            }
            Stmt::Expr(e) => {
                self.begin_stmt(e.span.lo);
                self.eval(e)
            }
            Stmt::Def(d) => {
                self.bind(&d.name.clone(), Binding::Def(d.clone()));
                Ok(V::Unit)
            }
            Stmt::Class(what, span) => Err(self.err(span.lo, *what)),
            Stmt::Import => Ok(V::Unit),
        }
    }

    fn bind(&mut self, name: &str, b: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), b);
        }
    }

    fn bind_pat(&mut self, pat: &Pat, v: V) -> R<()> {
        match (pat, v) {
            (Pat::Name(n, _), v) => {
                if let V::Stream(i) = v {
                    let node = &mut self.nodes[i];
                    if node.stmt == self.stmt && node.name.is_none() {
                        node.name = Some(n.clone());
                    }
                }
                self.bind(n, Binding::Val(v));
                Ok(())
            }
            (Pat::Wild, _) => Ok(()),
            (Pat::Tuple(ps), V::Tuple(vs)) if ps.len() == vs.len() => {
                for (p, v) in ps.iter().zip(vs) {
                    self.bind_pat(p, v)?;
                }
                Ok(())
            }
            (pat, V::Opaque) => {
                for (n, _) in self.p.pattern_vars(pat) {
                    self.bind(&n, Binding::Val(V::Opaque));
                }
                Ok(())
            }
            (Pat::Tuple(_), _) => Err(self.err(0, "a tuple `val` of a value that is not a tuple")),
            (Pat::Other(s), _) => {
                Err(self.err(s.lo, "a pattern `val` of a value the pipeline has"))
            }
        }
    }

    /// The literal a name holds, without running anything: a `val` already evaluated, or an
    /// object's `val` whose right side is a literal.
    fn literal_val(&self, name: &str) -> Option<Lit> {
        let b = self
            .scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .or_else(|| self.globals.get(name))?;
        match b {
            Binding::Val(V::Lit(l)) => Some(l.clone()),
            Binding::Member(span) => {
                let e = self.p.expr_in(span.lo, span.hi).ok()?;
                let (neg, e) = match &e.kind {
                    E::Prefix(op, x) if op == "-" => (true, x.as_ref()),
                    _ => (false, &e),
                };
                match (&e.kind, neg) {
                    (E::Int(v, _), n) => {
                        let v = i64::try_from(*v).ok()?;
                        Some(Lit::Int(if n { v.checked_neg()? } else { v }))
                    }
                    (E::Double(d), n) => Some(Lit::Double(if n { -d } else { *d })),
                    (E::Str(s), false) => Some(Lit::Str(s.clone())),
                    (E::Bool(b), false) => Some(Lit::Bool(*b)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn lookup(&mut self, name: &str, tok: usize) -> R<Option<Binding>> {
        for scope in self.scopes.iter().rev() {
            if let Some(b) = scope.get(name) {
                return Ok(Some(b.clone()));
            }
        }
        match self.globals.get(name).cloned() {
            Some(Binding::Member(span)) => {
                self.globals.insert(name.to_string(), Binding::Evaluating);
                let saved = std::mem::replace(&mut self.scopes, vec![BTreeMap::new()]);
                let r = self.p.expr_in(span.lo, span.hi).and_then(|e| self.eval(&e));
                self.scopes = saved;
                let v = r?;
                self.globals
                    .insert(name.to_string(), Binding::Val(v.clone()));
                Ok(Some(Binding::Val(v)))
            }
            Some(Binding::Evaluating) => {
                Err(self.err(tok, format!("`{name}` is defined in terms of itself")))
            }
            other => Ok(other),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Functions

    /// The literal `val`s that the names in `e` read.
    fn literals_of(&mut self, roots: &[&Expr]) -> Rc<BTreeMap<String, Lit>> {
        let mut names = BTreeSet::new();
        fn collect(e: &Expr, out: &mut BTreeSet<String>) {
            if let E::Name(n) = &e.kind {
                out.insert(n.clone());
            }
            lambda::children(e, &mut |c| collect(c, out));
        }
        for r in roots {
            collect(r, &mut names);
        }
        let mut out = BTreeMap::new();
        for n in names {
            if let Some(l) = self.literal_val(&n) {
                out.insert(n, l);
            }
        }
        Rc::new(out)
    }

    pub fn func_of_expr(&mut self, e: &Expr) -> Func {
        let lits = self.literals_of(&[e]);
        Func::Expr {
            e: Rc::new(e.clone()),
            lits,
        }
    }

    fn func_of_def(&mut self, def: &Rc<Def>) -> R<Func> {
        let body = self.p.expr_in(def.body.lo, def.body.hi)?;
        let lits = self.literals_of(&[&body]);
        Ok(Func::Def {
            def: def.clone(),
            body: Rc::new(body),
            lits,
        })
    }

    /// The function an argument stands for: written in place, a `val` holding one, a `def`
    /// (`update _` or `update`).
    pub fn func_arg(&mut self, e: &Expr) -> R<Func> {
        if lambda::is_function(e) {
            return Ok(self.func_of_expr(e));
        }
        let name = match &e.kind {
            E::Name(n) => Some(n.clone()),
            E::Eta(inner) => match &inner.kind {
                E::Name(n) => Some(n.clone()),
                _ => None,
            },
            _ => None,
        };
        if let Some(n) = name {
            match self.lookup(&n, e.span.lo)? {
                Some(Binding::Val(V::Func(f))) => return Ok(f),
                Some(Binding::Def(d)) => return self.func_of_def(&d),
                _ => {}
            }
        }
        match self.eval(e)? {
            V::Func(f) => Ok(f),
            _ => Err(self.err(
                e.span.lo,
                "expected a function here (a lambda such as `x => …`, `_ + _`, or a `def`'s name)",
            )),
        }
    }

    /// A function as lambda text.
    pub fn lambda_of(&mut self, f: &Func) -> R<Lambda> {
        match f {
            Func::Expr { e, lits } => {
                let lits = lits.clone();
                lambda::from_expr(self.p, self.src, e, &|n| lits.get(n).cloned())
            }
            Func::Def { def, body, lits } => {
                let lits = lits.clone();
                lambda::from_def(self.p, self.src, def, body, &|n| lits.get(n).cloned())
            }
        }
    }

    fn call_def(&mut self, def: &Rc<Def>, args: Vec<V>, tok: usize) -> R<V> {
        if self.depth >= MAX_CALL_DEPTH {
            return Err(self.err(tok, "functions call each other too deeply"));
        }
        let body = self.p.expr_in(def.body.lo, def.body.hi)?;
        let mut scope = BTreeMap::new();
        let params: Vec<_> = def.params.iter().flatten().collect();
        for (k, prm) in params.iter().enumerate() {
            let v = args.get(k).cloned().unwrap_or(V::Opaque);
            scope.insert(prm.name.clone(), Binding::Val(v));
        }
        let saved = std::mem::replace(&mut self.scopes, vec![scope]);
        self.depth += 1;
        let r = self.eval(&body);
        self.depth -= 1;
        self.scopes = saved;
        r
    }

    fn call_func(&mut self, f: &Func, args: Vec<V>, tok: usize) -> R<V> {
        match f {
            Func::Def { def, .. } => self.call_def(def, args, tok),
            Func::Expr { e, .. } => match &e.kind {
                E::Lambda { params, body, .. } => {
                    if self.depth >= MAX_CALL_DEPTH {
                        return Err(self.err(tok, "functions call each other too deeply"));
                    }
                    let mut scope = BTreeMap::new();
                    for (k, prm) in params.iter().enumerate() {
                        let v = args.get(k).cloned().unwrap_or(V::Opaque);
                        scope.insert(prm.name.clone(), Binding::Val(v));
                    }
                    self.scopes.push(scope);
                    self.depth += 1;
                    let body = body.clone();
                    let r = self.eval(&body);
                    self.depth -= 1;
                    self.scopes.pop();
                    r
                }
                _ => Ok(V::Opaque),
            },
        }
    }

    // -----------------------------------------------------------------------------------------
    // Nodes

    /// The id of the exporter's pending comment if it announces an `op` node.
    pub fn pending_hint(&self, kind: OpKind) -> Option<String> {
        self.pending
            .as_ref()
            .filter(|h| h.kind == Some(kind))
            .map(|h| h.id.clone())
    }

    /// A new node; after `ssc.start()` Spark refuses one.
    pub fn node(&mut self, kind: OpKind, inputs: Vec<usize>, tok: usize) -> R<usize> {
        if self.started {
            let e = self.err(
                tok,
                "a DStream operation after ssc.start() (Spark: adding new inputs, \
                 transformations, and output operations after starting a context is not \
                 supported)",
            );
            self.hard = Some(e.clone());
            return Err(e);
        }
        let hint = match &self.pending {
            Some(h) if h.kind == Some(kind) => self.pending.take(),
            _ => None,
        };
        self.nodes.push(Node {
            kind,
            inputs,
            fields: BTreeMap::new(),
            lambdas: BTreeMap::new(),
            name: None,
            hint,
            tok,
            stmt: self.stmt,
            queue: None,
            to_list: false,
            kafka: false,
        });
        Ok(self.nodes.len() - 1)
    }

    /// Sets lambda `field` of node `i` from function `f`.
    pub fn set_lambda(&mut self, i: usize, field: &str, f: &Func) -> R<()> {
        let l = self.lambda_of(f)?;
        self.nodes[i]
            .fields
            .insert(field.to_string(), J::String(l.text.clone()));
        self.nodes[i].lambdas.insert(field.to_string(), l);
        Ok(())
    }

    fn need_ssc(&self, tok: usize) -> R<()> {
        match self.ssc {
            Some(_) => Ok(()),
            None => Err(self.err(tok, "a stream before any StreamingContext was made")),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    pub fn eval(&mut self, e: &Expr) -> R<V> {
        let tok = e.span.lo;
        match &e.kind {
            E::Int(v, _) => i64::try_from(*v)
                .map(|i| V::Lit(Lit::Int(i)))
                .map_err(|_| self.err(tok, "a number too large for a Long")),
            E::Double(d) => Ok(V::Lit(Lit::Double(*d))),
            E::Str(s) => Ok(V::Lit(Lit::Str(s.clone()))),
            E::Bool(b) => Ok(V::Lit(Lit::Bool(*b))),
            E::Char => Ok(V::Char),
            E::Null => Ok(V::Null),
            E::Unit => Ok(V::Unit),
            E::Interp => Ok(V::Opaque),
            E::Placeholder => Err(self.err(tok, "a `_` where a value is expected")),
            E::Name(n) => match self.lookup(n, tok)? {
                Some(Binding::Val(v)) => Ok(v),
                Some(Binding::Def(d)) => {
                    if d.params.is_empty() {
                        self.call_def(&d, Vec::new(), tok)
                    } else {
                        Ok(V::Func(self.func_of_def(&d)?))
                    }
                }
                _ => Ok(global_value(n)),
            },
            E::Select(recv, m, mtok) => {
                if let Some(path) = self.global_path(recv)? {
                    return self.call_global(&format!("{path}.{m}"), None, *mtok);
                }
                let r = self.eval(recv)?;
                self.method(r, m, None, *mtok)
            }
            E::TypeApply(f) => self.eval(f),
            E::Apply(f, args) => self.apply(f, args),
            E::New { class, args, .. } => self.new_object(class, args, tok),
            E::Infix(a, op, optok, b) => self.infix(a, op, *optok, b),
            E::Prefix(op, x) => {
                let v = self.eval(x)?;
                Ok(match (op.as_str(), v) {
                    ("-", V::Lit(Lit::Int(i))) => V::Lit(Lit::Int(i.wrapping_neg())),
                    ("-", V::Lit(Lit::Double(d))) => V::Lit(Lit::Double(-d)),
                    ("!", V::Lit(Lit::Bool(b))) => V::Lit(Lit::Bool(!b)),
                    ("+", v @ V::Lit(Lit::Int(_) | Lit::Double(_))) => v,
                    _ => V::Opaque,
                })
            }
            E::Eta(_) => Ok(V::Func(self.func_arg(e)?)),
            E::Tuple(xs) => {
                let vs = xs.iter().map(|x| self.eval(x)).collect::<R<Vec<_>>>()?;
                Ok(V::Tuple(vs))
            }
            E::Lambda { .. } | E::Cases(_) => Ok(V::Func(self.func_of_expr(e))),
            E::Block(stmts) => self.exec_block(stmts),
            E::If(c, a, b) => self.if_expr(c, a, b.as_deref()),
            E::Match(..) => Err(self.err(tok, "a `match` expression in the driver program")),
            E::For {
                var,
                generator,
                body,
            } => self.for_loop(var, generator, body),
            E::Assign(target, value) => {
                let v = self.eval(value)?;
                if let E::Name(n) = &target.kind {
                    for scope in self.scopes.iter_mut().rev() {
                        if scope.contains_key(n) {
                            scope.insert(n.clone(), Binding::Val(v));
                            break;
                        }
                    }
                }
                Ok(V::Unit)
            }
            E::Ascribe(x) => self.eval(x),
            E::Other(what) => Err(self.err(tok, *what)),
        }
    }

    /// The dotted path of `e` if it names something outside the program
    /// (`StreamingContext`, `Durations`, `scala.collection.mutable`).
    fn global_path(&mut self, e: &Expr) -> R<Option<String>> {
        match &e.kind {
            E::Name(n) => Ok(match self.lookup(n, e.span.lo)? {
                None if matches!(global_value(n), V::Opaque) => Some(n.clone()),
                _ => None,
            }),
            E::Select(r, m, _) => Ok(self.global_path(r)?.map(|p| format!("{p}.{m}"))),
            E::TypeApply(f) => self.global_path(f),
            _ => Ok(None),
        }
    }

    fn apply(&mut self, f: &Expr, args: &[Arg]) -> R<V> {
        let mut callee = f;
        while let E::TypeApply(inner) = &callee.kind {
            callee = inner;
        }
        match &callee.kind {
            E::Select(recv, m, mtok) => {
                if let Some(path) = self.global_path(recv)? {
                    return self.call_global(&format!("{path}.{m}"), Some(args), *mtok);
                }
                let r = self.eval(recv)?;
                self.method(r, m, Some(args), *mtok)
            }
            // The exporter's stand-ins (its `def queue`/`def generated` are their runtime).
            E::Name(n) if (n == "queue" || n == "generated") && self.ssc_first(args)? => {
                if n == "queue" {
                    self.stand_in_queue(args, callee.span.lo)
                } else {
                    self.stand_in_generator(args, callee.span.lo)
                }
            }
            E::Name(n) => match self.lookup(n, callee.span.lo)? {
                Some(Binding::Def(d)) => {
                    let vs = self.eval_args(args)?;
                    self.call_def(&d, vs, callee.span.lo)
                }
                Some(Binding::Val(V::Func(func))) => {
                    let vs = self.eval_args(args)?;
                    self.call_func(&func, vs, callee.span.lo)
                }
                Some(Binding::Val(v)) => self.method(v, "apply", Some(args), callee.span.lo),
                _ => self.call_global(n, Some(args), callee.span.lo),
            },
            _ => {
                let v = self.eval(callee)?;
                match v {
                    V::Func(func) => {
                        let vs = self.eval_args(args)?;
                        self.call_func(&func, vs, callee.span.lo)
                    }
                    _ => Ok(V::Opaque),
                }
            }
        }
    }

    /// Whether the first argument is the StreamingContext.
    fn ssc_first(&mut self, args: &[Arg]) -> R<bool> {
        match args.first() {
            Some(a) if matches!(a.value.kind, E::Name(_)) => {
                Ok(matches!(self.eval(&a.value)?, V::Ssc))
            }
            _ => Ok(false),
        }
    }

    /// Arguments as values (a function written in place is a function value).
    pub fn eval_args(&mut self, args: &[Arg]) -> R<Vec<V>> {
        args.iter()
            .map(|a| {
                if lambda::is_function(&a.value) {
                    Ok(V::Func(self.func_of_expr(&a.value)))
                } else {
                    self.eval(&a.value)
                }
            })
            .collect()
    }

    fn if_expr(&mut self, c: &Expr, a: &Expr, b: Option<&Expr>) -> R<V> {
        // `if (UseStandIns) stand-in else cluster source`: the exporter's stand-ins.
        if matches!(&c.kind, E::Name(n) if n == "UseStandIns") {
            let saved = self.stand_in;
            self.stand_in = true;
            let r = self.eval(a);
            self.stand_in = saved;
            return r;
        }
        match self.eval(c)? {
            V::Lit(Lit::Bool(true)) => self.eval(a),
            V::Lit(Lit::Bool(false)) => b.map_or(Ok(V::Unit), |b| self.eval(b)),
            _ => {
                // A check of the program's arguments that exits: the other branch runs.
                if exits(a) {
                    b.map_or(Ok(V::Unit), |b| self.eval(b))
                } else if b.is_some_and(exits) {
                    self.eval(a)
                } else {
                    Err(self.err(
                        c.span.lo,
                        "an `if` whose condition is known only when the program runs",
                    ))
                }
            }
        }
    }

    fn for_loop(&mut self, var: &Pat, generator: &Expr, body: &Expr) -> R<V> {
        let items = match self.eval(generator)? {
            V::Seq(items) => items,
            _ => {
                return Err(self.err(
                    generator.span.lo,
                    "a `for` loop over values known only when the program runs",
                ))
            }
        };
        if items.len() > MAX_LOOP {
            return Err(self.err(
                generator.span.lo,
                format!("a `for` loop of more than {MAX_LOOP} rounds"),
            ));
        }
        for v in items {
            self.scopes.push(BTreeMap::new());
            let r = self.bind_pat(var, v).and_then(|_| self.eval(body));
            self.scopes.pop();
            match r {
                Ok(_) => {}
                Err(e) => {
                    if self.hard.is_some() || !self.started {
                        return Err(e);
                    }
                    self.settle(Err(e))?;
                }
            }
        }
        Ok(V::Unit)
    }

    fn infix(&mut self, a: &Expr, op: &str, optok: usize, b: &Expr) -> R<V> {
        let l = self.eval(a)?;
        if let V::Queue(q) = l {
            return match op {
                "+=" | "++=" | "enqueue" => {
                    let v = self.eval(b)?;
                    self.push_queue(q, v, op == "++=", b.span.lo)?;
                    Ok(V::Unit)
                }
                _ => Ok(V::Opaque),
            };
        }
        let r = self.eval(b)?;
        Ok(match (l, op, r) {
            (V::Lit(Lit::Int(x)), "to" | "until", V::Lit(Lit::Int(y))) => {
                let end = if op == "to" { y } else { y.saturating_sub(1) };
                let n = end.saturating_sub(x).saturating_add(1).max(0);
                if n as u128 > MAX_RECORDS as u128 {
                    return Err(
                        self.err(optok, format!("a range of more than {MAX_RECORDS} values"))
                    );
                }
                V::Seq((x..=end).map(|i| V::Lit(Lit::Int(i))).collect())
            }
            (V::Lit(Lit::Int(x)), _, V::Lit(Lit::Int(y))) => match op {
                "+" => V::Lit(Lit::Int(x.wrapping_add(y))),
                "-" => V::Lit(Lit::Int(x.wrapping_sub(y))),
                "*" => V::Lit(Lit::Int(x.wrapping_mul(y))),
                "/" if y != 0 => V::Lit(Lit::Int(x.wrapping_div(y))),
                "%" if y != 0 => V::Lit(Lit::Int(x.wrapping_rem(y))),
                "<" => V::Lit(Lit::Bool(x < y)),
                "<=" => V::Lit(Lit::Bool(x <= y)),
                ">" => V::Lit(Lit::Bool(x > y)),
                ">=" => V::Lit(Lit::Bool(x >= y)),
                "==" => V::Lit(Lit::Bool(x == y)),
                "!=" => V::Lit(Lit::Bool(x != y)),
                _ => V::Opaque,
            },
            (V::Dur(d), "*", V::Lit(Lit::Int(k))) | (V::Lit(Lit::Int(k)), "*", V::Dur(d))
                if k >= 0 =>
            {
                V::Dur(d.saturating_mul(k as u64))
            }
            (V::Dur(x), "+", V::Dur(y)) => V::Dur(x.saturating_add(y)),
            (V::Lit(Lit::Str(x)), "+", V::Lit(y)) => V::Lit(Lit::Str(format!(
                "{x}{}",
                match y {
                    Lit::Str(s) => s,
                    Lit::Int(i) => i.to_string(),
                    Lit::Bool(b) => b.to_string(),
                    Lit::Double(d) => d.to_string(),
                }
            ))),
            (V::Lit(Lit::Bool(x)), "&&", V::Lit(Lit::Bool(y))) => V::Lit(Lit::Bool(x && y)),
            (V::Lit(Lit::Bool(x)), "||", V::Lit(Lit::Bool(y))) => V::Lit(Lit::Bool(x || y)),
            _ => V::Opaque,
        })
    }

    fn push_queue(&mut self, q: usize, v: V, many: bool, tok: usize) -> R<()> {
        let items = if many {
            match v {
                V::Seq(items) => items,
                _ => return Err(self.err(tok, "`++=` of something that is not a list of RDDs")),
            }
        } else {
            vec![v]
        };
        for item in items {
            match item {
                V::Rdd(_) => self.queues[q].push(item),
                _ => {
                    return Err(self.err(
                        tok,
                        "a queue entry that is not an RDD of literal records \
                         (sc.parallelize(Seq(…)) or sc.makeRDD(…))",
                    ))
                }
            }
        }
        Ok(())
    }

    fn new_object(&mut self, class: &str, args: &[Vec<Arg>], tok: usize) -> R<V> {
        let short = class.rsplit('.').next().unwrap_or(class);
        let first: &[Arg] = args.first().map_or(&[], |a| a.as_slice());
        match short {
            "StreamingContext" => self.streaming_context(first, tok),
            "SparkConf" => Ok(V::Conf(None)),
            "SparkContext" => {
                let vs = self.eval_args(first)?;
                Ok(match vs.as_slice() {
                    [V::Conf(app), ..] => V::Conf(app.clone()),
                    [_, V::Lit(Lit::Str(app)), ..] => V::Conf(Some(app.clone())),
                    _ => V::Conf(None),
                })
            }
            "Queue" => {
                let q = self.queues.len();
                self.queues.push(Vec::new());
                for arg in first {
                    let v = self.eval(&arg.value)?;
                    self.push_queue(q, v, false, arg.value.span.lo)?;
                }
                Ok(V::Queue(q))
            }
            "Duration" => match self.eval_args(first)?.as_slice() {
                [V::Lit(Lit::Int(ms))] if *ms >= 0 => Ok(V::Dur(*ms as u64)),
                _ => Err(self.err(tok, "a Duration of a number of milliseconds")),
            },
            "HashPartitioner" => match self.eval_args(first)?.as_slice() {
                [V::Lit(Lit::Int(k))] => Ok(V::Partitioner(*k)),
                _ => Err(self.err(tok, "a HashPartitioner of a number of partitions")),
            },
            "Running" => Ok(V::Running),
            _ => Ok(V::Opaque),
        }
    }

    fn streaming_context(&mut self, args: &[Arg], tok: usize) -> R<V> {
        if let Some((at, ..)) = self.ssc {
            let t = self.p.at(at);
            return Err(self.err(
                tok,
                format!(
                    "a second StreamingContext (the first is at line {}, column {})",
                    t.line, t.col
                ),
            ));
        }
        let vs = self.eval_args(args)?;
        let (app, batch) = match vs.as_slice() {
            [V::Conf(app), d] => (app.clone(), d.clone()),
            [V::Lit(Lit::Str(_)), V::Lit(Lit::Str(app)), d, ..] => (Some(app.clone()), d.clone()),
            [V::Lit(Lit::Str(_))] | [V::Lit(Lit::Str(_)), V::Conf(_)] => {
                return Err(self.err(
                    tok,
                    "a StreamingContext read back from a checkpoint directory (make it with a \
                     batch interval: new StreamingContext(conf, Seconds(1)))",
                ))
            }
            [_, d] => (None, d.clone()),
            _ => {
                return Err(self.err(
                    tok,
                    "a StreamingContext without a batch interval (new StreamingContext(conf, \
                     Seconds(1)))",
                ))
            }
        };
        let V::Dur(ms) = batch else {
            return Err(self.err(
                tok,
                "the batch interval is not a duration (Seconds(1), Milliseconds(500), Minutes(1))",
            ));
        };
        self.ssc = Some((tok, ms, app));
        Ok(V::Ssc)
    }

    /// A function or object outside the program: `Seconds(1)`, `Seq(…)`,
    /// `StreamingContext.getOrCreate(…)`, `KafkaUtils.createDirectStream(…)`.
    fn call_global(&mut self, path: &str, args: Option<&[Arg]>, tok: usize) -> R<V> {
        let path = path
            .trim_start_matches("org.apache.spark.streaming.")
            .trim_start_matches("scala.collection.")
            .trim_start_matches("collection.")
            .trim_start_matches("scala.");
        let a = args.unwrap_or(&[]);
        let dur = |me: &mut Self, unit: u64| -> R<V> {
            match me.eval_args(a)?.as_slice() {
                [V::Lit(Lit::Int(n))] if *n >= 0 => (*n as u64)
                    .checked_mul(unit)
                    .map(V::Dur)
                    .ok_or_else(|| me.err(tok, "a duration too long")),
                _ => Err(me.err(
                    tok,
                    "a duration of a whole number (Seconds(1), Milliseconds(500))",
                )),
            }
        };
        match path {
            "Seconds" | "Durations.seconds" => dur(self, 1000),
            "Milliseconds" | "Durations.milliseconds" | "Duration" => dur(self, 1),
            "Minutes" | "Durations.minutes" => dur(self, 60_000),
            "Seq"
            | "List"
            | "Array"
            | "Vector"
            | "IndexedSeq"
            | "Iterable"
            | "mutable.ArrayBuffer"
            | "Seq.apply"
            | "List.apply" => Ok(V::Seq(self.eval_args(a)?)),
            "Nil" | "Seq.empty" | "List.empty" | "Array.empty" => Ok(V::Seq(Vec::new())),
            "Some" | "Option" => {
                self.eval_args(a)?;
                Ok(V::Some)
            }
            "mutable.Queue"
            | "Queue"
            | "mutable.Queue.apply"
            | "mutable.Queue.empty"
            | "Queue.empty" => {
                let q = self.queues.len();
                self.queues.push(Vec::new());
                for arg in a {
                    let v = self.eval(&arg.value)?;
                    self.push_queue(q, v, false, arg.value.span.lo)?;
                }
                Ok(V::Queue(q))
            }
            "StreamingContext.getOrCreate" | "StreamingContext.getActiveOrCreate" => {
                let f = match a {
                    [_, f, ..] | [f] => self.func_arg(&f.value)?,
                    _ => {
                        return Err(
                            self.err(tok, "getOrCreate needs a function that makes the context")
                        )
                    }
                };
                match self.call_func(&f, Vec::new(), tok)? {
                    V::Ssc => Ok(V::Ssc),
                    _ => Err(self.err(
                        tok,
                        "the function given to getOrCreate does not return the StreamingContext",
                    )),
                }
            }
            "StreamingContext.getActive" => Ok(V::Opaque),
            "StateSpec.function" => match a {
                [f] => {
                    let f = self.func_arg(&f.value)?;
                    Ok(V::StateSpec {
                        f,
                        timeout: None,
                        tok,
                    })
                }
                _ => Err(self.err(tok, "StateSpec.function takes the mapping function")),
            },
            "KafkaUtils.createDirectStream" | "KafkaUtils.createStream" => {
                self.need_ssc(tok)?;
                let i = self.node(OpKind::TextInput, Vec::new(), tok)?;
                self.nodes[i].kafka = true;
                let what = if path.ends_with("createStream") {
                    "Kafka's createStream"
                } else {
                    "Kafka's createDirectStream"
                };
                self.note(
                    tok,
                    format!("{what}: replaced by a typed-lines source (its records are the lines you type)"),
                );
                Ok(V::Stream(i))
            }
            "SparkSession.builder" | "SparkSession.builder.getOrCreate" => Ok(V::Conf(None)),
            "println" | "print" | "Thread.sleep" | "System.exit" | "sys.exit" => {
                self.eval_args(a)?;
                Ok(V::Unit)
            }
            _ => {
                if let Some(a) = args {
                    // Evaluate the arguments: a stream used there would be an error later.
                    self.eval_args(a)?;
                }
                Ok(V::Opaque)
            }
        }
    }

    /// The exporter's `queue[T](ssc, Seq(Seq(…), …))`: a queueStream, or, as the stand-in of
    /// a socket, the lines typed in the playground.
    fn stand_in_queue(&mut self, a: &[Arg], tok: usize) -> R<V> {
        let batches = match a {
            [_, b] => self.eval(&b.value)?,
            _ => return Ok(V::Opaque),
        };
        let V::Seq(batches) = batches else {
            return Err(self.err(tok, "queue(ssc, batches) of a literal Seq of batches"));
        };
        let mut out = Vec::new();
        for b in batches {
            match b {
                V::Seq(records) => out.push(records),
                _ => return Err(self.err(tok, "a batch that is not a literal Seq of records")),
            }
        }
        if self.stand_in {
            let i = self.node(OpKind::TextInput, Vec::new(), tok)?;
            let mut lines = Vec::new();
            for b in out {
                let mut batch = Vec::new();
                for r in b {
                    match r {
                        V::Lit(Lit::Str(s)) => batch.push(s),
                        _ => return Err(self.err(tok, "a typed line that is not a string")),
                    }
                }
                lines.push(batch);
            }
            self.typed_lines.insert(i, lines);
            return Ok(V::Stream(i));
        }
        let q = self.queues.len();
        self.queues.push(out.into_iter().map(V::Rdd).collect());
        let i = self.node(OpKind::QueueStream, Vec::new(), tok)?;
        self.nodes[i].queue = Some(q);
        Ok(V::Stream(i))
    }

    /// The exporter's `generated(ssc, "words", 100L, seed = 7L)`: a generator.
    fn stand_in_generator(&mut self, a: &[Arg], tok: usize) -> R<V> {
        let mut kind = None;
        let mut rate = None;
        let mut seed = None;
        for (k, arg) in a.iter().enumerate() {
            let v = self.eval(&arg.value)?;
            match (arg.name.as_deref(), k, v) {
                (Some("kind") | None, 1, V::Lit(Lit::Str(s))) => kind = Some(s),
                (Some("ratePerS") | None, 2, V::Lit(Lit::Int(r))) if r >= 0 => rate = Some(r),
                (Some("seed") | None, _, V::Lit(Lit::Int(s))) if k >= 2 && s >= 0 => seed = Some(s),
                (_, 0, _) => {}
                _ => {
                    return Err(self.err(
                        arg.value.span.lo,
                        "an argument of generated(ssc, kind, rate, seed)",
                    ))
                }
            }
        }
        let (Some(kind), Some(rate)) = (kind, rate) else {
            return Err(self.err(tok, "generated(ssc, kind, rate) needs its kind and rate"));
        };
        let i = self.node(OpKind::Generator, Vec::new(), tok)?;
        let f = &mut self.nodes[i].fields;
        f.insert("kind".into(), J::String(kind));
        f.insert("rate_per_s".into(), J::from(rate));
        if let Some(s) = seed {
            f.insert("seed".into(), J::from(s));
        }
        Ok(V::Stream(i))
    }

    /// A method of a value the program made.
    pub fn method(&mut self, recv: V, m: &str, args: Option<&[Arg]>, tok: usize) -> R<V> {
        let a = args.unwrap_or(&[]);
        match recv {
            V::Stream(i) => self.dstream(i, m, args, tok),
            V::Ssc => self.ssc_method(m, a, tok),
            V::Conf(app) => match m {
                "setAppName" | "appName" => match self.eval_args(a)?.as_slice() {
                    [V::Lit(Lit::Str(s))] => Ok(V::Conf(Some(s.clone()))),
                    _ => Ok(V::Conf(app)),
                },
                "sparkContext" => Ok(V::Conf(app)),
                _ => {
                    self.eval_args(a)?;
                    Ok(V::Conf(app))
                }
            },
            V::Sc => self.sc_method(m, a, tok),
            V::Queue(q) => match m {
                "+=" | "enqueue" | "++=" => {
                    for arg in a {
                        let v = self.eval(&arg.value)?;
                        self.push_queue(q, v, m == "++=", arg.value.span.lo)?;
                    }
                    Ok(V::Unit)
                }
                "synchronized" => match a {
                    [body] => self.eval(&body.value),
                    _ => Ok(V::Unit),
                },
                _ => Ok(V::Opaque),
            },
            V::StateSpec { f, timeout, tok: t } => match m {
                "timeout" => match self.eval_args(a)?.as_slice() {
                    [V::Dur(d)] => Ok(V::StateSpec {
                        f,
                        timeout: Some(*d),
                        tok: t,
                    }),
                    _ => Err(self.err(tok, "a timeout that is not a duration")),
                },
                "numPartitions" | "partitioner" => {
                    self.note(
                        tok,
                        format!("StateSpec.{m}: left out (the playground's mapWithState keeps its input's partitions)"),
                    );
                    Ok(V::StateSpec { f, timeout, tok: t })
                }
                _ => Err(self.err(
                    tok,
                    format!("StateSpec.{m} has no pipeline equivalent (a mapWithState takes its function and a timeout)"),
                )),
            },
            V::Seq(items) => match (m, args) {
                ("apply", Some(_)) => match self.eval_args(a)?.as_slice() {
                    [V::Lit(Lit::Int(k))] => Ok(items.get(*k as usize).cloned().unwrap_or(V::Opaque)),
                    _ => Ok(V::Opaque),
                },
                _ => Ok(V::Opaque),
            },
            V::Lit(Lit::Str(s)) => match m {
                "toInt" | "toLong" => Ok(s.trim().parse::<i64>().map_or(V::Opaque, |i| V::Lit(Lit::Int(i)))),
                _ => Ok(V::Opaque),
            },
            V::Lit(Lit::Int(i)) => match m {
                "toInt" | "toLong" => Ok(V::Lit(Lit::Int(i))),
                "seconds" | "second" => Ok(V::Dur((i.max(0) as u64).saturating_mul(1000))),
                "milliseconds" | "millis" => Ok(V::Dur(i.max(0) as u64)),
                _ => Ok(V::Opaque),
            },
            V::Dur(d) => match m {
                "milliseconds" => Ok(V::Lit(Lit::Int(d as i64))),
                _ => Ok(V::Opaque),
            },
            V::Func(f) if m == "apply" => {
                let vs = self.eval_args(a)?;
                self.call_func(&f, vs, tok)
            }
            _ => {
                self.eval_args(a)?;
                Ok(V::Opaque)
            }
        }
    }

    fn ssc_method(&mut self, m: &str, a: &[Arg], tok: usize) -> R<V> {
        match m {
            "sparkContext" | "sc" => Ok(V::Sc),
            "socketTextStream" => {
                self.eval_args(a)?;
                let i = self.node(OpKind::TextInput, Vec::new(), tok)?;
                self.note(
                    tok,
                    "socketTextStream: read as a typed-lines source (each line you type is a \
                     record, as `nc -lk` sends it)",
                );
                Ok(V::Stream(i))
            }
            "textFileStream" => {
                self.eval_args(a)?;
                let i = self.node(OpKind::TextInput, Vec::new(), tok)?;
                self.note(
                    tok,
                    "textFileStream: read as a typed-lines source (type the new files' lines)",
                );
                Ok(V::Stream(i))
            }
            "queueStream" => {
                let mut queue = None;
                for (k, arg) in a.iter().enumerate() {
                    let v = self.eval(&arg.value)?;
                    match (arg.name.as_deref(), k, v) {
                        (Some("queue") | None, 0, V::Queue(q)) => queue = Some(q),
                        (Some("queue") | None, 0, V::Seq(rdds)) => {
                            let q = self.queues.len();
                            self.queues.push(Vec::new());
                            self.push_queue(q, V::Seq(rdds), true, arg.value.span.lo)?;
                            queue = Some(q);
                        }
                        (Some("oneAtATime") | None, 1, V::Lit(Lit::Bool(true))) => {}
                        (Some("oneAtATime") | None, 1, _) => {
                            return Err(self.err(
                                arg.value.span.lo,
                                "queueStream with oneAtATime = false (the pipeline's queue gives \
                                 one RDD per batch)",
                            ))
                        }
                        (_, _, _) if k >= 2 || arg.name.as_deref() == Some("defaultRDD") => {
                            return Err(self.err(
                                arg.value.span.lo,
                                "queueStream's defaultRDD (the pipeline's batches past the queue \
                                 are empty)",
                            ))
                        }
                        _ => {
                            return Err(self.err(
                                arg.value.span.lo,
                                "queueStream of something that is not a queue of RDDs",
                            ))
                        }
                    }
                }
                let Some(q) = queue else {
                    return Err(self.err(tok, "queueStream needs its queue"));
                };
                let i = self.node(OpKind::QueueStream, Vec::new(), tok)?;
                self.nodes[i].queue = Some(q);
                Ok(V::Stream(i))
            }
            "union" => {
                let streams = match self.eval_args(a)?.pop() {
                    Some(V::Seq(items)) => items,
                    _ => return Err(self.err(tok, "ssc.union takes a Seq of streams")),
                };
                let mut inputs = Vec::new();
                for s in streams {
                    match s {
                        V::Stream(i) => inputs.push(i),
                        _ => {
                            return Err(self.err(tok, "ssc.union of something that is not a stream"))
                        }
                    }
                }
                let i = self.node(OpKind::Union, inputs, tok)?;
                Ok(V::Stream(i))
            }
            "checkpoint" => {
                self.eval_args(a)?;
                self.checkpoint = true;
                Ok(V::Unit)
            }
            "start" => {
                self.started = true;
                Ok(V::Unit)
            }
            "awaitTermination"
            | "awaitTerminationOrTimeout"
            | "stop"
            | "addStreamingListener"
            | "removeStreamingListener"
            | "getState"
            | "sparkContext.setLogLevel" => {
                self.eval_args(a)?;
                Ok(V::Unit)
            }
            "remember" => {
                self.eval_args(a)?;
                self.note(
                    tok,
                    "ssc.remember: left out (the playground keeps what windows and state need)",
                );
                Ok(V::Unit)
            }
            "receiverStream"
            | "rawSocketStream"
            | "fileStream"
            | "binaryRecordsStream"
            | "socketStream"
            | "actorStream" => Err(self.err(
                tok,
                format!(
                    "ssc.{m} has no pipeline source (the sources are queueStream, \
                     socketTextStream and Kafka streams, read as typed lines)"
                ),
            )),
            "transform" => Err(self.err(
                tok,
                "ssc.transform of several streams has no pipeline equivalent",
            )),
            _ => Err(self.err(tok, format!("an unknown StreamingContext method `{m}`"))),
        }
    }

    fn sc_method(&mut self, m: &str, a: &[Arg], tok: usize) -> R<V> {
        match m {
            "parallelize" | "makeRDD" => {
                let data = match a.first() {
                    Some(arg) => self.eval(&arg.value)?,
                    None => return Err(self.err(tok, format!("sc.{m} needs its records"))),
                };
                match data {
                    V::Seq(items) => {
                        if items.len() > MAX_RECORDS {
                            return Err(self.err(tok, format!("more than {MAX_RECORDS} records")));
                        }
                        Ok(V::Rdd(items))
                    }
                    _ => Err(self.err(
                        a[0].value.span.lo,
                        format!("sc.{m} of records known only when the program runs (write them out: Seq(…))"),
                    )),
                }
            }
            "emptyRDD" => Ok(V::Rdd(Vec::new())),
            _ => {
                self.eval_args(a)?;
                Ok(V::Opaque)
            }
        }
    }
}

/// The value of a name the program does not define (`sc` and `spark` are spark-shell's).
fn global_value(n: &str) -> V {
    match n {
        "sc" => V::Sc,
        "spark" => V::Conf(None),
        "None" => V::Nothing,
        "Nil" => V::Seq(Vec::new()),
        _ => V::Opaque,
    }
}

/// Whether an `if` branch leaves the program (`System.exit`, `sys.exit`, `throw`).
fn exits(e: &Expr) -> bool {
    let here = match &e.kind {
        E::Other("a `throw`") => true,
        E::Apply(f, _) => matches!(&f.kind, E::Select(r, m, _)
            if m == "exit" && matches!(&r.kind, E::Name(n) if n == "System" || n == "sys")),
        _ => false,
    };
    let mut found = here;
    lambda::children(e, &mut |c| found = found || exits(c));
    found
}

fn find_main(items: &[Item]) -> Option<(Rc<Object>, Rc<Def>)> {
    for item in items {
        if let Item::Object(o) = item {
            for m in &o.items {
                if let Item::Def(d) = m {
                    if d.name == "main" {
                        return Some((o.clone(), d.clone()));
                    }
                }
            }
            if let Some(found) = find_main(&o.items) {
                return Some(found);
            }
        }
    }
    None
}

fn find_app(items: &[Item]) -> Option<Rc<Object>> {
    for item in items {
        if let Item::Object(o) = item {
            if o.app {
                return Some(o.clone());
            }
            if let Some(found) = find_app(&o.items) {
                return Some(found);
            }
        }
    }
    None
}

/// A literal record as pipeline JSON.
pub(crate) fn record_json(v: &V) -> Result<J, &'static str> {
    Ok(match v {
        V::Lit(Lit::Int(i)) => J::from(*i),
        V::Lit(Lit::Double(d)) => serde_json::Number::from_f64(*d)
            .map(J::Number)
            .ok_or("a record that is not a finite number")?,
        V::Lit(Lit::Str(s)) => J::String(s.clone()),
        V::Lit(Lit::Bool(b)) => J::Bool(*b),
        V::Tuple(items) => J::Array(
            items
                .iter()
                .map(record_json)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        V::Char => return Err("a Char record (the pipeline's records are strings)"),
        V::Seq(_) => return Err(
            "a List record (a pipeline's input records are numbers, strings, booleans and tuples)",
        ),
        _ => return Err("a record that is not a literal (numbers, strings, booleans and tuples)"),
    })
}

/// The comments before the program's first token (the exporter's header).
pub(crate) fn header(comments: &[Comment], first_line: usize) -> Vec<&Comment> {
    comments.iter().filter(|c| c.line < first_line).collect()
}

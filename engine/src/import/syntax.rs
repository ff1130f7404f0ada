//! The program's shape: tokens to items (objects, `def`s, `val`s, statements) and
//! expressions, with Scala's rule for where a line break ends a statement. Bodies of `def`s
//! and members of objects are kept as token spans and parsed only when the program reaches
//! them, so helpers it never calls may hold any Scala. Nesting is bounded: no input exhausts
//! the stack.

use std::cell::Cell;
use std::rc::Rc;

use super::lexer::{Tok, Token};
use super::ImportError;

/// How deep brackets may nest.
const MAX_BRACKETS: usize = 48;
/// How deep the parser may recurse (lambdas and `if`s nest without brackets).
const MAX_RECURSION: usize = 96;
/// How deep an expression tree may be (a chain `a + b + c …` is one level per operator).
pub(crate) const MAX_DEPTH: u32 = 160;

/// Tokens `lo..hi` (indices into the token list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub lo: usize,
    pub hi: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct Expr {
    pub kind: E,
    pub span: Span,
    depth: u32,
}

#[derive(Clone, Debug)]
pub(crate) enum E {
    Int(i128, bool),
    Double(f64),
    Str(String),
    Char,
    Bool(bool),
    Null,
    Unit,
    Interp,
    Name(String),
    Placeholder,
    /// `recv.name`, with the name's token.
    Select(Box<Expr>, String, usize),
    /// `f(args)`, or `f { block }`.
    Apply(Box<Expr>, Vec<Arg>),
    /// `f[T]`: the types are not read.
    TypeApply(Box<Expr>),
    /// `new a.b.C[T](args)…`, with an anonymous class body if any.
    New {
        class: String,
        args: Vec<Vec<Arg>>,
    },
    /// `a op b`, with the operator's token.
    Infix(Box<Expr>, String, usize, Box<Expr>),
    Prefix(String, Box<Expr>),
    /// `f _`: a method as a function.
    Eta(Box<Expr>),
    Tuple(Vec<Expr>),
    /// `(a, b) => body`; `braced` for `{ a => stmts }`.
    Lambda {
        params: Vec<Param>,
        body: Box<Expr>,
        braced: bool,
    },
    Block(Vec<Stmt>),
    /// `{ case p => … }`.
    Cases(Vec<Case>),
    If(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    Match(Box<Expr>, Vec<Case>),
    /// `for (x <- gen) body` with one generator.
    For {
        var: Pat,
        generator: Box<Expr>,
        body: Box<Expr>,
    },
    Assign(Box<Expr>, Box<Expr>),
    /// `e: T`.
    Ascribe(Box<Expr>),
    /// A construct the importer names but does not read: "a `while` loop".
    Other(&'static str),
}

#[derive(Clone, Debug)]
pub(crate) struct Arg {
    pub name: Option<String>,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub(crate) struct Param {
    pub name: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Case {
    pub pat: Pat,
    pub guard: Option<Expr>,
    pub body: Expr,
    /// From `case` to the end of the body.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Pat {
    Name(String, usize),
    Wild,
    Tuple(Vec<Pat>),
    /// Any other pattern (`Some(x)`, `Array(a, b)`, `x: Int`, literals).
    Other(Span),
}

/// A statement of a block.
#[derive(Clone, Debug)]
pub(crate) enum Stmt {
    Val {
        pat: Pat,
        rhs: Expr,
        span: Span,
    },
    Def(Rc<Def>),
    Expr(Expr),
    /// A class, trait or object defined inside a block.
    Class(&'static str, Span),
    Import,
}

#[derive(Debug)]
pub(crate) struct Def {
    pub name: String,
    pub tok: usize,
    /// The parameter clauses.
    pub params: Vec<Vec<Param>>,
    /// The tokens of the last parameter clause, parentheses included.
    pub last_clause: Option<Span>,
    /// The body's tokens (parsed when the program calls it).
    pub body: Span,
}

/// A member of an object, or a top-level definition or statement.
#[derive(Clone, Debug)]
pub(crate) enum Item {
    /// `val` (or `var`) with its right-hand side's tokens.
    Val {
        pat: Pat,
        rhs: Span,
        span: Span,
    },
    Def(Rc<Def>),
    Class(&'static str, Span),
    Object(Rc<Object>),
    Import,
    Stmt(Span),
}

#[derive(Debug)]
pub(crate) struct Object {
    pub name: String,
    /// `object X extends App`: its body is the program.
    pub app: bool,
    pub items: Vec<Item>,
}

type R<T> = Result<T, ImportError>;

/// Reads a program's tokens.
pub(crate) struct Parser<'a> {
    pub toks: &'a [Token],
    /// For each opening bracket, the index of its closing one (and the reverse).
    partner: Vec<usize>,
    recursion: Cell<usize>,
}

fn can_end(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Ident(_)
            | Tok::Int { .. }
            | Tok::Double(_)
            | Tok::Str(_)
            | Tok::Char(_)
            | Tok::Interp
            | Tok::Kw("this" | "null" | "true" | "false" | "return" | "type" | "super")
            | Tok::Underscore
            | Tok::RParen
            | Tok::RBracket
            | Tok::RBrace
    )
}

fn can_begin(t: &Tok) -> bool {
    match t {
        Tok::TypeOp(s) => s == "@",
        Tok::Kw(k) => !matches!(
            *k,
            "catch" | "else" | "extends" | "finally" | "forSome" | "match" | "with" | "yield"
        ),
        _ => !matches!(
            t,
            Tok::Comma
                | Tok::Dot
                | Tok::Semi
                | Tok::Colon
                | Tok::Eq
                | Tok::Arrow
                | Tok::LArrow
                | Tok::RParen
                | Tok::RBracket
                | Tok::RBrace
                | Tok::Eof
        ),
    }
}

/// Operator precedence (Scala's, by the first character; assignment operators lowest).
fn precedence(op: &str) -> u8 {
    let assignment =
        op.ends_with('=') && !matches!(op, "<=" | ">=" | "!=" | "==") && !op.starts_with('=');
    if assignment {
        return 0;
    }
    match op.chars().next() {
        Some(c) if c.is_alphabetic() => 1,
        Some('|') => 2,
        Some('^') => 3,
        Some('&') => 4,
        Some('=' | '!') => 5,
        Some('<' | '>') => 6,
        Some(':') => 7,
        Some('+' | '-') => 8,
        Some('*' | '/' | '%') => 9,
        _ => 10,
    }
}

impl Expr {
    fn new(kind: E, span: Span) -> R<Expr> {
        let child = |e: &Expr| e.depth;
        let kids: u32 = match &kind {
            E::Select(r, ..) | E::TypeApply(r) | E::Prefix(_, r) | E::Eta(r) | E::Ascribe(r) => {
                child(r)
            }
            E::Apply(f, args) => args
                .iter()
                .map(|a| child(&a.value))
                .fold(child(f), u32::max),
            E::New { args, .. } => args
                .iter()
                .flatten()
                .map(|a| child(&a.value))
                .max()
                .unwrap_or(0),
            E::Infix(a, _, _, b) | E::Assign(a, b) => child(a).max(child(b)),
            E::Tuple(xs) => xs.iter().map(child).max().unwrap_or(0),
            E::Lambda { body, .. } => child(body),
            E::Block(stmts) => stmts
                .iter()
                .map(|s| match s {
                    Stmt::Val { rhs, .. } => child(rhs),
                    Stmt::Expr(e) => child(e),
                    _ => 0,
                })
                .max()
                .unwrap_or(0),
            E::Cases(cases) => cases.iter().map(|c| child(&c.body)).max().unwrap_or(0),
            E::Match(s, cases) => cases
                .iter()
                .map(|c| child(&c.body))
                .fold(child(s), u32::max),
            E::If(c, a, b) => child(c)
                .max(child(a))
                .max(b.as_ref().map_or(0, |b| child(b))),
            E::For {
                generator, body, ..
            } => child(generator).max(child(body)),
            _ => 0,
        };
        Ok(Expr {
            kind,
            span,
            depth: kids + 1,
        })
    }
}

impl<'a> Parser<'a> {
    /// Matches every bracket; an unmatched or crossed one is an error at its position.
    pub fn new(toks: &'a [Token]) -> R<Parser<'a>> {
        let mut partner = vec![usize::MAX; toks.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            let close = match t.kind {
                Tok::LParen | Tok::LBracket | Tok::LBrace => {
                    stack.push(i);
                    if stack.len() > MAX_BRACKETS {
                        return Err(err_at(t, "brackets nested too deeply"));
                    }
                    continue;
                }
                Tok::RParen => Tok::LParen,
                Tok::RBracket => Tok::LBracket,
                Tok::RBrace => Tok::LBrace,
                _ => continue,
            };
            match stack.pop() {
                Some(o) if toks[o].kind == close => {
                    partner[o] = i;
                    partner[i] = o;
                }
                Some(o) => {
                    return Err(err_at(
                        t,
                        format!(
                            "{} does not close the {} at line {}, column {}",
                            t.kind.describe(),
                            toks[o].kind.describe(),
                            toks[o].line,
                            toks[o].col
                        ),
                    ))
                }
                None => {
                    return Err(err_at(
                        t,
                        format!("{} without an opening one", t.kind.describe()),
                    ))
                }
            }
        }
        if let Some(o) = stack.pop() {
            return Err(err_at(
                &toks[o],
                format!("{} without its closing one", toks[o].kind.describe()),
            ));
        }
        Ok(Parser {
            toks,
            partner,
            recursion: Cell::new(0),
        })
    }

    pub fn tok(&self, i: usize) -> &Tok {
        self.toks.get(i).map_or(&Tok::Eof, |t| &t.kind)
    }

    /// The token at `i` (the last one, `Eof`, past the end).
    pub fn at(&self, i: usize) -> &Token {
        let last = self.toks.len().saturating_sub(1);
        &self.toks[i.min(last)]
    }

    /// An error at token `i`.
    pub fn err(&self, i: usize, message: impl Into<String>) -> ImportError {
        err_at(self.at(i), message)
    }

    fn unexpected(&self, i: usize, what: &str) -> ImportError {
        self.err(
            i,
            format!("expected {what}, found {}", self.tok(i).describe()),
        )
    }

    fn close_of(&self, i: usize) -> usize {
        self.partner.get(i).copied().unwrap_or(usize::MAX)
    }

    fn guard<T>(&self, i: usize, f: impl FnOnce(&Self) -> R<T>) -> R<T> {
        let d = self.recursion.get();
        if d >= MAX_RECURSION {
            return Err(self.err(i, "this expression is nested too deeply"));
        }
        self.recursion.set(d + 1);
        let r = f(self);
        self.recursion.set(d);
        r
    }

    fn mk(&self, kind: E, lo: usize, hi: usize) -> R<Expr> {
        let e = Expr::new(kind, Span { lo, hi })?;
        if e.depth > MAX_DEPTH {
            return Err(self.err(lo, "this expression is nested too deeply"));
        }
        Ok(e)
    }

    /// Where the statement starting at `from` ends (exclusive), before `hi`: at a `;`, or a
    /// line break where the token before can end a statement and the one after begin one.
    pub fn stmt_end(&self, from: usize, hi: usize) -> usize {
        let mut j = from;
        while j < hi {
            let t = &self.toks[j];
            if j > from && t.nl && can_begin(&t.kind) && can_end(&self.toks[j - 1].kind) {
                return j;
            }
            match t.kind {
                Tok::Semi => return j,
                Tok::LParen | Tok::LBracket | Tok::LBrace => {
                    let c = self.close_of(j);
                    if c >= hi {
                        return hi;
                    }
                    j = c + 1;
                }
                _ => j += 1,
            }
        }
        hi
    }

    /// The pieces of `lo..hi` between commas at depth 0.
    fn split_commas(&self, lo: usize, hi: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = lo;
        let mut j = lo;
        while j < hi {
            match self.tok(j) {
                Tok::Comma => {
                    out.push((start, j));
                    start = j + 1;
                    j += 1;
                }
                Tok::LParen | Tok::LBracket | Tok::LBrace => j = self.close_of(j).min(hi) + 1,
                _ => j += 1,
            }
        }
        if start < hi || !out.is_empty() {
            out.push((start, hi));
        }
        out
    }

    /// The first index in `lo..hi` at depth 0 whose token `pred` accepts.
    fn find(&self, lo: usize, hi: usize, pred: impl Fn(&Tok) -> bool) -> Option<usize> {
        let mut j = lo;
        while j < hi {
            let t = self.tok(j);
            if pred(t) {
                return Some(j);
            }
            match t {
                Tok::LParen | Tok::LBracket | Tok::LBrace => j = self.close_of(j).min(hi) + 1,
                _ => j += 1,
            }
        }
        None
    }

    // -----------------------------------------------------------------------------------------
    // Items

    /// The whole program's items.
    pub fn program(&self) -> R<Vec<Item>> {
        let end = self.toks.len().saturating_sub(1);
        self.items(0, end)
    }

    fn items(&self, lo: usize, hi: usize) -> R<Vec<Item>> {
        let mut out = Vec::new();
        let mut i = lo;
        while i < hi {
            if matches!(self.tok(i), Tok::Semi) {
                i += 1;
                continue;
            }
            let end = self.stmt_end(i, hi);
            if end <= i {
                return Err(self.unexpected(i, "a definition or a statement"));
            }
            out.push(self.item(i, end)?);
            i = end;
        }
        Ok(out)
    }

    /// Skips modifiers and annotations.
    fn modifiers(&self, mut i: usize, hi: usize) -> usize {
        while i < hi {
            match self.tok(i) {
                Tok::Kw(
                    "private" | "protected" | "final" | "lazy" | "override" | "implicit" | "sealed"
                    | "abstract",
                ) => {
                    i += 1;
                    if matches!(self.tok(i), Tok::LBracket) {
                        i = self.close_of(i).min(hi) + 1;
                    }
                }
                Tok::TypeOp(s) if s == "@" => {
                    i += 1;
                    while matches!(self.tok(i), Tok::Ident(_) | Tok::Dot) {
                        i += 1;
                    }
                    while matches!(self.tok(i), Tok::LParen) && !self.at(i).nl {
                        i = self.close_of(i).min(hi) + 1;
                    }
                }
                _ => return i,
            }
        }
        i
    }

    fn item(&self, lo: usize, hi: usize) -> R<Item> {
        let i = self.modifiers(lo, hi);
        if i >= hi {
            return Ok(Item::Import);
        }
        match self.tok(i) {
            Tok::Kw("val" | "var") => {
                let (pat, eq) = self.val_header(i + 1, hi)?;
                Ok(Item::Val {
                    pat,
                    rhs: Span { lo: eq + 1, hi },
                    span: Span { lo, hi },
                })
            }
            Tok::Kw("def") => Ok(Item::Def(Rc::new(self.def(i, hi)?))),
            Tok::Kw("object") => Ok(Item::Object(Rc::new(self.object(i, hi)?))),
            Tok::Kw("package") => {
                // `package a.b` alone, or `package a.b { items }`.
                match self.find(i, hi, |t| matches!(t, Tok::LBrace)) {
                    Some(b) => {
                        let items = self.items(b + 1, self.close_of(b).min(hi))?;
                        Ok(Item::Object(Rc::new(Object {
                            name: String::new(),
                            app: false,
                            items,
                        })))
                    }
                    None => Ok(Item::Import),
                }
            }
            Tok::Kw("import" | "type") => Ok(Item::Import),
            Tok::Kw("class" | "trait") => Ok(Item::Class("a class definition", Span { lo: i, hi })),
            Tok::Kw("case") if matches!(self.tok(i + 1), Tok::Kw("class")) => {
                Ok(Item::Class("a case class definition", Span { lo: i, hi }))
            }
            Tok::Kw("case") if matches!(self.tok(i + 1), Tok::Kw("object")) => {
                Ok(Item::Class("a case object definition", Span { lo: i, hi }))
            }
            _ => Ok(Item::Stmt(Span { lo: i, hi })),
        }
    }

    /// After `val`: the pattern, and the index of its `=`.
    fn val_header(&self, i: usize, hi: usize) -> R<(Pat, usize)> {
        let eq = self
            .find(i, hi, |t| matches!(t, Tok::Eq))
            .ok_or_else(|| self.err(i, "a `val` without `=` and a value"))?;
        let colon = self.find(i, eq, |t| matches!(t, Tok::Colon)).unwrap_or(eq);
        if colon == i {
            return Err(self.unexpected(i, "a name after `val`"));
        }
        Ok((self.pattern(i, colon), eq))
    }

    pub fn pattern(&self, lo: usize, hi: usize) -> Pat {
        match (self.tok(lo), hi - lo) {
            (Tok::Ident(n), 1) => Pat::Name(n.clone(), lo),
            (Tok::Underscore, 1) => Pat::Wild,
            (Tok::LParen, _) if self.close_of(lo) == hi - 1 => {
                let parts = self.split_commas(lo + 1, hi - 1);
                if parts.len() < 2 {
                    return match parts.first() {
                        Some(&(a, b)) if a < b => self.pattern(a, b),
                        _ => Pat::Other(Span { lo, hi }),
                    };
                }
                Pat::Tuple(parts.into_iter().map(|(a, b)| self.pattern(a, b)).collect())
            }
            _ => Pat::Other(Span { lo, hi }),
        }
    }

    /// The names a pattern binds (lower-case names not applied as extractors).
    pub fn pattern_vars(&self, p: &Pat) -> Vec<(String, usize)> {
        match p {
            Pat::Name(n, t) => vec![(n.clone(), *t)],
            Pat::Wild => vec![],
            Pat::Tuple(ps) => ps.iter().flat_map(|p| self.pattern_vars(p)).collect(),
            Pat::Other(s) => (s.lo..s.hi)
                .filter_map(|j| match self.tok(j) {
                    Tok::Ident(n)
                        if n.chars().next().is_some_and(|c| c.is_lowercase())
                            && !matches!(self.tok(j + 1), Tok::LParen | Tok::Dot)
                            && !matches!(self.tok(j.wrapping_sub(1)), Tok::Colon | Tok::Dot) =>
                    {
                        Some((n.clone(), j))
                    }
                    _ => None,
                })
                .collect(),
        }
    }

    fn def(&self, i: usize, hi: usize) -> R<Def> {
        let tok = i + 1;
        let name = match self.tok(tok) {
            Tok::Ident(n) | Tok::Op(n) => n.clone(),
            _ => return Err(self.unexpected(tok, "a name after `def`")),
        };
        let mut j = tok + 1;
        if matches!(self.tok(j), Tok::LBracket) {
            j = self.close_of(j).min(hi) + 1;
        }
        let mut params = Vec::new();
        let mut last_clause = None;
        while j < hi && matches!(self.tok(j), Tok::LParen) {
            let c = self.close_of(j).min(hi);
            params.push(self.params(j + 1, c)?);
            last_clause = Some(Span { lo: j, hi: c + 1 });
            j = c + 1;
        }
        let body_start = match self.find(j, hi, |t| matches!(t, Tok::Eq | Tok::LBrace)) {
            Some(k) if matches!(self.tok(k), Tok::Eq) => k + 1,
            Some(k) => k,
            None => hi,
        };
        Ok(Def {
            name,
            tok,
            params,
            last_clause,
            body: Span { lo: body_start, hi },
        })
    }

    fn object(&self, i: usize, hi: usize) -> R<Object> {
        let tok = i + 1;
        let name = match self.tok(tok) {
            Tok::Ident(n) => n.clone(),
            _ => return Err(self.unexpected(tok, "a name after `object`")),
        };
        let brace = self.find(tok + 1, hi, |t| matches!(t, Tok::LBrace));
        let header_end = brace.unwrap_or(hi);
        let app = (tok + 1..header_end).any(|j| matches!(self.tok(j), Tok::Ident(n) if n == "App"));
        let items = match brace {
            Some(b) => self.items(b + 1, self.close_of(b).min(hi))?,
            None => Vec::new(),
        };
        Ok(Object { name, app, items })
    }

    fn params(&self, lo: usize, hi: usize) -> R<Vec<Param>> {
        let mut out = Vec::new();
        let mut lo = lo;
        if matches!(self.tok(lo), Tok::Kw("implicit")) {
            lo += 1;
        }
        for (a, b) in self.split_commas(lo, hi) {
            let a = self.modifiers(a, b);
            let name = match self.tok(a) {
                Tok::Ident(n) => n.clone(),
                Tok::Underscore => "_".to_string(),
                Tok::Kw("val" | "var") => match self.tok(a + 1) {
                    Tok::Ident(n) => n.clone(),
                    _ => return Err(self.unexpected(a + 1, "a parameter name")),
                },
                _ => return Err(self.unexpected(a, "a parameter name")),
            };
            let tok = if matches!(self.tok(a), Tok::Kw(_)) {
                a + 1
            } else {
                a
            };
            match self.tok(tok + 1) {
                Tok::Colon if tok + 2 < b => {}
                _ if tok + 1 == b => {}
                _ => return Err(self.unexpected(tok + 1, "`:`, `,` or `)` after a parameter")),
            }
            out.push(Param { name });
        }
        Ok(out)
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    /// Parses `lo..hi` as exactly one expression.
    pub fn expr_in(&self, lo: usize, hi: usize) -> R<Expr> {
        if lo >= hi {
            return Err(self.unexpected(lo, "an expression"));
        }
        let mut i = lo;
        let e = self.expr(&mut i, hi)?;
        if i < hi {
            return Err(self.err(i, format!("unexpected {}", self.tok(i).describe())));
        }
        Ok(e)
    }

    /// A block's statements in `lo..hi`.
    pub fn stmts(&self, lo: usize, hi: usize) -> R<Vec<Stmt>> {
        let mut out = Vec::new();
        let mut i = lo;
        while i < hi {
            if matches!(self.tok(i), Tok::Semi) {
                i += 1;
                continue;
            }
            let end = self.stmt_end(i, hi);
            if end <= i {
                return Err(self.unexpected(i, "a statement"));
            }
            out.push(self.stmt(i, end)?);
            i = end;
        }
        Ok(out)
    }

    fn stmt(&self, lo: usize, hi: usize) -> R<Stmt> {
        let i = self.modifiers(lo, hi);
        if i >= hi {
            return Ok(Stmt::Import);
        }
        match self.tok(i) {
            Tok::Kw("val" | "var") => {
                let (pat, eq) = self.val_header(i + 1, hi)?;
                Ok(Stmt::Val {
                    pat,
                    rhs: self.expr_in(eq + 1, hi)?,
                    span: Span { lo, hi },
                })
            }
            Tok::Kw("def") => Ok(Stmt::Def(Rc::new(self.def(i, hi)?))),
            Tok::Kw("import" | "type") => Ok(Stmt::Import),
            Tok::Kw("class" | "trait") => Ok(Stmt::Class("a class definition", Span { lo: i, hi })),
            Tok::Kw("object") => Ok(Stmt::Class("an object definition", Span { lo: i, hi })),
            Tok::Kw("case") if matches!(self.tok(i + 1), Tok::Kw("class" | "object")) => {
                Ok(Stmt::Class("a case class definition", Span { lo: i, hi }))
            }
            _ => Ok(Stmt::Expr(self.expr_in(i, hi)?)),
        }
    }

    /// A lambda's parameters if one starts at `i`: `(params, index after =>)`.
    fn lambda_header(&self, i: usize, hi: usize) -> R<Option<(Vec<Param>, usize)>> {
        let i0 = if matches!(self.tok(i), Tok::Kw("implicit")) {
            i + 1
        } else {
            i
        };
        match self.tok(i0) {
            Tok::Ident(n) if i0 + 1 < hi && matches!(self.tok(i0 + 1), Tok::Arrow) => {
                Ok(Some((vec![Param { name: n.clone() }], i0 + 2)))
            }
            Tok::Underscore if i0 + 1 < hi && matches!(self.tok(i0 + 1), Tok::Arrow) => {
                Ok(Some((vec![Param { name: "_".into() }], i0 + 2)))
            }
            Tok::LParen => {
                let c = self.close_of(i0);
                if c + 1 < hi && matches!(self.tok(c + 1), Tok::Arrow) {
                    Ok(Some((self.params(i0 + 1, c)?, c + 2)))
                } else {
                    Ok(None)
                }
            }
            _ => Ok(None),
        }
    }

    fn expr(&self, i: &mut usize, hi: usize) -> R<Expr> {
        let at = *i;
        self.guard(at, |p| p.expr_inner(i, hi))
    }

    fn expr_inner(&self, i: &mut usize, hi: usize) -> R<Expr> {
        let lo = *i;
        if let Some((params, after)) = self.lambda_header(lo, hi)? {
            *i = after;
            let body = self.expr(i, hi)?;
            return self.mk(
                E::Lambda {
                    params,
                    body: Box::new(body),
                    braced: false,
                },
                lo,
                *i,
            );
        }
        match self.tok(lo) {
            Tok::Kw("if") => {
                *i += 1;
                if !matches!(self.tok(*i), Tok::LParen) {
                    return Err(self.unexpected(*i, "`(` after `if`"));
                }
                let c = self.close_of(*i).min(hi);
                let cond = self.expr_in(*i + 1, c)?;
                *i = c + 1;
                let then = self.expr(i, hi)?;
                let mut j = *i;
                while j < hi && matches!(self.tok(j), Tok::Semi) {
                    j += 1;
                }
                let els = if j < hi && matches!(self.tok(j), Tok::Kw("else")) {
                    *i = j + 1;
                    Some(Box::new(self.expr(i, hi)?))
                } else {
                    None
                };
                return self.mk(E::If(Box::new(cond), Box::new(then), els), lo, *i);
            }
            Tok::Kw("for") => return self.for_expr(i, hi),
            Tok::Kw(k @ ("while" | "do" | "try" | "throw" | "return")) => {
                let what = match *k {
                    "while" => "a `while` loop",
                    "do" => "a `do`/`while` loop",
                    "try" => "a `try` block",
                    "throw" => "a `throw`",
                    _ => "a `return`",
                };
                *i = hi;
                return self.mk(E::Other(what), lo, hi);
            }
            _ => {}
        }
        let e = self.infix(i, hi, 0)?;
        match self.tok(*i) {
            _ if *i >= hi => Ok(e),
            Tok::Eq => {
                *i += 1;
                let rhs = self.expr(i, hi)?;
                self.mk(E::Assign(Box::new(e), Box::new(rhs)), lo, *i)
            }
            Tok::Colon => {
                *i = hi;
                self.mk(E::Ascribe(Box::new(e)), lo, hi)
            }
            Tok::Kw("match") => {
                let b = *i + 1;
                if !matches!(self.tok(b), Tok::LBrace) {
                    return Err(self.unexpected(b, "`{` after `match`"));
                }
                let c = self.close_of(b).min(hi);
                let cases = self.cases(b + 1, c)?;
                *i = c + 1;
                self.mk(E::Match(Box::new(e), cases), lo, *i)
            }
            _ => Ok(e),
        }
    }

    fn for_expr(&self, i: &mut usize, hi: usize) -> R<Expr> {
        let lo = *i;
        *i += 1;
        if !matches!(self.tok(*i), Tok::LParen | Tok::LBrace) {
            return Err(self.unexpected(*i, "`(` after `for`"));
        }
        let c = self.close_of(*i).min(hi);
        let (a, b) = (*i + 1, c);
        *i = c + 1;
        let yields = matches!(self.tok(*i), Tok::Kw("yield"));
        if yields {
            *i += 1;
        }
        let body = self.expr(i, hi)?;
        // One generator `x <- e`, nothing else.
        let arrow = self.find(a, b, |t| matches!(t, Tok::LArrow));
        let simple = !yields
            && arrow.is_some_and(|k| {
                self.find(k + 1, b, |t| matches!(t, Tok::Semi | Tok::LArrow | Tok::Eq))
                    .is_none()
                    && self.stmt_end(k + 1, b) == b
            });
        match arrow {
            Some(k) if simple => {
                let var = self.pattern(a, k);
                let generator = self.expr_in(k + 1, b)?;
                self.mk(
                    E::For {
                        var,
                        generator: Box::new(generator),
                        body: Box::new(body),
                    },
                    lo,
                    *i,
                )
            }
            _ => self.mk(
                E::Other(if yields {
                    "a `for`/`yield` comprehension"
                } else {
                    "a `for` loop over more than one generator"
                }),
                lo,
                *i,
            ),
        }
    }

    fn infix(&self, i: &mut usize, hi: usize, min: u8) -> R<Expr> {
        let lo = *i;
        let mut lhs = self.prefix(i, hi)?;
        loop {
            if *i >= hi {
                break;
            }
            let op = match self.tok(*i) {
                Tok::Op(s) => s.clone(),
                Tok::Ident(s) => s.clone(),
                _ => break,
            };
            let prec = precedence(&op);
            if prec < min {
                break;
            }
            let op_tok = *i;
            *i += 1;
            if *i >= hi {
                return Err(self.err(op_tok, format!("expected an expression after `{op}`")));
            }
            let right = op.ends_with(':');
            let rhs = self.guard(op_tok, |p| {
                p.infix(i, hi, if right { prec } else { prec + 1 })
            })?;
            lhs = self.mk(E::Infix(Box::new(lhs), op, op_tok, Box::new(rhs)), lo, *i)?;
        }
        Ok(lhs)
    }

    fn prefix(&self, i: &mut usize, hi: usize) -> R<Expr> {
        let lo = *i;
        match self.tok(lo) {
            Tok::Op(s) if matches!(s.as_str(), "-" | "+" | "!" | "~") && lo + 1 < hi => {
                let op = s.clone();
                *i += 1;
                let e = self.guard(lo, |p| p.prefix(i, hi))?;
                self.mk(E::Prefix(op, Box::new(e)), lo, *i)
            }
            _ => self.simple(i, hi),
        }
    }

    fn simple(&self, i: &mut usize, hi: usize) -> R<Expr> {
        let lo = *i;
        let leaf = |p: &Self, i: &mut usize, k: E| {
            *i += 1;
            p.mk(k, lo, *i)
        };
        let mut e = match self.tok(lo).clone() {
            _ if lo >= hi => return Err(self.unexpected(lo, "an expression")),
            Tok::Int { value, long } => leaf(self, i, E::Int(value, long))?,
            Tok::Double(d) => leaf(self, i, E::Double(d))?,
            Tok::Str(s) => leaf(self, i, E::Str(s))?,
            Tok::Char(_) => leaf(self, i, E::Char)?,
            Tok::Interp => leaf(self, i, E::Interp)?,
            Tok::Kw("true") => leaf(self, i, E::Bool(true))?,
            Tok::Kw("false") => leaf(self, i, E::Bool(false))?,
            Tok::Kw("null") => leaf(self, i, E::Null)?,
            Tok::Kw("this") => leaf(self, i, E::Name("this".into()))?,
            Tok::Ident(n) => leaf(self, i, E::Name(n))?,
            Tok::Underscore => leaf(self, i, E::Placeholder)?,
            Tok::Kw("if" | "for" | "while" | "do" | "try" | "throw" | "return") => {
                return self.expr(i, hi)
            }
            Tok::LParen => {
                let c = self.close_of(lo).min(hi);
                *i = c + 1;
                if c == lo + 1 {
                    self.mk(E::Unit, lo, *i)?
                } else {
                    let parts = self.split_commas(lo + 1, c);
                    if parts.len() == 1 {
                        let mut inner = self.guard(lo, |p| p.expr_in(lo + 1, c))?;
                        inner.span = Span { lo, hi: *i };
                        inner
                    } else {
                        let items = parts
                            .into_iter()
                            .map(|(a, b)| self.guard(lo, |p| p.expr_in(a, b)))
                            .collect::<R<Vec<_>>>()?;
                        self.mk(E::Tuple(items), lo, *i)?
                    }
                }
            }
            Tok::LBrace => {
                let c = self.close_of(lo).min(hi);
                *i = c + 1;
                self.guard(lo, |p| p.braces(lo, c))?
            }
            Tok::Kw("new") => self.new_expr(i, hi)?,
            other => {
                return Err(self.err(lo, format!("unexpected {}", other.describe())));
            }
        };
        loop {
            if *i >= hi {
                break;
            }
            match self.tok(*i) {
                Tok::Dot => {
                    let n = *i + 1;
                    let name = match self.tok(n) {
                        Tok::Ident(s) | Tok::Op(s) => s.clone(),
                        Tok::Kw(k) => k.to_string(),
                        _ => return Err(self.unexpected(n, "a name after `.`")),
                    };
                    *i = n + 1;
                    e = self.mk(E::Select(Box::new(e), name, n), lo, *i)?;
                }
                Tok::LBracket => {
                    *i = self.close_of(*i).min(hi) + 1;
                    e = self.mk(E::TypeApply(Box::new(e)), lo, *i)?;
                }
                Tok::LParen => {
                    let c = self.close_of(*i).min(hi);
                    let args = self.guard(*i, |p| p.args(*i + 1, c))?;
                    *i = c + 1;
                    e = self.mk(E::Apply(Box::new(e), args), lo, *i)?;
                }
                Tok::LBrace if !self.at(*i).nl => {
                    let b = *i;
                    let c = self.close_of(b).min(hi);
                    let arg = self.guard(b, |p| p.braces(b, c))?;
                    *i = c + 1;
                    e = self.mk(
                        E::Apply(
                            Box::new(e),
                            vec![Arg {
                                name: None,
                                value: arg,
                            }],
                        ),
                        lo,
                        *i,
                    )?;
                }
                Tok::Underscore if *i + 1 == hi => {
                    *i += 1;
                    e = self.mk(E::Eta(Box::new(e)), lo, *i)?;
                }
                _ => break,
            }
        }
        Ok(e)
    }

    fn args(&self, lo: usize, hi: usize) -> R<Vec<Arg>> {
        if lo >= hi {
            return Ok(Vec::new());
        }
        self.split_commas(lo, hi)
            .into_iter()
            .map(|(a, b)| {
                if let (Tok::Ident(n), Tok::Eq) = (self.tok(a), self.tok(a + 1)) {
                    if a + 2 < b {
                        return Ok(Arg {
                            name: Some(n.clone()),
                            value: self.expr_in(a + 2, b)?,
                        });
                    }
                }
                Ok(Arg {
                    name: None,
                    value: self.expr_in(a, b)?,
                })
            })
            .collect()
    }

    fn new_expr(&self, i: &mut usize, hi: usize) -> R<Expr> {
        let lo = *i;
        *i += 1;
        let mut class = String::new();
        loop {
            match self.tok(*i) {
                Tok::Ident(n) => class.push_str(n),
                _ => return Err(self.unexpected(*i, "a class name after `new`")),
            }
            *i += 1;
            if matches!(self.tok(*i), Tok::Dot) && *i + 1 < hi {
                class.push('.');
                *i += 1;
            } else {
                break;
            }
        }
        if *i < hi && matches!(self.tok(*i), Tok::LBracket) {
            *i = self.close_of(*i).min(hi) + 1;
        }
        let mut args = Vec::new();
        while *i < hi && matches!(self.tok(*i), Tok::LParen) {
            let c = self.close_of(*i).min(hi);
            args.push(self.args(*i + 1, c)?);
            *i = c + 1;
        }
        if *i < hi && matches!(self.tok(*i), Tok::LBrace) {
            *i = self.close_of(*i).min(hi) + 1;
        }
        self.mk(E::New { class, args }, lo, *i)
    }

    /// `{ … }` from its `{` at `open` to its `}` at `close`: a block, a block lambda
    /// `{ x => stmts }` or cases `{ case p => … }`.
    fn braces(&self, open: usize, close: usize) -> R<Expr> {
        let (lo, hi) = (open + 1, close);
        let span_hi = close + 1;
        if matches!(self.tok(lo), Tok::Kw("case")) {
            let cases = self.cases(lo, hi)?;
            return self.mk(E::Cases(cases), open, span_hi);
        }
        let header = match self.tok(lo) {
            // `{ x: T => … }`: a typed parameter without parentheses.
            Tok::Ident(n) if matches!(self.tok(lo + 1), Tok::Colon) => {
                match self.find(lo + 2, hi, |t| matches!(t, Tok::Arrow)) {
                    Some(a) if self.stmt_end(lo, hi) > a => {
                        Some((vec![Param { name: n.clone() }], a + 1))
                    }
                    _ => None,
                }
            }
            _ => self.lambda_header(lo, hi)?,
        };
        if let Some((params, after)) = header {
            let stmts = self.stmts(after, hi)?;
            let body = self.mk(E::Block(stmts), after, hi)?;
            return self.mk(
                E::Lambda {
                    params,
                    body: Box::new(body),
                    braced: true,
                },
                open,
                span_hi,
            );
        }
        let stmts = self.stmts(lo, hi)?;
        self.mk(E::Block(stmts), open, span_hi)
    }

    fn cases(&self, lo: usize, hi: usize) -> R<Vec<Case>> {
        // Each `case` at depth 0 (not `case class`) starts one.
        let mut starts = Vec::new();
        let mut j = lo;
        while j < hi {
            match self.tok(j) {
                Tok::Kw("case") if !matches!(self.tok(j + 1), Tok::Kw("class" | "object")) => {
                    starts.push(j);
                    j += 1;
                }
                Tok::LParen | Tok::LBracket | Tok::LBrace => j = self.close_of(j).min(hi) + 1,
                _ => j += 1,
            }
        }
        if starts.first() != Some(&lo) {
            return Err(self.unexpected(lo, "`case`"));
        }
        let mut out = Vec::new();
        for (k, &s) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(hi);
            let arrow = self
                .find(s + 1, end, |t| matches!(t, Tok::Arrow))
                .ok_or_else(|| self.err(s, "a `case` without `=>`"))?;
            let guard_at = self.find(s + 1, arrow, |t| matches!(t, Tok::Kw("if")));
            let pat_end = guard_at.unwrap_or(arrow);
            if pat_end <= s + 1 {
                return Err(self.unexpected(s + 1, "a pattern after `case`"));
            }
            let pat = self.pattern(s + 1, pat_end);
            let guard = match guard_at {
                Some(g) => Some(self.expr_in(g + 1, arrow)?),
                None => None,
            };
            let stmts = self.stmts(arrow + 1, end)?;
            let body = self.mk(E::Block(stmts), arrow + 1, end)?;
            out.push(Case {
                pat,
                guard,
                body,
                span: Span { lo: s, hi: end },
            });
        }
        Ok(out)
    }
}

fn err_at(t: &Token, message: impl Into<String>) -> ImportError {
    ImportError {
        line: t.line,
        column: t.col,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn parse_expr(src: &str) -> Result<String, ImportError> {
        let l = lex(src)?;
        let p = Parser::new(&l.tokens)?;
        let e = p.expr_in(0, l.tokens.len() - 1)?;
        Ok(show(&e))
    }

    fn show(e: &Expr) -> String {
        match &e.kind {
            E::Name(n) => n.clone(),
            E::Int(v, _) => v.to_string(),
            E::Str(s) => format!("{s:?}"),
            E::Placeholder => "_".into(),
            E::Select(r, n, _) => format!("{}.{n}", show(r)),
            E::Apply(f, args) => format!(
                "{}({})",
                show(f),
                args.iter()
                    .map(|a| match &a.name {
                        Some(n) => format!("{n}={}", show(&a.value)),
                        None => show(&a.value),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            E::Infix(a, op, _, b) => format!("({} {op} {})", show(a), show(b)),
            E::Lambda { params, body, .. } => format!(
                "[{}] => {}",
                params
                    .iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>()
                    .join(","),
                show(body)
            ),
            E::Block(stmts) => format!("{{{} stmts}}", stmts.len()),
            E::Tuple(xs) => format!("({})", xs.iter().map(show).collect::<Vec<_>>().join(", ")),
            E::TypeApply(f) => format!("{}[]", show(f)),
            E::Eta(f) => format!("{} _", show(f)),
            E::New { class, args, .. } => format!("new {class}/{}", args.len()),
            E::Cases(c) => format!("cases/{}", c.len()),
            E::Other(w) => w.to_string(),
            E::For { .. } => "for".into(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn chained_calls_lambdas_and_placeholders() {
        assert_eq!(
            parse_expr("lines.flatMap(_.split(\" \"))\n  .map(x => (x, 1))\n  .reduceByKey(_ + _)")
                .unwrap(),
            "lines.flatMap(_.split(\" \")).map([x] => (x, 1)).reduceByKey((_ + _))"
        );
        assert_eq!(
            parse_expr("pairs.reduceByKeyAndWindow((x, y) => x + y, (x,y) => x-y, Seconds(4), numPartitions = 2)").unwrap(),
            "pairs.reduceByKeyAndWindow([x,y] => (x + y), [x,y] => (x - y), Seconds(4), numPartitions=2)"
        );
        assert_eq!(
            parse_expr("s.foreachRDD { rdd => rdd.count(); 1 }").unwrap(),
            "s.foreachRDD([rdd] => {2 stmts})"
        );
        assert_eq!(
            parse_expr("p.updateStateByKey[Int](update _)").unwrap(),
            "p.updateStateByKey[](update _)"
        );
        assert_eq!(parse_expr("1 + 2 * 3 - 4").unwrap(), "((1 + (2 * 3)) - 4)");
        assert_eq!(parse_expr("q += 1 to 3").unwrap(), "(q += (1 to 3))");
        assert_eq!(
            parse_expr("new StreamingContext(conf, Seconds(1))").unwrap(),
            "new StreamingContext/1"
        );
        assert_eq!(
            parse_expr("m.map { case (a, b) => a }").unwrap(),
            "m.map(cases/1)"
        );
    }

    #[test]
    fn statements_end_at_line_breaks_scala_reads_as_ends() {
        let src = "val a = x\n  .map(f)\nval b = a +\n  1\nb.print()\nif (c) d\nelse e";
        let l = lex(src).unwrap();
        let p = Parser::new(&l.tokens).unwrap();
        let items = p.program().unwrap();
        assert_eq!(items.len(), 4, "{items:?}");
    }

    #[test]
    fn unbalanced_and_deep_input_is_an_error_not_a_crash() {
        for src in [
            "f(a, b",
            "f(a]",
            "}",
            &"(".repeat(10_000),
            &"x => ".repeat(10_000),
        ] {
            let l = match lex(src) {
                Ok(l) => l,
                Err(_) => continue,
            };
            let r = Parser::new(&l.tokens).and_then(|p| p.expr_in(0, l.tokens.len() - 1));
            assert!(r.is_err(), "{src:.20}");
        }
        let long = vec!["1"; 5000].join(" + ");
        assert!(parse_expr(&long).is_err());
    }
}

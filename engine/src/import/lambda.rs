//! A Scala function in the program as a lambda of the pipeline's language, which is Scala
//! already: the code's own text, with only what the language spells differently rewritten
//! (`.toLong` is `.toInt` on the engine's 64-bit `Int`, `.toList`/`.toArray` drop out since
//! every collection is a `List`, `{ case (a, b) => … }` is `(a, b) => …`, a `def` becomes
//! `(params) => body`, a `val` of a literal is inlined), comments blanked and the indentation
//! of continuation lines taken off. Each piece of the text remembers where in the program it
//! came from, so an error the lambda compiler reports at a column is named at the program's
//! line and column.

use std::collections::{BTreeMap, BTreeSet};

use super::lexer::{Comment, Tok};
use super::syntax::{Def, Expr, Param, Parser, Pat, Span, Stmt, E};
use super::ImportError;

/// A literal the lambda language can hold, for a `val` the lambda reads.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    Int(i64),
    Double(f64),
    Str(String),
    Bool(bool),
}

impl Lit {
    /// The literal in the lambda language.
    pub fn text(&self) -> String {
        match self {
            Lit::Int(i) if *i < 0 => format!("({i})"),
            Lit::Int(i) => i.to_string(),
            Lit::Double(d) => {
                let s = format!("{d:?}");
                let s = if s.contains(['.', 'e', 'E']) || !d.is_finite() {
                    s
                } else {
                    format!("{s}.0")
                };
                if *d < 0.0 {
                    format!("({s})")
                } else {
                    s
                }
            }
            Lit::Bool(b) => b.to_string(),
            Lit::Str(s) => lambda_str(s),
        }
    }
}

/// A string literal of the lambda language (its escapes are Scala's).
pub(crate) fn lambda_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One piece of the lambda's text: `len` characters from output character `out`, taken from
/// the program at byte `src` (verbatim when the text is the program's own).
#[derive(Clone, Debug)]
struct Piece {
    out: usize,
    len: usize,
    src: usize,
    line: usize,
    col: usize,
    verbatim: bool,
}

/// A function of the program as lambda text.
#[derive(Clone, Debug)]
pub(crate) struct Lambda {
    pub text: String,
    pieces: Vec<Piece>,
    /// The program's own tokens of the function, all of them (to compare with the text an
    /// exporter writes for a typed lambda).
    pub code: Vec<Tok>,
    pub line: usize,
    pub col: usize,
}

impl Lambda {
    /// The program's line and column of the lambda text's 1-based `column`.
    pub fn position(&self, src: &str, column: usize) -> (usize, usize) {
        let c = column.saturating_sub(1);
        let piece = self
            .pieces
            .iter()
            .find(|p| p.out <= c && c < p.out + p.len.max(1))
            .or_else(|| self.pieces.iter().rev().find(|p| p.out <= c));
        match piece {
            Some(p) if p.verbatim => {
                // Within one token: the same characters, on the token's line (a line break
                // inside a triple-quoted string moves to the next line).
                let mut line = p.line;
                let mut col = p.col;
                for ch in src.get(p.src..).unwrap_or("").chars().take(c - p.out) {
                    if ch == '\n' {
                        line += 1;
                        col = 1;
                    } else {
                        col += 1;
                    }
                }
                (line, col)
            }
            Some(p) => (p.line, p.col),
            None => (self.line, self.col),
        }
    }
}

/// Builds the text: tokens with edits, the gaps between them, glue.
struct Writer<'p, 'a> {
    p: &'p Parser<'a>,
    src: &'a str,
    edits: BTreeMap<usize, Option<String>>,
    text: String,
    chars: usize,
    pieces: Vec<Piece>,
    code: Vec<Tok>,
    /// Indentation taken off each continuation line.
    dedent: usize,
}

impl Writer<'_, '_> {
    fn push(&mut self, s: &str, src: usize, line: usize, col: usize, verbatim: bool) {
        let len = s.chars().count();
        self.pieces.push(Piece {
            out: self.chars,
            len,
            src,
            line,
            col,
            verbatim,
        });
        self.text.push_str(s);
        self.chars += len;
    }

    /// Glue text standing for token `at`.
    fn glue(&mut self, s: &str, at: usize) {
        let t = self.p.at(at);
        let (src, line, col) = (t.start, t.line, t.col);
        self.push(s, src, line, col, false);
    }

    /// Tokens `span`, with the edits and the gaps between them.
    fn tokens(&mut self, span: Span) {
        for k in span.lo..span.hi.min(self.p.toks.len()) {
            let t = self.p.at(k).clone();
            if k > span.lo {
                let prev_end = self.p.at(k - 1).end;
                let gap = blank_comments(self.src.get(prev_end..t.start).unwrap_or(" "));
                let gap = match gap.rfind('\n') {
                    Some(n) => {
                        let indent = &gap[n + 1..];
                        let cut = indent
                            .char_indices()
                            .take_while(|(i, c)| *i < self.dedent && (*c == ' ' || *c == '\t'))
                            .count();
                        format!("{}{}", &gap[..n + 1], &indent[cut..])
                    }
                    None => gap,
                };
                self.push(&gap, t.start, t.line, t.col, false);
            }
            self.code.push(t.kind.clone());
            match self.edits.get(&k).cloned() {
                Some(Some(r)) => self.push(&r, t.start, t.line, t.col, false),
                Some(None) => {}
                None => {
                    let s = self.src.get(t.start..t.end).unwrap_or("");
                    self.push(s, t.start, t.line, t.col, true);
                }
            }
        }
    }
}

/// Comments in a gap between tokens become spaces (their line breaks stay).
fn blank_comments(gap: &str) -> String {
    let mut out = String::with_capacity(gap.len());
    let mut chars = gap.chars().peekable();
    let mut depth = 0usize;
    let mut line_comment = false;
    while let Some(c) = chars.next() {
        if line_comment {
            if c == '\n' {
                line_comment = false;
                out.push('\n');
            } else {
                out.push(' ');
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            depth += 1;
            out.push_str("  ");
            continue;
        }
        if depth > 0 {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                depth -= 1;
                out.push_str("  ");
            } else {
                out.push(if c == '\n' { '\n' } else { ' ' });
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            line_comment = true;
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    out
}

/// Collects the rewrites of `e`'s subtree.
struct Edits<'p, 'a, 's> {
    p: &'p Parser<'a>,
    src: &'a str,
    bound: BTreeSet<String>,
    subst: &'s dyn Fn(&str) -> Option<Lit>,
    edits: BTreeMap<usize, Option<String>>,
}

const TO_INT: &[&str] = &["toLong", "toShort", "toByte"];
const TO_LIST: &[&str] = &[
    "toList",
    "toSeq",
    "toArray",
    "toVector",
    "toIterable",
    "toIndexedSeq",
    "toBuffer",
];

impl Edits<'_, '_, '_> {
    fn bind_params(&mut self, ps: &[Param]) {
        for p in ps {
            self.bound.insert(p.name.clone());
        }
    }

    fn bind_pat(&mut self, pat: &Pat) {
        for (n, _) in self.p.pattern_vars(pat) {
            self.bound.insert(n);
        }
    }

    /// First pass: every name the function binds anywhere (parameters, `val`s).
    fn binders(&mut self, e: &Expr) {
        match &e.kind {
            E::Lambda { params, .. } => self.bind_params(params),
            E::Cases(cs) | E::Match(_, cs) => {
                for c in cs {
                    self.bind_pat(&c.pat);
                }
            }
            E::Block(stmts) => {
                for s in stmts {
                    if let Stmt::Val { pat, .. } = s {
                        self.bind_pat(pat);
                    }
                }
            }
            _ => {}
        }
        children(e, &mut |c| self.binders(c));
    }

    fn walk(&mut self, e: &Expr) {
        match &e.kind {
            E::Select(_, name, tok) if TO_INT.contains(&name.as_str()) => {
                self.edits.insert(*tok, Some("toInt".into()));
            }
            E::Select(_, name, tok) if TO_LIST.contains(&name.as_str()) && *tok > 0 => {
                self.edits.insert(*tok - 1, None);
                self.edits.insert(*tok, None);
            }
            E::Int(v, long) => {
                let t = self.p.at(e.span.lo);
                let written = self.src.get(t.start..t.end).unwrap_or("");
                if written.contains(['x', 'X', '_']) {
                    let suffix = if *long { "L" } else { "" };
                    self.edits.insert(e.span.lo, Some(format!("{v}{suffix}")));
                }
            }
            E::Name(n) if !self.bound.contains(n) => {
                if let Some(lit) = (self.subst)(n) {
                    self.edits.insert(e.span.lo, Some(lit.text()));
                }
            }
            _ => {}
        }
        children(e, &mut |c| self.walk(c));
    }
}

/// Calls `f` on each direct sub-expression.
pub(crate) fn children(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &e.kind {
        E::Select(r, ..) | E::TypeApply(r) | E::Prefix(_, r) | E::Eta(r) | E::Ascribe(r) => f(r),
        E::Apply(g, args) => {
            f(g);
            for a in args {
                f(&a.value);
            }
        }
        E::New { args, .. } => {
            for a in args.iter().flatten() {
                f(&a.value);
            }
        }
        E::Infix(a, _, _, b) | E::Assign(a, b) => {
            f(a);
            f(b);
        }
        E::Tuple(xs) => xs.iter().for_each(f),
        E::Lambda { body, .. } => f(body),
        E::Block(stmts) => {
            for s in stmts {
                match s {
                    Stmt::Val { rhs, .. } => f(rhs),
                    Stmt::Expr(x) => f(x),
                    _ => {}
                }
            }
        }
        E::Cases(cs) => {
            for c in cs {
                if let Some(g) = &c.guard {
                    f(g);
                }
                f(&c.body);
            }
        }
        E::Match(s, cs) => {
            f(s);
            for c in cs {
                if let Some(g) = &c.guard {
                    f(g);
                }
                f(&c.body);
            }
        }
        E::If(c, a, b) => {
            f(c);
            f(a);
            if let Some(b) = b {
                f(b);
            }
        }
        E::For {
            generator, body, ..
        } => {
            f(generator);
            f(body);
        }
        _ => {}
    }
}

/// Whether `e` holds a `_` placeholder of its own (not one inside a nested function).
pub(crate) fn has_placeholder(e: &Expr) -> bool {
    match &e.kind {
        E::Placeholder => true,
        E::Lambda { .. } | E::Cases(_) => false,
        // `(_ + 1)` in an argument is its own function.
        E::Apply(f, _) => has_placeholder(f),
        _ => {
            let mut found = false;
            children(e, &mut |c| found = found || has_placeholder(c));
            found
        }
    }
}

/// Whether `e` is written as a function: a lambda, cases, or an expression with `_`.
pub(crate) fn is_function(e: &Expr) -> bool {
    match &e.kind {
        E::Lambda { .. } | E::Cases(_) => true,
        E::Block(stmts) => matches!(stmts.as_slice(), [Stmt::Expr(x)] if is_function(x)),
        _ => has_placeholder(e),
    }
}

fn indent_of(p: &Parser, span: Span) -> usize {
    // The smallest indentation of the lines after the first, in columns.
    (span.lo + 1..span.hi.min(p.toks.len()))
        .filter(|&k| p.at(k).nl)
        .map(|k| p.at(k).col - 1)
        .min()
        .unwrap_or(0)
}

fn writer<'p, 'a>(
    p: &'p Parser<'a>,
    src: &'a str,
    roots: &[&Expr],
    subst: &dyn Fn(&str) -> Option<Lit>,
    dedent: usize,
    bound: BTreeSet<String>,
) -> Writer<'p, 'a> {
    let mut ed = Edits {
        p,
        src,
        bound,
        subst,
        edits: BTreeMap::new(),
    };
    for r in roots {
        ed.binders(r);
    }
    for r in roots {
        ed.walk(r);
    }
    Writer {
        p,
        src,
        edits: ed.edits,
        text: String::new(),
        chars: 0,
        pieces: Vec::new(),
        code: Vec::new(),
        dedent,
    }
}

fn finish(w: Writer, at: usize) -> Lambda {
    let t = w.p.at(at);
    Lambda {
        text: w.text,
        pieces: w.pieces,
        code: w.code,
        line: t.line,
        col: t.col,
    }
}

/// A block's statements as a lambda body: one expression alone, more inside `{ }`.
fn body(w: &mut Writer, b: &Expr) {
    let many = !matches!(&b.kind, E::Block(stmts) if stmts.len() == 1);
    if many && matches!(b.kind, E::Block(_)) {
        w.glue("{ ", b.span.lo);
        w.tokens(b.span);
        w.glue(" }", b.span.hi.saturating_sub(1));
    } else {
        w.tokens(b.span);
    }
}

/// A function written in the program (a lambda, `{ case … }`, `_ + _`) as lambda text.
pub(crate) fn from_expr(
    p: &Parser,
    src: &str,
    e: &Expr,
    subst: &dyn Fn(&str) -> Option<Lit>,
) -> Result<Lambda, ImportError> {
    let mut w = writer(p, src, &[e], subst, indent_of(p, e.span), BTreeSet::new());
    match &e.kind {
        E::Lambda {
            body: b,
            braced: true,
            ..
        } => {
            let header = Span {
                lo: e.span.lo + 1,
                hi: b.span.lo,
            };
            w.tokens(header);
            w.glue(" ", b.span.lo);
            body(&mut w, b);
        }
        E::Cases(cases) => {
            let [case] = cases.as_slice() else {
                return Err(p.err(
                    cases.get(1).map_or(e.span.lo, |c| c.span.lo),
                    "a function of several `case`s (the pipeline's lambdas take one parameter list)",
                ));
            };
            if let Some(g) = &case.guard {
                return Err(p.err(g.span.lo.saturating_sub(1), "a `case` with a guard (`if`)"));
            }
            let name = |pat: &Pat| match pat {
                Pat::Name(n, _) => Some(n.clone()),
                Pat::Wild => Some("_".to_string()),
                _ => None,
            };
            let params: Option<Vec<String>> = match &case.pat {
                Pat::Tuple(ps) => ps.iter().map(name).collect(),
                other => name(other).map(|n| vec![n]),
            };
            let Some(params) = params else {
                let at = match &case.pat {
                    Pat::Other(s) => s.lo,
                    _ => case.span.lo + 1,
                };
                return Err(p.err(
                    at,
                    "a `case` pattern the pipeline's lambdas do not have (they take names: \
                     `case (a, b) =>`)",
                ));
            };
            let head = if params.len() == 1 {
                format!("{} => ", params[0])
            } else {
                format!("({}) => ", params.join(", "))
            };
            w.glue(&head, case.span.lo);
            body(&mut w, &case.body);
        }
        E::Block(stmts) => match stmts.as_slice() {
            [Stmt::Expr(x)] => return from_expr(p, src, x, subst),
            _ => return Err(p.err(e.span.lo, "a block where a function is expected")),
        },
        _ => w.tokens(e.span),
    }
    let mut l = finish(w, e.span.lo);
    // All of the function's tokens, the `{ case` that the text rewrites included.
    l.code = (e.span.lo..e.span.hi.min(p.toks.len()))
        .map(|k| p.at(k).kind.clone())
        .collect();
    Ok(l)
}

/// A `def f(a: A, b: B) = body` as `(a: A, b: B) => body`.
pub(crate) fn from_def(
    p: &Parser,
    src: &str,
    def: &Def,
    parsed_body: &Expr,
    subst: &dyn Fn(&str) -> Option<Lit>,
) -> Result<Lambda, ImportError> {
    let Some(clause) = def.last_clause else {
        return Err(p.err(
            def.tok,
            format!(
                "`{}` takes no parameters, so it is not a function",
                def.name
            ),
        ));
    };
    if def.params.len() > 1 {
        return Err(p.err(
            def.tok,
            format!("`{}` has several parameter lists", def.name),
        ));
    }
    // The parameters are bound: a literal val of the same name must not replace them.
    let names = def
        .params
        .iter()
        .flatten()
        .map(|p| p.name.clone())
        .collect();
    let mut w = writer(p, src, &[parsed_body], subst, indent_of(p, def.body), names);
    w.tokens(clause);
    w.glue(" => ", def.body.lo);
    w.tokens(def.body);
    Ok(finish(w, def.tok))
}

/// The exporter's `// playground FIELD: "json"` lines among `comments`: field and text.
pub(crate) fn exported_original(c: &Comment) -> Option<(String, String)> {
    let rest = c.text.trim().strip_prefix("playground ")?;
    let (field, json) = rest.split_once(": ")?;
    let text: String = serde_json::from_str(json.trim()).ok()?;
    Some((field.to_string(), text))
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn translate(src: &str) -> Lambda {
        let l = lex(src).unwrap();
        let p = Parser::new(&l.tokens).unwrap();
        let e = p.expr_in(0, l.tokens.len() - 1).unwrap();
        let subst = |n: &str| (n == "limit").then_some(Lit::Int(-3));
        from_expr(&p, src, &e, &subst).unwrap()
    }

    #[test]
    fn only_what_the_language_spells_differently_is_rewritten() {
        for (scala, lambda) in [
            ("(x, y) => x + y", "(x, y) => x + y"),
            ("_.split(\" \")", "_.split(\" \")"),
            ("w => w.length.toLong", "w => w.length.toInt"),
            ("l => l.split(\",\").toList", "l => l.split(\",\")"),
            ("{ case (w, n) => (n, w) }", "(w, n) => (n, w)"),
            ("{ case (w, _) => w }", "(w, _) => w"),
            ("n => n > limit", "n => n > (-3)"),
            ("limit => limit + 1", "limit => limit + 1"),
            ("x => x + 0x10 + 1_000L", "x => x + 16 + 1000L"),
            ("{ x => x * 2 }", "x => x * 2"),
            ("x => /* twice */ x * 2 // done", "x => x * 2"),
        ] {
            let t = translate(scala);
            let squashed: String = t.text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(squashed, lambda, "{scala}");
        }
        let block = translate("{ rdd =>\n      val n = 1\n      n + 1\n    }");
        assert_eq!(block.text, "rdd => { val n = 1\n  n + 1 }");
    }

    #[test]
    fn a_column_of_the_text_is_a_place_in_the_program() {
        let src = "f(\n  (a, b) => {\n    val s = a.toLong\n    s + b.nope\n  })";
        let l = lex(src).unwrap();
        let p = Parser::new(&l.tokens).unwrap();
        let e = p.expr_in(0, l.tokens.len() - 1).unwrap();
        let E::Apply(_, args) = &e.kind else { panic!() };
        let t = from_expr(&p, src, &args[0].value, &|_| None).unwrap();
        let col = t.text.find("nope").unwrap() + 1;
        assert_eq!(t.position(src, col), (4, 11));
        assert_eq!(t.position(src, 1), (2, 3));
    }
}

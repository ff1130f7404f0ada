//! Lexer and parser: lambda source text to an untyped syntax tree.
//!
//! Two stages, both with winnow: [`lex`] turns characters into [`Token`]s (each with its byte
//! position, so every error can name a column), and [`parse`] reads the tokens with one
//! function per precedence level. Nothing here panics: recursion is bounded by a nesting
//! counter and the tree's depth is capped, so no input can exhaust the stack.

use std::cell::Cell;

use winnow::combinator::{cut_err, opt, terminated};
use winnow::error::{ContextError, ErrMode, StrContext, StrContextValue};
use winnow::prelude::*;
use winnow::stream::{Stateful, TokenSlice};
use winnow::token::{any, one_of, take_while};

/// How deep parentheses, `if`s and arguments may nest while parsing.
const MAX_NESTING: u32 = 48;
/// How deep the syntax tree may be (a chain `a + b + c …` is one level per operator).
pub(crate) const MAX_DEPTH: u32 = 96;

/// A syntax error at a byte offset of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub pos: usize,
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// Decimal digits of an integer literal (an `L` suffix removed); range-checked later,
    /// where a leading `-` is known.
    Int(String),
    Double(f64),
    Str(String),
    Char(char),
    Ident(String),
    Underscore,
    True,
    False,
    If,
    Else,
    Val,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Semi,
    /// `=` of a `val`; anywhere else the parser says to compare with `==`.
    Assign,
    Comma,
    Dot,
    Colon,
    FatArrow,
    Op(BinOp),
    Minus,
    Bang,
    /// A character that starts no token; the parser reports it.
    Unknown(char),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub pos: usize,
    /// A line break stands between this token and the previous one (inside a block it ends
    /// a statement, as in Scala).
    pub newline: bool,
}

impl Tok {
    /// How an error message names this token.
    fn describe(&self) -> String {
        match self {
            Tok::Int(d) => format!("the number {d}"),
            Tok::Double(d) => format!("the number {d}"),
            Tok::Str(_) => "a string".into(),
            Tok::Char(c) => format!("the character '{c}'"),
            Tok::Ident(n) => format!("the name '{n}'"),
            Tok::Underscore => "'_'".into(),
            Tok::True => "'true'".into(),
            Tok::False => "'false'".into(),
            Tok::If => "'if'".into(),
            Tok::Else => "'else'".into(),
            Tok::Val => "'val'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::LBrace => "'{'".into(),
            Tok::RBrace => "'}'".into(),
            Tok::Semi => "';'".into(),
            Tok::Assign | Tok::Unknown('=') => "'=' (to compare, write '==')".into(),
            Tok::Comma => "','".into(),
            Tok::Dot => "'.'".into(),
            Tok::Colon => "':'".into(),
            Tok::FatArrow => "'=>'".into(),
            Tok::Op(op) => format!("'{}'", op.symbol()),
            Tok::Minus => "'-'".into(),
            Tok::Bang => "'!'".into(),
            Tok::Unknown(c) => format!("'{c}'"),
            Tok::Eof => "the end of the lambda".into(),
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Splits `src` into tokens, ending with [`Tok::Eof`].
pub(crate) fn lex(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut input = src;
    let mut out = Vec::new();
    loop {
        let space: &str = take_while::<_, _, ContextError>(0.., char::is_whitespace)
            .parse_next(&mut input)
            .unwrap_or("");
        let newline = space.contains('\n');
        let pos = src.len() - input.len();
        let Some(c) = input.chars().next() else {
            out.push(Token {
                kind: Tok::Eof,
                pos,
                newline,
            });
            return Ok(out);
        };
        let next = input[c.len_utf8()..].chars().next();
        let kind = match c {
            '0'..='9' => number(&mut input).map_err(|m| SyntaxError { pos, message: m })?,
            '.' if next.is_some_and(|n| n.is_ascii_digit()) => {
                number(&mut input).map_err(|m| SyntaxError { pos, message: m })?
            }
            '"' => string_literal(src, &mut input)?,
            '\'' => char_literal(&mut input).map_err(|m| SyntaxError { pos, message: m })?,
            c if is_ident_start(c) => {
                let word: &str = take_while::<_, _, ContextError>(1.., is_ident_char)
                    .parse_next(&mut input)
                    .map_err(|_| SyntaxError {
                        pos,
                        message: "expected a name".into(),
                    })?;
                if input.starts_with('"') {
                    return Err(SyntaxError {
                        pos,
                        message: format!(
                            "string interpolation ({word}\"…\") is not supported; join with +, \
                             e.g. \"count: \" + n"
                        ),
                    });
                }
                match word {
                    "_" => Tok::Underscore,
                    "true" => Tok::True,
                    "false" => Tok::False,
                    "if" => Tok::If,
                    "else" => Tok::Else,
                    "val" => Tok::Val,
                    w => Tok::Ident(w.to_string()),
                }
            }
            _ => operator(&mut input),
        };
        out.push(Token { kind, pos, newline });
    }
}

/// Punctuation and operators, longest first; anything else is one [`Tok::Unknown`] char.
fn operator(input: &mut &str) -> Tok {
    const TABLE: &[(&str, Tok)] = &[
        ("=>", Tok::FatArrow),
        ("==", Tok::Op(BinOp::Eq)),
        ("!=", Tok::Op(BinOp::Ne)),
        ("<=", Tok::Op(BinOp::Le)),
        (">=", Tok::Op(BinOp::Ge)),
        ("&&", Tok::Op(BinOp::And)),
        ("||", Tok::Op(BinOp::Or)),
        ("->", Tok::Op(BinOp::Arrow)),
        ("=", Tok::Assign),
        ("<", Tok::Op(BinOp::Lt)),
        (">", Tok::Op(BinOp::Gt)),
        ("+", Tok::Op(BinOp::Add)),
        ("*", Tok::Op(BinOp::Mul)),
        ("/", Tok::Op(BinOp::Div)),
        ("%", Tok::Op(BinOp::Rem)),
        ("-", Tok::Minus),
        ("!", Tok::Bang),
        ("(", Tok::LParen),
        (")", Tok::RParen),
        ("[", Tok::LBracket),
        ("]", Tok::RBracket),
        ("{", Tok::LBrace),
        ("}", Tok::RBrace),
        (";", Tok::Semi),
        (",", Tok::Comma),
        (".", Tok::Dot),
        (":", Tok::Colon),
    ];
    for (text, tok) in TABLE {
        if winnow::token::literal::<_, _, ContextError>(*text)
            .parse_next(input)
            .is_ok()
        {
            return tok.clone();
        }
    }
    match any::<_, ContextError>.parse_next(input) {
        Ok(c) => Tok::Unknown(c),
        Err(_) => Tok::Eof,
    }
}

/// `123`, `123L`, `1.5`, `.5`, `1e3`, `2.5E-3`, `1.0d`, `2f`.
fn number(input: &mut &str) -> Result<Tok, String> {
    fn digits<'s>(i: &mut &'s str) -> ModalResult<&'s str> {
        take_while(1.., |c: char| c.is_ascii_digit()).parse_next(i)
    }
    let fraction = ('.', digits);
    let exponent = (one_of(['e', 'E']), opt(one_of(['+', '-'])), digits);
    let (text, (int_part, frac, exp)): (&str, (Option<&str>, Option<_>, Option<_>)) =
        (opt(digits), opt(fraction), opt(exponent))
            .with_taken()
            .map(|(a, b)| (b, a))
            .parse_next(input)
            .map_err(|_: ErrMode<ContextError>| "expected a number".to_string())?;
    let suffix: Option<char> = opt(one_of::<_, _, ContextError>(['L', 'l', 'd', 'D', 'f', 'F']))
        .parse_next(input)
        .unwrap_or(None);
    if int_part.is_none() && frac.is_none() {
        return Err("expected a number".into());
    }
    let is_double =
        frac.is_some() || exp.is_some() || matches!(suffix, Some('d' | 'D' | 'f' | 'F'));
    if is_double {
        if matches!(suffix, Some('L' | 'l')) {
            return Err(format!("{text}L is not a valid number"));
        }
        let v: f64 = text
            .parse()
            .map_err(|_| format!("{text} is not a valid number"))?;
        if !v.is_finite() {
            return Err(format!("the number {text} is too large for a Double"));
        }
        Ok(Tok::Double(v))
    } else {
        Ok(Tok::Int(text.to_string()))
    }
}

/// `"…"` with Scala's escapes, or `"""…"""` (raw, no escapes).
fn string_literal(src: &str, input: &mut &str) -> Result<Tok, SyntaxError> {
    let start = src.len() - input.len();
    if let Some(rest) = input.strip_prefix("\"\"\"") {
        return match rest.find("\"\"\"") {
            Some(end) => {
                let text = rest[..end].to_string();
                *input = &rest[end + 3..];
                Ok(Tok::Str(text))
            }
            None => Err(SyntaxError {
                pos: start,
                message: "this string has no closing \"\"\"".into(),
            }),
        };
    }
    let mut chars = input.char_indices().skip(1).peekable();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                *input = &input[i + 1..];
                return Ok(Tok::Str(out));
            }
            '\n' => break,
            '\\' => {
                let esc_pos = start + i;
                let bad = |what: String| SyntaxError {
                    pos: esc_pos,
                    message: what,
                };
                match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, 'b')) => out.push('\u{8}'),
                    Some((_, 'f')) => out.push('\u{c}'),
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\'')) => out.push('\''),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, 'u')) => {
                        let mut code = 0u32;
                        for _ in 0..4 {
                            match chars.next().and_then(|(_, h)| h.to_digit(16)) {
                                Some(d) => code = code * 16 + d,
                                None => {
                                    return Err(bad(
                                        "\\u must be followed by 4 hexadecimal digits".into()
                                    ))
                                }
                            }
                        }
                        match char::from_u32(code) {
                            Some(ch) => out.push(ch),
                            None => {
                                return Err(bad(format!(
                                    "\\u{code:04x} is half of a surrogate pair, which this \
                                     language cannot hold"
                                )))
                            }
                        }
                    }
                    Some((_, other)) => {
                        return Err(bad(format!(
                            "invalid escape '\\{other}' in a string (write \"\\\\{other}\" for a \
                             backslash followed by '{other}')"
                        )))
                    }
                    None => break,
                }
            }
            c => out.push(c),
        }
    }
    Err(SyntaxError {
        pos: start,
        message: "this string has no closing '\"'".into(),
    })
}

/// `'c'`, with the same escapes as strings.
fn char_literal(input: &mut &str) -> Result<Tok, String> {
    let mut chars = input.char_indices().skip(1);
    let c = match chars.next() {
        Some((_, '\\')) => match chars.next() {
            Some((_, 'n')) => '\n',
            Some((_, 't')) => '\t',
            Some((_, 'r')) => '\r',
            Some((_, '\'')) => '\'',
            Some((_, '"')) => '"',
            Some((_, '\\')) => '\\',
            _ => return Err("invalid character literal".into()),
        },
        Some((_, '\'')) | None => return Err("invalid character literal".into()),
        Some((_, c)) => c,
    };
    match chars.next() {
        Some((i, '\'')) => {
            *input = &input[i + 1..];
            Ok(Tok::Char(c))
        }
        _ => Err("a character literal holds one character; use \"…\" for a string".into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    /// `a -> b`, Scala's pair syntax.
    Arrow,
}

impl BinOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "&&",
            BinOp::Or => "||",
            BinOp::Arrow => "->",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnOp {
    Neg,
    Not,
}

/// An expression; `pos` is the byte offset where it starts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub pos: usize,
    pub depth: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ExprKind {
    /// Digits of an integer literal, negated when written `-123`.
    Int {
        digits: String,
        neg: bool,
    },
    Double(f64),
    Str(String),
    Char(char),
    Bool(bool),
    Name(String),
    /// The `index`-th `_` (0-based, in source order).
    Placeholder(usize),
    Tuple(Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary {
        op: BinOp,
        op_pos: usize,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `recv.name` or `recv.name(args)`.
    Member {
        recv: Box<Expr>,
        name: String,
        name_pos: usize,
        args: Option<Vec<Expr>>,
    },
    /// `callee(args)`: `Some(x)`, `List(a, b)`, `xs(0)`.
    Apply {
        callee: Box<Expr>,
        args: Vec<Expr>,
        paren_pos: usize,
    },
    /// `{ val x = e; stmt; …; result }`: statements, then the block's value.
    Block(Vec<Stmt>, Box<Expr>),
    /// `()`, the value of `Unit`: only where an `if` statement has no `else`.
    Unit,
}

/// A statement of a block, before its result.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Stmt {
    /// `val name[: Type] = value`, visible to the rest of the block.
    Val {
        name: String,
        ann: Option<TypeAnn>,
        value: Expr,
    },
    /// An expression run for its effect (`state.update(sum)`), its value dropped.
    Expr(Expr),
}

impl Stmt {
    fn depth(&self) -> u32 {
        match self {
            Stmt::Val { value, .. } => value.depth,
            Stmt::Expr(e) => e.depth,
        }
    }
}

impl Expr {
    fn new(kind: ExprKind, pos: usize) -> Expr {
        let child_depth = match &kind {
            ExprKind::Tuple(items) => items.iter().map(|e| e.depth).max().unwrap_or(0),
            ExprKind::Unary(_, e) => e.depth,
            ExprKind::Binary { lhs, rhs, .. } => lhs.depth.max(rhs.depth),
            ExprKind::If(c, a, b) => c.depth.max(a.depth).max(b.depth),
            ExprKind::Member { recv, args, .. } => args
                .iter()
                .flatten()
                .map(|e| e.depth)
                .fold(recv.depth, u32::max),
            ExprKind::Apply { callee, args, .. } => {
                args.iter().map(|e| e.depth).fold(callee.depth, u32::max)
            }
            ExprKind::Block(stmts, result) => {
                stmts.iter().map(Stmt::depth).fold(result.depth, u32::max)
            }
            _ => 0,
        };
        Expr {
            kind,
            pos,
            depth: child_depth + 1,
        }
    }
}

/// A type written on a parameter: `Int`, `List[String]`, `(String, Int)`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TypeAnn {
    Named {
        name: String,
        args: Vec<TypeAnn>,
        pos: usize,
    },
    Tuple(Vec<TypeAnn>),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Param {
    /// `_` for an ignored parameter.
    pub name: String,
    pub pos: usize,
    pub ann: Option<TypeAnn>,
}

/// A whole lambda: named parameters and a body, or a body with `_` placeholders.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LambdaAst {
    pub params: Option<Vec<Param>>,
    pub body: Expr,
    /// How many `_` placeholders the body holds.
    pub placeholders: usize,
}

// ---------------------------------------------------------------------------------------------
// Parser

#[derive(Debug, Default)]
pub(crate) struct State {
    nesting: Cell<u32>,
    placeholders: Cell<usize>,
    /// Inside a block's statements (and not inside parentheses there): a line break ends an
    /// expression before an operator or `(` on the next line, as Scala reads it.
    lines: Cell<bool>,
}

type Input<'i> = Stateful<TokenSlice<'i, Token>, &'i State>;
type PResult<T> = ModalResult<T>;

fn expected(what: &'static str) -> StrContext {
    StrContext::Expected(StrContextValue::Description(what))
}

/// A non-backtracking error with a full message of its own.
fn fatal<T>(message: &'static str) -> PResult<T> {
    let mut e = ContextError::new();
    e.push(StrContext::Label(message));
    Err(ErrMode::Cut(e))
}

fn peek<'i>(i: &Input<'i>) -> &'i Tok {
    match i.input.peek_token() {
        Some(t) => &t.kind,
        None => &Tok::Eof,
    }
}

fn peek_pos(i: &Input<'_>) -> usize {
    i.input.peek_token().map_or(usize::MAX, |t| t.pos)
}

/// Consumes one token of `kind` (compared without payload for payload-free kinds).
fn token<'i>(
    kind: Tok,
    what: &'static str,
) -> impl Parser<Input<'i>, &'i Token, ErrMode<ContextError>> {
    any.verify(move |t: &&Token| t.kind == kind)
        .context(expected(what))
}

fn ident<'i>(i: &mut Input<'i>) -> PResult<(String, usize)> {
    any.verify_map(|t: &Token| match &t.kind {
        Tok::Ident(n) => Some((n.clone(), t.pos)),
        _ => None,
    })
    .parse_next(i)
}

fn checked(e: Expr) -> PResult<Expr> {
    if e.depth > MAX_DEPTH {
        fatal("this lambda is nested too deeply to evaluate; split it into smaller steps")
    } else {
        Ok(e)
    }
}

/// Runs `f` with line breaks ending statements (`on`) or ignored (inside parentheses).
fn lines<'i, T>(
    i: &mut Input<'i>,
    on: bool,
    f: impl FnOnce(&mut Input<'i>) -> PResult<T>,
) -> PResult<T> {
    let saved = i.state.lines.replace(on);
    let r = f(i);
    i.state.lines.set(saved);
    r
}

/// Does a line break before the next token end the expression here?
fn line_ends(i: &Input<'_>) -> bool {
    i.state.lines.get() && i.input.peek_token().is_some_and(|t| t.newline)
}

/// Runs `f` one nesting level deeper, failing past [`MAX_NESTING`].
fn nested<'i, T>(i: &mut Input<'i>, f: impl FnOnce(&mut Input<'i>) -> PResult<T>) -> PResult<T> {
    let depth = i.state.nesting.get();
    if depth >= MAX_NESTING {
        return fatal("this lambda is nested too deeply; split it into smaller steps");
    }
    i.state.nesting.set(depth + 1);
    let r = f(i);
    i.state.nesting.set(depth);
    r
}

fn lambda(i: &mut Input<'_>) -> PResult<LambdaAst> {
    let params = opt(terminated(param_list, token(Tok::FatArrow, "'=>'"))).parse_next(i)?;
    let body = cut_err(expr).parse_next(i)?;
    cut_err(token(Tok::Eof, "the end of the lambda")).parse_next(i)?;
    Ok(LambdaAst {
        params,
        body,
        placeholders: i.state.placeholders.get(),
    })
}

/// `x`, `(x)`, `(x, y)`, `(x: Int, y: List[String])`, `()`; backtracks if not a list.
fn param_list(i: &mut Input<'_>) -> PResult<Vec<Param>> {
    if matches!(peek(i), Tok::LParen) {
        token(Tok::LParen, "'('").parse_next(i)?;
        let mut params = Vec::new();
        if !matches!(peek(i), Tok::RParen) {
            loop {
                params.push(param(i, true)?);
                if matches!(peek(i), Tok::Comma) {
                    token(Tok::Comma, "','").parse_next(i)?;
                } else {
                    break;
                }
            }
        }
        token(Tok::RParen, "')'").parse_next(i)?;
        Ok(params)
    } else {
        Ok(vec![param(i, false)?])
    }
}

fn param(i: &mut Input<'_>, typed: bool) -> PResult<Param> {
    let pos = peek_pos(i);
    let name = match peek(i) {
        Tok::Underscore => {
            token(Tok::Underscore, "'_'").parse_next(i)?;
            "_".to_string()
        }
        _ => ident.context(expected("a parameter name")).parse_next(i)?.0,
    };
    let ann = if typed && matches!(peek(i), Tok::Colon) {
        token(Tok::Colon, "':'").parse_next(i)?;
        Some(type_ann(i)?)
    } else {
        None
    };
    Ok(Param { name, pos, ann })
}

fn type_ann(i: &mut Input<'_>) -> PResult<TypeAnn> {
    nested(i, |i| {
        if matches!(peek(i), Tok::LParen) {
            token(Tok::LParen, "'('").parse_next(i)?;
            let mut items = vec![type_ann(i)?];
            while matches!(peek(i), Tok::Comma) {
                token(Tok::Comma, "','").parse_next(i)?;
                items.push(type_ann(i)?);
            }
            token(Tok::RParen, "')'").parse_next(i)?;
            return Ok(if items.len() == 1 {
                items.pop().unwrap_or(TypeAnn::Tuple(Vec::new()))
            } else {
                TypeAnn::Tuple(items)
            });
        }
        let (name, pos) = ident.context(expected("a type")).parse_next(i)?;
        let mut args = Vec::new();
        if matches!(peek(i), Tok::LBracket) {
            token(Tok::LBracket, "'['").parse_next(i)?;
            args.push(type_ann(i)?);
            while matches!(peek(i), Tok::Comma) {
                token(Tok::Comma, "','").parse_next(i)?;
                args.push(type_ann(i)?);
            }
            token(Tok::RBracket, "']'").parse_next(i)?;
        }
        Ok(TypeAnn::Named { name, args, pos })
    })
}

fn expr(i: &mut Input<'_>) -> PResult<Expr> {
    nested(i, |i| {
        if matches!(peek(i), Tok::If) {
            if_expr(i)
        } else {
            binary(i, 0)
        }
    })
}

fn if_expr(i: &mut Input<'_>) -> PResult<Expr> {
    if_else(i, false)
}

/// `if (c) a else b`; as a block's statement (`optional_else`), `if (c) a` alone is
/// `if (c) { a; () } else ()`, as Scala reads it.
fn if_else(i: &mut Input<'_>, optional_else: bool) -> PResult<Expr> {
    let pos = token(Tok::If, "'if'").parse_next(i)?.pos;
    cut_err(token(Tok::LParen, "'(' after 'if'")).parse_next(i)?;
    let cond = lines(i, false, |i| cut_err(expr).parse_next(i))?;
    cut_err(token(Tok::RParen, "')'")).parse_next(i)?;
    let then = cut_err(expr).parse_next(i)?;
    if optional_else && !matches!(peek(i), Tok::Else) {
        let unit = |at| Expr::new(ExprKind::Unit, at);
        let at = then.pos;
        let then = Expr::new(
            ExprKind::Block(vec![Stmt::Expr(then)], Box::new(unit(at))),
            at,
        );
        return checked(Expr::new(
            ExprKind::If(Box::new(cond), Box::new(then), Box::new(unit(pos))),
            pos,
        ));
    }
    cut_err(token(Tok::Else, "'else' (every 'if' here needs an 'else')")).parse_next(i)?;
    let els = cut_err(expr).parse_next(i)?;
    checked(Expr::new(
        ExprKind::If(Box::new(cond), Box::new(then), Box::new(els)),
        pos,
    ))
}

/// Binary operators by Scala's precedence, loosest first.
const LEVELS: &[&[BinOp]] = &[
    &[BinOp::Or],
    &[BinOp::And],
    &[BinOp::Eq, BinOp::Ne],
    &[BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge],
    &[BinOp::Add, BinOp::Sub, BinOp::Arrow],
    &[BinOp::Mul, BinOp::Div, BinOp::Rem],
];

fn binary(i: &mut Input<'_>, level: usize) -> PResult<Expr> {
    let Some(ops) = LEVELS.get(level) else {
        return unary(i);
    };
    let mut lhs = binary(i, level + 1)?;
    loop {
        if line_ends(i) {
            break;
        }
        let op = match peek(i) {
            Tok::Op(op) if ops.contains(op) => *op,
            Tok::Minus if ops.contains(&BinOp::Sub) => BinOp::Sub,
            _ => break,
        };
        let op_pos = any.parse_next(i).map(|t: &Token| t.pos)?;
        // `if` may stand as the right operand (`a + if (c) 1 else 2`).
        let rhs = if matches!(peek(i), Tok::If) {
            cut_err(expr).parse_next(i)?
        } else {
            cut_err(|i: &mut Input<'_>| binary(i, level + 1))
                .context(expected("an expression"))
                .parse_next(i)?
        };
        let pos = lhs.pos;
        lhs = checked(Expr::new(
            ExprKind::Binary {
                op,
                op_pos,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            pos,
        ))?;
    }
    Ok(lhs)
}

fn unary(i: &mut Input<'_>) -> PResult<Expr> {
    let mut ops = Vec::new();
    loop {
        match peek(i) {
            // `-1` right before a number is a negative literal (Scala's rule), so that
            // `-1.toString` is "-1" and -9223372036854775808 is in range.
            Tok::Minus if negative_literal_ahead(i) => break,
            Tok::Minus => ops.push((UnOp::Neg, peek_pos(i))),
            Tok::Bang => ops.push((UnOp::Not, peek_pos(i))),
            _ => break,
        }
        any.parse_next(i)?;
    }
    let mut e = if ops.is_empty() {
        postfix(i)?
    } else {
        cut_err(postfix).parse_next(i)?
    };
    while let Some((op, pos)) = ops.pop() {
        e = checked(Expr::new(ExprKind::Unary(op, Box::new(e)), pos))?;
    }
    Ok(e)
}

/// Is the next token a `-` written right against a number?
fn negative_literal_ahead(i: &Input<'_>) -> bool {
    let tokens: &[Token] = &i.input;
    match (tokens.first(), tokens.get(1)) {
        (Some(minus), Some(num)) => {
            matches!(minus.kind, Tok::Minus)
                && matches!(num.kind, Tok::Int(_) | Tok::Double(_))
                && num.pos == minus.pos + 1
        }
        _ => false,
    }
}

fn args(i: &mut Input<'_>) -> PResult<Vec<Expr>> {
    lines(i, false, args_inside)
}

fn args_inside(i: &mut Input<'_>) -> PResult<Vec<Expr>> {
    token(Tok::LParen, "'('").parse_next(i)?;
    let mut out = Vec::new();
    if !matches!(peek(i), Tok::RParen) {
        loop {
            out.push(cut_err(expr).parse_next(i)?);
            if matches!(peek(i), Tok::Comma) {
                token(Tok::Comma, "','").parse_next(i)?;
            } else {
                break;
            }
        }
    }
    cut_err(token(Tok::RParen, "',' or ')'")).parse_next(i)?;
    Ok(out)
}

fn postfix(i: &mut Input<'_>) -> PResult<Expr> {
    let mut e = primary(i)?;
    loop {
        match peek(i) {
            Tok::Dot => {
                token(Tok::Dot, "'.'").parse_next(i)?;
                let (name, name_pos) = cut_err(ident)
                    .context(expected("a method name after '.'"))
                    .parse_next(i)?;
                let call_args = if matches!(peek(i), Tok::LParen) {
                    Some(args(i)?)
                } else {
                    None
                };
                let pos = e.pos;
                e = checked(Expr::new(
                    ExprKind::Member {
                        recv: Box::new(e),
                        name,
                        name_pos,
                        args: call_args,
                    },
                    pos,
                ))?;
            }
            Tok::LParen if !line_ends(i) => {
                let paren_pos = peek_pos(i);
                let a = args(i)?;
                let pos = e.pos;
                e = checked(Expr::new(
                    ExprKind::Apply {
                        callee: Box::new(e),
                        args: a,
                        paren_pos,
                    },
                    pos,
                ))?;
            }
            _ => break,
        }
    }
    Ok(e)
}

fn primary(i: &mut Input<'_>) -> PResult<Expr> {
    let pos = peek_pos(i);
    if negative_literal_ahead(i) {
        any.parse_next(i)?;
        let kind = match peek(i).clone() {
            Tok::Int(digits) => ExprKind::Int { digits, neg: true },
            Tok::Double(d) => ExprKind::Double(-d),
            _ => return fatal("expected a number after '-'"),
        };
        any.parse_next(i)?;
        return Ok(Expr::new(kind, pos));
    }
    let kind = match peek(i).clone() {
        Tok::Int(digits) => ExprKind::Int { digits, neg: false },
        Tok::Double(d) => ExprKind::Double(d),
        Tok::Str(s) => ExprKind::Str(s),
        Tok::Char(c) => ExprKind::Char(c),
        Tok::True => ExprKind::Bool(true),
        Tok::False => ExprKind::Bool(false),
        Tok::Ident(n) => ExprKind::Name(n),
        Tok::Underscore => {
            let n = i.state.placeholders.get();
            i.state.placeholders.set(n + 1);
            ExprKind::Placeholder(n)
        }
        Tok::If => return if_expr(i),
        Tok::LBrace => return block(i),
        Tok::LParen => {
            return nested(i, |i| {
                lines(i, false, |i| {
                    token(Tok::LParen, "'('").parse_next(i)?;
                    if matches!(peek(i), Tok::RParen) {
                        return fatal("'()' is not a value here; write an expression inside");
                    }
                    let mut items = vec![cut_err(expr).parse_next(i)?];
                    while matches!(peek(i), Tok::Comma) {
                        token(Tok::Comma, "','").parse_next(i)?;
                        items.push(cut_err(expr).parse_next(i)?);
                    }
                    cut_err(token(Tok::RParen, "',' or ')'")).parse_next(i)?;
                    if items.len() == 1 {
                        Ok(items
                            .pop()
                            .unwrap_or_else(|| Expr::new(ExprKind::Bool(false), pos)))
                    } else {
                        checked(Expr::new(ExprKind::Tuple(items), pos))
                    }
                })
            });
        }
        _ => {
            let mut e = ContextError::new();
            e.push(expected("an expression"));
            return Err(ErrMode::Backtrack(e));
        }
    };
    any.parse_next(i)?;
    Ok(Expr::new(kind, pos))
}

/// `{ stmt (; or a line break) … result }`.
fn block(i: &mut Input<'_>) -> PResult<Expr> {
    nested(i, |i| {
        let pos = token(Tok::LBrace, "'{'").parse_next(i)?.pos;
        lines(i, true, |i| {
            let mut stmts = Vec::new();
            loop {
                while matches!(peek(i), Tok::Semi) {
                    any.parse_next(i)?;
                }
                if matches!(peek(i), Tok::RBrace) {
                    break;
                }
                stmts.push(statement(i)?);
                match peek(i) {
                    Tok::Semi | Tok::RBrace => {}
                    _ if line_ends(i) => {}
                    _ => {
                        let mut e = ContextError::new();
                        e.push(expected("';', a new line or '}'"));
                        return Err(ErrMode::Cut(e));
                    }
                }
            }
            let result = match stmts.pop() {
                Some(Stmt::Expr(e)) => e,
                Some(Stmt::Val { .. }) => {
                    return fatal(
                        "a block ends with its value: write an expression after the last val",
                    )
                }
                None => return fatal("an empty block has no value: write an expression inside"),
            };
            cut_err(token(Tok::RBrace, "'}'")).parse_next(i)?;
            checked(Expr::new(ExprKind::Block(stmts, Box::new(result)), pos))
        })
    })
}

/// `val name[: Type] = expr`, or an expression.
fn statement(i: &mut Input<'_>) -> PResult<Stmt> {
    match peek(i) {
        Tok::Val => {
            any.parse_next(i)?;
            let (name, _) = cut_err(ident)
                .context(expected("a name after 'val'"))
                .parse_next(i)?;
            let ann = if matches!(peek(i), Tok::Colon) {
                any.parse_next(i)?;
                Some(cut_err(type_ann).parse_next(i)?)
            } else {
                None
            };
            cut_err(token(Tok::Assign, "'=' after the val's name")).parse_next(i)?;
            let value = cut_err(expr).parse_next(i)?;
            Ok(Stmt::Val { name, ann, value })
        }
        Tok::If => Ok(Stmt::Expr(nested(i, |i| if_else(i, true))?)),
        Tok::Ident(w) if w == "var" => {
            fatal("'var' is not supported: values here never change; use 'val'")
        }
        _ => Ok(Stmt::Expr(cut_err(expr).parse_next(i)?)),
    }
}

/// Parses a whole lambda.
pub(crate) fn parse(src: &str) -> Result<LambdaAst, SyntaxError> {
    let tokens = lex(src)?;
    let state = State::default();
    let input = Input {
        input: TokenSlice::new(&tokens),
        state: &state,
    };
    lambda.parse(input).map_err(|e| {
        let at = tokens
            .get(e.offset())
            .or_else(|| tokens.last())
            .cloned()
            .unwrap_or(Token {
                kind: Tok::Eof,
                pos: src.len(),
                newline: false,
            });
        SyntaxError {
            pos: at.pos,
            message: describe_error(e.inner(), &at.kind),
        }
    })
}

fn describe_error(e: &ContextError, found: &Tok) -> String {
    let mut wanted: Vec<&str> = Vec::new();
    for c in e.context() {
        match c {
            StrContext::Label(message) => return (*message).to_string(),
            StrContext::Expected(StrContextValue::Description(d)) if !wanted.contains(d) => {
                wanted.push(d)
            }
            StrContext::Expected(StrContextValue::Description(_)) => {}
            StrContext::Expected(other) => wanted.push(match other {
                StrContextValue::CharLiteral(_) | StrContextValue::StringLiteral(_) => "a symbol",
                _ => "something else",
            }),
            _ => {}
        }
    }
    let found = found.describe();
    if wanted.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", wanted.join(" or "))
    }
}

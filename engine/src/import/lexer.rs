//! Scala source text to tokens, each with its line and column, and the line comments beside
//! them (the exporter leaves node ids and the typed lambdas there). Scala 2.13's lexical rules
//! as far as a DStream program uses them; what it cannot read is an error at its position.

use super::ImportError;

/// Reserved words (Scala 2.13).
pub(crate) const KEYWORDS: &[&str] = &[
    "abstract",
    "case",
    "catch",
    "class",
    "def",
    "do",
    "else",
    "extends",
    "false",
    "final",
    "finally",
    "for",
    "forSome",
    "if",
    "implicit",
    "import",
    "lazy",
    "match",
    "new",
    "null",
    "object",
    "override",
    "package",
    "private",
    "protected",
    "return",
    "sealed",
    "super",
    "this",
    "throw",
    "trait",
    "try",
    "true",
    "type",
    "val",
    "var",
    "while",
    "with",
    "yield",
];

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// An alphanumeric identifier, or a backquoted one (without its quotes).
    Ident(String),
    /// A symbolic identifier: `+`, `::`, `+=`, `>>>`.
    Op(String),
    Kw(&'static str),
    /// An integer literal's value; `long` for an `L` suffix.
    Int {
        value: i128,
        long: bool,
    },
    Double(f64),
    Str(String),
    Char(char),
    /// An interpolated string (`s"…"`, `f"…"`, `raw"…"`): read, never evaluated.
    Interp,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Semi,
    Dot,
    Colon,
    /// `=` alone.
    Eq,
    /// `=>`.
    Arrow,
    /// `<-`.
    LArrow,
    /// `_` alone.
    Underscore,
    /// `@`, `#`, `<:`, `>:`, `<%`: only inside types and annotations here.
    TypeOp(String),
    Eof,
}

impl Tok {
    /// How a message names the token.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Op(s) => format!("`{s}`"),
            Tok::Kw(k) => format!("`{k}`"),
            Tok::Int { .. } | Tok::Double(_) => "a number".into(),
            Tok::Str(_) => "a string".into(),
            Tok::Char(_) => "a character literal".into(),
            Tok::Interp => "an interpolated string".into(),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::LBrace => "`{`".into(),
            Tok::RBrace => "`}`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Semi => "`;`".into(),
            Tok::Dot => "`.`".into(),
            Tok::Colon => "`:`".into(),
            Tok::Eq => "`=`".into(),
            Tok::Arrow => "`=>`".into(),
            Tok::LArrow => "`<-`".into(),
            Tok::Underscore => "`_`".into(),
            Tok::TypeOp(s) => format!("`{s}`"),
            Tok::Eof => "the end of the program".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub kind: Tok,
    /// Byte offsets of the token in the source.
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (in characters) of its first character.
    pub line: usize,
    pub col: usize,
    /// A line break stands between this token and the one before.
    pub nl: bool,
}

/// A `//` comment: its line and its text after the slashes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Comment {
    pub line: usize,
    pub text: String,
    /// Nothing but the comment on its line.
    pub own_line: bool,
}

#[derive(Debug)]
pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    col: usize,
    /// A token was read on the current line (for `Comment::own_line`).
    token_on_line: bool,
}

fn is_op_char(c: char) -> bool {
    matches!(
        c,
        '!' | '#'
            | '%'
            | '&'
            | '*'
            | '+'
            | '-'
            | '/'
            | ':'
            | '<'
            | '='
            | '>'
            | '?'
            | '@'
            | '\\'
            | '^'
            | '|'
            | '~'
    ) || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control())
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn is_ident_part(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
            self.token_on_line = false;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn error(&self, line: usize, col: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            line,
            column: col,
            message: message.into(),
        }
    }

    /// Whitespace and comments; true if a line break was among them.
    fn skip_trivia(&mut self, comments: &mut Vec<Comment>) -> Result<bool, ImportError> {
        let mut nl = false;
        loop {
            match self.peek() {
                Some('\n') => {
                    nl = true;
                    self.bump();
                }
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('/') if self.peek_at(1) == Some('/') => {
                    let line = self.line;
                    let own_line = !self.token_on_line;
                    self.bump();
                    self.bump();
                    let start = self.pos;
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                    comments.push(Comment {
                        line,
                        text: self.src[start..self.pos].trim_end_matches('\r').to_string(),
                        own_line,
                    });
                }
                Some('/') if self.peek_at(1) == Some('*') => {
                    let (line, col) = (self.line, self.col);
                    self.bump();
                    self.bump();
                    let mut depth = 1;
                    while depth > 0 {
                        if self.rest().starts_with("*/") {
                            self.bump();
                            self.bump();
                            depth -= 1;
                        } else if self.rest().starts_with("/*") {
                            self.bump();
                            self.bump();
                            depth += 1;
                        } else {
                            match self.bump() {
                                Some('\n') => nl = true,
                                Some(_) => {}
                                None => {
                                    return Err(self.error(
                                        line,
                                        col,
                                        "a comment `/*` without its closing `*/`",
                                    ))
                                }
                            }
                        }
                    }
                }
                _ => return Ok(nl),
            }
        }
    }

    fn number(&mut self, line: usize, col: usize) -> Result<Tok, ImportError> {
        let bad = |l: &Lexer, m: &str| l.error(line, col, m.to_string());
        if self.rest().starts_with("0x") || self.rest().starts_with("0X") {
            self.bump();
            self.bump();
            let mut digits = String::new();
            while let Some(c) = self.peek() {
                if c.is_ascii_hexdigit() {
                    digits.push(c);
                } else if c != '_' {
                    break;
                }
                self.bump();
            }
            let long = matches!(self.peek(), Some('L' | 'l'));
            if long {
                self.bump();
            }
            let v = u64::from_str_radix(&digits, 16)
                .map_err(|_| bad(self, "a hexadecimal number too large for a Long"))?;
            let value = if long {
                v as i64 as i128
            } else if v <= u32::MAX as u64 {
                v as u32 as i32 as i128
            } else {
                return Err(bad(self, "a hexadecimal number too large for an Int"));
            };
            return Ok(Tok::Int { value, long });
        }
        let mut text = String::new();
        let mut is_double = false;
        let digits = |l: &mut Lexer, text: &mut String| {
            while let Some(c) = l.peek() {
                if c.is_ascii_digit() {
                    text.push(c);
                } else if c != '_' {
                    break;
                }
                l.bump();
            }
        };
        digits(self, &mut text);
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            is_double = true;
            text.push('.');
            self.bump();
            digits(self, &mut text);
        }
        if matches!(self.peek(), Some('e' | 'E'))
            && (self.peek_at(1).is_some_and(|c| c.is_ascii_digit())
                || (matches!(self.peek_at(1), Some('+' | '-'))
                    && self.peek_at(2).is_some_and(|c| c.is_ascii_digit())))
        {
            is_double = true;
            text.push('e');
            self.bump();
            if let Some(s @ ('+' | '-')) = self.peek() {
                text.push(s);
                self.bump();
            }
            digits(self, &mut text);
        }
        match self.peek() {
            Some('L' | 'l') if !is_double => {
                self.bump();
                let value = text
                    .parse::<i128>()
                    .map_err(|_| bad(self, "a number too large"))?;
                Ok(Tok::Int { value, long: true })
            }
            Some('d' | 'D' | 'f' | 'F') => {
                self.bump();
                let v: f64 = text.parse().map_err(|_| bad(self, "a malformed number"))?;
                Ok(Tok::Double(v))
            }
            _ if is_double => {
                let v: f64 = text.parse().map_err(|_| bad(self, "a malformed number"))?;
                if !v.is_finite() {
                    return Err(bad(self, "a number too large for a Double"));
                }
                Ok(Tok::Double(v))
            }
            _ => {
                let value = text
                    .parse::<i128>()
                    .map_err(|_| bad(self, "a number too large"))?;
                Ok(Tok::Int { value, long: false })
            }
        }
    }

    /// One escape after a `\` inside a string or character literal.
    fn escape(&mut self, line: usize, col: usize) -> Result<char, ImportError> {
        let (el, ec) = (self.line, self.col);
        self.bump();
        let c = self
            .bump()
            .ok_or_else(|| self.error(line, col, "a string without its closing quote"))?;
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            '"' => '"',
            '\'' => '\'',
            '\\' => '\\',
            'u' => {
                while self.peek() == Some('u') {
                    self.bump();
                }
                let mut code = 0u32;
                for _ in 0..4 {
                    match self.peek().and_then(|h| h.to_digit(16)) {
                        Some(d) => {
                            code = code * 16 + d;
                            self.bump();
                        }
                        None => {
                            return Err(self.error(
                                el,
                                ec,
                                "`\\u` must be followed by 4 hexadecimal digits",
                            ))
                        }
                    }
                }
                // A surrogate pair: two escapes make one character.
                if (0xD800..0xDC00).contains(&code) && self.rest().starts_with("\\u") {
                    let save = (self.pos, self.line, self.col);
                    self.bump();
                    self.bump();
                    let hex: String = self.rest().chars().take(4).collect();
                    if let Ok(low) = u32::from_str_radix(&hex, 16) {
                        if hex.len() == 4 && (0xDC00..0xE000).contains(&low) {
                            for _ in 0..4 {
                                self.bump();
                            }
                            let c = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            return char::from_u32(c)
                                .ok_or_else(|| self.error(el, ec, "an invalid surrogate pair"));
                        }
                    }
                    (self.pos, self.line, self.col) = save;
                }
                char::from_u32(code).ok_or_else(|| {
                    self.error(
                        el,
                        ec,
                        format!("`\\u{code:04x}` is half of a surrogate pair"),
                    )
                })?
            }
            other => {
                return Err(self.error(
                    el,
                    ec,
                    format!("an invalid escape `\\{other}` in a string"),
                ))
            }
        })
    }

    fn string(&mut self, line: usize, col: usize) -> Result<Tok, ImportError> {
        if self.rest().starts_with("\"\"\"") {
            for _ in 0..3 {
                self.bump();
            }
            let start = self.pos;
            loop {
                if self.rest().starts_with("\"\"\"") {
                    // The closing quotes are the last three of a run of quotes.
                    while self.rest().starts_with("\"\"\"\"") {
                        self.bump();
                    }
                    let text = self.src[start..self.pos].to_string();
                    for _ in 0..3 {
                        self.bump();
                    }
                    return Ok(Tok::Str(text));
                }
                if self.bump().is_none() {
                    return Err(self.error(
                        line,
                        col,
                        "a string `\"\"\"` without its closing `\"\"\"`",
                    ));
                }
            }
        }
        self.bump();
        let mut out = String::new();
        loop {
            match self.peek() {
                Some('"') => {
                    self.bump();
                    return Ok(Tok::Str(out));
                }
                Some('\\') => out.push(self.escape(line, col)?),
                Some('\n') | None => {
                    return Err(self.error(line, col, "a string without its closing quote"))
                }
                Some(c) => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }

    /// `s"…"`, `s"""…"""` with `$x` and `${…}`: skipped, never evaluated.
    fn interpolated(&mut self, line: usize, col: usize) -> Result<Tok, ImportError> {
        let triple = self.rest().starts_with("\"\"\"");
        let unclosed = |l: &Lexer| {
            l.error(
                line,
                col,
                "an interpolated string without its closing quote",
            )
        };
        for _ in 0..if triple { 3 } else { 1 } {
            self.bump();
        }
        loop {
            if triple && self.rest().starts_with("\"\"\"") {
                while self.rest().starts_with("\"\"\"\"") {
                    self.bump();
                }
                for _ in 0..3 {
                    self.bump();
                }
                return Ok(Tok::Interp);
            }
            match self.peek() {
                Some('"') if !triple => {
                    self.bump();
                    return Ok(Tok::Interp);
                }
                Some('\\') if !triple => {
                    self.bump();
                    self.bump();
                }
                Some('$') if self.peek_at(1) == Some('{') => {
                    self.bump();
                    self.bump();
                    let mut depth = 1;
                    while depth > 0 {
                        match self.peek() {
                            Some('{') => depth += 1,
                            Some('}') => depth -= 1,
                            Some('"') => {
                                // A string inside the expression.
                                let (l, c) = (self.line, self.col);
                                self.string(l, c)?;
                                continue;
                            }
                            None => return Err(unclosed(self)),
                            _ => {}
                        }
                        self.bump();
                    }
                }
                Some('\n') if !triple => return Err(unclosed(self)),
                None => return Err(unclosed(self)),
                _ => {
                    self.bump();
                }
            }
        }
    }

    fn char_or_symbol(&mut self, line: usize, col: usize) -> Result<Tok, ImportError> {
        // 'x', '\n', '\u0041'; 'name is a symbol literal.
        if self.peek_at(1) == Some('\\') {
            self.bump();
            let c = self.escape(line, col)?;
            if self.peek() != Some('\'') {
                return Err(self.error(line, col, "a character literal without its closing `'`"));
            }
            self.bump();
            return Ok(Tok::Char(c));
        }
        match (self.peek_at(1), self.peek_at(2)) {
            (Some(c), Some('\'')) if c != '\n' => {
                self.bump();
                self.bump();
                self.bump();
                Ok(Tok::Char(c))
            }
            (Some(c), _) if is_ident_start(c) => Err(self.error(line, col, "a symbol literal")),
            _ => Err(self.error(line, col, "a character literal without its closing `'`")),
        }
    }

    fn token(&mut self, line: usize, col: usize) -> Result<Tok, ImportError> {
        let Some(c) = self.peek() else {
            return Ok(Tok::Eof);
        };
        let single = |l: &mut Lexer, t: Tok| {
            l.bump();
            Ok(t)
        };
        match c {
            '(' => single(self, Tok::LParen),
            ')' => single(self, Tok::RParen),
            '[' => single(self, Tok::LBracket),
            ']' => single(self, Tok::RBracket),
            '{' => single(self, Tok::LBrace),
            '}' => single(self, Tok::RBrace),
            ',' => single(self, Tok::Comma),
            ';' => single(self, Tok::Semi),
            '.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number(line, col),
            '.' => single(self, Tok::Dot),
            '0'..='9' => self.number(line, col),
            '"' => self.string(line, col),
            '\'' => self.char_or_symbol(line, col),
            '`' => {
                self.bump();
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if c == '`' || c == '\n' {
                        break;
                    }
                    self.bump();
                }
                if self.peek() != Some('`') || self.pos == start {
                    return Err(self.error(line, col, "a backquoted name without its closing `"));
                }
                let name = self.src[start..self.pos].to_string();
                self.bump();
                Ok(Tok::Ident(name))
            }
            c if is_ident_start(c) => {
                let start = self.pos;
                while self.peek().is_some_and(is_ident_part) {
                    self.bump();
                }
                // `unary_-`, `x_=`: an underscore followed by operator characters.
                if self.src[start..self.pos].ends_with('_') && self.peek().is_some_and(is_op_char) {
                    while self.peek().is_some_and(is_op_char) {
                        self.bump();
                    }
                }
                let word = &self.src[start..self.pos];
                if self.peek() == Some('"') {
                    return self.interpolated(line, col);
                }
                Ok(match word {
                    "_" => Tok::Underscore,
                    w => match KEYWORDS.iter().find(|k| **k == w) {
                        Some(k) => Tok::Kw(k),
                        None => Tok::Ident(w.to_string()),
                    },
                })
            }
            c if is_op_char(c) => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    // `//` and `/*` start a comment even right after an operator.
                    if c == '/' && matches!(self.peek_at(1), Some('/' | '*')) && self.pos > start {
                        break;
                    }
                    if !is_op_char(c) {
                        break;
                    }
                    self.bump();
                }
                let op = &self.src[start..self.pos];
                Ok(match op {
                    "=" => Tok::Eq,
                    "=>" | "\u{21d2}" => Tok::Arrow,
                    "<-" | "\u{2190}" => Tok::LArrow,
                    ":" => Tok::Colon,
                    o @ ("@" | "#" | "<:" | ">:" | "<%") => Tok::TypeOp(o.to_string()),
                    o => Tok::Op(o.to_string()),
                })
            }
            c => Err(self.error(
                line,
                col,
                format!("a character Scala does not allow here: {:?}", c),
            )),
        }
    }
}

/// The tokens of `src`, ending with [`Tok::Eof`], and its `//` comments.
pub(crate) fn lex(src: &str) -> Result<Lexed, ImportError> {
    let mut l = Lexer {
        src,
        pos: 0,
        line: 1,
        col: 1,
        token_on_line: false,
    };
    let mut tokens = Vec::new();
    let mut comments = Vec::new();
    if src.starts_with('\u{feff}') {
        l.pos = '\u{feff}'.len_utf8();
    }
    loop {
        let nl = l.skip_trivia(&mut comments)?;
        let (start, line, col) = (l.pos, l.line, l.col);
        let kind = l.token(line, col)?;
        l.token_on_line = true;
        let eof = kind == Tok::Eof;
        tokens.push(Token {
            kind,
            start,
            end: l.pos,
            line,
            col,
            nl: nl || tokens.is_empty(),
        });
        if eof {
            return Ok(Lexed { tokens, comments });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src)
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn tokens_of_a_dstream_line() {
        assert_eq!(
            kinds("val w = lines.flatMap(_.split(\" \")) // words"),
            vec![
                Tok::Kw("val"),
                Tok::Ident("w".into()),
                Tok::Eq,
                Tok::Ident("lines".into()),
                Tok::Dot,
                Tok::Ident("flatMap".into()),
                Tok::LParen,
                Tok::Underscore,
                Tok::Dot,
                Tok::Ident("split".into()),
                Tok::LParen,
                Tok::Str(" ".into()),
                Tok::RParen,
                Tok::RParen,
                Tok::Eof
            ]
        );
        assert_eq!(
            kinds("0x9E3779B97F4A7C15L 1_000 2.5e3 1L 'c' x += 1"),
            vec![
                Tok::Int {
                    value: 0x9E3779B97F4A7C15u64 as i64 as i128,
                    long: true
                },
                Tok::Int {
                    value: 1000,
                    long: false
                },
                Tok::Double(2500.0),
                Tok::Int {
                    value: 1,
                    long: true
                },
                Tok::Char('c'),
                Tok::Ident("x".into()),
                Tok::Op("+=".into()),
                Tok::Int {
                    value: 1,
                    long: false
                },
                Tok::Eof
            ]
        );
    }

    #[test]
    fn strings_escapes_and_comments() {
        assert_eq!(
            kinds(r#""a\"\\\u00e9\ud83d\ude00" """raw\n"""" s"x ${y + "}"} $z""#),
            vec![
                Tok::Str("a\"\\é😀".into()),
                Tok::Str("raw\\n\"".into()),
                Tok::Interp,
                Tok::Eof
            ]
        );
        let l = lex("a /* x /* nested */ y */ b\n// own\nc // trailing").unwrap();
        assert_eq!(l.tokens.len(), 4);
        assert!(l.tokens[2].nl && !l.tokens[1].nl);
        assert_eq!((l.tokens[2].line, l.tokens[2].col), (3, 1));
        assert_eq!(l.comments.len(), 2);
        assert!(l.comments[0].own_line && !l.comments[1].own_line);
        assert_eq!(l.comments[0].text, " own");
    }

    #[test]
    fn what_it_cannot_read_is_named_where_it_is() {
        for (src, at, what) in [
            ("val s = \"open", (1, 9), "closing quote"),
            ("x\n  /* never closed", (2, 3), "`*/`"),
            ("'sym", (1, 1), "symbol literal"),
            ("\"\\q\"", (1, 2), "invalid escape"),
            (
                "val x = 99999999999999999999999999999999999999999",
                (1, 9),
                "too large",
            ),
            ("a \u{0} b", (1, 3), "does not allow"),
        ] {
            let e = lex(src).unwrap_err();
            assert_eq!((e.line, e.column), at, "{src}: {e}");
            assert!(e.message.contains(what), "{src}: {e}");
        }
    }
}

//! Escaping and layout shared by the exporters: string literals and comments that no
//! pipeline text can break out of, and a line writer that records each node's lines.

use super::NodeLines;

/// A Python string literal of `s`: `\`, `"` and every character that is not printable ASCII
/// escaped, so it is one line whatever `s` holds.
pub(crate) fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A Scala (and Java) string literal of `s`: `\`, `"` and every character that is not
/// printable ASCII escaped (`\uXXXX`, surrogate pairs beyond U+FFFF).
pub(crate) fn scala_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
        }
    }
    out.push('"');
    out
}

/// Free text (a name, a description) for a line comment: control characters and line
/// separators become `\n`-style escapes, so the comment ends where the exporter ends it.
/// Backslashes are doubled so the escapes read back unambiguously.
pub(crate) fn comment_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Reads back [`comment_text`].
pub(crate) fn uncomment_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Lines of a program being written, with the lines each node's code took.
#[derive(Default)]
pub(crate) struct Out {
    pub lines: Vec<String>,
    pub nodes: Vec<NodeLines>,
    open: Option<(String, usize)>,
}

impl Out {
    pub fn line(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }

    /// Appends `body`'s lines, its nodes' line ranges moved to where they now stand.
    pub fn append(&mut self, body: &Out) {
        let offset = self.lines.len();
        self.lines.extend(body.lines.iter().cloned());
        self.nodes.extend(body.nodes.iter().map(|n| {
            NodeLines {
                node: n.node.clone(),
                ranges: n
                    .ranges
                    .iter()
                    .map(|(a, b)| (a + offset, b + offset))
                    .collect(),
            }
        }));
    }

    /// Every line of `text`, each with `indent` before it.
    pub fn lines_of(&mut self, indent: &str, text: &str) {
        for l in text.lines() {
            if l.is_empty() {
                self.lines.push(String::new());
            } else {
                self.lines.push(format!("{indent}{l}"));
            }
        }
    }

    /// The lines written until [`Out::end_node`] are `id`'s.
    pub fn begin_node(&mut self, id: &str) {
        self.open = Some((id.to_string(), self.lines.len() + 1));
    }

    pub fn end_node(&mut self) {
        if let Some((id, first)) = self.open.take() {
            let last = self.lines.len().max(first);
            match self.nodes.iter_mut().find(|n| n.node == id) {
                Some(n) => n.ranges.push((first, last)),
                None => self.nodes.push(NodeLines {
                    node: id,
                    ranges: vec![(first, last)],
                }),
            }
        }
    }

    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_comments_stay_on_one_line() {
        let nasty = "a\"b\\c\n*/ \"\"\" \r\u{2028}é😀'";
        for lit in [py_str(nasty), scala_str(nasty)] {
            assert!(!lit.contains('\n') && !lit.contains('\r'), "{lit}");
            assert!(lit.is_ascii(), "{lit}");
        }
        assert_eq!(py_str("a\"b\\"), r#""a\"b\\""#);
        assert_eq!(scala_str("😀"), r#""\ud83d\ude00""#);
        let c = comment_text(nasty);
        assert!(!c.contains('\n') && !c.contains('\r') && !c.contains('\u{2028}'));
        assert_eq!(uncomment_text(&c), nasty);
    }
}

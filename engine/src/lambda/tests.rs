//! Unit tests of the stages' internals; the language as a whole is tested through the public
//! contract in `engine/tests/lambda_*.rs`.

use std::rc::Rc;

use super::runtime::{
    fast_split_char, java_regex, parse_double, parse_long, split, Pieces, Splitter,
};
use super::syntax::{lex, parse, ExprKind, Tok};
use super::*;
use crate::types::Type;
use crate::value::Value;

#[test]
fn tokens_carry_byte_positions() {
    let toks = lex("x => x.split(\"a b\") >= -1.5").unwrap();
    let kinds: Vec<(usize, &Tok)> = toks.iter().map(|t| (t.pos, &t.kind)).collect();
    assert_eq!(kinds[0], (0, &Tok::Ident("x".into())));
    assert_eq!(kinds[1], (2, &Tok::FatArrow));
    assert_eq!(kinds[5], (12, &Tok::LParen));
    assert_eq!(kinds[6], (13, &Tok::Str("a b".into())));
    assert_eq!(kinds[9], (23, &Tok::Minus));
    assert_eq!(kinds[10], (24, &Tok::Double(1.5)));
    assert_eq!(toks.last().map(|t| (t.pos, &t.kind)), Some((27, &Tok::Eof)));
}

#[test]
fn placeholders_are_numbered_in_source_order() {
    let ast = parse("_.length + _ * _").unwrap();
    assert!(ast.params.is_none());
    assert_eq!(ast.placeholders, 3);
    let ExprKind::Binary { lhs, rhs, .. } = &ast.body.kind else {
        panic!("{:?}", ast.body)
    };
    let ExprKind::Member { recv, .. } = &lhs.kind else {
        panic!()
    };
    assert_eq!(recv.kind, ExprKind::Placeholder(0));
    let ExprKind::Binary { lhs, rhs, .. } = &rhs.kind else {
        panic!()
    };
    assert_eq!(
        (&lhs.kind, &rhs.kind),
        (&ExprKind::Placeholder(1), &ExprKind::Placeholder(2))
    );
}

#[test]
fn string_interpolation_is_refused_with_a_hint() {
    let e = parse("n => s\"count: $n\"").unwrap_err();
    assert_eq!(e.pos, 5);
    assert!(
        e.message.starts_with("string interpolation"),
        "{}",
        e.message
    );
}

#[test]
fn parse_long_is_javas() {
    assert_eq!(parse_long("+3"), Ok(3));
    assert_eq!(parse_long("-9223372036854775808"), Ok(i64::MIN));
    assert!(parse_long("9223372036854775808").is_err());
    assert!(parse_long("").is_err());
    assert_eq!(
        parse_long("١٢"),
        Ok(12),
        "Character.digit reads every script's digits"
    );
}

#[test]
fn parse_double_is_javas() {
    assert_eq!(parse_double("\u{0} 2.5e1D\t"), Ok(25.0));
    assert_eq!(parse_double("-0"), Ok(-0.0));
    assert!(parse_double("-0").unwrap().is_sign_negative());
    assert!(parse_double("Infinityx").is_err());
    assert_eq!(parse_double("0x1p3"), Ok(8.0));
    assert_eq!(parse_double("0x1p-1074"), Ok(f64::from_bits(1)));
    assert_eq!(parse_double("0x8p-1077"), Ok(f64::from_bits(1)));
}

#[test]
fn the_split_fast_path_is_javas() {
    assert_eq!(fast_split_char(","), Some(','));
    assert_eq!(fast_split_char(" "), Some(' '));
    assert_eq!(fast_split_char("é"), Some('é'));
    assert_eq!(fast_split_char("\\."), Some('.'));
    assert_eq!(fast_split_char("\\|"), Some('|'));
    assert_eq!(fast_split_char("."), None);
    assert_eq!(fast_split_char("|"), None);
    assert_eq!(fast_split_char("\\s"), None);
    assert_eq!(fast_split_char("\\1"), None);
    assert_eq!(fast_split_char(",,"), None);
    assert_eq!(fast_split_char(""), None);
}

#[test]
fn patterns_that_need_unicode_mode_keep_javas_ascii_classes() {
    // `[^,]` needs Unicode mode over text; `\s` stays Java's ASCII class there, inside a
    // character class too, and `\p{L}` is a Unicode category as in Java.
    let pieces = |pattern: &str, s: &str| -> Vec<String> {
        let how = Splitter::Regex(java_regex(pattern).unwrap());
        match split(&Rc::from(s), &how, &mut Pieces::default()) {
            Value::List(items) => items.iter().map(|v| v.to_string()).collect(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(pieces("[^,]\\s", "ab c\u{a0}d"), ["a", "c\u{a0}d"]);
    assert_eq!(pieces("[.\\s]+", "a. b\u{a0}c"), ["a", "b\u{a0}c"]);
    assert_eq!(pieces("\\P{L}+", "é1x\u{a0}y"), ["é", "x", "y"]);
    assert_eq!(pieces("[^é]\\d", "a1éb2c"), ["", "é", "c"]);
    assert_eq!(pieces(".\\b", "ab cd"), ["a", "", "c"]);
}

#[test]
fn regex_classes_are_ascii_as_in_java() {
    // Java's \s does not match U+00A0 (no-break space) and \w does not match 'é'.
    let s: Rc<str> = Rc::from("a\u{a0}b c");
    let re = Splitter::Regex(java_regex("\\s+").unwrap());
    assert_eq!(
        split(&s, &re, &mut Pieces::default()).to_string(),
        "List(a\u{a0}b, c)"
    );
    let s: Rc<str> = Rc::from("é1x");
    let re = Splitter::Regex(java_regex("\\w").unwrap());
    assert_eq!(
        split(&s, &re, &mut Pieces::default()).to_string(),
        "List(é)"
    );
    // Patterns that need Unicode mode still work.
    let s: Rc<str> = Rc::from("aébéc");
    let re = Splitter::Regex(java_regex("[^a-c]").unwrap());
    assert_eq!(
        split(&s, &re, &mut Pieces::default()).to_string(),
        "List(a, b, c)"
    );
    assert!(java_regex("(a").is_err());
    assert!(java_regex("a{99999999}").is_err());
}

#[test]
fn split_without_a_match_returns_the_input_itself() {
    let s: Rc<str> = Rc::from("abc");
    let Value::List(parts) = split(&s, &Splitter::Char(','), &mut Pieces::default()) else {
        panic!()
    };
    let Value::Str(only) = &parts[0] else {
        panic!()
    };
    assert!(Rc::ptr_eq(only, &s));
}

#[test]
fn split_shares_repeated_pieces_and_never_confuses_them() {
    let text = "a a\u{0} \u{0}a ab ba abcd abce dcba abcdefgh abcdefgi hgfedcba \
                abcdefghijklmnop abcdefghijklmnoq abcdefghijklmnopq  é a";
    let mut pieces = Pieces::default();
    for sep in [' ', 'é'] {
        let s: Rc<str> = Rc::from(text);
        let expected: Vec<&str> = text.split(sep).collect();
        for _ in 0..2 {
            let Value::List(parts) = split(&s, &Splitter::Char(sep), &mut pieces) else {
                panic!()
            };
            let got: Vec<String> = parts.iter().map(Value::to_string).collect();
            assert_eq!(got, expected, "separator {sep:?}");
        }
    }
    // The same word twice is one string; comparing and hashing see only the text.
    let s: Rc<str> = Rc::from("to be or not to be");
    let Value::List(parts) = split(&s, &Splitter::Char(' '), &mut pieces) else {
        panic!()
    };
    let (Value::Str(a), Value::Str(b)) = (&parts[0], &parts[4]) else {
        panic!()
    };
    assert!(Rc::ptr_eq(a, b));
    assert_eq!(parts[1], Value::str("be"));
    assert_ne!(parts[1], parts[2]);
    // Java drops trailing empty strings.
    let s: Rc<str> = Rc::from("a,b,,");
    let v = split(&s, &Splitter::Char(','), &mut pieces);
    assert_eq!(v.to_string(), "List(a, b)");
}

#[test]
fn recursive_types_are_errors_not_loops() {
    let sig = Signature {
        params: vec![Type::Unknown],
        result: Type::Var(0),
    };
    let e = compile("x => List(x) == x", &sig).unwrap_err();
    assert!(e.message.contains("compares values of one type"), "{e}");
    let e = compile("x => if (true) Some(x) else x", &sig).unwrap_err();
    assert!(e.message.contains("branches"), "{e}");
}

#[test]
fn debug_shows_source_and_types() {
    let sig = Signature {
        params: vec![Type::String],
        result: Type::Var(0),
    };
    let l = compile("w => (w, 1)", &sig).unwrap();
    assert_eq!(
        format!("{l:?}"),
        "Lambda(\"w => (w, 1)\": [String] => (String, Int))"
    );
    assert_eq!(l.source(), "w => (w, 1)");
}

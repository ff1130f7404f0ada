//! The JVM's behaviour for the built-in operations: arithmetic, equality, comparisons and the
//! String, List and Option methods, with the JVM's exception names in failures.
//!
//! Strings are counted as Java counts them, in UTF-16 code units: `length`, `indexOf`,
//! `lastIndexOf` and `substring` see a character outside the Basic Multilingual Plane (an
//! emoji) as two. A `substring` that would cut such a pair in half (Java keeps a lone
//! surrogate, which a Rust string cannot hold) fails naming the index instead.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::rc::Rc;

use regex::{Regex, RegexBuilder};

use super::tree::{Arith, Cmp};
use super::EvalError;
use crate::value::Value;

/// What compiled code returns: the error boxed, so that a result of a number fits in two
/// registers.
pub type EResult<T> = Result<T, Box<EvalError>>;

#[cold]
pub(crate) fn fail<T>(message: impl Into<String>) -> EResult<T> {
    Err(Box::new(EvalError {
        message: message.into(),
    }))
}

/// `()`, the value of `Unit`.
pub(crate) fn unit() -> Value {
    Value::tuple(Vec::new())
}

/// Spark's `StateImpl`: mapWithState's view of one key's state during one call of the
/// mapping function, and what the call did to it (`update`, `remove`), with Spark's rules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateImpl {
    state: Option<Value>,
    timing_out: bool,
    updated: bool,
    removed: bool,
}

impl StateImpl {
    /// The state of a key with data in the batch (`None`: the key has no state yet).
    pub fn wrap(state: Option<Value>) -> StateImpl {
        StateImpl {
            state,
            ..StateImpl::default()
        }
    }

    /// The state of a key timing out: defined, and neither updatable nor removable.
    pub fn timing_out(state: Value) -> StateImpl {
        StateImpl {
            state: Some(state),
            timing_out: true,
            ..StateImpl::default()
        }
    }

    pub fn exists(&self) -> bool {
        self.state.is_some()
    }

    pub fn is_timing_out(&self) -> bool {
        self.timing_out
    }

    pub fn is_updated(&self) -> bool {
        self.updated
    }

    pub fn is_removed(&self) -> bool {
        self.removed
    }

    pub fn get_option(&self) -> Option<Value> {
        self.state.clone()
    }

    /// `state.get`: Spark throws `NoSuchElementException` when the state is not set.
    pub fn get(&self) -> Result<Value, EvalError> {
        match &self.state {
            Some(v) => Ok(v.clone()),
            None => Err(EvalError {
                message: "java.util.NoSuchElementException: State is not set".into(),
            }),
        }
    }

    pub fn update(&mut self, v: Value) -> Result<(), EvalError> {
        if self.removed {
            return requirement("Cannot update the state after it has been removed");
        }
        if self.timing_out {
            return requirement("Cannot update the state that is timing out");
        }
        self.state = Some(v);
        self.updated = true;
        Ok(())
    }

    pub fn remove(&mut self) -> Result<(), EvalError> {
        if self.timing_out {
            return requirement("Cannot remove the state that is timing out");
        }
        if self.removed {
            return requirement("Cannot remove the state that has already been removed");
        }
        self.state = None;
        self.updated = false;
        self.removed = true;
        Ok(())
    }
}

/// Scala's failed `require(…, message)`.
fn requirement(message: &str) -> Result<(), EvalError> {
    Err(EvalError {
        message: format!("java.lang.IllegalArgumentException: requirement failed: {message}"),
    })
}

/// The JVM class a value has at run time, for `ClassCastException` messages.
fn class_of(v: &Value) -> &'static str {
    match v {
        Value::Int(_) => "java.lang.Long",
        Value::Double(_) => "java.lang.Double",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Str(_) => "java.lang.String",
        Value::Tuple(_) => "scala.Product",
        Value::List(_) => "scala.collection.immutable.List",
        Value::Opt(_) => "scala.Option",
    }
}

/// A value of an unexpected class reached an operation (possible only where the checker could
/// not know a type, e.g. the records of an empty source).
pub(crate) fn cast_error<T>(v: &Value, wanted: &str) -> EResult<T> {
    fail(format!(
        "java.lang.ClassCastException: class {} cannot be cast to class {wanted}",
        class_of(v)
    ))
}

pub(crate) fn as_int(v: &Value) -> EResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        other => cast_error(other, "java.lang.Long"),
    }
}

pub(crate) fn as_str(v: &Value) -> EResult<&str> {
    match v {
        Value::Str(s) => Ok(s),
        other => cast_error(other, "java.lang.String"),
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

const DIV_ZERO: &str = "java.lang.ArithmeticException: / by zero";

/// `a op b` on numbers (Long arithmetic wraps; Int op Double is Double), or `String + x`.
pub(crate) fn arith(op: Arith, a: &Value, b: &Value) -> EResult<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            let (x, y) = (*x, *y);
            Ok(Value::Int(match op {
                Arith::Add => x.wrapping_add(y),
                Arith::Sub => x.wrapping_sub(y),
                Arith::Mul => x.wrapping_mul(y),
                Arith::Div => {
                    if y == 0 {
                        return fail(DIV_ZERO);
                    }
                    x.wrapping_div(y)
                }
                Arith::Rem => {
                    if y == 0 {
                        return fail(DIV_ZERO);
                    }
                    x.wrapping_rem(y)
                }
            }))
        }
        (Value::Str(_), _) | (_, Value::Str(_)) if op == Arith::Add => Ok(concat(a, b)),
        _ => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) => Ok(Value::Double(match op {
                Arith::Add => x + y,
                Arith::Sub => x - y,
                Arith::Mul => x * y,
                Arith::Div => x / y,
                // Rust's `%` on f64 is C's fmod, as Java's: the sign of the dividend.
                Arith::Rem => x % y,
            })),
            (None, _) => cast_error(a, "java.lang.Number"),
            (_, None) => cast_error(b, "java.lang.Number"),
        },
    }
}

/// `a + b` where one side is a String: the JVM's `toString` of both.
pub(crate) fn concat(a: &Value, b: &Value) -> Value {
    let mut s = String::new();
    match a {
        Value::Str(x) => s.push_str(x),
        other => {
            let _ = write!(s, "{other}");
        }
    }
    match b {
        Value::Str(x) => s.push_str(x),
        other => {
            let _ = write!(s, "{other}");
        }
    }
    Value::Str(Rc::from(s))
}

pub(crate) fn neg(v: &Value) -> EResult<Value> {
    match v {
        Value::Int(i) => Ok(Value::Int(i.wrapping_neg())),
        Value::Double(d) => Ok(Value::Double(-d)),
        other => cast_error(other, "java.lang.Number"),
    }
}

/// Scala's `==`: numbers by value across Int and Double (IEEE, so `NaN != NaN`), the rest
/// structurally.
pub(crate) fn scala_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Double(_) | Value::Int(_), Value::Double(_) | Value::Int(_)) => {
            as_f64(a) == as_f64(b)
        }
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Tuple(x), Value::Tuple(y)) | (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| scala_eq(p, q))
        }
        (Value::Opt(x), Value::Opt(y)) => match (x, y) {
            (None, None) => true,
            (Some(p), Some(q)) => scala_eq(p, q),
            _ => false,
        },
        _ => false,
    }
}

/// Java's `String.compareTo`: by UTF-16 code unit.
pub(crate) fn java_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// `<`, `<=`, `>`, `>=`: numbers by value (IEEE: any comparison with NaN is false), strings
/// as Java's `compareTo`.
pub(crate) fn compare(op: Cmp, a: &Value, b: &Value) -> EResult<bool> {
    let ord = match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Str(_), Value::Str(_)) => Some(a.cmp(b)),
        _ => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            (None, _) => return cast_error(a, "java.lang.Comparable"),
            (_, None) => return cast_error(b, "java.lang.Comparable"),
        },
    };
    Ok(match ord {
        None => false,
        Some(o) => match op {
            Cmp::Lt => o == Ordering::Less,
            Cmp::Le => o != Ordering::Greater,
            Cmp::Gt => o == Ordering::Greater,
            Cmp::Ge => o != Ordering::Less,
        },
    })
}

/// Java's `Math.max`/`Math.min` (NaN wins; -0.0 < 0.0), `Math.abs`.
pub(crate) fn math_max(a: &Value, b: &Value, max: bool) -> EResult<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(Value::Int(if max { *x.max(y) } else { *x.min(y) })),
        _ => match (as_f64(a), as_f64(b)) {
            (Some(x), Some(y)) => Ok(Value::Double(if x.is_nan() || y.is_nan() {
                f64::NAN
            } else if x == 0.0 && y == 0.0 {
                // Only the sign can differ.
                let neg = if max {
                    x.is_sign_negative() && y.is_sign_negative()
                } else {
                    x.is_sign_negative() || y.is_sign_negative()
                };
                if neg {
                    -0.0
                } else {
                    0.0
                }
            } else if max {
                x.max(y)
            } else {
                x.min(y)
            })),
            (None, _) => cast_error(a, "java.lang.Number"),
            (_, None) => cast_error(b, "java.lang.Number"),
        },
    }
}

pub(crate) fn abs(v: &Value) -> EResult<Value> {
    match v {
        // Math.abs(Long.MIN_VALUE) is Long.MIN_VALUE.
        Value::Int(i) => Ok(Value::Int(i.wrapping_abs())),
        Value::Double(d) => Ok(Value::Double(d.abs())),
        other => cast_error(other, "java.lang.Number"),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers from strings

#[cold]
fn number_format(s: &str) -> Box<EvalError> {
    Box::new(EvalError {
        message: format!("java.lang.NumberFormatException: For input string: \"{s}\""),
    })
}

/// The zero of every run of ten decimal digits in the Basic Multilingual Plane that Java's
/// `Character.digit(ch, 10)` reads (Unicode category Nd, as Java 17 lists it: printed by a
/// program asking the JVM for every `char`). `Long.parseLong` reads digits with it, one
/// UTF-16 unit at a time, so digits beyond U+FFFF are not digits there.
const JAVA_DIGIT_ZEROS: [u32; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// Java's `Character.digit(c, 10)`: the value of a decimal digit of any script, else `None`.
fn java_digit(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    let c = c as u32;
    let i = JAVA_DIGIT_ZEROS.partition_point(|&z| z <= c);
    let zero = JAVA_DIGIT_ZEROS[i.checked_sub(1)?];
    (c - zero < 10).then_some(c - zero)
}

/// `Long.parseLong`: an optional ASCII sign and decimal digits of any one or more scripts
/// (`"١٢"` is 12, as `Character.digit` reads it), nothing else (no spaces).
pub(crate) fn parse_long(s: &str) -> EResult<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(number_format(s));
    }
    // Accumulate negatively, as Java does, so that Long.MIN_VALUE parses.
    let mut acc: i64 = 0;
    for c in digits.chars() {
        let d = java_digit(c).ok_or_else(|| number_format(s))?;
        acc = acc
            .checked_mul(10)
            .and_then(|a| a.checked_sub(i64::from(d)))
            .ok_or_else(|| number_format(s))?;
    }
    if neg {
        Ok(acc)
    } else {
        acc.checked_neg().ok_or_else(|| number_format(s))
    }
}

/// `Double.parseDouble`: surrounding whitespace (chars <= ' ') ignored, an optional sign,
/// `NaN`, `Infinity`, decimal digits with an optional fraction and exponent, or Java's
/// hexadecimal form (`0x1.8p3`: hex digits, a binary exponent required), the last two with
/// an optional `d`/`D`/`f`/`F` suffix. Digits are ASCII only here.
pub(crate) fn parse_double(s: &str) -> EResult<f64> {
    let t = s.trim_matches(|c: char| c <= ' ');
    if t.is_empty() {
        return fail("java.lang.NumberFormatException: empty String");
    }
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    match body {
        "NaN" => return Ok(f64::NAN),
        "Infinity" => return Ok(sign * f64::INFINITY),
        _ => {}
    }
    let body = body.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(body);
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return parse_hex_double(hex)
            .map(|v| if neg { -v } else { v })
            .ok_or_else(|| number_format(t));
    }
    let bytes = body.as_bytes();
    let mut i = 0;
    let int_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return Err(number_format(t));
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_digits = bytes[i.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if exp_digits == 0 {
            return Err(number_format(t));
        }
        i += exp_digits;
    }
    if i != bytes.len() {
        return Err(number_format(t));
    }
    // Rust reads this grammar with correct rounding, as Java does; "1." needs a digit after.
    let text = if body.ends_with('.') {
        format!("{body}0")
    } else if body.starts_with('.') {
        format!("0{body}")
    } else {
        body.replace(".e", ".0e").replace(".E", ".0E")
    };
    text.parse::<f64>()
        .map(|v| sign * v)
        .map_err(|_| number_format(t))
}

/// The value of Java's hexadecimal significand and binary exponent after `0x`
/// (`1.8p3`, `.8p1`, `1.p1`), rounded to the nearest double (ties to even) as Java rounds
/// it, or `None` if it does not follow that grammar.
fn parse_hex_double(s: &str) -> Option<f64> {
    let (mantissa, exp) = s.split_once(['p', 'P'])?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.len() + frac_part.len() == 0 {
        return None;
    }
    let exp_digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    if exp_digits.is_empty() || !exp_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A huge exponent saturates: the result is 0 or infinity either way.
    let magnitude: i64 = exp_digits
        .bytes()
        .fold(0i64, |e, b| (e * 10 + i64::from(b - b'0')).min(1 << 40));
    let exp = if exp.starts_with('-') {
        -magnitude
    } else {
        magnitude
    };
    // The significand's bits: the first 64 significant ones, and whether any below them is set.
    let (mut bits, mut shift, mut sticky, mut seen) = (0u64, 0i64, false, false);
    for (i, c) in int_part.chars().chain(frac_part.chars()).enumerate() {
        let d = u64::from(c.to_digit(16)?);
        let fractional = i >= int_part.len();
        if !seen && d == 0 {
            if fractional {
                shift -= 4;
            }
            continue;
        }
        seen = true;
        if bits >> 60 == 0 {
            bits = bits << 4 | d;
            if fractional {
                shift -= 4;
            }
        } else {
            sticky |= d != 0;
            if !fractional {
                shift += 4;
            }
        }
    }
    if bits == 0 {
        return Some(0.0);
    }
    // value = bits × 2^(shift + exp), plus a little if `sticky`.
    let top = 63 - i64::from(bits.leading_zeros());
    let e = top + shift + exp; // the exponent of the leading bit
    if e > 1023 {
        return Some(f64::INFINITY);
    }
    // Keep 53 bits for a normal number, fewer for a subnormal one (down to 2^-1074).
    let keep = if e >= -1022 { 53 } else { 53 - (-1022 - e) };
    if keep <= 0 {
        // Below half the smallest subnormal, or exactly half of it with nothing more: zero
        // (ties to even); above half: the smallest subnormal.
        let half = keep == 0 && (bits.count_ones() > 1 || sticky);
        return Some(if half { f64::from_bits(1) } else { 0.0 });
    }
    let drop = top + 1 - keep;
    let (mut m, rest_half, rest_more) = if drop <= 0 {
        (bits << -drop, false, sticky)
    } else {
        let m = bits >> drop;
        let rest = bits & ((1u64 << drop) - 1);
        let half = 1u64 << (drop - 1);
        (m, rest & half != 0, rest & (half - 1) != 0 || sticky)
    };
    if rest_half && (rest_more || m & 1 == 1) {
        m += 1;
    }
    // `m` has `keep` bits (or one more after rounding up), its leading bit worth 2^e.
    // Both factors are exact (the power is 2^-1074 or more), so the product rounds only when
    // it overflows to infinity.
    Some(m as f64 * pow2(e - (keep - 1)))
}

/// 2^p for -1074 <= p <= 1023.
fn pow2(p: i64) -> f64 {
    if p >= -1022 {
        f64::from_bits(((p + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (p + 1074))
    }
}

// ---------------------------------------------------------------------------------------------
// Strings

/// Java's `String.trim`: strips characters up to and including ' ' from both ends.
pub(crate) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Java's `String.length`: UTF-16 code units.
pub(crate) fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// Where UTF-16 index `idx` falls in `s`: its byte offset (`idx == length` gives `s.len()`),
/// or `Err(c)` when it is the middle of `c`'s surrogate pair; `None` past the end.
fn byte_offset(s: &str, idx: usize) -> Option<Result<usize, char>> {
    if s.is_ascii() {
        return (idx <= s.len()).then_some(Ok(idx));
    }
    let mut units = 0;
    for (b, c) in s.char_indices() {
        if units == idx {
            return Some(Ok(b));
        }
        units += c.len_utf16();
        if units > idx {
            return Some(Err(c));
        }
    }
    (units == idx).then_some(Ok(s.len()))
}

/// The UTF-16 index of byte offset `byte` (a character boundary).
fn char_index_of_byte(s: &str, byte: usize) -> i64 {
    if s.is_ascii() {
        byte as i64
    } else {
        char_len(&s[..byte]) as i64
    }
}

/// `s.substring(begin, end)`, failing as Java does when out of range.
pub(crate) fn substring(s: &str, begin: i64, end: Option<i64>) -> EResult<Value> {
    substring_range(s, begin, end).map(|r| Value::str(&s[r]))
}

/// The bytes of `s.substring(begin, end)` in `s`, or Java's failure.
pub(crate) fn substring_range(
    s: &str,
    begin: i64,
    end: Option<i64>,
) -> EResult<std::ops::Range<usize>> {
    let len = char_len(s) as i64;
    let end = end.unwrap_or(len);
    if begin < 0 || begin > end || end > len {
        return fail(format!(
            "java.lang.StringIndexOutOfBoundsException: begin {begin}, end {end}, length {len}"
        ));
    }
    match (byte_offset(s, begin as usize), byte_offset(s, end as usize)) {
        (Some(Ok(b)), Some(Ok(e))) => Ok(b..e),
        (Some(Err(c)), _) | (_, Some(Err(c))) => fail(format!(
            "substring({begin}, {end}) would cut {c:?} (two UTF-16 units in Java) in half, \
             which leaves half a character; pick indices around it"
        )),
        _ => fail(format!(
            "java.lang.StringIndexOutOfBoundsException: begin {begin}, end {end}, length {len}"
        )),
    }
}

pub(crate) fn index_of(s: &str, t: &str, last: bool) -> i64 {
    let found = if last { s.rfind(t) } else { s.find(t) };
    found.map_or(-1, |b| char_index_of_byte(s, b))
}

/// How `split` finds its separator.
#[derive(Clone, Debug)]
pub(crate) enum Splitter {
    /// Java's fast path: a one-character pattern that is no regex metacharacter (or an escaped
    /// non-alphanumeric one), or a `Char` argument.
    Char(char),
    Regex(Regex),
}

/// The splitter of a `split(pattern)`, or Java's `PatternSyntaxException`.
pub(crate) fn splitter(pattern: &str) -> EResult<Splitter> {
    match fast_split_char(pattern) {
        Some(ch) => Ok(Splitter::Char(ch)),
        None => match java_regex(pattern) {
            Ok(re) => Ok(Splitter::Regex(re)),
            Err(e) => fail(format!("java.util.regex.PatternSyntaxException: {e}")),
        },
    }
}

/// Java's `String.split` fast path: a one-character pattern that is not a regex
/// metacharacter, or a backslash and one character that is not a letter or digit.
pub(crate) fn fast_split_char(pattern: &str) -> Option<char> {
    let mut chars = pattern.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(c), None, None) if !".$|()[{^?*+\\".contains(c) => Some(c),
        (Some('\\'), Some(c), None) if !c.is_ascii_alphanumeric() => Some(c),
        _ => None,
    }
}

/// Compiles a Java regex with the `regex` crate. Java's `\s`, `\w`, `\d` and `\b` are ASCII
/// classes, so the pattern is first tried without Unicode mode; a pattern that needs Unicode
/// mode to be valid (e.g. `.` or `[^,]` over text) gets it, with those classes spelled out
/// as Java's ASCII ones (so the engine needs no Unicode Perl-class tables). Java features the
/// crate lacks (look-around, back-references) are errors.
pub(crate) fn java_regex(pattern: &str) -> Result<Regex, String> {
    let build = |p: &str, unicode: bool| {
        RegexBuilder::new(p)
            .unicode(unicode)
            .size_limit(1 << 20)
            .build()
    };
    build(pattern, false)
        .or_else(|_| build(&ascii_classes(pattern), true))
        .map_err(|e| {
            let reason = match e {
                regex::Error::Syntax(s) => s
                    .lines()
                    .rev()
                    .find(|l| l.starts_with("error:"))
                    .map(|l| l.trim_start_matches("error:").trim().to_string())
                    .unwrap_or(s),
                regex::Error::CompiledTooBig(_) => "it is too large".to_string(),
                other => other.to_string(),
            };
            format!("invalid regex \"{pattern}\": {reason}")
        })
}

/// `pattern` with `\s`, `\d`, `\w` (and their negations) written as Java's ASCII classes and
/// `\b`/`\B` as ASCII word boundaries, inside character classes too (`[\s,]`).
fn ascii_classes(pattern: &str) -> String {
    const SPACE: &str = r"\t\n\x0B\f\r ";
    const DIGIT: &str = "0-9";
    const WORD: &str = "a-zA-Z_0-9";
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut depth = 0usize;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push(c);
                    break;
                };
                let (set, negated) = match e {
                    's' => (SPACE, false),
                    'S' => (SPACE, true),
                    'd' => (DIGIT, false),
                    'D' => (DIGIT, true),
                    'w' => (WORD, false),
                    'W' => (WORD, true),
                    'b' | 'B' if depth == 0 => {
                        out.push_str("(?-u:\\");
                        out.push(e);
                        out.push(')');
                        continue;
                    }
                    _ => {
                        out.push(c);
                        out.push(e);
                        continue;
                    }
                };
                match (depth > 0, negated) {
                    (true, false) => out.push_str(set),
                    (_, true) => {
                        out.push_str("[^");
                        out.push_str(set);
                        out.push(']');
                    }
                    (false, false) => {
                        out.push('[');
                        out.push_str(set);
                        out.push(']');
                    }
                }
            }
            '[' => {
                depth += 1;
                out.push(c);
            }
            ']' if depth > 0 => {
                depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The pieces a `split` made recently, handed out again instead of copied: text over a
/// small vocabulary (words, log fields) then allocates nothing per piece, and equal pieces
/// share one `Rc<str>` (so comparing them is a pointer check). A small direct-mapped cache of
/// pieces up to 16 bytes, so it stays bounded; also the scratch list a split collects into.
#[derive(Default)]
pub(crate) struct Pieces {
    /// `(key, length, piece)`.
    slots: Vec<Option<(u128, usize, Rc<str>)>>,
    scratch: Vec<Value>,
}

impl Pieces {
    const SLOT_BITS: u32 = 10;

    #[inline]
    pub(crate) fn piece(&mut self, p: &str) -> Value {
        let bytes = p.as_bytes();
        if bytes.len() > 16 {
            return Value::str(p);
        }
        let key = piece_key(bytes);
        if self.slots.is_empty() {
            self.slots = vec![None; 1 << Self::SLOT_BITS];
        }
        let (lo, hi) = (key as u64, (key >> 64) as u64);
        let mixed = (lo ^ hi.rotate_left(29) ^ (bytes.len() as u64) << 58)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        // Two-way: a piece lives in slot `i` or its neighbour `i ^ 1`.
        let i = (mixed >> (64 - Self::SLOT_BITS)) as usize;
        for j in [i, i ^ 1] {
            if let Some((k, n, s)) = &self.slots[j] {
                if *k == key && *n == bytes.len() {
                    return Value::Str(s.clone());
                }
            }
        }
        let s: Rc<str> = Rc::from(p);
        let newest = Some((key, bytes.len(), s.clone()));
        let older = std::mem::replace(&mut self.slots[i], newest);
        self.slots[i ^ 1] = older;
        Value::Str(s)
    }
}

/// For strings of up to 16 bytes and of one length, a key equal only for equal strings: two
/// words that together cover every byte (overlapping reads, as short-string hashes do).
#[inline]
fn piece_key(b: &[u8]) -> u128 {
    let n = b.len();
    let word = |at: usize, len: usize| -> u64 {
        b.get(at..at + len).map_or(0, |w| {
            let mut buf = [0u8; 8];
            buf[..len].copy_from_slice(w);
            u64::from_le_bytes(buf)
        })
    };
    let (lo, hi) = if n >= 8 {
        (word(0, 8), word(n - 8, 8))
    } else if n >= 4 {
        (word(0, 4), word(n - 4, 4))
    } else if n > 0 {
        (b[0] as u64 | (b[n / 2] as u64) << 8, b[n - 1] as u64)
    } else {
        (0, 0)
    };
    (lo as u128) | ((hi as u128) << 64)
}

/// Java's `String.split(regex)` with the limit 0, handing each piece to `piece` in order
/// (and stopping at its first error): a string the separator never matches is one piece
/// (itself, even if empty); otherwise trailing empty pieces are dropped, and a zero-width
/// match at the very start makes no leading empty piece.
pub(crate) fn split_each<'s, E>(
    s: &'s str,
    how: &Splitter,
    mut piece: impl FnMut(&'s str) -> Result<(), E>,
) -> Result<(), E> {
    // Empty pieces wait until a non-empty one shows they are not trailing.
    let mut empties = 0usize;
    let mut emit = |p: &'s str| -> Result<(), E> {
        if p.is_empty() {
            empties += 1;
            return Ok(());
        }
        for _ in 0..std::mem::take(&mut empties) {
            piece("")?;
        }
        piece(p)
    };
    let mut from = 0;
    let mut matched = false;
    match how {
        Splitter::Char(c) if c.is_ascii() => {
            // One byte, which UTF-8 never uses inside a character: scan the bytes (words are
            // short, so a plain loop beats a vectorised search that restarts at every word).
            let b = *c as u8;
            for (i, &x) in s.as_bytes().iter().enumerate() {
                if x == b {
                    emit(&s[from..i])?;
                    from = i + 1;
                    matched = true;
                }
            }
        }
        Splitter::Char(c) => {
            for (i, _) in s.match_indices(*c) {
                emit(&s[from..i])?;
                from = i + c.len_utf8();
                matched = true;
            }
        }
        Splitter::Regex(re) => {
            let mut search = 0;
            while search <= s.len() {
                let Some(m) = re.find_at(s, search) else {
                    break;
                };
                if !(from == 0 && m.start() == 0 && m.end() == 0) {
                    emit(&s[from..m.start()])?;
                    from = m.end();
                    matched = true;
                }
                search = if m.end() > m.start() {
                    m.end()
                } else {
                    // After an empty match, search again one character further, as
                    // `Matcher.find` does.
                    m.end() + s[m.end()..].chars().next().map_or(1, char::len_utf8)
                };
            }
        }
    }
    if !matched {
        return piece(s);
    }
    emit(&s[from..])
}

/// Java's `String.split(regex)` with the limit 0, as a List of the pieces ([`split_each`]).
pub(crate) fn split(s: &Rc<str>, how: &Splitter, pieces: &mut Pieces) -> Value {
    let mut parts = std::mem::take(&mut pieces.scratch);
    let _ = split_each(s, how, |p| -> Result<(), ()> {
        if p.len() == s.len() {
            // No separator: the input itself, not a copy.
            parts.push(Value::Str(s.clone()));
        } else {
            parts.push(pieces.piece(p));
        }
        Ok(())
    });
    let list: Rc<[Value]> = parts.drain(..).collect();
    pieces.scratch = parts;
    Value::List(list)
}

/// `List.sum`: Long arithmetic wraps; `zero` for an empty list.
pub(crate) fn sum(items: &[Value], zero: Value) -> EResult<Value> {
    let mut acc = zero;
    for v in items {
        acc = arith(Arith::Add, &acc, v).and_then(|r| match r {
            Value::Str(_) => cast_error(v, "java.lang.Number"),
            r => Ok(r),
        })?;
    }
    Ok(acc)
}

pub(crate) fn max_or_min(items: &[Value], max: bool) -> EResult<Value> {
    let mut best: Option<&Value> = None;
    for v in items {
        best = Some(match best {
            None => v,
            Some(b) => {
                let better = if max { v > b } else { v < b };
                if better {
                    v
                } else {
                    b
                }
            }
        });
    }
    match best {
        Some(v) => Ok(v.clone()),
        None => fail(format!(
            "java.lang.UnsupportedOperationException: empty.{}",
            if max { "max" } else { "min" }
        )),
    }
}

pub(crate) fn mk_string(items: &[Value], start: &str, sep: &str, end: &str) -> Value {
    let mut s = String::from(start);
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        match v {
            Value::Str(x) => s.push_str(x),
            other => {
                let _ = write!(s, "{other}");
            }
        }
    }
    s.push_str(end);
    Value::Str(Rc::from(s))
}

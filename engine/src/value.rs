//! Records: the dynamically typed values that flow between DStream nodes, with the JVM's
//! equality, ordering, `hashCode` and `toString`, so keys, sorts and strings behave as in Spark.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::types::Type;

/// One record, or one value inside a lambda.
///
/// Cloning is cheap: strings, tuples and lists are reference-counted and immutable.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Value {
    /// Scala `Int`/`Long`: 64-bit, wrapping on overflow like the JVM's `Long`.
    Int(i64),
    Double(f64),
    Bool(bool),
    Str(Rc<str>),
    /// A tuple; a 2-tuple is a key-value pair.
    Tuple(Rc<[Value]>),
    List(Rc<[Value]>),
    Opt(Option<Rc<Value>>),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }
    pub fn pair(k: Value, v: Value) -> Value {
        Value::Tuple(Rc::new([k, v]))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::from(items))
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::from(items))
    }
    pub fn some(v: Value) -> Value {
        Value::Opt(Some(Rc::new(v)))
    }
    pub fn none() -> Value {
        Value::Opt(None)
    }

    /// The key and value of a pair record; `None` for anything that is not a 2-tuple.
    pub fn as_pair(&self) -> Option<(&Value, &Value)> {
        match self {
            Value::Tuple(items) if items.len() == 2 => Some((&items[0], &items[1])),
            _ => None,
        }
    }

    /// The type this value has on its own (empty lists and `None` leave their element unknown).
    pub fn type_of(&self) -> Type {
        match self {
            Value::Int(_) => Type::Int,
            Value::Double(_) => Type::Double,
            Value::Bool(_) => Type::Boolean,
            Value::Str(_) => Type::String,
            Value::Tuple(items) => Type::Tuple(items.iter().map(Value::type_of).collect()),
            Value::List(items) => Type::list(items.first().map_or(Type::Unknown, Value::type_of)),
            Value::Opt(v) => Type::option(v.as_deref().map_or(Type::Unknown, Value::type_of)),
        }
    }

    /// JSON as the spec's record rules give it: tuples and lists as arrays, `Some(x)` as `x`,
    /// `None` as `null`, a `Double` always with a fraction or exponent.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Int(i) => J::from(*i),
            Value::Double(d) => serde_json::Number::from_f64(*d).map_or(J::Null, J::Number),
            Value::Bool(b) => J::Bool(*b),
            Value::Str(s) => J::String(s.to_string()),
            Value::Tuple(items) | Value::List(items) => {
                J::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Opt(None) => J::Null,
            Value::Opt(Some(v)) => v.to_json(),
        }
    }

    /// A record from JSON input: string, integer (`Int`), other number (`Double`), bool,
    /// array (tuple). Anything else is refused with a reason.
    pub fn from_json(j: &serde_json::Value) -> Result<Value, String> {
        use serde_json::Value as J;
        match j {
            J::String(s) => Ok(Value::str(s)),
            J::Bool(b) => Ok(Value::Bool(*b)),
            J::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Ok(Value::Int(i))
                } else if n.is_u64() {
                    Err(format!("{n} is out of range for Int (64-bit)"))
                } else {
                    n.as_f64()
                        .map(Value::Double)
                        .ok_or_else(|| format!("{n} is not a number"))
                }
            }
            J::Array(items) => Ok(Value::tuple(
                items
                    .iter()
                    .map(Value::from_json)
                    .collect::<Result<_, _>>()?,
            )),
            J::Null => Err("null is not a record (use a value)".into()),
            J::Object(_) => Err("a JSON object is not a record (use an array for a tuple)".into()),
        }
    }

    /// `java.lang.Object.hashCode` as the JVM computes it for the boxed value (Scala's own
    /// hash for tuples and lists is approximated by the 31-multiplier rule). Spark's
    /// `HashPartitioner` places a key in partition `nonNegativeMod(hashCode, n)`.
    pub fn java_hash_code(&self) -> i32 {
        match self {
            Value::Int(i) => (*i ^ ((*i as u64) >> 32) as i64) as i32,
            Value::Double(d) => {
                let bits = if d.is_nan() {
                    0x7ff8_0000_0000_0000
                } else {
                    d.to_bits()
                };
                (bits ^ (bits >> 32)) as i32
            }
            Value::Bool(b) => {
                if *b {
                    1231
                } else {
                    1237
                }
            }
            Value::Str(s) => s
                .encode_utf16()
                .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32)),
            Value::Tuple(items) | Value::List(items) => items.iter().fold(1i32, |h, v| {
                h.wrapping_mul(31).wrapping_add(v.java_hash_code())
            }),
            Value::Opt(None) => 0,
            Value::Opt(Some(v)) => v.java_hash_code(),
        }
    }

    /// The partition Spark's `HashPartitioner` gives this key.
    pub fn partition_of(&self, partitions: usize) -> usize {
        let n = partitions.max(1) as i32;
        self.java_hash_code().rem_euclid(n) as usize
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Int(_) => 0,
            Value::Double(_) => 1,
            Value::Bool(_) => 2,
            Value::Str(_) => 3,
            Value::Tuple(_) => 4,
            Value::List(_) => 5,
            Value::Opt(_) => 6,
        }
    }
}

/// `java.lang.Double.compare`: -0.0 < 0.0, NaN above everything and equal to itself.
fn java_double_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.total_cmp(&b),
    }
}

/// Scala's natural `Ordering`: numbers by value, strings by UTF-16 code unit (Java's
/// `compareTo`), `false < true`, tuples and lists lexicographically, `None` before `Some`.
impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Double(a), Value::Double(b)) => java_double_cmp(*a, *b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Str(a), Value::Str(b)) => {
                if a.is_ascii() && b.is_ascii() {
                    a.as_bytes().cmp(b.as_bytes())
                } else {
                    a.encode_utf16().cmp(b.encode_utf16())
                }
            }
            (Value::Tuple(a), Value::Tuple(b)) | (Value::List(a), Value::List(b)) => a.cmp(b),
            (Value::Opt(a), Value::Opt(b)) => a.cmp(b),
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Equality of boxed JVM values (`equals`): doubles by bits, so keys group as in Spark.
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Double(a), Value::Double(b)) => java_double_cmp(*a, *b) == Ordering::Equal,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            // Shared strings (a split's repeated pieces) are equal without comparing bytes.
            (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || same_text(a, b),
            (Value::Tuple(a), Value::Tuple(b)) | (Value::List(a), Value::List(b)) => a == b,
            (Value::Opt(a), Value::Opt(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

/// `a == b` for strings, eight bytes at a time (keys are short, and WebAssembly's `memcmp`
/// compares byte by byte).
#[inline]
pub fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |c: &[u8]| u64::from_ne_bytes(c.try_into().unwrap_or([0; 8]));
    for (p, q) in (&mut x).zip(&mut y) {
        if word(p) != word(q) {
            return false;
        }
    }
    x.remainder().iter().zip(y.remainder()).all(|(p, q)| p == q)
}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Value::Int(i) => i.hash(state),
            Value::Double(d) => {
                let bits = if d.is_nan() {
                    f64::NAN.to_bits()
                } else {
                    d.to_bits()
                };
                bits.hash(state)
            }
            Value::Bool(b) => b.hash(state),
            Value::Str(s) => s.hash(state),
            Value::Tuple(items) | Value::List(items) => items.hash(state),
            Value::Opt(v) => v.hash(state),
        }
    }
}

/// Java's `Double.toString`: the shortest decimal that reads back as the same double, in
/// plain notation for 10^-3 <= |d| < 10^7 (`100.0`, `0.001`) and in computerized scientific
/// notation otherwise (`1.0E7`, `1.0E-4`).
pub fn java_double_to_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Rust's `{:e}` is the shortest round-trip representation: "d.ddde±x".
    let sci = format!("{:e}", d.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if d < 0.0 { "-" } else { "" };
    if (-3..7).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            let mut int_part = digits
                .get(..int_len.min(digits.len()))
                .unwrap_or("")
                .to_string();
            while int_part.len() < int_len {
                int_part.push('0');
            }
            let frac = digits
                .get(int_len..)
                .filter(|f| !f.is_empty())
                .unwrap_or("0");
            format!("{sign}{int_part}.{frac}")
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exp}")
    }
}

/// The JVM's `toString`, which `String + x` uses: `1.0E7`, `(a,1)`, `List(a, b)`, `Some(3)`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Double(d) => f.write_str(&java_double_to_string(*d)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Str(s) => f.write_str(s),
            Value::Tuple(items) => {
                f.write_str("(")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
            Value::List(items) => {
                f.write_str("List(")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
            Value::Opt(None) => f.write_str("None"),
            Value::Opt(Some(v)) => write!(f, "Some({v})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_as_java_does() {
        for (d, s) in [
            (3.0, "3.0"),
            (1.0e7, "1.0E7"),
            (9_999_999.0, "9999999.0"),
            (1.0e-4, "1.0E-4"),
            (0.001, "0.001"),
            (123.456, "123.456"),
            (-2.5, "-2.5"),
            (1.5e300, "1.5E300"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-0.0, "-0.0"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(java_double_to_string(d), s, "{d:?}");
        }
    }

    #[test]
    fn tostring_matches_the_jvm_for_nested_values() {
        let v = Value::tuple(vec![
            Value::str("a"),
            Value::Int(1),
            Value::list(vec![Value::Double(2.0), Value::Double(0.5)]),
            Value::some(Value::Bool(true)),
            Value::none(),
        ]);
        assert_eq!(v.to_string(), "(a,1,List(2.0, 0.5),Some(true),None)");
    }

    #[test]
    fn same_text_is_string_equality() {
        let words = [
            "",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "é",
            "abcdefgX",
            "abcdefgh1",
        ];
        for a in words {
            for b in words {
                assert_eq!(same_text(a, b), a == b, "{a:?} {b:?}");
            }
        }
        assert!(!same_text("abcdefgh12345678x", "abcdefgh12345678y"));
    }

    #[test]
    fn string_hash_codes_match_java() {
        assert_eq!(Value::str("hello").java_hash_code(), 99_162_322);
        assert_eq!(Value::str("").java_hash_code(), 0);
        assert_eq!(Value::Int(-1).java_hash_code(), 0);
        assert_eq!(Value::Int(7).partition_of(2), 1);
    }

    #[test]
    fn json_round_trips_and_keeps_ints_apart_from_doubles() {
        let j: serde_json::Value = serde_json::from_str(r#"["a", 3, 3.0, [true, -1]]"#).unwrap();
        let v = Value::from_json(&j).unwrap();
        assert_eq!(
            v.type_of(),
            Type::Tuple(vec![
                Type::String,
                Type::Int,
                Type::Double,
                Type::Tuple(vec![Type::Boolean, Type::Int])
            ])
        );
        assert_eq!(
            serde_json::to_string(&v.to_json()).unwrap(),
            r#"["a",3,3.0,[true,-1]]"#
        );
        assert!(Value::from_json(&serde_json::json!(null)).is_err());
        assert!(Value::from_json(&serde_json::json!(u64::MAX)).is_err());
    }

    #[test]
    fn ordering_is_scala_natural_ordering() {
        let mut v = [
            Value::pair(Value::Int(2), Value::str("b")),
            Value::pair(Value::Int(2), Value::str("a")),
            Value::pair(Value::Int(-1), Value::str("z")),
        ];
        v.sort();
        let printed: Vec<String> = v.iter().map(Value::to_string).collect();
        assert_eq!(printed, ["(-1,z)", "(2,a)", "(2,b)"]);
        assert!(Value::Double(-0.0) < Value::Double(0.0));
        assert!(Value::Double(f64::NAN) > Value::Double(f64::INFINITY));
        assert!(Value::none() < Value::some(Value::Int(0)));
    }
}

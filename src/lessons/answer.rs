//! A learner's answer read from what they typed or chose, in the form the engine's answer
//! takes (a number, records as Spark prints them, batch numbers, a choice's value), and the
//! comparison of the two.

use serde_json::{json, Value};

use super::{Choice, Kind};

/// An answer as the page keeps it: its value, and how the page repeats it.
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    pub value: Value,
    pub shown: String,
}

/// Reads the answer to a question of `kind`: `text` typed, or `choice` picked.
pub fn parse(
    kind: Kind,
    choices: &[Choice],
    text: &str,
    choice: Option<usize>,
) -> Result<Given, String> {
    let text = text.trim();
    match kind {
        Kind::Choice => {
            let c = choice
                .and_then(|i| choices.get(i))
                .ok_or("Pick one of the answers first.")?;
            Ok(Given {
                value: c.value.clone(),
                shown: c.label.clone(),
            })
        }
        Kind::Number => {
            let n: f64 = text
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| format!("\"{text}\" is not a number: type one, like 3."))?;
            Ok(Given {
                value: number(n),
                shown: text.to_string(),
            })
        }
        Kind::Records => {
            let items = records(text)?;
            Ok(Given {
                shown: if items.is_empty() {
                    "nothing".into()
                } else {
                    items.join(" ")
                },
                value: json!(items),
            })
        }
        Kind::Batches => {
            let b = batches(text)?;
            Ok(Given {
                shown: show_batches(&b),
                value: json!(b),
            })
        }
    }
}

/// A number as JSON: an integer when it is one.
pub fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// Records as a sorted list of their printed forms without spaces (a multiset, as an RDD's
/// records are). `(a,2) (b,1)`, `(a, 2), (b, 1)` and `a b` all read.
pub fn records(text: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                current.push(c);
            }
            ')' | ']' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("\"{text}\" closes a bracket it never opened."));
                }
                current.push(c);
            }
            c if depth == 0 && (c.is_whitespace() || c == ',') => {
                if !current.is_empty() {
                    items.push(std::mem::take(&mut current));
                }
            }
            c if c.is_whitespace() => {}
            c => current.push(c),
        }
    }
    if depth != 0 {
        return Err(format!("\"{text}\" leaves a bracket open."));
    }
    if !current.is_empty() {
        items.push(current);
    }
    Ok(sorted(items))
}

/// Printed records in the form [`records`] reads them in.
pub fn sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = items
        .into_iter()
        .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    v.sort();
    v
}

/// Batch numbers: `0-3`, `#0-#3`, `2, 3`, `#2 #3`.
pub fn batches(text: &str) -> Result<Vec<u64>, String> {
    let bad = |t: &str| format!("\"{t}\" is not a batch number: type them like 0-3 or 2, 3.");
    let num = |t: &str| {
        t.trim()
            .trim_start_matches('#')
            .parse::<u64>()
            .map_err(|_| bad(t))
    };
    let mut out = Vec::new();
    for token in text.split(|c: char| c == ',' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        match token.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                if b < a || b - a > 10_000 {
                    return Err(bad(token));
                }
                out.extend(a..=b);
            }
            None => out.push(num(token)?),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// `#0-#3`, `#2, #5`, `none`.
pub fn show_batches(b: &[u64]) -> String {
    match b {
        [] => "none".into(),
        [one] => format!("#{one}"),
        [first, .., last] if b.windows(2).all(|w| w[1] == w[0] + 1) => {
            format!("#{first}-#{last}")
        }
        _ => b
            .iter()
            .map(|n| format!("#{n}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Whether an answer is the engine's: equal JSON, numbers equal as numbers.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_as_spark_prints_them_in_any_order_and_spacing() {
        assert_eq!(
            records("(b, 1), (a,2)").unwrap(),
            vec!["(a,2)".to_string(), "(b,1)".to_string()]
        );
        assert_eq!(records("a b a").unwrap(), vec!["a", "a", "b"]);
        assert!(records("(a,2").is_err());
        assert!(records("").unwrap().is_empty());
    }

    #[test]
    fn batches_read_as_ranges_or_lists() {
        assert_eq!(batches("#0-#3").unwrap(), vec![0, 1, 2, 3]);
        assert_eq!(batches("2, 3 #5").unwrap(), vec![2, 3, 5]);
        assert!(batches("two").is_err());
        assert_eq!(show_batches(&[0, 1, 2, 3]), "#0-#3");
        assert_eq!(show_batches(&[2, 5]), "#2, #5");
    }

    #[test]
    fn numbers_compare_as_numbers_and_a_choice_must_be_picked() {
        let g = parse(Kind::Number, &[], " 3 ", None).unwrap();
        assert!(same(&g.value, &json!(3.0)));
        assert!(parse(Kind::Number, &[], "three", None)
            .unwrap_err()
            .contains("three"));
        assert!(parse(Kind::Choice, &[], "", None).is_err());
    }
}

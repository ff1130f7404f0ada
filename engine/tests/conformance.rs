//! The conformance corpus (`shared/conformance`): every case replayed through the engine
//! must give exactly what Apache Spark 4.3.0 gave, under `compare.py`'s rules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use dstream_engine::Engine;
use serde_json::Value as J;

mod support;

use support::{conformance_cases as cases, corpus};

/// `compare.py`'s canonical text: compact JSON, floats rounded to 12 significant digits.
fn canon(x: &J) -> String {
    fn round(x: &J) -> J {
        match x {
            J::Number(n) if n.is_f64() => {
                let f = n.as_f64().unwrap_or(0.0);
                let r: f64 = format!("{f:.11e}").parse().unwrap_or(f);
                serde_json::Number::from_f64(r).map_or(J::Null, J::Number)
            }
            J::Array(items) => J::Array(items.iter().map(round).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&round(x)).unwrap_or_default()
}

fn kind(x: &J) -> &'static str {
    match x {
        J::Bool(_) => "bool",
        J::Number(n) if n.is_f64() => "double",
        J::Number(_) => "int",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Null => "null",
        J::Object(_) => "object",
    }
}

/// Ints equal exactly, doubles within 1e-9 relative, an int never equals a double.
fn value_eq(a: &J, b: &J) -> bool {
    if kind(a) != kind(b) {
        return false;
    }
    match (a, b) {
        (J::Number(x), J::Number(y)) if x.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs())
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| value_eq(p, q))
        }
        _ => a == b,
    }
}

fn sort_groups(records: &[J], group: Option<&str>) -> Vec<J> {
    let sorted = |v: &J| match v {
        J::Array(items) => {
            let mut items = items.clone();
            items.sort_by_key(canon);
            J::Array(items)
        }
        other => other.clone(),
    };
    records
        .iter()
        .map(|r| match (group, r) {
            (Some("values"), J::Array(kv)) if kv.len() == 2 => {
                J::Array(vec![kv[0].clone(), sorted(&kv[1])])
            }
            (Some("cogroup"), J::Array(kv)) if kv.len() == 2 => match &kv[1] {
                J::Array(parts) => J::Array(vec![
                    kv[0].clone(),
                    J::Array(parts.iter().map(sorted).collect()),
                ]),
                _ => r.clone(),
            },
            _ => r.clone(),
        })
        .collect()
}

fn load(text: &str) -> Result<BTreeMap<(u64, String), J>, String> {
    let mut lines = BTreeMap::new();
    for (n, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let d: J = serde_json::from_str(raw).map_err(|e| format!("line {}: {e}", n + 1))?;
        let batch = d["batch"]
            .as_u64()
            .ok_or(format!("line {}: no batch", n + 1))?;
        let output = d["output"]
            .as_str()
            .ok_or(format!("line {}: no output", n + 1))?
            .to_string();
        if !d["records"].is_array() {
            return Err(format!("line {}: no records", n + 1));
        }
        if lines.insert((batch, output.clone()), d).is_some() {
            return Err(format!("duplicate line for batch {batch} output {output}"));
        }
    }
    Ok(lines)
}

/// The mismatches between expected and actual JSON lines (empty: they match).
fn compare(expected: &str, actual: &str) -> Vec<String> {
    let (exp, act) = match (load(expected), load(actual)) {
        (Ok(e), Ok(a)) => (e, a),
        (Err(e), _) => return vec![format!("expected: {e}")],
        (_, Err(e)) => return vec![format!("actual: {e}")],
    };
    let keys: BTreeSet<&(u64, String)> = exp.keys().chain(act.keys()).collect();
    let mut problems = Vec::new();
    for key in keys {
        let where_ = format!("batch {} output {:?}", key.0, key.1);
        let (e, a) = match (exp.get(key), act.get(key)) {
            (Some(e), Some(a)) => (e, a),
            (Some(e), None) => {
                problems.push(format!("{where_}: missing (expected {})", e["records"]));
                continue;
            }
            (None, Some(a)) => {
                problems.push(format!("{where_}: unexpected line {}", a["records"]));
                continue;
            }
            (None, None) => continue,
        };
        if e.get("time_ms").is_some() && e.get("time_ms") != a.get("time_ms") {
            problems.push(format!(
                "{where_}: time_ms {} vs {}",
                e["time_ms"], a["time_ms"]
            ));
        }
        let group = e.get("group_values").and_then(|g| g.as_str());
        let mut er = sort_groups(e["records"].as_array().map_or(&[][..], |v| v), group);
        let mut ar = sort_groups(a["records"].as_array().map_or(&[][..], |v| v), group);
        if e.get("ordered") != Some(&J::Bool(true)) {
            er.sort_by_key(canon);
            ar.sort_by_key(canon);
        }
        if er.len() != ar.len() || !er.iter().zip(&ar).all(|(x, y)| value_eq(x, y)) {
            problems.push(format!(
                "{where_}: expected {}, got {}",
                J::Array(er),
                J::Array(ar)
            ));
        }
    }
    problems
}

fn run_case(case: &Path) -> Result<(), String> {
    let name = case.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
    let expected_path = corpus().join("expected").join(format!("{name}.jsonl"));
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("no expected file {}: {e}", expected_path.display()))?;
    let text = std::fs::read_to_string(case).map_err(|e| e.to_string())?;
    let mut engine = Engine::from_json(&text).map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let lines = engine.replay().map_err(|e| e.to_string())?;
    let actual: String = lines.iter().map(|l| l.to_json_line() + "\n").collect();
    let problems = compare(&expected, &actual);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

#[test]
fn every_case_matches_spark() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(e) = run_case(case) {
            failures.push(format!("FAIL {}:\n    {e}", case.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} conformance cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_comparison_catches_differences() {
    let e = r#"{"batch":0,"time_ms":1000,"output":"o","records":[["a",3],["b",1.5]]}"#;
    assert!(compare(
        e,
        r#"{"batch":0,"time_ms":1000,"output":"o","records":[["b",1.5],["a",3]]}"#
    )
    .is_empty());
    // An int never equals a double.
    assert!(!compare(
        e,
        r#"{"batch":0,"time_ms":1000,"output":"o","records":[["a",3.0],["b",1.5]]}"#
    )
    .is_empty());
    // Order matters only for ordered lines.
    let o = r#"{"batch":0,"time_ms":1000,"output":"o","ordered":true,"records":[1,2]}"#;
    assert!(!compare(
        o,
        r#"{"batch":0,"time_ms":1000,"output":"o","records":[2,1]}"#
    )
    .is_empty());
    // A missing line and a wrong time fail.
    assert!(!compare(e, "").is_empty());
    assert!(!compare(
        e,
        r#"{"batch":0,"time_ms":2000,"output":"o","records":[["a",3],["b",1.5]]}"#
    )
    .is_empty());
    // Grouped values compare as multisets.
    let g = r#"{"batch":0,"output":"g","group_values":"values","records":[["a",[1,2]]]}"#;
    assert!(compare(g, r#"{"batch":0,"output":"g","records":[["a",[2,1]]]}"#).is_empty());
    assert!(!compare(g, r#"{"batch":0,"output":"g","records":[["a",[2,2]]]}"#).is_empty());
}

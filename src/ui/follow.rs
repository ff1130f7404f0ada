//! Following a clicked record through the DAG. The engine reports no lineage, so the page
//! marks, in the followed node and everything downstream of it, the sampled records that
//! carry the followed record's key or one of its words (display only: nothing is computed).

use std::collections::HashSet;

use dstream_engine::{PipelineSpec, Value};

/// The ids of `id` and every node downstream of it.
pub fn downstream(spec: &PipelineSpec, id: &str) -> HashSet<String> {
    let mut seen: HashSet<String> = HashSet::from([id.to_string()]);
    loop {
        let before = seen.len();
        for n in &spec.nodes {
            if n.inputs.iter().any(|i| seen.contains(i)) {
                seen.insert(n.id.clone());
            }
        }
        if seen.len() == before {
            return seen;
        }
    }
}

/// What a record is known by: the key of a pair, else its words.
pub fn terms(followed: &Value) -> HashSet<String> {
    if let Some((k, _)) = followed.as_pair() {
        return HashSet::from([k.to_string()]);
    }
    let text = followed.to_string();
    let mut t: HashSet<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '/' || c == '_' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    t.insert(text);
    t
}

/// Whether `record` looks like something the followed record became.
pub fn related(terms: &HashSet<String>, record: &Value) -> bool {
    let key = match record.as_pair() {
        Some((k, _)) => k.to_string(),
        None => record.to_string(),
    };
    terms.contains(&key) || terms.contains(&record.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dstream_engine::NodeSpec;

    #[test]
    fn a_line_is_followed_to_its_words_and_their_counts() {
        let t = terms(&Value::str("x a b"));
        assert!(related(&t, &Value::str("a")));
        assert!(related(&t, &Value::pair(Value::str("b"), Value::Int(2))));
        assert!(!related(&t, &Value::pair(Value::str("c"), Value::Int(1))));
    }

    #[test]
    fn downstream_includes_descendants_only() {
        let spec = PipelineSpec {
            version: 1,
            name: None,
            description: None,
            batch_interval_ms: 1000,
            ticks: None,
            nodes: vec![
                NodeSpec::new("a", "queueStream", &[]),
                NodeSpec::new("b", "map", &["a"]),
                NodeSpec::new("c", "queueStream", &[]),
                NodeSpec::new("d", "union", &["b", "c"]),
            ],
        };
        let d = downstream(&spec, "b");
        assert!(d.contains("b") && d.contains("d"));
        assert!(!d.contains("a") && !d.contains("c"));
    }
}

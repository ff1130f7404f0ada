//! The exporters: every conformance case exports as PySpark and Scala with each node's lines
//! mapped both ways, and no pipeline text (names, descriptions, records, lambda strings)
//! breaks out of a string or a comment.

mod support;

use dstream_engine::export::{export, ExportOptions, Language};
use dstream_engine::PipelineSpec;

fn both() -> [Language; 2] {
    [Language::PySpark, Language::Scala]
}

#[test]
fn every_case_exports_with_each_nodes_lines_found_both_ways() {
    for path in support::conformance_cases() {
        let name = path.display().to_string();
        let spec = PipelineSpec::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for lang in both() {
            for jsonl in [false, true] {
                let options = ExportOptions {
                    jsonl,
                    ..ExportOptions::default()
                };
                let p = export(&spec, lang, &options).unwrap_or_else(|e| panic!("{name}: {e:?}"));
                let total = p.text.lines().count();
                for n in &spec.nodes {
                    let ranges = p.lines_of(&n.id);
                    assert!(!ranges.is_empty(), "{name} {lang:?}: no lines for {}", n.id);
                    for &(a, b) in ranges {
                        assert!(
                            1 <= a && a <= b && b <= total,
                            "{name}: {a}..{b} of {total}"
                        );
                        for line in a..=b {
                            assert_eq!(p.node_at(line), Some(n.id.as_str()), "{name} line {line}");
                        }
                        assert!(p.text.lines().nth(a - 1).unwrap_or("").contains(&n.id));
                    }
                }
                assert!(p.text.contains("awaitTermination") || jsonl, "{name}");
                assert!(
                    p.text.contains("getOrCreate"),
                    "{name}: checkpoints by default"
                );
            }
        }
    }
}

const NASTY: &str =
    "q\"uo'te \\ back\\slash\n*/ end \"\"\" triple \r\u{2028} é😀 \\u0022 ${x} #{y}";

fn nasty_pipeline() -> PipelineSpec {
    let s = serde_json::to_string(NASTY).unwrap();
    let lit = serde_json::to_string(NASTY).unwrap();
    let lambda = serde_json::to_string(&format!(
        "x => x + {}",
        serde_json::to_string(NASTY).unwrap()
    ))
    .unwrap();
    PipelineSpec::from_json(&format!(
        r#"{{"version": 1, "name": {s}, "description": {s}, "batch_interval_ms": 1000,
        "nodes": [
          {{"id": "lines", "op": "queueStream", "batches": [[{lit}], []]}},
          {{"id": "tagged", "op": "map", "inputs": ["lines"], "fn": {lambda}}},
          {{"id": "out", "op": "foreachRDD", "inputs": ["tagged"], "action": "collect"}}]}}"#
    ))
    .expect("the nasty pipeline parses")
}

#[test]
fn no_pipeline_text_leaves_its_string_or_comment() {
    let spec = nasty_pipeline();
    for lang in both() {
        let p = export(&spec, lang, &ExportOptions::default()).unwrap();
        // No line break of the text reaches the program: it stays on the line the
        // exporter put it on, in a line comment or an escaped string literal.
        assert!(
            !p.text.contains('\r') && !p.text.contains('\u{2028}'),
            "{lang:?}"
        );
        for line in p.text.lines() {
            if line.contains("*/ end") || line.contains("triple") {
                let t = line.trim_start();
                let comment = t.starts_with("//") || t.starts_with('#');
                let literal = line.contains("\\n*/ end") || line.contains("\\x0a*/ end");
                assert!(
                    comment || literal,
                    "{lang:?}: raw text outside a comment or literal: {line}"
                );
            }
            assert!(
                !line.starts_with("*/") && !line.starts_with(" triple"),
                "{lang:?}: {line}"
            );
        }
    }
}

/// The PySpark program is Python that names the pipeline exactly (parsed by python3's ast,
/// where a python3 is on the machine).
#[test]
fn the_pyspark_program_parses_and_keeps_the_name() {
    let spec = nasty_pipeline();
    let p = export(&spec, Language::PySpark, &ExportOptions::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("export-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("p.py");
    std::fs::write(&file, &p.text).unwrap();
    let want = dir.join("name.json");
    std::fs::write(&want, serde_json::to_string(NASTY).unwrap()).unwrap();
    let check = format!(
        "import ast, json, sys\nt = ast.parse(open({:?}, encoding='utf-8').read())\nname = [n.value.value for n in t.body if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', '') == 'APP_NAME'][0]\nsys.exit(0 if name == json.load(open({:?}, encoding='utf-8')) else 1)",
        file.to_string_lossy(),
        want.to_string_lossy()
    );
    match std::process::Command::new("python3")
        .arg("-c")
        .arg(&check)
        .status()
    {
        Ok(s) => assert!(s.success(), "the program does not parse or lost the name"),
        Err(_) => eprintln!("no python3: skipped"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

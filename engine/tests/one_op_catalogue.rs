//! One catalogue of ops (`src/catalog.rs`): no other list of op names exists in the engine.
//! Every Rust file of the crate (sources, tests, benches, examples) is scanned for three or
//! more op names written out as strings within a few lines (`catalog::op_name_lists`),
//! except the catalogue itself, the lambda language (`src/lambda/`, whose names are Scala's
//! collection methods: `count`, `map`, `filter` …, not ops), and for now the exporters
//! (`src/export/`), which still dispatch on op names as strings: once they match on
//! `catalog::OpKind` as the planner does, drop them from `EXEMPT`.

use std::path::{Path, PathBuf};

use dstream_engine::catalog::{self, op_name_lists};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !p.ends_with("target") && !p.ends_with("fixtures") {
                rust_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// What the scan leaves out (see the module's doc).
const EXEMPT: [&str; 3] = ["src/catalog.rs", "src/lambda", "src/export"];

#[test]
fn no_list_of_op_names_exists_outside_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let skip: Vec<PathBuf> = EXEMPT.iter().map(|p| root.join(p)).collect();
    let scanned: Vec<&PathBuf> = files
        .iter()
        .filter(|f| !skip.iter().any(|s| f.starts_with(s)))
        .collect();
    assert!(
        scanned.len() >= 40,
        "only {} files scanned: is the crate's layout what this test expects?",
        scanned.len()
    );
    let mut found = Vec::new();
    for f in &scanned {
        let text = std::fs::read_to_string(f).expect("readable");
        for list in op_name_lists(&text) {
            found.push(format!(
                "{}:{}: {}",
                f.strip_prefix(root).unwrap_or(f).display(),
                list.line,
                list.names.join(", ")
            ));
        }
    }
    assert!(
        found.is_empty(),
        "op names listed outside src/catalog.rs (read them from dstream_engine::catalog):\n{}",
        found.join("\n")
    );
}

/// The scan finds what it looks for: the planner's old table, written as it was, is a list.
#[test]
fn the_scan_finds_a_table_of_ops_as_the_planner_once_had() {
    let old = r#"
pub const OPS: &[(&str, &[&str])] = &[
    ("queueStream", &["batches"]),
    ("textInput", &[]),
    ("generator", &["kind", "rate_per_s", "seed"]),
];
fn arity(op: &str) -> (usize, Option<usize>) {
    match op {
        "union" => (2, None),
        _ => (1, Some(1)),
    }
}"#;
    let lists = op_name_lists(old);
    assert_eq!(lists.len(), 1, "{lists:?}");
    assert_eq!(lists[0].line, 3);
    assert_eq!(
        lists[0].names.join(" "),
        "queueStream textInput generator union"
    );
    // Every op the catalogue has is one the scan looks for.
    let all: Vec<String> = catalog::OPS
        .iter()
        .map(|o| format!("\"{}\",\n", o.name))
        .collect();
    let lists = op_name_lists(&all.concat());
    let named: usize = lists.iter().map(|l| l.names.len()).sum();
    assert_eq!(named, catalog::OPS.len());
}

//! One catalogue of ops (`dstream_engine::catalog`): no other list of op names exists in the
//! web app either. Every Rust file of the app (`src/`, `tests/`) is scanned for three or more
//! op names written out as strings within a few lines (`catalog::op_name_lists`, the engine's
//! own scan, which `engine/tests/one_op_catalogue.rs` runs over the engine).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use dstream_engine::catalog::op_name_lists;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_app_lists_no_op_names_of_its_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(
        files.len() >= 40,
        "only {} files scanned: is the app's layout what this test expects?",
        files.len()
    );
    let mut found = Vec::new();
    for f in &files {
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
        "op names listed in the app (read them from dstream_engine::catalog):\n{}",
        found.join("\n")
    );
}

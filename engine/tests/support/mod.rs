//! What several test files share: the conformance corpus (`shared/conformance` beside the
//! project, or `DSTREAM_CONFORMANCE_DIR`, as `scripts/test.sh` reads it), whose cases the
//! reference tests run.
// Each test file is its own crate and uses only part of this.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The corpus folder: `cases/` and `expected/`.
pub fn corpus() -> PathBuf {
    match std::env::var("DSTREAM_CONFORMANCE_DIR") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    }
}

/// Every case's pipeline file, in name order; fails naming the folder if there is none.
pub fn conformance_cases() -> Vec<PathBuf> {
    let dir = corpus().join("cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "the conformance corpus is missing at {}: {e}",
                dir.display()
            )
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    cases.sort();
    assert!(
        !cases.is_empty(),
        "no conformance cases in {}",
        dir.display()
    );
    cases
}

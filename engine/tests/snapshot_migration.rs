//! Snapshot format migration: the version-1 snapshots in `tests/fixtures/snapshot-v1/` were
//! written by the version-1 engine (commit 151e162); each one must still be read (migrated),
//! restored, and continue with exactly the lines of an uninterrupted run of its pipeline.
//!
//! The fixtures are named `<pipeline>-after-<N>.snap`, next to the `<pipeline>.json` they were
//! made from. To re-create them: `cargo test -p dstream-engine --test snapshot_migration --
//! --ignored regenerate_v1_fixtures`.

use std::path::{Path, PathBuf};

use dstream_engine::Engine;

/// The fixtures: pipeline file stem and the batch count N the snapshot was taken after
/// (each N leaves window or keyed state that the next batches read).
const FIXTURES: [(&str, u64); 3] = [
    ("windowed_word_count_inverse", 4),
    ("update_state_running_totals", 5),
    ("windowed-word-count", 6),
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot-v1")
}

fn pipeline(name: &str) -> String {
    std::fs::read_to_string(dir().join(format!("{name}.json"))).expect("the fixture's pipeline")
}

fn fixture_path(name: &str, n: u64) -> PathBuf {
    dir().join(format!("{name}-after-{n}.snap"))
}

/// The engine of `name` after `n` batches.
fn engine_after(name: &str, n: u64) -> Engine {
    let mut e = Engine::from_json(&pipeline(name)).expect("a valid pipeline");
    for _ in 0..n {
        e.tick().expect("the batch runs");
    }
    e
}

/// Writes every fixture with the engine's version-1 writer.
#[test]
#[ignore = "re-creates the committed fixtures; run by hand"]
fn regenerate_v1_fixtures() {
    for (name, n) in FIXTURES {
        let bytes = engine_after(name, n).snapshot().to_bytes();
        assert_eq!(&bytes[8..12], &1u32.to_le_bytes(), "a version-1 snapshot");
        std::fs::write(fixture_path(name, n), bytes).expect("written");
    }
}

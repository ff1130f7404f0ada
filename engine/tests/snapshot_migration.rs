//! Snapshot format migration: the version-1 snapshots in `tests/fixtures/snapshot-v1/` were
//! written by the version-1 engine (commit 151e162, `Snapshot::to_bytes` then); each one must
//! still be read (migrated to version 2), restored, and continue with exactly the lines of an
//! uninterrupted run of its pipeline. A damaged one is still named, a newer one refused.
//!
//! The fixtures are named `<pipeline>-after-<N>.snap`, next to the `<pipeline>.json` they were
//! made from. To re-create them: `cargo test -p dstream-engine --test snapshot_migration --
//! --ignored regenerate_v1_fixtures` (it writes with `Snapshot::to_v1_bytes`, which
//! `the_kept_v1_writer_reproduces_the_fixtures` checks byte for byte against the committed
//! files).

mod support;

use std::path::{Path, PathBuf};

use dstream_engine::checkpoint::{pipeline_key, FORMAT_VERSION};
use dstream_engine::{Engine, PipelineSpec, Snapshot, SnapshotError};

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

fn fixture(name: &str, n: u64) -> Vec<u8> {
    std::fs::read(fixture_path(name, n)).expect("the committed fixture")
}

fn lines(e: &mut Engine, ticks: u64) -> Vec<String> {
    (0..ticks)
        .flat_map(|_| e.tick().expect("the batch runs").outputs)
        .map(|l| l.to_json_line())
        .collect()
}

/// Writes every fixture with the kept version-1 writer.
#[test]
#[ignore = "re-creates the committed fixtures; run by hand"]
fn regenerate_v1_fixtures() {
    for (name, n) in FIXTURES {
        let bytes = engine_after(name, n).snapshot().to_v1_bytes();
        assert_eq!(&bytes[8..12], &1u32.to_le_bytes(), "a version-1 snapshot");
        std::fs::write(fixture_path(name, n), bytes).expect("written");
    }
}

#[test]
fn every_v1_fixture_migrates_restores_and_continues_like_an_uninterrupted_run() {
    for (name, n) in FIXTURES {
        let bytes = fixture(name, n);
        assert_eq!(
            &bytes[8..12],
            &1u32.to_le_bytes(),
            "{name}: a version-1 file"
        );
        let snapshot = Snapshot::from_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(snapshot.migrated_from, Some(1), "{name}");
        assert_eq!(snapshot.batches_run, n, "{name}");
        let spec = PipelineSpec::from_json(&pipeline(name)).expect("valid");
        // The fields version 2 adds, derived from the pipeline the snapshot carries.
        assert_eq!(snapshot.pipeline_key, pipeline_key(&spec), "{name}");
        assert_eq!(snapshot.time_ms, n * spec.batch_interval_ms, "{name}");
        assert!(
            snapshot
                .nodes
                .iter()
                .any(|s| !s.history.is_empty() || s.last_window.is_some()),
            "{name}: the fixture holds state"
        );

        let ticks = Engine::from_json(&pipeline(name))
            .expect("valid")
            .plan()
            .ticks;
        assert!(ticks > n, "{name}: batches remain after the snapshot");
        let whole = lines(
            &mut Engine::from_json(&pipeline(name)).expect("valid"),
            ticks,
        );
        let mut split = lines(&mut engine_after(name, 0), n);
        let mut restored = Engine::restore(snapshot).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(restored.batches_run(), n);
        let rest = lines(&mut restored, ticks - n);
        assert!(!rest.is_empty(), "{name}: the restored run prints");
        split.extend(rest);
        assert_eq!(split, whole, "{name} migrated after {n}");

        // Written again it is a version-2 snapshot, and it reads back unchanged.
        let migrated = Snapshot::from_bytes(&bytes).expect("migrates");
        let again = migrated.to_bytes();
        assert_eq!(&again[8..12], &FORMAT_VERSION.to_le_bytes());
        let reread = Snapshot::from_bytes(&again).expect("reads");
        assert_eq!(reread.migrated_from, None);
        assert_eq!(
            Snapshot {
                migrated_from: Some(1),
                ..reread
            },
            migrated
        );
    }
}

#[test]
fn the_kept_v1_writer_reproduces_the_fixtures() {
    for (name, n) in FIXTURES {
        assert!(
            engine_after(name, n).snapshot().to_v1_bytes() == fixture(name, n),
            "{name}: to_v1_bytes differs from the committed version-1 file"
        );
    }
}

#[test]
fn a_v1_fixture_with_any_payload_byte_flipped_is_reported_corrupted() {
    let bytes = fixture(FIXTURES[0].0, FIXTURES[0].1);
    for i in 24..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x01;
        let e = Snapshot::from_bytes(&flipped).expect_err("refused");
        assert!(matches!(e, SnapshotError::Corrupt { .. }), "byte {i}: {e}");
        assert!(e.to_string().contains("corrupted"), "{e}");
    }
}

#[test]
fn a_version_3_header_is_refused_naming_3_and_2() {
    let mut bytes = fixture(FIXTURES[1].0, FIXTURES[1].1);
    bytes[8..12].copy_from_slice(&3u32.to_le_bytes());
    let e = Snapshot::from_bytes(&bytes).expect_err("refused");
    assert_eq!(
        e,
        SnapshotError::Version {
            found: 3,
            expected: 2
        }
    );
    let text = e.to_string();
    assert!(
        text.contains("version 3") && text.contains("version 2"),
        "{text}"
    );
}

/// The reference over the whole corpus: for every conformance case and every batch N, the
/// version-1 bytes of the snapshot after N, migrated and restored, continue like an
/// uninterrupted run.
#[test]
fn every_conformance_case_migrates_from_every_batch() {
    let cases = support::conformance_cases();
    assert!(cases.len() >= 14, "found {} cases", cases.len());
    for path in cases {
        let json = std::fs::read_to_string(&path).expect("readable");
        let ticks = Engine::from_json(&json).expect("valid").plan().ticks;
        let whole = lines(&mut Engine::from_json(&json).expect("valid"), ticks);
        for n in 0..=ticks {
            let mut first = Engine::from_json(&json).expect("valid");
            let mut got = lines(&mut first, n);
            let snapshot = Snapshot::from_bytes(&first.snapshot().to_v1_bytes()).expect("migrates");
            assert_eq!(snapshot.migrated_from, Some(1));
            got.extend(lines(
                &mut Engine::restore(snapshot).expect("restores"),
                ticks - n,
            ));
            assert_eq!(got, whole, "{} migrated after {n}", path.display());
        }
    }
}

/// The replay CLI restores a version-1 file too: `--restore` of a fixture prints exactly the
/// lines an uninterrupted run prints after its batch.
#[test]
fn the_replay_cli_restores_a_v1_fixture() {
    for (name, n) in FIXTURES {
        let case = dir().join(format!("{name}.json"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_replay"))
            .arg("--restore")
            .arg(fixture_path(name, n))
            .arg(&case)
            .output()
            .expect("the replay binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {stderr}");
        let ticks = Engine::from_json(&pipeline(name))
            .expect("valid")
            .plan()
            .ticks;
        let whole = lines(&mut engine_after(name, 0), ticks);
        let rest: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        let skipped = lines(&mut engine_after(name, 0), n).len();
        assert_eq!(rest, whole[skipped..], "{name} after {n}");
    }
}

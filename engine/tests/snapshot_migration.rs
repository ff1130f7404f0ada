//! Snapshot format migration: the version-1 snapshots in `tests/fixtures/snapshot-v1/` were
//! written by the version-1 engine (commit 151e162, `Snapshot::to_bytes` then), the version-2
//! ones in `tests/fixtures/snapshot-v2/` by the version-2 engine (commit 1fb929c, with the
//! lines it printed after restoring each); each one must still be read (migrated to the
//! current version), restored, and continue with exactly the lines of an uninterrupted run
//! of its pipeline (a version-2 one: the lines version 2 printed, except the `accumulate`
//! outputs, which a restored context starts at 0). A damaged one is still named, a newer one
//! refused.
//!
//! The fixtures are named `<pipeline>-after-<N>.snap`, next to the `<pipeline>.json` they were
//! made from; they are never re-created (a newer engine is not the one that wrote them).
//! `Snapshot::to_v1_bytes` and `to_v2_bytes` write those layouts again, for the tests over
//! every conformance case and batch.

mod support;

use std::path::{Path, PathBuf};
use std::rc::Rc;

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
                .any(|s| !s.history.is_empty() || s.window.is_some()),
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

        // Written again it is a current snapshot, and it reads back unchanged.
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

/// The kept version-1 writer writes what the version-1 engine wrote, except the windows'
/// own last RDDs, which that engine kept although no later batch reads them (the engine now
/// keeps only what a later job reads): so the migration tests that write version-1 bytes of
/// every case test the real layout.
#[test]
fn the_kept_v1_writer_writes_the_fixtures_layout() {
    for (name, n) in FIXTURES {
        let ours = Snapshot::from_bytes(&engine_after(name, n).snapshot().to_v1_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let theirs = Snapshot::from_bytes(&fixture(name, n)).expect("migrates");
        let spec = PipelineSpec::from_json(&pipeline(name)).expect("valid");
        assert_eq!(ours.nodes.len(), theirs.nodes.len(), "{name}");
        for (i, (a, b)) in ours.nodes.iter().zip(&theirs.nodes).enumerate() {
            assert_eq!(
                (&a.id, &a.reduced, &a.window, &a.state),
                (&b.id, &b.reduced, &b.window, &b.state),
                "{name}"
            );
            let windowed = dstream_engine::catalog::op_named(&spec.nodes[i].op)
                .is_some_and(|o| o.is_windowed());
            for entry in &b.history {
                let needless = windowed && Some(entry.0) == b.history.last().map(|e| e.0);
                assert!(
                    a.history.contains(entry) || needless,
                    "{name}: `{}` at {} ms is missing",
                    a.id,
                    entry.0
                );
            }
            assert!(a.history.iter().all(|e| b.history.contains(e)), "{name}");
        }
        assert_eq!(ours.input, theirs.input, "{name}");
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
fn a_version_4_header_is_refused_naming_4_and_3() {
    let mut bytes = fixture(FIXTURES[1].0, FIXTURES[1].1);
    bytes[8..12].copy_from_slice(&4u32.to_le_bytes());
    let e = Snapshot::from_bytes(&bytes).expect_err("refused");
    assert_eq!(
        e,
        SnapshotError::Version {
            found: 4,
            expected: 3
        }
    );
    let text = e.to_string();
    assert!(
        text.contains("version 4") && text.contains("version 3"),
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

/// The version-2 fixtures: file and pipeline.
const V2_FIXTURES: [(&str, &str); 6] = [
    (
        "windowed_word_count_inverse-after-4.snap",
        "windowed_word_count_inverse",
    ),
    (
        "update_state_running_totals-after-5.snap",
        "update_state_running_totals",
    ),
    ("windowed-word-count-after-6.snap", "windowed-word-count"),
    (
        "map_with_state_timeout-after-5.snap",
        "map_with_state_timeout",
    ),
    (
        "typed_lines_accumulate-after-3.snap",
        "typed_lines_accumulate",
    ),
    (
        "queue_receiver_kill-after-4-receiver-kill.snap",
        "queue_receiver_kill",
    ),
];

/// The typed lines of `typed_lines_accumulate`, per batch, as the version-2 writer fed them
/// before its snapshot (after the restore it typed nothing more).
const TYPED: &[&[&str]] = &[&["a b a"], &["b c"], &[], &["c d", "a"]];

fn v2_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snapshot-v2")
}

/// A JSON line with its records sorted (a multiset) unless Spark defines their order.
fn canonical(line: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    if v.get("ordered").is_none() {
        if let Some(records) = v.get_mut("records").and_then(|r| r.as_array_mut()) {
            records.sort_by_key(|r| r.to_string());
        }
    }
    v
}

#[test]
fn every_v2_fixture_migrates_and_continues_as_version_2_did_except_accumulators() {
    for (file, name) in V2_FIXTURES {
        let bytes = std::fs::read(v2_dir().join(file)).expect("the committed fixture");
        assert_eq!(
            &bytes[8..12],
            &2u32.to_le_bytes(),
            "{file}: a version-2 file"
        );
        let snapshot = Snapshot::from_bytes(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(snapshot.migrated_from, Some(2), "{file}");
        let json = std::fs::read_to_string(v2_dir().join(format!("{name}.json"))).expect("json");
        let spec = PipelineSpec::from_json(&json).expect("valid");
        assert_eq!(snapshot.pipeline_key, pipeline_key(&spec), "{file}");
        let from = snapshot.batches_run;
        let mut e = Engine::restore(snapshot).unwrap_or_else(|e| panic!("{file}: {e}"));
        let ticks = e.plan().ticks;
        let mut got = Vec::new();
        for _ in from..ticks {
            got.extend(e.tick().expect("runs").outputs);
        }
        let printed = std::fs::read_to_string(v2_dir().join(format!("{file}.jsonl")))
            .expect("what version 2 printed");
        let want: Vec<serde_json::Value> = printed.lines().map(canonical).collect();
        assert!(!want.is_empty(), "{file}");
        let got_lines: Vec<serde_json::Value> =
            got.iter().map(|l| canonical(&l.to_json_line())).collect();
        if name != "typed_lines_accumulate" {
            assert_eq!(got_lines, want, "{file}");
            continue;
        }
        // The running count of lines (`lines_so_far`, accumulate: true) starts again at 0 in
        // the restored context: it counts batch 3's 2 lines, where version 2 carried on from
        // the 2 lines typed before. The other output is as version 2 printed it.
        let (acc_got, rest_got): (Vec<_>, Vec<_>) = got_lines
            .into_iter()
            .partition(|l| l["output"] == "lines_so_far");
        let (acc_want, rest_want): (Vec<_>, Vec<_>) = want
            .into_iter()
            .partition(|l| l["output"] == "lines_so_far");
        assert_eq!(rest_got, rest_want, "{file}");
        let since: i64 = TYPED[from as usize..].iter().map(|l| l.len() as i64).sum();
        let before: i64 = TYPED[..from as usize].iter().map(|l| l.len() as i64).sum();
        assert_eq!((since, before), (2, 2));
        for (g, w) in acc_got.iter().zip(&acc_want) {
            assert_eq!(g["records"], serde_json::json!([since]), "{g}");
            assert_eq!(w["records"], serde_json::json!([since + before]), "{w}");
        }
        assert_eq!(acc_got.len(), (ticks - from) as usize);
    }
}

#[test]
fn a_v2_snapshot_s_parts_land_in_the_version_3_slots() {
    let read = |file: &str| {
        Snapshot::from_bytes(&std::fs::read(v2_dir().join(file)).expect("fixture")).expect("reads")
    };
    // mapWithState's state was in the window's slot; it has its own.
    let s = read("map_with_state_timeout-after-5.snap");
    let sums = &s.nodes[1];
    assert!(sums.state.is_some() && sums.window.is_none(), "{sums:?}");
    // Typed lines not yet run are batch 3's in the input log.
    let s = read("typed_lines_accumulate-after-3.snap");
    assert_eq!(s.input.lines_of("in", 3), [Rc::from("c d"), Rc::from("a")]);
    assert_eq!(s.input.line_count(), 2);
    // The queue's batch 4 lost its buffered partition (c d): a lost block in the log.
    let s = read("queue_receiver_kill-after-4-receiver-kill.snap");
    assert_eq!(s.input.lost_of("q", 4), [1]);
    assert_eq!(s.input.lost.len(), 1);
}

/// The reference over the whole corpus, for version 2 too: the version-2 bytes of every
/// case's snapshot after every batch migrate and continue like an uninterrupted run.
#[test]
fn every_conformance_case_migrates_from_v2_from_every_batch() {
    for path in support::conformance_cases() {
        let json = std::fs::read_to_string(&path).expect("readable");
        let ticks = Engine::from_json(&json).expect("valid").plan().ticks;
        let whole = lines(&mut Engine::from_json(&json).expect("valid"), ticks);
        for n in 0..=ticks {
            let mut first = Engine::from_json(&json).expect("valid");
            let mut got = lines(&mut first, n);
            let snapshot = Snapshot::from_bytes(&first.snapshot().to_v2_bytes()).expect("migrates");
            assert_eq!(snapshot.migrated_from, Some(2));
            got.extend(lines(
                &mut Engine::restore(snapshot).expect("restores"),
                ticks - n,
            ));
            assert_eq!(got, whole, "{} migrated from v2 after {n}", path.display());
        }
    }
}

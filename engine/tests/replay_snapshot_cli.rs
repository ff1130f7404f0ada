//! The replay CLI's checkpoint flags: `--snapshot-after N FILE` then `--restore FILE` print,
//! together, exactly the lines of an uninterrupted run, for every conformance case and every
//! N; a damaged or foreign snapshot file exits 1 with a message naming the problem.

use std::process::Command;

mod support;

use support::conformance_cases as cases;

fn replay(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_replay"))
        .args(args)
        .output()
        .expect("the replay binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = replay(args);
    assert_eq!(code, 0, "replay {args:?}: {stderr}");
    stdout
}

fn temp(name: &str) -> String {
    std::env::temp_dir()
        .join(format!(
            "dstream_snapshot_cli_{}_{name}",
            std::process::id()
        ))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn snapshot_then_restore_prints_the_uninterrupted_lines_for_every_case_and_batch() {
    let cases = cases();
    assert!(cases.len() >= 14);
    let file = temp("snap.bin");
    for case in cases {
        let case = case.to_string_lossy().into_owned();
        let whole = ok(&[&case]);
        let ticks = dstream_engine::Engine::from_json(&std::fs::read_to_string(&case).unwrap())
            .unwrap()
            .plan()
            .ticks;
        for n in 0..=ticks {
            let first = ok(&["--snapshot-after", &n.to_string(), &file, &case]);
            let second = ok(&["--restore", &file, &case]);
            assert_eq!(format!("{first}{second}"), whole, "{case} after {n}");
        }
        let (code, stdout, stderr) =
            replay(&["--snapshot-after", &(ticks + 1).to_string(), &file, &case]);
        assert_eq!((code, stdout.as_str()), (1, ""));
        assert!(stderr.contains("at most"), "{stderr}");
    }
    let _ = std::fs::remove_file(&file);
}

/// Asserts a refused restore: exit 1, nothing on stdout, stderr naming the file and `needle`.
fn assert_refused(file: &str, case: &str, needle: &str) {
    let (code, stdout, stderr) = replay(&["--restore", file, case]);
    assert_eq!(code, 1, "{needle}: {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains(file), "{stderr}");
    assert!(stderr.contains(needle), "wanted `{needle}` in: {stderr}");
}

#[test]
fn damaged_and_foreign_snapshots_are_refused_with_a_reason() {
    let cases = cases();
    let case = cases[0].to_string_lossy().into_owned();
    let other = cases[1].to_string_lossy().into_owned();
    let file = temp("good.bin");
    ok(&["--snapshot-after", "2", &file, &case]);
    let good = std::fs::read(&file).unwrap();
    let bad = temp("bad.bin");

    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    std::fs::write(&bad, &flipped).unwrap();
    assert_refused(&bad, &case, "corrupted");

    std::fs::write(&bad, &good[..good.len() / 2]).unwrap();
    assert_refused(&bad, &case, "truncated");

    let mut old = good.clone();
    old[8..12].copy_from_slice(&0u32.to_le_bytes());
    std::fs::write(&bad, &old).unwrap();
    assert_refused(&bad, &case, "version 0");

    std::fs::write(&bad, b"not a snapshot").unwrap();
    assert_refused(&bad, &case, "not a checkpoint snapshot");

    assert_refused(&temp("missing.bin"), &case, "cannot read the snapshot");
    assert_refused(&file, &other, "another pipeline");

    let (code, _, stderr) = replay(&["--snapshot-after", "two", &file, &case]);
    assert_eq!(code, 1);
    assert!(stderr.contains("`two`"), "{stderr}");
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(&bad);
}

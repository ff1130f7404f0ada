#!/usr/bin/env bash
# The criterion benchmark (engine/benches/windowed_word_count.rs) of an earlier commit and of
# the work tree, side by side in one run: both built, then run in turn ROUNDS times (A B A B
# …), each printing criterion's median; the medians of each are printed at the end.
#
#   bash tests/bench/criterion_before_after.sh REV [ROUNDS]
#
# REV's tree is exported into target/before-REV (its own target directory, so the two builds
# do not disturb each other). Not a test: it prints figures and asserts nothing.
set -euo pipefail
REV="${1:?usage: criterion_before_after.sh REV [ROUNDS]}"
ROUNDS="${2:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BEFORE="$ROOT/target/before-$REV"
mkdir -p "$BEFORE"
git -C "$ROOT" archive "$REV" | tar -x -C "$BEFORE"
bench_bin() { # DIR TARGET_DIR: builds the bench, prints the executable's path
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo bench --offline -p dstream-engine --bench windowed_word_count --no-run --message-format=json 2>/dev/null) |
    sed -n 's/.*"executable":"\([^"]*windowed_word_count[^"]*\)".*/\1/p' | tail -1
}
A="$(bench_bin "$BEFORE" "$BEFORE/target")"
B="$(bench_bin "$ROOT" "$ROOT/target")"
LOG="$ROOT/target/bench/criterion_before_after.log"
mkdir -p "$(dirname "$LOG")"
: >"$LOG"
for i in $(seq "$ROUNDS"); do
  for side in before after; do
    bin="$A"
    [ "$side" = after ] && bin="$B"
    echo "== round $i, $side" | tee -a "$LOG"
    "$bin" --bench --noplot --warm-up-time 2 --measurement-time 6 2>&1 | grep -E '^windowed|time:|thrpt:' | tee -a "$LOG"
  done
done
# The middle of each "time: [low median high]" per side and window, and their median.
python3 - "$LOG" <<'PY'
import re, statistics, sys
side, name, seen = None, None, {}
for line in open(sys.argv[1]):
    if line.startswith("== round"):
        side = line.split()[-1]
    elif line.startswith("windowed"):
        name = line.split()[0]
    else:
        m = re.match(r"\s*time:\s+\[([\d.]+) (\S+) ([\d.]+) (\S+)", line)
        if m and name:
            seen.setdefault((name, side), []).append((float(m.group(3)), m.group(4)))
            name = None
for (name, side), xs in sorted(seen.items()):
    print(f"{name} {side}: median {statistics.median(v for v, _ in xs):.3f} {xs[0][1]} of {[v for v, _ in xs]}")
PY

#!/usr/bin/env bash
# Runs every test: installs what is missing (scripts/setup.sh, Chromium included), then
#   1. native tests       cargo test --workspace
#   2. conformance        the replay CLI against real-Spark outputs (shared/conformance)
#   +  spark              the exported PySpark and Scala programs run on real Spark 4.3.0
#                         (scripts/test-spark.sh; pyspark from PyPI into a venv when missing)
#   3. browser tests      tests/*.rs through wasm-bindgen-test-runner in headless Chromium,
#                         then the same binaries in headless Firefox
#   +  lint               cargo fmt --check, cargo clippy -D warnings (native and wasm)
#   4. app build          trunk build --release --cargo-profile web (offline)
#   5. end-to-end tests   tests/e2e/*.test.mjs: the built page in Chromium via playwright-core,
#                         and a smoke test in Firefox through geckodriver
# Every step runs even if an earlier one fails; the output ends with a verdict and then each
# runner's own summary lines, and the exit status is non-zero if any step failed or no browser test ran.
set -uo pipefail

SETUP_BROWSER=1 source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# A clean clone builds everything once: incremental caches would only take disk (1.1 GB).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"
CONFORMANCE_DIR="${DSTREAM_CONFORMANCE_DIR:-$ROOT/../shared/conformance}"
CONFORMANCE_DIR="$(cd "$CONFORMANCE_DIR" 2>/dev/null && pwd || echo "$CONFORMANCE_DIR")"

# webdriver.json names Debian's /usr/bin/chromium; another CHROMIUM gets a copy naming it.
if [ "$CHROMIUM_BIN" != /usr/bin/chromium ]; then
  node -e '
    const fs = require("fs");
    const caps = JSON.parse(fs.readFileSync("webdriver.json", "utf8"));
    caps["goog:chromeOptions"].binary = process.argv[1];
    fs.writeFileSync(process.argv[2], JSON.stringify(caps, null, 2));
  ' "$CHROMIUM_BIN" "$LOGS/webdriver.json"
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$LOGS/webdriver.json"
fi

STEPS=()
declare -A STATUS SECS NOTE

# run_step ID TITLE COMMAND...: runs COMMAND with its output shown and logged to LOGS/ID.log.
run_step() {
  local id="$1" title="$2"
  shift 2
  STEPS+=("$id")
  printf '\n==> %s\n' "$title"
  local start=$SECONDS
  "$@" 2>&1 | tee "$LOGS/$id.log"
  local rc=${PIPESTATUS[0]}
  SECS[$id]=$((SECONDS - start))
  if [ "$rc" -eq 0 ]; then STATUS[$id]=PASS; else STATUS[$id]=FAIL; fi
  return "$rc"
}

skip_step() {
  STEPS+=("$1")
  STATUS[$1]="NOT RUN"
  SECS[$1]=0
  NOTE[$1]="$2"
  : >"$LOGS/$1.log"
}

# The `test result:` line of every cargo test binary that has tests, named after the binary.
cargo_summaries() {
  awk '
    /^ +Running / {
      line = $0; sub(/^ *Running /, "", line)
      src = line; sub(/ \(.*$/, "", src)
      bin = line; sub(/^.*\//, "", bin); sub(/-[0-9a-f]+(\.wasm)?\)$/, "", bin)
      name = src " [" bin "]"; next
    }
    /^ *Doc-tests / { name = $0; sub(/^ */, "", name); next }
    /^test result: ok\. 0 passed; 0 failed; 0 ignored/ { empty++; next }
    /^test result:/ { print "  " name ": " $0 }
    END { if (empty) print "  (and " empty " test targets with no tests for this target)" }
  ' "$1"
}

# How many tests passed inside Chromium: only runs the runner announced as headless browser runs.
browser_tests_passed() {
  awk '
    /Running headless tests in/ { browser = 1; next }
    /^test result:/ {
      if (browser) { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^passed/) total += $i }
      browser = 0
    }
    END { print total + 0 }
  ' "$1"
}

# 1. Native tests of the whole workspace.
run_step native "native tests: cargo test --workspace" \
  cargo test --workspace --no-fail-fast

# 2. Conformance: the replay CLI must print exactly what Spark printed.
if [ -f "$CONFORMANCE_DIR/compare.py" ]; then
  conformance() {
    cargo build --release -p dstream-engine --bin replay || return 1
    python3 "$CONFORMANCE_DIR/compare.py" --dir "$CONFORMANCE_DIR/cases" "$CONFORMANCE_DIR/expected" \
      --cmd "$ROOT/target/release/replay {case}"
  }
  run_step conformance "conformance: replay CLI vs Apache Spark 4.3.0 outputs ($CONFORMANCE_DIR)" conformance
else
  STEPS+=(conformance)
  STATUS[conformance]=FAIL
  SECS[conformance]=0
  NOTE[conformance]="the conformance corpus is missing at $CONFORMANCE_DIR (set DSTREAM_CONFORMANCE_DIR)"
  : >"$LOGS/conformance.log"
  printf '\n==> conformance: %s\n' "${NOTE[conformance]}"
fi

# The code the page and the CLI export, run on Spark itself and compared with the engine's lines.
run_step spark "exported programs on real Spark 4.3.0: scripts/test-spark.sh" bash "$ROOT/scripts/test-spark.sh"

# 3. Browser tests: tests/*.rs in headless Chromium via chromedriver, then in headless Firefox
#    via geckodriver (the runner takes GECKODRIVER before CHROMEDRIVER when both are set).
run_step browser "browser tests: cargo test --target wasm32-unknown-unknown (headless Chromium)" \
  env -u GECKODRIVER cargo test -p dstream-playground --target wasm32-unknown-unknown --no-fail-fast
BROWSER_PASSED="$(browser_tests_passed "$LOGS/browser.log")"
if [ "$BROWSER_PASSED" -eq 0 ]; then
  STATUS[browser]=FAIL
  NOTE[browser]="no browser test ran in Chromium (check CHROMEDRIVER and wasm_bindgen_test_configure!(run_in_browser))"
else
  NOTE[browser]="$BROWSER_PASSED tests passed inside Chromium"
fi
run_step firefox "browser tests again in headless Firefox (geckodriver)" \
  env GECKODRIVER="$GECKODRIVER_BIN" cargo test -p dstream-playground --target wasm32-unknown-unknown --no-fail-fast
FIREFOX_PASSED="$(browser_tests_passed "$LOGS/firefox.log")"
if [ "$FIREFOX_PASSED" -eq 0 ]; then
  STATUS[firefox]=FAIL
  NOTE[firefox]="no browser test ran in Firefox (check GECKODRIVER and $FIREFOX)"
else
  NOTE[firefox]="$FIREFOX_PASSED tests passed inside Firefox"
fi

# Style: rustfmt, and clippy with warnings as errors, natively and for the page's wasm code.
lint() {
  cargo fmt --all -- --check &&
    cargo clippy --workspace --all-targets -- -D warnings &&
    cargo clippy -p dstream-playground --all-targets --target wasm32-unknown-unknown -- -D warnings
}
run_step lint "lint: cargo fmt --check, cargo clippy -D warnings (native and wasm)" lint

# 4 + 5. Build the page with trunk, then drive it end to end.
run_step build "app build: trunk build --release --cargo-profile web (offline)" trunk build --release --cargo-profile web
if [ "${STATUS[build]}" = PASS ]; then
  run_step e2e "end-to-end tests: node --test tests/e2e/ (playwright-core + Chromium)" \
    env GECKODRIVER="$GECKODRIVER_BIN" node --test --test-reporter=spec tests/e2e/
  if ! grep -qE '^ℹ tests [1-9]' "$LOGS/e2e.log"; then
    STATUS[e2e]=FAIL
    NOTE[e2e]="no end-to-end test ran"
  fi
else
  skip_step e2e "the app did not build"
fi

# --- summary: each step's verdict, then its runner's own summary lines -----------------------
failed=()
for id in "${STEPS[@]}"; do
  [ "${STATUS[$id]}" = PASS ] || failed+=("$id")
done
printf '\n==> summary (logs in %s)\n' "${LOGS#"$ROOT"/}"
if [ "${#failed[@]}" -eq 0 ]; then
  echo "test.sh: all ${#STEPS[@]} steps passed"
else
  echo "test.sh: FAILED: ${failed[*]}"
fi
for id in "${STEPS[@]}"; do
  printf '%s: %s (%ss)%s\n' "$id" "${STATUS[$id]}" "${SECS[$id]}" "${NOTE[$id]:+ - ${NOTE[$id]}}"
  log="$LOGS/$id.log"
  lines=""
  case "$id" in
    native | browser) lines="$(cargo_summaries "$log")" ;;
    conformance) lines="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | sed 's/^/  /')" ;;
    spark) lines="$(grep -E '^(spark: |FAIL )' "$log" | sed 's/^/  /')" ;;
    lint) [ "${STATUS[$id]}" != PASS ] || lines="  rustfmt: no diff; clippy -D warnings: no warning (native, wasm32)" ;;
    build) lines="$(grep -E 'success|ERROR' "$log" | tail -n 1 | sed 's/^/  /')" ;;
    e2e) lines="$(grep -E '^ℹ (tests|pass|fail|cancelled|skipped) ' "$log" | sed 's/^/  /')" ;;
  esac
  if [ -z "$lines" ] && [ "${STATUS[$id]}" = FAIL ]; then
    lines="$(grep -m 1 -E '^error' "$log" | sed 's/^/  /')"
  fi
  [ -z "$lines" ] || printf '%s\n' "$lines"
done

[ "${#failed[@]}" -eq 0 ]

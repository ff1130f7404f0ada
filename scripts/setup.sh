# shellcheck shell=bash
# Installs what the playground needs and is missing, at the versions the project pins, and
# prints one line per tool. Sourced by scripts/serve.sh and scripts/test.sh:
#
#   source scripts/setup.sh            # build tools: wasm target, trunk, wasm-bindgen, npm tools
#   SETUP_BROWSER=1 source scripts/setup.sh   # also Chromium + chromedriver and Firefox ESR +
#                                             # geckodriver (for the tests)
#
# A warm machine skips every install. A broken environment gets one line saying what to do.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

TRUNK_VERSION="0.21.14"
# geckodriver from crates.io (Mozilla's WebDriver for Firefox; no binary download).
GECKODRIVER_VERSION="0.37.1"
SETUP_LOGS="$ROOT/target/setup"
CHROMIUM_BIN="${CHROMIUM:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
FIREFOX_BIN="${FIREFOX:-/usr/bin/firefox-esr}"
export FIREFOX="$FIREFOX_BIN"
GECKODRIVER_BIN="${GECKODRIVER_BIN:-$HOME/.cargo/bin/geckodriver}"
# trunk would otherwise ask crates.io whether it is the newest release.
export TRUNK_SKIP_VERSION_CHECK=true
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

setup_say() { printf 'setup: %s\n' "$*"; }
setup_die() {
  printf 'setup: ERROR: %s\n' "$*" >&2
  exit 1
}

# Runs an install quietly into a log; on failure shows its first errors and one line of advice.
setup_run() {
  local name="$1" advice="$2"
  shift 2
  mkdir -p "$SETUP_LOGS"
  local log="$SETUP_LOGS/$name.log" start=$SECONDS
  if ! "$@" >"$log" 2>&1; then
    grep -m 3 -E '^(error|E:)' "$log" >&2
    setup_die "$name: \`$*\` failed (full log: ${log#"$ROOT"/}). $advice"
  fi
  SETUP_ELAPSED=$((SECONDS - start))
}

# The version of a package in Cargo.lock (the first entry of that name).
lock_version() {
  awk -v name="$1" '
    $0 == "name = \"" name "\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock
}

# A `key = "value"` from Trunk.toml.
trunk_toml_value() {
  sed -n "s/^$1 *= *\"\\(.*\\)\"/\\1/p" Trunk.toml | head -n 1
}

# --- what a fresh machine must already have -------------------------------------------------
command -v cargo >/dev/null && command -v rustup >/dev/null ||
  setup_die "cargo and rustup are missing: install Rust from https://rustup.rs, then rerun"
command -v node >/dev/null && command -v npm >/dev/null ||
  setup_die "node and npm are missing: install Node.js 20 or newer (https://nodejs.org), then rerun"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] ||
  setup_die "node $(node --version) is too old: install Node.js 20 or newer, then rerun"
setup_say "rust $(rustc --version | cut -d' ' -f2), node $(node --version | tr -d v) (present)"

# --- versions the project pins must agree ----------------------------------------------------
WASM_BINDGEN_VERSION="$(lock_version wasm-bindgen)"
[ -n "$WASM_BINDGEN_VERSION" ] ||
  setup_die "Cargo.lock has no wasm-bindgen entry: run \`cargo generate-lockfile\`, then rerun"
trunk_bindgen="$(trunk_toml_value wasm_bindgen)"
[ "$trunk_bindgen" = "$WASM_BINDGEN_VERSION" ] ||
  setup_die "Trunk.toml pins wasm_bindgen = \"$trunk_bindgen\" but Cargo.lock has wasm-bindgen $WASM_BINDGEN_VERSION: set Trunk.toml's [tools] wasm_bindgen to \"$WASM_BINDGEN_VERSION\""
WASM_OPT_VERSION="$(trunk_toml_value wasm_opt)"

# --- Rust: the wasm target, trunk, wasm-bindgen-cli -----------------------------------------
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  setup_say "wasm32-unknown-unknown target (already installed)"
else
  setup_run rustup-target "Check that rustup can reach static.rust-lang.org." \
    rustup target add wasm32-unknown-unknown
  setup_say "wasm32-unknown-unknown target (installed in ${SETUP_ELAPSED}s)"
fi

if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
  setup_say "trunk $TRUNK_VERSION (already installed)"
else
  setup_say "trunk $TRUNK_VERSION: installing with cargo install --locked (about 5-10 min cold)"
  setup_run trunk-install "Install it by hand: cargo install --locked trunk@$TRUNK_VERSION" \
    cargo install --locked "trunk@$TRUNK_VERSION"
  setup_say "trunk $TRUNK_VERSION (installed in ${SETUP_ELAPSED}s)"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] &&
  [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $WASM_BINDGEN_VERSION" ]; then
  setup_say "wasm-bindgen-cli $WASM_BINDGEN_VERSION, as in Cargo.lock (already installed)"
else
  found="$(wasm-bindgen --version 2>/dev/null || echo none)"
  setup_say "wasm-bindgen-cli $WASM_BINDGEN_VERSION: installing (found: $found; about 3-5 min cold)"
  setup_run wasm-bindgen-install "Install it by hand: cargo install --locked wasm-bindgen-cli@$WASM_BINDGEN_VERSION" \
    cargo install --locked --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
  setup_say "wasm-bindgen-cli $WASM_BINDGEN_VERSION (installed in ${SETUP_ELAPSED}s)"
fi
[ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] ||
  setup_die "\`wasm-bindgen\` on PATH is $(command -v wasm-bindgen || echo missing), not $WASM_BINDGEN_VERSION: put ~/.cargo/bin first on PATH or remove the other copy"

# --- npm: binaryen (wasm-opt for trunk), playwright-core (e2e tests), rxjs (a bench) -------
npm_ok() {
  node -e '
    const deps = require("./package.json").devDependencies;
    for (const [name, want] of Object.entries(deps)) {
      let got;
      try { got = require(`./node_modules/${name}/package.json`).version; } catch { process.exit(1); }
      if (got !== want) process.exit(1);
    }' 2>/dev/null
}
if npm_ok; then
  setup_say "npm tools: binaryen, playwright-core, rxjs (already installed)"
else
  setup_run npm-ci "Check that npm can reach its registry." npm ci --no-audit --no-fund
  npm_ok || setup_die "node_modules does not match package.json after npm ci: run \`npm install\` and commit package-lock.json"
  setup_say "npm tools: binaryen, playwright-core, rxjs (installed in ${SETUP_ELAPSED}s)"
fi
opt_found="$(wasm-opt --version 2>/dev/null | cut -d' ' -f3)"
[ "version_$opt_found" = "$WASM_OPT_VERSION" ] ||
  setup_die "wasm-opt on PATH is ${opt_found:-missing}, Trunk.toml wants $WASM_OPT_VERSION: run \`npm ci\` (package.json pins binaryen)"
setup_say "wasm-opt $opt_found from npm binaryen (node_modules/.bin)"

# --- crates: trunk builds offline, so everything must be downloaded now ---------------------
if cargo fetch --offline >/dev/null 2>&1; then
  setup_say "crates in Cargo.lock (already downloaded)"
else
  setup_run cargo-fetch "Check that cargo can reach crates.io." cargo fetch
  setup_say "crates in Cargo.lock (downloaded in ${SETUP_ELAPSED}s)"
fi

# --- Chromium and chromedriver, for the browser and end-to-end tests ------------------------
if [ -n "${SETUP_BROWSER:-}" ]; then
  if [ -x "$CHROMIUM_BIN" ] && [ -x "$CHROMEDRIVER" ]; then
    setup_say "chromium + chromedriver (already installed)"
  elif command -v apt-get >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    setup_run apt-update "Run as root, or install chromium and chromium-driver by hand." \
      $sudo apt-get update
    setup_run apt-chromium "Install them by hand: apt-get install chromium chromium-driver" \
      env DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium chromium-driver
    setup_say "chromium + chromedriver (installed with apt in ${SETUP_ELAPSED}s)"
  else
    setup_die "Chromium is missing at $CHROMIUM_BIN (or chromedriver at $CHROMEDRIVER): install Chromium and a matching chromedriver, or set CHROMIUM and CHROMEDRIVER"
  fi
  if [ -x "$FIREFOX_BIN" ]; then
    setup_say "firefox-esr (already installed)"
  elif command -v apt-get >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    setup_run apt-update "Run as root, or install firefox-esr by hand." \
      $sudo apt-get update
    setup_run apt-firefox "Install it by hand: apt-get install firefox-esr" \
      env DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y firefox-esr
    setup_say "firefox-esr (installed with apt in ${SETUP_ELAPSED}s)"
  else
    setup_die "Firefox is missing at $FIREFOX_BIN: install Firefox ESR, or set FIREFOX"
  fi
  if [ "$("$GECKODRIVER_BIN" --version 2>/dev/null | head -n 1 | cut -d' ' -f2)" = "$GECKODRIVER_VERSION" ]; then
    setup_say "geckodriver $GECKODRIVER_VERSION (already installed)"
  else
    setup_say "geckodriver $GECKODRIVER_VERSION: installing with cargo install --locked (about 3-4 min cold)"
    setup_run geckodriver-install "Install it by hand: cargo install --locked geckodriver@$GECKODRIVER_VERSION" \
      cargo install --locked "geckodriver@$GECKODRIVER_VERSION"
    setup_say "geckodriver $GECKODRIVER_VERSION (installed in ${SETUP_ELAPSED}s)"
  fi
  export GECKODRIVER_BIN
  setup_say "$("$FIREFOX_BIN" --version 2>/dev/null | head -n 1), geckodriver $GECKODRIVER_VERSION"
  # (Debian's launcher script may complain on stderr about /dev/shm; that is harmless.)
  browser_version="$("$CHROMIUM_BIN" --version 2>/dev/null | head -n 1)"
  browser_major="$(printf '%s' "$browser_version" | grep -oE '[0-9]+' | head -n 1)"
  driver_major="$("$CHROMEDRIVER" --version 2>/dev/null | grep -oE '[0-9]+' | head -n 1)"
  [ -n "$browser_major" ] && [ "$browser_major" = "$driver_major" ] ||
    setup_die "chromium ($browser_major) and chromedriver ($driver_major) differ or do not run: install matching versions (apt-get install chromium chromium-driver)"
  setup_say "$browser_version, chromedriver $driver_major"
fi

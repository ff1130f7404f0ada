#!/usr/bin/env bash
# Serves the playground: installs what is missing (scripts/setup.sh), then `trunk serve`,
# fully offline, on http://127.0.0.1:8080/ (other trunk serve flags pass through, e.g.
# `--port 9000` or `--release`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
echo "serve: trunk serve on http://127.0.0.1:8080/ (unless --port says otherwise); Ctrl-C stops"
exec trunk serve "$@"

#!/usr/bin/env bash
# Runs the whole suite in stages so that a failure says which layer broke; pytest's exit code 5
# ("no tests collected", e.g. when a marker selects nothing) is not a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0

stage() {
  local name="$1"; shift
  echo "=== $name"
  "$BIN/python" -m pytest -q "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then echo "(no tests selected in $name)"; rc=0; fi
  if [ "$rc" -ne 0 ]; then status=1; fi
}

"$BIN/ruff" check assistant tests evals || status=1
stage "fast" -m "not slow and not answers and not e2e and not servers" "$@"
stage "real models" -m "slow and not answers" "$@"
stage "servers" -m "servers" "$@"
stage "browser" -m "e2e" "$@"
if [ -n "${SKIP_ANSWER_EVALS:-}" ]; then
  echo "=== answer evals: skipped (SKIP_ANSWER_EVALS is set; CI always runs them)"
else
  stage "answer evals" -m "answers" "$@"
fi
exit $status

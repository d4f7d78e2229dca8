#!/usr/bin/env bash
# Every check CI runs, in order: prerequisites, Release build (warnings are errors), formatting, all tests.
# Prints "N passed, N failed" at the end and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/dev/prerequisites.sh
ensure_prerequisites tests

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="artifacts/test-results"
rm -rf "$results"

echo "==> build (Release, warnings as errors)"
dotnet build Voicebot.Orleans.sln -c Release -nologo -clp:ErrorsOnly

echo "==> format check"
dotnet format Voicebot.Orleans.sln --verify-no-changes --no-restore

echo "==> tests"
mkdir -p "$results"
status=0
# The counts come from the run's own summary, not from the per-project TRX files (kept for reports): one run was seen
# without one project's TRX file, and its 500 tests went uncounted.
dotnet test --solution Voicebot.Orleans.sln -c Release --no-build --results-directory "$results" --report-xunit-trx \
  | tee "$results/test-output.txt" || status=$?

summary() { grep -E "^[[:space:]]+$1: [0-9]+" "$results/test-output.txt" | tail -n1 | grep -oE '[0-9]+' || echo 0; }
passed=$(summary succeeded); failed=$(summary failed); skipped=$(summary skipped)
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "error: no test ran" >&2
  status=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"

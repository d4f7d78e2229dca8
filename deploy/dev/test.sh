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
status=0
dotnet test --solution Voicebot.Orleans.sln -c Release --no-build --results-directory "$results" --report-xunit-trx || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-${t:-0}}))
done
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "error: no test ran" >&2
  status=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"

#!/usr/bin/env bash
# The benchmarks, in Release (see README "Performance"). With no argument it runs the standard capacity ramp:
#   deploy/dev/bench.sh                      the product under N = 1…400 simulated callers (about 12 minutes)
#   deploy/dev/bench.sh load --quick         a smoke run (N = 1 and 2, short calls)
#   deploy/dev/bench.sh load --steps 20,100 --think 30 --env DOTNET_gcServer=1
#   deploy/dev/bench.sh streams              the Orleans memory-stream hop latency alone
# Writes artifacts/bench/load/load.json and load.png. Figures depend on the machine and its load: run it on an
# otherwise idle host.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/dev/prerequisites.sh
ensure_prerequisites bench

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "==> build (Release)"
dotnet build tests/Voicebot.Bench/Voicebot.Bench.csproj -c Release -nologo -clp:ErrorsOnly
echo "==> benchmark"
if [ $# -eq 0 ]; then
  set -- load
fi
exec dotnet tests/Voicebot.Bench/bin/Release/net10.0/Voicebot.Bench.dll "$@"

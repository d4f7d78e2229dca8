#!/usr/bin/env bash
# Orleans memory-stream latency for the voicebot's media pattern (see tests/Voicebot.Bench), in Release.
# Prints a Markdown table and writes artifacts/bench/stream-latency.json. Arguments go to the benchmark, e.g.
#   deploy/dev/bench.sh --periods 10,5 --calls 20 --seconds 10      deploy/dev/bench.sh --quick
# Figures depend on the machine and its load: run it on an otherwise idle host.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "==> build (Release)"
dotnet build tests/Voicebot.Bench/Voicebot.Bench.csproj -c Release -nologo -clp:ErrorsOnly
echo "==> benchmark"
exec dotnet run -c Release --no-build --project tests/Voicebot.Bench -- "$@"

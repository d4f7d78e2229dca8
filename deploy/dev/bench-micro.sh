#!/usr/bin/env bash
# Resampler micro-benchmarks (tests/Voicebot.Bench.Micro) in Release: the product's integer-decimation path, its general
# polyphase path and NAudio's WDL resampler, 24 → 8 kHz and 16 → 8 kHz, speed (BenchmarkDotNet) and quality. With no
# arguments: the quality table, then every benchmark with a short job. Otherwise the arguments go to the benchmark, e.g.
#   deploy/dev/bench-micro.sh --quality                       deploy/dev/bench-micro.sh --filter '*Pcm*' --job short
# BenchmarkDotNet writes its reports under artifacts/bench-micro. Figures depend on the machine and its load: run it on
# an otherwise idle host.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "==> build (Release)"
dotnet build tests/Voicebot.Bench.Micro/Voicebot.Bench.Micro.csproj -c Release -nologo -clp:ErrorsOnly
if [ "$#" -eq 0 ]; then
  echo "==> quality"
  dotnet run -c Release --no-build --project tests/Voicebot.Bench.Micro -- --quality
  echo "==> speed"
  set -- --filter '*' --job short
fi
exec dotnet run -c Release --no-build --project tests/Voicebot.Bench.Micro -- "$@"

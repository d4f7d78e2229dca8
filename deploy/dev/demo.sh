#!/usr/bin/env bash
# The main job on embedded defaults (no API key, no Asterisk, no network): installs what is missing, builds, starts
# the silo + AudioSocket gateway, places a demo call against itself (printed live; the bot's audio is written to
# data/calls/), then keeps serving on 127.0.0.1:9090 for Asterisk until Ctrl+C.
# Extra arguments go to `voicebot serve`, e.g. `deploy/dev/demo.sh --scenario mobile-not-fixed-transfer`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/dev/prerequisites.sh
ensure_prerequisites

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "==> build (Release)"
dotnet build src/Voicebot.Cli -c Release -nologo -clp:ErrorsOnly
echo "==> starting Voicebot.Orleans with a demo call"
exec dotnet src/Voicebot.Cli/bin/Release/net10.0/voicebot.dll serve --demo "$@"

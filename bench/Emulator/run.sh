#!/usr/bin/env bash
# Runs the emulator benchmark (ours vs fauxqs 1.9.2) and writes bench/Emulator/REPORT.md. Takes about 8 minutes.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "Node.js is needed to run fauxqs (apt-get install nodejs npm)." >&2; exit 1; }
(cd fauxqs && npm ci --no-audit --no-fund --silent)
exec dotnet run -c Release --project EmulatorBench.csproj -- "$@"

#!/usr/bin/env bash
# Runs the emulator benchmark (ours vs fauxqs 1.9.2) and writes bench/Emulator/REPORT.md. Takes about 8 minutes with the
# defaults (5 runs of 4 s per figure); the committed report used --repeats 7 --seconds 5 (about 13 minutes).
set -euo pipefail
cd "$(dirname "$0")"
# fauxqs is only needed when it is measured: not with --ours-only or --against.
if [[ " $* " != *" --ours-only "* && " $* " != *" --against "* ]]; then
  command -v node >/dev/null || { echo "Node.js is needed to run fauxqs (apt-get install nodejs npm)." >&2; exit 1; }
  (cd fauxqs && npm ci --no-audit --no-fund --silent)
fi
exec dotnet run -c Release --project EmulatorBench.csproj -- "$@"

#!/usr/bin/env bash
# The console's first view in a real browser (Debian's chromium), against the system as ./run.sh starts it (Debug
# build, dashboard on, app tier autoscaled, Services:Launch=built): starts the AppHost, waits for the web tier, measures
# every view cold and cached, updates bench/Console/REPORT.md, stops the system. Needs port 8000 free.
# Usage: bench/Console/run.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=10
[ "${1:-}" = "--runs" ] && runs="$2"
dotnet build AppHost/AppHost.csproj -c Debug -v quiet -nologo >/dev/null
dotnet build bench/Console/ConsoleBench.csproj -c Release -v quiet -nologo >/dev/null
(setsid dotnet run --project AppHost/AppHost.csproj --launch-profile http --no-build -- --Services:Launch=built >/dev/null 2>&1 &)
trap 'kill -TERM "$(pgrep -f "bin/Debug/net10.0/FaceRecognition\.AppHost")" 2>/dev/null || true' EXIT
until curl -sf -o /dev/null http://127.0.0.1:8000/health; do sleep 0.2; done
dotnet bench/Console/bin/Release/net10.0/FaceRecognition.Bench.Console.dll --runs "$runs" --report bench/Console/REPORT.md

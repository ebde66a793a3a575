#!/usr/bin/env bash
# Runs the Vision benchmark (engine stages, gallery search, face-api side by side) and writes bench/Vision/REPORT.md.
# Needs Node.js for face-api and the original workloads (FACEREC_DATASETS, default ../shared/datasets). ~6 minutes.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "Node.js is needed to run face-api (apt-get install nodejs npm)." >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "ffmpeg is needed to take the 1080p frame (apt-get install ffmpeg)." >&2; exit 1; }
(cd ../../tools/reference && npm ci --no-audit --no-fund --silent)
exec dotnet run -c Release --project VisionBench.csproj -- "$@"

#!/usr/bin/env bash
# Evaluates recognition decisions of the engine and of face-api (tools/reference) on every labelled set and writes
# bench/Recognition/REPORT.md. Needs Node.js, ffmpeg and the datasets (FACEREC_DATASETS, default ../shared/datasets).
# About 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "Node.js is needed to run face-api (apt-get install nodejs npm)." >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "ffmpeg is needed to take the video frames (apt-get install ffmpeg)." >&2; exit 1; }
(cd ../../tools/reference && npm ci --no-audit --no-fund --silent)
exec dotnet run -c Release --project RecognitionBench.csproj -- "$@"

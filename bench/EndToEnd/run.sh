#!/usr/bin/env bash
# Runs the end-to-end benchmark of the image path and writes bench/EndToEnd/REPORT.md. Needs the original workloads
# (FACEREC_DATASETS, default ../shared/datasets). About 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build FaceRecognition.sln -c Release -v quiet -nologo
exec dotnet run -c Release --no-build --project bench/EndToEnd/EndToEndBench.csproj -- "$@"

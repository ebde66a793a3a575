#!/usr/bin/env bash
# Runs the end-to-end benchmark of the image path and writes bench/EndToEnd/REPORT.md. Needs the original workloads
# (FACEREC_DATASETS, default ../shared/datasets). About 5 minutes. BENCH_CONFIGURATION=Release measures a Release
# build; the default is Debug, the build ./run.sh makes and F5 debugs.
set -euo pipefail
cd "$(dirname "$0")/../.."
configuration="${BENCH_CONFIGURATION:-Debug}"
dotnet build FaceRecognition.sln -c "$configuration" -v quiet -nologo
exec dotnet run -c "$configuration" --no-build --project bench/EndToEnd/EndToEndBench.csproj -- "$@"

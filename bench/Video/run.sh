#!/usr/bin/env bash
# Runs the video-path benchmark (the original 100-video workload) and writes bench/Video/REPORT.md. Needs the original
# workloads (FACEREC_DATASETS, default ../shared/datasets) and ffmpeg. About 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build FaceRecognition.sln -c Release -v quiet -nologo
exec dotnet run -c Release --no-build --project bench/Video/VideoBench.csproj -- "$@"

#!/usr/bin/env bash
# Runs the video-path benchmark (the original 100-video workload) and writes bench/Video/REPORT.md. By default the
# system as ./run.sh starts it (Debug build, dashboard on); CONFIGURATION=Release and --no-dashboard give the tuned one.
# Needs the original workloads (FACEREC_DATASETS, default ../shared/datasets), ffmpeg and npm. About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
configuration="${CONFIGURATION:-Debug}"
dotnet build FaceRecognition.sln -c "$configuration" -v quiet -nologo
exec dotnet run -c "$configuration" --no-build --project bench/Video/VideoBench.csproj -- "$@"

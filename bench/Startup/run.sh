#!/usr/bin/env bash
# Start-up as ./run.sh starts the system (Debug build, dashboard on, app tier autoscaled from zero, Services:Launch=built),
# this checkout against another revision (default: the commit before the start-up changes), run alternately in one
# session: seconds from starting the AppHost until the web tier is healthy, and from sending a picture after a quiet
# spell (no app-tier instance running) until its answer, which includes starting an instance. Writes
# bench/Startup/REPORT.md. Needs port 8000 and the dashboard's ports free. Usage: bench/Startup/run.sh [--runs N]
# [--baseline REV]. About 15 minutes with the defaults (the baseline is built in a worktree under artifacts/, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=3
baseline=cf31c02
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
answers=4
picture() { echo ".cache/face-api/package/demo/sample$1.jpg"; }
[ -f "$(picture 1)" ] || scripts/fetch-face-api.sh >/dev/null

current=$(pwd)
baseline_dir="$current/artifacts/bench-startup-baseline"
[ -d "$baseline_dir" ] && git worktree remove --force "$baseline_dir"
git worktree add --detach "$baseline_dir" "$baseline" >/dev/null
# The worktree (a second copy of the repository, with its builds) goes when the benchmark ends, however it ends.
trap 'git worktree remove --force "$baseline_dir" 2>/dev/null || true' EXIT
echo "Building this checkout and $baseline (with its functions' packages, so that neither start builds them)..."
for dir in "$current" "$baseline_dir"; do
  (cd "$dir" && dotnet build AppHost/AppHost.csproj -c Debug -v quiet -nologo >/dev/null && dotnet run --project Lambdas/Packaging -v quiet >/dev/null)
done

results=$(mktemp)
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
app_tier_running() { pgrep -f '/AppTier/bin/.*/FaceRecognition\.AppTier$' >/dev/null; }
system_running() { pgrep -f 'FaceRecognition\.(AppHost|WebTier|AppTier|Emulator)|dotnet run --project|aspire.hosting.orchestration|/bootstrap' >/dev/null; }

for run in $(seq 1 "$runs"); do
  for variant in baseline current; do
    dir=$current; [ "$variant" = baseline ] && dir=$baseline_dir
    start=$(now)
    (cd "$dir" && setsid dotnet run --project AppHost/AppHost.csproj --launch-profile http --no-build -- --Services:Launch=built >/dev/null 2>&1 &)
    until curl -sf -o /dev/null http://127.0.0.1:8000/health; do sleep 0.05; done
    healthy=$(seconds "$start" "$(now)")
    line="$variant healthy $healthy"
    for i in $(seq 1 $answers); do
      # A quiet spell: no app-tier instance for 2 s.
      while app_tier_running; do sleep 0.2; done
      sleep 2
      sent=$(now)
      answer=$(curl -sf -F "inputFile=@$(picture "$i")" http://127.0.0.1:8000/)
      [ "$answer" = "sample$i:Unknown" ] || { echo "unexpected answer: $answer" >&2; exit 1; }
      line="$line $(seconds "$sent" "$(now)")"
    done
    echo "$line" | tee -a "$results"
    kill -TERM "$(pgrep -f 'bin/Debug/net10.0/FaceRecognition\.AppHost')"
    while system_running; do sleep 0.2; done
    sleep 2
  done
done

stats() { # values on stdin -> "median (min-max)"
  sort -n | awk '{ v[NR] = $1 } END { printf "%.1f (%.1f-%.1f)", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'
}
column() { awk -v m="$1" '$1 == m { print $3 }' "$results"; }
first_answers() { awk -v m="$1" '$1 == m { for (i = 4; i <= NF; i++) print $i }' "$results"; }
{
  echo "# Start-up as ./run.sh starts the system"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2 / 1048576}' /proc/meminfo); .NET $(dotnet --version) SDK"
  echo "- Command: \`bench/Startup/run.sh --runs $runs --baseline $baseline\` (the two builds alternately, each as ./run.sh starts it: Debug, dashboard on, app tier autoscaled from zero, Services:Launch=built)"
  echo "- Baseline: $baseline ($(git log -1 --format=%s "$baseline" | cut -c1-80)...); current: $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' with uncommitted changes')"
  echo
  echo "Median (min-max) over $runs starts each, seconds; the first answer after a quiet spell is $answers pictures per start, each sent when no app-tier instance had run for 2 s (so an instance is started for it):"
  echo
  echo "| Build | web tier healthy after the AppHost starts | first answer after a quiet spell |"
  echo "|---|---:|---:|"
  for variant in baseline current; do
    echo "| $variant | $(column $variant | stats) | $(first_answers $variant | stats) |"
  done
  [ -f bench/Startup/ReportNotes.md ] && { echo; cat bench/Startup/ReportNotes.md; }
} > bench/Startup/REPORT.md
cat bench/Startup/REPORT.md

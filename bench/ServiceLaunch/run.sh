#!/usr/bin/env bash
# Measures the AppHost's two ways of starting the web tier and the app-tier instances (Services:Launch=project | built)
# as ./run.sh starts the system (dashboard on, autoscaled, Debug build): seconds until the web tier is healthy, until
# the first picture is answered (an app-tier instance started from zero), the memory (RSS) of every process the
# AppHost tree holds then, and seconds from SIGTERM to the AppHost until every process is gone. The two modes run
# alternately, --runs N times each (default 3); writes bench/ServiceLaunch/REPORT.md. Needs port 8000 and the
# dashboard's ports free. About 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=3
[ "${1:-}" = "--runs" ] && runs="$2"
picture=.cache/face-api/package/demo/sample2.jpg
[ -f "$picture" ] || scripts/fetch-face-api.sh >/dev/null
dotnet build AppHost/AppHost.csproj -c Debug -v quiet -nologo >/dev/null
results=$(mktemp)
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
system_processes() { pgrep -f "FaceRecognition\.(AppHost|WebTier|AppTier|Emulator)|dotnet run --project|aspire.hosting.orchestration|/bootstrap" || true; }

for run in $(seq 1 "$runs"); do
  for mode in project built; do
    start=$(now)
    setsid dotnet run --project AppHost/AppHost.csproj --launch-profile http --no-build -- --Services:Launch=$mode >/dev/null 2>&1 &
    until curl -sf -o /dev/null http://127.0.0.1:8000/health; do sleep 0.1; done
    healthy=$(now)
    answer=$(curl -sf -F "inputFile=@$picture" http://127.0.0.1:8000/)
    answered=$(now)
    [ "$answer" = "sample2:Unknown" ] || { echo "unexpected answer: $answer" >&2; exit 1; }
    sleep 5
    rss=0; count=0
    for p in $(system_processes); do rss=$((rss + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); count=$((count + 1)); done
    stop=$(now)
    kill -TERM "$(pgrep -f 'bin/Debug/net10.0/FaceRecognition.AppHost')"
    while [ -n "$(system_processes)" ]; do sleep 0.1; done
    stopped=$(now)
    echo "$mode $(seconds "$start" "$healthy") $(seconds "$healthy" "$answered") $((rss / 1024)) $count $(seconds "$stop" "$stopped")" | tee -a "$results"
    sleep 2
  done
done

summary() { # mode column: median (min-max)
  awk -v m="$1" -v c="$2" '$1 == m { print $c }' "$results" | sort -n |
    awk '{ v[NR] = $1 } END { printf "%s (%s-%s)", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
{
  echo "# Services as project resources or built executables"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2 / 1048576}' /proc/meminfo); .NET $(dotnet --version) SDK"
  echo "- Command: \`bench/ServiceLaunch/run.sh --runs $runs\` (the two modes alternately; the AppHost as ./run.sh starts it: Debug, dashboard on, app tier autoscaled from zero)"
  echo
  echo "Median (min-max) of $runs runs each:"
  echo
  echo "| Services:Launch | web tier healthy after start (s) | first picture answered, instance from zero (s) | memory of all processes (MB) | processes | stop after SIGTERM (s) |"
  echo "|---|---|---|---|---|---|"
  for mode in project built; do
    echo "| $mode | $(summary $mode 2) | $(summary $mode 3) | $(summary $mode 4) | $(summary $mode 5) | $(summary $mode 6) |"
  done
  echo
  echo "Memory counts the AppHost, DCP, the emulator and its function environments, the web tier and the running app-tier instance, with each project's \`dotnet run\` wrapper in project mode."
  [ -f bench/ServiceLaunch/ReportNotes.md ] && { echo; cat bench/ServiceLaunch/ReportNotes.md; }
} > bench/ServiceLaunch/REPORT.md
cat bench/ServiceLaunch/REPORT.md

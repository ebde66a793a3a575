#!/usr/bin/env bash
# Prints the web tier's API key, which the AppHost generated on its first run and keeps in its user secrets (no log
# holds it). Callers send it as the X-Api-Key header: curl -H "X-Api-Key: $(scripts/api-key.sh)" ...
# A key you set yourself (Parameters__api-key) is yours to know.
set -euo pipefail
cd "$(dirname "$0")/.."
key="$(dotnet user-secrets list --project AppHost/AppHost.csproj 2>/dev/null | sed -n 's/^Parameters:api-key = //p' || true)"
if [[ -z "$key" ]]; then
  echo "No API key in the AppHost's user secrets yet: start the system once with ./run.sh." >&2
  exit 1
fi
printf '%s\n' "$key"

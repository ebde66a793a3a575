#!/usr/bin/env bash
# Prints the environment that points an AWS client (CLI, SDKs, boto3) at the local cloud ./run.sh started, with the
# administrator's keys the AppHost generated on its first run and keeps in its user secrets; the AppHost never writes
# the secret key to its logs. Use: eval "$(scripts/cloud-env.sh)"  [ENDPOINT [REGION]], defaults http://localhost:4566
# and us-east-1. Keys you set yourself (Parameters__aws-access-key / Parameters__aws-secret-key) are yours to export.
set -euo pipefail
cd "$(dirname "$0")/.."
endpoint="${1:-http://localhost:4566}"
region="${2:-us-east-1}"
secrets="$(dotnet user-secrets list --project AppHost/AppHost.csproj 2>/dev/null || true)"
access_key="$(sed -n 's/^Parameters:aws-access-key = //p' <<<"$secrets")"
secret_key="$(sed -n 's/^Parameters:aws-secret-key = //p' <<<"$secrets")"
if [[ -z "$access_key" || -z "$secret_key" ]]; then
  echo "No generated keys in the AppHost's user secrets yet: start the system once with ./run.sh." >&2
  exit 1
fi
printf 'export AWS_ACCESS_KEY_ID=%q AWS_SECRET_ACCESS_KEY=%q AWS_DEFAULT_REGION=%q AWS_ENDPOINT_URL=%q\n' \
  "$access_key" "$secret_key" "$region" "$endpoint"

#!/usr/bin/env bash
# FaceRecognition on AWS with the AWS CDK (deploy/): see README.md, "Deploy to AWS".
#   ./deploy.sh --synth [--prefix P]     write the CloudFormation templates under deploy/cdk.out (no account, no network)
#   ./deploy.sh --prefix P               deploy (AWS credentials, a region, and the account bootstrapped for the CDK),
#                                        then print the web tier's URL and the bucket names
#   ./deploy.sh --destroy --prefix P     empty the deployment's buckets, then delete its stack
#   --app-tier-instances N               app-tier instances (default 20), with --synth or a deployment
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

mode=deploy
prefix=""
instances=20
while [ $# -gt 0 ]; do
  case "$1" in
    --synth) mode=synth ;;
    --destroy) mode=destroy ;;
    --prefix) prefix="${2:-}"; shift ;;
    --prefix=*) prefix="${1#*=}" ;;
    --app-tier-instances) instances="${2:-}"; shift ;;
    --app-tier-instances=*) instances="${1#*=}" ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) echo "Unknown argument '$1' (./deploy.sh --help lists them)." >&2; exit 2 ;;
  esac
  shift
done
if [ "$mode" != synth ] && [ -z "$prefix" ]; then
  echo "--prefix is required: bucket names are global, so choose one that is yours, e.g. --prefix facerec-$(whoami | tr -cd 'a-z0-9' | cut -c1-12)" >&2
  exit 2
fi

require_dotnet
require_packages npm curl
# jsii (the CDK runs in Node) warns loudly on Node releases past their end of life, such as Debian 12's 18; they work.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=18,20
dotnet build deploy/Deploy.csproj -c Release -v quiet -nologo
app="dotnet run --project deploy/Deploy.csproj -c Release --no-build --"
# The CDK CLI, from npm (your npm registry settings apply).
cdk=(npx --yes aws-cdk@2.1148.1)

case "$mode" in
  synth)
    $app synth --prefix "${prefix:-facerec}" --app-tier-instances "$instances" --output deploy/cdk.out
    ;;
  deploy)
    "${cdk[@]}" deploy --app "$app synth --prefix $prefix --app-tier-instances $instances" --output deploy/cdk.out --require-approval never --outputs-file deploy/cdk.out/outputs.json
    url=$(grep -o '"WebTierUrl": "[^"]*"' deploy/cdk.out/outputs.json | sed 's/.*: "\(.*\)"/\1/')
    echo "Buckets:"
    grep -o '"[a-z0-9]*name": "[^"]*"' deploy/cdk.out/outputs.json | sed 's/.*: "\(.*\)"/  \1/'
    echo "Web tier: $url (it answers once its instance has installed its build; waiting up to 10 minutes)"
    for _ in $(seq 120); do
      if curl -fsS -o /dev/null --max-time 5 "${url}health"; then echo "Web tier ready: $url"; exit 0; fi
      sleep 5
    done
    echo "The web tier did not answer within 10 minutes; its log is in CloudWatch Logs, group /facerec/$prefix/web-tier." >&2
    exit 1
    ;;
  destroy)
    $app empty-buckets --prefix "$prefix"
    "${cdk[@]}" destroy --app "$app synth --prefix $prefix" --output deploy/cdk.out --force
    ;;
esac

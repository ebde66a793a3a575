#!/usr/bin/env bash
# Fetches the npm package @vladmandic/face-api@1.7.15 (MIT) into .cache/face-api/package: its model/ folder is what
# tools/ModelConverter converts, its demo/ photos are what the Vision parity tests and benchmark run on.
# Fetched with npm pack, so the user's npm registry settings (mirror, proxy) apply; the tarball is checked against the
# integrity hash pinned in tools/reference/package-lock.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.cache/face-api"
version=1.7.15
integrity="sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw=="

if [ -f "$target/package/package.json" ] && grep -q "\"version\": \"$version\"" "$target/package/package.json"; then
  exit 0
fi

mkdir -p "$target"
echo "Fetching @vladmandic/face-api@$version with npm pack"
tarball="$target/$(npm pack "@vladmandic/face-api@$version" --pack-destination "$target" --silent | tail -n 1)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$integrity" ]; then
  echo "face-api tarball integrity mismatch: expected $integrity, got $actual" >&2
  rm -f "$tarball"
  exit 1
fi
rm -rf "$target/package"
tar -xzf "$tarball" -C "$target"
rm -f "$tarball"
echo "face-api $version in $target/package"

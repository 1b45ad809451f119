#!/usr/bin/env bash
# Fetch the browser libraries the pages use from the npm registry (no CDN at run time):
# the versions below, their files copied here, their checksums written to SHA256SUMS
# (tests/test_pages.py checks the files against it). Run from anywhere: `bash update.sh`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent htmx.org@2.0.11 leaflet@1.9.4 >/dev/null
mkdir htmx leaflet
tar xzf htmx.org-2.0.11.tgz -C htmx
tar xzf leaflet-1.9.4.tgz -C leaflet
rm -rf "$here/htmx" "$here/leaflet"
mkdir -p "$here/htmx" "$here/leaflet/images"
cp htmx/package/dist/htmx.min.js htmx/package/LICENSE "$here/htmx/"
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css leaflet/package/LICENSE "$here/leaflet/"
cp leaflet/package/dist/images/*.png "$here/leaflet/images/"
cd "$here" && find htmx leaflet -type f | sort | xargs sha256sum > SHA256SUMS

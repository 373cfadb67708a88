#!/usr/bin/env bash
# Renders a report's HTML in headless Chromium and saves a PNG screenshot, to check that the self-contained report
# displays offline (tables, embedded figures) without a browser window.
#
#   scripts/screenshot-report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# Needs Chromium (Debian: apt-get install -y chromium). Network features are switched off so that a report that
# reached for the network would show broken images instead of silently loading them. Uses a fresh throw-away profile.
set -euo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 REPORT.html [OUT.png] [WIDTHxHEIGHT]" >&2; exit 2; fi
html=$(realpath "$1")
out=$(realpath -m "${2:-${html%.html}.png}")
size=${3:-1400x2000}
[ -f "$html" ] || { echo "$0: no such file: $html" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "$0: Chromium not found (Debian: apt-get install -y chromium)" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$out" "file://$html" >/dev/null 2>&1
[ -s "$out" ] || { echo "$0: Chromium wrote no screenshot" >&2; exit 1; }
echo "$out"

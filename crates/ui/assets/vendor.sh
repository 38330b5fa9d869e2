#!/usr/bin/env bash
# Copies the pinned third-party browser files (package.json / package-lock.json) into vendor/,
# which is committed: `cargo run` never needs Node. Run after changing a version; the test
# `ui::assets::tests::vendored_files_match_the_pinned_packages` fails while the copies are stale.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
rm -rf vendor && mkdir -p vendor/fonts
while read -r from to; do
  cp "node_modules/$from" "vendor/$to"
done < vendor.list
echo "vendored $(wc -l < vendor.list) files into $(pwd)/vendor"

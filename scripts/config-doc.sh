#!/usr/bin/env bash
# Rewrites the parameter list of docs/config.md from `bkapp -help`, so the
# reference cannot drift from the code (tests/e2e checks it is current).
set -euo pipefail
cd "$(dirname "$0")/.."
doc=docs/config.md
export BKAPP_HELP=$(go run ./cmd/bkapp -help)
awk '
  /^<!-- begin: bkapp -help -->$/ { print; print "```"; print ENVIRON["BKAPP_HELP"]; print "```"; skip=1; next }
  /^<!-- end: bkapp -help -->$/ { skip=0 }
  !skip { print }
' "$doc" > "$doc.tmp"
mv "$doc.tmp" "$doc"

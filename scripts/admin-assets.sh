#!/usr/bin/env bash
# Fetches the admin console's third-party assets from the npm registry at
# pinned versions, checks each tarball's SHA-256, and writes the files the
# console serves, gzip-compressed, with their licenses, into
# runtime/admin/assets/vendor (committed: a build needs no npm).
#
#   bash scripts/admin-assets.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/runtime/admin/assets/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# package@version  sha256 of the tarball  files to take (from package/)
pkgs=(
  "react@18.3.1 8d9bed01a672e7eaf387942d781ad47c6a43089a30a0306060f9fd5ac7870347 umd/react.production.min.js"
  "react-dom@18.3.1 031d4427a99f2f3f6cac18bbbf308594a67e4f47d10f4896fdec446505b040e0 umd/react-dom.production.min.js"
  "graphiql@3.8.3 1cadb1c2ca0dc51ea71fb4bb2680e6185e83fe400c9a62ca5fb9dfb922472bbd graphiql.min.js,graphiql.min.css"
  "uplot@1.6.32 4b8a8191e425658e3ea8c8c1314b0fc679c861ee3a1af2b20c7b16ba50b5133d dist/uPlot.iife.min.js,dist/uPlot.min.css"
)
rm -rf "$out"
mkdir -p "$out"
for p in "${pkgs[@]}"; do
  read -r spec sum files <<<"$p"
  name=${spec%@*}
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  tgz=$(ls "$tmp"/"$name"-*.tgz)
  echo "$sum  $tgz" | sha256sum -c --quiet - || { echo "admin-assets: $spec does not match its pinned SHA-256" >&2; exit 1; }
  mkdir -p "$tmp/$name"
  tar xzf "$tgz" -C "$tmp/$name"
  IFS=, read -ra list <<<"$files"
  for f in "${list[@]}"; do
    gzip -9 -n -c "$tmp/$name/package/$f" >"$out/$(basename "$f").gz"
  done
  cp "$tmp/$name/package/LICENSE" "$out/LICENSE.$name"
  rm -f "$tgz"
done
echo "${pkgs[*]}" | tr ' ' '\n' | grep '@' >"$out/VERSIONS"
ls -l "$out"

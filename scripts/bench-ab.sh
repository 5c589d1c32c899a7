#!/usr/bin/env bash
# Side-by-side timing of two versions of the post-link job: revision REV (default HEAD) against the
# working tree, each compiled to its own directory, run at the same time (one process per core) so
# both see the same speed of the machine, whose speed drifts within minutes. Each side runs
# scripts/bench-postlink-inproc.mjs for 3 rounds; the sums of rounds 2 and 3 (warm) are compared.
# usage: scripts/bench-ab.sh [PAIRS] [REV] [NAME-FILTER]
set -euo pipefail
PAIRS=${1:-3}
REV=${2:-HEAD}
FILTER=${3:-}
HERE=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/A" "$W/B"
git -C "$HERE" archive "$REV" src scripts/bench-postlink-inproc.mjs tsconfig.json package.json | tar -x -C "$W/A"
cp -r "$HERE/src" "$HERE/tsconfig.json" "$HERE/package.json" "$W/B/"
mkdir -p "$W/B/scripts" && cp "$HERE/scripts/bench-postlink-inproc.mjs" "$W/B/scripts/"
for s in A B; do
  ln -s "$HERE/node_modules" "$W/$s/node_modules"
  (cd "$W/$s" && "$HERE/node_modules/.bin/tsc" -p tsconfig.json >/dev/null)
done
for i in $(seq "$PAIRS"); do
  node --single-threaded "$W/A/scripts/bench-postlink-inproc.mjs" 3 $FILTER >"$W/a.txt" 2>&1 &
  node --single-threaded "$W/B/scripts/bench-postlink-inproc.mjs" 3 $FILTER >"$W/b.txt" 2>&1 &
  wait
  a=$(awk '/^round [23]:/ { s += $3 } END { print s }' "$W/a.txt")
  b=$(awk '/^round [23]:/ { s += $3 } END { print s }' "$W/b.txt")
  echo "pair $i: $REV $a ms, working tree $b ms, ratio $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
done

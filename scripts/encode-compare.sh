#!/usr/bin/env bash
# Builds btfpost and compares its DWARF → BTF encoder with pahole 1.30 on every corpus module; see encode-compare.mjs.
# Usage: scripts/encode-compare.sh [--corpus DIR] [--ref-dir DIR] [--only SUBSTR] [--time] [--vmlinux]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BTFPOST_DIST:-$(mktemp -d /tmp/btfpost-dist.XXXXXX)}
npx tsc -p tsconfig.json --outDir "$OUT" >/dev/null || echo "tsc reported errors (continuing with what was emitted)" >&2
# Packages resolve from the output directory upwards.
[ -e "$OUT/node_modules" ] || ln -s "$PWD/node_modules" "$OUT/node_modules"
BTFPOST_DIST="$OUT/" exec node scripts/encode-compare.mjs "$@"

#!/usr/bin/env bash
# Builds dist/ and compares .BTF_ids resolution with the corpus (out-of-tree modules, 6.12 vmlinux); see btfids-compare.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
C=${1:-/root/corpus/6.12.117+deb12-amd64}
ls -d "$C"/oot-build* >/dev/null
npx tsc -p tsconfig.json >/dev/null || echo "tsc reported errors (continuing with what was emitted)" >&2
exec node scripts/btfids-compare.mjs "$C"

#!/usr/bin/env bash
# Compiles scripts/elf-corpus-check.ts (with the src/elf it imports) into a temporary directory and runs it against $BTFPOST_CORPUS.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$(mktemp -d)
trap 'rm -rf -- "$out"' EXIT
npx tsc --module nodenext --moduleResolution nodenext --target es2023 --lib es2023 --strict --skipLibCheck \
  --esModuleInterop --types node --typeRoots "$repo/node_modules/@types" --rootDir . --outDir "$out" scripts/elf-corpus-check.ts
# The compiled files live outside the repo: give them ESM semantics and the repo's packages.
echo '{"type":"module"}' > "$out/package.json"
ln -s "$repo/node_modules" "$out/node_modules"
node "$out/scripts/elf-corpus-check.js" "$@"

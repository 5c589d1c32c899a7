#!/usr/bin/env bash
# Compare our raw BTF dump with bpftool 7.5's over the corpus: vmlinux, host BTF, every shipped module.
#
# Usage: scripts/compare-dump-raw.sh        (env: BTFPOST_CORPUS, BPFTOOL, JOBS, SKIP_BUILD=1, KEEP=1)
# Prints "identical: N/M" and the first differing inputs; exit status 1 when any differ.
set -euo pipefail
export LC_ALL=C

CORPUS=${BTFPOST_CORPUS:-/root/corpus}
C=$CORPUS/6.12.117+deb12-amd64
BPFTOOL=${BPFTOOL:-$CORPUS/tools/bin/bpftool-7.5}
JOBS=${JOBS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=$C/vmlinux.btf

[ -x "$BPFTOOL" ] || { echo "bpftool not found: $BPFTOOL" >&2; exit 2; }
[ -f "$BASE" ] || { echo "no base BTF: $BASE" >&2; exit 2; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && npx tsc -p tsconfig.json >/dev/null 2>&1) || echo "note: tsc reported errors (elsewhere?); using what it emitted" >&2
fi
[ -f "$ROOT/dist/btf/dump/raw.js" ] || { echo "dist/btf/dump/raw.js missing: run npm run build" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/compare-dump-raw.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "work dir: $T" >&2; else trap 'rm -rf "$T"' EXIT; fi
mkdir -p "$T/btf" "$T/ref" "$T/ours"
export T BPFTOOL BASE

# Whole-kernel BTF files (no base): key<TAB>path.
: > "$T/whole.tsv"
printf 'vmlinux-6.12\t%s\n' "$BASE" >> "$T/whole.tsv"
for h in "$CORPUS"/host-*/vmlinux.btf; do
  [ -f "$h" ] && printf '%s\t%s\n' "$(basename "$(dirname "$h")")" "$h" >> "$T/whole.tsv"
done
while IFS=$'\t' read -r key path; do
  "$BPFTOOL" btf dump file "$path" format raw > "$T/ref/$key.txt" 2> "$T/ref/$key.err" || true
  node "$ROOT/scripts/dump-raw.mjs" "$path" > "$T/ours/$key.txt" 2> "$T/ours/$key.err" || true
done < "$T/whole.tsv"

# Modules: key = path under modules/ with '/' turned into '%'.
(cd "$C/modules" && find . -name '*.ko' -type f | sed 's|^\./||' | sort) > "$T/modules.lst"
NMOD=$(wc -l < "$T/modules.lst")
echo "modules: $NMOD; extracting .BTF and running bpftool with $JOBS jobs" >&2

# .BTF sections with objcopy (raw BTF files our one-process batch dumper reads).
(cd "$C/modules" && tr '\n' '\0' < "$T/modules.lst" | xargs -0 -P "$JOBS" -n 64 sh -c '
  for m; do
    k=$(printf %s "$m" | tr / %)
    objcopy --dump-section .BTF="$T/btf/$k.btf" "$m" /dev/null 2> "$T/btf/$k.err" || rm -f "$T/btf/$k.btf"
  done' sh)

# bpftool per module, on the .ko itself, with the 6.12 vmlinux as base.
(cd "$C/modules" && tr '\n' '\0' < "$T/modules.lst" | xargs -0 -P "$JOBS" -n 16 sh -c '
  for m; do
    k=$(printf %s "$m" | tr / %)
    "$BPFTOOL" btf dump file "$m" -B "$BASE" format raw > "$T/ref/$k.txt" 2> "$T/ref/$k.err" || true
  done' sh)

# Ours: every module in one node process, the base parsed once.
: > "$T/batch.tsv"
while read -r m; do
  k=$(printf %s "$m" | tr / %)
  if [ -f "$T/btf/$k.btf" ]; then
    printf '%s\t%s\n' "$T/btf/$k.btf" "$T/ours/$k.txt" >> "$T/batch.tsv"
  else
    : > "$T/ours/$k.txt"
  fi
done < "$T/modules.lst"
node "$ROOT/scripts/dump-raw.mjs" -B "$BASE" --batch "$T/batch.tsv" 2> "$T/ours-batch.err" || true

# Compare.
total=0
same=0
diffs=()
while read -r key; do
  total=$((total + 1))
  if [ -s "$T/ref/$key.txt" ] && cmp -s "$T/ref/$key.txt" "$T/ours/$key.txt"; then
    same=$((same + 1))
  else
    diffs+=("$key")
  fi
done < <(cut -f1 "$T/whole.tsv"; tr / % < "$T/modules.lst")

echo "identical: $same/$total"
if [ "${#diffs[@]}" -gt 0 ]; then
  echo "differing (first 10 of ${#diffs[@]}):"
  for k in "${diffs[@]:0:10}"; do
    printf '  %s\n' "$(printf %s "$k" | tr % /)"
  done
  [ -s "$T/ours-batch.err" ] && { echo "our errors:"; head -5 "$T/ours-batch.err"; }
  exit 1
fi

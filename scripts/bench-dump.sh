#!/usr/bin/env bash
# Interleaved whole-process timing of our raw dump of the 6.12 vmlinux BTF against bpftool 7.5's.
#
# Usage: scripts/bench-dump.sh [RUNS]      (env: BTFPOST_CORPUS, BPFTOOL, FILE to time another BTF file)
# Prints the median wall time of each (and median CPU time, user+sys) and the ratio ours/bpftool.
set -euo pipefail
export LC_ALL=C

CORPUS=${BTFPOST_CORPUS:-/root/corpus}
C=$CORPUS/6.12.117+deb12-amd64
BPFTOOL=${BPFTOOL:-$CORPUS/tools/bin/bpftool-7.5}
FILE=${FILE:-$C/vmlinux.btf}
RUNS=${1:-11}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

[ -x "$BPFTOOL" ] || { echo "bpftool not found: $BPFTOOL" >&2; exit 2; }
[ -f "$FILE" ] || { echo "no such file: $FILE" >&2; exit 2; }
[ -f "$ROOT/dist/btf/dump/raw.js" ] || { echo "dist/btf/dump/raw.js missing: run npm run build" >&2; exit 2; }

ours() { "$ROOT/bin/btfpost" dump "$FILE" > /dev/null; }
theirs() { "$BPFTOOL" btf dump file "$FILE" format raw > /dev/null; }

# Same output first, or the timing means nothing.
cmp -s <(node "$ROOT/bin/btfpost" dump "$FILE") <("$BPFTOOL" btf dump file "$FILE" format raw) \
  || { echo "outputs differ: not timing" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/bench-dump.XXXXXX")
trap 'rm -rf "$T"' EXIT
TIMEFORMAT='%R %U %S'
ours; theirs # warm the page cache
for ((i = 0; i < RUNS; i++)); do
  if ((i % 2 == 0)); then
    { time ours; } 2>> "$T/ours"
    { time theirs; } 2>> "$T/theirs"
  else
    { time theirs; } 2>> "$T/theirs"
    { time ours; } 2>> "$T/ours"
  fi
done

# median of column-derived values: $1 = wall, $2 + $3 = cpu
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ow=$(awk '{ print $1 }' "$T/ours" | median)
tw=$(awk '{ print $1 }' "$T/theirs" | median)
oc=$(awk '{ printf "%.3f\n", $2 + $3 }' "$T/ours" | median)
tc=$(awk '{ printf "%.3f\n", $2 + $3 }' "$T/theirs" | median)
echo "file: $FILE ($RUNS runs each, interleaved)"
echo "ours    (btfpost dump): median wall ${ow}s  cpu ${oc}s"
echo "bpftool ($("$BPFTOOL" version | head -1)): median wall ${tw}s  cpu ${tc}s"
awk -v o="$ow" -v t="$tw" -v oc="$oc" -v tc="$tc" 'BEGIN { printf "ratio ours/bpftool: wall %.2f  cpu %.2f\n", o / t, (tc > 0 ? oc / tc : 0) }'

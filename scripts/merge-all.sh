#!/usr/bin/env bash
# Merge the 6.12 vmlinux BTF with every corpus module into one BTF; check it validates, that
# bpftool 7.5 dumps it, and that every named module type can be found by name in it.
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-/tmp/merged-6.12.btf}
find "$K/modules" -name '*.ko' | sort > /tmp/merge-list.txt
echo "modules: $(wc -l < /tmp/merge-list.txt)"
/usr/bin/time -f 'merge: %e s wall, %M KB peak RSS' "$HERE/bin/btfpost" merge "$K/vmlinux.btf" $(cat /tmp/merge-list.txt) -o "$OUT"
ls -l "$OUT" | awk '{print "merged BTF: " $5 " bytes"}'
"$CORPUS/tools/bin/bpftool-7.5" btf dump file "$OUT" format raw > /tmp/merged.dump && echo "bpftool 7.5 dumps it: $(grep -c '^\[' /tmp/merged.dump) types"
node "$HERE/scripts/lib/merge-check.mjs" "$OUT" "$K/vmlinux.btf" < /tmp/merge-list.txt

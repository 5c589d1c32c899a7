#!/usr/bin/env bash
# btfpost check of every corpus module against the host's BTF (a different kernel) versus libbpf:
# bpftool 7.5 dumping the module with -B that BTF either loads it (relocating .BTF.base modules)
# or fails. Counts agreement on "libbpf can read it" and lists the reasons btfpost gives.
# Usage: scripts/check-vs-libbpf.sh [MODULE_DIR [TARGET_BTF]]
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
MODDIR=${1:-$K/modules}
TARGET=${2:-$(ls "$CORPUS"/host-*/vmlinux.btf | head -1)}
BPFTOOL=$CORPUS/tools/bin/bpftool-7.5
HERE=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
find "$MODDIR" -name '*.ko' | sort > "$W/list"
xargs -P2 -I{} sh -c "if '$BPFTOOL' btf dump file '{}' -B '$TARGET' >/dev/null 2>&1; then echo '{} ok'; else echo '{} fail'; fi" < "$W/list" | sort > "$W/libbpf"
node "$HERE/bin/btfpost" check $(cat "$W/list") -B "$TARGET" --built-with "$K/vmlinux.btf" --json > "$W/ours.json" || true
node "$HERE/scripts/lib/check-agree.mjs" "$W/ours.json" "$W/libbpf"
rm -rf "$W"

#!/usr/bin/env bash
# Runs the post-link drop-in (bin/btfpost-pahole -J, distilled_base, as kbuild runs it) on one
# module many times, several at once, and counts runs that do not end within 30 s. For the hang at
# process end that bin/load-bundle.js collectBeforeExit prevents: with the previous code, 1 run in
# 6000 of snd-ymfpci.ko hung, 4 at a time on two CPUs.
# Usage: scripts/exit-stress.sh [RUNS] [PARALLEL] [MODULE.ko]   (BIN=<drop-in> tries another build)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
RUNS=${1:-2000}; PAR=${2:-4}
KO=${3:-$(find "$K/dbg-modules" -name tcp_bbr.ko | head -1)}
export K KO BIN=${BIN:-$HERE/bin/btfpost-pahole} W=$(mktemp -d)
one() {
  cp "$KO" "$W/$1.ko"
  timeout 30 "$BIN" -J -j1 --btf_features=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs,distilled_base \
    --btf_features=+reproducible_build --lang_exclude=rust --btf_base "$K/vmlinux.btf" "$W/$1.ko" >/dev/null 2>&1 && echo ok || { [ $? = 124 ] && echo hang || echo failed; }
  rm -f "$W/$1.ko"
}
export -f one
seq "$RUNS" | xargs -P "$PAR" -I{} bash -c 'one {}' | sort | uniq -c
rm -rf "$W"

#!/usr/bin/env bash
# Whole-process encoding time and peak memory, btfpost against pahole 1.30, same features, same
# base, same number of threads, interleaved runs, medians. Usage: scripts/bench-encode.sh [RUNS] [MODULE...]
# (default modules: tcp_bbr nf_conntrack ext4 btrfs i915 from the corpus dbg-modules, one thread
# each; JOBS=2 runs them with -j2 for both; VMLINUX=1 adds the 6.12 vmlinux-dwarf with -j2 for
# both, no base). btfpost runs as a command (bin/btfpost), as users and kbuild run it.
# The first line is the floor under every btfpost figure on this machine: Node starting and exiting
# (`node -e 0`, without NODE_EXTRA_CA_CERTS, as bin/ starts it) and btfpost starting with its
# compiled program (`btfpost --version`), medians of as many runs.
# Times are the shell's wall clock of each run, to the millisecond (GNU time's own %e has 10 ms
# steps, a seventh of a small module's pahole run); peak memory is GNU time's %M. Both tools run
# under GNU time alike (0-2 ms of each figure).
# SPLIT=1 adds, per input, one more run of each tool under scripts/rss-split.py: its peak memory
# split into anonymous pages (heap, buffers) and file-backed ones (the mapped executable and
# libraries; for btfpost, the pages of the Node binary a run touches).
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
PAHOLE=$CORPUS/tools/bin/pahole-1.30
HERE=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}; shift || true
MODS=${*:-tcp_bbr nf_conntrack ext4 btrfs i915}
FEAT=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs
T=$(mktemp -d)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed OUT CMD...: run CMD (its output discarded) under GNU time, append "SECONDS PEAK_KB" to OUT.
timed() {
  local out=$1 TIMEFORMAT=%3R; shift
  { time /usr/bin/time -f '%M' -o "$T/mem" "$@" >/dev/null 2>&1; } 2> "$T/wall"
  echo "$(cat "$T/wall") $(cat "$T/mem")" >> "$out"
}
one() { # LABEL JOBS FILE BASEARGS...
  local label=$1 j=$2 f=$3; shift 3
  for i in $(seq "$RUNS"); do
    timed "$T/$label.pahole" env LLVM_OBJCOPY=objcopy "$PAHOLE" "-j$j" --btf_features=$FEAT --btf_features=+reproducible_build --lang_exclude=rust "$@" --btf_encode_detached="$T/p.btf" "$f"
    timed "$T/$label.ours" "$HERE/bin/btfpost" encode "$f" -j "$j" --btf_features=$FEAT --lang_exclude=rust "$@" --detached "$T/o.btf"
  done
  local p o pm om
  p=$(cut -d' ' -f1 "$T/$label.pahole" | median); o=$(cut -d' ' -f1 "$T/$label.ours" | median)
  pm=$(cut -d' ' -f2 "$T/$label.pahole" | median); om=$(cut -d' ' -f2 "$T/$label.ours" | median)
  printf '%-14s -j%s  pahole %6.3f s %5d MB   btfpost %6.3f s %5d MB   ratio %.2f\n' "$label" "$j" "$p" $((pm / 1024)) "$o" $((om / 1024)) "$(echo "$o / $p" | bc -l)"
  if [ "${SPLIT:-0}" = 1 ]; then
    printf '%-14s      %s; %s\n' "" \
      "$(env LLVM_OBJCOPY=objcopy "$HERE/scripts/rss-split.py" pahole "$PAHOLE" "-j$j" --btf_features=$FEAT --btf_features=+reproducible_build --lang_exclude=rust "$@" --btf_encode_detached="$T/p.btf" "$f")" \
      "$("$HERE/scripts/rss-split.py" btfpost "$HERE/bin/btfpost" encode "$f" -j "$j" --btf_features=$FEAT --lang_exclude=rust "$@" --detached "$T/o.btf")"
  fi
}
floor() {
  for i in $(seq "$RUNS"); do
    timed "$T/floor.node" env -u NODE_EXTRA_CA_CERTS node -e 0
    timed "$T/floor.btfpost" "$HERE/bin/btfpost" --version
  done
  printf 'floor               node -e 0 %6.3f s %5d MB   btfpost --version %6.3f s %5d MB\n' \
    "$(cut -d' ' -f1 "$T/floor.node" | median)" $(($(cut -d' ' -f2 "$T/floor.node" | median) / 1024)) \
    "$(cut -d' ' -f1 "$T/floor.btfpost" | median)" $(($(cut -d' ' -f2 "$T/floor.btfpost" | median) / 1024))
  if [ "${SPLIT:-0}" = 1 ]; then
    printf '%-14s      %s; %s\n' "" "$("$HERE/scripts/rss-split.py" 'node -e 0' env -u NODE_EXTRA_CA_CERTS node -e 0)" "$("$HERE/scripts/rss-split.py" 'btfpost --version' "$HERE/bin/btfpost" --version)"
  fi
}
floor
for m in $MODS; do
  f=$(find "$K/dbg-modules" -name "$m.ko" | head -1)
  one "$m" "${JOBS:-1}" "$f" --btf_base "$K/vmlinux.btf"
done
if [ "${VMLINUX:-0}" = 1 ]; then one vmlinux-dwarf 2 "$K/vmlinux-dwarf"; fi
rm -rf "$T"

#!/usr/bin/env bash
# Times bin/btfpost-resolve_btfids against the kernel's resolve_btfids (whole process, interleaved runs, medians) on the 6.12 vmlinux and nf_conntrack.
# Usage: scripts/btfids-bench.sh [RUNS] (env: C=corpus kernel dir, REF=resolve_btfids binary, T=scratch dir)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-15}
C=${C:-/root/corpus/6.12.117+deb12-amd64}
REF=${REF:-/root/corpus/tools/resolve_btfids-6.12.117/resolve_btfids}
T=${T:-/tmp/btfids-bench}
OURS=$PWD/bin/btfpost-resolve_btfids
[ -x "$REF" ] || { echo "reference resolve_btfids not found at $REF" >&2; exit 1; }
npx tsc -p tsconfig.json >/dev/null 2>&1 || echo "tsc reported errors (continuing with what was emitted)" >&2
mkdir -p "$T"

# vmlinux: a private copy (both tools edit in place) whose .BTF_ids is put back to its compiled
# state before every run, and the shipped bytes to check the result against.
cp "$C/vmlinux-dwarf" "$T/vmlinux"
read -r VOFF VSIZE < <(node scripts/btfids-prep.mjs compiled "$T/vmlinux" "$T/vmlinux.compiled")
node scripts/btfids-prep.mjs section "$C/vmlinux-dwarf" "$T/vmlinux.want"
sync
# nf_conntrack: the out-of-tree pre-BTF module with the reference .BTF added; resolved against vmlinux.btf.
node scripts/btfids-prep.mjs module "$C/oot-build/nf_conntrack/nf_conntrack.pre-btf.ko" "$C/oot-build/nf_conntrack/nf_conntrack.ko" "$T/nf_conntrack.in"
node scripts/btfids-prep.mjs section "$C/oot-build/nf_conntrack/nf_conntrack.ko" "$T/nf_conntrack.want"

reset_vmlinux() { dd if="$T/vmlinux.compiled" of="$T/vmlinux" bs=4096 seek="$VOFF" oflag=seek_bytes conv=notrunc status=none; }
reset_module() { cp "$T/nf_conntrack.in" "$T/nf_conntrack.ko"; }
check() { # file want
  node scripts/btfids-prep.mjs section "$1" "$T/got" && cmp -s "$T/got" "$2" || { echo "WRONG RESULT for $1" >&2; exit 1; }
}

# time_run OUTVAR cmd... : wall-clock milliseconds of one run.
time_run() {
  local __out=$1; shift
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>"$T/stderr" || { cat "$T/stderr" >&2; exit 1; }
  e=$(date +%s%N)
  printf -v "$__out" '%d' $(( (e - s) / 1000 ))
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

bench() { # name reset want file args...
  local name=$1 reset=$2 want=$3 file=$4; shift 4
  local ours=() theirs=() t i
  for ((i = 0; i < RUNS; i++)); do
    for who in $( ((i % 2)) && echo "theirs ours" || echo "ours theirs"); do
      $reset
      if [ "$who" = ours ]; then time_run t "$OURS" "$@" "$file"; ours+=("$t"); else time_run t "$REF" "$@" "$file"; theirs+=("$t"); fi
      ((i == 0)) && check "$file" "$want"
    done
  done
  local mo mt
  mo=$(printf '%s\n' "${ours[@]}" | median)
  mt=$(printf '%s\n' "${theirs[@]}" | median)
  $reset; local rss_o rss_t
  rss_o=$( { $reset; /usr/bin/time -f %M "$OURS" "$@" "$file" 2>&1 >/dev/null | tail -1; } )
  rss_t=$( { $reset; /usr/bin/time -f %M "$REF" "$@" "$file" 2>&1 >/dev/null | tail -1; } )
  awk -v n="$name" -v r="$RUNS" -v o="$mo" -v t="$mt" -v ro="$rss_o" -v rt="$rss_t" 'BEGIN {
    printf "%-14s %2d runs  median ours %7.1f ms  resolve_btfids %7.1f ms  ratio %5.2fx  peak RSS %d / %d MB\n", n, r, o / 1000, t / 1000, o / t, ro / 1024, rt / 1024 }'
}

echo "host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); node $(node --version)"
# Node's own start-up, for scale.
startup=()
# Without NODE_EXTRA_CA_CERTS, as the programs of bin/ start Node.
for ((i = 0; i < RUNS; i++)); do time_run t env -u NODE_EXTRA_CA_CERTS node -e 0; startup+=("$t"); done
awk -v m="$(printf '%s\n' "${startup[@]}" | median)" 'BEGIN { printf "node -e 0      median %.1f ms (start-up floor of any Node program, without NODE_EXTRA_CA_CERTS)\n", m / 1000 }'
bench vmlinux reset_vmlinux "$T/vmlinux.want" "$T/vmlinux"
bench nf_conntrack reset_module "$T/nf_conntrack.want" "$T/nf_conntrack.ko" -b "$C/vmlinux.btf"
echo "both results checked equal to the shipped .BTF_ids on the first run of each"

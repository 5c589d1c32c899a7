#!/usr/bin/env bash
# Compares btfpost's C dump (dumpC) with `bpftool btf dump ... format c` on corpus BTF and checks both compile.
#
# usage: scripts/check-dump-c.sh [-n NMODULES] [--no-build] [--keep DIR] [--fixtures]
#   --fixtures  rewrite testdata/dump-c/NAME.h and NAME.unsorted.h from NAME.btf (made by
#               DUMP_C_WRITE_BTF=1 npx vitest run test/btf/dump-c.test.ts) with bpftool, then stop.
#               Without it, the committed expectations are only checked against bpftool.
# env:   BTFPOST_CORPUS (default /root/corpus), BPFTOOL (default $BTFPOST_CORPUS/tools/bin/bpftool-7.5),
#        CC (default gcc)
# Exit status: 0 when every dump of ours compiles and is identical to bpftool's, 1 otherwise,
# 2 when the tools or inputs are missing.

set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
BPFTOOL=${BPFTOOL:-$CORPUS/tools/bin/bpftool-7.5}
CC=${CC:-gcc}
KERNEL=6.12.117+deb12-amd64
VMLINUX=$CORPUS/$KERNEL/vmlinux.btf
HOST=$CORPUS/host-6.18/vmlinux.btf
MODDIR=$CORPUS/$KERNEL/modules
NMOD=20
BUILD=1
KEEP=
FIXTURES=0
FIXDIR=$ROOT/testdata/dump-c

while [ $# -gt 0 ]; do
  case $1 in
    -n) NMOD=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --keep) KEEP=$2; shift 2 ;;
    --fixtures) FIXTURES=1; shift ;;
    *) echo "usage: $0 [-n NMODULES] [--no-build] [--keep DIR] [--fixtures]" >&2; exit 2 ;;
  esac
done

for tool in "$BPFTOOL" node "$CC" objcopy diff; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool" >&2; exit 2; }
done

# bpftool's text for one fixture: fixture_dump NAME.btf [unsorted]
fixture_dump() {
  local btf=$1 base=${1%.btf}.base.btf bflag=()
  [ -f "$base" ] && bflag=(-B "$base")
  "$BPFTOOL" btf dump file "$btf" "${bflag[@]}" format c ${2:-}
}

fixfail=0
for btf in "$FIXDIR"/*.btf; do
  case $btf in *.base.btf) continue ;; esac
  stem=${btf%.btf}
  for mode in sorted unsorted; do
    want=$stem.h arg=
    [ $mode = unsorted ] && want=$stem.unsorted.h arg=unsorted
    if [ "$FIXTURES" = 1 ]; then
      fixture_dump "$btf" $arg >"$want" || { echo "bpftool failed on $btf" >&2; exit 1; }
      "$CC" -fsyntax-only -Wno-attributes -x c "$want" || echo "note: bpftool's $(basename "$want") does not compile"
    elif ! fixture_dump "$btf" $arg | cmp -s - "$want"; then
      echo "FAIL fixture $(basename "$want") is not what bpftool prints for $(basename "$btf")"
      fixfail=1
    fi
  done
done
if [ "$FIXTURES" = 1 ]; then
  echo "rewrote expectations in $FIXDIR"
  exit 0
fi
[ "$fixfail" = 0 ] && echo "fixtures: testdata/dump-c/*.h match bpftool"
[ -f "$VMLINUX" ] || { echo "missing $VMLINUX" >&2; exit 2; }

if [ -n "$KEEP" ]; then
  TMP=$KEEP
  mkdir -p "$TMP"
else
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
fi

if [ "$BUILD" = 1 ]; then
  # Other parts of the tree may not type-check yet; tsc still emits, and only dist/btf matters here.
  (cd "$ROOT" && npx tsc -p tsconfig.json >"$TMP/tsc.log" 2>&1) || echo "note: tsc reported errors (see $TMP/tsc.log); using what it emitted"
fi
[ -f "$ROOT/dist/btf/dump/c.js" ] || { echo "dist/btf/dump/c.js is missing; build first" >&2; exit 2; }

fail=$fixfail
total=0
identical=0
compiled=0

# check NAME BTF_FILE [BASE_FILE] [BPFTOOL_INPUT]
check() {
  local name=$1 file=$2 base=${3:-} input=${4:-$2}
  local ours=$TMP/$name.ours.h theirs=$TMP/$name.bpftool.h
  local bflag=() status
  [ -n "$base" ] && bflag=(-B "$base")
  total=$((total + 1))

  if ! "$BPFTOOL" btf dump file "$input" "${bflag[@]}" format c >"$theirs" 2>"$TMP/$name.bpftool.err"; then
    echo "FAIL $name: bpftool failed: $(head -c 300 "$TMP/$name.bpftool.err")"
    fail=1
    return
  fi
  local t0 t1
  t0=$(date +%s%N)
  if ! DUMP_C_TIMING=1 node "$ROOT/scripts/dump-c.mjs" "$file" $base >"$ours" 2>"$TMP/$name.ours.err"; then
    echo "FAIL $name: dumpC failed: $(head -c 300 "$TMP/$name.ours.err")"
    fail=1
    return
  fi
  t1=$(date +%s%N)
  local timing
  timing=$(grep -o 'dumpC .*' "$TMP/$name.ours.err" | head -1)

  local theirs_cc=ok ours_cc=ok
  "$CC" -fsyntax-only -x c "$theirs" 2>"$TMP/$name.bpftool.cc" || theirs_cc=FAIL
  if "$CC" -fsyntax-only -x c "$ours" 2>"$TMP/$name.ours.cc"; then
    compiled=$((compiled + 1))
  else
    ours_cc=FAIL
    fail=1
  fi

  local cmp
  if cmp -s "$ours" "$theirs"; then
    cmp="identical ($(wc -l <"$ours") lines)"
    identical=$((identical + 1))
  else
    diff "$theirs" "$ours" >"$TMP/$name.diff"
    local minus plus
    minus=$(grep -c '^<' "$TMP/$name.diff")
    plus=$(grep -c '^>' "$TMP/$name.diff")
    cmp="DIFFERENT: $minus bpftool lines vs $plus of ours differ (of $(wc -l <"$theirs"))"
    fail=1
  fi
  printf '%-40s bpftool-cc=%-4s ours-cc=%-4s %s [%s, wall %d ms]\n' \
    "$name" "$theirs_cc" "$ours_cc" "$cmp" "$timing" $(((t1 - t0) / 1000000))
  if [ "$ours_cc" = FAIL ]; then
    grep -m5 'error' "$TMP/$name.ours.cc" | sed 's/^/    /'
  fi
  if [ -f "$TMP/$name.diff" ] && [ -s "$TMP/$name.diff" ]; then
    head -20 "$TMP/$name.diff" | sed 's/^/    /'
  fi
}

check vmlinux-$KERNEL "$VMLINUX"
if [ -f "$HOST" ]; then
  check vmlinux-host-6.18 "$HOST"
else
  echo "skip host BTF: $HOST is missing"
fi

if [ -d "$MODDIR" ] && [ "$NMOD" -gt 0 ]; then
  mapfile -t all < <(cd "$MODDIR" && find . -name '*.ko' -type f | LC_ALL=C sort)
  n=${#all[@]}
  if [ "$n" -eq 0 ]; then
    echo "skip modules: none under $MODDIR yet"
  else
    step=$(( n / NMOD )); [ "$step" -lt 1 ] && step=1
    picked=0
    for ((i = 0; i < n && picked < NMOD; i += step)); do
      ko=$MODDIR/${all[$i]#./}
      name=mod-$(basename "$ko" .ko)
      if ! objcopy --dump-section .BTF="$TMP/$name.btf" "$ko" "$TMP/$name.o" 2>/dev/null; then
        echo "skip $name: no .BTF section"
        continue
      fi
      rm -f "$TMP/$name.o"
      picked=$((picked + 1))
      check "$name" "$TMP/$name.btf" "$VMLINUX" "$ko"
    done
  fi
else
  echo "skip modules: $MODDIR is missing"
fi

echo "summary: $total dumps, $identical identical to bpftool, $compiled of ours compile with $CC -fsyntax-only"
exit $fail

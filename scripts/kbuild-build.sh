#!/usr/bin/env bash
# Builds the corpus's 17 out-of-tree modules through the real 6.12 kbuild tree (make -C KROOT M=DIR)
# with btfpost doing the BTF step, and compares the .BTF, .BTF.base and .BTF_ids sections with
# reference builds made by pahole + the kernel's resolve_btfids.
#
# Each set's sources (Kbuild, *.c, *.h) are copied to a work directory and compiled once; every
# variant then deletes the .ko files and runs make again in the same directory, so kbuild relinks
# each module and runs its BTF step (cmd_btf_ko) with the variant's settings:
#
#   ref130   PAHOLE=pahole-1.30, kroot's resolve_btfids; the plain reference invocation
#            (oot-build/MAKE-INVOCATION.txt) with pahole 1.30 instead of the system's pahole 1.24
#   a-plain  PAHOLE=btfpost-pahole RESOLVE_BTFIDS=btfpost-resolve_btfids, otherwise like ref130
#            (the tree's CONFIG_PAHOLE_VERSION=124 flags: --btf_gen_floats -j --lang_exclude=rust)
#            -> compared with ref130
#   a-dist   the drop-ins with the distilled reference's invocation (CONFIG_PAHOLE_VERSION=130,
#            KBUILD_BUILD_TIMESTAMP set: kbuild adds --btf_features=distilled_base)
#            -> compared with oot-build-distilled/<set>/<m>.ko
#   b-snip   MAKEFILES=kbuild-snippets/btfpost.mk BTF_BASE_REF=1 (btfpost in one step)
#            -> compared with oot-build-distilled/<set>/<m>.ko
#
# A module passes when .BTF, .BTF.base and .BTF_ids are byte-identical to the reference's, or, if
# .BTF differs in bytes, `btfpost compare A B -B vmlinux.btf` finds equal type graphs and the
# other sections are identical. The plain pahole 1.24 reference (oot-build) is compared as a type
# graph for information only (pahole 1.24 and 1.30 encode differently).
#
# Usage: scripts/kbuild-build.sh [--corpus DIR] [--only SET[,SET]] [--variants a-plain,...]
#                                [--work DIR] [--keep] [--no-build] [-j N]
# Exit status 0 when every compared module of every variant passes.
set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
C=""
ONLY=""
VARIANTS="ref130,a-plain,a-dist,b-snip"
WORK=""
KEEP=0
BUILD=1
JOBS=2
while [ $# -gt 0 ]; do
  case $1 in
    --corpus) C=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --variants) VARIANTS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --no-build) BUILD=0; shift ;;
    -j) JOBS=$2; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "kbuild-build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
C=${C:-$CORPUS/6.12.117+deb12-amd64}
TOOLS=$(cd "$C/.." && pwd)/tools
KROOT=$C/kroot/usr/src/linux-headers-6.12.117+deb12-amd64
KRESOLVE=$C/kroot/usr/lib/linux-kbuild-6.12.117+deb12/tools/bpf/resolve_btfids/resolve_btfids
PAHOLE130=$TOOLS/bin/pahole-1.30
VMLINUX_BTF=$C/vmlinux.btf
SNIPPET=$HERE/kbuild-snippets/btfpost.mk
BTFPOST="$HERE/bin/btfpost"

for f in "$KROOT/Makefile" "$KRESOLVE" "$PAHOLE130" "$VMLINUX_BTF" "$C/vmlinux"; do
  [ -e "$f" ] || { echo "kbuild-build.sh: missing $f" >&2; exit 2; }
done
command -v make >/dev/null || { echo "kbuild-build.sh: make is not installed" >&2; exit 2; }
# The reference builds ran with kroot's vmlinux pointing at the corpus vmlinux (a symlink made for them).
if [ ! -e "$KROOT/vmlinux" ]; then
  echo "note: $KROOT/vmlinux missing; linking it to $C/vmlinux as for the reference builds" >&2
  ln -s "$C/vmlinux" "$KROOT/vmlinux"
fi

if [ $BUILD = 1 ]; then
  (cd "$HERE" && npx tsc -p tsconfig.json) >/dev/null 2>&1 || { echo "kbuild-build.sh: tsc failed" >&2; exit 2; }
fi

if [ -z "$WORK" ]; then WORK=$(mktemp -d /tmp/btfpost-kbuild.XXXXXX); fi
mkdir -p "$WORK"
[ $KEEP = 1 ] || trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# make for one variant in directory $1 (the .ko files are removed first so kbuild relinks them and runs cmd_btf_ko)
run_variant() {
  local v=$1 d=$2
  rm -f "$d"/*.ko
  local common=(-C "$KROOT" M="$d" V=1 -j"$JOBS")
  case $v in
    ref130) make "${common[@]}" RESOLVE_BTFIDS="$KRESOLVE" PAHOLE="$PAHOLE130" modules ;;
    a-plain) PATH="$HERE/bin:$PATH" make "${common[@]}" PAHOLE=btfpost-pahole RESOLVE_BTFIDS=btfpost-resolve_btfids modules ;;
    a-dist) PATH="$HERE/bin:$PATH" make "${common[@]}" PAHOLE=btfpost-pahole RESOLVE_BTFIDS=btfpost-resolve_btfids \
              CONFIG_PAHOLE_VERSION=130 KBUILD_BUILD_TIMESTAMP='2025-01-01 00:00:00 UTC' modules ;;
    b-snip) make "${common[@]}" MAKEFILES="$SNIPPET" BTF_BASE_REF=1 modules ;;
    *) echo "unknown variant $v" >&2; return 2 ;;
  esac
}

# section bytes of an ELF (empty file when the section is absent)
dump_section() { # ko section out
  if objdump -h "$1" 2>/dev/null | awk '{print $2}' | grep -qx -- "$2"; then
    objcopy --dump-section "$2=$3" "$1" "$3.junk" 2>/dev/null || : > "$3"
    rm -f "$3.junk"
    echo present
  else
    : > "$3"
    echo absent
  fi
}

# compare one module with a reference: prints "BTF BASE IDS GRAPH" cells and returns 0 on pass
compare_ko() { # ours ref tmpdir
  local ours=$1 ref=$2 t=$3 s cells=() pass=0 btfbytes=same
  for s in .BTF .BTF.base .BTF_ids; do
    local a b
    a=$(dump_section "$ours" "$s" "$t/ours$s")
    b=$(dump_section "$ref" "$s" "$t/ref$s")
    if [ "$a" = absent ] && [ "$b" = absent ]; then cells+=("-")
    elif [ "$a" != "$b" ]; then cells+=("ours:$a/ref:$b"); [ $s = .BTF ] && btfbytes=diff || pass=1
    elif cmp -s "$t/ours$s" "$t/ref$s"; then cells+=("same")
    else cells+=("DIFF"); [ $s = .BTF ] && btfbytes=diff || pass=1
    fi
  done
  local graph
  if [ "$btfbytes" = same ]; then graph="(bytes)"
  elif $BTFPOST compare "$ours" "$ref" -B "$VMLINUX_BTF" > "$t/compare.txt" 2>&1; then graph="equal"
  else graph="DIFF"; pass=1; cp "$t/compare.txt" "$ours.compare.txt"
  fi
  echo "${cells[0]} ${cells[1]} ${cells[2]} $graph"
  return $pass
}

IFS=, read -r -a VLIST <<< "$VARIANTS"
SETS=()
for d in "$C"/oot-build/*/; do
  s=$(basename "$d")
  if [ -n "$ONLY" ] && ! [[ ",$ONLY," == *",$s,"* ]]; then continue; fi
  SETS+=("$s")
done

REPORT=$WORK/report.txt
: > "$REPORT"
declare -A PASS TOTAL VTIME
for v in "${VLIST[@]}"; do PASS[$v]=0; TOTAL[$v]=0; VTIME[$v]=0; done
T0=$(now)

for s in "${SETS[@]}"; do
  src=$C/oot-build/$s
  d=$WORK/build/$s
  rm -rf "$d"; mkdir -p "$d"
  cp "$src"/Kbuild "$d"/
  cp "$src"/*.c "$d"/ 2>/dev/null
  cp "$src"/*.h "$d"/ 2>/dev/null
  t0=$(now)
  if ! make -C "$KROOT" M="$d" V=1 -j"$JOBS" PAHOLE=true RESOLVE_BTFIDS=true modules > "$d/build-compile.log" 2>&1; then
    echo "kbuild-build.sh: $s: compiling failed, see $d/build-compile.log" >&2
    tail -20 "$d/build-compile.log" >&2
    for v in "${VLIST[@]}"; do TOTAL[$v]=$(( TOTAL[$v] + $(wc -l < "$src/modules.order") )); done
    continue
  fi
  echo "$s: compiled in $(elapsed "$t0" "$(now)") s" >&2
  mods=$(sed 's/\.o$//' "$d/modules.order" | xargs -n1 basename)
  for v in "${VLIST[@]}"; do
    out=$WORK/out/$v/$s; mkdir -p "$out"
    t0=$(now)
    run_variant "$v" "$d" > "$out/build.log" 2>&1
    rc=$?
    t1=$(now)
    VTIME[$v]=$(awk -v a="${VTIME[$v]}" -v b="$(elapsed "$t0" "$t1")" 'BEGIN { print a + b }')
    for m in $mods; do
      TOTAL[$v]=$(( TOTAL[$v] + 1 ))
      if [ $rc != 0 ] || [ ! -f "$d/$m.ko" ]; then
        printf '%-8s %-13s %-15s %-6s %-9s %-9s %-9s %-8s %s\n' "$v" "$s" "$m" "$(elapsed "$t0" "$t1")" "-" "-" "-" "-" "FAIL (make rc=$rc, see $out/build.log)" >> "$REPORT"
        continue
      fi
      cp "$d/$m.ko" "$out/$m.ko"
      case $v in
        ref130) ref=$C/oot-build/$s/$m.ko ;;
        a-plain) ref=$WORK/out/ref130/$s/$m.ko ;;
        *) ref=$C/oot-build-distilled/$s/$m.ko ;;
      esac
      if [ ! -f "$ref" ]; then
        printf '%-8s %-13s %-15s %-6s %-9s %-9s %-9s %-8s %s\n' "$v" "$s" "$m" "$(elapsed "$t0" "$t1")" "-" "-" "-" "-" "NO-REF ($ref)" >> "$REPORT"
        continue
      fi
      tmp=$WORK/tmp; mkdir -p "$tmp"
      cells=$(compare_ko "$out/$m.ko" "$ref" "$tmp")
      ok=$?
      extra=""
      if [ "$v" = a-plain ] || [ "$v" = ref130 ]; then
        # information only: the plain reference was encoded by pahole 1.24
        if $BTFPOST compare "$out/$m.ko" "$C/oot-build/$s/$m.ko" -B "$VMLINUX_BTF" > /dev/null 2>&1; then extra=" vs-1.24:equal"; else extra=" vs-1.24:differs"; fi
      fi
      if [ "$v" = ref130 ]; then
        verdict="info$extra"   # the reference build itself: not counted
        PASS[$v]=$(( PASS[$v] + 1 ))
      elif [ $ok = 0 ]; then verdict="PASS$extra"; PASS[$v]=$(( PASS[$v] + 1 ))
      else verdict="FAIL$extra"
      fi
      # shellcheck disable=SC2086
      printf '%-8s %-13s %-15s %-6s %-9s %-9s %-9s %-8s %s\n' "$v" "$s" "$m" "$(elapsed "$t0" "$t1")" $cells "$verdict" >> "$REPORT"
    done
  done
done

printf '%-8s %-13s %-15s %-6s %-9s %-9s %-9s %-8s %s\n' variant set module make-s .BTF .BTF.base .BTF_ids graph verdict
printf '%-8s %-13s %-15s %-6s %-9s %-9s %-9s %-8s %s\n' "(make-s: wall time of the set's make run, all its modules; '-': section absent on both sides)"
sort -s -k1,1 "$REPORT"
echo
status=0
for v in "${VLIST[@]}"; do
  case $v in
    ref130) echo "ref130 : ${TOTAL[$v]} modules built with pahole 1.30 + resolve_btfids (reference for a-plain); make time ${VTIME[$v]} s" ;;
    a-plain) echo "a-plain: ${PASS[$v]}/${TOTAL[$v]} equal to ref130 (drop-in btfpost-pahole + btfpost-resolve_btfids, CONFIG_PAHOLE_VERSION=124 flags); make time ${VTIME[$v]} s" ;;
    a-dist) echo "a-dist : ${PASS[$v]}/${TOTAL[$v]} equal to oot-build-distilled (drop-ins, CONFIG_PAHOLE_VERSION=130 -> distilled_base); make time ${VTIME[$v]} s" ;;
    b-snip) echo "b-snip : ${PASS[$v]}/${TOTAL[$v]} equal to oot-build-distilled (MAKEFILES=kbuild-snippets/btfpost.mk BTF_BASE_REF=1); make time ${VTIME[$v]} s" ;;
  esac
  [ "${PASS[$v]}" = "${TOTAL[$v]}" ] || status=1
done
echo "total wall time $(elapsed "$T0" "$(now)") s; work dir $WORK$([ $KEEP = 1 ] || echo ' (removed; --keep keeps it)')"
exit $status

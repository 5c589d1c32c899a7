#!/usr/bin/env bash
# encode-compare over every module of the kernel's debug package, not only the corpus's 42: the
# package's .ko files (4230 for 6.12) are extracted once into DIR (default /tmp/btfpost-wide), split
# into JOBS shards (default: the online CPUs) compared side by side, each against pahole 1.30 as
# encode-compare.mjs does. Prints each shard's differences and the total N/M equal.
# With --bytes, each module is instead encoded by the command, as kbuild runs it (`bin/btfpost
# encode --detached`, needs a build), and by `pahole --btf_encode_detached`, and the two files must
# be the same bytes; prints the modules that differ and N/M identical. A module both tools refuse
# (each fails and leaves it as it was) is listed with both errors and counted apart. With --distilled, the
# post-link drop-in (`bin/btfpost-pahole -J` with distilled_base, as kbuild runs it for a kernel
# built with pahole 1.28 or later) and `pahole -J` with the same arguments each write a copy of
# the module, whose .BTF and .BTF.base must be the same bytes.
# DEB=PACKAGE.deb compares another kernel's debug package (any Debian linux-image-*-dbg) against
# its own vmlinux's .BTF as the base, extracted with the modules (the corpus's vmlinux.btf otherwise);
# the graph comparison then also encodes that vmlinux (no base) and counts it. A vmlinux without
# .BTF (a kernel built without BTF) leaves only --bytes, which then encodes modules without a base.
# Usage: [DEB=PACKAGE.deb] scripts/encode-compare-wide.sh [--bytes|--distilled] [DIR]   (BTFPOST_CORPUS as for encode-compare.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# MODE: graph (encode-compare.mjs), or the function below that checks one module.
MODE=graph
case "${1:-}" in --bytes) MODE=bytes; shift ;; --distilled) MODE=distilled; shift ;; esac
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
DIR=${1:-/tmp/btfpost-wide}
JOBS=${JOBS:-$(nproc)}
BASE=$K/vmlinux.btf
# section_bytes ELF NAME OUT: the bytes of section NAME (nothing when absent), by readelf and dd,
# which read an ELF of any machine (this host's objcopy knows only its own).
section_bytes() {
  local at
  at=$(readelf -SW "$1" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] *//p' | awk -v n="$2" '$1 == n && $2 != "NOBITS" {print $4, $5; exit}')
  rm -f "$3"
  [ -n "$at" ] || return 0
  set -- "$1" "$2" "$3" $at
  dd if="$1" of="$3" iflag=skip_bytes,count_bytes skip=$((16#$4)) count=$((16#$5)) status=none
}
export -f section_bytes
# OWN: DEB is another kernel's package, whose vmlinux is extracted too and gives the base.
OWN=
if [ -n "${DEB:-}" ]; then OWN=1; BASE=$DIR/vmlinux.btf; else DEB=$(ls "$CORPUS"/debs/linux-image-*-dbg_*.deb | head -1); fi
if [ ! -f "$DIR/extracted" ]; then
  mkdir -p "$DIR/x"
  pats=('*.ko'); [ -z "$OWN" ] || pats+=('*/vmlinux*')
  dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$DIR/x" --wildcards "${pats[@]}"
  touch "$DIR/extracted"
fi
# The package's vmlinux (boot/vmlinux-VERSION may be a symlink to lib/modules/VERSION/vmlinux).
[ -z "$OWN" ] || { VMLINUX=$(find "$DIR/x" -type f -name 'vmlinux*' | head -1); [ -f "$BASE" ] || section_bytes "$VMLINUX" .BTF "$BASE"; }
# A kernel built without BTF (Debian's armhf): --bytes then encodes each module without a base.
if [ ! -s "$BASE" ]; then
  [ "$MODE" = bytes ] || { echo "no base: the package's vmlinux has no .BTF (only --bytes can run, without a base)" >&2; exit 1; }
  echo "the package's vmlinux has no .BTF: modules are encoded without a base" >&2
  BASE=
fi
# Little-endian MIPS64 modules: with --bytes and --distilled, pahole gets a copy with the usual
# r_info layout (see scripts/mips64el-rinfo.py: the elfutils it reads DWARF with misreads mips64el
# relocations). The graph comparison does not rewrite; Debian's MIPS kernels have no BTF to need it.
RINFO=
first=$(find "$DIR/x" -name '*.ko' -print -quit)
if [ -n "$first" ] && [ "$(od -An -tx1 -j4 -N2 "$first" | tr -d ' ')" = 0201 ] && [ "$(od -An -tu2 -j18 -N2 "$first" | tr -d ' ')" = 8 ]; then
  RINFO=$PWD/scripts/mips64el-rinfo.py
  echo "mips64el: pahole reads copies with the usual r_info layout ($RINFO)" >&2
fi
if [ "$MODE" != graph ]; then
  export BASE RINFO PAHOLE=$CORPUS/tools/bin/pahole-1.30 BTFPOST=$PWD/bin/btfpost DROPIN=$PWD/bin/btfpost-pahole
  export FEAT=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs
  # One module, --distilled: each tool writes its sections into a copy of it, one thread each.
  distilled() {
    local f=$1 t s r=same; t=$(mktemp -d /tmp/btfpost-wide.XXXXXX)
    cp "$f" "$t/o.ko"
    if [ -n "$RINFO" ]; then python3 "$RINFO" "$f" "$t/p.ko"; else cp "$f" "$t/p.ko"; fi
    cp "$t/p.ko" "$t/p.in"
    set -- -J -j1 --btf_features=$FEAT,distilled_base --btf_features=+reproducible_build --lang_exclude=rust --btf_base "$BASE"
    LLVM_OBJCOPY=objcopy "$PAHOLE" "$@" "$t/p.ko" >/dev/null 2>"$t/perr" || true
    "$DROPIN" "$@" "$t/o.ko" >/dev/null 2>"$t/err" || true
    for s in .BTF .BTF.base; do
      section_bytes "$t/p.ko" "$s" "$t/p$s"
      section_bytes "$t/o.ko" "$s" "$t/o$s"
      [ -s "$t/p$s" ] && cmp -s "$t/p$s" "$t/o$s" || r=differs
    done
    if [ $r = same ]; then echo same
    elif [ -s "$t/err" ] && cmp -s "$t/p.in" "$t/p.ko" && cmp -s "$f" "$t/o.ko"; then refused "$f" "$t"
    else echo "differs: $f $(head -1 "$t/err")"; fi
    rm -rf "$t"
  }
  # refused MODULE TMP: both tools failed on MODULE and left it as it was; their first words why.
  refused() {
    echo "refused by both: $1"
    echo "  pahole: $(head -3 "$2/perr" | tr '\n' ' ')"
    echo "  btfpost: $(head -1 "$2/err")"
  }
  # One module, --bytes: both tools on one thread each (pahole on a copy: it writes nothing, but opens read-write).
  bytes() {
    local f=$1 t; t=$(mktemp -d /tmp/btfpost-wide.XXXXXX)
    if [ -n "$RINFO" ]; then python3 "$RINFO" "$f" "$t/x.ko"; else cp "$f" "$t/x.ko"; fi
    LLVM_OBJCOPY=objcopy "$PAHOLE" -J -j1 --btf_features=$FEAT --btf_features=+reproducible_build --lang_exclude=rust \
      ${BASE:+--btf_base "$BASE"} --btf_encode_detached="$t/p.btf" "$t/x.ko" >/dev/null 2>"$t/perr" || true
    "$BTFPOST" encode "$f" -j 1 --btf_features=$FEAT --lang_exclude=rust ${BASE:+--btf_base "$BASE"} --detached "$t/o.btf" >/dev/null 2>"$t/err" || true
    if [ -s "$t/p.btf" ] && cmp -s "$t/p.btf" "$t/o.btf"; then echo same
    elif [ -s "$t/err" ] && [ ! -s "$t/p.btf" ] && [ ! -e "$t/o.btf" ]; then refused "$f" "$t"
    else echo "differs: $f $(head -1 "$t/err")"; fi
    rm -rf "$t"
  }
  export -f bytes distilled refused
  find "$DIR/x" -name '*.ko' | sort | xargs -P "$JOBS" -I{} bash -c "$MODE"' "$1"' _ {} > "$DIR/bytes.out"
  grep -v '^same$' "$DIR/bytes.out" || true
  n=$(grep -c '^same$\|^differs: \|^refused by both: ' "$DIR/bytes.out" || true)
  echo "$(grep -c '^same$' "$DIR/bytes.out")/$n identical, $(grep -c '^refused by both: ' "$DIR/bytes.out" || true) refused by both (listed above)"
  exit 0
fi
OUT=$(mktemp -d /tmp/btfpost-dist.XXXXXX)
npx tsc -p tsconfig.json --outDir "$OUT" >/dev/null || echo "tsc reported errors (continuing with what was emitted)" >&2
ln -s "$PWD/node_modules" "$OUT/node_modules"
# Shards: corpus-shaped directories of symlinks (dbg-modules/, an empty oot-build/, the base).
rm -rf "$DIR"/shard-*
i=0
find "$DIR/x" -name '*.ko' | sort | while read -r f; do
  s=$DIR/shard-$((i % JOBS)); i=$((i + 1))
  [ -d "$s/dbg-modules" ] || { mkdir -p "$s/dbg-modules" "$s/oot-build"; ln -s "$BASE" "$s/vmlinux.btf"; }
  rel=${f#"$DIR"/x/usr/lib/debug/lib/modules/*/kernel/}
  ln -s "$f" "$s/dbg-modules/$(echo "$rel" | tr / _)"
done
for s in "$DIR"/shard-*; do
  BTFPOST_DIST="$OUT/" node scripts/encode-compare.mjs --corpus "$s" > "$s.out" 2>&1 &
done
wait
# Another kernel's package: its vmlinux too, encoded without a base (a shard of its own, after the modules).
if [ -n "$OWN" ]; then
  s=$DIR/shard-vmlinux; mkdir -p "$s/dbg-modules" "$s/oot-build"
  ln -s "$BASE" "$s/vmlinux.btf"; ln -s "$VMLINUX" "$s/vmlinux-dwarf"
  BTFPOST_DIST="$OUT/" node scripts/encode-compare.mjs --corpus "$s" --vmlinux --only vmlinux-dwarf --max 40 > "$s.out" 2>&1 || true
fi
rm -rf "$OUT"
equal=0; total=0
for s in "$DIR"/shard-*.out; do
  grep -v ' equal types \|^$\| equal$' "$s" || true
  r=$(tail -1 "$s"); equal=$((equal + ${r%%/*})); t=${r#*/}; total=$((total + ${t%% *}))
done
echo "$equal/$total equal"

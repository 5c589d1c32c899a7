#!/usr/bin/env bash
# Batch post-link of the corpus's 42 DWARF modules with btfpost --jobs 2 against a shell loop of
# pahole 1.30 + resolve_btfids with the same features (distilled base, as for out-of-tree
# modules). Prints both wall times, the ratio and peak memory for each of ROUNDS rounds (default 1),
# then checks the last round's outputs against the reference's.
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
PAHOLE=$CORPUS/tools/bin/pahole-1.30
RESOLVE=$(find "$CORPUS/tools/resolve_btfids-6.12.117" -type f -name resolve_btfids -perm -u+x | head -1)
HERE=$(cd "$(dirname "$0")/.." && pwd)
FEAT=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs
ROUNDS=${ROUNDS:-1}
W=$(mktemp -d)
mkdir -p "$W/orig"
find "$K/dbg-modules" -name '*.ko' -exec cp {} "$W/orig/" \;
echo "modules: $(ls "$W/orig" | wc -l); rounds: $ROUNDS (this machine's speed drifts: compare the ratios within a round)"
reference() {
  /usr/bin/time -f "%e %M" -o "$W/t.ref" bash -c "
  for f in '$W'/ref/*.ko; do
    LLVM_OBJCOPY=objcopy '$PAHOLE' -J -j --btf_features=$FEAT --btf_features=+reproducible_build --lang_exclude=rust --btf_features=distilled_base --btf_base '$K/vmlinux.btf' \"\$f\" >/dev/null 2>&1
    '$RESOLVE' -b '$K/vmlinux.btf' \"\$f\" >/dev/null 2>&1 || true
  done"
}
ours() {
  /usr/bin/time -f "%e %M" -o "$W/t.ours" "$HERE/bin/btfpost" batch "$W/ours" -B "$K/vmlinux.btf" --distilled-base --strip-signature --jobs 2 --report "$W/report.json" || true
}
for r in $(seq "$ROUNDS"); do
  rm -rf "$W/ours" "$W/ref"; cp -r "$W/orig" "$W/ours"; cp -r "$W/orig" "$W/ref"
  # Alternate which goes first, so a drift of the machine's speed does not favour one side.
  if [ $((r % 2)) = 1 ]; then reference; ours; else ours; reference; fi
  read -r rt rm <"$W/t.ref"; read -r ot om <"$W/t.ours"
  echo "round $r: reference loop $rt s, $((rm / 1024)) MB peak (largest process); btfpost batch --jobs 2 $ot s, $((om / 1024)) MB peak; ratio $(awk -v a="$rt" -v b="$ot" 'BEGIN { printf "%.2f", a / b }')"
done
node -e "const r=JSON.parse(require('fs').readFileSync('$W/report.json'));console.log('btfpost report: '+r.ok+' ok, '+r.failed+' failed')"
same=0; bytes=0; ids=0; n=0
for f in "$W"/ours/*.ko; do
  b=$(basename "$f"); n=$((n + 1))
  if node "$HERE/bin/btfpost" compare "$f" "$W/ref/$b" -B "$K/vmlinux.btf" >/dev/null 2>&1; then same=$((same + 1)); fi
  ok=1
  for s in .BTF .BTF.base; do
    objcopy --dump-section "$s=$W/a" "$f" "$W/j.o" 2>/dev/null; objcopy --dump-section "$s=$W/b" "$W/ref/$b" "$W/j.o" 2>/dev/null
    cmp -s "$W/a" "$W/b" || ok=0
  done
  [ $ok = 1 ] && bytes=$((bytes + 1))
  if objcopy --dump-section ".BTF_ids=$W/a" "$f" "$W/j.o" 2>/dev/null; then
    objcopy --dump-section ".BTF_ids=$W/b" "$W/ref/$b" "$W/j.o" 2>/dev/null; cmp -s "$W/a" "$W/b" && ids=$((ids + 1))
  else ids=$((ids + 1)); fi
done
echo "same type graphs as the reference loop: $same/$n; .BTF+.BTF.base byte-identical: $bytes/$n; .BTF_ids identical: $ids/$n"
rm -rf "$W"

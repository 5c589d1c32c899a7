#!/usr/bin/env bash
# Batch post-link of the corpus's 42 DWARF modules with btfpost --jobs 2 against a shell loop of
# pahole 1.30 + resolve_btfids with the same features (distilled base, as for out-of-tree
# modules). Prints both wall times, the ratio and peak memory.
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
PAHOLE=$CORPUS/tools/bin/pahole-1.30
RESOLVE=$(find "$CORPUS/tools/resolve_btfids-6.12.117" -type f -name resolve_btfids -perm -u+x | head -1)
HERE=$(cd "$(dirname "$0")/.." && pwd)
FEAT=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs
W=$(mktemp -d)
mkdir -p "$W/ours" "$W/ref"
find "$K/dbg-modules" -name '*.ko' -exec cp {} "$W/ours/" \;
cp "$W"/ours/*.ko "$W/ref/"
echo "modules: $(ls "$W/ours" | wc -l)"
/usr/bin/time -f 'reference loop: %e s wall, %M KB peak RSS (largest process)' bash -c "
  for f in '$W'/ref/*.ko; do
    LLVM_OBJCOPY=objcopy '$PAHOLE' -J -j --btf_features=$FEAT --btf_features=+reproducible_build --lang_exclude=rust --btf_features=distilled_base --btf_base '$K/vmlinux.btf' \"\$f\" >/dev/null 2>&1
    '$RESOLVE' -b '$K/vmlinux.btf' \"\$f\" >/dev/null 2>&1 || true
  done"
/usr/bin/time -f 'btfpost batch --jobs 2: %e s wall, %M KB peak RSS' node "$HERE/bin/btfpost" batch "$W/ours" -B "$K/vmlinux.btf" --distilled-base --strip-signature --jobs 2 --report "$W/report.json" || true
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

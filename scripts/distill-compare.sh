#!/usr/bin/env bash
# On the corpus's oot-build-distilled modules: pahole 1.30 encodes plain split BTF for each
# .pre-btf.ko (same features, without distilled_base); btfpost distills it and must produce the
# .BTF and .BTF.base that pahole 1.30 wrote with distilled_base, byte for byte. Then btfpost
# relocates the reference module onto the 6.12 vmlinux BTF and must print what bpftool 7.5
# prints for it (bpftool relocates through libbpf when given -B).
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
PAHOLE=$CORPUS/tools/bin/pahole-1.30
BPFTOOL=$CORPUS/tools/bin/bpftool-7.5
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
FEAT=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs
n=0
for pre in "$K"/oot-build-distilled/*/*.pre-btf.ko; do
  m=$(basename "$pre" .pre-btf.ko); d=$(dirname "$pre")
  cp "$pre" "$W/$m.ko"
  LLVM_OBJCOPY=objcopy "$PAHOLE" -J -j --btf_features=$FEAT --btf_features=+reproducible_build --lang_exclude=rust --btf_base "$K/vmlinux.btf" "$W/$m.ko" 2>/dev/null
  "$BPFTOOL" btf dump file "$d/$m.ko" -B "$K/vmlinux.btf" format raw > "$W/$m.bpftool-relocated.txt"
  echo "$m $W/$m.ko $d/$m.ko $W/$m.bpftool-relocated.txt" >> "$W/list"
  n=$((n + 1))
done
node "$HERE/lib/distill-compare.mjs" "$K/vmlinux.btf" < "$W/list"
rm -rf "$W"

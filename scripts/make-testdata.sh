#!/usr/bin/env bash
# Cut the small real fixtures under testdata/ from the kernel corpus, with reference outputs
# from bpftool 7.5. Needs BTFPOST_CORPUS (the corpus root) and its tools; CI never runs this.
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:?set BTFPOST_CORPUS to the corpus root}
K=$CORPUS/6.12.117+deb12-amd64
BPFTOOL=${BPFTOOL:-$CORPUS/tools/bin/bpftool-7.5}
HERE=$(cd "$(dirname "$0")/.." && pwd)
T=$HERE/testdata
mkdir -p "$T/btf" "$T/modules"
export LC_ALL=C

# Whole-kernel BTF: the 6.12 vmlinux, and a newer host BTF (DECL_TAG, TYPE_TAG, ENUM64).
gzip -9n < "$K/vmlinux.btf" > "$T/btf/vmlinux-6.12.btf.gz"
"$BPFTOOL" btf dump file "$K/vmlinux.btf" format raw | sha256sum | cut -d' ' -f1 > "$T/btf/vmlinux-6.12.raw.sha256"
HOST=$(ls -d "$CORPUS"/host-*/vmlinux.btf | head -1)
gzip -9n < "$HOST" > "$T/btf/host.btf.gz"
"$BPFTOOL" btf dump file "$HOST" format raw | sha256sum | cut -d' ' -f1 > "$T/btf/host.raw.sha256"

# A few shipped modules (signed, split .BTF over the 6.12 vmlinux) with bpftool's raw dump.
for m in dummy tcp_bbr tcp_dctcp veth loop nf_conntrack; do
  f=$(find "$K/modules" -name "$m.ko" | head -1)
  cp "$f" "$T/modules/$m.ko"
  "$BPFTOOL" btf dump file "$f" -B "$K/vmlinux.btf" format raw | gzip -9n > "$T/modules/$m.raw.gz"
done

# libbpf's own dedup (Debian libbpf 1.5) of the same inputs, for byte-for-byte comparison.
ORACLE=$(BTFPOST_CORPUS=$CORPUS bash "$HERE/scripts/oracle/build-oracle.sh" "$(mktemp -d)")
TMP=$(mktemp -d)
"$ORACLE" dedup "$K/vmlinux.btf" - "$TMP/vmlinux.dedup"
sha256sum < "$TMP/vmlinux.dedup" | cut -d' ' -f1 > "$T/btf/vmlinux-6.12.libbpf-dedup.sha256"
"$ORACLE" dedup "$HOST" - "$TMP/host.dedup"
sha256sum < "$TMP/host.dedup" | cut -d' ' -f1 > "$T/btf/host.libbpf-dedup.sha256"
for m in dummy tcp_bbr tcp_dctcp veth loop nf_conntrack; do
  objcopy --dump-section .BTF="$TMP/$m.btf" "$T/modules/$m.ko" "$TMP/$m.o"
  "$ORACLE" dedup "$TMP/$m.btf" "$K/vmlinux.btf" "$T/modules/$m.libbpf-dedup.btf"
done
rm -rf "$TMP"

# A module before BTF (DWARF, .BTF_ids zeroed) and the sections pahole 1.30 + resolve_btfids wrote
# for it with kbuild's features and distilled_base.
mkdir -p "$T/postlink"
D=$K/oot-build-distilled/tcpcong
gzip -9n < "$D/tcp_bbr.pre-btf.ko" > "$T/postlink/tcp_bbr.pre-btf.ko.gz"
for s in .BTF .BTF.base .BTF_ids; do objcopy --dump-section "$s=$T/postlink/tcp_bbr$s" "$D/tcp_bbr.ko" "$T/postlink/x.o"; done
rm -f "$T/postlink/x.o"

# Big-endian BTF straight from a compiler (GCC's own BTF emitter on s390x).
if command -v s390x-linux-gnu-gcc >/dev/null; then
  s390x-linux-gnu-gcc -gbtf -O2 -c -o "$T/btf/s390x-gbtf.o" "$HERE/testdata/src/btf-sample.c"
fi
ls -la "$T/btf" "$T/modules"

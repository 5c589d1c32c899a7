#!/usr/bin/env bash
# Deduplicate every corpus module's split .BTF (over the 6.12 vmlinux BTF), the vmlinux BTF and
# the host BTF with btfpost and with libbpf's btf__dedup (Debian libbpf 1.5, via the reference
# runner; LIBBPF_SRC=<libbpf source tree> uses that libbpf instead, see oracle/build-oracle.sh),
# and count byte-identical results; also count fixpoints (dedup(dedup(x)) == dedup(x)).
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
HERE=$(cd "$(dirname "$0")" && pwd)
W=${WORK:-$(mktemp -d)}
ORACLE=$(BTFPOST_CORPUS=$CORPUS bash "$HERE/oracle/build-oracle.sh" "$W/oracle")
mkdir -p "$W/in" "$W/ours" "$W/lib"
node "$HERE/lib/dedup-batch.mjs" "$K/vmlinux.btf" "$W" "$K/modules" "$CORPUS"/host-*/vmlinux.btf
ls "$W/in" | grep -v '^vmlinux\|^host' | xargs -P2 -I{} sh -c "'$ORACLE' dedup '$W/in/{}' '$K/vmlinux.btf' '$W/lib/{}' 2>>'$W/lib.err' || echo '{}' >> '$W/lib.failed'"
"$ORACLE" dedup "$W/in/vmlinux.btf" - "$W/lib/vmlinux.btf"
"$ORACLE" dedup "$W/in/host.btf" - "$W/lib/host.btf"
same=0; total=0; first=()
for f in "$W/in"/*; do
  n=$(basename "$f"); total=$((total + 1))
  if cmp -s "$W/ours/$n" "$W/lib/$n"; then same=$((same + 1)); else [ ${#first[@]} -lt 10 ] && first+=("$n"); fi
done
for n in "${first[@]}"; do echo "differs: $n"; done
cat "$W/fixpoint.txt"
echo "identical to libbpf: $same/$total"

#!/usr/bin/env bash
# Build the libbpf reference runner against Debian's libbpf 1.5 (from the corpus's pahole 1.30
# root, Debian trixie) and print the command that runs it. Needs libbpf-dev for the headers.
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:?set BTFPOST_CORPUS}
R=$CORPUS/tools/pahole-1.30-trixie/root/usr/lib/x86_64-linux-gnu
OUT=${1:-/tmp/btfpost-oracle}
mkdir -p "$OUT"
HERE=$(cd "$(dirname "$0")" && pwd)
[ -f /usr/include/bpf/btf.h ] || apt-get install -y -q libbpf-dev >/dev/null
gcc -O2 -o "$OUT/libbpf-btf.bin" "$HERE/libbpf-btf.c" -L"$R" -l:libbpf.so.1 -Wl,--allow-shlib-undefined
cat > "$OUT/libbpf-btf" <<EOS
#!/bin/sh
exec "$R/ld-linux-x86-64.so.2" --library-path "$R" "$OUT/libbpf-btf.bin" "\$@"
EOS
chmod +x "$OUT/libbpf-btf"
echo "$OUT/libbpf-btf"

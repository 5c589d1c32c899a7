#!/usr/bin/env bash
# Build the libbpf reference runner and print the command that runs it. By default it links
# Debian's libbpf 1.5 (from the corpus's pahole 1.30 root, Debian trixie; needs libbpf-dev for the
# headers). With LIBBPF_SRC set to a libbpf source tree (a checkout of libbpf/libbpf), it builds
# that libbpf statically and links it instead (needs libelf-dev and zlib1g-dev). btfpost follows
# 1.5's rules, those of pahole 1.30 and 1.31; libbpf 1.6 and later deduplicate some inputs
# differently (see src/btf/dedup/dedup.ts).
set -euo pipefail
OUT=${1:-/tmp/btfpost-oracle}
mkdir -p "$OUT"
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -n "${LIBBPF_SRC:-}" ]; then
  for h in /usr/include/gelf.h /usr/include/zlib.h; do
    [ -f "$h" ] || apt-get install -y -q libelf-dev zlib1g-dev >/dev/null
  done
  make -s -C "$LIBBPF_SRC/src" -j"$(nproc)" BUILD_STATIC_ONLY=1 OBJDIR="$OUT/libbpf-obj" DESTDIR="$OUT/libbpf" install >&2
  gcc -O2 -I"$OUT/libbpf/usr/include" -o "$OUT/libbpf-btf" "$HERE/libbpf-btf.c" "$OUT"/libbpf/usr/lib*/libbpf.a -lelf -lz
  echo "$OUT/libbpf-btf"
  exit 0
fi
CORPUS=${BTFPOST_CORPUS:?set BTFPOST_CORPUS}
R=$CORPUS/tools/pahole-1.30-trixie/root/usr/lib/x86_64-linux-gnu
[ -f /usr/include/bpf/btf.h ] || apt-get install -y -q libbpf-dev >/dev/null
gcc -O2 -o "$OUT/libbpf-btf.bin" "$HERE/libbpf-btf.c" -L"$R" -l:libbpf.so.1 -Wl,--allow-shlib-undefined
cat > "$OUT/libbpf-btf" <<EOS
#!/bin/sh
exec "$R/ld-linux-x86-64.so.2" --library-path "$R" "$OUT/libbpf-btf.bin" "\$@"
EOS
chmod +x "$OUT/libbpf-btf"
echo "$OUT/libbpf-btf"

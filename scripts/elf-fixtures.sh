#!/usr/bin/env bash
# Regenerates the ELF reader/writer fixtures in testdata/elf/ (x86_64, i386, s390x, s390 31-bit, many sections, signed, compressed debug).
set -euo pipefail
cd "$(dirname "$0")/.."
out=testdata/elf
src=$out/src/sample.c
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Keep the path recorded in DWARF stable.
cflags=(-g3 -O2 -fno-ident -ffile-prefix-map="$PWD"=.)

gcc "${cflags[@]}" -c "$src" -o "$out/x86_64.o"

if echo 'int x;' | gcc -m32 -x c -c - -o "$tmp/m32.o" 2>/dev/null; then
  gcc -m32 "${cflags[@]}" -c "$src" -o "$out/i386.o"
else
  echo "gcc -m32 does not work here; keeping the committed i386.o" >&2
fi

if command -v s390x-linux-gnu-gcc >/dev/null; then
  s390x-linux-gnu-gcc "${cflags[@]}" -c "$src" -o "$out/s390x.o"
  s390x-linux-gnu-gcc -m31 "${cflags[@]}" -c "$src" -o "$out/s390-31.o"
else
  echo "s390x-linux-gnu-gcc missing (apt-get install gcc-s390x-linux-gnu); keeping the committed s390x objects" >&2
fi

# MIPS: mips64el writes r_info in the MIPS64 layout (symbol index, then one byte per type), mipsel
# the usual ELF32 one.
if command -v mips64el-linux-gnuabi64-gcc >/dev/null && command -v mipsel-linux-gnu-gcc >/dev/null; then
  mips64el-linux-gnuabi64-gcc "${cflags[@]}" -c "$src" -o "$out/mips64el.o"
  mipsel-linux-gnu-gcc "${cflags[@]}" -c "$src" -o "$out/mipsel.o"
else
  echo "MIPS cross compilers missing (apt-get install gcc-mips64el-linux-gnuabi64 gcc-mipsel-linux-gnu); keeping the committed MIPS objects" >&2
fi

# Compressed debug sections: zlib from the assembler, zstd through objcopy.
gcc -g -O2 -fno-ident -ffile-prefix-map="$PWD"=. -gz=zlib -c "$src" -o "$out/zdebug-zlib.o"
if objcopy --compress-debug-sections=zstd "$out/x86_64.o" "$tmp/zstd.o" 2>/dev/null; then
  cp "$tmp/zstd.o" "$out/zdebug-zstd.o"
else
  echo "objcopy cannot write zstd debug sections; keeping the committed zdebug-zstd.o" >&2
fi

# More than SHN_LORESERVE (65280) sections: one function per section plus the usual extras.
n=65300
{
  for ((i = 0; i < n; i++)); do echo "int f$i(void) { return $i; }"; done
  # One caller so a relocation section links symbols in sections past SHN_LORESERVE.
  echo "int caller(void) { return f0() + f$((n - 1))(); }"
} > "$tmp/many.c"
gcc -O1 -fno-ident -ffunction-sections -fno-asynchronous-unwind-tables -fno-inline -c "$tmp/many.c" -o "$tmp/many-sections.o"
gzip -9 -n -c "$tmp/many-sections.o" > "$out/many-sections.o.gz"

# A signed-module shaped copy: fake PKCS#7 blob, struct module_signature, marker.
python3 - "$out/x86_64.o" "$out/x86_64-signed.o" <<'PY'
import struct, sys
elf = open(sys.argv[1], 'rb').read()
# DER-looking SEQUENCE header followed by deterministic filler; the kernel would verify it, we only carry it.
blob = bytes([0x30, 0x82, 0x01, 0xfc]) + bytes((i * 7 + 3) & 0xff for i in range(0x1fc))
sig = struct.pack('>BBBBB3xI', 0, 0, 2, 0, 0, len(blob))
open(sys.argv[2], 'wb').write(elf + blob + sig + b'~Module signature appended~\n')
PY

ls -l "$out"

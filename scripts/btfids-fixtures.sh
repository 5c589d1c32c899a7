#!/usr/bin/env bash
# Regenerates the .BTF_ids fixtures in testdata/btfids/ (x86_64, s390x, s390 31-bit objects, linked executables, malformed inputs).
set -euo pipefail
cd "$(dirname "$0")/.."
out=testdata/btfids
src=$out/src
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cflags=(-O2 -fno-ident -fno-asynchronous-unwind-tables -ffile-prefix-map="$PWD"=.)
# Link with .BTF_ids at a kernel-like address, as in vmlinux (ET_EXEC, sh_addr != 0).
high=0xffffffff82000000

gcc "${cflags[@]}" -c "$src/btfids.c" -o "$out/x86_64.o"
ld -e 0 --section-start=.BTF_ids=$high -o "$out/x86_64.exec" "$out/x86_64.o"
objcopy --strip-all "$out/x86_64.o" "$out/x86_64-nosymtab.o"
for f in bad-prefix bad-name too-many hundred no-btfids; do
  gcc "${cflags[@]}" -c "$src/$f.c" -o "$out/$f.o"
done

if command -v s390x-linux-gnu-gcc >/dev/null; then
  s390x-linux-gnu-gcc "${cflags[@]}" -c "$src/btfids.c" -o "$out/s390x.o"
  s390x-linux-gnu-ld -e 0 --section-start=.BTF_ids=$high -o "$out/s390x.exec" "$out/s390x.o"
  s390x-linux-gnu-gcc -m31 "${cflags[@]}" -c "$src/btfids.c" -o "$out/s390-31.o"
else
  echo "s390x-linux-gnu-gcc missing (apt-get install gcc-s390x-linux-gnu); keeping the committed s390x objects" >&2
fi

{
  echo "# Produced by scripts/btfids-fixtures.sh"
  gcc --version | head -1
  ld --version | head -1
  if command -v s390x-linux-gnu-gcc >/dev/null; then s390x-linux-gnu-gcc --version | head -1; s390x-linux-gnu-ld --version | head -1; fi
} > "$out/TOOLS.txt"
ls -l "$out"

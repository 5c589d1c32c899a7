#!/usr/bin/env bash
# Regenerates the DWARF reader fixtures in testdata/dwarf/ from testdata/dwarf/src/kstyle.c (gcc, clang, s390x cross gcc).
set -euo pipefail
cd "$(dirname "$0")/.."
out=testdata/dwarf
src=$out/src/kstyle.c
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Stable paths in DW_AT_name/DW_AT_comp_dir, no .comment, optimized like a kernel build (location lists, ranges).
common=(-O2 -fno-ident -ffile-prefix-map="$PWD"=. -fdebug-prefix-map="$PWD"=. -ffreestanding -fno-asynchronous-unwind-tables)

# x86_64 ET_REL with .rela.debug_*: DWARF 4, DWARF 5, 64-bit DWARF, zlib- and zstd-compressed sections.
gcc "${common[@]}" -gdwarf-4 -c "$src" -o "$out/gcc-x86_64-dwarf4.o"
gcc "${common[@]}" -gdwarf-5 -c "$src" -o "$out/gcc-x86_64-dwarf5.o"
gcc "${common[@]}" -gdwarf-5 -gdwarf64 -c "$src" -o "$out/gcc-x86_64-dwarf5-64bit.o"
gcc "${common[@]}" -gdwarf-5 -gz=zlib -c "$src" -o "$out/gcc-x86_64-dwarf5-zlib.o"
if objcopy --compress-debug-sections=zstd "$out/gcc-x86_64-dwarf4.o" "$tmp/zstd.o" 2>/dev/null; then
  cp "$tmp/zstd.o" "$out/gcc-x86_64-dwarf4-zstd.o"
else
  echo "objcopy cannot write zstd debug sections; keeping the committed gcc-x86_64-dwarf4-zstd.o" >&2
fi

# Split DWARF: the .o keeps a DW_UT_skeleton unit (DW_FORM_strx/addrx through .debug_str_offsets/.debug_addr).
(cd "$tmp" && gcc "${common[@]}" -fdebug-prefix-map="$tmp"=. -gdwarf-5 -gsplit-dwarf -c "$OLDPWD/$src" -o split.o)
cp "$tmp/split.o" "$out/gcc-x86_64-dwarf5-split.o"

# ET_EXEC linked with --emit-relocs (its .rela.debug_* must not be applied) and with DWARF 5 type units.
gcc "${common[@]}" -gdwarf-5 -fdebug-types-section -static -nostdlib -fno-pie -no-pie \
  -Wl,--emit-relocs -Wl,-e,kstyle_exit -Wl,--build-id=none "$src" -o "$out/gcc-x86_64-dwarf5-types.exec"

# Big-endian s390x (R_390_32/R_390_64).
if command -v s390x-linux-gnu-gcc >/dev/null; then
  s390x-linux-gnu-gcc "${common[@]}" -g -c "$src" -o "$out/gcc-s390x-dwarf5.o"
else
  echo "s390x-linux-gnu-gcc missing (apt-get install gcc-s390x-linux-gnu); keeping the committed s390x fixture" >&2
fi

# MIPS, built as the kernel builds it (no PIC, no abicalls, no small data): mips64el keeps RELA
# entries in the MIPS64 r_info layout (symbol index first, then one byte per type), mipsel SHT_REL
# with R_MIPS_32.
if command -v mips64el-linux-gnuabi64-gcc >/dev/null && command -v mipsel-linux-gnu-gcc >/dev/null; then
  mips64el-linux-gnuabi64-gcc "${common[@]}" -mno-abicalls -fno-pic -G 0 -gdwarf-5 -c "$src" -o "$out/gcc-mips64el-dwarf5.o"
  mipsel-linux-gnu-gcc "${common[@]}" -mno-abicalls -fno-pic -G 0 -gdwarf-5 -c "$src" -o "$out/gcc-mipsel-dwarf5.o"
else
  echo "MIPS cross compilers missing (apt-get install gcc-mips64el-linux-gnuabi64 gcc-mipsel-linux-gnu); keeping the committed MIPS fixtures" >&2
fi

# clang: strx1/addrx forms, rnglistx/loclistx, aarch64 (R_AARCH64_ABS32/ABS64), ppc64le
# (R_PPC64_ADDR32/ADDR64), riscv64 (label differences as R_RISCV_ADD32/SUB32 pairs), and SHT_REL
# (implicit addends) for i386 and 32-bit ARM (R_ARM_ABS32).
if command -v clang >/dev/null; then
  clang "${common[@]}" -gdwarf-5 -c "$src" -o "$out/clang-x86_64-dwarf5.o"
  clang "${common[@]}" --target=aarch64-linux-gnu -gdwarf-5 -c "$src" -o "$out/clang-aarch64-dwarf5.o"
  clang "${common[@]}" --target=i386-linux-gnu -gdwarf-4 -c "$src" -o "$out/clang-i386-dwarf4.o"
  clang "${common[@]}" --target=powerpc64le-linux-gnu -gdwarf-5 -c "$src" -o "$out/clang-ppc64le-dwarf5.o"
  clang "${common[@]}" --target=armv7a-linux-gnueabihf -gdwarf-5 -c "$src" -o "$out/clang-armhf-dwarf5.o"
  clang "${common[@]}" --target=riscv64-linux-gnu -gdwarf-5 -c "$src" -o "$out/clang-riscv64-dwarf5.o"
else
  echo "clang missing; keeping the committed clang fixtures" >&2
fi
# LoongArch (R_LARCH_32/R_LARCH_64): clang 14 has no LoongArch target; clang 19 (Debian 12's
# clang-19 package) does.
if command -v clang-19 >/dev/null; then
  clang-19 "${common[@]}" --target=loongarch64-linux-gnu -gdwarf-5 -c "$src" -o "$out/clang-loongarch64-dwarf5.o"
else
  echo "clang-19 missing (apt-get install clang-19); keeping the committed LoongArch fixture" >&2
fi

{
  echo "# Producers of the fixtures in this directory."
  gcc --version | head -1
  command -v s390x-linux-gnu-gcc >/dev/null && s390x-linux-gnu-gcc --version | head -1
  command -v mips64el-linux-gnuabi64-gcc >/dev/null && mips64el-linux-gnuabi64-gcc --version | head -1
  command -v mipsel-linux-gnu-gcc >/dev/null && mipsel-linux-gnu-gcc --version | head -1
  command -v clang >/dev/null && clang --version | head -1
  command -v clang-19 >/dev/null && echo "LoongArch: $(clang-19 --version | head -1)"
} > "$out/PRODUCERS"
# One real kernel module (Debian 6.12, DWARF 5, relocated .debug_*), when the corpus is at hand.
corpus=${BTFPOST_CORPUS:-/root/corpus/6.12.117+deb12-amd64}
if [ -f "$corpus/dbg-modules/drivers/net/dummy.ko" ]; then
  gzip -9 -n -c "$corpus/dbg-modules/drivers/net/dummy.ko" > "$out/kernel-6.12-dummy.ko.gz"
  if command -v llvm-dwarfdump >/dev/null && command -v python3 >/dev/null; then
    python3 scripts/dwarf-facts.py --ts-subset dummy "$corpus/dbg-modules/drivers/net/dummy.ko" > test/dwarf/expected-dummy.ts
  fi
else
  echo "no corpus at $corpus; keeping the committed kernel-6.12-dummy.ko.gz" >&2
fi

# llvm-dwarfdump 14 crashes on the LoongArch object; 19 reads every fixture (and gives the same
# facts as 14 for all the others).
if [ -z "${LLVM_DWARFDUMP:-}" ] && command -v llvm-dwarfdump-19 >/dev/null; then export LLVM_DWARFDUMP=llvm-dwarfdump-19; fi
# The expected facts the tests carry (llvm-dwarfdump cannot read zstd sections; that fixture is checked against its zlib-free twin).
if command -v "${LLVM_DWARFDUMP:-llvm-dwarfdump}" >/dev/null && command -v python3 >/dev/null; then
  python3 scripts/dwarf-facts.py --ts $(ls "$out"/*.o "$out"/*.exec | grep -v zstd) > test/dwarf/expected-facts.ts
else
  echo "llvm-dwarfdump or python3 missing; test/dwarf/expected-facts.ts not regenerated" >&2
fi
ls -l "$out"

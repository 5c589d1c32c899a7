#!/usr/bin/env bash
# Regenerates the encoder fixtures in testdata/encoder/: small gcc objects with DWARF and pahole 1.30's BTF for each.
set -euo pipefail
cd "$(dirname "$0")/.."
out=testdata/encoder
src=$out/src
PAHOLE=${PAHOLE:-/root/corpus/tools/bin/pahole-1.30}
FEATURES=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cflags=(-O2 -g -gdwarf-5 -fno-ident -fno-asynchronous-unwind-tables -ffile-prefix-map="$PWD"=.)
gcc "${cflags[@]}" -c "$src/types.c" -o "$out/types.o"
gcc "${cflags[@]}" -c "$src/funcs_a.c" -o "$tmp/funcs_a.o"
gcc "${cflags[@]}" -c "$src/funcs_b.c" -o "$tmp/funcs_b.o"
ld -r -o "$out/funcs.o" "$tmp/funcs_a.o" "$tmp/funcs_b.o"
gcc "${cflags[@]}" -c "$src/percpu.c" -o "$out/percpu.o"
# Arena kfuncs (KF_ARENA_* flags) for the attributes feature; the pahole 1.30 build used here does not
# list `attributes` among its features, so there is no pahole output for it.
gcc "${cflags[@]}" -c "$src/arena.c" -o "$out/arena.o"
gcc -gdwarf-4 "${cflags[@]:0:1}" -g -fno-ident -c "$src/types.c" -o "$out/types-dwarf4.o"
gcc -O2 -fno-ident -c "$src/types.c" -o "$out/nodwarf.o"

# Expected BTF: pahole's raw output (base BTF, no --btf_base) with Kbuild's features.
for o in types funcs percpu types-dwarf4; do
  cp "$out/$o.o" "$tmp/x.o"
  "$PAHOLE" -J --btf_features=$FEATURES --btf_features=+reproducible_build --lang_exclude=rust \
    --btf_encode_detached="$out/$o.btf" "$tmp/x.o"
  # With every feature off (a --btf_features list naming none of them): plain types, floats as INT, no VARs or tags.
  "$PAHOLE" -J --btf_features=reproducible_build --btf_encode_detached="$out/$o.nofeat.btf" "$tmp/x.o"
done
# A kfunc with a `.cold` part in the symbol table, whose bpf_kfunc tag pahole 1.30 leaves off (its
# function table sorts `my_kfunc.cold` and `my_kfunc` as equal, then misses `my_kfunc` by exact name).
gcc "${cflags[@]}" -c "$src/kfunc-cold.c" -o "$out/kfunc-cold.o"
cp "$out/kfunc-cold.o" "$tmp/x.o"
"$PAHOLE" -J --btf_features=$FEATURES --btf_features=+reproducible_build --lang_exclude=rust \
  --btf_encode_detached="$out/kfunc-cold.btf" "$tmp/x.o"

# Linked like a vmlinux (ET_EXEC, -mcmodel=kernel, sections at 0xffffffff8...: addresses past
# 2^53, where a double loses the low bits), with per-CPU variables at small offsets in their section
# (as in kernels from 6.15 on, whose .data..percpu is no longer at address 0) and globals in .data
# and .bss for global_var.
gcc "${cflags[@]}" -mcmodel=kernel -fno-pie -c "$src/percpu.c" -o "$tmp/percpu-kernel.o"
ld -static -no-pie -e bump -T "$src/high.lds" -o "$out/percpu-high.elf" "$tmp/percpu-kernel.o"
cp "$out/percpu-high.elf" "$tmp/x.elf"
"$PAHOLE" -J --btf_features=$FEATURES --btf_features=+reproducible_build --lang_exclude=rust \
  --btf_encode_detached="$out/percpu-high.btf" "$tmp/x.elf"
"$PAHOLE" -J --btf_features=$FEATURES,global_var --btf_features=+reproducible_build --lang_exclude=rust \
  --btf_encode_detached="$out/percpu-high.global_var.btf" "$tmp/x.elf"
{
  echo "# Produced by scripts/encode-fixtures.sh"
  gcc --version | head -1
  ld --version | head -1
  "$PAHOLE" --version
} > "$out/TOOLS.txt"

# Clang's btf_decl_tag / btf_type_tag annotations (DW_TAG_LLVM_annotation), which gcc does not emit.
if command -v clang >/dev/null; then
  clang "${cflags[@]}" -c "$src/tags.c" -o "$out/tags.o"
  cp "$out/tags.o" "$tmp/x.o"
  "$PAHOLE" -J --btf_features=$FEATURES --btf_features=+reproducible_build --lang_exclude=rust \
    --btf_encode_detached="$out/tags.btf" "$tmp/x.o"
  "$PAHOLE" -J --btf_features=reproducible_build --btf_encode_detached="$out/tags.nofeat.btf" "$tmp/x.o"
  clang --version | head -1 >> "$out/TOOLS.txt"
fi

# Big-endian: the same types file built by Debian's s390x cross compiler, with pahole 1.30's BTF.
if command -v s390x-linux-gnu-gcc >/dev/null; then
  s390x-linux-gnu-gcc "${cflags[@]}" -c "$src/types.c" -o "$out/types-s390x.o"
  LLVM_OBJCOPY=objcopy "$PAHOLE" --btf_features="$FEATURES" --btf_encode_detached="$out/types-s390x.btf" "$out/types-s390x.o"
fi

# MIPS, built as the kernel builds it (no PIC, no abicalls, no small data): types, functions (two
# units linked with ld -r) and per-CPU variables for mips64el and mipsel, with pahole 1.30's BTF.
# pahole reads mips64el relocations wrongly (see scripts/mips64el-rinfo.py), so it is given a copy
# with the usual r_info layout; the fixture itself is the compiler's output.
if command -v mips64el-linux-gnuabi64-gcc >/dev/null && command -v mipsel-linux-gnu-gcc >/dev/null; then
  mflags=("${cflags[@]}" -mno-abicalls -fno-pic -G 0)
  # types.c uses __int128, which 32-bit MIPS does not have.
  for arch in mips64el:mips64el-linux-gnuabi64 mipsel:mipsel-linux-gnu; do
    a=${arch%%:*}; cc=${arch#*:}; objs="funcs percpu"
    if [ "$a" = mips64el ]; then objs="types $objs"; "$cc-gcc" "${mflags[@]}" -c "$src/types.c" -o "$out/types-$a.o"; fi
    "$cc-gcc" "${mflags[@]}" -c "$src/funcs_a.c" -o "$tmp/funcs_a-$a.o"
    "$cc-gcc" "${mflags[@]}" -c "$src/funcs_b.c" -o "$tmp/funcs_b-$a.o"
    "$cc-ld" -r -o "$out/funcs-$a.o" "$tmp/funcs_a-$a.o" "$tmp/funcs_b-$a.o"
    "$cc-gcc" "${mflags[@]}" -c "$src/percpu.c" -o "$out/percpu-$a.o"
    for o in $objs; do
      python3 scripts/mips64el-rinfo.py "$out/$o-$a.o" "$tmp/x.o"
      LLVM_OBJCOPY=objcopy "$PAHOLE" -J --btf_features=$FEATURES --btf_features=+reproducible_build --lang_exclude=rust \
        --btf_encode_detached="$out/$o-$a.btf" "$tmp/x.o"
    done
  done
  mips64el-linux-gnuabi64-gcc --version | head -1 >> "$out/TOOLS.txt"
else
  echo "MIPS cross compilers missing (apt-get install gcc-mips64el-linux-gnuabi64 gcc-mipsel-linux-gnu); keeping the committed MIPS fixtures" >&2
fi

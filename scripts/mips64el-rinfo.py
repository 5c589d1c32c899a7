#!/usr/bin/env python3
"""Copy a little-endian MIPS64 ELF object with the r_info of every REL/RELA entry rewritten from
the MIPS64 layout (a 32-bit symbol index, then the bytes r_ssym, r_type3, r_type2, r_type) into the
usual ELF64 one (symbol index << 32 | type). Any other ELF is copied unchanged.

Why: pahole 1.30 reads DWARF through elfutils (0.192 here), which decodes a mips64el r_info as one
little-endian 64-bit integer, so it takes the symbol index for the type and relocates nothing
right; on Debian's mips64el modules pahole then stops with "die__process: DW_TAG_compile_unit ...
expected got ...". Given this copy, its MIPS backend applies R_MIPS_32 and R_MIPS_64 as the ABI
says, and pahole's output becomes a reference for btfpost, which reads the original file. Only
plain relocations (r_type2 and r_type3 R_MIPS_NONE, r_ssym 0) are carried over as they are; a
composed one keeps its other bytes above the low byte of the type, where no reader mistakes it
for a plain one.

Usage: scripts/mips64el-rinfo.py IN OUT
"""
import struct
import sys

SHT_RELA, SHT_REL, EM_MIPS = 4, 9, 8


def convert(b: bytearray) -> None:
    if b[:4] != b'\x7fELF' or b[4] != 2 or b[5] != 1:
        return
    (machine,) = struct.unpack_from('<H', b, 18)
    if machine != EM_MIPS:
        return
    (shoff,) = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum = struct.unpack_from('<HH', b, 0x3A)
    for i in range(shnum):
        _, typ, _, _, off, size, _, _, _, entsize = struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize)
        if typ not in (SHT_REL, SHT_RELA) or entsize == 0:
            continue
        for e in range(off, off + size, entsize):
            sym, ssym, t3, t2, t1 = struct.unpack_from('<IBBBB', b, e + 8)
            struct.pack_into('<Q', b, e + 8, (sym << 32) | t1 | (t2 << 8) | (t3 << 16) | (ssym << 24))


def main() -> None:
    src, dst = sys.argv[1:3]
    with open(src, 'rb') as f:
        b = bytearray(f.read())
    convert(b)
    with open(dst, 'wb') as f:
        f.write(b)


if __name__ == '__main__':
    main()

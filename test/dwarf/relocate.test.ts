// Relocating ET_REL debug sections: the relocation types each architecture uses, and the errors for ones we do not know.

import { describe, expect, it } from 'vitest';
import { DwarfError } from '../../src/common/errors.js';
import { DEBUG_SECTIONS, R_386_32, R_390_32, R_390_64, R_AARCH64_ABS32, R_AARCH64_ABS64, R_ARM_ABS32, R_LARCH_32, R_LARCH_64, R_MIPS_32, R_MIPS_64, R_PPC64_ADDR32, R_PPC64_ADDR64, R_RISCV_32, R_RISCV_64, R_RISCV_ADD32, R_RISCV_SUB32, R_X86_64_32, R_X86_64_64, needsRelocation, openDwarf, relocateDebugSection } from '../../src/dwarf/index.js';
import { parseElf, type ElfFile } from '../../src/elf/index.js';
import { fixture } from '../helpers/testdata.js';

function load(name: string): ElfFile {
  return parseElf(fixture(`dwarf/${name}`).slice(), name);
}

/** The set of relocation types applied to the .debug_* sections the reader loads. */
function typesFor(elf: ElfFile): number[] {
  const types = new Set<number>();
  for (const name of DEBUG_SECTIONS) {
    const sec = elf.sectionByName(name);
    if (!sec) continue;
    for (const t of elf.relocationsFor(sec)) for (let i = 0; i < t.count; i++) types.add(t.type(i));
  }
  return [...types].sort((a, b) => a - b);
}

describe('relocation types per architecture', () => {
  it.each([
    ['gcc-x86_64-dwarf5.o', [R_X86_64_64, R_X86_64_32], true],
    ['clang-aarch64-dwarf5.o', [R_AARCH64_ABS64, R_AARCH64_ABS32], true],
    ['gcc-s390x-dwarf5.o', [R_390_32, R_390_64], true],
    ['clang-i386-dwarf4.o', [R_386_32], false],
    ['clang-ppc64le-dwarf5.o', [R_PPC64_ADDR32, R_PPC64_ADDR64], true],
    ['clang-armhf-dwarf5.o', [R_ARM_ABS32], false],
    ['clang-riscv64-dwarf5.o', [R_RISCV_32, R_RISCV_64, R_RISCV_ADD32, R_RISCV_SUB32], true],
    ['clang-loongarch64-dwarf5.o', [R_LARCH_32, R_LARCH_64], true],
    ['gcc-mips64el-dwarf5.o', [R_MIPS_32, R_MIPS_64], true],
    ['gcc-mipsel-dwarf5.o', [R_MIPS_32], false],
  ] as const)('%s uses %j (RELA: %s) and reads after relocation', (name, types, rela) => {
    const elf = load(name);
    const info = elf.sectionByName('.debug_info')!;
    expect(needsRelocation(elf, info)).toBe(true);
    expect(typesFor(elf)).toEqual([...types].sort((a, b) => a - b));
    expect(elf.relocationsFor(info)[0].isRela).toBe(rela);
    const dwarf = openDwarf(elf);
    expect(dwarf.units()[0].name).toBe('testdata/dwarf/src/kstyle.c');
  });

  it('relocates into a copy and leaves the input bytes alone', () => {
    const elf = load('gcc-x86_64-dwarf5.o');
    const info = elf.sectionByName('.debug_info')!;
    const before = elf.sectionData(info).slice();
    const out = relocateDebugSection(elf, info, elf.sectionData(info), false);
    expect(Buffer.from(elf.sectionData(info)).equals(Buffer.from(before))).toBe(true);
    expect(Buffer.from(out).equals(Buffer.from(before))).toBe(false);
    // An already private buffer is patched in place.
    const own = elf.sectionData(info).slice();
    expect(relocateDebugSection(elf, info, own, true)).toBe(own);
    expect(Buffer.from(own).equals(Buffer.from(out))).toBe(true);
  });
});

describe('relocation errors', () => {
  /** A copy of the x86_64 object with the first .rela.debug_info entry changed by `edit`. */
  function withEdit(edit: (bytes: Uint8Array, entry: number) => void): ElfFile {
    const bytes = fixture('dwarf/gcc-x86_64-dwarf5.o').slice();
    const elf = parseElf(bytes);
    const rela = elf.sectionByName('.rela.debug_info')!;
    edit(bytes, rela.offset);
    return parseElf(bytes, 'edited.o');
  }

  it('names an unknown relocation type', () => {
    const elf = withEdit((b, e) => {
      b[e + 8] = 0x7f;
    });
    let err: unknown;
    try {
      openDwarf(elf);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DwarfError);
    expect((err as DwarfError).message).toMatch(/unsupported relocation type 127 for machine 62/);
    expect((err as DwarfError).section).toBe('.rela.debug_info');
    expect((err as DwarfError).file).toBe('edited.o');
  });

  it('refuses a composed MIPS64 relocation, naming its three types', () => {
    // mips64el: r_info is the symbol index (4 bytes), then r_ssym, r_type3, r_type2 and r_type.
    const bytes = fixture('dwarf/gcc-mips64el-dwarf5.o').slice();
    const rela = parseElf(bytes).sectionByName('.rela.debug_info')!;
    expect(bytes[rela.offset + 15]).toBe(R_MIPS_32);
    bytes[rela.offset + 14] = R_MIPS_64; // r_type2
    let err: unknown;
    try {
      openDwarf(parseElf(bytes, 'composed.o'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DwarfError);
    expect((err as DwarfError).message).toMatch(/unsupported relocation type 4610 \(r_type 2, r_type2 18, r_type3 0, r_ssym 0: a composed relocation\) for machine 8 in \.rela\.debug_info/);
    expect((err as DwarfError).section).toBe('.rela.debug_info');
    expect((err as DwarfError).offset).toBe(0);
  });

  it('rejects a relocation that patches past the end of the section', () => {
    const elf = withEdit((b, e) => {
      new DataView(b.buffer, b.byteOffset).setUint32(e, 0x7fffff00, true);
    });
    expect(() => openDwarf(elf)).toThrow(DwarfError);
    expect(() => openDwarf(elf)).toThrow(/outside the/);
  });

  it('rejects an offset of 2^32 or more and a symbol past the symbol table', () => {
    const far = withEdit((b, e) => {
      new DataView(b.buffer, b.byteOffset).setUint32(e + 4, 1, true);
    });
    expect(() => openDwarf(far)).toThrow(/relocation 0 patches offset 0x1[0-9a-f]{8}, outside the/);
    const badSym = withEdit((b, e) => {
      new DataView(b.buffer, b.byteOffset).setUint32(e + 12, 0xffffff, true);
    });
    expect(() => openDwarf(badSym)).toThrow(/relocation 0 names symbol 16777215, past the/);
  });

  it('applies a PC-relative relocation as S + A - P', () => {
    const plain = load('gcc-x86_64-dwarf5.o');
    const info = plain.sectionByName('.debug_info')!;
    const rela = plain.sectionByName('.rela.debug_info')!;
    const view = (e: ElfFile) => new DataView(e.bytes.buffer, e.bytes.byteOffset);
    const place = Number(view(plain).getBigUint64(rela.offset, true));
    const addend = Number(view(plain).getBigInt64(rela.offset + 16, true));
    const pc = withEdit((b, e) => {
      new DataView(b.buffer, b.byteOffset).setUint32(e + 8, 2, true); // R_X86_64_PC32
    });
    const pcInfo = pc.sectionByName('.debug_info')!;
    const out = relocateDebugSection(pc, pcInfo, pc.sectionData(pcInfo), false);
    const sym = view(pc).getUint32(rela.offset + 12, true);
    const symValue = Number(pc.symbolTable(pc.relocationsFor(pcInfo)[0].symtab).valueBig(sym));
    const expected = (symValue + addend - (info.addr + place)) >>> 0;
    expect(new DataView(out.buffer, out.byteOffset).getUint32(place, true)).toBe(expected);
  });

  it('writes 64-bit values of any sign and size below 2^53, little- and big-endian', () => {
    const addends = [0n, 5n, -8n, (1n << 32n) + 5n, -(1n << 40n) - 3n, (1n << 52n) + 7n, (1n << 31n) + 1n];
    for (const [name, type, le] of [['gcc-x86_64-dwarf5.o', R_X86_64_64, true], ['gcc-s390x-dwarf5.o', R_390_64, false]] as const) {
      for (const addend of addends) {
        const bytes = fixture(`dwarf/${name}`).slice();
        const plain = parseElf(bytes, name);
        const info = plain.sectionByName('.debug_info')!;
        const rela = plain.sectionByName('.rela.debug_info')!;
        const dv = new DataView(bytes.buffer, bytes.byteOffset);
        // An entry whose 8 bytes no other entry patches becomes a 64-bit relocation against its
        // symbol with this addend.
        const places: number[] = [];
        for (let e = rela.offset; e < rela.offset + rela.fileSize; e += 24) places.push(Number(dv.getBigUint64(e, le)));
        const i = places.findIndex((p, k) => places.every((q, j) => j === k || q + 8 <= p || q >= p + 8));
        expect(i, name).toBeGreaterThanOrEqual(0);
        const entry = rela.offset + 24 * i;
        const place = places[i];
        const symbol = le ? dv.getUint32(entry + 12, true) : dv.getUint32(entry + 8, false);
        if (le) dv.setUint32(entry + 8, type, true);
        else dv.setUint32(entry + 12, type, false);
        dv.setBigInt64(entry + 16, addend, le);
        const elf = parseElf(bytes, name);
        const symValue = elf.symbolTable(elf.relocationsFor(info)[0].symtab).valueBig(symbol);
        const out = relocateDebugSection(elf, info, elf.sectionData(info), false);
        const got = new DataView(out.buffer, out.byteOffset).getBigUint64(place, le);
        expect(got, `${name} addend ${addend}`).toBe(BigInt.asUintN(64, symValue + addend));
      }
    }
  });

  it('refuses machines whose debug relocations it does not know', () => {
    const bytes = fixture('dwarf/gcc-x86_64-dwarf5.o').slice();
    bytes[18] = 43; // EM_SPARCV9
    bytes[19] = 0;
    expect(() => openDwarf(parseElf(bytes))).toThrow(/unsupported relocation type \d+ for machine 43/);
  });
});

describe('relocation tables read from disk', () => {
  it('are applied a piece at a time with the same result, and errors name the entry past the first piece', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readElfSparse } = await import('../../src/elf/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'reloc-pieces-'));
    try {
      for (const name of ['gcc-x86_64-dwarf5.o', 'gcc-s390x-dwarf5.o', 'clang-i386-dwarf4.o']) {
        const whole = load(name);
        const info = whole.sectionByName('.debug_info')!;
        const expected = relocateDebugSection(whole, info, whole.sectionData(info), false);
        const path = join(dir, name);
        writeFileSync(path, fixture(`dwarf/${name}`));
        const { elf } = await readElfSparse(path, { section: (s) => (s.type === 4 || s.type === 9 ? 'later' : true) });
        const table = elf.relocationsFor(info)[0];
        expect(table.onDisk, name).toBe(true);
        expect(table.count, name).toBeGreaterThan(20);
        for (const piece of [1, 7, table.count]) {
          const got = relocateDebugSection(elf, info, elf.sectionData(info), false, piece);
          expect(Buffer.compare(got, expected), `${name} pieces of ${piece}`).toBe(0);
        }
      }
      // Entry 20 given an unknown type: the error names its offset in the table, whole or in pieces.
      const name = 'gcc-x86_64-dwarf5.o';
      const bad = Buffer.from(fixture(`dwarf/${name}`));
      const t = load(name).relocationsFor(load(name).sectionByName('.debug_info')!)[0];
      bad.writeUInt32LE(0xfe, t.entryOffset(20) + 8);
      const path = join(dir, 'bad.o');
      writeFileSync(path, bad);
      const inMemory = parseElf(bad, 'bad.o');
      const info = inMemory.sectionByName('.debug_info')!;
      const where = { section: '.rela.debug_info', offset: 20 * 24 };
      expect(() => relocateDebugSection(inMemory, info, inMemory.sectionData(info), false)).toThrow(expect.objectContaining(where));
      const { elf } = await readElfSparse(path, { section: (s) => (s.type === 4 ? 'later' : true) });
      for (const piece of [1, 7, 64]) {
        expect(() => relocateDebugSection(elf, info, elf.sectionData(info), false, piece), `pieces of ${piece}`).toThrow(expect.objectContaining(where));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

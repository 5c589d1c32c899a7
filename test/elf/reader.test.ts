// Reader tests: committed gcc fixtures checked against readelf, hand-built buffers, and malformed inputs.

import { describe, expect, it } from 'vitest';
import { ElfError } from '../../src/common/errors.js';
import {
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  EM_386,
  EM_MIPS,
  EM_S390,
  EM_X86_64,
  ET_REL,
  SHF_COMPRESSED,
  SHN_ABS,
  SHN_XINDEX,
  SHT_GROUP,
  SHT_NOBITS,
  SHT_REL,
  SHT_RELA,
  SHT_SYMTAB_SHNDX,
  STB_GLOBAL,
  STB_LOCAL,
  STT_FILE,
  STT_FUNC,
  STT_OBJECT,
  parseElf,
  readCompressionHeader,
  type ElfFile,
} from '../../src/elf/index.js';
import { FIXTURES, READELF_TYPES, fixture, hasTool, manySections, put, readelfRelocs, readelfSections, readelfSymbols, tempDir } from './helpers.js';

const HAVE_READELF = hasTool('readelf');
const readelfIt = HAVE_READELF ? it : it.skip;
const NO_READELF = HAVE_READELF ? '' : ' (skipped: readelf not installed)';

const OBJECTS = [
  { file: 'x86_64.o', cls: ELFCLASS64, data: ELFDATA2LSB, machine: EM_X86_64 },
  { file: 'i386.o', cls: ELFCLASS32, data: ELFDATA2LSB, machine: EM_386 },
  { file: 's390x.o', cls: ELFCLASS64, data: ELFDATA2MSB, machine: EM_S390 },
  { file: 's390-31.o', cls: ELFCLASS32, data: ELFDATA2MSB, machine: EM_S390 },
  { file: 'mips64el.o', cls: ELFCLASS64, data: ELFDATA2LSB, machine: EM_MIPS },
  { file: 'mipsel.o', cls: ELFCLASS32, data: ELFDATA2LSB, machine: EM_MIPS },
  { file: 'zdebug-zlib.o', cls: ELFCLASS64, data: ELFDATA2LSB, machine: EM_X86_64 },
  { file: 'zdebug-zstd.o', cls: ELFCLASS64, data: ELFDATA2LSB, machine: EM_X86_64 },
];

const TYPE_NAMES: Record<number, string> = { 0: 'NOTYPE', 1: 'OBJECT', 2: 'FUNC', 3: 'SECTION', 4: 'FILE', 5: 'COMMON', 6: 'TLS' };
const BIND_NAMES: Record<number, string> = { 0: 'LOCAL', 1: 'GLOBAL', 2: 'WEAK' };
const VIS_NAMES: Record<number, string> = { 0: 'DEFAULT', 1: 'INTERNAL', 2: 'HIDDEN', 3: 'PROTECTED' };

function ndxName(shndx: number): string {
  if (shndx === 0) return 'UND';
  if (shndx === SHN_ABS) return 'ABS';
  if (shndx === 0xfff2) return 'COM';
  return String(shndx);
}

/** Compare two lists of row strings, reporting the first difference (fast for 65k rows). */
function expectSameRows(mine: string[], theirs: string[]): void {
  expect(mine.length).toBe(theirs.length);
  const i = mine.findIndex((m, k) => m !== theirs[k]);
  if (i >= 0) expect(mine[i]).toBe(theirs[i]);
}

function compareSections(elf: ElfFile, path: string): void {
  const rows = readelfSections(path);
  const theirs = rows.map((r) => JSON.stringify([r.index, r.name, READELF_TYPES[r.type], r.offset, r.size, r.link, r.info, r.align, r.entsize, String(r.addr), r.flags.includes('C')]));
  const mine = elf.sections.map((s) =>
    JSON.stringify([s.index, s.name, s.type, s.offset, s.size, s.link, s.info, s.addralign, s.entsize, String(s.addrBig), (s.flags & SHF_COMPRESSED) !== 0]),
  );
  expectSameRows(mine, theirs);
}

function compareSymbols(elf: ElfFile, path: string): void {
  const rows = readelfSymbols(path);
  const st = elf.symbols()!;
  expect(st).not.toBeNull();
  const theirs = rows.map((r) => JSON.stringify([r.num, String(r.value), r.size, r.type, r.bind, r.vis, r.ndx, r.name]));
  const mine: string[] = [];
  for (let i = 0; i < st.count; i++) {
    // readelf prints a section symbol's section name when the symbol itself has none.
    const name = st.type(i) === 3 && st.name(i) === '' ? elf.sections[st.shndx(i)].name : st.name(i);
    mine.push(JSON.stringify([i, String(st.valueBig(i)), st.size(i), TYPE_NAMES[st.type(i)], BIND_NAMES[st.bind(i)], VIS_NAMES[st.visibility(i)], ndxName(st.shndx(i)), name]));
  }
  expectSameRows(mine, theirs);
}

function compareRelocs(elf: ElfFile, path: string): void {
  const expected = readelfRelocs(path);
  const mine = elf.sections.filter((s) => s.type === SHT_REL || s.type === SHT_RELA).map((s) => elf.relocationTable(s));
  expect(mine.map((t) => t.section.name)).toEqual(expected.map((e) => e.name));
  const grouped = elf.relocations();
  mine.forEach((t, k) => {
    expect(grouped.get(t.target)).toContain(t);
    expect(elf.relocationsFor(t.target)).toContain(t);
    const rows = expected[k].entries;
    expect(t.count).toBe(rows.length);
    for (let i = 0; i < t.count; i++) {
      expect(t.offsetBig(i)).toBe(rows[i].offset);
      expect(BigInt(t.offset(i))).toBe(rows[i].offset);
      const info = rows[i].info;
      if (elf.is64) {
        expect(t.sym(i)).toBe(Number(info >> 32n));
        expect(t.type(i)).toBe(Number(info & 0xffffffffn));
      } else {
        expect(t.sym(i)).toBe(Number(info >> 8n));
        expect(t.type(i)).toBe(Number(info & 0xffn));
      }
      expect(t.addendBig(i)).toBe(BigInt(t.addend(i)));
    }
  });
}

describe('parseElf on gcc fixtures', () => {
  for (const o of OBJECTS) {
    it(`${o.file}: identification and header`, () => {
      const elf = parseElf(fixture(o.file), o.file);
      expect(elf.header.class).toBe(o.cls);
      expect(elf.header.data).toBe(o.data);
      expect(elf.header.machine).toBe(o.machine);
      expect(elf.header.type).toBe(ET_REL);
      expect(elf.is64).toBe(o.cls === ELFCLASS64);
      expect(elf.le).toBe(o.data === ELFDATA2LSB);
      expect(elf.signature).toBeNull();
      expect(elf.sectionByName('.text')).toBeDefined();
      expect(elf.sectionByName('.no-such-section')).toBeUndefined();
      const st = elf.symbols()!;
      const i = st.indexOf('add_points');
      expect(i).toBeGreaterThan(0);
      expect(st.type(i)).toBe(STT_FUNC);
      expect(st.bind(i)).toBe(STB_GLOBAL);
      expect(elf.sections[st.shndx(i)].name).toBe('.text');
      const j = st.indexOf('shared_value');
      expect(st.type(j)).toBe(STT_OBJECT);
      expect(st.size(j)).toBe(4);
      expect(st.get(1).type).toBe(STT_FILE);
      expect(st.get(1).bind).toBe(STB_LOCAL);
      // gcc names the source as given (cross compilers keep its directory).
      expect(st.get(1).name).toMatch(/(^|\/)sample\.c$/);
      // .data holds shared_value = 3 in the file's byte order (MIPS pads the section to 16 bytes).
      const data = elf.sectionData(elf.sectionByName('.data')!);
      expect(elf.sections[st.shndx(j)].name).toBe('.data');
      expect(data.length).toBe(o.machine === EM_MIPS ? 16 : 4);
      expect(new DataView(data.buffer, data.byteOffset).getUint32(st.value(j), elf.le)).toBe(3);
      // Zero copy: the view shares the input's memory.
      expect(data.buffer).toBe(elf.bytes.buffer);
      expect(elf.sectionData(elf.sectionByName('.bss')!).length).toBe(0);
      expect(elf.sectionByName('.bss')!.type).toBe(SHT_NOBITS);
    });

    readelfIt(`${o.file}: sections match readelf -S -W${NO_READELF}`, () => {
      compareSections(parseElf(fixture(o.file)), `${FIXTURES}/${o.file}`);
    });
    readelfIt(`${o.file}: symbols match readelf -s -W${NO_READELF}`, () => {
      compareSymbols(parseElf(fixture(o.file)), `${FIXTURES}/${o.file}`);
    });
    readelfIt(`${o.file}: relocations match readelf -r -W${NO_READELF}`, () => {
      compareRelocs(parseElf(fixture(o.file)), `${FIXTURES}/${o.file}`);
    });
  }

  it('decodes s390x (big-endian ELF64) relocations: R_390_PC32DBL against .bss', () => {
    const elf = parseElf(fixture('s390x.o'));
    const [t] = elf.relocationsFor(elf.sectionByName('.text')!);
    expect(t.isRela).toBe(true);
    expect(t.type(0)).toBe(19); // R_390_PC32DBL
    expect(t.addend(0)).toBe(2);
    expect(t.addendBig(0)).toBe(2n);
    const st = elf.symbols()!;
    expect(elf.sections[st.shndx(t.sym(0))].name).toBe('.bss');
  });

  it('decodes i386 REL relocations (sym = info >> 8, type = info & 0xff, addend 0)', () => {
    const elf = parseElf(fixture('i386.o'));
    const [t] = elf.relocationsFor(elf.sectionByName('.text')!);
    expect(t.isRela).toBe(false);
    expect(t.addend(0)).toBe(0);
    expect(t.get(0).addend).toBe(0n);
    const st = elf.symbols()!;
    expect(st.name(t.sym(0))).toBe('__x86.get_pc_thunk.cx');
    expect(t.type(0)).toBe(2); // R_386_PC32
  });

  it('reads SHT_GROUP sections', () => {
    const elf = parseElf(fixture('x86_64.o'));
    const groups = elf.sections.filter((s) => s.type === SHT_GROUP);
    expect(groups.length).toBe(2);
    const d = elf.sectionData(groups[0]);
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    expect(v.getUint32(0, true)).toBe(1); // GRP_COMDAT
    expect(elf.sections[v.getUint32(4, true)].name).toBe('.debug_macro');
  });
});

describe('SHF_COMPRESSED sections', () => {
  it('zstd .debug_info decompresses to the bytes of the uncompressed object', () => {
    const plain = parseElf(fixture('x86_64.o'));
    const z = parseElf(fixture('zdebug-zstd.o'));
    for (const name of ['.debug_info', '.debug_abbrev', '.debug_str', '.debug_line']) {
      const zs = z.sectionByName(name)!;
      expect(zs.flags & SHF_COMPRESSED).toBe(SHF_COMPRESSED);
      const raw = z.sectionData(zs);
      const h = readCompressionHeader(raw, { section: name, fileOffset: zs.offset, is64: true, le: true });
      expect(h.type).toBe(2);
      const out = z.sectionData(zs, { decompress: true });
      expect(out.length).toBe(h.size);
      expect(Buffer.from(out).equals(Buffer.from(plain.sectionData(plain.sectionByName(name)!)))).toBe(true);
    }
  });

  it('zlib .debug_info decompresses to a DWARF 5 unit', () => {
    const z = parseElf(fixture('zdebug-zlib.o'));
    const s = z.sectionByName('.debug_info')!;
    const h = readCompressionHeader(z.sectionData(s), { section: s.name, fileOffset: s.offset, is64: true, le: true });
    expect(h.type).toBe(1);
    const out = z.sectionData(s, { decompress: true });
    expect(out.length).toBe(h.size);
    const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
    expect(v.getUint32(0, true) + 4).toBe(out.length);
    expect(v.getUint16(4, true)).toBe(5);
    // Without the option the raw bytes (header included) come back.
    expect(z.sectionData(s).length).toBe(s.size);
  });

  it('corrupt compressed payload raises ElfError', () => {
    const buf = fixture('zdebug-zlib.o');
    const z = parseElf(buf);
    const s = z.sectionByName('.debug_info')!;
    buf.fill(0xff, s.offset + 24, s.offset + 40);
    expect(() => parseElf(buf).sectionData(s.index, { decompress: true })).toThrow(ElfError);
  });
});

describe('extended section numbering (> 65280 sections)', () => {
  it('resolves e_shnum == 0 and e_shstrndx == SHN_XINDEX through section 0', () => {
    const elf = parseElf(manySections());
    expect(elf.header.shnumRaw).toBe(0);
    expect(elf.header.shstrndxRaw).toBe(SHN_XINDEX);
    expect(elf.shnum).toBeGreaterThan(0xff00);
    expect(elf.sections[0].size).toBe(elf.shnum);
    expect(elf.sections[elf.shstrndx].name).toBe('.shstrtab');
    expect(elf.sectionByName('.text.f65299')).toBeDefined();
    const st = elf.symbols()!;
    expect(elf.sections.some((s) => s.type === SHT_SYMTAB_SHNDX)).toBe(true);
    const i = st.indexOf('f65299');
    expect(st.rawShndx(i)).toBe(SHN_XINDEX);
    expect(elf.sections[st.shndx(i)].name).toBe('.text.f65299');
    const [rel] = elf.relocationsFor(elf.sectionByName('.text.caller')!);
    expect(rel.count).toBe(2);
    expect(st.name(rel.sym(1))).toBe('f65299');
  });

  readelfIt(`matches readelf -S -W and -s -W${NO_READELF}`, () => {
    const t = tempDir();
    try {
      const p = put(t.dir, 'many.o', manySections());
      const elf = parseElf(manySections());
      compareSections(elf, p);
      compareSymbols(elf, p);
    } finally {
      t.cleanup();
    }
  });
});

/** A minimal ELF64 little-endian image with a section header table: null, .shstrtab, .symtab, .strtab. */
function handMade64(opts: { addr?: bigint; value?: bigint; strtab?: string } = {}): Uint8Array {
  const shstr = new TextEncoder().encode('\0.shstrtab\0.symtab\0.strtab\0.text\0');
  // The symbol's name starts at offset 1.
  const strtab = new TextEncoder().encode(opts.strtab ?? '\0start\0');
  const sym = new Uint8Array(48);
  const sv = new DataView(sym.buffer);
  sv.setUint32(24, 1, true); // name "start"
  sym[28] = (STB_GLOBAL << 4) | STT_FUNC;
  sv.setUint16(30, 4, true); // .text
  sv.setBigUint64(32, opts.value ?? 0xffffffff81000000n, true);
  sv.setBigUint64(40, 16n, true);
  const text = new Uint8Array(16).fill(0x90);
  const parts = [shstr, sym, strtab, text];
  let off = 64;
  const offs: number[] = [];
  for (const p of parts) {
    off = (off + 7) & ~7;
    offs.push(off);
    off += p.length;
  }
  const shoff = (off + 7) & ~7;
  const buf = new Uint8Array(shoff + 5 * 64);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, EM_X86_64, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, 0xffffffff81000000n, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, 64, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, 5, true);
  v.setUint16(62, 1, true);
  parts.forEach((p, i) => buf.set(p, offs[i]));
  const sh = (i: number, name: number, type: number, flags: number, o: number, size: number, link: number, info: number, align: number, ent: number, addr = 0n) => {
    const h = shoff + i * 64;
    v.setUint32(h, name, true);
    v.setUint32(h + 4, type, true);
    v.setBigUint64(h + 8, BigInt(flags), true);
    v.setBigUint64(h + 16, addr, true);
    v.setBigUint64(h + 24, BigInt(o), true);
    v.setBigUint64(h + 32, BigInt(size), true);
    v.setUint32(h + 40, link, true);
    v.setUint32(h + 44, info, true);
    v.setBigUint64(h + 48, BigInt(align), true);
    v.setBigUint64(h + 56, BigInt(ent), true);
  };
  sh(1, 1, 3, 0, offs[0], shstr.length, 0, 0, 1, 0);
  sh(2, 11, 2, 0, offs[1], sym.length, 3, 1, 8, 24);
  sh(3, 19, 3, 0, offs[2], strtab.length, 0, 0, 1, 0);
  sh(4, 27, 1, 6, offs[3], text.length, 0, 0, 16, 0, opts.addr ?? 0xffffffff81000000n);
  return buf;
}

describe('hand-built buffers', () => {
  it('exposes 64-bit addresses as bigint and refuses unsafe numbers', () => {
    const elf = parseElf(handMade64(), 'vmlinux-ish');
    expect(elf.header.entry).toBe(0xffffffff81000000n);
    const text = elf.sectionByName('.text')!;
    expect(text.addrBig).toBe(0xffffffff81000000n);
    expect(() => text.addr).toThrow(ElfError);
    const st = elf.symbols()!;
    expect(st.valueBig(1)).toBe(0xffffffff81000000n);
    expect(() => st.value(1)).toThrow(ElfError);
    expect(st.get(1).value).toBe(0xffffffff81000000n);
    expect(st.name(1)).toBe('start');
  });

  it('decodes symbol names as UTF-8, in ASCII string tables and others, and refuses an unterminated one', () => {
    for (const name of ['start', 'stärt_λ', 'x'.repeat(600), `${'é'.repeat(300)}z`]) {
      expect(parseElf(handMade64({ strtab: `\0${name}\0` })).symbols()!.name(1)).toBe(name);
    }
    // Another ASCII name later in the table does not change how the first is read.
    expect(parseElf(handMade64({ strtab: '\0start\0other\0' })).symbols()!.name(1)).toBe('start');
    for (const strtab of ['\0start', '\0stärt']) {
      const st = parseElf(handMade64({ strtab })).symbols()!;
      expect(() => st.name(1)).toThrow(ElfError);
    }
  });

  it('returns numbers for safe addresses', () => {
    const elf = parseElf(handMade64({ addr: 0x401000n, value: 0x401000n }));
    expect(elf.sectionByName('.text')!.addr).toBe(0x401000);
    expect(elf.symbols()!.value(1)).toBe(0x401000);
  });

  it('parses a file without a section header table', () => {
    const buf = handMade64();
    const v = new DataView(buf.buffer);
    v.setBigUint64(40, 0n, true);
    v.setUint16(60, 0, true);
    v.setUint16(62, 0, true);
    const elf = parseElf(buf);
    expect(elf.shnum).toBe(0);
    expect(elf.symbols()).toBeNull();
    expect(elf.relocations().size).toBe(0);
  });
});

describe('malformed input throws ElfError with an offset', () => {
  const base = () => fixture('x86_64.o');
  const elf0 = parseElf(base());
  const S = elf0.shdrLayout;
  const shoff = elf0.header.shoff;
  const symtab = elf0.sectionByName('.symtab')!;
  const text = elf0.sectionByName('.text')!;

  const cases: { name: string; mutate: (b: Uint8Array, v: DataView) => Uint8Array | void; offset?: number; access?: (e: ElfFile) => unknown }[] = [
    { name: 'empty file', mutate: () => new Uint8Array(0), offset: 0 },
    { name: 'truncated identification', mutate: (b) => b.subarray(0, 10), offset: 0 },
    { name: 'bad magic', mutate: (b) => void (b[1] = 0x46), offset: 0 },
    { name: 'bad class', mutate: (b) => void (b[4] = 3), offset: 4 },
    { name: 'bad data encoding', mutate: (b) => void (b[5] = 0), offset: 5 },
    { name: 'truncated ELF header', mutate: (b) => b.subarray(0, 40), offset: 40 },
    { name: 'section header table past the end', mutate: (b) => b.subarray(0, shoff + 64 * 5), offset: shoff },
    { name: 'section header table offset huge', mutate: (_b, v) => v.setBigUint64(40, 0x7fffffffffn, true), offset: 0x7fffffffff },
    { name: 'section header offset beyond 2^53', mutate: (_b, v) => v.setBigUint64(40, 0xffffffffffffff00n, true), offset: 40 },
    { name: 'wrong e_shentsize', mutate: (_b, v) => v.setUint16(58, 40, true), offset: 58 },
    { name: 'e_shstrndx out of range', mutate: (_b, v) => v.setUint16(62, 200, true), offset: 62 },
    { name: 'e_shstrndx names a non-string table', mutate: (_b, v) => v.setUint16(62, 3, true), offset: shoff + 3 * 64 + S.type },
    { name: 'section data out of range', mutate: (_b, v) => v.setBigUint64(text.headerOffset + S.size, 0x100000n, true), offset: text.headerOffset + S.offset },
    { name: 'section name offset out of range', mutate: (_b, v) => v.setUint32(text.headerOffset, 0x10000, true), offset: text.headerOffset },
    { name: 'extended numbering with zero count', mutate: (_b, v) => v.setUint16(60, 0, true), offset: shoff + S.size },
    {
      name: 'extended numbering: SHN_XINDEX with sh_link 0',
      mutate: (_b, v) => v.setUint16(62, SHN_XINDEX, true),
      offset: shoff + S.link,
    },
    { name: 'sh_link out of range', mutate: (_b, v) => v.setUint32(symtab.headerOffset + S.link, 999, true), offset: symtab.headerOffset + S.link },
    { name: 'symtab entsize wrong', mutate: (_b, v) => v.setBigUint64(symtab.headerOffset + S.entsize, 16n, true), offset: symtab.headerOffset + S.entsize, access: (e) => e.symbols() },
    { name: 'symtab size not a multiple', mutate: (_b, v) => v.setBigUint64(symtab.headerOffset + S.size, BigInt(symtab.size - 1), true), offset: symtab.headerOffset + S.size, access: (e) => e.symbols() },
    { name: 'symtab sh_link not a string table', mutate: (_b, v) => v.setUint32(symtab.headerOffset + S.link, 3, true), offset: symtab.headerOffset + S.link, access: (e) => e.symbols() },
    {
      name: 'symbol name offset out of range',
      mutate: (_b, v) => v.setUint32(symtab.offset + 24 * 19, 0xfffff, true),
      offset: symtab.offset + 24 * 19,
      access: (e) => e.symbols()!.name(19),
    },
    {
      name: 'symbol section index out of range',
      mutate: (_b, v) => v.setUint16(symtab.offset + 24 * 19 + 6, 500, true),
      offset: symtab.offset + 24 * 19,
      access: (e) => e.symbols()!.shndx(19),
    },
    {
      name: 'SHN_XINDEX without SHT_SYMTAB_SHNDX',
      mutate: (_b, v) => v.setUint16(symtab.offset + 24 * 19 + 6, SHN_XINDEX, true),
      offset: symtab.offset + 24 * 19,
      access: (e) => e.symbols()!.shndx(19),
    },
    {
      name: 'relocation symbol index out of range',
      mutate: (_b, v) => {
        const rela = elf0.sectionByName('.rela.text')!;
        v.setUint32(rela.offset + 12, 9999, true);
      },
      offset: elf0.sectionByName('.rela.text')!.offset,
      access: (e) => e.relocationsFor(text.index)[0].sym(0),
    },
    {
      name: 'relocation entsize wrong',
      mutate: (_b, v) => v.setBigUint64(elf0.sectionByName('.rela.text')!.headerOffset + S.entsize, 16n, true),
      offset: elf0.sectionByName('.rela.text')!.headerOffset + S.entsize,
      access: (e) => e.relocations(),
    },
    {
      name: 'relocation sh_info out of range',
      mutate: (_b, v) => v.setUint32(elf0.sectionByName('.rela.text')!.headerOffset + S.info, 7777, true),
      offset: elf0.sectionByName('.rela.text')!.headerOffset + S.info,
      access: (e) => e.relocations(),
    },
    {
      name: 'module signature longer than the file',
      mutate: (b) => {
        const tail = new TextEncoder().encode('~Module signature appended~\n');
        const out = new Uint8Array(b.length + 12 + tail.length);
        out.set(b);
        new DataView(out.buffer).setUint32(b.length + 8, 0x7fffffff, false);
        out.set(tail, b.length + 12);
        return out;
      },
      offset: fixture('x86_64.o').length + 8,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      let b = base();
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const r = c.mutate(b, v);
      if (r) b = r;
      let err: unknown;
      try {
        const e = parseElf(b, 'bad.o');
        if (c.access) c.access(e);
      } catch (x) {
        err = x;
      }
      expect(err).toBeInstanceOf(ElfError);
      const e = err as ElfError;
      expect(e.file).toBe('bad.o');
      expect(e.code).toBe('elf');
      if (c.offset !== undefined) expect(e.offset).toBe(c.offset);
      expect(e.describe()).toContain('bad.o');
    });
  }

  it('section data out of range names the section', () => {
    const b = base();
    new DataView(b.buffer).setBigUint64(text.headerOffset + S.offset, BigInt(b.length), true);
    try {
      parseElf(b, 'bad.o');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ElfError);
      expect((e as ElfError).section).toBe('.text');
    }
  });
});

// The committed gcc/clang objects and a real kernel module, read with btfpost and compared with what llvm-dwarfdump and readelf report.

import { describe, expect, it } from 'vitest';
import {
  DW_AT_comp_dir, DW_AT_dwo_name, DW_AT_name, DW_AT_type, DW_TAG_compile_unit, DW_TAG_formal_parameter, DW_TAG_structure_type,
  DW_TAG_subprogram, DW_UT_skeleton, DW_UT_type, DEBUG_SECTIONS, dwarfFromSections, needsRelocation, openDwarf, tagName,
  ExprRanges, toBig, type DwarfFile,
} from '../../src/dwarf/index.js';
import { EM_386, EM_AARCH64, EM_S390, EM_X86_64, ET_EXEC, ET_REL, parseElf, type ElfFile } from '../../src/elf/index.js';
import { fixture } from '../helpers/testdata.js';
import { EXPECTED_DUMMY } from './expected-dummy.js';
import { EXPECTED_FACTS } from './expected-facts.js';
import { dwarfFacts, subsetFacts } from './facts.js';

function open(name: string): { elf: ElfFile; dwarf: DwarfFile } {
  const elf = parseElf(fixture(`dwarf/${name}`), name);
  return { elf, dwarf: openDwarf(elf) };
}

/** Units, DIEs and null entries of each fixture; readelf --debug-dump=info prints DIEs + nulls lines of " <depth><offset>". */
const COUNTS: Record<string, { machine: number; type: number; units: number; dies: number; nulls: number }> = {
  'clang-aarch64-dwarf5.o': { machine: EM_AARCH64, type: ET_REL, units: 1, dies: 127, nulls: 22 },
  'clang-i386-dwarf4.o': { machine: EM_386, type: ET_REL, units: 1, dies: 126, nulls: 22 },
  'clang-x86_64-dwarf5.o': { machine: EM_X86_64, type: ET_REL, units: 1, dies: 126, nulls: 22 },
  'gcc-s390x-dwarf5.o': { machine: EM_S390, type: ET_REL, units: 1, dies: 131, nulls: 24 },
  'gcc-x86_64-dwarf4-zstd.o': { machine: EM_X86_64, type: ET_REL, units: 1, dies: 131, nulls: 24 },
  'gcc-x86_64-dwarf4.o': { machine: EM_X86_64, type: ET_REL, units: 1, dies: 131, nulls: 24 },
  'gcc-x86_64-dwarf5-64bit.o': { machine: EM_X86_64, type: ET_REL, units: 1, dies: 131, nulls: 24 },
  'gcc-x86_64-dwarf5-split.o': { machine: EM_X86_64, type: ET_REL, units: 1, dies: 1, nulls: 0 },
  'gcc-x86_64-dwarf5-zlib.o': { machine: EM_X86_64, type: ET_REL, units: 1, dies: 131, nulls: 24 },
  'gcc-x86_64-dwarf5.o': { machine: EM_X86_64, type: ET_REL, units: 1, dies: 131, nulls: 24 },
  'gcc-x86_64-dwarf5-types.exec': { machine: EM_X86_64, type: ET_EXEC, units: 9, dies: 176, nulls: 32 },
};

function count(dwarf: DwarfFile): { units: number; dies: number; nulls: number; perTag: Map<string, number> } {
  const cur = dwarf.cursor();
  const perTag = new Map<string, number>();
  let dies = 0;
  for (const u of dwarf.units()) {
    cur.reset(u);
    let tag: number;
    while ((tag = cur.next()) !== 0) {
      dies++;
      const n = tagName(tag);
      perTag.set(n, (perTag.get(n) ?? 0) + 1);
    }
  }
  return { units: dwarf.units().length, dies, nulls: cur.nullEntries, perTag };
}

describe('fixture objects', () => {
  it.each(Object.keys(COUNTS))('%s: units, DIEs and null entries as readelf counts them', (name) => {
    const { elf, dwarf } = open(name);
    const want = COUNTS[name];
    expect(elf.header.machine).toBe(want.machine);
    expect(elf.header.type).toBe(want.type);
    const got = count(dwarf);
    expect({ units: got.units, dies: got.dies, nulls: got.nulls }).toEqual({ units: want.units, dies: want.dies, nulls: want.nulls });
  });

  it.each(Object.keys(EXPECTED_FACTS))('%s: structs, enums, typedefs, variables, functions and arrays as llvm-dwarfdump reads them', (name) => {
    const { elf, dwarf } = open(name);
    expect(dwarfFacts(dwarf, !elf.le)).toEqual(EXPECTED_FACTS[name]);
  });

  it('reads zstd-compressed sections like their uncompressed twin', () => {
    const { elf, dwarf } = open('gcc-x86_64-dwarf4-zstd.o');
    expect(elf.sectionByName('.debug_info')!.flags & 0x800).not.toBe(0);
    expect(dwarfFacts(dwarf, false)).toEqual(EXPECTED_FACTS['gcc-x86_64-dwarf4.o']);
  });

  it('spells out the layout of struct device_like (bitfields, multi-dimensional array, flexible array)', () => {
    const facts = dwarfFacts(open('gcc-x86_64-dwarf5.o').dwarf, false);
    const dev = facts.structs.find((s) => s[1] === 'device_like')!;
    expect(dev[2]).toBe(136);
    expect(dev[4]).toEqual([
      ['name', 0, 0], ['node', 64, 0], ['status', 192, 0], ['ops', 256, 0], ['state', 320, 0], ['reg', 352, 0],
      ['flag_a', 384, 1], ['flag_b', 385, 2], ['flag_c', 387, 5], ['wide_bits', 392, 40], ['matrix', 448, 0],
      ['tag', 832, 0], ['hdr', 960, 0], ['priv', 1024, 0], ['tail', 1088, 0],
    ]);
    expect(facts.structs.find((s) => s[1] === 'packed_hdr')![2]).toBe(7);
    expect(facts.enums.find((e) => e[0] === 'wide_flags')).toEqual(['wide_flags', 8, [['WIDE_LOW', '1'], ['WIDE_HIGH', '9223372036854775808'], ['WIDE_MASK', '18446744069414584320']]]);
    expect(facts.enums.find((e) => e[0] === 'dev_state')![2]).toContainEqual(['DEV_GONE', '-1']);
    expect(facts.arrays).toContainEqual(['int', [3, 4]]);
    expect(facts.arrays).toContainEqual(['u8', [-1]]);
    expect(facts.typedefs).toContainEqual(['handler_fn', 'DW_TAG_pointer_type', '']);
    // Variables in the same section: the relocation addend gives the offset.
    expect(facts.vars).toContainEqual(['kstyle_second', 1, 0, 'addr:0x20']);
    expect(facts.vars).toContainEqual(['kstyle_hits', 0, 0, 'addr:0x4']);
    expect(facts.funcs.find((f) => f[0] === 'kstyle_exit')!.slice(0, 2)).toEqual(['kstyle_exit', 1]);
  });

  it('needs the relocations of an ET_REL object: without them DW_FORM_strp offsets all point at .debug_str+0', () => {
    const { elf, dwarf } = open('gcc-x86_64-dwarf5.o');
    const info = elf.sectionByName('.debug_info')!;
    expect(needsRelocation(elf, info)).toBe(true);
    expect(dwarf.info.buffer).not.toBe(elf.bytes.buffer);
    const raw: Record<string, Uint8Array> = {};
    for (const n of DEBUG_SECTIONS) {
      const s = elf.sectionByName(n);
      if (s) raw[n] = elf.sectionData(s);
    }
    const unrelocated = dwarfFromSections(raw, { le: true });
    const names = (d: DwarfFile) => {
      const c = d.cursor();
      const out: string[] = [];
      while (c.next()) if (c.tag === DW_TAG_structure_type) out.push(c.attrString(DW_AT_name) ?? '');
      return out;
    };
    expect(names(dwarf)).toEqual(['list_head', '', 'ops', 'packed_hdr', 'device_like']);
    // Short names are inline DW_FORM_string and survive; DW_FORM_strp ones all read .debug_str+0.
    const wrong = names(unrelocated);
    expect(wrong).toContain('ops');
    expect(wrong).not.toContain('device_like');
    expect(wrong).not.toContain('list_head');
  });

  it('never relocates an ET_EXEC, even one linked with --emit-relocs', () => {
    const { elf, dwarf } = open('gcc-x86_64-dwarf5-types.exec');
    const info = elf.sectionByName('.debug_info')!;
    expect(elf.relocationsFor(info).length).toBeGreaterThan(0);
    expect(needsRelocation(elf, info)).toBe(false);
    expect(dwarf.info.buffer).toBe(elf.bytes.buffer);
    const facts = dwarfFacts(dwarf, false);
    expect(facts.funcs.find((f) => f[0] === 'kstyle_exit')!.slice(2, 4)).toEqual(['0x4010d0', '0x4010e7']);
  });

  it('a released abbreviation table is compiled again on use, and reads the same DIEs', () => {
    const { dwarf } = open('gcc-x86_64-dwarf5-types.exec');
    const before = count(dwarf);
    const tables = dwarf.units().map((u) => u.abbrevs);
    // The units share one table: it stays compiled until the last of them is released.
    const [first, second] = dwarf.units();
    expect(second.abbrevs).toBe(first.abbrevs);
    dwarf.releaseAbbrevs(first);
    dwarf.releaseAbbrevs(second);
    // A unit not yet released, reading its table afresh, still gets the compiled one.
    const third = dwarf.units()[2];
    third.forgetAbbrevs();
    expect(third.abbrevs).toBe(tables[2]);
    for (const u of dwarf.units().slice(2)) dwarf.releaseAbbrevs(u);
    // Compiled anew (not the released object), with the same content.
    for (const [i, u] of dwarf.units().entries()) {
      expect(u.abbrevs).not.toBe(tables[i]);
      expect(Array.from(u.abbrevs.tag)).toEqual(Array.from(tables[i].tag));
    }
    const after = count(dwarf);
    expect(after.dies).toBe(before.dies);
    expect([...after.perTag]).toEqual([...before.perTag]);
  });

  it('throws for a malformed root DIE on every use, not only the first', () => {
    const bytes = new Uint8Array(fixture('dwarf/gcc-x86_64-dwarf5.o'));
    const clean = openDwarf(parseElf(bytes, 'a.o')).units()[0];
    const info = parseElf(bytes, 'a.o').sectionByName('.debug_info')!;
    // The root DIE's abbreviation code: one no table of this object holds.
    bytes[info.offset + clean.dieOffset] = 0x7f;
    const u = openDwarf(parseElf(bytes, 'a.o')).units()[0];
    for (let i = 0; i < 2; i++) {
      expect(() => u.rootTag).toThrow(/abbreviation code 127/);
      expect(() => u.language).toThrow(/abbreviation code 127/);
    }
  });

  it('resolves DW_FORM_ref_sig8 into DWARF 5 type units', () => {
    const { dwarf } = open('gcc-x86_64-dwarf5-types.exec');
    const units = dwarf.units();
    expect(units.filter((u) => u.unitType === DW_UT_type).length).toBe(8);
    const tu = units.find((u) => u.unitType === DW_UT_type)!;
    const c = dwarf.cursor();
    expect(c.dieAt(dwarf.typeUnitDie(tu.signatureHi, tu.signatureLo))).toBe(c.dieAt(tu.typeDieOffset));
    const cu = units[units.length - 1];
    expect(cu.rootTag).toBe(DW_TAG_compile_unit);
    expect(cu.name).toBe('testdata/dwarf/src/kstyle.c');
  });

  it('reads the skeleton unit of a -gsplit-dwarf object', () => {
    const { dwarf } = open('gcc-x86_64-dwarf5-split.o');
    const u = dwarf.units()[0];
    expect(u.unitType).toBe(DW_UT_skeleton);
    expect(toBig(u.signatureHi, u.signatureLo)).not.toBe(0n);
    const c = dwarf.cursor(u);
    c.next();
    expect(c.attrString(DW_AT_dwo_name)).toBe('split.dwo');
    expect(c.attrString(DW_AT_comp_dir)).toBe('.');
    const r: number[] = [];
    expect(c.pcRanges(r)).toBe(1);
    expect(r[3] - r[1]).toBeGreaterThan(0);
  });

  it.each(['gcc-x86_64-dwarf4.o', 'gcc-x86_64-dwarf5.o', 'gcc-s390x-dwarf5.o', 'clang-x86_64-dwarf5.o'])('%s: location lists of parameters yield expressions', (name) => {
    const { dwarf } = open(name);
    const c = dwarf.cursor();
    let lists = 0;
    let exprs = 0;
    let blocks = 0;
    const ranges = new ExprRanges();
    while (c.next()) {
      if (c.tag !== DW_TAG_formal_parameter) continue;
      const kind = c.location();
      if (kind === 7) {
        lists++;
        const e = c.locationExprs();
        expect(e.length).toBeGreaterThan(0);
        exprs += e.length;
      }
      if (kind === 0) continue;
      if (kind !== 7) blocks++;
      // The same expressions as ranges of one array, into one reused ExprRanges.
      c.locationRanges(ranges);
      const viaRanges: number[][] = [];
      for (let i = 0; i < ranges.count; i++) viaRanges.push([...ranges.data.subarray(ranges.bounds[2 * i], ranges.bounds[2 * i + 1])]);
      expect(viaRanges).toEqual(c.locationExprs().map((e) => [...e]));
    }
    expect(blocks).toBeGreaterThan(0);
    if (name.startsWith('gcc')) expect(lists).toBeGreaterThan(0);
    expect(exprs).toBeGreaterThanOrEqual(lists);
  });

  it('unit headers: producer, language, shape', () => {
    const gcc = open('gcc-x86_64-dwarf5-64bit.o').dwarf.units()[0];
    expect(gcc.producer).toMatch(/^GNU C17 12\./);
    expect(gcc.offsetSize).toBe(8);
    expect(gcc.compDir).toBe('.');
    const clang = open('clang-aarch64-dwarf5.o').dwarf.units()[0];
    // clang honours -fno-ident by leaving DW_AT_producer empty.
    expect(clang.producer).toBe('');
    expect(clang.strOffsetsBase).toBe(8);
    expect(clang.addrBase).toBe(8);
    const i386 = open('clang-i386-dwarf4.o').dwarf.units()[0];
    expect(i386.addrSize).toBe(4);
    expect(i386.version).toBe(4);
  });
});

describe('a real kernel module (Debian 6.12 dummy.ko)', () => {
  const elf = parseElf(fixture('dwarf/kernel-6.12-dummy.ko.gz'), 'dummy.ko');
  const dwarf = openDwarf(elf);

  it('walks the same DIEs per tag as readelf', () => {
    const got = count(dwarf);
    expect(got.units).toBe(3);
    expect(got.dies + got.nulls).toBe(18400);
    expect(got.nulls).toBe(2297);
    expect(Object.fromEntries([...got.perTag].sort())).toEqual({
      DW_TAG_array_type: 277, DW_TAG_base_type: 42, DW_TAG_call_site: 24, DW_TAG_call_site_parameter: 27, DW_TAG_compile_unit: 3,
      DW_TAG_const_type: 195, DW_TAG_enumeration_type: 88, DW_TAG_enumerator: 738, DW_TAG_formal_parameter: 1678,
      DW_TAG_inlined_subroutine: 16, DW_TAG_label: 3, DW_TAG_lexical_block: 7, DW_TAG_member: 8391, DW_TAG_pointer_type: 1586,
      DW_TAG_structure_type: 1344, DW_TAG_subprogram: 57, DW_TAG_subrange_type: 294, DW_TAG_subroutine_type: 639,
      DW_TAG_typedef: 285, DW_TAG_union_type: 218, DW_TAG_variable: 191,
    });
  });

  it('gives the facts llvm-dwarfdump and readelf give (net_device, sk_buff, functions, variables, ...)', () => {
    expect(subsetFacts(dwarfFacts(dwarf, false))).toEqual(EXPECTED_DUMMY);
    const nd = EXPECTED_DUMMY.structs.find((s) => s[1] === 'net_device')!;
    expect(nd[2]).toBe(2560);
  });

  it('skipChildren (by DW_AT_sibling) lands where a full walk of the subtree ends', () => {
    const a = dwarf.cursor();
    const b = dwarf.cursor();
    let checked = 0;
    for (const u of dwarf.units()) {
      a.reset(u);
      while (a.next()) {
        if (!a.hasChildren || a.depth === 0) continue;
        b.dieAt(a.offset);
        b.skipChildren();
        const next = b.next();
        const nextOffset = next === 0 ? -1 : b.offset;
        // Walk the subtree with a third cursor, by depth.
        const c = dwarf.cursor();
        c.dieAt(a.offset);
        let t: number;
        while ((t = c.next()) !== 0 && c.depth > 0);
        expect(t === 0 ? -1 : c.offset).toBe(nextOffset);
        if (++checked >= 400) return;
      }
    }
  });

  it('follows subprogram DW_AT_type references across the file', () => {
    const c = dwarf.cursor();
    const t = dwarf.cursor();
    let n = 0;
    for (const u of dwarf.units()) {
      c.reset(u);
      while (c.next()) {
        if (c.tag !== DW_TAG_subprogram) continue;
        const ref = c.attrRef(DW_AT_type, -1);
        if (ref < 0) continue;
        expect(t.dieAt(ref)).toBeGreaterThan(0);
        expect(t.unit).toBe(u);
        n++;
      }
    }
    expect(n).toBeGreaterThan(10);
  });
});

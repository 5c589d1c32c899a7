// Every attribute form, unit type and header variant on hand-made DWARF, plus the errors malformed input must raise.

import { describe, expect, it } from 'vitest';
import { BtfpostError, DwarfError } from '../../src/common/errors.js';
import * as D from '../../src/dwarf/index.js';
import { dwarfFromSections, toBig, type DwarfFile } from '../../src/dwarf/index.js';
import { Bytes, abbrev, unitHeader, type AttrSpec } from './builder.js';

const AT = (n: number) => 0x3000 + n;

/** One form per custom attribute, in this order, with the value written and what the accessors must return. */
interface FormCase {
  at: number;
  form: number;
  write: (b: Bytes, ctx: { refSlots: [number, number][] }) => void;
}

const SIG = 0x1122334455667788n;

/** Sections shared by the all-forms file. */
function stringSections(le: boolean) {
  const str = new Bytes(le).u8(0).str('alpha').str('beta').str('gamma').str('delta').str('epsilon'); // 1, 7, 12, 18, 24
  const lineStr = new Bytes(le).str('dir').str('file.c'); // 0, 4
  const strOffsets = new Bytes(le).u32(4 + 5 * 4).u16(5).u16(0).u32(1).u32(7).u32(12).u32(18).u32(24);
  const addr = new Bytes(le).u32(4 + 5 * 8).u16(5).u8(8).u8(0)
    .u64(0x1000).u64(0xffffffff81000000n).u64(0x2000).u64(0x3000).u64(0x4000);
  // .debug_rnglists: header (12 bytes), one offset (relative to 12), then the list at 16.
  const rng = new Bytes(le);
  rng.u32(0).u16(5).u8(8).u8(0).u32(1).u32(4);
  rng.u8(D.DW_RLE_base_addressx).uleb(0);
  rng.u8(D.DW_RLE_offset_pair).uleb(0x10).uleb(0x20);
  rng.u8(D.DW_RLE_start_length).u64(0x5000).uleb(0x30);
  rng.u8(D.DW_RLE_startx_endx).uleb(2).uleb(3);
  rng.u8(D.DW_RLE_base_address).u64(0xffffffff80000000n);
  rng.u8(D.DW_RLE_offset_pair).uleb(0).uleb(0x100);
  rng.u8(D.DW_RLE_start_end).u64(0x7000).u64(0x7100);
  rng.u8(D.DW_RLE_startx_length).uleb(4).uleb(8);
  rng.u8(D.DW_RLE_end_of_list);
  rng.patch(0, rng.pos - 4, 4);
  // .debug_loclists: the same layout.
  const loc = new Bytes(le);
  loc.u32(0).u16(5).u8(8).u8(0).u32(1).u32(4);
  loc.u8(D.DW_LLE_offset_pair).uleb(0).uleb(8).uleb(1).u8(D.DW_OP_reg0 + 3);
  loc.u8(D.DW_LLE_base_address).u64(0x9000);
  loc.u8(D.DW_LLE_start_length).u64(0x9100).uleb(4).uleb(2).u8(D.DW_OP_breg0 + 7).sleb(-8);
  loc.u8(D.DW_LLE_GNU_view_pair).uleb(1).uleb(2);
  loc.u8(D.DW_LLE_default_location).uleb(2).u8(D.DW_OP_lit0).u8(D.DW_OP_stack_value);
  loc.u8(D.DW_LLE_end_of_list);
  loc.patch(0, loc.pos - 4, 4);
  return { str, lineStr, strOffsets, addr, rng, loc };
}

const CASES: FormCase[] = [
  { at: AT(1), form: D.DW_FORM_addr, write: (b) => b.u64(0xffffffff81234567n) },
  { at: AT(2), form: D.DW_FORM_block2, write: (b) => b.u16(3).bytes([1, 2, 3]) },
  { at: AT(3), form: D.DW_FORM_block4, write: (b) => b.u32(1).bytes([4]) },
  { at: AT(4), form: D.DW_FORM_data2, write: (b) => b.u16(0xbeef) },
  { at: AT(5), form: D.DW_FORM_data4, write: (b) => b.u32(0xdeadbeef) },
  { at: AT(6), form: D.DW_FORM_data8, write: (b) => b.u64(0x123456789abcdef0n) },
  { at: AT(7), form: D.DW_FORM_string, write: (b) => b.str('inline') },
  { at: AT(8), form: D.DW_FORM_block, write: (b) => b.uleb(2).bytes([9, 9]) },
  { at: AT(9), form: D.DW_FORM_block1, write: (b) => b.u8(1).bytes([7]) },
  { at: AT(10), form: D.DW_FORM_data1, write: (b) => b.u8(0xff) },
  { at: AT(11), form: D.DW_FORM_flag, write: (b) => b.u8(1) },
  { at: AT(12), form: D.DW_FORM_sdata, write: (b) => b.sleb(-123456789) },
  { at: AT(13), form: D.DW_FORM_strp, write: (b) => b.u32(7) },
  { at: AT(14), form: D.DW_FORM_udata, write: (b) => b.uleb(300) },
  { at: AT(15), form: D.DW_FORM_ref_addr, write: (b, c) => { c.refSlots.push([b.pos, -4]); b.u32(0); } },
  { at: AT(16), form: D.DW_FORM_ref1, write: (b, c) => { c.refSlots.push([b.pos, 1]); b.u8(0); } },
  { at: AT(17), form: D.DW_FORM_ref2, write: (b, c) => { c.refSlots.push([b.pos, 2]); b.u16(0); } },
  { at: AT(18), form: D.DW_FORM_ref4, write: (b, c) => { c.refSlots.push([b.pos, 4]); b.u32(0); } },
  { at: AT(19), form: D.DW_FORM_ref8, write: (b, c) => { c.refSlots.push([b.pos, 8]); b.u64(0); } },
  { at: AT(20), form: D.DW_FORM_ref_udata, write: (b, c) => { c.refSlots.push([b.pos, 0]); b.u8(0x80).u8(0); } },
  { at: AT(21), form: D.DW_FORM_indirect, write: (b) => b.uleb(D.DW_FORM_udata).uleb(77) },
  { at: AT(22), form: D.DW_FORM_sec_offset, write: (b) => b.u32(0x1234) },
  { at: AT(23), form: D.DW_FORM_exprloc, write: (b) => b.uleb(9).u8(D.DW_OP_addr).u64(0xffffffff82000000n) },
  { at: AT(24), form: D.DW_FORM_flag_present, write: () => undefined },
  { at: AT(25), form: D.DW_FORM_strx, write: (b) => b.uleb(2) },
  { at: AT(26), form: D.DW_FORM_addrx, write: (b) => b.uleb(1) },
  { at: AT(27), form: D.DW_FORM_ref_sup4, write: (b) => b.u32(0x10) },
  { at: AT(28), form: D.DW_FORM_strp_sup, write: (b) => b.u32(0) },
  { at: AT(29), form: D.DW_FORM_data16, write: (b) => b.bytes([...Array(16).keys()]) },
  { at: AT(30), form: D.DW_FORM_line_strp, write: (b) => b.u32(4) },
  { at: AT(31), form: D.DW_FORM_ref_sig8, write: (b) => b.u64(SIG) },
  { at: AT(33), form: D.DW_FORM_loclistx, write: (b) => b.uleb(0) },
  { at: AT(34), form: D.DW_FORM_rnglistx, write: (b) => b.uleb(0) },
  { at: AT(35), form: D.DW_FORM_strx1, write: (b) => b.u8(3) },
  { at: AT(36), form: D.DW_FORM_strx2, write: (b) => b.u16(4) },
  { at: AT(37), form: D.DW_FORM_strx3, write: (b) => b.uN(0, 3) },
  { at: AT(38), form: D.DW_FORM_strx4, write: (b) => b.u32(1) },
  { at: AT(39), form: D.DW_FORM_addrx1, write: (b) => b.u8(2) },
  { at: AT(40), form: D.DW_FORM_addrx2, write: (b) => b.u16(3) },
  { at: AT(41), form: D.DW_FORM_addrx3, write: (b) => b.uN(4, 3) },
  { at: AT(42), form: D.DW_FORM_addrx4, write: (b) => b.u32(0) },
  { at: AT(43), form: D.DW_FORM_GNU_ref_alt, write: (b) => b.u32(0x99) },
  { at: AT(44), form: D.DW_FORM_GNU_strp_alt, write: (b) => b.u32(5) },
  { at: AT(45), form: D.DW_FORM_GNU_addr_index, write: (b) => b.uleb(2) },
  { at: AT(46), form: D.DW_FORM_GNU_str_index, write: (b) => b.uleb(1) },
  { at: AT(47), form: D.DW_FORM_indirect, write: (b) => b.uleb(D.DW_FORM_string).str('via-indirect') },
  { at: AT(48), form: D.DW_FORM_ref_sup8, write: (b) => b.u64(0x20) },
  { at: D.DW_AT_ranges, form: D.DW_FORM_rnglistx, write: (b) => b.uleb(0) },
  { at: D.DW_AT_location, form: D.DW_FORM_loclistx, write: (b) => b.uleb(0) },
];

/** Build the all-forms file: a type unit, then a compile unit whose second DIE has every form. */
function allForms(le: boolean): { dwarf: DwarfFile; everything: number; target: number; typeDie: number } {
  const ab = new Bytes(le);
  abbrev(ab, 1, D.DW_TAG_type_unit, true, [[D.DW_AT_language, D.DW_FORM_data1]]);
  abbrev(ab, 2, D.DW_TAG_structure_type, false, [[D.DW_AT_name, D.DW_FORM_string], [D.DW_AT_byte_size, D.DW_FORM_data1]]);
  abbrev(ab, 3, D.DW_TAG_compile_unit, true, [
    [D.DW_AT_str_offsets_base, D.DW_FORM_sec_offset], [D.DW_AT_name, D.DW_FORM_strx1], [D.DW_AT_addr_base, D.DW_FORM_sec_offset],
    [D.DW_AT_rnglists_base, D.DW_FORM_sec_offset], [D.DW_AT_loclists_base, D.DW_FORM_sec_offset], [D.DW_AT_low_pc, D.DW_FORM_addrx],
    [D.DW_AT_language, D.DW_FORM_data1], [D.DW_AT_producer, D.DW_FORM_string], [D.DW_AT_comp_dir, D.DW_FORM_line_strp],
  ]);
  const specs: AttrSpec[] = [[D.DW_AT_sibling, D.DW_FORM_ref4]];
  for (const c of CASES) specs.push([c.at, c.form]);
  specs.push([AT(32), D.DW_FORM_implicit_const, -42]);
  specs.push([AT(49), D.DW_FORM_implicit_const, 0x7fffffffffffffffn]);
  abbrev(ab, 4, D.DW_TAG_variable, true, specs);
  abbrev(ab, 5, D.DW_TAG_base_type, false, [[D.DW_AT_name, D.DW_FORM_string], [D.DW_AT_byte_size, D.DW_FORM_data1]]);
  abbrev(ab, 300, D.DW_TAG_member, false, [[D.DW_AT_name, D.DW_FORM_string]]);
  ab.u8(0);

  const b = new Bytes(le);
  // Type unit with signature SIG; its type DIE is the structure.
  const tuStart = b.pos;
  const tuHeaderTypeOffsetAt = 4 + 2 + 1 + 1 + 4 + 8;
  const endTu = unitHeader(b, { unitType: D.DW_UT_type, signature: SIG, typeOffset: 0 });
  b.uleb(1).u8(D.DW_LANG_C11);
  const typeDie = b.pos;
  b.patch(tuStart + tuHeaderTypeOffsetAt, typeDie - tuStart, 4);
  b.uleb(2).str('sig_struct').u8(24);
  b.u8(0);
  endTu();

  const cuStart = b.pos;
  const endCu = unitHeader(b);
  b.uleb(3).u32(8).u8(0).u32(8).u32(12).u32(12).uleb(0).u8(D.DW_LANG_C11).str('hand').u32(0);
  const everything = b.pos;
  b.uleb(4);
  const siblingAt = b.pos;
  b.u32(0);
  const ctx = { refSlots: [] as [number, number][] };
  for (const c of CASES) c.write(b, ctx);
  // One child, so the sibling attribute has something to jump over.
  b.uleb(300).str('child');
  b.u8(0);
  const target = b.pos;
  b.patch(siblingAt, target - cuStart, 4);
  b.uleb(5).str('int').u8(4);
  b.u8(0);
  endCu();
  for (const [at, size] of ctx.refSlots) {
    if (size === -4) b.patch(at, target, 4);
    else if (size === 0) b.patch(at, 0x80 | ((target - cuStart) & 0x7f), 1).patch(at + 1, (target - cuStart) >> 7, 1);
    else b.patch(at, target - cuStart, size);
  }
  const s = stringSections(le);
  const dwarf = dwarfFromSections({
    '.debug_info': b.finish(), '.debug_abbrev': ab.finish(), '.debug_str': s.str.finish(), '.debug_line_str': s.lineStr.finish(),
    '.debug_str_offsets': s.strOffsets.finish(), '.debug_addr': s.addr.finish(), '.debug_rnglists': s.rng.finish(), '.debug_loclists': s.loc.finish(),
  }, { le, fileName: 'hand.o' });
  return { dwarf, everything, target, typeDie };
}

function expectDwarfError(fn: () => unknown, where: { section?: string; offset?: number; message?: RegExp } = {}): DwarfError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DwarfError);
  const err = caught as DwarfError;
  expect(err.code).toBe('dwarf');
  if (where.section !== undefined) expect(err.section).toBe(where.section);
  if (where.offset !== undefined) expect(err.offset).toBe(where.offset);
  if (where.message !== undefined) expect(err.message).toMatch(where.message);
  return err;
}

describe.each([true, false])('every form (little-endian: %s)', (le) => {
  const { dwarf, everything, target, typeDie } = allForms(le);
  const cur = dwarf.cursor(dwarf.units()[1]);

  it('reads the unit headers and the root DIE bases', () => {
    const [tu, cu] = dwarf.units();
    expect(tu.unitType).toBe(D.DW_UT_type);
    expect(tu.typeDieOffset).toBe(typeDie);
    expect(toBig(tu.signatureHi, tu.signatureLo)).toBe(SIG);
    expect(tu.rootTag).toBe(D.DW_TAG_type_unit);
    expect(cu.unitType).toBe(D.DW_UT_compile);
    expect(cu.version).toBe(5);
    expect(cu.offsetSize).toBe(4);
    expect(cu.addrSize).toBe(8);
    expect(cu.strOffsetsBase).toBe(8);
    expect(cu.addrBase).toBe(8);
    expect(cu.rnglistsBase).toBe(12);
    expect(cu.loclistsBase).toBe(12);
    expect([cu.lowPcHi, cu.lowPcLo]).toEqual([0, 0x1000]);
    expect(cu.name).toBe('alpha');
    expect(cu.producer).toBe('hand');
    expect(cu.compDir).toBe('dir');
    expect(cu.language).toBe(D.DW_LANG_C11);
  });

  it('decodes each form through the matching accessor', () => {
    expect(cur.dieAt(everything)).toBe(D.DW_TAG_variable);
    expect(cur.attrAddr(AT(1))).toBe(true);
    expect(toBig(cur.hi, cur.lo)).toBe(0xffffffff81234567n);
    expect([...cur.attrBlock(AT(2))!]).toEqual([1, 2, 3]);
    expect([...cur.attrBlock(AT(3))!]).toEqual([4]);
    expect(cur.attrUint(AT(4))).toBe(0xbeef);
    expect(cur.attrSint(AT(4))).toBe(0xbeef - 0x10000);
    expect(cur.attrUint(AT(5))).toBe(0xdeadbeef);
    expect(cur.attrSint(AT(5))).toBe(0xdeadbeef - 2 ** 32);
  });

  it('reports 64-bit constants through attrU64/attrS64 and refuses unsafe numbers', () => {
    cur.dieAt(everything);
    expectDwarfError(() => cur.attrUint(AT(6)), { section: '.debug_info', message: /safe integer/ });
    expect(cur.attrU64(AT(6))).toBe(true);
    expect(toBig(cur.hi, cur.lo)).toBe(0x123456789abcdef0n);
    cur.attrU64(AT(10));
    expect(toBig(cur.hi, cur.lo)).toBe(0xffn);
    cur.attrS64(AT(10));
    expect(toBig(cur.hi, cur.lo)).toBe(0xffffffffffffffffn);
    cur.attrS64(AT(5));
    expect(toBig(cur.hi, cur.lo)).toBe(BigInt.asUintN(64, -0x21524111n));
    expect(cur.attrSint(AT(12))).toBe(-123456789);
    cur.attrU64(AT(12));
    expect(BigInt.asIntN(64, toBig(cur.hi, cur.lo))).toBe(-123456789n);
    expect(cur.attrSint(AT(32))).toBe(-42);
    expect(cur.attrUint(AT(32))).toBe(-42);
    cur.attrU64(AT(32));
    expect(BigInt.asIntN(64, toBig(cur.hi, cur.lo))).toBe(-42n);
    expectDwarfError(() => cur.attrUint(AT(49)), { message: /safe integer/ });
    cur.attrU64(AT(49));
    expect(toBig(cur.hi, cur.lo)).toBe(0x7fffffffffffffffn);
    expect(cur.attrSint(AT(10))).toBe(-1);
    expect(cur.attrUint(AT(14))).toBe(300);
    expect(cur.attrUint(AT(21))).toBe(77);
    expect(cur.attrForm(AT(21))).toBe(D.DW_FORM_udata);
    expect(cur.attrUint(AT(22))).toBe(0x1234);
    expect(cur.attrUint(AT(33))).toBe(0);
    expect(cur.attrUint(AT(34))).toBe(0);
  });

  it('resolves strings in every string form', () => {
    cur.dieAt(everything);
    expect(cur.attrString(AT(7))).toBe('inline');
    expect(cur.attrString(AT(13))).toBe('beta');
    expect(cur.attrString(AT(25))).toBe('gamma');
    expect(cur.attrString(AT(30))).toBe('file.c');
    expect(cur.attrString(AT(35))).toBe('delta');
    expect(cur.attrString(AT(36))).toBe('epsilon');
    expect(cur.attrString(AT(37))).toBe('alpha');
    expect(cur.attrString(AT(38))).toBe('beta');
    expect(cur.attrString(AT(46))).toBe('beta');
    expect(cur.attrString(AT(47))).toBe('via-indirect');
    expect(cur.attrString(AT(99))).toBeUndefined();
    // Equal bytes get one id whatever the form or section offset.
    const a = dwarf.strRefId(cur.attrStrRef(AT(13)));
    const b = dwarf.strRefId(cur.attrStrRef(AT(38)));
    expect(a).toBe(b);
    expect(dwarf.strIdString(a)).toBe('beta');
    expect(Buffer.from(dwarf.strIdBytes(a)).toString('latin1')).toBe('beta');
    expect(Buffer.from(dwarf.strRefBytes(cur.attrStrRef(AT(7)))).toString('latin1')).toBe('inline');
    expectDwarfError(() => cur.attrString(AT(28)), { message: /supplementary/ });
    expectDwarfError(() => cur.attrString(AT(44)), { message: /supplementary/ });
    expectDwarfError(() => cur.attrString(AT(4)), { message: /not a string/ });
  });

  it('resolves addresses through .debug_addr', () => {
    cur.dieAt(everything);
    const addr = (at: number) => (cur.attrAddr(at) ? toBig(cur.hi, cur.lo) : undefined);
    expect(addr(AT(26))).toBe(0xffffffff81000000n);
    expect(addr(AT(39))).toBe(0x2000n);
    expect(addr(AT(40))).toBe(0x3000n);
    expect(addr(AT(41))).toBe(0x4000n);
    expect(addr(AT(42))).toBe(0x1000n);
    expect(addr(AT(45))).toBe(0x2000n);
    expect(addr(AT(99))).toBeUndefined();
    expectDwarfError(() => cur.attrAddr(AT(4)), { message: /not an address/ });
  });

  it('turns every reference form into a global offset', () => {
    cur.dieAt(everything);
    for (const n of [15, 16, 17, 18, 19, 20]) expect(cur.attrRef(AT(n))).toBe(target);
    expect(cur.attrRef(AT(31))).toBe(typeDie);
    expect(cur.attrRef(AT(99), -7)).toBe(-7);
    expectDwarfError(() => cur.attrRef(AT(27)), { message: /supplementary/ });
    expectDwarfError(() => cur.attrRef(AT(43)), { message: /supplementary/ });
    expectDwarfError(() => cur.attrRef(AT(48)), { message: /supplementary/ });
    expectDwarfError(() => cur.attrRef(AT(4)), { message: /not a reference/ });
    const other = dwarf.cursor();
    expect(other.dieAt(cur.attrRef(AT(31)))).toBe(D.DW_TAG_structure_type);
    expect(other.attrString(D.DW_AT_name)).toBe('sig_struct');
    expect(other.unit.index).toBe(0);
  });

  it('returns blocks, flags and expressions', () => {
    cur.dieAt(everything);
    expect([...cur.attrBlock(AT(8))!]).toEqual([9, 9]);
    expect([...cur.attrBlock(AT(9))!]).toEqual([7]);
    expect([...cur.attrBlock(AT(29))!]).toEqual([...Array(16).keys()]);
    expect(cur.attrBlock(AT(23))!.length).toBe(9);
    expect(cur.attrFlag(AT(11))).toBe(true);
    expect(cur.attrFlag(AT(24))).toBe(true);
    expect(cur.attrFlag(AT(99))).toBe(false);
    expect(cur.has(AT(24))).toBe(true);
    expect(cur.has(AT(99))).toBe(false);
    expectDwarfError(() => cur.attrBlock(AT(4)), { message: /not a block/ });
    expectDwarfError(() => cur.attrUint(AT(7)), { message: /not an integer/ });
    expect(cur.location(AT(23))).toBe(D.LOC_ADDR);
    expect(toBig(cur.hi, cur.lo)).toBe(0xffffffff82000000n);
  });

  it('reads rnglistx ranges and loclistx location lists', () => {
    cur.dieAt(everything);
    const out: number[] = [];
    expect(cur.pcRanges(out)).toBe(6);
    const pairs = [];
    for (let i = 0; i < out.length; i += 4) pairs.push([toBig(out[i], out[i + 1]), toBig(out[i + 2], out[i + 3])]);
    expect(pairs).toEqual([
      [0x1010n, 0x1020n],
      [0x5000n, 0x5030n],
      [0x2000n, 0x3000n],
      [0xffffffff80000000n, 0xffffffff80000100n],
      [0x7000n, 0x7100n],
      [0x4000n, 0x4008n],
    ]);
    expect(cur.location()).toBe(D.LOC_LIST);
    const exprs = cur.locationExprs();
    expect(exprs.map((e) => [...e])).toEqual([[D.DW_OP_reg0 + 3], [D.DW_OP_breg0 + 7, 0x78], [D.DW_OP_lit0, D.DW_OP_stack_value]]);
    // The same, as ranges of the list's section.
    const ranges = new D.ExprRanges();
    cur.locationRanges(ranges);
    expect(ranges.count).toBe(3);
    for (let i = 0; i < 3; i++) {
      expect(ranges.data.subarray(ranges.bounds[2 * i], ranges.bounds[2 * i + 1]).byteOffset).toBe(exprs[i].byteOffset);
      expect(ranges.bounds[2 * i + 1] - ranges.bounds[2 * i]).toBe(exprs[i].length);
    }
    expect(D.classifyExpr(cur, exprs[0])).toBe(D.LOC_REG);
    expect(cur.reg).toBe(3);
    expect(D.classifyExpr(cur, exprs[1])).toBe(D.LOC_BREG);
    expect([cur.reg, cur.regOffset]).toEqual([7, -8]);
    expect(D.classifyExpr(cur, exprs[2])).toBe(D.LOC_EXPR);
    expect(D.classifyExpr(cur, new Uint8Array(0))).toBe(D.LOC_EMPTY);
  });

  it('walks the tree with depths, nextChild and skipChildren (by DW_AT_sibling)', () => {
    const c = dwarf.cursor(dwarf.units()[1]);
    const seen: [string, number][] = [];
    while (c.next()) seen.push([D.tagName(c.tag), c.depth]);
    expect(seen).toEqual([
      ['DW_TAG_compile_unit', 0], ['DW_TAG_variable', 1], ['DW_TAG_member', 2], ['DW_TAG_base_type', 1],
    ]);
    expect(c.nullEntries).toBe(2);
    c.reset(dwarf.units()[1]);
    c.next();
    expect(c.nextChild(0)).toBe(D.DW_TAG_variable);
    c.skipChildren();
    expect(c.tag).toBe(D.DW_TAG_variable);
    expect(c.attrString(AT(7))).toBe('inline');
    expect(c.nextChild(0)).toBe(D.DW_TAG_base_type);
    expect(c.nextChild(0)).toBe(0);
    expect(c.next()).toBe(0);
    expect(c.next()).toBe(0);
    // Without skipChildren, nextChild still returns only children, never grandchildren.
    c.reset(dwarf.units()[1]);
    c.next();
    const kids: string[] = [];
    while (c.nextChild(0)) kids.push(D.tagName(c.tag));
    expect(kids).toEqual(['DW_TAG_variable', 'DW_TAG_base_type']);
    c.dieAt(everything);
    expect(c.nextChild(0)).toBe(D.DW_TAG_member);
    expect(c.nextChild(0)).toBe(0);
  });
});

/** A one-unit file: `abbrevs` then one DIE per entry of `dies` (already encoded). */
function tiny(opts: { version?: number; offsetSize?: 4 | 8; addrSize?: number; le?: boolean; abbrev: (b: Bytes) => void; dies: (b: Bytes, unitStart: number) => void }): DwarfFile {
  const le = opts.le ?? true;
  const ab = new Bytes(le);
  opts.abbrev(ab);
  ab.u8(0);
  const b = new Bytes(le);
  const end = unitHeader(b, { version: opts.version ?? 5, offsetSize: opts.offsetSize, addrSize: opts.addrSize });
  opts.dies(b, 0);
  end();
  return dwarfFromSections({ '.debug_info': b.finish(), '.debug_abbrev': ab.finish() }, { le, fileName: 'tiny.o' });
}

function walkAll(dwarf: DwarfFile): number {
  let n = 0;
  const c = dwarf.cursor();
  for (const u of dwarf.units()) {
    c.reset(u);
    while (c.next()) n++;
  }
  return n;
}

describe('header variants', () => {
  it('reads 64-bit DWARF units', () => {
    const d = tiny({
      offsetSize: 8,
      abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, false, [[D.DW_AT_stmt_list, D.DW_FORM_sec_offset], [D.DW_AT_name, D.DW_FORM_string]]),
      dies: (b) => b.uleb(1).u64(0x123456789an).str('cu64'),
    });
    const u = d.units()[0];
    expect(u.offsetSize).toBe(8);
    expect(u.dieOffset).toBe(4 + 8 + 2 + 1 + 1 + 8);
    const c = d.cursor(u);
    expect(c.next()).toBe(D.DW_TAG_compile_unit);
    expect(c.attrUint(D.DW_AT_stmt_list)).toBe(0x123456789a);
    expect(c.attrString(D.DW_AT_name)).toBe('cu64');
  });

  it('reads DWARF 2-4 headers, with an address-sized DW_FORM_ref_addr in version 2', () => {
    for (const version of [2, 3, 4]) {
      const d = tiny({
        version,
        addrSize: 4,
        abbrev: (a) => {
          abbrev(a, 1, D.DW_TAG_compile_unit, true, []);
          abbrev(a, 2, D.DW_TAG_pointer_type, false, [[D.DW_AT_type, D.DW_FORM_ref_addr], [D.DW_AT_low_pc, D.DW_FORM_addr]]);
        },
        dies: (b) => b.uleb(1).uleb(2).u32(11).u32(0x8000).u8(0),
      });
      const c = d.cursor(d.units()[0]);
      expect(d.units()[0].version).toBe(version);
      expect(d.units()[0].dieOffset).toBe(11);
      c.next();
      expect(c.next()).toBe(D.DW_TAG_pointer_type);
      expect(c.attrRef(D.DW_AT_type)).toBe(11);
      expect(c.attrAddr(D.DW_AT_low_pc)).toBe(true);
      expect(c.lo).toBe(0x8000);
    }
  });

  it('reads big-endian units', () => {
    const d = tiny({
      le: false,
      abbrev: (a) => abbrev(a, 1, D.DW_TAG_base_type, false, [[D.DW_AT_byte_size, D.DW_FORM_data2], [D.DW_AT_name, D.DW_FORM_string]]),
      dies: (b) => b.uleb(1).u16(0x0102).str('be'),
    });
    const c = d.cursor();
    c.next();
    expect(c.attrUint(D.DW_AT_byte_size)).toBe(0x0102);
  });

  it('uses a sparse map for abbreviation codes far apart', () => {
    const d = tiny({
      abbrev: (a) => {
        abbrev(a, 1, D.DW_TAG_compile_unit, true, []);
        abbrev(a, 1_000_000, D.DW_TAG_base_type, false, [[D.DW_AT_byte_size, D.DW_FORM_data1]]);
      },
      dies: (b) => b.uleb(1).uleb(1_000_000).u8(8).u8(0),
    });
    expect(d.units()[0].abbrevs.sparse).not.toBeNull();
    const c = d.cursor();
    c.next();
    expect(c.next()).toBe(D.DW_TAG_base_type);
    expect(c.attrUint(D.DW_AT_byte_size)).toBe(8);
  });

  it('finds attributes of an abbreviation with more than 127 attributes (no hot index)', () => {
    const specs: AttrSpec[] = [];
    for (let i = 0; i < 140; i++) specs.push([AT(100 + i), D.DW_FORM_data1]);
    specs.push([D.DW_AT_name, D.DW_FORM_string], [D.DW_AT_byte_size, D.DW_FORM_udata]);
    const d = tiny({
      abbrev: (a) => abbrev(a, 1, D.DW_TAG_structure_type, false, specs),
      dies: (b) => {
        b.uleb(1);
        for (let i = 0; i < 140; i++) b.u8(i);
        b.str('wide').uleb(1000);
      },
    });
    const c = d.cursor();
    expect(c.next()).toBe(D.DW_TAG_structure_type);
    expect(d.units()[0].abbrevs.hot[0]).toBe(-2);
    expect(c.attrString(D.DW_AT_name)).toBe('wide');
    expect(c.attrUint(D.DW_AT_byte_size)).toBe(1000);
    expect(c.attrUint(AT(139))).toBe(39);
    expect(c.has(D.DW_AT_type)).toBe(false);
  });

  it('skips GNU dwz forms while walking and falls back to walking when DW_AT_sibling points backwards', () => {
    const d = tiny({
      abbrev: (a) => {
        abbrev(a, 1, D.DW_TAG_compile_unit, true, []);
        abbrev(a, 2, D.DW_TAG_structure_type, true, [[D.DW_AT_sibling, D.DW_FORM_ref4], [D.DW_AT_name, D.DW_FORM_GNU_strp_alt], [D.DW_AT_type, D.DW_FORM_GNU_ref_alt]]);
        abbrev(a, 3, D.DW_TAG_member, false, [[D.DW_AT_name, D.DW_FORM_string]]);
      },
      // The sibling value 1 points into the header: skipChildren must ignore it.
      dies: (b) => b.uleb(1).uleb(2).u32(1).u32(0x10).u32(0x20).uleb(3).str('m').u8(0).uleb(3).str('after').u8(0),
    });
    expect(walkAll(d)).toBe(4);
    const c = d.cursor();
    c.next();
    expect(c.next()).toBe(D.DW_TAG_structure_type);
    c.skipChildren();
    expect(c.next()).toBe(D.DW_TAG_member);
    expect(c.attrString(D.DW_AT_name)).toBe('after');
    expect(c.depth).toBe(1);
  });
});

describe('errors', () => {
  it('rejects a file without .debug_info as "no DWARF"', () => {
    expectDwarfError(() => dwarfFromSections({}, { le: true }), { message: /no DWARF/ });
  });

  it.each([1, 6, 0xffff])('rejects DWARF version %i naming .debug_info and the version field', (version) => {
    const b = new Bytes().u32(7).u16(version).u8(1).u8(8).u32(0);
    const d = dwarfFromSections({ '.debug_info': b.finish(), '.debug_abbrev': new Uint8Array([0]) }, { le: true });
    const e = expectDwarfError(() => d.units(), { section: '.debug_info', offset: 4, message: new RegExp(`unsupported DWARF version ${version}`) });
    expect(e).toBeInstanceOf(BtfpostError);
  });

  it('rejects truncated and reserved unit lengths', () => {
    const over = new Bytes().u32(100).u16(5).u8(1).u8(8).u32(0);
    expectDwarfError(() => dwarfFromSections({ '.debug_info': over.finish(), '.debug_abbrev': new Uint8Array([0]) }, { le: true }).units(), { section: '.debug_info', offset: 0, message: /runs past the end/ });
    const reserved = new Bytes().u32(0xfffffff5).u16(5);
    expectDwarfError(() => dwarfFromSections({ '.debug_info': reserved.finish(), '.debug_abbrev': new Uint8Array([0]) }, { le: true }).units(), { message: /reserved unit length/ });
    const short = new Bytes().u8(1).u8(0);
    expectDwarfError(() => dwarfFromSections({ '.debug_info': short.finish(), '.debug_abbrev': new Uint8Array([0]) }, { le: true }).units(), { message: /truncated unit header/ });
    const badType = new Bytes().u32(8).u16(5).u8(9).u8(8).u32(0);
    expectDwarfError(() => dwarfFromSections({ '.debug_info': badType.finish(), '.debug_abbrev': new Uint8Array([0]) }, { le: true }).units(), { message: /unknown unit type 0x9/ });
  });

  it('names the DIE offset when an abbreviation code is missing', () => {
    const d = tiny({ abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, true, []), dies: (b) => b.uleb(1).uleb(7).u8(0) });
    const c = d.cursor();
    c.next();
    expectDwarfError(() => c.next(), { section: '.debug_info', offset: 13, message: /abbreviation code 7 not found/ });
  });

  it('names section and offset for an unknown form instead of crashing', () => {
    const d = tiny({
      abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, false, [[D.DW_AT_name, D.DW_FORM_string], [D.DW_AT_byte_size, 0x7f]]),
      dies: (b) => b.uleb(1).str('x').u8(0),
    });
    expectDwarfError(() => d.cursor().next(), { section: '.debug_info', offset: 15, message: /DW_AT_byte_size has unknown form 0x7f/ });
  });

  it('rejects DW_FORM_indirect naming DW_FORM_implicit_const, and an unknown form behind DW_FORM_indirect', () => {
    for (const inner of [D.DW_FORM_implicit_const, 0x55]) {
      const d = tiny({
        abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, false, [[D.DW_AT_name, D.DW_FORM_indirect]]),
        dies: (b) => b.uleb(1).uleb(inner).u8(0),
      });
      expectDwarfError(() => d.cursor().next(), { section: '.debug_info' });
    }
  });

  it('rejects a DIE that runs past its unit', () => {
    const d = tiny({
      abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, false, [[D.DW_AT_name, D.DW_FORM_block1]]),
      dies: (b) => b.uleb(1).u8(200),
    });
    expectDwarfError(() => d.cursor().next(), { section: '.debug_info', offset: 12, message: /runs past the end of its unit/ });
    const s = tiny({
      abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, false, [[D.DW_AT_name, D.DW_FORM_string]]),
      dies: (b) => b.uleb(1).bytes([0x41, 0x42]),
    });
    expectDwarfError(() => s.cursor().next(), { section: '.debug_info', offset: 12 });
  });

  it('rejects malformed abbreviation tables naming .debug_abbrev', () => {
    const dup = tiny({
      abbrev: (a) => {
        abbrev(a, 1, D.DW_TAG_compile_unit, false, []);
        abbrev(a, 1, D.DW_TAG_base_type, false, []);
      },
      dies: (b) => b.uleb(1),
    });
    expectDwarfError(() => dup.cursor().next(), { section: '.debug_abbrev', message: /duplicate abbreviation code 1/ });
    const badChildren = dwarfFromSections({ '.debug_info': new Bytes().u32(9).u16(5).u8(1).u8(8).u32(0).u8(1).finish(), '.debug_abbrev': new Uint8Array([1, 0x11, 7, 0, 0, 0]) }, { le: true });
    expectDwarfError(() => badChildren.cursor().next(), { section: '.debug_abbrev', offset: 2, message: /children flag 7/ });
    const cut = dwarfFromSections({ '.debug_info': new Bytes().u32(9).u16(5).u8(1).u8(8).u32(0).u8(1).finish(), '.debug_abbrev': new Uint8Array([1, 0x11, 0, 3]) }, { le: true });
    expectDwarfError(() => cut.cursor().next(), { section: '.debug_abbrev' });
    const far = dwarfFromSections({ '.debug_info': new Bytes().u32(9).u16(5).u8(1).u8(8).u32(99).u8(1).finish(), '.debug_abbrev': new Uint8Array([0]) }, { le: true });
    expectDwarfError(() => far.cursor().next(), { section: '.debug_abbrev', message: /outside .debug_abbrev/ });
  });

  it('compiles implicit constants of every length and sign, and tables larger than its scratch space', () => {
    const shape = { addrSize: 8, offsetSize: 4, version: 5 };
    const values = [0n, 1n, 63n, 64n, -1n, -64n, -65n, 127n, 128n, -129n, 0x7fffffffn, -0x80000000n, 0x80000000n, 0xfffffffn,
      0x10000000n, -0x10000001n, 0x123456789n, -0x123456789n, 0x7fffffffffffffffn, -0x8000000000000000n];
    const a = new Bytes();
    abbrev(a, 1, D.DW_TAG_variable, false, values.map((v, i): AttrSpec => [AT(i), D.DW_FORM_implicit_const, v]));
    // More abbreviations and attributes than any real table has, to take the growth path too.
    for (let code = 2; code < 1300; code++) abbrev(a, code, D.DW_TAG_member, false, Array.from({ length: 9 }, (_, k): AttrSpec => [AT(k), D.DW_FORM_implicit_const, BigInt(code * 16 - k)]));
    a.u8(0);
    const t = D.compileAbbrevTable(a.finish(), 0, shape);
    const at = (i: number, k: number) => toBig(t.implicitHi[t.attrStart[i] + k], t.implicitLo[t.attrStart[i] + k]);
    values.forEach((v, k) => expect(at(0, k)).toBe(BigInt.asUintN(64, v)));
    expect(t.count).toBe(1299);
    expect(at(1298, 8)).toBe(BigInt.asUintN(64, BigInt(1299 * 16 - 8)));
    // A constant whose last byte still asks for more runs past the section.
    const cut = new Uint8Array([1, D.DW_TAG_variable, 0, 0x20, D.DW_FORM_implicit_const, 0x80, 0x80]);
    expectDwarfError(() => D.compileAbbrevTable(cut, 0, shape), { section: '.debug_abbrev', message: /runs past the end/ });
  });

  it('rejects DIE offsets outside every unit and null entries in dieAt', () => {
    const d = tiny({ abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, true, []), dies: (b) => b.uleb(1).u8(0) });
    const c = d.cursor();
    expectDwarfError(() => c.dieAt(3), { section: '.debug_info', offset: 3, message: /not inside any unit/ });
    expectDwarfError(() => c.dieAt(500), { section: '.debug_info' });
    expectDwarfError(() => c.dieAt(13), { section: '.debug_info', offset: 13, message: /null entry/ });
  });

  it('rejects string, address and list references outside their sections', () => {
    const d = tiny({
      abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, false, [[D.DW_AT_name, D.DW_FORM_strp], [D.DW_AT_producer, D.DW_FORM_strx1], [D.DW_AT_low_pc, D.DW_FORM_addrx1], [D.DW_AT_ranges, D.DW_FORM_sec_offset], [D.DW_AT_location, D.DW_FORM_sec_offset]]),
      dies: (b) => b.uleb(1).u32(5).u8(0).u8(0).u32(0).u32(0),
    });
    const c = d.cursor();
    c.next();
    expectDwarfError(() => c.attrString(D.DW_AT_name), { section: '.debug_str' });
    expectDwarfError(() => c.attrString(D.DW_AT_producer), { section: '.debug_str_offsets' });
    expectDwarfError(() => c.attrAddr(D.DW_AT_low_pc), { section: '.debug_addr' });
    expectDwarfError(() => c.pcRanges([]), { section: '.debug_rnglists' });
    expectDwarfError(() => c.locationExprs(), { section: '.debug_loclists' });
    expectDwarfError(() => c.locationRanges(new D.ExprRanges()), { section: '.debug_loclists' });
  });

  it('rejects an unknown type signature', () => {
    const d = tiny({
      abbrev: (a) => abbrev(a, 1, D.DW_TAG_compile_unit, false, [[D.DW_AT_type, D.DW_FORM_ref_sig8]]),
      dies: (b) => b.uleb(1).u64(0xabcdefn),
    });
    const c = d.cursor();
    c.next();
    expectDwarfError(() => c.attrRef(D.DW_AT_type), { message: /no type unit with signature 0x0000000000abcdef/ });
  });
});

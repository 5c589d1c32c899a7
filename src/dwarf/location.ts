// Location attributes: classifying a DWARF expression by its first operation, and reading location lists (.debug_loc, .debug_loclists).

import { DwarfError } from '../common/errors.js';
import { lebEnd, readSized, sleb, u16, uleb, valHi, valLo } from './bytes.js';
import * as C from './constants.js';
import type { DieCursor } from './cursor.js';
import { attrName, formName } from './names.js';
import { listSection, listxOffset } from './ranges.js';
import type { Unit } from './unit.js';

/** The attribute is absent. */
export const LOC_NONE = 0;
/** The first operation is DW_OP_addr, DW_OP_addrx or DW_OP_GNU_addr_index: a static address (in cursor.hi/lo). */
export const LOC_ADDR = 1;
/** The first operation is DW_OP_regN or DW_OP_regx: the value lives in register cursor.reg. */
export const LOC_REG = 2;
/** The first operation is DW_OP_bregN or DW_OP_bregx: memory at register cursor.reg plus cursor.regOffset. */
export const LOC_BREG = 3;
/** The first operation is DW_OP_fbreg: memory at the frame base plus cursor.regOffset. */
export const LOC_FBREG = 4;
/** Some other expression. */
export const LOC_EXPR = 5;
/** An empty expression: the object is optimized out. */
export const LOC_EMPTY = 6;
/** A location list (DW_FORM_sec_offset, DW_FORM_loclistx, or data4/data8 before DWARF 4); see `locationExprs`. */
export const LOC_LIST = 7;

/**
 * Classify attribute `at` of the cursor's current DIE (which must be present) as one of the LOC_*
 * kinds, filling cursor.hi/lo, cursor.reg and cursor.regOffset as the kind describes.
 * @throws DwarfError for a form that is not a location, or an address index outside .debug_addr.
 */
export function classifyLocation(cur: DieCursor, at: number): number {
  const form = cur.attrForm(at);
  switch (form) {
    case C.DW_FORM_exprloc:
    case C.DW_FORM_block:
    case C.DW_FORM_block1:
    case C.DW_FORM_block2:
    case C.DW_FORM_block4:
      return classifyExpr(cur, cur.attrBlock(at)!);
    case C.DW_FORM_sec_offset:
    case C.DW_FORM_loclistx:
      return LOC_LIST;
    case C.DW_FORM_data4:
    case C.DW_FORM_data8:
      // DWARF 2 and 3 put location list pointers in data4/data8; from DWARF 4 on those are constants.
      if (cur.unit.version < 4) return LOC_LIST;
  }
  throw cur.error(`${attrName(at)} has form ${formName(form)}, not a location`, cur.attrOffset(at));
}

/**
 * Classify one DWARF expression of the cursor's unit by its first operation (see the LOC_* kinds),
 * filling cursor.hi/lo (LOC_ADDR), cursor.reg (LOC_REG, LOC_BREG) and cursor.regOffset (LOC_BREG, LOC_FBREG).
 */
export function classifyExpr(cur: DieCursor, expr: Uint8Array): number {
  if (expr.length === 0) return LOC_EMPTY;
  const unit = cur.unit;
  const op = expr[0];
  if (op === C.DW_OP_addr) {
    if (expr.length < 1 + unit.addrSize) return LOC_EXPR;
    readSized(expr, 1, unit.addrSize, unit.dwarf.le);
    cur.hi = valHi;
    cur.lo = valLo;
    return LOC_ADDR;
  }
  if (op === C.DW_OP_addrx || op === C.DW_OP_GNU_addr_index) {
    const idx = uleb(expr, 1);
    if (lebEnd > expr.length) return LOC_EXPR;
    unit.dwarf.readAddrIndex(unit, idx);
    cur.hi = valHi;
    cur.lo = valLo;
    return LOC_ADDR;
  }
  if (op >= C.DW_OP_reg0 && op <= C.DW_OP_reg31) {
    cur.reg = op - C.DW_OP_reg0;
    return LOC_REG;
  }
  if (op === C.DW_OP_regx) {
    cur.reg = uleb(expr, 1);
    return lebEnd <= expr.length ? LOC_REG : LOC_EXPR;
  }
  if (op >= C.DW_OP_breg0 && op <= C.DW_OP_breg31) {
    cur.reg = op - C.DW_OP_breg0;
    cur.regOffset = sleb(expr, 1);
    return lebEnd <= expr.length ? LOC_BREG : LOC_EXPR;
  }
  if (op === C.DW_OP_bregx) {
    cur.reg = uleb(expr, 1);
    cur.regOffset = sleb(expr, lebEnd);
    return lebEnd <= expr.length ? LOC_BREG : LOC_EXPR;
  }
  if (op === C.DW_OP_fbreg) {
    cur.regOffset = sleb(expr, 1);
    return lebEnd <= expr.length ? LOC_FBREG : LOC_EXPR;
  }
  return LOC_EXPR;
}

const NO_BYTES = new Uint8Array(0);

/**
 * The expressions of a location attribute as [start, end) byte ranges of one array (`data`): the
 * attribute's block, or the section of its location list. An encoder asks for the location of
 * every parameter of every function (~30 thousand in btrfs.ko), so one of these is filled again
 * for each instead of a new array and a view per expression.
 */
export class ExprRanges {
  /** The bytes the ranges are in. */
  data: Uint8Array = NO_BYTES;
  /** Number of ranges. */
  count = 0;
  /** Range i is [bounds[2i], bounds[2i + 1]). */
  bounds = new Int32Array(16);

  /** Start over with the ranges of `data`. */
  reset(data: Uint8Array): void {
    this.data = data;
    this.count = 0;
  }

  /** Append [start, end) of `data`. */
  push(start: number, end: number): void {
    const i = 2 * this.count;
    if (i + 2 > this.bounds.length) {
      const b = new Int32Array(this.bounds.length * 2);
      b.set(this.bounds);
      this.bounds = b;
    }
    this.bounds[i] = start;
    this.bounds[i + 1] = end;
    this.count++;
  }
}

/**
 * The expressions of location attribute `at` of the cursor's current DIE: one for an
 * exprloc/block form, one per bounded entry of a location list (default entries included).
 * Returns an empty array when the attribute is absent.
 * @throws DwarfError for a missing or malformed location list.
 */
export function locationExprs(cur: DieCursor, at: number): Uint8Array[] {
  const form = cur.attrForm(at);
  if (form === 0) return [];
  const kind = classifyLocation(cur, at);
  if (kind !== LOC_LIST) return [cur.attrBlock(at)!];
  const r = new ExprRanges();
  readList(cur, at, form, r);
  const out: Uint8Array[] = [];
  for (let i = 0; i < r.count; i++) out.push(r.data.subarray(r.bounds[2 * i], r.bounds[2 * i + 1]));
  return out;
}

/**
 * locationExprs into `out`: the same expressions, as ranges. A block is not classified first
 * (classifyExpr would look up a DW_OP_addrx operand in .debug_addr, which no range needs).
 * @throws DwarfError as locationExprs, and for a form that is not a location.
 */
export function locationRanges(cur: DieCursor, at: number, out: ExprRanges): void {
  const form = cur.attrForm(at);
  out.reset(NO_BYTES);
  if (form === 0) return;
  switch (form) {
    case C.DW_FORM_exprloc:
    case C.DW_FORM_block:
    case C.DW_FORM_block1:
    case C.DW_FORM_block2:
    case C.DW_FORM_block4: {
      const block = cur.attrBlock(at)!;
      out.reset(block);
      out.push(0, block.length);
      return;
    }
  }
  // A list, or an error naming the form.
  classifyLocation(cur, at);
  readList(cur, at, form, out);
}

/** The location list that attribute `at` (of form `form`) points to, into `out`. */
function readList(cur: DieCursor, at: number, form: number, out: ExprRanges): void {
  const unit = cur.unit;
  let off = cur.attrUint(at);
  if (form === C.DW_FORM_loclistx) off = listxOffset(unit, '.debug_loclists', unit.loclistsBase, off);
  if (unit.version >= 5) readLoclist(unit, off, out);
  else readLocV4(unit, off, out);
}

function readLocV4(unit: Unit, off: number, out: ExprRanges): void {
  const sec = '.debug_loc';
  const data = listSection(unit, sec, off);
  out.reset(data);
  const le = unit.dwarf.le;
  const size = unit.addrSize;
  const maxLo = size === 8 || size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  const maxHi = size === 8 ? 0xffffffff : 0;
  let p = off;
  for (;;) {
    if (p + 2 * size > data.length) throw new DwarfError('location list runs past the end of the section', { file: unit.dwarf.fileName, section: sec, offset: p });
    readSized(data, p, size, le);
    const sHi = valHi;
    const sLo = valLo;
    readSized(data, p + size, size, le);
    const endZero = valHi === 0 && valLo === 0;
    p += 2 * size;
    if (sHi === 0 && sLo === 0 && endZero) return;
    if (sHi === maxHi && sLo === maxLo) continue;
    if (p + 2 > data.length) throw new DwarfError('location list entry runs past the end of the section', { file: unit.dwarf.fileName, section: sec, offset: p });
    const n = u16(data, p, le);
    p += 2;
    if (p + n > data.length) throw new DwarfError('location expression runs past the end of the section', { file: unit.dwarf.fileName, section: sec, offset: p });
    out.push(p, p + n);
    p += n;
  }
}

function readLoclist(unit: Unit, off: number, out: ExprRanges): void {
  const sec = '.debug_loclists';
  const data = listSection(unit, sec, off);
  out.reset(data);
  const size = unit.addrSize;
  const len = data.length;
  let p = off;
  const fail = (msg: string, at: number): never => {
    throw new DwarfError(msg, { file: unit.dwarf.fileName, section: sec, offset: at });
  };
  for (;;) {
    if (p >= len) fail('location list runs past the end of the section', p);
    const at = p;
    const kind = data[p++];
    let counted = true;
    switch (kind) {
      case C.DW_LLE_end_of_list:
        return;
      case C.DW_LLE_base_addressx:
        uleb(data, p);
        p = lebEnd;
        counted = false;
        break;
      case C.DW_LLE_startx_endx:
      case C.DW_LLE_startx_length:
      case C.DW_LLE_offset_pair:
        uleb(data, p);
        uleb(data, lebEnd);
        p = lebEnd;
        break;
      case C.DW_LLE_default_location:
        break;
      case C.DW_LLE_base_address:
        p += size;
        counted = false;
        break;
      case C.DW_LLE_start_end:
        p += 2 * size;
        break;
      case C.DW_LLE_start_length:
        uleb(data, p + size);
        p = lebEnd;
        break;
      case C.DW_LLE_GNU_view_pair:
        uleb(data, p);
        uleb(data, lebEnd);
        p = lebEnd;
        counted = false;
        break;
      default:
        fail(`unknown location list entry kind 0x${kind.toString(16)}`, at);
    }
    if (counted) {
      const n = uleb(data, p);
      p = lebEnd;
      if (!(p + n <= len)) fail('location expression runs past the end of the section', at);
      out.push(p, p + n);
      p += n;
    }
    if (!(p <= len)) fail('location list entry runs past the end of the section', at);
  }
}

// Code address ranges of a DIE: DW_AT_low_pc/DW_AT_high_pc, .debug_ranges (DWARF 2-4) and .debug_rnglists (DWARF 5).

import { DwarfError } from '../common/errors.js';
import { add64, lebEnd, readOffset, readSized, uleb, uleb64, valHi, valLo } from './bytes.js';
import * as C from './constants.js';
import type { DieCursor } from './cursor.js';
import type { Unit } from './unit.js';

/**
 * Append the code ranges of the cursor's current DIE to `out` as [startHi, startLo, endHi, endLo]
 * quadruples (end exclusive, unsigned 32-bit halves) and return how many were appended. A DIE with
 * DW_AT_low_pc but no DW_AT_high_pc has no range. Empty ranges in lists are kept.
 * @throws DwarfError when a range list is missing, truncated or has an unknown entry kind.
 */
export function pcRanges(cur: DieCursor, out: number[]): number {
  const unit = cur.unit;
  const form = cur.attrForm(C.DW_AT_ranges);
  if (form !== 0) {
    let off = cur.attrUint(C.DW_AT_ranges);
    if (form === C.DW_FORM_rnglistx) off = listxOffset(unit, '.debug_rnglists', unit.rnglistsBase, off);
    return unit.version >= 5 ? readRnglist(unit, off, out) : readRangesV4(unit, off, out);
  }
  if (!cur.attrAddr(C.DW_AT_low_pc)) return 0;
  const lowHi = cur.hi;
  const lowLo = cur.lo;
  const hf = cur.attrForm(C.DW_AT_high_pc);
  if (hf === 0) return 0;
  if (hf === C.DW_FORM_addr || cur.isAddrx(hf)) {
    cur.attrAddr(C.DW_AT_high_pc);
    out.push(lowHi, lowLo, cur.hi, cur.lo);
  } else {
    cur.attrU64(C.DW_AT_high_pc);
    add64(lowHi, lowLo, cur.hi, cur.lo);
    out.push(lowHi, lowLo, valHi, valLo);
  }
  return 1;
}

/**
 * Offset of list `index` of `unit` in a DWARF 5 list section (DW_FORM_rnglistx, DW_FORM_loclistx):
 * the offsets table starts at `base` and its entries are relative to `base`.
 * @throws DwarfError when the section is missing or the slot is outside it.
 */
export function listxOffset(unit: Unit, section: string, base: number, index: number): number {
  const dwarf = unit.dwarf;
  const data = dwarf.section(section);
  const size = unit.offsetSize;
  const at = base + index * size;
  if (data === null || !(at >= 0 && at + size <= data.length)) {
    throw new DwarfError(`list index ${index} is outside ${section}`, { file: dwarf.fileName, section, offset: Number.isFinite(at) ? at : undefined });
  }
  const v = readOffset(data, at, size, dwarf.le);
  if (v === Infinity) throw new DwarfError('list offset too large', { file: dwarf.fileName, section, offset: at });
  return base + v;
}

/** The bytes of `section`, failing when absent or when `off` is not inside it. */
export function listSection(unit: Unit, section: string, off: number): Uint8Array {
  const data = unit.dwarf.section(section);
  if (data === null || !(off >= 0 && off < data.length)) {
    throw new DwarfError(`list offset 0x${off.toString(16)} is outside ${section}`, { file: unit.dwarf.fileName, section, offset: off });
  }
  return data;
}

function readRangesV4(unit: Unit, off: number, out: number[]): number {
  const sec = '.debug_ranges';
  const data = listSection(unit, sec, off);
  const le = unit.dwarf.le;
  const size = unit.addrSize;
  const maxLo = size === 8 || size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  const maxHi = size === 8 ? 0xffffffff : 0;
  let baseHi = unit.lowPcHi;
  let baseLo = unit.lowPcLo;
  let p = off;
  let n = 0;
  for (;;) {
    if (p + 2 * size > data.length) throw new DwarfError('range list runs past the end of the section', { file: unit.dwarf.fileName, section: sec, offset: p });
    readSized(data, p, size, le);
    const sHi = valHi;
    const sLo = valLo;
    readSized(data, p + size, size, le);
    const eHi = valHi;
    const eLo = valLo;
    p += 2 * size;
    if (sHi === 0 && sLo === 0 && eHi === 0 && eLo === 0) return n;
    if (sHi === maxHi && sLo === maxLo) {
      baseHi = eHi;
      baseLo = eLo;
      continue;
    }
    add64(baseHi, baseLo, sHi, sLo);
    const aHi = valHi;
    const aLo = valLo;
    add64(baseHi, baseLo, eHi, eLo);
    out.push(aHi, aLo, valHi, valLo);
    n++;
  }
}

function readRnglist(unit: Unit, off: number, out: number[]): number {
  const sec = '.debug_rnglists';
  const dwarf = unit.dwarf;
  const data = listSection(unit, sec, off);
  const le = dwarf.le;
  const size = unit.addrSize;
  const len = data.length;
  let baseHi = unit.lowPcHi;
  let baseLo = unit.lowPcLo;
  let p = off;
  let n = 0;
  const fail = (msg: string, at: number): never => {
    throw new DwarfError(msg, { file: dwarf.fileName, section: sec, offset: at });
  };
  for (;;) {
    if (p >= len) fail('range list runs past the end of the section', p);
    const at = p;
    const kind = data[p++];
    let sHi = 0;
    let sLo = 0;
    switch (kind) {
      case C.DW_RLE_end_of_list:
        return n;
      case C.DW_RLE_base_addressx:
        dwarf.readAddrIndex(unit, uleb(data, p));
        p = lebEnd;
        baseHi = valHi;
        baseLo = valLo;
        break;
      case C.DW_RLE_startx_endx: {
        const a = uleb(data, p);
        const b = uleb(data, lebEnd);
        p = lebEnd;
        dwarf.readAddrIndex(unit, a);
        sHi = valHi;
        sLo = valLo;
        dwarf.readAddrIndex(unit, b);
        out.push(sHi, sLo, valHi, valLo);
        n++;
        break;
      }
      case C.DW_RLE_startx_length: {
        const a = uleb(data, p);
        uleb64(data, lebEnd);
        p = lebEnd;
        const lHi = valHi;
        const lLo = valLo;
        dwarf.readAddrIndex(unit, a);
        sHi = valHi;
        sLo = valLo;
        add64(sHi, sLo, lHi, lLo);
        out.push(sHi, sLo, valHi, valLo);
        n++;
        break;
      }
      case C.DW_RLE_offset_pair: {
        uleb64(data, p);
        add64(baseHi, baseLo, valHi, valLo);
        sHi = valHi;
        sLo = valLo;
        uleb64(data, lebEnd);
        p = lebEnd;
        add64(baseHi, baseLo, valHi, valLo);
        out.push(sHi, sLo, valHi, valLo);
        n++;
        break;
      }
      case C.DW_RLE_base_address:
        readSized(data, p, size, le);
        p += size;
        baseHi = valHi;
        baseLo = valLo;
        break;
      case C.DW_RLE_start_end:
        readSized(data, p, size, le);
        sHi = valHi;
        sLo = valLo;
        readSized(data, p + size, size, le);
        p += 2 * size;
        out.push(sHi, sLo, valHi, valLo);
        n++;
        break;
      case C.DW_RLE_start_length:
        readSized(data, p, size, le);
        sHi = valHi;
        sLo = valLo;
        uleb64(data, p + size);
        p = lebEnd;
        add64(sHi, sLo, valHi, valLo);
        out.push(sHi, sLo, valHi, valLo);
        n++;
        break;
      default:
        fail(`unknown range list entry kind 0x${kind.toString(16)}`, at);
    }
    if (!(p <= len)) fail('range list entry runs past the end of the section', at);
  }
}

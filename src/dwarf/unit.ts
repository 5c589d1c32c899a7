// Unit headers of .debug_info (DWARF 2-5, 32- and 64-bit formats) and the per-unit facts taken from the root DIE.

import { DwarfError } from '../common/errors.js';
import type { AbbrevTable } from './abbrev.js';
import { MAX_SAFE_HI, TWO32, u16, u32 } from './bytes.js';
import * as C from './constants.js';
import type { DwarfFile } from './file.js';

/** A .debug_info offset (global, counted from the start of the section). */
export type DieOffset = number;

/**
 * One unit of .debug_info. Header fields are read when the unit list is built; the root-DIE facts
 * (`language`, the *_base attributes, the base address, `name`) are read the first time one of
 * them is needed.
 */
export class Unit {
  /** The file the unit belongs to. */
  readonly dwarf: DwarfFile;
  /** Position in `DwarfFile.units()`. */
  readonly index: number;
  /** Offset of the unit header (the unit_length field) in .debug_info. */
  readonly offset: DieOffset;
  /** Offset of the first DIE. */
  readonly dieOffset: DieOffset;
  /** One past the unit's last byte. */
  readonly end: DieOffset;
  /** DWARF version (2 to 5). */
  readonly version: number;
  /** DW_UT_* (units before DWARF 5 report DW_UT_compile). */
  readonly unitType: number;
  /** Size of a target address in bytes. */
  readonly addrSize: number;
  /** 4 for the 32-bit DWARF format, 8 for the 64-bit one. */
  readonly offsetSize: number;
  /** Offset of the unit's abbreviation table in .debug_abbrev. */
  readonly abbrevOffset: number;
  /** Type units: the type signature, high and low 32 bits; skeleton/split units: the DWO id. Otherwise 0. */
  readonly signatureHi: number;
  /** See `signatureHi`. */
  readonly signatureLo: number;
  /** Type units: global offset of the DIE that describes the type, else -1. */
  readonly typeDieOffset: DieOffset;

  private abbrevTable: AbbrevTable | undefined;
  private rootRead = false;
  private _language = 0;
  private _strOffsetsBase = -1;
  private _addrBase = -1;
  private _rnglistsBase = -1;
  private _loclistsBase = -1;
  private _lowPcHi = 0;
  private _lowPcLo = 0;
  private baseRead = false;
  private _rootTag = 0;

  /** Use `DwarfFile.units()`. */
  constructor(init: {
    dwarf: DwarfFile; index: number; offset: number; dieOffset: number; end: number; version: number; unitType: number;
    addrSize: number; offsetSize: number; abbrevOffset: number; signatureHi: number; signatureLo: number; typeDieOffset: number;
  }) {
    this.dwarf = init.dwarf;
    this.index = init.index;
    this.offset = init.offset;
    this.dieOffset = init.dieOffset;
    this.end = init.end;
    this.version = init.version;
    this.unitType = init.unitType;
    this.addrSize = init.addrSize;
    this.offsetSize = init.offsetSize;
    this.abbrevOffset = init.abbrevOffset;
    this.signatureHi = init.signatureHi;
    this.signatureLo = init.signatureLo;
    this.typeDieOffset = init.typeDieOffset;
  }

  /** The compiled abbreviation table (compiled on first use, shared by units with the same table and shape). */
  get abbrevs(): AbbrevTable {
    return (this.abbrevTable ??= this.dwarf.abbrevTable(this.abbrevOffset, this));
  }

  /** Drop the reference to the compiled table (see DwarfFile.releaseAbbrevs). */
  forgetAbbrevs(): void {
    this.abbrevTable = undefined;
  }

  /** Tag of the root DIE (DW_TAG_compile_unit, DW_TAG_partial_unit, DW_TAG_type_unit, ...), 0 for an empty unit. */
  get rootTag(): number {
    this.readRoot();
    return this._rootTag;
  }

  /** DW_AT_language of the root DIE (DW_LANG_*), 0 when absent. */
  get language(): number {
    this.readRoot();
    return this._language;
  }

  /** DW_AT_str_offsets_base, or the default (just past a .debug_str_offsets header) when absent. */
  get strOffsetsBase(): number {
    this.readRoot();
    return this._strOffsetsBase;
  }

  /** DW_AT_addr_base (or DW_AT_GNU_addr_base), or the default when absent. */
  get addrBase(): number {
    this.readRoot();
    return this._addrBase;
  }

  /** DW_AT_rnglists_base (or DW_AT_GNU_ranges_base), or the default when absent. */
  get rnglistsBase(): number {
    this.readRoot();
    return this._rnglistsBase;
  }

  /** DW_AT_loclists_base, or the default when absent. */
  get loclistsBase(): number {
    this.readRoot();
    return this._loclistsBase;
  }

  /** High 32 bits of the unit's base address (the root DW_AT_low_pc, 0 when absent). */
  get lowPcHi(): number {
    this.readBase();
    return this._lowPcHi;
  }

  /** Low 32 bits of the unit's base address. */
  get lowPcLo(): number {
    this.readBase();
    return this._lowPcLo;
  }

  /** The root DIE's DW_AT_name (latin1), or undefined. */
  get name(): string | undefined {
    return this.rootString(C.DW_AT_name);
  }

  /** The root DIE's DW_AT_producer, or undefined. */
  get producer(): string | undefined {
    return this.rootString(C.DW_AT_producer);
  }

  /** The root DIE's DW_AT_comp_dir, or undefined. */
  get compDir(): string | undefined {
    return this.rootString(C.DW_AT_comp_dir);
  }

  /** True when `offset` lies in this unit's DIE area. */
  contains(offset: DieOffset): boolean {
    return offset >= this.dieOffset && offset < this.end;
  }

  /**
   * Read the root DIE once for its tag, language and the *_base attributes (plain numbers that need
   * no other section). A malformed root DIE throws on every use, not only the first (after which it
   * would pass for an empty unit).
   */
  private readRoot(): void {
    // Set first, so that a use while reading (through the cursor) sees the defaults, as before.
    if (this.rootRead) return;
    this.rootRead = true;
    try {
      this.readRootDie();
    } catch (e) {
      this.rootRead = false;
      throw e;
    }
  }

  private readRootDie(): void {
    const v5 = this.version >= 5;
    const hdr = this.offsetSize === 8 ? 16 : 8;
    this._strOffsetsBase = v5 ? hdr : 0;
    this._addrBase = v5 ? hdr : 0;
    this._rnglistsBase = v5 ? hdr + this.offsetSize : 0;
    this._loclistsBase = v5 ? hdr + this.offsetSize : 0;
    if (this.dieOffset >= this.end) return;
    const cur = this.dwarf.cursor(this);
    const tag = cur.next();
    this._rootTag = tag;
    if (tag === 0) return;
    this._strOffsetsBase = cur.attrUint(C.DW_AT_str_offsets_base, this._strOffsetsBase);
    this._addrBase = cur.attrUint(C.DW_AT_addr_base, cur.attrUint(C.DW_AT_GNU_addr_base, this._addrBase));
    this._rnglistsBase = cur.attrUint(C.DW_AT_rnglists_base, cur.attrUint(C.DW_AT_GNU_ranges_base, this._rnglistsBase));
    this._loclistsBase = cur.attrUint(C.DW_AT_loclists_base, this._loclistsBase);
    this._language = cur.attrUint(C.DW_AT_language, 0);
  }

  /** Read the root DW_AT_low_pc once (it may need .debug_addr, so it is not part of readRoot). */
  private readBase(): void {
    if (this.baseRead) return;
    this.baseRead = true;
    try {
      if (this.rootTag === 0) return;
      const cur = this.dwarf.cursor(this);
      cur.next();
      if (cur.attrAddr(C.DW_AT_low_pc)) {
        this._lowPcHi = cur.hi;
        this._lowPcLo = cur.lo;
      }
    } catch (e) {
      // Not read: the next use throws again.
      this.baseRead = false;
      throw e;
    }
  }

  private rootString(at: number): string | undefined {
    if (this.rootTag === 0) return undefined;
    const cur = this.dwarf.cursor(this);
    cur.next();
    return cur.attrString(at);
  }
}

/**
 * Parse the unit header at `offset` of .debug_info (DWARF 2-5, §7.5.1). `index` is the unit's
 * position in the file's unit list. `info` holds the section's bytes from section offset `base`
 * on (the whole section by default; a header's bytes for a streamed one), `size` is the section's.
 * @throws DwarfError naming .debug_info and the offending offset: reserved or overlong unit_length,
 *   unsupported version, unknown unit type, bad address size, a header longer than the unit.
 */
export function parseUnitHeader(dwarf: DwarfFile, info: Uint8Array, offset: number, index: number, base = 0, size = info.length): Unit {
  const le = dwarf.le;
  const len = size;
  const fail = (msg: string, at: number): never => {
    throw new DwarfError(msg, { file: dwarf.fileName, section: '.debug_info', offset: at });
  };
  if (offset + 4 > len) fail(`truncated unit header (${len - offset} bytes left)`, offset);
  let unitLength = u32(info, offset - base, le);
  let p = offset + 4;
  let offsetSize = 4;
  if (unitLength === 0xffffffff) {
    if (p + 8 > len) fail('truncated 64-bit unit length', offset);
    const lo = u32(info, p + (le ? 0 : 4) - base, le);
    const hi = u32(info, p + (le ? 4 : 0) - base, le);
    if (hi > MAX_SAFE_HI) fail('64-bit unit length too large', offset);
    unitLength = hi * TWO32 + lo;
    p += 8;
    offsetSize = 8;
  } else if (unitLength >= 0xfffffff0) {
    fail(`reserved unit length 0x${unitLength.toString(16)}`, offset);
  }
  const end = p + unitLength;
  if (end > len) fail(`unit length 0x${unitLength.toString(16)} runs past the end of .debug_info (0x${len.toString(16)} bytes)`, offset);
  if (p + 2 > end) fail('unit too short for its version field', offset);
  const version = u16(info, p - base, le);
  if (version < 2 || version > 5) fail(`unsupported DWARF version ${version}`, p);
  p += 2;
  let unitType: number = C.DW_UT_compile;
  let addrSize: number;
  let abbrevOffset: number;
  let sigHi = 0;
  let sigLo = 0;
  let typeDieOffset = -1;
  const readOff = (at: number): number => {
    if (offsetSize === 4) return u32(info, at - base, le);
    const lo = u32(info, at + (le ? 0 : 4) - base, le);
    const hi = u32(info, at + (le ? 4 : 0) - base, le);
    if (hi > MAX_SAFE_HI) fail('unit header offset too large', at);
    return hi * TWO32 + lo;
  };
  if (version >= 5) {
    if (p + 2 + offsetSize > end) fail('unit too short for its header', offset);
    unitType = info[p - base];
    addrSize = info[p + 1 - base];
    abbrevOffset = readOff(p + 2);
    p += 2 + offsetSize;
    switch (unitType) {
      case C.DW_UT_compile:
      case C.DW_UT_partial:
        break;
      case C.DW_UT_skeleton:
      case C.DW_UT_split_compile:
        if (p + 8 > end) fail('unit too short for its header', offset);
        sigLo = u32(info, p + (le ? 0 : 4) - base, le);
        sigHi = u32(info, p + (le ? 4 : 0) - base, le);
        p += 8;
        break;
      case C.DW_UT_type:
      case C.DW_UT_split_type: {
        if (p + 8 + offsetSize > end) fail('unit too short for its header', offset);
        sigLo = u32(info, p + (le ? 0 : 4) - base, le);
        sigHi = u32(info, p + (le ? 4 : 0) - base, le);
        typeDieOffset = offset + readOff(p + 8);
        p += 8 + offsetSize;
        break;
      }
      default:
        fail(`unknown unit type 0x${unitType.toString(16)}`, p - 2 - offsetSize);
    }
  } else {
    if (p + offsetSize + 1 > end) fail('unit too short for its header', offset);
    abbrevOffset = readOff(p);
    addrSize = info[p + offsetSize - base];
    p += offsetSize + 1;
  }
  if (addrSize !== 1 && addrSize !== 2 && addrSize !== 4 && addrSize !== 8) {
    fail(`unsupported address size ${addrSize}`, offset);
  }
  if (typeDieOffset >= 0 && !(typeDieOffset >= p && typeDieOffset < end)) {
    fail(`type unit's type offset 0x${(typeDieOffset - offset).toString(16)} is outside the unit`, offset);
  }
  return new Unit({
    dwarf, index, offset, dieOffset: p, end, version, unitType, addrSize, offsetSize, abbrevOffset,
    signatureHi: sigHi, signatureLo: sigLo, typeDieOffset,
  });
}

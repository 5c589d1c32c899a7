// DieCursor: a preorder walk over the DIEs of a unit with lazy, per-attribute decoding and subtree skipping.

import { DwarfError } from '../common/errors.js';
import {
  SZ_BLOCK1, SZ_BLOCK2, SZ_BLOCK4, SZ_BLOCK_LEB, SZ_INDIRECT, SZ_LEB, SZ_STRING, VK_IMPLICIT, VK_PRESENT, VK_SLEB, VK_U16, VK_U24, VK_U32, VK_U64, VK_U8, VK_ULEB,
  HOT_LIMIT, HOT_SLOT, HOT_STRIDE, formSize, valueKind, type AbbrevTable,
} from './abbrev.js';
import { MAX_SAFE_HI, TWO32, lebEnd, readOffset, readSized, readWord64, sleb, sleb64, u16, u24, u32, uleb, uleb64, valHi, valLo } from './bytes.js';
import * as C from './constants.js';
import { NO_INFO, STR_REF_SCALE, STR_SECTION_INFO, STR_SECTION_LINE_STR, STR_SECTION_STR, type DwarfFile, type StrRef } from './file.js';
import { LOC_NONE, classifyLocation, locationExprs, locationRanges, type ExprRanges } from './location.js';
import { attrName, formName } from './names.js';
import { pcRanges } from './ranges.js';
import type { DieOffset, Unit } from './unit.js';

/*
 * How a DIE is read. next() decodes the abbreviation code, looks the abbreviation up in the unit's
 * compiled table and moves past the attribute values: one addition when every form has a fixed
 * size, otherwise a walk that records where each value starts in a scratch array. Nothing is
 * decoded until an accessor asks for one attribute; the accessor finds the attribute in the
 * abbreviation (one read of the table's hot index for common attributes, else a short scan),
 * takes its position from the table or the scratch array and decodes that one value. The cursor owns the only scratch state, so there are no per-DIE objects.
 *
 * Bounds: the unit's end is checked once per DIE after its values are skipped (`!(p <= end)` also
 * catches the NaN/Infinity a read past the buffer produces), so accessors read in-range bytes.
 */

/**
 * A cursor over the DIEs of one unit at a time. `next()` moves to the next DIE in preorder; the
 * current DIE's tag, depth and attributes are then available until the cursor moves again.
 * `dieAt()` jumps to any DIE of the file (switching units), for following DW_AT_type,
 * DW_AT_specification or DW_AT_abstract_origin; use a second cursor to keep a walk's place.
 *
 * 64-bit results (`attrAddr`, `attrU64`, `attrS64`, `location`) are left in the `hi`/`lo` fields as
 * unsigned 32-bit halves.
 */
export class DieCursor {
  /** The file being read. */
  readonly dwarf: DwarfFile;
  // hi and lo hold unsigned 32-bit values, half of them beyond the small-integer range. Starting
  // them as a double (-0) gives the fields a double representation from the start; starting with
  // 0, the first large value changed the cursor's hidden class and deoptimized every method that
  // had inlined a cursor accessor, once per process.
  /** High 32 bits of the last 64-bit value an accessor produced. */
  hi = -0;
  /** Low 32 bits of the last 64-bit value an accessor produced. */
  lo = -0;
  /** Register number found by the last `location()` that returned LOC_REG or LOC_BREG. */
  reg = 0;
  /** Offset (DW_OP_bregN, DW_OP_fbreg) found by the last `location()`. */
  regOffset = 0;
  /** Number of null entries `next()` has stepped over (for statistics). */
  nullEntries = 0;

  private _unit!: Unit;
  /**
   * The bytes of the current unit. Positions inside the cursor (pos, unitStart, attribute
   * positions) index `b`; section offsets are those plus `bias` (non-zero for a streamed
   * .debug_info, whose units are loaded into window buffers).
   */
  private b: Uint8Array;
  private bias = 0;
  /** The DwarfFile's window generation when `b` was taken. */
  private gen = 0;
  private le: boolean;
  private unitStart = 0;
  private unitEnd = -1;
  private tbl!: AbbrevTable;
  private dense!: Int32Array;
  private tags!: Uint32Array;
  private kids!: Uint8Array;
  private fixedSize!: Int32Array;
  private names!: Uint32Array;
  private forms!: Uint32Array;
  private vkinds!: Uint8Array;
  private fixedOffs!: Int32Array;
  private hot!: Int8Array;
  private pos = 0;
  private nextDepth = 0;

  private _offset = -1;
  private _tag = 0;
  private _depth = 0;
  private _hasChildren = false;
  private _abbrev = -1;
  private attrPos = 0;
  private dieEnd = 0;
  private offs = new Float64Array(32);
  private offs2 = new Float64Array(32);
  /** Form of the attribute the last find() located (DW_FORM_indirect resolved). */
  private fform = 0;
  /** Its value kind (VK_*). */
  private fvk = 0;
  /** Table index of that attribute. */
  private fk = -1;

  /** Use `DwarfFile.cursor()`. */
  constructor(dwarf: DwarfFile, unit: Unit | undefined) {
    this.dwarf = dwarf;
    this.b = dwarf.info;
    this.gen = dwarf.windowGen;
    this.le = dwarf.le;
    if (unit !== undefined) this.reset(unit);
  }

  /** The unit the cursor is in. */
  get unit(): Unit {
    return this._unit;
  }

  /** .debug_info offset of the current DIE (-1 before the first `next()`). */
  get offset(): DieOffset {
    return this._offset;
  }

  /** DW_TAG_* of the current DIE; 0 before the first DIE and at the end of the unit. */
  get tag(): number {
    return this._tag;
  }

  /** Depth of the current DIE: 0 for the root (or for the DIE `dieAt` moved to), children one more than their parent. */
  get depth(): number {
    return this._depth;
  }

  /** True when the current DIE's abbreviation says it has children. */
  get hasChildren(): boolean {
    return this._hasChildren;
  }

  /** Index of the current DIE's abbreviation in `unit.abbrevs` (-1 when there is no current DIE). */
  get abbrev(): number {
    return this._abbrev;
  }

  /** One past the current DIE's last attribute byte. */
  get end(): DieOffset {
    return this.dieEnd + this.bias;
  }

  /**
   * Let go of the bytes this cursor is on (see DwarfFile.releaseReadState): it reads nothing
   * until `reset` puts it on a unit again.
   */
  release(): void {
    this.b = NO_INFO;
    this.pos = this.unitStart = this.unitEnd = 0;
  }

  /** Move to the start of `unit`: the next `next()` returns its root DIE at depth 0. */
  reset(unit: Unit): void {
    this.setUnit(unit);
    this.pos = this.unitStart;
    this.nextDepth = 0;
    this.clear();
  }

  private setUnit(unit: Unit): void {
    this._unit = unit;
    // A streamed .debug_info may have begun a new window since this cursor last moved.
    const dwarf = this.dwarf;
    this.b = dwarf.unitBytes(unit);
    this.bias = dwarf.unitBase(unit);
    this.gen = dwarf.windowGen;
    const t = unit.abbrevs;
    this.tbl = t;
    this.dense = t.dense;
    this.tags = t.tag;
    this.kids = t.children;
    this.fixedSize = t.fixedSize;
    this.names = t.name;
    this.forms = t.form;
    this.vkinds = t.vkind;
    this.fixedOffs = t.fixedOff;
    this.hot = t.hot;
    this.unitStart = unit.dieOffset - this.bias;
    this.unitEnd = unit.end - this.bias;
    if (t.maxAttrs > this.offs.length) {
      this.offs = new Float64Array(t.maxAttrs);
      this.offs2 = new Float64Array(t.maxAttrs);
    }
  }

  private clear(): void {
    this._offset = -1;
    this._tag = 0;
    this._abbrev = -1;
    this._hasChildren = false;
    this._depth = 0;
  }

  /**
   * Move to the next DIE of the unit in preorder, stepping over null entries, and return its tag;
   * return 0 (and keep returning 0) at the end of the unit.
   * @throws DwarfError for an unknown abbreviation code, an unknown form or a DIE that runs past the unit.
   */
  next(): number {
    const b = this.b;
    const end = this.unitEnd;
    let p = this.pos;
    let depth = this.nextDepth;
    for (;;) {
      if (p >= end) {
        this.pos = end;
        this.nextDepth = depth;
        this.clear();
        return 0;
      }
      const start = p;
      let code = b[p++];
      if (code === 0) {
        this.nullEntries++;
        if (depth > 0) depth--;
        continue;
      }
      if (code >= 0x80) {
        code = uleb(b, start);
        p = lebEnd;
      }
      const dense = this.dense;
      let idx = code < dense.length ? dense[code] : -1;
      if (idx < 0) idx = this.lookupAbbrev(code, start);
      this._abbrev = idx;
      this._offset = start + this.bias;
      this.attrPos = p;
      this._depth = depth;
      const fixed = this.fixedSize[idx];
      p = fixed >= 0 ? p + fixed : this.skipVar(idx, p, this.offs);
      if (!(p <= end)) throw this.truncated(start + this.bias);
      const kids = this.kids[idx];
      this.dieEnd = p;
      this.pos = p;
      this.nextDepth = kids !== 0 ? depth + 1 : depth;
      this._hasChildren = kids !== 0;
      return (this._tag = this.tags[idx]);
    }
  }

  /**
   * Move to the next child (a DIE at depth `parentDepth + 1`) of the DIE at depth `parentDepth`
   * and return its tag, stepping over the subtrees of earlier children; return 0 without moving
   * past the parent's end when it has no more children. Typical use:
   * `const d = cur.depth; while (cur.nextChild(d)) { ... }`.
   * @throws DwarfError as `next()`.
   */
  nextChild(parentDepth: number): number {
    const b = this.b;
    const end = this.unitEnd;
    for (;;) {
      let p = this.pos;
      let d = this.nextDepth;
      while (p < end && b[p] === 0) {
        p++;
        if (d > 0) d--;
        if (d <= parentDepth) return 0;
      }
      if (p >= end || d <= parentDepth) return 0;
      const tag = this.next();
      if (this._depth === parentDepth + 1 || tag === 0) return tag;
      this.skipChildren();
    }
  }

  /**
   * Make the next `next()` return the current DIE's next sibling (or whatever follows its subtree),
   * jumping by DW_AT_sibling when it is present and plausible, else stepping over the subtree
   * without decoding attributes. The current DIE stays current.
   * @throws DwarfError as `next()` for malformed DIEs inside the subtree.
   */
  skipChildren(): void {
    if (!this._hasChildren || this.pos !== this.dieEnd) return;
    const t = this.tbl;
    const end = this.unitEnd;
    const sibK = t.sibling[this._abbrev];
    if (sibK >= 0) {
      const fo = t.fixedOff[sibK];
      const at = fo >= 0 ? this.attrPos + fo : this.offs[sibK - t.attrStart[this._abbrev]];
      const target = this.localRef(at, t.form[sibK]) - this.bias;
      if (target > this.pos && target <= end) {
        this.pos = target;
        this.nextDepth = this._depth;
        return;
      }
    }
    const b = this.b;
    const dense = this.dense;
    let p = this.pos;
    let level = 1;
    while (level > 0 && p < end) {
      const start = p;
      let code = b[p++];
      if (code === 0) {
        level--;
        continue;
      }
      if (code >= 0x80) {
        code = uleb(b, start);
        p = lebEnd;
      }
      let idx = code < dense.length ? dense[code] : -1;
      if (idx < 0) idx = this.lookupAbbrev(code, start);
      const attrs = p;
      const fixed = this.fixedSize[idx];
      p = fixed >= 0 ? p + fixed : this.skipVar(idx, p, this.offs2);
      if (!(p <= end)) throw this.truncated(start + this.bias);
      if (this.kids[idx] !== 0) {
        const k = t.sibling[idx];
        if (k >= 0) {
          const fo = t.fixedOff[k];
          const target = this.localRef(fo >= 0 ? attrs + fo : this.offs2[k - t.attrStart[idx]], t.form[k]) - this.bias;
          if (target >= p && target <= end) {
            p = target;
            continue;
          }
        }
        level++;
      }
    }
    this.pos = p;
    this.nextDepth = this._depth;
  }

  /**
   * Make the DIE at global .debug_info offset `offset` current (switching units if needed) and return
   * its tag. Its depth is 0, so a following `nextChild(0)` walks its children.
   * @throws DwarfError when the offset is in no unit's DIE area or names a null entry.
   */
  dieAt(offset: DieOffset): number {
    const at = offset - this.bias;
    if (!(at >= this.unitStart && at < this.unitEnd) || this.gen !== this.dwarf.windowGen) this.setUnit(this.dwarf.unitAt(offset));
    // The unit's bytes may be in another buffer now.
    const p = offset - this.bias;
    if (this.b[p] === 0) throw this.error(`offset 0x${offset.toString(16)} is a null entry, not a DIE`, offset);
    this.pos = p;
    this.nextDepth = 0;
    return this.next();
  }

  // ---- attribute access on the current DIE ----

  /** True when the current DIE has attribute `at`. */
  has(at: number): boolean {
    return this.find(at) >= 0;
  }

  /** The form of attribute `at` of the current DIE (DW_FORM_indirect resolved), or 0 when absent. */
  attrForm(at: number): number {
    return this.find(at) >= 0 ? this.fform : 0;
  }

  /** .debug_info offset of attribute `at`'s value, or -1 when absent. */
  attrOffset(at: number): number {
    const p = this.find(at);
    return p < 0 ? -1 : p + this.bias;
  }

  /** .debug_info offset of the first byte of `view`, a view this cursor returned for the current DIE (attrBlock). */
  sectionOffsetOf(view: Uint8Array): number {
    return view.byteOffset - this.b.byteOffset + this.bias;
  }

  /**
   * Attribute `at` as a number: constants, flags, offsets, indices, unit-relative reference values
   * and addresses, exactly as encoded (DW_FORM_sdata and DW_FORM_implicit_const come back signed).
   * Returns `missing` when the attribute is absent.
   * @throws DwarfError when the form holds no integer (strings, blocks) or the value is 2^53 or more.
   */
  attrUint(at: number, missing = -1): number {
    const p = this.find(at);
    if (p < 0) return missing;
    return this.value(p, at);
  }

  /**
   * Attribute `at` as a signed number: DW_FORM_data1/2/4/8 are sign-extended from their width;
   * other integer forms as in `attrUint`. Returns `missing` when absent.
   * @throws DwarfError when the form holds no integer or the value is outside ±(2^53-1).
   */
  attrSint(at: number, missing = 0): number {
    const p = this.find(at);
    if (p < 0) return missing;
    const b = this.b;
    switch (this.fform) {
      case C.DW_FORM_data1:
        return (b[p] << 24) >> 24;
      case C.DW_FORM_data2:
        return (u16(b, p, this.le) << 16) >> 16;
      case C.DW_FORM_data4:
        return u32(b, p, this.le) | 0;
      case C.DW_FORM_data8: {
        readWord64(b, p, this.le);
        const hi = valHi | 0;
        if (hi > MAX_SAFE_HI || hi < -MAX_SAFE_HI - 1 || (hi === -MAX_SAFE_HI - 1 && valLo === 0)) throw this.tooLarge(at);
        return hi * TWO32 + valLo;
      }
    }
    return this.value(p, at);
  }

  /**
   * Attribute `at` as an unsigned 64-bit value in (`hi`, `lo`): constants zero-extended from their
   * width (DW_FORM_sdata and DW_FORM_implicit_const sign-extended to 64 bits), addresses resolved.
   * Returns false when absent.
   * @throws DwarfError when the form holds no integer.
   */
  attrU64(at: number): boolean {
    const p = this.find(at);
    if (p < 0) return false;
    this.bits64(p, this.fform, false, at);
    return true;
  }

  /**
   * As `attrU64`, but DW_FORM_data1/2/4 are sign-extended to 64 bits (for DW_AT_const_value of a
   * signed enumerator, say). Returns false when absent.
   */
  attrS64(at: number): boolean {
    const p = this.find(at);
    if (p < 0) return false;
    this.bits64(p, this.fform, true, at);
    return true;
  }

  /** Attribute `at` as a boolean: DW_FORM_flag_present is true, other forms are true when non-zero; false when absent. */
  attrFlag(at: number): boolean {
    const p = this.find(at);
    if (p < 0) return false;
    if (this.fform === C.DW_FORM_flag_present) return true;
    if (this.fform === C.DW_FORM_flag) return this.b[p] !== 0;
    return this.value(p, at) !== 0;
  }

  /**
   * Attribute `at` as a global .debug_info offset (DW_FORM_ref1..8 and ref_udata are made absolute,
   * DW_FORM_ref_addr is taken as is, DW_FORM_ref_sig8 is resolved through the type units), or
   * `missing` when absent.
   * @throws DwarfError for a non-reference form, a reference into a supplementary file, or an
   *   unknown type signature.
   */
  attrRef(at: number, missing = -1): DieOffset {
    const p = this.find(at);
    if (p < 0) return missing;
    const form = this.fform;
    switch (form) {
      case C.DW_FORM_ref1:
      case C.DW_FORM_ref2:
      case C.DW_FORM_ref4:
      case C.DW_FORM_ref8:
      case C.DW_FORM_ref_udata:
        return this._unit.offset + this.value(p, at);
      case C.DW_FORM_ref_addr:
        return this.value(p, at);
      case C.DW_FORM_ref_sig8:
        readWord64(this.b, p, this.le);
        return this.dwarf.typeUnitDie(valHi, valLo);
      case C.DW_FORM_GNU_ref_alt:
      case C.DW_FORM_ref_sup4:
      case C.DW_FORM_ref_sup8:
        throw this.errorAt(`${attrName(at)} refers into a supplementary object file (${formName(form)}), which is not supported`, p);
    }
    throw this.wrongForm(at, form, 'a reference', p);
  }

  /**
   * Attribute `at` as a StrRef (section id and offset, see `DwarfFile.strRefString`), or -1 when
   * absent. DW_FORM_strx* are resolved through .debug_str_offsets.
   * @throws DwarfError for a non-string form or a string in a supplementary file.
   */
  attrStrRef(at: number): StrRef {
    const p = this.find(at);
    if (p < 0) return -1;
    const form = this.fform;
    switch (form) {
      case C.DW_FORM_strp:
        return this.value(p, at) * STR_REF_SCALE + STR_SECTION_STR;
      case C.DW_FORM_string:
        return (p + this.bias) * STR_REF_SCALE + STR_SECTION_INFO;
      case C.DW_FORM_line_strp:
        return this.value(p, at) * STR_REF_SCALE + STR_SECTION_LINE_STR;
      case C.DW_FORM_strx:
      case C.DW_FORM_strx1:
      case C.DW_FORM_strx2:
      case C.DW_FORM_strx3:
      case C.DW_FORM_strx4:
      case C.DW_FORM_GNU_str_index:
        return this.dwarf.strxOffset(this._unit, this.value(p, at)) * STR_REF_SCALE + STR_SECTION_STR;
      case C.DW_FORM_strp_sup:
      case C.DW_FORM_GNU_strp_alt:
        throw this.errorAt(`${attrName(at)} is a string in a supplementary object file (${formName(form)}), which is not supported`, p);
    }
    throw this.wrongForm(at, form, 'a string', p);
  }

  /**
   * Attribute `at` as a latin1 string (cached per .debug_str offset), or undefined when absent.
   * @throws DwarfError as `attrStrRef`.
   */
  attrString(at: number): string | undefined {
    const ref = this.attrStrRef(at);
    return ref < 0 ? undefined : this.dwarf.strRefString(ref);
  }

  /**
   * Attribute `at` as a view of its bytes: the contents of DW_FORM_block*, DW_FORM_exprloc, or the
   * 16 bytes of DW_FORM_data16. Undefined when absent.
   * @throws DwarfError for other forms.
   */
  attrBlock(at: number): Uint8Array | undefined {
    const p = this.find(at);
    if (p < 0) return undefined;
    const b = this.b;
    let n: number;
    let q: number;
    switch (this.fform) {
      case C.DW_FORM_block1:
        n = b[p];
        q = p + 1;
        break;
      case C.DW_FORM_block2:
        n = u16(b, p, this.le);
        q = p + 2;
        break;
      case C.DW_FORM_block4:
        n = u32(b, p, this.le);
        q = p + 4;
        break;
      case C.DW_FORM_block:
      case C.DW_FORM_exprloc:
        n = uleb(b, p);
        q = lebEnd;
        break;
      case C.DW_FORM_data16:
        n = 16;
        q = p;
        break;
      default:
        throw this.wrongForm(at, this.fform, 'a block', p);
    }
    return b.subarray(q, q + n);
  }

  /**
   * Attribute `at` as a target address in (`hi`, `lo`): DW_FORM_addr, or DW_FORM_addrx* resolved
   * through .debug_addr. Returns false when absent.
   * @throws DwarfError for other forms.
   */
  attrAddr(at: number): boolean {
    const p = this.find(at);
    if (p < 0) return false;
    const form = this.fform;
    if (form === C.DW_FORM_addr) {
      readSized(this.b, p, this._unit.addrSize, this.le);
    } else if (this.isAddrx(form)) {
      this.dwarf.readAddrIndex(this._unit, this.value(p, at));
    } else {
      throw this.wrongForm(at, form, 'an address', p);
    }
    this.hi = valHi;
    this.lo = valLo;
    return true;
  }

  /**
   * Append the current DIE's code ranges as [startHi, startLo, endHi, endLo] quadruples (end
   * exclusive) from DW_AT_low_pc/DW_AT_high_pc or DW_AT_ranges, and return how many were added.
   * @throws DwarfError for malformed range lists.
   */
  pcRanges(out: number[]): number {
    return pcRanges(this, out);
  }

  /**
   * Classify the location attribute `at` (DW_AT_location by default): LOC_NONE when absent,
   * LOC_ADDR for a lone DW_OP_addr/DW_OP_addrx (address in `hi`/`lo`), LOC_REG for a lone
   * DW_OP_regN/regx (number in `reg`), LOC_BREG for DW_OP_bregN/bregx/fbreg first (`reg`, `regOffset`),
   * LOC_LIST for a location list, LOC_EXPR for any other expression.
   */
  location(at: number = C.DW_AT_location): number {
    if (this.find(at) < 0) return LOC_NONE;
    return classifyLocation(this, at);
  }

  /**
   * The DWARF expressions of location attribute `at`: one for an exprloc/block, one per entry of a
   * location list (.debug_loclists for DWARF 5, .debug_loc before). Empty when absent.
   * @throws DwarfError for malformed lists.
   */
  locationExprs(at: number = C.DW_AT_location): Uint8Array[] {
    return locationExprs(this, at);
  }

  /**
   * locationExprs as ranges of one array, into `out` (which is reused: see ExprRanges).
   * @throws DwarfError as locationExprs, and for a form that is not a location.
   */
  locationRanges(out: ExprRanges, at: number = C.DW_AT_location): void {
    locationRanges(this, at, out);
  }

  // ---- internals shared with ranges.ts and location.ts ----

  /** Position of attribute `at`'s value in .debug_info, or -1; sets the located form (see `lastForm`). */
  find(at: number): number {
    const idx = this._abbrev;
    if (idx < 0) return -1;
    const start = this.tbl.attrStart[idx];
    let k = -1;
    const slot = at < HOT_LIMIT ? HOT_SLOT[at] : -1;
    const r = slot >= 0 ? this.hot[idx * HOT_STRIDE + slot] : -2;
    if (r >= 0) {
      k = start + r;
    } else if (r === -1) {
      return -1;
    } else {
      const names = this.names;
      const stop = this.tbl.attrEnd[idx];
      for (let j = start; j < stop; j++) {
        if (names[j] === at) {
          k = j;
          break;
        }
      }
      if (k < 0) return -1;
    }
    const fo = this.fixedOffs[k];
    let p = fo >= 0 ? this.attrPos + fo : this.offs[k - start];
    const form0 = this.forms[k];
    let form = form0;
    while (form === C.DW_FORM_indirect) {
      form = uleb(this.b, p);
      p = lebEnd;
    }
    this.fform = form;
    this.fvk = form === form0 ? this.vkinds[k] : valueKind(form, this._unit);
    this.fk = k;
    return p;
  }

  /** The form of the attribute the last `find` located. */
  get lastForm(): number {
    return this.fform;
  }

  /**
   * The integer value at `p` of the attribute the last `find` located (see `attrUint`), read by its
   * precomputed value kind. `at` names the attribute in errors.
   */
  private value(p: number, at: number): number {
    const b = this.b;
    let v: number;
    switch (this.fvk) {
      case VK_U8:
        return b[p];
      case VK_U16:
        return u16(b, p, this.le);
      case VK_U32:
        return u32(b, p, this.le);
      case VK_ULEB:
        v = uleb(b, p);
        if (v === Infinity) throw this.tooLarge(at);
        return v;
      case VK_U24:
        return u24(b, p, this.le);
      case VK_U64:
        v = readWord64(b, p, this.le);
        if (v === Infinity) throw this.tooLarge(at);
        return v;
      case VK_SLEB:
        v = sleb(b, p);
        if (v === Infinity || v === -Infinity) throw this.tooLarge(at);
        return v;
      case VK_PRESENT:
        return 1;
      case VK_IMPLICIT: {
        const hi = this.tbl.implicitHi[this.fk] | 0;
        const lo = this.tbl.implicitLo[this.fk];
        if (hi > MAX_SAFE_HI || hi < -MAX_SAFE_HI - 1 || (hi === -MAX_SAFE_HI - 1 && lo === 0)) throw this.tooLarge(at);
        return hi * TWO32 + lo;
      }
    }
    throw this.wrongForm(at, this.fform, 'an integer', p);
  }

  /** True for the DW_FORM_addrx family. */
  isAddrx(form: number): boolean {
    return (form >= C.DW_FORM_addrx1 && form <= C.DW_FORM_addrx4) || form === C.DW_FORM_addrx || form === C.DW_FORM_GNU_addr_index;
  }

  private bits64(p: number, form: number, signed: boolean, at: number): void {
    const b = this.b;
    const le = this.le;
    let hi = 0;
    let lo: number;
    switch (form) {
      case C.DW_FORM_data1:
        lo = b[p];
        if (signed && lo >= 0x80) hi = -1;
        lo = signed ? (lo << 24) >> 24 : lo;
        break;
      case C.DW_FORM_data2:
        lo = u16(b, p, le);
        if (signed && lo >= 0x8000) {
          hi = -1;
          lo = (lo << 16) >> 16;
        }
        break;
      case C.DW_FORM_data4:
        lo = u32(b, p, le);
        if (signed && lo >= 0x80000000) hi = -1;
        break;
      case C.DW_FORM_data8:
        readWord64(b, p, le);
        hi = valHi;
        lo = valLo;
        break;
      case C.DW_FORM_sdata:
        sleb64(b, p);
        hi = valHi;
        lo = valLo;
        break;
      case C.DW_FORM_udata:
        uleb64(b, p);
        hi = valHi;
        lo = valLo;
        break;
      case C.DW_FORM_implicit_const:
        hi = this.tbl.implicitHi[this.fk];
        lo = this.tbl.implicitLo[this.fk];
        break;
      case C.DW_FORM_addr:
        readSized(b, p, this._unit.addrSize, le);
        hi = valHi;
        lo = valLo;
        break;
      default:
        if (this.isAddrx(form)) {
          this.dwarf.readAddrIndex(this._unit, this.value(p, at));
          hi = valHi;
          lo = valLo;
        } else {
          lo = this.value(p, at);
          hi = Math.floor(lo / TWO32);
        }
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
  }

  /** Global offset a unit-local reference at `p` points to, or -1 for other forms. */
  private localRef(p: number, form: number): number {
    const b = this.b;
    switch (form) {
      case C.DW_FORM_ref1:
        return this._unit.offset + b[p];
      case C.DW_FORM_ref2:
        return this._unit.offset + u16(b, p, this.le);
      case C.DW_FORM_ref4:
        return this._unit.offset + u32(b, p, this.le);
      case C.DW_FORM_ref8:
        return this._unit.offset + readWord64(b, p, this.le);
      case C.DW_FORM_ref_udata:
        return this._unit.offset + uleb(b, p);
      case C.DW_FORM_ref_addr:
        return this._unit.version <= 2 ? -1 : readOffset(b, p, this._unit.offsetSize, this.le);
    }
    return -1;
  }

  /**
   * Skip the attribute values of abbreviation `idx` starting at `p` (the first attribute byte),
   * recording where each value from the first variable-size one on starts in `offs`.
   */
  private skipVar(idx: number, p: number, offs: Float64Array): number {
    const t = this.tbl;
    const sizes = t.size;
    const start = t.attrStart[idx];
    const stop = t.attrEnd[idx];
    const b = this.b;
    const end = this.unitEnd;
    p += t.prefixSize[idx];
    for (let k = t.firstVar[idx]; k < stop; k++) {
      offs[k - start] = p;
      const s = sizes[k];
      if (s >= 0) {
        p += s;
        continue;
      }
      switch (s) {
        case SZ_LEB:
          while ((b[p++] & 0x80) !== 0);
          break;
        case SZ_STRING:
          while (p < end && b[p] !== 0) p++;
          if (p >= end) throw this.truncated(this._offset);
          p++;
          break;
        case SZ_BLOCK1:
          p += 1 + b[p];
          break;
        case SZ_BLOCK2:
          p += 2 + u16(b, p, this.le);
          break;
        case SZ_BLOCK4:
          p += 4 + u32(b, p, this.le);
          break;
        case SZ_BLOCK_LEB: {
          const n = uleb(b, p);
          p = lebEnd + n;
          break;
        }
        case SZ_INDIRECT:
          p = this.skipIndirect(p, t.name[k]);
          break;
        default:
          throw this.errorAt(`${attrName(t.name[k])} has unknown form 0x${t.form[k].toString(16)} (abbreviation ${t.code[idx]} at .debug_abbrev+0x${t.offset.toString(16)})`, p);
      }
      if (!(p <= end)) throw this.truncated(this._offset);
    }
    return p;
  }

  private skipIndirect(p: number, at: number): number {
    const b = this.b;
    let form = C.DW_FORM_indirect as number;
    while (form === C.DW_FORM_indirect) {
      form = uleb(b, p);
      p = lebEnd;
      if (!(p <= this.unitEnd)) throw this.truncated(this._offset);
    }
    if (form === C.DW_FORM_implicit_const) throw this.errorAt(`${attrName(at)}: DW_FORM_indirect names DW_FORM_implicit_const`, p);
    const s = formSize(form, this._unit);
    if (s >= 0) return p + s;
    switch (s) {
      case SZ_LEB:
        while ((b[p++] & 0x80) !== 0);
        return p;
      case SZ_STRING: {
        const end = this.unitEnd;
        while (p < end && b[p] !== 0) p++;
        return p + 1;
      }
      case SZ_BLOCK1:
        return p + 1 + b[p];
      case SZ_BLOCK2:
        return p + 2 + u16(b, p, this.le);
      case SZ_BLOCK4:
        return p + 4 + u32(b, p, this.le);
      case SZ_BLOCK_LEB: {
        const n = uleb(b, p);
        return lebEnd + n;
      }
    }
    throw this.errorAt(`${attrName(at)} has unknown form 0x${form.toString(16)} (through DW_FORM_indirect)`, p);
  }

  private lookupAbbrev(code: number, at: number): number {
    const idx = this.tbl.indexOf(code);
    if (idx < 0) {
      throw this.errorAt(`abbreviation code ${code === Infinity ? 'too large' : code} not found in the table at .debug_abbrev+0x${this.tbl.offset.toString(16)}`, at);
    }
    return idx;
  }

  /** A DwarfError about .debug_info at `offset`. */
  error(msg: string, offset: number): DwarfError {
    return new DwarfError(msg, { file: this.dwarf.fileName, section: '.debug_info', offset });
  }

  /** A DwarfError about the byte at position `p` of the current unit's bytes. */
  private errorAt(msg: string, p: number): DwarfError {
    return this.error(msg, p + this.bias);
  }

  private truncated(dieOffset: number): DwarfError {
    return this.error(`DIE runs past the end of its unit (unit at 0x${this._unit.offset.toString(16)} ends at 0x${this._unit.end.toString(16)})`, dieOffset);
  }

  private tooLarge(at: number): DwarfError {
    return this.error(`${attrName(at)} value does not fit in a safe integer; use attrU64`, this._offset);
  }

  private wrongForm(at: number, form: number, what: string, p: number): DwarfError {
    return this.errorAt(`${attrName(at)} has form ${formName(form)}, not ${what}`, p);
  }
}

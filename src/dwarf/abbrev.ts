// Compiling one .debug_abbrev table into flat typed arrays, with each form's byte size precomputed for a unit shape.

import { DwarfError } from '../common/errors.js';
import { lebEnd, uleb } from './bytes.js';
import * as C from './constants.js';

/*
 * A compiled table holds, per abbreviation (index i): tag, children flag, the slice of the
 * attribute arrays it owns, and how its attributes can be skipped. Per attribute (index k):
 * name, form, a size code and, when every earlier attribute has a fixed size, the value's byte
 * offset from the end of the DIE's abbreviation code. So an abbreviation whose forms all have fixed
 * sizes is skipped by one addition, and any other one is walked only from its first
 * variable-size attribute on. A small per-abbreviation index (`hot`) locates the attributes an
 * encoder reads most without scanning.
 */

/** Size code: a ULEB128/SLEB128 value. */
export const SZ_LEB = -1;
/** Size code: a NUL-terminated string. */
export const SZ_STRING = -2;
/** Size code: a block with a 1-byte length. */
export const SZ_BLOCK1 = -3;
/** Size code: a block with a 2-byte length. */
export const SZ_BLOCK2 = -4;
/** Size code: a block with a 4-byte length. */
export const SZ_BLOCK4 = -5;
/** Size code: a block or exprloc with a ULEB128 length. */
export const SZ_BLOCK_LEB = -6;
/** Size code: DW_FORM_indirect (the form is in the data). */
export const SZ_INDIRECT = -7;
/** Size code: a form this reader does not know. */
export const SZ_UNKNOWN = -8;

/** Value kind: not an integer (strings, blocks, unknown forms). */
export const VK_NONE = 0;
/** Value kind: unsigned 1-byte integer. */
export const VK_U8 = 1;
/** Value kind: unsigned 2-byte integer. */
export const VK_U16 = 2;
/** Value kind: unsigned 3-byte integer. */
export const VK_U24 = 3;
/** Value kind: unsigned 4-byte integer. */
export const VK_U32 = 4;
/** Value kind: unsigned 8-byte integer. */
export const VK_U64 = 5;
/** Value kind: unsigned LEB128. */
export const VK_ULEB = 6;
/** Value kind: signed LEB128. */
export const VK_SLEB = 7;
/** Value kind: DW_FORM_flag_present (always 1). */
export const VK_PRESENT = 8;
/** Value kind: DW_FORM_implicit_const (the value is in the table). */
export const VK_IMPLICIT = 9;
/** Value kind: DW_FORM_indirect (the form is in the data). */
export const VK_INDIRECT = 10;

/**
 * Attributes an encoder asks for on most DIEs. For these each compiled abbreviation stores the
 * attribute's position directly (see `AbbrevTable.hot`), so looking one up, or finding it absent,
 * costs one array read instead of a scan of the abbreviation's attribute list.
 */
export const HOT_ATTRIBUTES: readonly number[] = [
  C.DW_AT_sibling, C.DW_AT_location, C.DW_AT_name, C.DW_AT_byte_size, C.DW_AT_bit_offset, C.DW_AT_bit_size, C.DW_AT_low_pc,
  C.DW_AT_high_pc, C.DW_AT_const_value, C.DW_AT_inline, C.DW_AT_prototyped, C.DW_AT_upper_bound, C.DW_AT_abstract_origin,
  C.DW_AT_artificial, C.DW_AT_count, C.DW_AT_data_member_location, C.DW_AT_declaration, C.DW_AT_encoding, C.DW_AT_external,
  C.DW_AT_specification, C.DW_AT_type, C.DW_AT_ranges, C.DW_AT_data_bit_offset, C.DW_AT_linkage_name, C.DW_AT_alignment,
  C.DW_AT_lower_bound, C.DW_AT_enum_class, C.DW_AT_noreturn,
];
/** Slots per abbreviation in `AbbrevTable.hot`. */
export const HOT_STRIDE = 32;
/** Every hot attribute code is below this. */
export const HOT_LIMIT = 0x90;
/** Attribute code (below HOT_LIMIT) → its slot in HOT_ATTRIBUTES, or -1. */
export const HOT_SLOT: Int8Array = (() => {
  const t = new Int8Array(HOT_LIMIT).fill(-1);
  HOT_ATTRIBUTES.forEach((at, i) => (t[at] = i));
  return t;
})();

/** The unit properties that decide form sizes. */
export interface UnitShape {
  /** Address size in bytes (1, 2, 4 or 8). */
  addrSize: number;
  /** 4 for 32-bit DWARF, 8 for 64-bit DWARF. */
  offsetSize: number;
  /** DWARF version (DW_FORM_ref_addr is address-sized in version 2). */
  version: number;
}

/**
 * Size code of `form` in a unit of the given shape: the byte count when fixed (0 for
 * DW_FORM_flag_present and DW_FORM_implicit_const), else one of the negative SZ_* codes.
 */
export function formSize(form: number, shape: UnitShape): number {
  switch (form) {
    case C.DW_FORM_addr:
      return shape.addrSize;
    case C.DW_FORM_data1:
    case C.DW_FORM_ref1:
    case C.DW_FORM_flag:
    case C.DW_FORM_strx1:
    case C.DW_FORM_addrx1:
      return 1;
    case C.DW_FORM_data2:
    case C.DW_FORM_ref2:
    case C.DW_FORM_strx2:
    case C.DW_FORM_addrx2:
      return 2;
    case C.DW_FORM_strx3:
    case C.DW_FORM_addrx3:
      return 3;
    case C.DW_FORM_data4:
    case C.DW_FORM_ref4:
    case C.DW_FORM_strx4:
    case C.DW_FORM_addrx4:
    case C.DW_FORM_ref_sup4:
      return 4;
    case C.DW_FORM_data8:
    case C.DW_FORM_ref8:
    case C.DW_FORM_ref_sig8:
    case C.DW_FORM_ref_sup8:
      return 8;
    case C.DW_FORM_data16:
      return 16;
    case C.DW_FORM_strp:
    case C.DW_FORM_line_strp:
    case C.DW_FORM_sec_offset:
    case C.DW_FORM_strp_sup:
    case C.DW_FORM_GNU_ref_alt:
    case C.DW_FORM_GNU_strp_alt:
      return shape.offsetSize;
    case C.DW_FORM_ref_addr:
      return shape.version <= 2 ? shape.addrSize : shape.offsetSize;
    case C.DW_FORM_flag_present:
    case C.DW_FORM_implicit_const:
      return 0;
    case C.DW_FORM_udata:
    case C.DW_FORM_sdata:
    case C.DW_FORM_ref_udata:
    case C.DW_FORM_strx:
    case C.DW_FORM_addrx:
    case C.DW_FORM_loclistx:
    case C.DW_FORM_rnglistx:
    case C.DW_FORM_GNU_addr_index:
    case C.DW_FORM_GNU_str_index:
      return SZ_LEB;
    case C.DW_FORM_string:
      return SZ_STRING;
    case C.DW_FORM_block1:
      return SZ_BLOCK1;
    case C.DW_FORM_block2:
      return SZ_BLOCK2;
    case C.DW_FORM_block4:
      return SZ_BLOCK4;
    case C.DW_FORM_block:
    case C.DW_FORM_exprloc:
      return SZ_BLOCK_LEB;
    case C.DW_FORM_indirect:
      return SZ_INDIRECT;
  }
  return SZ_UNKNOWN;
}

/** How the integer value of `form` is stored in a unit of the given shape (one of the VK_* kinds). */
export function valueKind(form: number, shape: UnitShape): number {
  switch (form) {
    case C.DW_FORM_sdata:
      return VK_SLEB;
    case C.DW_FORM_flag_present:
      return VK_PRESENT;
    case C.DW_FORM_implicit_const:
      return VK_IMPLICIT;
    case C.DW_FORM_indirect:
      return VK_INDIRECT;
    case C.DW_FORM_data16:
    case C.DW_FORM_string:
      return VK_NONE;
  }
  const size = formSize(form, shape);
  switch (size) {
    case 1:
      return VK_U8;
    case 2:
      return VK_U16;
    case 3:
      return VK_U24;
    case 4:
      return VK_U32;
    case 8:
      return VK_U64;
    case SZ_LEB:
      return VK_ULEB;
  }
  return VK_NONE;
}

/** Where a table comes from, for error messages. */
export interface AbbrevContext {
  file?: string;
}

/** One compiled abbreviation table (see the notes at the top of abbrev.ts). */
export class AbbrevTable {
  /** Offset of the table in .debug_abbrev. */
  readonly offset: number;
  /** Number of abbreviations. */
  readonly count: number;
  /** Abbreviation code → index, for codes below `dense.length` (-1 = none). */
  readonly dense: Int32Array;
  /** Code → index for codes too large for `dense`, or null when every code is dense. */
  readonly sparse: Map<number, number> | null;
  /** Code of abbreviation i. */
  readonly code: Float64Array;
  /** DW_TAG_* of abbreviation i. */
  readonly tag: Uint32Array;
  /** 1 when abbreviation i has children. */
  readonly children: Uint8Array;
  /** Index of abbreviation i's first attribute in the per-attribute arrays. */
  readonly attrStart: Uint32Array;
  /** One past abbreviation i's last attribute. */
  readonly attrEnd: Uint32Array;
  /** Byte size of all of abbreviation i's attribute values when every one is fixed, else -1. */
  readonly fixedSize: Int32Array;
  /** Index of abbreviation i's first variable-size attribute (attrEnd when none). */
  readonly firstVar: Uint32Array;
  /** Bytes taken by the attributes before firstVar. */
  readonly prefixSize: Int32Array;
  /** Index of abbreviation i's DW_AT_sibling attribute, or -1. */
  readonly sibling: Int32Array;
  /** DW_AT_* of attribute k. */
  readonly name: Uint32Array;
  /** DW_FORM_* of attribute k. */
  readonly form: Uint32Array;
  /** Size code of attribute k (bytes, or SZ_*). */
  readonly size: Int32Array;
  /** Value kind of attribute k (VK_*). */
  readonly vkind: Uint8Array;
  /** Offset of attribute k's value from the DIE's first attribute byte when known statically, else -1. */
  readonly fixedOff: Int32Array;
  /** DW_FORM_implicit_const value of attribute k, high 32 bits (two's complement). */
  readonly implicitHi: Uint32Array;
  /** DW_FORM_implicit_const value of attribute k, low 32 bits. */
  readonly implicitLo: Uint32Array;
  /**
   * For abbreviation i and hot attribute slot j (HOT_SLOT), `hot[i * HOT_STRIDE + j]` is the
   * attribute's index relative to attrStart[i], or -1 when the abbreviation does not have it.
   * An abbreviation with more than 127 attributes gets -2 in every slot (callers scan instead).
   */
  readonly hot: Int8Array;
  /** Largest attribute count of any abbreviation. */
  readonly maxAttrs: number;
  /** One past the last byte of the table in .debug_abbrev. */
  readonly end: number;

  private tagSet: Set<number> | null = null;

  /** True when some abbreviation of the table has tag `tag` (so a DIE with that tag can occur). */
  hasTag(tag: number): boolean {
    return (this.tagSet ??= new Set(this.tag)).has(tag);
  }

  /** Use `compileAbbrevTable`. */
  constructor(init: {
    offset: number; end: number; dense: Int32Array; sparse: Map<number, number> | null; code: Float64Array; tag: Uint32Array;
    children: Uint8Array; attrStart: Uint32Array; attrEnd: Uint32Array; fixedSize: Int32Array; firstVar: Uint32Array;
    prefixSize: Int32Array; sibling: Int32Array; name: Uint32Array; form: Uint32Array; size: Int32Array; vkind: Uint8Array; fixedOff: Int32Array;
    implicitHi: Uint32Array; implicitLo: Uint32Array; hot: Int8Array; maxAttrs: number;
  }) {
    this.offset = init.offset;
    this.end = init.end;
    this.count = init.code.length;
    this.dense = init.dense;
    this.sparse = init.sparse;
    this.code = init.code;
    this.tag = init.tag;
    this.children = init.children;
    this.attrStart = init.attrStart;
    this.attrEnd = init.attrEnd;
    this.fixedSize = init.fixedSize;
    this.firstVar = init.firstVar;
    this.prefixSize = init.prefixSize;
    this.sibling = init.sibling;
    this.name = init.name;
    this.form = init.form;
    this.size = init.size;
    this.vkind = init.vkind;
    this.fixedOff = init.fixedOff;
    this.implicitHi = init.implicitHi;
    this.implicitLo = init.implicitLo;
    this.hot = init.hot;
    this.maxAttrs = init.maxAttrs;
  }

  /** Index of the abbreviation with `code`, or -1. */
  indexOf(code: number): number {
    if (code < this.dense.length) return this.dense[code];
    return this.sparse?.get(code) ?? -1;
  }
}

/** Size codes and value kinds of the standard forms (0x00-0x2c) for one unit shape, built once per shape. */
const shapeTables = new Map<number, { sizes: Int32Array; kinds: Uint8Array }>();

function shapeTable(shape: UnitShape): { sizes: Int32Array; kinds: Uint8Array } {
  const key = shape.addrSize * 1000 + shape.offsetSize * 10 + (shape.version <= 2 ? 2 : 3);
  let t = shapeTables.get(key);
  if (t === undefined) {
    const sizes = new Int32Array(C.DW_FORM_addrx4 + 1);
    const kinds = new Uint8Array(C.DW_FORM_addrx4 + 1);
    for (let f = 0; f < sizes.length; f++) {
      sizes[f] = formSize(f, shape);
      kinds[f] = valueKind(f, shape);
    }
    t = { sizes, kinds };
    shapeTables.set(key, t);
  }
  return t;
}

/**
 * Growable scratch arrays shared by every compilation (compilation is synchronous and not re-entrant).
 * Sized above the largest tables of real kernels (vmlinux 6.12: 321 abbreviations and 1788 attributes
 * in one table), so that growing stays a path real inputs do not take: taking it for the first time
 * after the compiler has been optimized throws its optimized code away.
 */
const SCRATCH_ABBREVS = 1024;
const SCRATCH_ATTRS = 8192;
let sCode = new Float64Array(SCRATCH_ABBREVS);
let sTag = new Uint32Array(SCRATCH_ABBREVS);
let sChildren = new Uint8Array(SCRATCH_ABBREVS);
let sStart = new Uint32Array(SCRATCH_ABBREVS);
let sEnd = new Uint32Array(SCRATCH_ABBREVS);
let sFixed = new Int32Array(SCRATCH_ABBREVS);
let sFirstVar = new Uint32Array(SCRATCH_ABBREVS);
let sPrefix = new Int32Array(SCRATCH_ABBREVS);
let sSibling = new Int32Array(SCRATCH_ABBREVS);
let sHot = new Int8Array(SCRATCH_ABBREVS * HOT_STRIDE);
let sName = new Uint32Array(SCRATCH_ATTRS);
let sForm = new Uint32Array(SCRATCH_ATTRS);
let sSize = new Int32Array(SCRATCH_ATTRS);
let sKind = new Uint8Array(SCRATCH_ATTRS);
let sFixedOff = new Int32Array(SCRATCH_ATTRS);
let sImplHi = new Uint32Array(SCRATCH_ATTRS);
let sImplLo = new Uint32Array(SCRATCH_ATTRS);

function growAbbrevScratch(): void {
  const n = sCode.length * 2;
  const g = <T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
    const b = make(n);
    b.set(a as never);
    return b;
  };
  sCode = g(sCode, (k) => new Float64Array(k));
  sTag = g(sTag, (k) => new Uint32Array(k));
  sChildren = g(sChildren, (k) => new Uint8Array(k));
  sStart = g(sStart, (k) => new Uint32Array(k));
  sEnd = g(sEnd, (k) => new Uint32Array(k));
  sFixed = g(sFixed, (k) => new Int32Array(k));
  sFirstVar = g(sFirstVar, (k) => new Uint32Array(k));
  sPrefix = g(sPrefix, (k) => new Int32Array(k));
  sSibling = g(sSibling, (k) => new Int32Array(k));
  const hot = new Int8Array(n * HOT_STRIDE);
  hot.set(sHot);
  sHot = hot;
}

function growAttrScratch(): void {
  const n = sName.length * 2;
  const g = <T extends Uint32Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
    const b = make(n);
    b.set(a as never);
    return b;
  };
  sName = g(sName, (k) => new Uint32Array(k));
  sForm = g(sForm, (k) => new Uint32Array(k));
  sSize = g(sSize, (k) => new Int32Array(k));
  sKind = g(sKind, (k) => new Uint8Array(k));
  sFixedOff = g(sFixedOff, (k) => new Int32Array(k));
  sImplHi = g(sImplHi, (k) => new Uint32Array(k));
  sImplLo = g(sImplLo, (k) => new Uint32Array(k));
}

/**
 * The signed LEB128 constant of a DW_FORM_implicit_const at `p`, sign-extended to 64 bits into
 * sImplHi/sImplLo[m]; returns the position after it (past the end of `data` when truncated).
 * Every operation runs for every byte, whatever the value's length and sign, with masks selecting
 * the word a byte lands in: an operation first met after the compiler has been optimized (a first
 * negative or five-byte constant) would throw the optimized code away.
 */
function implicitConst(data: Uint8Array, p: number, m: number): number {
  const n = data.length;
  let lo = 0;
  let hi = 0;
  let shift = 0;
  let byte = 0;
  let more = 0;
  do {
    byte = data[p++] | 0;
    const bits = byte & 0x7f;
    const low = shift < 32 ? -1 : 0;
    const high = shift < 64 ? ~low : 0;
    // In the low word at `shift`; its top bits carry into the high word once shift > 25.
    lo |= (bits << (shift & 31)) & low;
    hi |= (((bits >>> 1) >>> ((31 - shift) & 31)) & low) | ((bits << (shift & 31)) & high);
    shift += 7;
    more = p < n ? byte & 0x80 : 0;
  } while (more !== 0);
  const sign = -((byte >>> 6) & 1);
  const low = shift < 32 ? -1 : 0;
  const high = shift < 64 ? ~low : 0;
  lo |= (sign << (shift & 31)) & low;
  hi |= (sign & low) | ((sign << (shift & 31)) & high);
  sImplHi[m] = hi;
  sImplLo[m] = lo;
  return (byte & 0x80) !== 0 ? n + 1 : p;
}

/**
 * Parse the abbreviation table at `offset` of `.debug_abbrev` and compile it for units of `shape`.
 * @throws DwarfError (section .debug_abbrev) when the table is truncated, has a zero tag, a bad
 *   children flag, or a duplicate code.
 */
export function compileAbbrevTable(data: Uint8Array, offset: number, shape: UnitShape, ctx: AbbrevContext = {}): AbbrevTable {
  const file = ctx.file;
  const len = data.length;
  const fail = (msg: string, at: number): never => {
    throw new DwarfError(msg, { file, section: '.debug_abbrev', offset: at });
  };
  if (!(offset >= 0 && offset < len)) fail(`abbreviation table offset 0x${offset.toString(16)} is outside .debug_abbrev (${len} bytes)`, Math.min(offset, len));
  const { sizes, kinds } = shapeTable(shape);
  let n = 0;
  let m = 0;
  let maxCode = 0;
  let maxAttrs = 0;
  let p = offset;
  for (;;) {
    if (p >= len) fail('abbreviation table runs past the end of .debug_abbrev', p);
    const at = p;
    let code = data[p++];
    if (code >= 0x80) {
      code = uleb(data, at);
      p = lebEnd;
    }
    if (code === 0) break;
    if (code === Infinity) fail('abbreviation code too large', at);
    let tag = data[p++];
    if (tag >= 0x80) {
      tag = uleb(data, p - 1);
      p = lebEnd;
    }
    if (!(p < len)) fail('truncated abbreviation', at);
    if (tag === 0 || tag > 0xffffffff) fail(`abbreviation ${code} has tag ${tag}`, at);
    const ch = data[p++];
    if (ch !== C.DW_CHILDREN_no && ch !== C.DW_CHILDREN_yes) fail(`abbreviation ${code} has children flag ${ch}`, p - 1);
    if (n === sCode.length) growAbbrevScratch();
    const start = m;
    let off = 0;
    let first = -1;
    let sib = -1;
    for (;;) {
      const ap = p;
      let name = data[p++];
      if (name >= 0x80) {
        name = uleb(data, ap);
        p = lebEnd;
      }
      let form = data[p++];
      if (form >= 0x80) {
        form = uleb(data, p - 1);
        p = lebEnd;
      }
      if (!(p <= len)) fail(`abbreviation ${code} runs past the end of .debug_abbrev`, at);
      if (name === 0 && form === 0) break;
      if (name === 0 || form === 0 || name > 0xffffffff || form > 0xffffffff) fail(`abbreviation ${code} has attribute 0x${name.toString(16)} with form 0x${form.toString(16)}`, ap);
      if (m === sName.length) growAttrScratch();
      sImplHi[m] = 0;
      sImplLo[m] = 0;
      if (form === C.DW_FORM_implicit_const) {
        p = implicitConst(data, p, m);
        if (!(p <= len)) fail(`abbreviation ${code} runs past the end of .debug_abbrev`, at);
      }
      const size = form < sizes.length ? sizes[form] : formSize(form, shape);
      sName[m] = name;
      sForm[m] = form;
      sSize[m] = size;
      sKind[m] = form < kinds.length ? kinds[form] : valueKind(form, shape);
      if (first < 0) {
        sFixedOff[m] = off;
        if (size >= 0) off += size;
        else first = m;
      } else {
        sFixedOff[m] = -1;
      }
      if (name === C.DW_AT_sibling && sib < 0) sib = m;
      m++;
    }
    sCode[n] = code;
    sTag[n] = tag;
    sChildren[n] = ch;
    sStart[n] = start;
    sEnd[n] = m;
    sFirstVar[n] = first < 0 ? m : first;
    sPrefix[n] = off;
    sFixed[n] = first < 0 ? off : -1;
    sSibling[n] = sib;
    const h = n * HOT_STRIDE;
    sHot.fill(-1, h, h + HOT_STRIDE);
    if (m - start > 127) {
      sHot.fill(-2, h, h + HOT_STRIDE);
    } else {
      for (let k = m - 1; k >= start; k--) {
        const name = sName[k];
        if (name < HOT_LIMIT && HOT_SLOT[name] >= 0) sHot[h + HOT_SLOT[name]] = k - start;
      }
    }
    if (code > maxCode) maxCode = code;
    if (m - start > maxAttrs) maxAttrs = m - start;
    n++;
  }
  const denseLen = Math.min(maxCode, 4 * n + 256) + 1;
  const dense = new Int32Array(denseLen).fill(-1);
  let sparse: Map<number, number> | null = null;
  for (let i = 0; i < n; i++) {
    const c = sCode[i];
    if (c < denseLen) {
      if (dense[c] >= 0) fail(`duplicate abbreviation code ${c}`, offset);
      dense[c] = i;
    } else {
      sparse ??= new Map();
      if (sparse.has(c)) fail(`duplicate abbreviation code ${c}`, offset);
      sparse.set(c, i);
    }
  }
  return new AbbrevTable({
    offset, end: p, dense, sparse, maxAttrs, hot: sHot.slice(0, n * HOT_STRIDE),
    code: sCode.slice(0, n), tag: sTag.slice(0, n), children: sChildren.slice(0, n), attrStart: sStart.slice(0, n),
    attrEnd: sEnd.slice(0, n), fixedSize: sFixed.slice(0, n), firstVar: sFirstVar.slice(0, n), prefixSize: sPrefix.slice(0, n),
    sibling: sSibling.slice(0, n), name: sName.slice(0, m), form: sForm.slice(0, m), size: sSize.slice(0, m), vkind: sKind.slice(0, m),
    fixedOff: sFixedOff.slice(0, m), implicitHi: sImplHi.slice(0, m), implicitLo: sImplLo.slice(0, m),
  });
}

// REL/RELA tables read in place, with r_info split per ELF class.

import { ElfError } from '../common/errors.js';
import { MAX_SAFE_HI, TWO32 } from './bytes.js';
import { ELF32_REL_SIZE, ELF32_RELA_SIZE, ELF64_REL_SIZE, ELF64_RELA_SIZE, EM_MIPS, SHT_DYNSYM, SHT_RELA, SHT_SYMTAB } from './constants.js';
import type { ElfFile, ElfSection } from './file.js';

/** One relocation as a plain object (see `RelocationTable.get`). */
export interface ElfRelocation {
  /** Index in its table. */
  index: number;
  /** r_offset as a bigint. */
  offset: bigint;
  /** Symbol index from r_info. */
  sym: number;
  /** Relocation type from r_info. */
  type: number;
  /** r_addend (0n for SHT_REL). */
  addend: bigint;
}

/**
 * Where the 8-byte r_info of an ELF64 REL/RELA entry keeps its two halves, as byte offsets in the
 * entry: the 32-bit symbol index at `symAt`, the 32-bit type at `typeAt` (read little-endian when
 * `typeLe`). Usually r_info is one 64-bit integer, symbol index in the high half and type in the
 * low half. MIPS64 instead lays the field out as a struct: a 32-bit symbol index, then one byte
 * each of r_ssym, r_type3, r_type2 and r_type, the same bytes in either byte order. Its type is
 * read here as those four bytes big-endian: r_type in the low byte, then r_type2, r_type3 and
 * r_ssym, which for a big-endian file is what the usual reading gives and for a little-endian one
 * (mips64el) is not. A plain MIPS64 relocation (r_type2 and r_type3 R_MIPS_NONE, no special
 * symbol) thus has its r_type as its type; a composed one has a type above 255.
 */
export interface Rel64Layout {
  symAt: number;
  typeAt: number;
  typeLe: boolean;
}

const USUAL_LE: Rel64Layout = Object.freeze({ symAt: 12, typeAt: 8, typeLe: true });
/** Big-endian ELF64, and MIPS64 in either byte order. */
const SYM_FIRST: Rel64Layout = Object.freeze({ symAt: 8, typeAt: 12, typeLe: false });

/** The r_info layout of a 64-bit file's relocation entries (see Rel64Layout). */
export function rel64Layout(file: { le: boolean; header: { machine: number } }): Rel64Layout {
  return file.le && file.header.machine !== EM_MIPS ? USUAL_LE : SYM_FIRST;
}

/**
 * A view of one SHT_REL or SHT_RELA section. r_info is decoded per class: ELF64 as Rel64Layout
 * says (symbol index in the high 32 bits and type in the low 32, except on MIPS64); ELF32 sym =
 * info >> 8, type = info & 0xff.
 */
export class RelocationTable {
  /** The relocation section. */
  readonly section: ElfSection;
  /** Index of the section the relocations apply to (sh_info). */
  readonly target: number;
  /** Index of the symbol table used (sh_link). */
  readonly symtab: number;
  /** True for SHT_RELA. */
  readonly isRela: boolean;
  /** Number of entries. */
  readonly count: number;
  /** Number of symbols in the linked table (symbol indices must be below it), or -1 when sh_link is 0. */
  readonly symbolCount: number;
  /**
   * True when the table's bytes were left in the file (ElfFile.onDisk): its entries are then read
   * through `ElfFile.onDisk`, and the accessors here refuse to read the zeros in the buffer.
   */
  readonly onDisk: boolean;

  private readonly file: ElfFile;
  private readonly view: DataView;
  private readonly le: boolean;
  private readonly is64: boolean;
  private readonly base: number;
  private readonly entsize: number;
  private readonly layout: Rel64Layout;

  /** Use `ElfFile.relocations()` or `ElfFile.relocationTable()`. */
  constructor(file: ElfFile, sec: ElfSection) {
    const S = file.shdrLayout;
    const where = (field: number) => ({ file: file.fileName, section: sec.name, offset: sec.headerOffset + field });
    this.file = file;
    this.section = sec;
    this.view = file.reader.view;
    this.le = file.le;
    this.is64 = file.is64;
    this.isRela = sec.type === SHT_RELA;
    this.layout = rel64Layout(file);
    this.onDisk = file.onDisk !== null && file.onDisk.has(sec.index);
    const want = file.is64 ? (this.isRela ? ELF64_RELA_SIZE : ELF64_REL_SIZE) : this.isRela ? ELF32_RELA_SIZE : ELF32_REL_SIZE;
    if (sec.entsize !== want) throw new ElfError(`relocation sh_entsize is ${sec.entsize}, expected ${want}`, where(S.entsize));
    if (sec.size % want !== 0) throw new ElfError(`relocation section size ${sec.size} is not a multiple of ${want}`, where(S.size));
    this.entsize = want;
    this.base = sec.offset;
    this.count = sec.fileSize / want;
    if (sec.info >= file.shnum) throw new ElfError(`relocation sh_info ${sec.info} >= section count ${file.shnum}`, where(S.info));
    this.target = sec.info;
    this.symtab = sec.link;
    if (sec.link === 0) {
      this.symbolCount = -1;
    } else {
      const st = file.sections[sec.link];
      if (st === undefined || (st.type !== SHT_SYMTAB && st.type !== SHT_DYNSYM)) {
        throw new ElfError(`relocation sh_link ${sec.link} is not a symbol table`, where(S.link));
      }
      this.symbolCount = file.symbolTable(st).count;
    }
  }

  /** Refuse to read entries that are not in the buffer (see `onDisk`). */
  private inBuffer(): void {
    if (this.onDisk) throw new ElfError('relocation table was left on disk; read it through ElfFile.onDisk', { file: this.file.fileName, section: this.section.name });
  }

  /** File offset of entry `i`; throws `ElfError` if `i` is not an entry index. */
  entryOffset(i: number): number {
    this.inBuffer();
    if (!(i >= 0 && i < this.count && Number.isInteger(i))) {
      throw new ElfError(`relocation index ${i} out of range (${this.count} entries)`, { file: this.file.fileName, section: this.section.name });
    }
    return this.base + i * this.entsize;
  }

  /** r_offset as a number; throws `ElfError` when it is 2^53 or more (use `offsetBig`). */
  offset(i: number): number {
    const off = this.entryOffset(i);
    if (!this.is64) return this.view.getUint32(off, this.le);
    const lo = this.view.getUint32(off + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(off + (this.le ? 4 : 0), this.le);
    if (hi > MAX_SAFE_HI) throw new ElfError(`relocation ${i} offset does not fit in a safe integer; use offsetBig`, { file: this.file.fileName, section: this.section.name, offset: off });
    return hi * TWO32 + lo;
  }

  /** True when r_offset never decreases through the table (as linkers write them). */
  isSortedByOffset(): boolean {
    this.inBuffer();
    const v = this.view;
    const le = this.le;
    const at = v.byteOffset + this.base;
    if (this.is64 && le && (at & 3) === 0 && this.entsize % 4 === 0) {
      // Whole 32-bit words: r_offset is the first two of each entry.
      const u = new Uint32Array(v.buffer, at, (this.count * this.entsize) / 4);
      const step = this.entsize / 4;
      for (let j = step; j < u.length; j += step) {
        const hi = u[j + 1];
        const prevHi = u[j + 1 - step];
        if (hi < prevHi || (hi === prevHi && u[j] < u[j - step])) return false;
      }
      return true;
    }
    let prevHi = 0;
    let prevLo = 0;
    for (let i = 0, e = this.base; i < this.count; i++, e += this.entsize) {
      let hi = 0;
      let lo: number;
      if (this.is64) {
        lo = v.getUint32(e + (le ? 0 : 4), le);
        hi = v.getUint32(e + (le ? 4 : 0), le);
      } else {
        lo = v.getUint32(e, le);
      }
      if (hi < prevHi || (hi === prevHi && lo < prevLo)) return false;
      prevHi = hi;
      prevLo = lo;
    }
    return true;
  }

  /** Every r_offset, in table order; throws `ElfError` when one is 2^53 or more. */
  offsets(): Float64Array {
    this.inBuffer();
    const out = new Float64Array(this.count);
    const v = this.view;
    const le = this.le;
    for (let i = 0, e = this.base; i < this.count; i++, e += this.entsize) {
      if (!this.is64) {
        out[i] = v.getUint32(e, le);
        continue;
      }
      const lo = v.getUint32(e + (le ? 0 : 4), le);
      const hi = v.getUint32(e + (le ? 4 : 0), le);
      if (hi > MAX_SAFE_HI) throw new ElfError(`relocation ${i} offset does not fit in a safe integer; use offsetBig`, { file: this.file.fileName, section: this.section.name, offset: e });
      out[i] = hi * TWO32 + lo;
    }
    return out;
  }

  /** r_offset as a bigint. */
  offsetBig(i: number): bigint {
    const off = this.entryOffset(i);
    return this.is64 ? this.view.getBigUint64(off, this.le) : BigInt(this.view.getUint32(off, this.le));
  }

  /** Symbol index from r_info; throws `ElfError` when it is past the linked symbol table. */
  sym(i: number): number {
    const off = this.entryOffset(i);
    let s: number;
    if (this.is64) s = this.view.getUint32(off + this.layout.symAt, this.le);
    else s = this.view.getUint32(off + 4, this.le) >>> 8;
    if (this.symbolCount >= 0 && s >= this.symbolCount) {
      throw new ElfError(`relocation ${i} symbol ${s} >= symbol count ${this.symbolCount}`, { file: this.file.fileName, section: this.section.name, offset: off });
    }
    return s;
  }

  /** Relocation type from r_info. */
  type(i: number): number {
    const off = this.entryOffset(i);
    if (this.is64) return this.view.getUint32(off + this.layout.typeAt, this.layout.typeLe);
    return this.view.getUint32(off + 4, this.le) & 0xff;
  }

  /** r_addend as a number (0 for SHT_REL); throws `ElfError` outside ±2^53 (use `addendBig`). */
  addend(i: number): number {
    const off = this.entryOffset(i);
    if (!this.isRela) return 0;
    if (!this.is64) return this.view.getInt32(off + 8, this.le);
    const p = off + 16;
    const lo = this.view.getUint32(p + (this.le ? 0 : 4), this.le);
    const hi = this.view.getInt32(p + (this.le ? 4 : 0), this.le);
    if (hi > MAX_SAFE_HI || hi < -MAX_SAFE_HI - 1 || (hi === -MAX_SAFE_HI - 1 && lo === 0)) {
      throw new ElfError(`relocation ${i} addend does not fit in a safe integer; use addendBig`, { file: this.file.fileName, section: this.section.name, offset: p });
    }
    return hi * TWO32 + lo;
  }

  /** r_addend as a bigint (0n for SHT_REL). */
  addendBig(i: number): bigint {
    const off = this.entryOffset(i);
    if (!this.isRela) return 0n;
    return this.is64 ? this.view.getBigInt64(off + 16, this.le) : BigInt(this.view.getInt32(off + 8, this.le));
  }

  /** Entry `i` as a plain object (allocates; prefer the per-field accessors in loops). */
  get(i: number): ElfRelocation {
    return { index: i, offset: this.offsetBig(i), sym: this.sym(i), type: this.type(i), addend: this.addendBig(i) };
  }

  /** Every entry as an object, in order. */
  *[Symbol.iterator](): IterableIterator<ElfRelocation> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }
}

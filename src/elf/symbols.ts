// Symbol tables read in place: typed per-field accessors by index, no object per symbol unless asked.

import { Buffer, isAscii } from 'node:buffer';
import { ElfError } from '../common/errors.js';
import { MAX_SAFE_HI, TWO32, cString } from './bytes.js';
import { ELF32_SYM_SIZE, ELF64_SYM_SIZE, SHN_LORESERVE, SHN_XINDEX, SHT_STRTAB } from './constants.js';
import type { ElfFile, ElfSection } from './file.js';

/** One symbol as a plain object (see `SymbolTable.get`). */
export interface ElfSymbol {
  /** Symbol index in its table. */
  index: number;
  /** st_name resolved through the linked string table. */
  name: string;
  /** st_value as a bigint (addresses may exceed 2^53). */
  value: bigint;
  /** st_size. */
  size: number;
  /** st_info. */
  info: number;
  /** ELF_ST_TYPE(st_info). */
  type: number;
  /** ELF_ST_BIND(st_info). */
  bind: number;
  /** st_other. */
  other: number;
  /** st_shndx as stored. */
  rawShndx: number;
  /** Section index with SHN_XINDEX resolved through SHT_SYMTAB_SHNDX (special values such as SHN_ABS kept). */
  shndx: number;
}

/**
 * A view of one SHT_SYMTAB/SHT_DYNSYM section. Fields are read on demand by symbol index;
 * st_value is available as `value(i)` (number, throws `ElfError` past 2^53) or `valueBig(i)`.
 */
export class SymbolTable {
  /** The symbol table section. */
  readonly section: ElfSection;
  /** Its string table (sh_link). */
  readonly strtab: ElfSection;
  /** The SHT_SYMTAB_SHNDX section that extends it, if any. */
  readonly shndxSection: ElfSection | undefined;
  /** Number of symbols, the null symbol included. */
  readonly count: number;
  /** sh_info: index of the first non-local symbol. */
  readonly firstGlobal: number;

  private readonly file: ElfFile;
  private readonly view: DataView;
  private readonly le: boolean;
  private readonly is64: boolean;
  private readonly base: number;
  private readonly entsize: number;
  private readonly strings: Uint8Array;
  /**
   * The string table as a Buffer when every byte of it is ASCII: names are then decoded natively
   * as latin1, which for ASCII is the same string. Null when not ASCII; undefined: not known yet.
   */
  private asciiStrings: Buffer | null | undefined;
  private readonly shndxBase: number;

  /** Use `ElfFile.symbols()` or `ElfFile.symbolTable()`. */
  constructor(file: ElfFile, sec: ElfSection) {
    const S = file.shdrLayout;
    this.file = file;
    this.section = sec;
    this.view = file.reader.view;
    this.le = file.le;
    this.is64 = file.is64;
    const want = file.is64 ? ELF64_SYM_SIZE : ELF32_SYM_SIZE;
    if (sec.entsize !== want) {
      throw new ElfError(`symbol table sh_entsize is ${sec.entsize}, expected ${want}`, { file: file.fileName, section: sec.name, offset: sec.headerOffset + S.entsize });
    }
    if (sec.size % want !== 0) {
      throw new ElfError(`symbol table size ${sec.size} is not a multiple of ${want}`, { file: file.fileName, section: sec.name, offset: sec.headerOffset + S.size });
    }
    this.entsize = want;
    this.base = sec.offset;
    this.count = sec.fileSize / want;
    this.firstGlobal = sec.info;
    const strtab = file.sections[sec.link];
    if (strtab === undefined || sec.link === 0 || strtab.type !== SHT_STRTAB) {
      throw new ElfError(`symbol table sh_link ${sec.link} is not a string table`, { file: file.fileName, section: sec.name, offset: sec.headerOffset + S.link });
    }
    this.strtab = strtab;
    this.strings = file.sectionData(strtab);
    const shndxSection = file.symtabShndxFor(sec.index);
    this.shndxSection = shndxSection;
    this.shndxBase = -1;
    if (shndxSection) {
      if (shndxSection.fileSize < this.count * 4) {
        throw new ElfError(`SHT_SYMTAB_SHNDX has ${Math.floor(shndxSection.fileSize / 4)} entries for ${this.count} symbols`, { file: file.fileName, section: shndxSection.name, offset: shndxSection.headerOffset + S.size });
      }
      this.shndxBase = shndxSection.offset;
    }
  }

  /** File offset of symbol `i`'s entry; throws `ElfError` if `i` is not a symbol index. */
  entryOffset(i: number): number {
    if (!(i >= 0 && i < this.count && Number.isInteger(i))) {
      throw new ElfError(`symbol index ${i} out of range (${this.count} symbols)`, { file: this.file.fileName, section: this.section.name });
    }
    return this.base + i * this.entsize;
  }

  /** st_name. */
  nameOffset(i: number): number {
    return this.view.getUint32(this.entryOffset(i), this.le);
  }

  /** The symbol's name; throws `ElfError` when st_name is outside the string table. */
  name(i: number): string {
    const off = this.entryOffset(i);
    const n = this.view.getUint32(off, this.le);
    let s: string | undefined;
    if (n < this.strings.length) {
      const ascii = this.asciiStrings === undefined ? (this.asciiStrings = this.asciiTable()) : this.asciiStrings;
      if (ascii === null) s = cString(this.strings, n);
      else {
        const end = ascii.indexOf(0, n);
        s = end < 0 ? undefined : ascii.toString('latin1', n, end);
      }
    }
    if (s === undefined) {
      throw new ElfError(`symbol ${i} name offset 0x${n.toString(16)} outside ${this.strtab.name || 'string table'} or unterminated`, { file: this.file.fileName, section: this.section.name, offset: off });
    }
    return s;
  }

  private asciiTable(): Buffer | null {
    const t = this.strings;
    return isAscii(t) ? Buffer.from(t.buffer, t.byteOffset, t.byteLength) : null;
  }

  /** st_info. */
  info(i: number): number {
    return this.view.getUint8(this.entryOffset(i) + (this.is64 ? 4 : 12));
  }

  /** ELF_ST_TYPE. */
  type(i: number): number {
    return this.info(i) & 0xf;
  }

  /** ELF_ST_BIND. */
  bind(i: number): number {
    return this.info(i) >>> 4;
  }

  /** st_other. */
  other(i: number): number {
    return this.view.getUint8(this.entryOffset(i) + (this.is64 ? 5 : 13));
  }

  /** ELF_ST_VISIBILITY. */
  visibility(i: number): number {
    return this.other(i) & 3;
  }

  /** st_shndx as stored (may be SHN_XINDEX). */
  rawShndx(i: number): number {
    return this.view.getUint16(this.entryOffset(i) + (this.is64 ? 6 : 14), this.le);
  }

  /**
   * Section index of the symbol with SHN_XINDEX resolved; reserved values (SHN_ABS, SHN_COMMON, ...)
   * are returned unchanged. Throws `ElfError` when the index names no section.
   */
  shndx(i: number): number {
    const off = this.entryOffset(i);
    const raw = this.view.getUint16(off + (this.is64 ? 6 : 14), this.le);
    let idx = raw;
    if (raw === SHN_XINDEX) {
      if (this.shndxBase < 0) throw new ElfError(`symbol ${i} uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX section`, { file: this.file.fileName, section: this.section.name, offset: off });
      idx = this.view.getUint32(this.shndxBase + i * 4, this.le);
    } else if (raw >= SHN_LORESERVE) {
      return raw;
    }
    if (idx >= this.file.shnum) {
      throw new ElfError(`symbol ${i} section index ${idx} >= section count ${this.file.shnum}`, { file: this.file.fileName, section: this.section.name, offset: off });
    }
    return idx;
  }

  /** st_value as a number; throws `ElfError` when it is 2^53 or more (use `valueBig`). */
  value(i: number): number {
    const off = this.entryOffset(i);
    if (!this.is64) return this.view.getUint32(off + 4, this.le);
    const p = off + 8;
    const lo = this.view.getUint32(p + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(p + (this.le ? 4 : 0), this.le);
    if (hi > MAX_SAFE_HI) throw new ElfError(`symbol ${i} value does not fit in a safe integer; use valueBig`, { file: this.file.fileName, section: this.section.name, offset: p });
    return hi * TWO32 + lo;
  }

  /** st_value as a bigint (exact). */
  valueBig(i: number): bigint {
    const off = this.entryOffset(i);
    return this.is64 ? this.view.getBigUint64(off + 8, this.le) : BigInt(this.view.getUint32(off + 4, this.le));
  }

  /** st_size; throws `ElfError` when it is 2^53 or more. */
  size(i: number): number {
    const off = this.entryOffset(i);
    if (!this.is64) return this.view.getUint32(off + 8, this.le);
    const p = off + 16;
    const lo = this.view.getUint32(p + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(p + (this.le ? 4 : 0), this.le);
    if (hi > MAX_SAFE_HI) throw new ElfError(`symbol ${i} size does not fit in a safe integer`, { file: this.file.fileName, section: this.section.name, offset: p });
    return hi * TWO32 + lo;
  }

  /** Symbol `i` as a plain object (allocates; prefer the per-field accessors in loops). */
  get(i: number): ElfSymbol {
    const info = this.info(i);
    return {
      index: i,
      name: this.name(i),
      value: this.valueBig(i),
      size: this.size(i),
      info,
      type: info & 0xf,
      bind: info >>> 4,
      other: this.other(i),
      rawShndx: this.rawShndx(i),
      shndx: this.shndx(i),
    };
  }

  /** Index of the first symbol called `name`, or -1. */
  indexOf(name: string): number {
    for (let i = 1; i < this.count; i++) if (this.name(i) === name) return i;
    return -1;
  }

  /** Every symbol as an object, in index order. */
  *[Symbol.iterator](): IterableIterator<ElfSymbol> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }
}

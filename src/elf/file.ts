// The ELF reader: parseElf turns a buffer into an ElfFile with headers, sections, symbols and relocations.

import type { SectionsOnDisk } from './on-disk.js';
import { ElfError } from '../common/errors.js';
import { ByteReader, MAX_SAFE_HI, TWO32, cString, hex } from './bytes.js';
import { decompressSectionBytes } from './compressed.js';
import {
  EI_ABIVERSION,
  EI_CLASS,
  EI_DATA,
  EI_NIDENT,
  EI_OSABI,
  EI_VERSION,
  ELF32_EHDR_SIZE,
  ELF32_SHDR_SIZE,
  ELF64_EHDR_SIZE,
  ELF64_SHDR_SIZE,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  SHF_COMPRESSED,
  SHN_UNDEF,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_NULL,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
} from './constants.js';
import { RelocationTable } from './relocations.js';
import { detectModuleSignature, type ModuleSignature } from './signature.js';
import { SymbolTable } from './symbols.js';

/** File offsets of the ELF header fields that differ between the classes. */
export interface EhdrLayout {
  entry: number;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
  size: number;
}

/** Elf32_Ehdr field offsets. */
export const EHDR32: EhdrLayout = { entry: 24, phoff: 28, shoff: 32, flags: 36, ehsize: 40, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50, size: ELF32_EHDR_SIZE };
/** Elf64_Ehdr field offsets. */
export const EHDR64: EhdrLayout = { entry: 24, phoff: 32, shoff: 40, flags: 48, ehsize: 52, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62, size: ELF64_EHDR_SIZE };

/** Offsets of the section header fields inside one header entry. */
export interface ShdrLayout {
  name: number;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  /** Size of a "word" field (flags, addr, offset, size, addralign, entsize). */
  word: number;
  /** Size of the whole entry. */
  entrySize: number;
}

/** Elf32_Shdr field offsets. */
export const SHDR32: ShdrLayout = { name: 0, type: 4, flags: 8, addr: 12, offset: 16, size: 20, link: 24, info: 28, addralign: 32, entsize: 36, word: 4, entrySize: ELF32_SHDR_SIZE };
/** Elf64_Shdr field offsets. */
export const SHDR64: ShdrLayout = { name: 0, type: 4, flags: 8, addr: 16, offset: 24, size: 32, link: 40, info: 44, addralign: 48, entsize: 56, word: 8, entrySize: ELF64_SHDR_SIZE };

/**
 * The ELF header. Sizes and offsets are numbers; the entry address is a bigint because
 * kernel addresses such as 0xffffffff81000000 do not fit in a safe integer.
 */
export interface ElfHeader {
  /** EI_CLASS: ELFCLASS32 or ELFCLASS64. */
  class: number;
  /** EI_DATA: ELFDATA2LSB or ELFDATA2MSB. */
  data: number;
  /** EI_VERSION. */
  identVersion: number;
  /** EI_OSABI. */
  osabi: number;
  /** EI_ABIVERSION. */
  abiversion: number;
  /** e_type. */
  type: number;
  /** e_machine. */
  machine: number;
  /** e_version. */
  version: number;
  /** e_entry. */
  entry: bigint;
  /** e_phoff. */
  phoff: number;
  /** e_shoff. */
  shoff: number;
  /** e_flags. */
  flags: number;
  /** e_ehsize. */
  ehsize: number;
  /** e_phentsize. */
  phentsize: number;
  /** e_phnum. */
  phnum: number;
  /** e_shentsize. */
  shentsize: number;
  /** e_shnum as stored (0 when extended numbering is used). */
  shnumRaw: number;
  /** e_shstrndx as stored (SHN_XINDEX when extended numbering is used). */
  shstrndxRaw: number;
}

/**
 * One section header. File offsets and sizes are numbers (a value of 2^53 or more is rejected
 * while parsing); the address is kept as two 32-bit halves and read through `addr` (number,
 * throws `ElfError` when not a safe integer) or `addrBig` (bigint, always exact). The name is
 * decoded from the section header string table on first use (its offset is checked while parsing).
 */
export class ElfSection {
  /** Section index. */
  readonly index: number;
  /** sh_name. */
  readonly nameOffset: number;
  /** sh_type. */
  readonly type: number;
  /** sh_flags. */
  readonly flags: number;
  /** sh_offset. */
  readonly offset: number;
  /** sh_size. */
  readonly size: number;
  /** sh_link. */
  readonly link: number;
  /** sh_info. */
  readonly info: number;
  /** sh_addralign. */
  readonly addralign: number;
  /** sh_entsize. */
  readonly entsize: number;
  /** File offset of this section's header entry. */
  readonly headerOffset: number;
  /** High 32 bits of sh_addr. */
  readonly addrHi: number;
  /** Low 32 bits of sh_addr. */
  readonly addrLo: number;
  /** File the section came from (for errors). */
  readonly fileName: string | undefined;

  private readonly names: Uint8Array | undefined;
  private cachedName: string | undefined;

  /** Use `parseElf`; `names` is the section header string table (undefined when there is none). */
  constructor(
    index: number, names: Uint8Array | undefined, nameOffset: number, type: number, flags: number, offset: number, size: number,
    link: number, info: number, addralign: number, entsize: number, headerOffset: number, addrHi: number, addrLo: number, fileName?: string,
  ) {
    this.index = index;
    this.names = names;
    this.nameOffset = nameOffset;
    this.type = type;
    this.flags = flags;
    this.offset = offset;
    this.size = size;
    this.link = link;
    this.info = info;
    this.addralign = addralign;
    this.entsize = entsize;
    this.headerOffset = headerOffset;
    this.addrHi = addrHi;
    this.addrLo = addrLo;
    this.fileName = fileName;
  }

  /** Name from the section header string table ('' when the file has none). */
  get name(): string {
    if (this.cachedName === undefined) {
      const n = this.names === undefined ? '' : cString(this.names, this.nameOffset);
      if (n === undefined) {
        throw new ElfError(`section name offset 0x${this.nameOffset.toString(16)} outside the section header string table`, { file: this.fileName, offset: this.headerOffset });
      }
      this.cachedName = n;
    }
    return this.cachedName;
  }

  /** sh_addr as a number; throws `ElfError` when it is 2^53 or more (use `addrBig`). */
  get addr(): number {
    if (this.addrHi > MAX_SAFE_HI) {
      throw new ElfError(`sh_addr 0x${this.addrBig.toString(16)} does not fit in a safe integer; use addrBig`, { file: this.fileName, section: this.name, offset: this.headerOffset });
    }
    return this.addrHi * TWO32 + this.addrLo;
  }

  /** sh_addr as a bigint. */
  get addrBig(): bigint {
    return (BigInt(this.addrHi) << 32n) | BigInt(this.addrLo);
  }

  /** Bytes the section occupies in the file (0 for SHT_NOBITS and SHT_NULL). */
  get fileSize(): number {
    return this.type === SHT_NOBITS || this.type === SHT_NULL ? 0 : this.size;
  }
}

/** Options for `ElfFile.sectionData`. */
export interface SectionDataOptions {
  /** Decompress SHF_COMPRESSED sections (zlib or zstd); otherwise the raw bytes are returned. */
  decompress?: boolean;
}

/** A parsed ELF file. Section data are views into the input buffer (no copies). */
export class ElfFile {
  /** File name used in error messages. */
  readonly fileName: string | undefined;
  /** The whole input, including any appended module signature. */
  readonly fileBytes: Uint8Array;
  /** The ELF image proper (the input without an appended module signature). */
  readonly bytes: Uint8Array;
  /** Bounds-checked reader over `bytes`. */
  readonly reader: ByteReader;
  /** True for ELFCLASS64. */
  readonly is64: boolean;
  /** True for little-endian. */
  readonly le: boolean;
  /** The ELF header. */
  readonly header: ElfHeader;
  /** Field offsets of the ELF header for this class. */
  readonly ehdrLayout: EhdrLayout;
  /** Field offsets of a section header for this class. */
  readonly shdrLayout: ShdrLayout;
  /** All sections, index 0 included. */
  readonly sections: readonly ElfSection[];
  /** Index of the section header string table (resolved through extended numbering; 0 if none). */
  readonly shstrndx: number;
  /** The appended module signature, or null. */
  readonly signature: ModuleSignature | null;
  /**
   * Sections whose bytes are not in `bytes` but still in the file (a sparse read left them there);
   * null when every section's bytes are in the buffer.
   */
  readonly onDisk: SectionsOnDisk | null;

  private byName: Map<string, ElfSection> | undefined;
  private symtabCache: SymbolTable | null | undefined;
  private readonly symtabs = new Map<number, SymbolTable>();
  private shndxByLink: Map<number, ElfSection> | undefined;
  private relocCache: Map<number, RelocationTable[]> | undefined;
  private readonly relocTables = new Map<number, RelocationTable>();

  /** Use `parseElf`. */
  constructor(init: {
    fileName?: string; fileBytes: Uint8Array; bytes: Uint8Array; reader: ByteReader; is64: boolean; le: boolean; header: ElfHeader;
    sections: ElfSection[]; shstrndx: number; signature: ModuleSignature | null; onDisk?: SectionsOnDisk | null;
  }) {
    this.fileName = init.fileName;
    this.fileBytes = init.fileBytes;
    this.bytes = init.bytes;
    this.reader = init.reader;
    this.is64 = init.is64;
    this.le = init.le;
    this.header = init.header;
    this.ehdrLayout = init.is64 ? EHDR64 : EHDR32;
    this.shdrLayout = init.is64 ? SHDR64 : SHDR32;
    this.sections = init.sections;
    this.shstrndx = init.shstrndx;
    this.signature = init.signature;
    this.onDisk = init.onDisk ?? null;
  }

  /** Number of sections (resolved through extended numbering). */
  get shnum(): number {
    return this.sections.length;
  }

  /** Length of the ELF image proper (the file length minus any appended signature). */
  get elfLength(): number {
    return this.bytes.length;
  }

  /** Section by index; throws `ElfError` when there is no such section. */
  section(index: number): ElfSection {
    const s = this.sections[index];
    if (s === undefined || !Number.isInteger(index)) throw new ElfError(`no section with index ${index}`, { file: this.fileName });
    return s;
  }

  /** The first section called `name`, or undefined. */
  sectionByName(name: string): ElfSection | undefined {
    if (this.byName === undefined) {
      const m = new Map<string, ElfSection>();
      for (const s of this.sections) if (s.index !== 0 && !m.has(s.name)) m.set(s.name, s);
      this.byName = m;
    }
    return this.byName.get(name);
  }

  /**
   * A section's bytes as a zero-copy view into the input (empty for SHT_NOBITS and SHT_NULL), or
   * read from the file into a new buffer when the section was left on disk (see `onDisk`).
   * With `{decompress: true}` a SHF_COMPRESSED section is decompressed into a new buffer.
   */
  sectionData(sec: ElfSection | number, opts: SectionDataOptions = {}): Uint8Array {
    const s = typeof sec === 'number' ? this.section(sec) : sec;
    const size = s.fileSize;
    const raw = this.onDisk !== null && this.onDisk.has(s.index) ? this.onDisk.readAll(s) : this.bytes.subarray(s.offset, s.offset + size);
    if (opts.decompress && (s.flags & SHF_COMPRESSED) !== 0 && size > 0) {
      return decompressSectionBytes(raw, { file: this.fileName, section: s.name, fileOffset: s.offset, is64: this.is64, le: this.le });
    }
    return raw;
  }

  /** The string at `offset` in string table section `strtab`; throws `ElfError` when out of range or unterminated. */
  stringAt(strtab: ElfSection | number, offset: number): string {
    const s = typeof strtab === 'number' ? this.section(strtab) : strtab;
    const data = this.sectionData(s);
    const str = offset >= 0 && offset < data.length ? cString(data, offset) : undefined;
    if (str === undefined) {
      throw new ElfError(`string offset 0x${hex(offset)} outside string table or unterminated`, { file: this.fileName, section: s.name, offset: s.offset + offset });
    }
    return str;
  }

  /** The symbol table in `.symtab` (the SHT_SYMTAB section), or null if there is none. */
  symbols(): SymbolTable | null {
    if (this.symtabCache === undefined) {
      const sec = this.sections.find((s) => s.type === SHT_SYMTAB);
      this.symtabCache = sec ? this.symbolTable(sec) : null;
    }
    return this.symtabCache;
  }

  /** A symbol table view of any SHT_SYMTAB or SHT_DYNSYM section (cached per section). */
  symbolTable(sec: ElfSection | number): SymbolTable {
    const s = typeof sec === 'number' ? this.section(sec) : sec;
    let t = this.symtabs.get(s.index);
    if (t === undefined) {
      if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) throw new ElfError('not a symbol table', { file: this.fileName, section: s.name, offset: s.headerOffset });
      t = new SymbolTable(this, s);
      this.symtabs.set(s.index, t);
    }
    return t;
  }

  /** The SHT_SYMTAB_SHNDX section whose sh_link is `symtabIndex`, if any. */
  symtabShndxFor(symtabIndex: number): ElfSection | undefined {
    if (this.shndxByLink === undefined) {
      const m = new Map<number, ElfSection>();
      for (const s of this.sections) if (s.type === SHT_SYMTAB_SHNDX && !m.has(s.link)) m.set(s.link, s);
      this.shndxByLink = m;
    }
    return this.shndxByLink.get(symtabIndex);
  }

  /** A relocation table view of one SHT_REL or SHT_RELA section (cached per section). */
  relocationTable(sec: ElfSection | number): RelocationTable {
    const s = typeof sec === 'number' ? this.section(sec) : sec;
    let t = this.relocTables.get(s.index);
    if (t === undefined) {
      if (s.type !== SHT_REL && s.type !== SHT_RELA) throw new ElfError('not a relocation section', { file: this.fileName, section: s.name, offset: s.headerOffset });
      t = new RelocationTable(this, s);
      this.relocTables.set(s.index, t);
    }
    return t;
  }

  /** All REL/RELA tables grouped by the index of the section they apply to (sh_info). */
  relocations(): Map<number, RelocationTable[]> {
    if (this.relocCache === undefined) {
      const m = new Map<number, RelocationTable[]>();
      for (const s of this.sections) {
        if (s.type !== SHT_REL && s.type !== SHT_RELA) continue;
        const t = this.relocationTable(s);
        const list = m.get(t.target);
        if (list) list.push(t);
        else m.set(t.target, [t]);
      }
      this.relocCache = m;
    }
    return this.relocCache;
  }

  /** The relocation tables that apply to section `target` (empty array when none). */
  relocationsFor(target: ElfSection | number): RelocationTable[] {
    const idx = typeof target === 'number' ? target : target.index;
    return this.relocations().get(idx) ?? [];
  }
}

/** Options for `parseElf`. */
export interface ParseElfOptions {
  /** Sections whose bytes were left in the file (the buffer has zeros there); see ElfFile.onDisk. */
  onDisk?: SectionsOnDisk | null;
}

/**
 * Parse an ELF32 or ELF64 file of either byte order. A module signature appended after the ELF
 * image is detected and split off first. Malformed input throws `ElfError` with the offending file offset.
 */
export function parseElf(input: Uint8Array, fileName?: string, opts: ParseElfOptions = {}): ElfFile {
  // A Node Buffer's slice() is a view; every section view handed out must copy on slice().
  const buf = plainBytes(input);
  const file = fileName;
  if (buf.length < EI_NIDENT) throw new ElfError(`truncated ELF identification (${buf.length} bytes)`, { file, offset: 0 });
  if (buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) throw new ElfError('bad ELF magic', { file, offset: 0 });
  const cls = buf[EI_CLASS];
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) throw new ElfError(`bad ELF class ${cls}`, { file, offset: EI_CLASS });
  const data = buf[EI_DATA];
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) throw new ElfError(`bad ELF data encoding ${data}`, { file, offset: EI_DATA });
  const is64 = cls === ELFCLASS64;
  const le = data === ELFDATA2LSB;

  const signature = detectModuleSignature(buf, file);
  const bytes = signature ? buf.subarray(0, signature.elfLength) : buf;
  const r = new ByteReader(bytes, le, file);
  const E = is64 ? EHDR64 : EHDR32;
  const S = is64 ? SHDR64 : SHDR32;
  if (bytes.length < E.size) throw new ElfError(`truncated ELF header (${bytes.length} bytes, need ${E.size})`, { file, offset: bytes.length });

  const header: ElfHeader = {
    class: cls,
    data,
    identVersion: bytes[EI_VERSION],
    osabi: bytes[EI_OSABI],
    abiversion: bytes[EI_ABIVERSION],
    type: r.u16(16),
    machine: r.u16(18),
    version: r.u32(20),
    entry: r.wordBig(E.entry, is64),
    phoff: r.word(E.phoff, is64, 'e_phoff'),
    shoff: r.word(E.shoff, is64, 'e_shoff'),
    flags: r.u32(E.flags),
    ehsize: r.u16(E.ehsize),
    phentsize: r.u16(E.phentsize),
    phnum: r.u16(E.phnum),
    shentsize: r.u16(E.shentsize),
    shnumRaw: r.u16(E.shnum),
    shstrndxRaw: r.u16(E.shstrndx),
  };

  if (header.phnum > 0) r.check(header.phoff, header.phnum * header.phentsize, 'program header table');

  const sections: ElfSection[] = [];
  let shstrndx = 0;
  if (header.shoff !== 0) {
    if (header.shentsize !== S.entrySize) {
      throw new ElfError(`e_shentsize is ${header.shentsize}, expected ${S.entrySize}`, { file, offset: E.shentsize });
    }
    r.check(header.shoff, S.entrySize, 'section header table');
    let count = header.shnumRaw;
    if (count === 0) {
      count = r.word(header.shoff + S.size, is64, 'section count in section 0');
      if (count === 0) throw new ElfError('bad extended numbering: e_shnum and section 0 sh_size are both 0', { file, offset: header.shoff + S.size });
    }
    if (count > (bytes.length - header.shoff) / S.entrySize) {
      throw new ElfError(`section header table (${count} entries at 0x${header.shoff.toString(16)}) out of range`, { file, offset: header.shoff });
    }
    if (header.shstrndxRaw === SHN_XINDEX) {
      shstrndx = r.u32(header.shoff + S.link);
      if (shstrndx === 0 || shstrndx >= count) {
        throw new ElfError(`bad extended numbering: section 0 sh_link ${shstrndx} is not a section string table index`, { file, offset: header.shoff + S.link });
      }
    } else {
      shstrndx = header.shstrndxRaw;
      if (shstrndx >= count) throw new ElfError(`e_shstrndx ${shstrndx} >= section count ${count}`, { file, offset: E.shstrndx });
    }
    readSectionHeaders(r, header.shoff, count, shstrndx, is64, sections);
  } else if (header.shnumRaw !== 0) {
    throw new ElfError(`e_shnum is ${header.shnumRaw} but e_shoff is 0`, { file, offset: E.shnum });
  }

  return new ElfFile({ fileName, fileBytes: buf, bytes, reader: r, is64, le, header, sections, shstrndx, signature, onDisk: opts.onDisk });
}

function readSectionHeaders(r: ByteReader, shoff: number, count: number, shstrndx: number, is64: boolean, out: ElfSection[]): void {
  const S = is64 ? SHDR64 : SHDR32;
  const view = r.view;
  const le = r.le;
  const file = r.fileName;
  const len = r.length;
  const lo = le ? 0 : 4;
  const hi = le ? 4 : 0;

  // The table is known to be in range, so the unchecked reads below cannot leave the buffer.
  const word = (off: number, what: string): number => {
    if (!is64) return view.getUint32(off, le);
    const h = view.getUint32(off + hi, le);
    if (h > MAX_SAFE_HI) throw new ElfError(`${what} does not fit in a safe integer`, { file, offset: off });
    return h * TWO32 + view.getUint32(off + lo, le);
  };

  let names: Uint8Array | undefined;
  if (shstrndx !== SHN_UNDEF) {
    const h = shoff + shstrndx * S.entrySize;
    const type = view.getUint32(h + S.type, le);
    if (type !== SHT_STRTAB) throw new ElfError(`section header string table (section ${shstrndx}) has type ${type}, not SHT_STRTAB`, { file, offset: h + S.type });
    const off = word(h + S.offset, 'sh_offset');
    const size = word(h + S.size, 'sh_size');
    if (off + size > len) throw new ElfError('section header string table data out of range', { file, offset: h + S.offset });
    names = r.bytes.subarray(off, off + size);
  }
  // When the table ends in NUL every in-range offset names a terminated string; otherwise check each one.
  const terminated = names !== undefined && names.length > 0 && names[names.length - 1] === 0;

  for (let i = 0; i < count; i++) {
    const h = shoff + i * S.entrySize;
    const nameOffset = view.getUint32(h, le);
    const type = view.getUint32(h + 4, le);
    let flags: number, addrHi: number, addrLo: number, offset: number, size: number, addralign: number, entsize: number;
    if (is64) {
      flags = word(h + 8, 'sh_flags');
      addrLo = view.getUint32(h + 16 + lo, le);
      addrHi = view.getUint32(h + 16 + hi, le);
      offset = word(h + 24, 'sh_offset');
      size = word(h + 32, 'sh_size');
      addralign = word(h + 48, 'sh_addralign');
      entsize = word(h + 56, 'sh_entsize');
    } else {
      flags = view.getUint32(h + 8, le);
      addrHi = 0;
      addrLo = view.getUint32(h + 12, le);
      offset = view.getUint32(h + 16, le);
      size = view.getUint32(h + 20, le);
      addralign = view.getUint32(h + 32, le);
      entsize = view.getUint32(h + 36, le);
    }
    const link = view.getUint32(h + S.link, le);
    const info = view.getUint32(h + S.info, le);
    if (names !== undefined && (nameOffset >= names.length || (!terminated && cString(names, nameOffset) === undefined))) {
      throw new ElfError(`section name offset 0x${nameOffset.toString(16)} outside the section header string table`, { file, offset: h + S.name });
    }
    const sec = new ElfSection(i, names, nameOffset, type, flags, offset, size, link, info, addralign, entsize, h, addrHi, addrLo, file);
    if (type !== SHT_NOBITS && type !== SHT_NULL && size > 0 && offset + size > len) {
      throw new ElfError(`section data (0x${size.toString(16)} bytes at 0x${offset.toString(16)}) out of range`, { file, section: sec.name || `[${i}]`, offset: h + S.offset });
    }
    if (link >= count && i !== 0) {
      throw new ElfError(`sh_link ${link} >= section count ${count}`, { file, section: sec.name || `[${i}]`, offset: h + S.link });
    }
    out.push(sec);
  }
}

/** True when `b` starts with the ELF magic (\x7fELF). */
export function hasElfMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}

/** `b` as a plain Uint8Array view (no copy): Node Buffers become ordinary typed arrays. */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Buffer.isBuffer(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;
}

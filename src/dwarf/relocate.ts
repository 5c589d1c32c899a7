// Applying an ET_REL object's .rela.debug_* / .rel.debug_* relocations to a private copy of a debug section.

import { DwarfError } from '../common/errors.js';
import { sharedCopy } from '../common/typed-arrays.js';
import { EM_386, EM_AARCH64, EM_ARM, EM_LOONGARCH, EM_MIPS, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64, ET_REL, rel64Layout, type ElfFile, type ElfSection, type RelocationTable } from '../elf/index.js';

// Relocation types, spelled as in each psABI; only the data relocations compilers put into debug
// sections are listed (absolute, PC-relative, and RISC-V's add/sub pairs).

/** x86-64 psABI. */
export const R_X86_64_NONE = 0;
export const R_X86_64_64 = 1;
export const R_X86_64_PC32 = 2;
export const R_X86_64_32 = 10;
export const R_X86_64_32S = 11;
export const R_X86_64_DTPOFF64 = 17;
export const R_X86_64_DTPOFF32 = 21;
export const R_X86_64_PC64 = 24;
/** AArch64 ELF ABI. */
export const R_AARCH64_NONE = 0;
export const R_AARCH64_NONE_LEGACY = 256;
export const R_AARCH64_ABS64 = 257;
export const R_AARCH64_ABS32 = 258;
export const R_AARCH64_PREL64 = 260;
export const R_AARCH64_PREL32 = 261;
/** s390x ELF ABI (also used by 31-bit s390). */
export const R_390_NONE = 0;
export const R_390_32 = 4;
export const R_390_PC32 = 5;
export const R_390_64 = 22;
export const R_390_PC64 = 23;
/** i386 psABI. */
export const R_386_NONE = 0;
export const R_386_32 = 1;
export const R_386_PC32 = 2;

/** 64-bit PowerPC ELF ABI (what libdwfl applies in debug sections: the absolute ones). */
export const R_PPC64_NONE = 0;
export const R_PPC64_ADDR32 = 1;
export const R_PPC64_UADDR32 = 24;
export const R_PPC64_ADDR64 = 38;
export const R_PPC64_UADDR64 = 43;

/** ARM ELF (likewise: libdwfl applies ABS32 in debug sections). */
export const R_ARM_NONE = 0;
export const R_ARM_ABS32 = 2;

/**
 * RISC-V psABI. With linker relaxation, label differences in debug sections are ADD/SUB pairs on
 * the same place (the place gains S + A of the first and loses S + A of the second), as libdwfl
 * applies them.
 */
export const R_RISCV_NONE = 0;
export const R_RISCV_32 = 1;
export const R_RISCV_64 = 2;
export const R_RISCV_ADD8 = 33;
export const R_RISCV_ADD16 = 34;
export const R_RISCV_ADD32 = 35;
export const R_RISCV_ADD64 = 36;
export const R_RISCV_SUB8 = 37;
export const R_RISCV_SUB16 = 38;
export const R_RISCV_SUB32 = 39;
export const R_RISCV_SUB64 = 40;
export const R_RISCV_SET8 = 54;
export const R_RISCV_SET16 = 55;
export const R_RISCV_SET32 = 56;

/**
 * LoongArch ELF psABI: the absolute types the kernel's modules and clang write into debug
 * sections (Debian's loong64 modules hold R_LARCH_32 and R_LARCH_64 only).
 */
export const R_LARCH_NONE = 0;
export const R_LARCH_32 = 1;
export const R_LARCH_64 = 2;

/**
 * MIPS ELF ABI. A MIPS64 entry holds up to three types applied in turn (see Rel64Layout); debug
 * sections only ever hold plain ones, the other two R_MIPS_NONE, and a composed one is refused.
 */
export const R_MIPS_NONE = 0;
export const R_MIPS_32 = 2;
export const R_MIPS_64 = 18;

const TWO32 = 4294967296;

/**
 * What one relocation type does: write `width` bytes of S + A (minus P when `pcrel`), or with
 * `addsub` 1 or -1 add S + A to the `width` bytes there or subtract it; width 0 = ignore.
 */
interface RelocKind {
  width: number;
  pcrel: boolean;
  addsub: number;
}

const NONE: RelocKind = { width: 0, pcrel: false, addsub: 0 };
const ABS8: RelocKind = { width: 1, pcrel: false, addsub: 0 };
const ABS16: RelocKind = { width: 2, pcrel: false, addsub: 0 };
const ABS32: RelocKind = { width: 4, pcrel: false, addsub: 0 };
const ABS64: RelocKind = { width: 8, pcrel: false, addsub: 0 };
const PC32: RelocKind = { width: 4, pcrel: true, addsub: 0 };
const PC64: RelocKind = { width: 8, pcrel: true, addsub: 0 };
const ADD: readonly RelocKind[] = [1, 2, 4, 8].map((width) => ({ width, pcrel: false, addsub: 1 }));
const SUB: readonly RelocKind[] = [1, 2, 4, 8].map((width) => ({ width, pcrel: false, addsub: -1 }));

function relocKind(machine: number, type: number): RelocKind | undefined {
  switch (machine) {
    case EM_X86_64:
      switch (type) {
        case R_X86_64_NONE: return NONE;
        case R_X86_64_64: case R_X86_64_DTPOFF64: return ABS64;
        case R_X86_64_32: case R_X86_64_32S: case R_X86_64_DTPOFF32: return ABS32;
        case R_X86_64_PC32: return PC32;
        case R_X86_64_PC64: return PC64;
      }
      return undefined;
    case EM_AARCH64:
      switch (type) {
        case R_AARCH64_NONE: case R_AARCH64_NONE_LEGACY: return NONE;
        case R_AARCH64_ABS64: return ABS64;
        case R_AARCH64_ABS32: return ABS32;
        case R_AARCH64_PREL64: return PC64;
        case R_AARCH64_PREL32: return PC32;
      }
      return undefined;
    case EM_S390:
      switch (type) {
        case R_390_NONE: return NONE;
        case R_390_64: return ABS64;
        case R_390_32: return ABS32;
        case R_390_PC32: return PC32;
        case R_390_PC64: return PC64;
      }
      return undefined;
    case EM_386:
      switch (type) {
        case R_386_NONE: return NONE;
        case R_386_32: return ABS32;
        case R_386_PC32: return PC32;
      }
      return undefined;
    case EM_PPC64:
      switch (type) {
        case R_PPC64_NONE: return NONE;
        case R_PPC64_ADDR64: case R_PPC64_UADDR64: return ABS64;
        case R_PPC64_ADDR32: case R_PPC64_UADDR32: return ABS32;
      }
      return undefined;
    case EM_ARM:
      switch (type) {
        case R_ARM_NONE: return NONE;
        case R_ARM_ABS32: return ABS32;
      }
      return undefined;
    case EM_RISCV:
      switch (type) {
        case R_RISCV_NONE: return NONE;
        case R_RISCV_64: return ABS64;
        case R_RISCV_32: case R_RISCV_SET32: return ABS32;
        case R_RISCV_SET16: return ABS16;
        case R_RISCV_SET8: return ABS8;
        case R_RISCV_ADD8: return ADD[0];
        case R_RISCV_ADD16: return ADD[1];
        case R_RISCV_ADD32: return ADD[2];
        case R_RISCV_ADD64: return ADD[3];
        case R_RISCV_SUB8: return SUB[0];
        case R_RISCV_SUB16: return SUB[1];
        case R_RISCV_SUB32: return SUB[2];
        case R_RISCV_SUB64: return SUB[3];
      }
      return undefined;
    case EM_MIPS:
      switch (type) {
        case R_MIPS_NONE: return NONE;
        case R_MIPS_64: return ABS64;
        case R_MIPS_32: return ABS32;
      }
      return undefined;
    case EM_LOONGARCH:
      switch (type) {
        case R_LARCH_NONE: return NONE;
        case R_LARCH_64: return ABS64;
        case R_LARCH_32: return ABS32;
      }
      return undefined;
  }
  return undefined;
}

/** "unsupported relocation type ..." for an error, spelling out a composed MIPS64 type. */
function unsupportedType(machine: number, type: number, table: string): string {
  const composed = machine === EM_MIPS && type > 0xff ? ` (r_type ${type & 0xff}, r_type2 ${(type >>> 8) & 0xff}, r_type3 ${(type >>> 16) & 0xff}, r_ssym ${type >>> 24}: a composed relocation)` : '';
  return `unsupported relocation type ${type}${composed} for machine ${machine} in ${table}`;
}

/** Symbol values of one symbol table as numbers (NaN where st_value is not a safe integer), cached per file. */
const symbolValueCache = new WeakMap<ElfFile, Map<number, Float64Array>>();

function symbolValues(elf: ElfFile, symtabIndex: number): Float64Array {
  let perFile = symbolValueCache.get(elf);
  if (perFile === undefined) {
    perFile = new Map();
    symbolValueCache.set(elf, perFile);
  }
  let values = perFile.get(symtabIndex);
  if (values === undefined) {
    const st = elf.symbolTable(symtabIndex);
    values = new Float64Array(st.count);
    for (let i = 0; i < st.count; i++) {
      const big = st.valueBig(i);
      values[i] = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : NaN;
    }
    perFile.set(symtabIndex, values);
  }
  return values;
}

/** Per symbol of symbol table `symtabIndex`: its section when `sections` marks it (by section index), else 0. */
export function markedSections(elf: ElfFile, symtabIndex: number, sections: Uint8Array): Int32Array {
  const st = elf.symbolTable(symtabIndex);
  const out = new Int32Array(st.count);
  for (let i = 0; i < st.count; i++) {
    const sh = st.shndx(i);
    if (sh > 0 && sh < sections.length && sections[sh] !== 0) out[i] = sh;
  }
  return out;
}

/**
 * The places of a relocated section that hold addresses: those relocated against a symbol of a
 * section the caller marked (see relocateDebugSectionWithPlaces), each with that section's index,
 * in the order the tables list them (tables without a symbol table aside). Where a later
 * relocation of the same place names a symbol of an unmarked section, the place's section is 0:
 * the last relocation of a place decides what it holds. `sorted`: whether the places of all those
 * relocations never decrease. Only then are these lists in increasing order with each place once,
 * as a binary search needs them.
 */
export interface AddressPlaces extends PlaceList {
  /** The sections marked. */
  marked: Uint8Array;
}

/** Relocation places with a section each, and whether the places offered never decreased (see AddressPlacesBuilder). */
export interface PlaceList {
  offs: Float64Array;
  shndx: Int32Array;
  sorted: boolean;
}

/**
 * Collects AddressPlaces from relocations offered in table order: a place with a marked section
 * (or every place, with `keepAll`), and for a place without one, the section 0 on the place just
 * kept when it is the same place.
 */
export class AddressPlacesBuilder {
  private readonly offs: Float64Array;
  private readonly shndx: Int32Array;
  private n = 0;
  private prev = 0;
  private sorted = true;

  /** `capacity`: the number of relocations that will be offered (pages past those kept stay untouched). */
  constructor(capacity: number, private readonly keepAll = false) {
    this.offs = new Float64Array(capacity);
    this.shndx = new Int32Array(capacity);
  }

  /** The relocation of place `off` against a symbol of section `sh` (0: unmarked). */
  offer(off: number, sh: number): void {
    if (off < this.prev) this.sorted = false;
    this.prev = off;
    const n = this.n;
    if (sh === 0 && !this.keepAll) {
      if (n > 0 && this.offs[n - 1] === off) this.shndx[n - 1] = 0;
      return;
    }
    this.offs[n] = off;
    this.shndx[n] = sh;
    this.n = n + 1;
  }

  /** What was kept. */
  result(): PlaceList {
    return { offs: this.offs.subarray(0, this.n), shndx: this.shndx.subarray(0, this.n), sorted: this.sorted };
  }
}

/**
 * True when `sec` must be relocated before it is read: the file is ET_REL and some REL/RELA section
 * applies to it. ET_EXEC and ET_DYN files are never relocated, even when linked with --emit-relocs.
 */
export function needsRelocation(elf: ElfFile, sec: ElfSection): boolean {
  return elf.header.type === ET_REL && elf.relocationsFor(sec).length > 0;
}

/**
 * Apply every relocation that targets `sec` to `data` (the section's possibly decompressed bytes) and
 * return the relocated bytes. `data` is copied first unless `owned` says it is already private.
 * Tables left on disk (ElfFile.onDisk) are read `pieceEntries` entries at a time.
 * S is the symbol's st_value (0 for section symbols in ET_REL), A the addend (for SHT_REL, the value
 * already stored at the place) and P the section's sh_addr plus r_offset.
 * @throws DwarfError for an unknown relocation type or machine, a place outside the section, or a
 *   symbol whose value is not a safe integer.
 */
export function relocateDebugSection(elf: ElfFile, sec: ElfSection, data: Uint8Array, owned: boolean, pieceEntries = ENTRIES_PER_PIECE): Uint8Array {
  return relocate(elf, sec, data, owned, pieceEntries, null).data;
}

/**
 * relocateDebugSection, also giving the AddressPlaces of the sections `marked` (per section index,
 * nonzero for those whose addresses are wanted); null when no relocation applies. Found while the
 * relocations are applied, so a reader that needs them (an encoder looking up variable addresses)
 * does not read a table left on disk a second time.
 */
export function relocateDebugSectionWithPlaces(elf: ElfFile, sec: ElfSection, data: Uint8Array, owned: boolean, marked: Uint8Array, pieceEntries = ENTRIES_PER_PIECE): { data: Uint8Array; places: AddressPlaces | null } {
  return relocate(elf, sec, data, owned, pieceEntries, marked);
}

function relocate(elf: ElfFile, sec: ElfSection, data: Uint8Array, owned: boolean, pieceEntries: number, marked: Uint8Array | null): { data: Uint8Array; places: AddressPlaces | null } {
  const tables = elf.relocationsFor(sec);
  if (elf.header.type !== ET_REL || tables.length === 0) return { data, places: null };
  // A copy of bytes in shared memory is shared as well, so worker threads can read it.
  const out = owned ? data : data.buffer instanceof SharedArrayBuffer ? sharedCopy(data) : data.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let places: AddressPlacesBuilder | null = null;
  if (marked !== null) {
    let offered = 0;
    for (const t of tables) if (t.symtab !== 0) offered += t.count;
    places = new AddressPlacesBuilder(offered);
  }
  for (const t of tables) {
    const found = places === null || t.symtab === 0 ? null : { places, sections: markedSections(elf, t.symtab, marked!) };
    applyTable(elf, sec, t, out, view, pieceEntries, found);
  }
  return { data: out, places: places === null ? null : { ...places.result(), marked: marked! } };
}

/** Relocation entries read from the file at a time when a table was left on disk (ElfFile.onDisk). */
export const ENTRIES_PER_PIECE = 1 << 16;

function applyTable(elf: ElfFile, sec: ElfSection, t: RelocationTable, out: Uint8Array, view: DataView, pieceEntries: number, found: PlaceSink | null): void {
  if (t.count === 0) return;
  const values = t.symtab === 0 ? new Float64Array(1) : symbolValues(elf, t.symtab);
  if (!t.onDisk) {
    applyEntries(elf, sec, t, out, view, values, elf.bytes, t.section.offset, 0, t.count, found);
    return;
  }
  // A table left on disk (a module's .rela.debug_info can be larger than the section it patches)
  // is read a piece at a time, so it is never held whole.
  const entsize = t.section.entsize;
  elf.onDisk!.forEachPiece(t.section, pieceEntries * entsize, (piece, at) => {
    applyEntries(elf, sec, t, out, view, values, piece, 0, at / entsize, Math.floor(piece.length / entsize), found);
  });
}

/** Where applyEntries offers each relocation, with the marked section of each of the table's symbols (see markedSections). */
interface PlaceSink {
  places: AddressPlacesBuilder;
  sections: Int32Array;
}

const NO_SECTIONS = new Int32Array(0);

/**
 * Apply entries `first` .. `first + n - 1` of table `t`, whose bytes start at `rel[base]` (the
 * whole file, or a piece of the table read from disk).
 */
function applyEntries(elf: ElfFile, sec: ElfSection, t: RelocationTable, out: Uint8Array, view: DataView, values: Float64Array, rel: Uint8Array, base: number, first: number, n: number, found: PlaceSink | null): void {
  const file = elf.fileName;
  const le = elf.le;
  const is64 = elf.is64;
  const machine = elf.header.machine;
  const nsyms = values.length;
  const rv = new DataView(rel.buffer, rel.byteOffset, rel.byteLength);
  const entsize = t.section.entsize;
  const secAddr = sec.addr;
  const limit = out.length;
  const { symAt, typeAt, typeLe } = rel64Layout(elf);
  if (is64 && le && t.isRela && entsize === 24 && symAt === 12 && ((rel.byteOffset + base) & 3) === 0) {
    applyRela64Le(elf, sec, t, out, values, new Uint32Array(rel.buffer, rel.byteOffset + base, n * 6), first, found);
    return;
  }
  let lastType = -1;
  let kind: RelocKind = NONE;
  for (let k = 0; k < n; k++) {
    const i = first + k;
    const e = base + k * entsize;
    let offset: number, sym: number, type: number, addend: number;
    if (is64) {
      const offLo = rv.getUint32(e + (le ? 0 : 4), le);
      const offHi = rv.getUint32(e + (le ? 4 : 0), le);
      offset = offHi * TWO32 + offLo;
      type = rv.getUint32(e + typeAt, typeLe);
      sym = rv.getUint32(e + symAt, le);
      if (t.isRela) {
        const aLo = rv.getUint32(e + 16 + (le ? 0 : 4), le);
        const aHi = rv.getInt32(e + 16 + (le ? 4 : 0), le);
        addend = aHi * TWO32 + aLo;
      } else {
        addend = 0;
      }
    } else {
      offset = rv.getUint32(e, le);
      const info = rv.getUint32(e + 4, le);
      type = info & 0xff;
      sym = info >>> 8;
      addend = t.isRela ? rv.getInt32(e + 8, le) : 0;
    }
    if (found !== null) found.places.offer(offset, sym < found.sections.length ? found.sections[sym] : 0);
    if (type !== lastType) {
      const rk = relocKind(machine, type);
      if (rk === undefined) {
        throw new DwarfError(unsupportedType(machine, type, t.section.name), { file, section: t.section.name, offset: i * entsize });
      }
      kind = rk;
      lastType = type;
    }
    const width = kind.width;
    if (width === 0) continue;
    if (!(offset + width <= limit)) {
      throw new DwarfError(`relocation ${i} patches offset 0x${offset.toString(16)}, outside the ${limit}-byte section`, { file, section: t.section.name, offset: i * entsize });
    }
    if (sym >= nsyms) {
      throw new DwarfError(`relocation ${i} names symbol ${sym}, past the ${nsyms}-entry symbol table`, { file, section: t.section.name, offset: i * entsize });
    }
    const s = values[sym];
    if (Number.isNaN(s)) {
      throw new DwarfError(`relocation ${i} uses symbol ${sym} whose value does not fit in a safe integer`, { file, section: t.section.name, offset: i * entsize });
    }
    if (!t.isRela && kind.addsub === 0) addend = readPlace(view, offset, width, le, false);
    let v = s + addend;
    if (kind.pcrel) v -= secAddr + offset;
    patch(view, offset, width, le, v, kind.addsub);
  }
}

/** The `width` bytes at `offset` as an integer, signed or unsigned (exact below 2^53 in size). */
function readPlace(view: DataView, offset: number, width: number, le: boolean, signed: boolean): number {
  switch (width) {
    case 1: return signed ? view.getInt8(offset) : view.getUint8(offset);
    case 2: return signed ? view.getInt16(offset, le) : view.getUint16(offset, le);
    case 4: return signed ? view.getInt32(offset, le) : view.getUint32(offset, le);
    default: {
      const lo = view.getUint32(offset + (le ? 0 : 4), le);
      const hi = signed ? view.getInt32(offset + (le ? 4 : 0), le) : view.getUint32(offset + (le ? 4 : 0), le);
      return hi * TWO32 + lo;
    }
  }
}

/**
 * Store `v` (S + A, or S + A - P) in the `width` bytes at `offset`, modulo 2^(8·width); with
 * `addsub` 1 or -1, add it to what is there or subtract it (RISC-V's ADD/SUB pairs).
 */
function patch(view: DataView, offset: number, width: number, le: boolean, v: number, addsub: number): void {
  if (addsub !== 0) v = readPlace(view, offset, width, le, true) + addsub * v;
  switch (width) {
    case 1:
      view.setUint8(offset, v & 0xff);
      return;
    case 2:
      view.setUint16(offset, v & 0xffff, le);
      return;
    case 4:
      view.setUint32(offset, v >>> 0, le);
      return;
    default: {
      const lo = v >>> 0;
      const hi = ((v - lo) / TWO32) >>> 0; // floor(v / 2^32), as in applyRela64Le
      view.setUint32(offset + (le ? 0 : 4), lo, le);
      view.setUint32(offset + (le ? 4 : 0), hi, le);
    }
  }
}

/**
 * applyEntries for the common case (ELF64 little-endian RELA, entries 4-byte aligned in memory):
 * `u` holds the entries as 32-bit words, the first being entry `first` of the table. Anything
 * unusual (an offset of 2^32 or more, a PC-relative type, a bad place or symbol) goes through the
 * checked path of `applyChecked`; same results, same errors.
 */
function applyRela64Le(elf: ElfFile, sec: ElfSection, t: RelocationTable, out: Uint8Array, values: Float64Array, u: Uint32Array, first: number, found: PlaceSink | null): void {
  const machine = elf.header.machine;
  const n = u.length / 6;
  const nsyms = values.length;
  const places = found === null ? null : found.places;
  const marked = found === null ? NO_SECTIONS : found.sections;
  const limit = out.length;
  let lastType = -1;
  let kind: RelocKind = NONE;
  let width = 0;
  /** Not a plain store of 4 or 8 bytes of S + A (PC-relative, add/sub, or another width). */
  let unusual = false;
  for (let i = 0, j = 0; i < n; i++, j += 6) {
    if (places !== null) {
      const sym = u[j + 3];
      places.offer(u[j + 1] * TWO32 + u[j], sym < marked.length ? marked[sym] : 0);
    }
    const type = u[j + 2];
    if (type !== lastType) {
      const k = relocKind(machine, type);
      if (k === undefined) {
        throw new DwarfError(unsupportedType(machine, type, t.section.name), { file: elf.fileName, section: t.section.name, offset: (first + i) * 24 });
      }
      kind = k;
      width = k.width;
      unusual = k.pcrel || k.addsub !== 0 || (width !== 4 && width !== 8);
      lastType = type;
    }
    if (width === 0) continue;
    const offset = u[j];
    const sym = u[j + 3];
    const s = sym < nsyms ? values[sym] : NaN;
    const addend = (u[j + 5] | 0) * TWO32 + u[j + 4];
    if (u[j + 1] !== 0 || unusual || offset + width > limit || s !== s) {
      applyChecked(elf, sec, t, out, values, first + i, u[j + 1] * TWO32 + offset, sym, addend, kind);
      continue;
    }
    const v = s + addend;
    // Byte stores: measurably faster here than DataView writes.
    const lo = v >>> 0;
    out[offset] = lo;
    out[offset + 1] = lo >>> 8;
    out[offset + 2] = lo >>> 16;
    out[offset + 3] = lo >>> 24;
    if (width === 8) {
      // floor(v / 2^32), exactly, for |v| < 2^53. Not Math.floor(v / TWO32): until V8 optimizes
      // this loop, that quotient is a fraction, a heap number made for each 64-bit relocation.
      const hi = ((v - lo) / TWO32) >>> 0;
      out[offset + 4] = hi;
      out[offset + 5] = hi >>> 8;
      out[offset + 6] = hi >>> 16;
      out[offset + 7] = hi >>> 24;
    }
  }
}

/** One little-endian relocation with every check (the rare cases of applyRela64Le). */
function applyChecked(elf: ElfFile, sec: ElfSection, t: RelocationTable, out: Uint8Array, values: Float64Array, i: number, offset: number, sym: number, addend: number, kind: RelocKind): void {
  const file = elf.fileName;
  const width = kind.width;
  if (!(offset + width <= out.length)) {
    throw new DwarfError(`relocation ${i} patches offset 0x${offset.toString(16)}, outside the ${out.length}-byte section`, { file, section: t.section.name, offset: i * t.section.entsize });
  }
  if (sym >= values.length) {
    throw new DwarfError(`relocation ${i} names symbol ${sym}, past the ${values.length}-entry symbol table`, { file, section: t.section.name, offset: i * t.section.entsize });
  }
  const s = values[sym];
  if (Number.isNaN(s)) {
    throw new DwarfError(`relocation ${i} uses symbol ${sym} whose value does not fit in a safe integer`, { file, section: t.section.name, offset: i * t.section.entsize });
  }
  let v = s + addend;
  if (kind.pcrel) v -= sec.addr + offset;
  patch(new DataView(out.buffer, out.byteOffset, out.byteLength), offset, width, true, v, kind.addsub);
}

// What the encoder needs from the ELF besides DWARF: function symbols, section addresses as libdwfl lays them out, and relocation targets.

import {
  EM_386, EM_AARCH64, EM_ARM, EM_MIPS, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64, ET_REL, SHF_ALLOC, SHF_COMPRESSED, SHT_NOBITS, SHT_PROGBITS, SHT_REL, SHT_RELA, SHT_SYMTAB,
  SHT_SYMTAB_SHNDX, STT_FUNC, STT_OBJECT, type ElfFile, type ElfSection, rel64Layout, type RelocationTable, type SymbolTable,
} from '../elf/index.js';
import { AddressPlacesBuilder, DEBUG_SECTIONS, ENTRIES_PER_PIECE, markedSections, type AddressPlaces, type PlaceList } from '../dwarf/index.js';

/** Debug sections the DWARF reader loads, also in their legacy `.zdebug_*` spelling. */
const READ_DEBUG = new Set<string>([...DEBUG_SECTIONS, ...DEBUG_SECTIONS.map((n) => `.z${n.slice(1)}`)]);

/**
 * Whether encoding reads the contents of section `s` (`all`: the file's sections), for
 * readElfSparse: the debug sections the DWARF reader loads, the symbol tables (their string
 * tables come with them) and `.BTF_ids` (kfuncs). The relocations that apply to debug sections
 * are used once, a piece at a time, so they stay on disk until then ('later'): i915.ko's
 * .rela.debug_info (76 MB) is larger than its .debug_info. Everything else (code, data, line
 * tables, call frame information) is only seen through its section header, so a large vmlinux
 * can be read without it.
 */
export function encoderReadsSection(s: ElfSection, all: readonly ElfSection[], headers?: ElfFile): boolean | 'later' {
  if (s.type === SHT_SYMTAB || s.type === SHT_SYMTAB_SHNDX) return true;
  if (s.type === SHT_REL || s.type === SHT_RELA) {
    const target = all[s.info];
    return target !== undefined && READ_DEBUG.has(target.name) ? 'later' : false;
  }
  // A .debug_info that is used as it is (not relocated, not compressed) is read a window of
  // units at a time while encoding (OpenDwarfOptions.streamInfo): a vmlinux's is 211 MB.
  if (s.name === '.debug_info' && headers !== undefined && headers.header.type !== ET_REL && (s.flags & SHF_COMPRESSED) === 0) return 'later';
  return READ_DEBUG.has(s.name) || s.name === '.BTF_ids';
}

/** ELF machine numbers not exported by src/elf. */
const EM_SPARC = 2;
const EM_PPC = 20;
const EM_SPARCV9 = 43;
const EM_ARC = 93;

/** ElfFunctions' sorted names as plain data (see ElfFunctions.sorted). */
export interface SortedFunctionNames {
  /** The names joined by NUL bytes. */
  joined: string;
  prefixLen: Int32Array;
  suffixCount: number;
}

/**
 * The function symbols of an ELF, sorted by name as pahole sorts them; `prefixLen` is the length of
 * the name up to its first '.', or the whole length. Entries are indexed 0..count-1.
 */
export class ElfFunctions {
  /** Names, sorted. */
  readonly names: string[];
  /** Prefix length of each name. */
  readonly prefixLen: Int32Array;
  /** DWARF name a suffixed symbol was matched under (pahole's `alias`), or null. */
  readonly alias: (string | null)[];
  /** Set when the function is listed in a BTF_SET8_KFUNCS set. */
  readonly kfunc: Uint8Array;
  /** The kfunc's flags word. */
  readonly kfuncFlags: Uint32Array;
  /** Number of names containing a '.'. */
  readonly suffixCount: number;
  /** Hash indexes over `names` (shared with an ElfFunctions made from this one). */
  private readonly index: NameIndex;

  /**
   * The function symbols of `symtab`; or, given `same`, those of the table it was built from: an
   * ElfFunctions of this thread (sorted names shared) or another thread's `sorted()`. Alias and
   * kfunc marks start fresh either way, for another encoder over the same ELF.
   */
  constructor(symtab: SymbolTable | null, same?: ElfFunctions | SortedFunctionNames) {
    if (same !== undefined) {
      const names = same instanceof ElfFunctions ? same.names : same.joined === '' && same.prefixLen.length === 0 ? [] : same.joined.split('\0');
      if (names.length !== same.prefixLen.length) throw new RangeError('sorted function names do not match their prefix lengths');
      this.names = names;
      this.index = same instanceof ElfFunctions ? same.index : new NameIndex(names);
      this.prefixLen = same.prefixLen;
      this.suffixCount = same.suffixCount;
      this.alias = new Array<string | null>(names.length).fill(null);
      this.kfunc = new Uint8Array(names.length);
      this.kfuncFlags = new Uint32Array(names.length);
      return;
    }
    const names: string[] = [];
    if (symtab !== null) {
      for (let i = 0; i < symtab.count; i++) {
        if (symtab.type(i) !== STT_FUNC) continue;
        let n: string;
        try {
          n = symtab.name(i);
        } catch {
          continue;
        }
        names.push(n);
      }
    }
    // The default order compares UTF-16 code units, as `<` does (byte order for ASCII names).
    names.sort();
    this.names = names;
    this.index = new NameIndex(names);
    this.prefixLen = new Int32Array(names.length);
    let suffixes = 0;
    for (let i = 0; i < names.length; i++) {
      const dot = names[i].indexOf('.');
      if (dot >= 0) suffixes++;
      this.prefixLen[i] = dot >= 0 ? dot : names[i].length;
    }
    this.suffixCount = suffixes;
    this.alias = new Array<string | null>(names.length).fill(null);
    this.kfunc = new Uint8Array(names.length);
    this.kfuncFlags = new Uint32Array(names.length);
  }

  /** The sorted names as plain data for another thread (symbol names hold no NUL). */
  sorted(): SortedFunctionNames {
    return { joined: this.names.join('\0'), prefixLen: this.prefixLen, suffixCount: this.suffixCount };
  }

  /** Number of function symbols. */
  get count(): number {
    return this.names.length;
  }

  /** Index of the symbol named exactly `name`, or -1 (for a name held twice, the one `search` finds). */
  find(name: string): number {
    const i = this.index.exact(name);
    return i === DUPLICATE ? this.search(name) : i;
  }

  /** Index of the first symbol, in sorted order, named `name.<suffix>` (an optimized copy such as `.isra.0`), or -1. */
  findSuffixed(name: string): number {
    return name.includes('.') ? this.searchSuffixed(name) : this.index.suffixed(name);
  }

  /** `find` by binary search (the names are sorted). */
  search(name: string): number {
    const names = this.names;
    let lo = 0;
    let hi = names.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const n = names[mid];
      if (n === name) return mid;
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** `findSuffixed` by binary search. */
  searchSuffixed(name: string): number {
    const key = `${name}.`;
    const names = this.names;
    let lo = 0;
    let hi = names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (names[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < names.length && names[lo].startsWith(key) ? lo : -1;
  }
}

/** NameIndex.exact's value for a name held by more than one symbol. */
const DUPLICATE = -2;

/**
 * Hash lookups over sorted symbol names, each built on its first use. A vmlinux's units look up
 * ~190K function names, most of them many times over (inline functions of headers): a binary
 * search over 107K names for each took ~0.2 s a thread.
 */
class NameIndex {
  private readonly names: readonly string[];
  private byName: Map<string, number> | null = null;
  private byPrefix: Map<string, number> | null = null;

  constructor(names: readonly string[]) {
    this.names = names;
  }

  /** Index of the name `name`, -1 when none, DUPLICATE when several. */
  exact(name: string): number {
    let m = this.byName;
    if (m === null) {
      m = this.byName = new Map();
      const names = this.names;
      for (let i = 0; i < names.length; i++) m.set(names[i], m.has(names[i]) ? DUPLICATE : i);
    }
    return m.get(name) ?? -1;
  }

  /**
   * Index of the first name (in sorted order) that is `name` followed by '.' and more, or -1;
   * `name` holds no '.', so it is the part before such a name's first '.'.
   */
  suffixed(name: string): number {
    let m = this.byPrefix;
    if (m === null) {
      m = this.byPrefix = new Map();
      const names = this.names;
      for (let i = 0; i < names.length; i++) {
        const dot = names[i].indexOf('.');
        if (dot < 0) continue;
        const prefix = names[i].slice(0, dot);
        if (!m.has(prefix)) m.set(prefix, i);
      }
    }
    return m.get(name) ?? -1;
  }
}

/**
 * Section addresses as pahole sees them through libdwfl: for ET_REL objects libdwfl gives every
 * SHF_ALLOC section still at address 0 an address of its own, laid out in section order from the
 * offline base 0x10000 (sections that already have an address keep it); other files keep sh_addr.
 * Only an ET_REL object's addresses are exact here (they are small): a vmlinux's, at
 * 0xffffffff8..., are past 2^53, where a double rounds to 2 KiB. Addresses in such files are found
 * with sectionOfAddress64 instead.
 */
export function sectionAddresses(elf: ElfFile): Float64Array {
  const secs = elf.sections;
  const out = new Float64Array(secs.length);
  for (let i = 0; i < secs.length; i++) out[i] = roundedAddr(secs[i].addrHi, secs[i].addrLo);
  if (elf.header.type !== ET_REL) return out;
  let base = 0x10000;
  let start = base;
  let end = base;
  let bias = 0;
  let first = true;
  for (let i = 1; i < secs.length; i++) {
    const s = secs[i];
    if ((s.flags & SHF_ALLOC) === 0) continue;
    const align = s.addralign || 1;
    const next = Math.ceil(end / align) * align;
    const addr = out[i];
    if (addr === 0 || (bias === 0 && end > start && end !== next)) {
      out[i] = next;
      if (end === base) start = base = next;
      end = next + s.size;
    } else {
      if (first || end < addr + s.size) end = addr + s.size;
      if (first || bias > addr) bias = addr;
    }
    first = false;
  }
  return out;
}

/** Per section index, 1 for the sections with an address in `secAddr` (see sectionAddresses). */
export function addressSectionMask(secAddr: Float64Array): Uint8Array {
  const out = new Uint8Array(secAddr.length);
  for (let i = 1; i < secAddr.length; i++) if (secAddr[i] !== 0) out[i] = 1;
  return out;
}

/** hi·2^32 + lo as a double: exact below 2^53 only. */
function roundedAddr(hi: number, lo: number): number {
  return hi * 4294967296 + lo;
}

/**
 * sectionOfAddress for the exact 64-bit address hi·2^32 + lo, against the sections' own sh_addr
 * (files other than ET_REL): the index of the first PROGBITS or NOBITS section holding it, or 0,
 * with the address's offset in that section in `rel[0]`. The difference is taken half by half, so
 * it is exact whenever it is below 2^53 (and far outside the section when it is not).
 */
export function sectionOfAddress64(elf: ElfFile, hi: number, lo: number, rel: Float64Array): number {
  const secs = elf.sections;
  for (let i = 1; i < secs.length; i++) {
    const s = secs[i];
    if (s.type !== SHT_PROGBITS && s.type !== SHT_NOBITS) continue;
    const d = (hi - s.addrHi) * 4294967296 + (lo - s.addrLo);
    if (d >= 0 && d < s.size) {
      rel[0] = d;
      return i;
    }
  }
  return 0;
}

/** Index of the first PROGBITS or NOBITS section whose [addr, addr+size) holds `addr`, or 0 (pahole's get_elf_section; for ET_REL addresses, see sectionAddresses). */
export function sectionOfAddress(elf: ElfFile, addrs: Float64Array, addr: number): number {
  const secs = elf.sections;
  for (let i = 1; i < secs.length; i++) {
    const s = secs[i];
    if (s.type !== SHT_PROGBITS && s.type !== SHT_NOBITS) continue;
    const a = addrs[i];
    if (a <= addr && addr - a < s.size) return i;
  }
  return 0;
}

/**
 * For ET_REL objects: which section the relocation at `offset` of debug section `name` points
 * into (the symbol's section), or -1 when no relocation patches that place. Per debug section the
 * relocation offsets are read once; the symbol is looked up only for the places asked about.
 */
export class RelocTargets {
  private readonly elf: ElfFile;
  private readonly secAddr: Float64Array;
  private readonly places: ((name: string) => AddressPlaces | null) | null;
  private readonly tables = new Map<string, RelocIndex>();

  /**
   * `secAddr`: the section addresses of `sectionAddresses(elf)`. `places`: the AddressPlaces the
   * DWARF reader found while relocating a section, if it knows them (DwarfFile.addressPlaces):
   * tables left on disk are then not read again.
   */
  constructor(elf: ElfFile, secAddr: Float64Array, places: ((name: string) => AddressPlaces | null) | null = null) {
    this.elf = elf;
    this.secAddr = secAddr;
    this.places = places;
  }

  /** Section index of the symbol relocated into `name` at `offset`, or -1. */
  sectionAt(name: string, offset: number): number {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = this.build(name);
      this.tables.set(name, t);
    }
    if (t.offs === null) return this.sectionInSorted(t.tables[0], offset);
    // Binary search; the last relocation at an offset wins, as a map filled in order would.
    const { offs, order } = t;
    let lo = 0;
    let hi = offs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offs[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0 || offs[lo - 1] !== offset) return -1;
    if (t.shndx !== null) return t.shndx[lo - 1];
    let k = order === null ? lo - 1 : order[lo - 1];
    for (const rt of t.tables) {
      if (k < rt.count) return this.symbolSection(rt, k);
      k -= rt.count;
    }
    return -1;
  }

  /** sectionAt over one table already in offset order, searched in place. */
  private sectionInSorted(rt: RelocationTable, offset: number): number {
    let lo = 0;
    let hi = rt.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rt.offset(mid) <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && rt.offset(lo - 1) === offset ? this.symbolSection(rt, lo - 1) : -1;
  }

  /** Section index of the symbol entry `k` of `rt` relocates against, or -1. */
  private symbolSection(rt: RelocationTable, k: number): number {
    const sym = rt.sym(k);
    const st = this.elf.symbolTable(rt.symtab);
    return sym < st.count ? st.shndx(sym) : -1;
  }

  private build(name: string): RelocIndex {
    const sec = this.elf.sectionByName(name);
    const tables = sec === undefined ? [] : this.elf.relocationsFor(sec).filter((t) => t.symtab !== 0);
    if (tables.some((t) => t.onDisk)) {
      const found = this.places?.(name) ?? null;
      return (found !== null ? this.fromPlaces(tables, found) : null) ?? this.buildFromDisk(tables);
    }
    // The usual case, one table in offset order, needs no copy of the offsets.
    if (tables.length === 1 && tables[0].isSortedByOffset()) return { tables, offs: null, order: null, shndx: null };
    const parts = tables.map((t) => t.offsets());
    const n = parts.reduce((a, p) => a + p.length, 0);
    const offs = parts.length === 1 ? parts[0] : new Float64Array(n);
    if (parts.length !== 1) {
      let k = 0;
      for (const p of parts) {
        offs.set(p, k);
        k += p.length;
      }
    }
    let sorted = true;
    for (let i = 1; i < n; i++) {
      if (offs[i] < offs[i - 1]) {
        sorted = false;
        break;
      }
    }
    if (sorted) return { tables, offs, order: null, shndx: null };
    // Stable sort by offset (later entries stay after earlier ones at the same offset).
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => offs[a] - offs[b] || a - b);
    return { tables, offs: Float64Array.from(order, (i) => offs[i]), order, shndx: null };
  }

  /**
   * What buildFromDisk would read, as the DWARF reader found it while relocating (see
   * openDwarf's addressSections), or null when it is not that: found for other sections than
   * those with an address here, or out of offset order.
   */
  private fromPlaces(tables: RelocationTable[], found: AddressPlaces): RelocIndex | null {
    if (!found.sorted) return null;
    const want = addressSectionMask(this.secAddr);
    if (found.marked.length !== want.length || found.marked.some((m, i) => (m !== 0) !== (want[i] !== 0))) return null;
    return { tables, offs: found.offs, order: null, shndx: found.shndx };
  }

  /**
   * The index for tables left on disk (ElfFile.onDisk), read a piece at a time. When the entries
   * are in offset order (as linkers write them), only those whose symbol lies in a section with an
   * address are kept (most of a .debug_info's point at other debug sections): for the others the
   * answer is the place's own value, found or not, and a later one at the same place as a kept
   * entry makes that entry answer so (0). Otherwise every entry is kept and sorted.
   */
  private buildFromDisk(tables: RelocationTable[]): RelocIndex {
    const some = this.collectFromDisk(tables, false);
    const all = some.sorted ? some : this.collectFromDisk(tables, true);
    const { offs, shndx } = all;
    if (all.sorted) return { tables, offs, order: null, shndx };
    // Stable sort by offset (later entries stay after earlier ones at the same offset).
    const order = Int32Array.from({ length: offs.length }, (_, k) => k).sort((a, b) => offs[a] - offs[b] || a - b);
    return { tables, offs: Float64Array.from(order, (k) => offs[k]), order: null, shndx: Int32Array.from(order, (k) => shndx[k]) };
  }

  /**
   * The (offset, section) of the entries of `tables` read from disk, in table order: every entry
   * with `keepAll`, else those pointing into a section with an address (see buildFromDisk); and
   * whether the offsets never decrease.
   */
  private collectFromDisk(tables: RelocationTable[], keepAll: boolean): PlaceList {
    const elf = this.elf;
    const le = elf.le;
    const is64 = elf.is64;
    const symAt = rel64Layout(elf).symAt;
    const kept = new AddressPlacesBuilder(tables.reduce((a, t) => a + t.count, 0), keepAll);
    const withAddress = addressSectionMask(this.secAddr);
    for (const t of tables) {
      // Per symbol: its section when that has an address, else 0.
      const symSec = markedSections(elf, t.symtab, withAddress);
      const nsyms = symSec.length;
      const entsize = t.section.entsize;
      elf.onDisk!.forEachPiece(t.section, ENTRIES_PER_PIECE * entsize, (piece) => {
        const count = Math.floor(piece.length / entsize);
        if (is64 && le && entsize === 24 && symAt === 12) {
          // Whole 32-bit words (the piece buffer is aligned): offset lo, hi, type, symbol.
          const u = new Uint32Array(piece.buffer, piece.byteOffset, count * 6);
          for (let j = 0; j < u.length; j += 6) {
            const sym = u[j + 3];
            kept.offer(u[j + 1] * 4294967296 + u[j], sym < nsyms ? symSec[sym] : 0);
          }
          return;
        }
        const v = new DataView(piece.buffer, piece.byteOffset, piece.byteLength);
        for (let e = 0; e < count * entsize; e += entsize) {
          const sym = is64 ? v.getUint32(e + symAt, le) : v.getUint32(e + 4, le) >>> 8;
          const off = is64 ? v.getUint32(e + (le ? 4 : 0), le) * 4294967296 + v.getUint32(e + (le ? 0 : 4), le) : v.getUint32(e, le);
          kept.offer(off, sym < nsyms ? symSec[sym] : 0);
        }
      });
    }
    return kept.result();
  }
}

/** Relocation offsets of one debug section, ascending, with the entry each came from. */
interface RelocIndex {
  tables: RelocationTable[];
  /** Null when `tables` is one table already in offset order (searched in place). */
  offs: Float64Array | null;
  /** Entry number (counted across `tables`) of each sorted offset; null when already in order. */
  order: Int32Array | null;
  /** When set, the symbol's section for each sorted offset (tables read from disk). */
  shndx: Int32Array | null;
}

/** STT_OBJECT symbol names per section index, for pahole's variable_in_sec check. */
export class ObjectSymbols {
  private byName: Map<string, number[]> | undefined;
  private readonly symtab: SymbolTable | null;

  constructor(symtab: SymbolTable | null) {
    this.symtab = symtab;
  }

  /** True when an STT_OBJECT symbol called `name` lives in section `shndx`. */
  inSection(name: string, shndx: number): boolean {
    if (this.byName === undefined) {
      const m = new Map<string, number[]>();
      const st = this.symtab;
      if (st !== null) {
        for (let i = 0; i < st.count; i++) {
          if (st.type(i) !== STT_OBJECT) continue;
          let n: string;
          try {
            n = st.name(i);
          } catch {
            continue;
          }
          let l = m.get(n);
          if (l === undefined) m.set(n, (l = []));
          l.push(st.shndx(i));
        }
      }
      this.byName = m;
    }
    return this.byName.get(name)?.includes(shndx) ?? false;
  }
}

/**
 * DW_OP_regN values of the registers that carry the first parameters, per machine (pahole's
 * arch__set_register_params), and how many parameters are passed in registers.
 */
export function registerParams(machine: number): { count: number; regs: readonly number[] } {
  const r = (n: number) => 0x50 + n;
  switch (machine) {
    case EM_S390:
      return { count: 5, regs: [r(2), r(3), r(4), r(5), r(6)] };
    case EM_X86_64:
      return { count: 6, regs: [r(5), r(4), r(1), r(2), r(8), r(9)] };
    case EM_ARM:
    case EM_AARCH64:
      return { count: 8, regs: [r(0), r(1), r(2), r(3), r(4), r(5), r(6), r(7)] };
    case EM_SPARC:
    case EM_SPARCV9:
      return { count: 6, regs: [] };
    case EM_ARC:
    case EM_MIPS:
    case EM_PPC:
    case EM_PPC64:
    case EM_RISCV:
      return { count: 8, regs: [] };
    case EM_386:
    default:
      return { count: 0, regs: [] };
  }
}

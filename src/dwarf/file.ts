// DwarfFile: the debug sections of one object (decompressed and, for ET_REL, relocated on first use), its units, abbreviation tables and strings.

import { inflateSync } from 'node:zlib';
import { DwarfError } from '../common/errors.js';
import { collectGarbage } from '../common/gc.js';
import { SHF_COMPRESSED, type ElfFile, type ElfSection } from '../elf/index.js';
import { compileAbbrevTable, type AbbrevTable, type UnitShape } from './abbrev.js';
import { readOffset, readSized, TWO32 } from './bytes.js';
import { DieCursor } from './cursor.js';
import { needsRelocation, relocateDebugSection, relocateDebugSectionWithPlaces, type AddressPlaces } from './relocate.js';
import { StringTable } from './strings.js';
import { parseUnitHeader, type DieOffset, type Unit } from './unit.js';

/** Gives a debug section's bytes (decompressed, relocated) by its `.debug_*` name, or null when absent. */
export interface SectionLoader {
  load(name: string): Uint8Array | null;
  /** The AddressPlaces found while `load` relocated section `name`, or null (none asked for, or none applied). */
  addressPlaces?(name: string): AddressPlaces | null;
  /** .debug_info to be read from the file a window of units at a time, or null to `load` it whole. */
  streamedInfo?(): StreamedSection | null;
}

/** A section read from the file on demand: `size` bytes, `reading` gives a reader over an open file. */
export interface StreamedSection {
  size: number;
  reading<T>(fn: (read: (offset: number, into: Uint8Array) => void) => T): T;
}

/**
 * Bytes of units a streamed .debug_info keeps loaded before the next unit not loaded yet starts
 * a new window (the units of one window are read in one read). Two window buffers are kept (see
 * DwarfFile.beginUnit): on the 6.12 vmlinux with -j2, 8 MB windows peak as low as 16 MB windows
 * did when each window had a buffer of its own; 16 MB ones would add ~20 MB.
 */
export const INFO_WINDOW_BYTES = 8 << 20;

/**
 * String sections (.debug_str and .debug_line_str together) at most this share of .debug_info's
 * size are taken to be merged, each name once for all units: their strings get an offset index
 * (see StringTableOptions.offsetIndex).
 */
const MERGED_STRINGS_MAX_SHARE = 1 / 8;

/**
 * A string reference: the string's offset in its section times 4 plus the section id
 * (STR_SECTION_*). It lets an encoder intern names by (section, offset) without decoding them, and
 * stays a small integer for sections below 512 MiB; see `DwarfFile.strRefString`.
 */
export type StrRef = number;

/** StrRef section id: an inline DW_FORM_string in .debug_info. */
export const STR_SECTION_INFO = 0;
/** StrRef section id: .debug_str. */
export const STR_SECTION_STR = 1;
/** StrRef section id: .debug_line_str. */
export const STR_SECTION_LINE_STR = 2;

/** The StrRef offset multiplier (the section id sits in the low two bits). */
export const STR_REF_SCALE = 4;

/** Options for `dwarfFromSections`. */
export interface DwarfSectionsOptions {
  /** Byte order of the target (true = little-endian). */
  le: boolean;
  /** File name for error messages. */
  fileName?: string;
  /** Window size of a streamed .debug_info (INFO_WINDOW_BYTES by default). */
  windowBytes?: number;
}

/**
 * The DWARF of one object file. Everything is read lazily: the unit list on the first `units()`,
 * each abbreviation table when a unit needs it, other sections when an attribute refers into them.
 */
export class DwarfFile {
  /** File name used in error messages. */
  readonly fileName: string | undefined;
  /** True for little-endian targets. */
  readonly le: boolean;
  /** The .debug_abbrev bytes. */
  readonly abbrev: Uint8Array;

  private readonly loader: SectionLoader;
  private readonly loaded = new Map<string, Uint8Array | null>();
  private unitList: Unit[] | undefined;
  private readonly tables = new Map<string, AbbrevTable>();
  private strTable: StringTable | undefined;
  private signatures: Map<string, number> | undefined;
  private lastUnit: Unit | undefined;
  /** Per abbreviation table key: units not yet released (see releaseAbbrevs). */
  private abbrevUsers: Map<string, number> | undefined;
  /**
   * Windows begun so far (-1 before the first; 0 when not streamed); read it, never write it. Bytes
   * taken from a window stay valid until the window after the next one begins. A field, not a
   * getter: every cursor jump reads it.
   */
  windowGen = 0;
  /** The whole .debug_info; when streamed, the buffer of the current window (see `infoBase`). */
  private infoBytes: Uint8Array;
  /** Set when .debug_info is streamed: where it comes from. */
  private readonly stream: StreamedSection | null = null;
  private readonly windowBytes: number;
  /** Per unit, where its bytes are now: NOT_LOADED, IN_WINDOW or ON_ITS_OWN (null when not streamed). */
  private loadedUnits: Uint8Array | null = null;
  private loadedBytes = 0;
  /** Section offset of `infoBytes[0]` (0 unless streamed). */
  private winBase = 0;
  /** The two buffers windows take turns in (see beginUnit). */
  private readonly winBuffers: Uint8Array[] = [];
  /** Units loaded outside the current window's range, each in a buffer of its own. */
  private readonly ownBuffers = new Map<number, Uint8Array>();

  /**
   * Use `openDwarf` or `dwarfFromSections`.
   * @throws DwarfError "no DWARF" when the loader has no .debug_info, or when .debug_abbrev is missing.
   */
  constructor(loader: SectionLoader, opts: DwarfSectionsOptions) {
    this.loader = loader;
    this.le = opts.le;
    this.fileName = opts.fileName;
    this.windowBytes = opts.windowBytes ?? INFO_WINDOW_BYTES;
    const stream = loader.streamedInfo?.() ?? null;
    let info: Uint8Array | null;
    if (stream !== null) {
      // Nothing is loaded until a unit begins.
      this.stream = stream;
      this.windowGen = -1;
      info = NO_INFO;
    } else {
      info = this.section('.debug_info');
    }
    if (info === null) throw new DwarfError('no DWARF: the file has no .debug_info section', { file: this.fileName });
    const abbrev = this.section('.debug_abbrev');
    if (abbrev === null) throw new DwarfError('.debug_info without .debug_abbrev', { file: this.fileName, section: '.debug_abbrev' });
    this.infoBytes = info;
    this.abbrev = abbrev;
  }

  /**
   * The .debug_info bytes (relocated for ET_REL), indexed by section offset. When .debug_info is
   * streamed, the buffer of the current window instead, indexed by section offset less
   * `infoBase`; read a unit's bytes through `unitBytes`.
   */
  get info(): Uint8Array {
    return this.infoBytes;
  }

  /** Section offset of `info[0]`: 0 unless .debug_info is streamed. */
  get infoBase(): number {
    return this.winBase;
  }

  /** Whether .debug_info is read from the file a window of units at a time. */
  get streamed(): boolean {
    return this.stream !== null;
  }

  /**
   * Called before reading unit `u` from its start, in unit order: with a streamed .debug_info,
   * when `u` is not loaded, `u` is read with the units after it that fit, into the current
   * window when there is room, else into a new one.
   *
   * Windows take turns in two buffers allocated once (or again, larger, for a unit bigger than a
   * window), so streaming allocates no memory per window. A buffer allocated per window was given
   * back only by a full collection, and V8 started one for nearly every window (it counts a
   * buffer's whole length as new external memory): on the 6.12 vmlinux with -j2, 21 full
   * collections where there are now 9, and 50K more page faults.
   * Taking turns keeps the previous window's bytes for whoever still holds them (a cursor left on
   * a DIE), until the window after the next begins.
   */
  beginUnit(u: Unit): void {
    const loaded = this.loadedFlags();
    if (loaded === null || loaded[u.index] !== NOT_LOADED) return;
    const size = u.end - u.offset;
    if (this.windowGen < 0 || (this.loadedBytes > 0 && this.loadedBytes + size > this.windowBytes) || !this.inWindowRange(u)) this.newWindow(u);
    const list = this.units();
    const limit = this.winBase + this.infoBytes.length;
    let last = u.index;
    let bytes = size;
    while (last + 1 < list.length && loaded[last + 1] === NOT_LOADED) {
      const next = list[last + 1];
      if (this.loadedBytes + bytes + (next.end - next.offset) > this.windowBytes || next.end > limit) break;
      bytes += next.end - next.offset;
      last++;
    }
    this.readInfo(u.offset, list[last].end, this.infoBytes, this.winBase);
    loaded.fill(IN_WINDOW, u.index, last + 1);
    this.loadedBytes += bytes;
  }

  /**
   * The buffer holding unit `u`'s bytes; the unit's bytes are at their section offsets less
   * `unitBase(u)`. A unit of a streamed .debug_info not loaded now is loaded first: into the
   * current window when it spans the unit's offsets, else into a buffer of the unit's own.
   */
  unitBytes(u: Unit): Uint8Array {
    const loaded = this.loadedFlags();
    if (loaded === null) return this.infoBytes;
    if (loaded[u.index] === NOT_LOADED) {
      if (this.windowGen >= 0 && this.inWindowRange(u)) {
        this.readInfo(u.offset, u.end, this.infoBytes, this.winBase);
        loaded[u.index] = IN_WINDOW;
      } else {
        const own = new Uint8Array(u.end - u.offset);
        this.readInfo(u.offset, u.end, own, u.offset);
        this.ownBuffers.set(u.index, own);
        loaded[u.index] = ON_ITS_OWN;
      }
      this.loadedBytes += u.end - u.offset;
    }
    return loaded[u.index] === IN_WINDOW ? this.infoBytes : this.ownBuffers.get(u.index)!;
  }

  /** Section offset of `unitBytes(u)[0]`; call after unitBytes. */
  unitBase(u: Unit): number {
    const loaded = this.loadedUnits;
    if (loaded === null) return 0;
    return loaded[u.index] === IN_WINDOW ? this.winBase : u.offset;
  }

  /** Whether unit `u` fits in the current window's buffer where its offsets put it. */
  private inWindowRange(u: Unit): boolean {
    return u.offset >= this.winBase && u.end <= this.winBase + this.infoBytes.length;
  }

  /** Begin a new window at unit `u`: nothing is loaded any more; the other buffer takes the window. */
  private newWindow(u: Unit): void {
    this.windowGen++;
    const turn = this.windowGen & 1;
    const need = Math.max(this.windowBytes, u.end - u.offset);
    let buf = this.winBuffers[turn];
    if (buf === undefined || buf.length < need) {
      buf = sectionSized(need);
      this.winBuffers[turn] = buf;
    }
    this.infoBytes = buf;
    this.winBase = u.offset;
    this.unloadAll();
  }

  /** No unit is loaded any more (streamed .debug_info). */
  private unloadAll(): void {
    this.loadedUnits!.fill(NOT_LOADED);
    this.ownBuffers.clear();
    this.loadedBytes = 0;
  }

  /** Per unit, where it is loaded now; null when .debug_info is not streamed. */
  private loadedFlags(): Uint8Array | null {
    if (this.stream === null) return null;
    if (this.loadedUnits === null) this.units();
    return this.loadedUnits;
  }

  /** Read section bytes [from, to) into `into`, whose first byte is at section offset `base`. */
  private readInfo(from: number, to: number, into: Uint8Array, base: number): void {
    this.stream!.reading((read) => read(from, into.subarray(from - base, to - base)));
  }

  /** A debug section by name (".debug_str", ...), loaded once; null when the file has none. */
  section(name: string): Uint8Array | null {
    let s = this.loaded.get(name);
    if (s === undefined) {
      s = this.loader.load(name);
      this.loaded.set(name, s);
    }
    return s;
  }

  /**
   * The places of section `name` (.debug_info or .debug_addr) that its relocations made addresses
   * into the sections OpenDwarfOptions.addressSections marks, with the section of each (see
   * AddressPlaces; the section is loaded first). Null when none were asked for, no relocation
   * applied here, or the section was handed over already relocated without them.
   */
  addressPlaces(name: string): AddressPlaces | null {
    this.section(name);
    return this.loader.addressPlaces?.(name) ?? null;
  }

  /** Every unit of .debug_info in section order (headers are parsed on the first call). */
  units(): readonly Unit[] {
    if (this.unitList === undefined) {
      const list: Unit[] = [];
      const info = this.info;
      const stream = this.stream;
      if (stream !== null) {
        // Only the headers are read now (the units, later a window at a time).
        const header = new Uint8Array(UNIT_HEADER_MAX);
        stream.reading((read) => {
          let p = 0;
          while (p < stream.size) {
            read(p, header.subarray(0, Math.min(stream.size - p, UNIT_HEADER_MAX)));
            const u = parseUnitHeader(this, header, p, list.length, p, stream.size);
            list.push(u);
            p = u.end;
          }
        });
        this.loadedUnits = new Uint8Array(list.length);
        this.unitList = list;
        return list;
      }
      let p = 0;
      while (p < info.length) {
        const u = parseUnitHeader(this, info, p, list.length);
        list.push(u);
        p = u.end;
      }
      this.unitList = list;
    }
    return this.unitList;
  }

  /**
   * The unit whose DIEs contain .debug_info offset `offset`.
   * @throws DwarfError when no unit's DIE area contains it.
   */
  unitAt(offset: DieOffset): Unit {
    const last = this.lastUnit;
    if (last !== undefined && offset >= last.dieOffset && offset < last.end) return last;
    const list = this.units();
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (list[mid].offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const u = list[lo];
    if (u === undefined || !(offset >= u.dieOffset && offset < u.end)) {
      throw new DwarfError(`offset 0x${offset.toString(16)} is not inside any unit's DIEs`, { file: this.fileName, section: '.debug_info', offset });
    }
    this.lastUnit = u;
    return u;
  }

  /** A new cursor positioned before the root DIE of `unit` (the first unit when omitted). */
  cursor(unit?: Unit): DieCursor {
    const u = unit ?? this.units()[0];
    return new DieCursor(this, u);
  }

  /**
   * The abbreviation table at `offset`, compiled for units of `shape`; compiled once per (offset, shape).
   * @throws DwarfError naming .debug_abbrev when the table is malformed.
   */
  abbrevTable(offset: number, shape: UnitShape): AbbrevTable {
    const key = abbrevKey(offset, shape);
    let t = this.tables.get(key);
    if (t === undefined) {
      t = compileAbbrevTable(this.abbrev, offset, shape, { file: this.fileName });
      this.tables.set(key, t);
    }
    return t;
  }

  /**
   * Forget the compiled abbreviation table of `unit` (for a reader done with the unit, once per
   * unit: tables are compiled per unit and a vmlinux has thousands). It is compiled again if used
   * again.
   */
  releaseAbbrevs(unit: Unit): void {
    unit.forgetAbbrevs();
    // A table several units use (type units, units of one link-time-optimized object) is kept
    // until the last of them is released.
    if (this.abbrevUsers === undefined) {
      const users = new Map<string, number>();
      for (const u of this.units()) {
        const k = abbrevKey(u.abbrevOffset, u);
        users.set(k, (users.get(k) ?? 0) + 1);
      }
      this.abbrevUsers = users;
    }
    const key = abbrevKey(unit.abbrevOffset, unit);
    const left = (this.abbrevUsers.get(key) ?? 1) - 1;
    this.abbrevUsers.set(key, left);
    if (left <= 0) this.tables.delete(key);
  }

  /**
   * Global offset of the DIE described by the type unit with signature (hi, lo) (DW_FORM_ref_sig8).
   * @throws DwarfError when no type unit in .debug_info has that signature.
   */
  typeUnitDie(hi: number, lo: number): DieOffset {
    if (this.signatures === undefined) {
      const m = new Map<string, number>();
      for (const u of this.units()) if (u.typeDieOffset >= 0) m.set(`${u.signatureHi}:${u.signatureLo}`, u.typeDieOffset);
      this.signatures = m;
    }
    const off = this.signatures.get(`${hi >>> 0}:${lo >>> 0}`);
    if (off === undefined) {
      const sig = ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16).padStart(16, '0');
      throw new DwarfError(`no type unit with signature 0x${sig} (.debug_types and split DWARF are not read)`, { file: this.fileName, section: '.debug_info' });
    }
    return off;
  }

  /**
   * The .debug_str offset of string index `index` of `unit` (DW_FORM_strx*), read from .debug_str_offsets.
   * @throws DwarfError when the section is missing or the slot is outside it.
   */
  strxOffset(unit: Unit, index: number): number {
    const sec = this.section('.debug_str_offsets');
    const size = unit.offsetSize;
    const at = unit.strOffsetsBase + index * size;
    if (sec === null || !(at >= 0 && at + size <= sec.length)) {
      throw new DwarfError(`string index ${index} is outside .debug_str_offsets`, { file: this.fileName, section: '.debug_str_offsets', offset: Number.isFinite(at) ? at : undefined });
    }
    const v = readOffset(sec, at, size, this.le);
    if (v === Infinity) throw new DwarfError('string offset too large', { file: this.fileName, section: '.debug_str_offsets', offset: at });
    return v;
  }

  /**
   * Read address index `index` of `unit` (DW_FORM_addrx*, DW_OP_addrx) from .debug_addr into
   * the bytes.ts scratch pair (valHi, valLo).
   * @throws DwarfError when the section is missing or the slot is outside it.
   */
  readAddrIndex(unit: Unit, index: number): void {
    const sec = this.section('.debug_addr');
    const size = unit.addrSize;
    const at = unit.addrBase + index * size;
    if (sec === null || !(at >= 0 && at + size <= sec.length)) {
      throw new DwarfError(`address index ${index} is outside .debug_addr`, { file: this.fileName, section: '.debug_addr', offset: Number.isFinite(at) ? at : undefined });
    }
    readSized(sec, at, size, this.le);
  }

  /** The StrRef for `offset` in string section `sectionId` (STR_SECTION_*). */
  strRef(sectionId: number, offset: number): StrRef {
    return offset * STR_REF_SCALE + sectionId;
  }

  /**
   * The string a StrRef names, decoded as latin1 (bytes map 1:1 to UTF-16 units). Strings are
   * interned by content (see strings.ts), so each distinct name is decoded once.
   * @throws DwarfError when the offset is outside its section or the string is unterminated.
   */
  strRefString(ref: StrRef): string {
    const t = this.stringTable();
    return t.string(this.strRefId(ref));
  }

  /**
   * A dense id for the bytes a StrRef names: equal strings get equal ids (0, 1, 2, ... in
   * first-seen order), whatever section or offset they come from. Lets an encoder map names to
   * its own string table with an Int32Array instead of a Map of strings.
   * @throws DwarfError as `strRefString`.
   */
  strRefId(ref: StrRef): number {
    const sec = ref % STR_REF_SCALE;
    const offset = (ref - sec) / STR_REF_SCALE;
    const t = this.stringTable();
    // A string inside a streamed .debug_info is read where its unit is loaded now.
    if (sec === STR_SECTION_INFO && this.stream !== null) {
      const u = this.unitAt(offset);
      t.useSection(STR_SECTION_INFO, this.unitBytes(u), this.unitBase(u));
    }
    return t.idOf(sec, offset);
  }

  /** The string with id `id` (from `strRefId`). */
  strIdString(id: number): string {
    return this.stringTable().string(id);
  }

  /** The bytes of the string with id `id` (a view, without the NUL). */
  strIdBytes(id: number): Uint8Array {
    return this.stringTable().bytes(id);
  }

  /** Number of distinct strings interned so far (ids run from 0 to this minus one). */
  get stringCount(): number {
    return this.stringTable().count;
  }

  /**
   * The bytes of the string a StrRef names, without the terminating NUL (a view, no copy).
   * @throws DwarfError as `strRefString`.
   */
  strRefBytes(ref: StrRef): Uint8Array {
    return this.stringTable().bytes(this.strRefId(ref));
  }

  /**
   * For a caller done reading for now: give back what reading built up and can build again, the
   * string table's offset index (4 bytes per byte of .debug_str: 19 MB for the 6.12 vmlinux) and
   * a streamed .debug_info's window buffers (16 MB). String ids stay valid, and reading on builds
   * both again. A cursor keeps the bytes it is on (and their memory) until it is reset or
   * released (DieCursor.release).
   */
  releaseReadState(): void {
    const t = this.strTable;
    t?.releaseIndex();
    if (this.stream === null || this.loadedUnits === null) return;
    this.winBuffers.length = 0;
    this.unloadAll();
    // The next unit begins a new window (none spans it), which every cursor notices.
    this.infoBytes = NO_INFO;
    this.winBase = 0;
    t?.useSection(STR_SECTION_INFO, NO_INFO, 0);
  }

  private stringTable(): StringTable {
    if (this.strTable === undefined) {
      const str = this.section('.debug_str');
      const lineStr = this.section('.debug_line_str');
      // Merged string sections are small next to .debug_info (the 6.12 vmlinux: 2%); a module's,
      // with a copy of each name per unit, are not (tcp_bbr, nf_conntrack, ext4, btrfs, i915: 43-59%).
      const infoSize = this.stream?.size ?? this.infoBytes.length;
      const strSize = (str?.length ?? 0) + (lineStr?.length ?? 0);
      const merged = strSize <= infoSize * MERGED_STRINGS_MAX_SHARE;
      this.strTable = new StringTable([this.info, str, lineStr], this.fileName, { offsetIndex: merged });
    }
    return this.strTable;
  }
}

/**
 * A zero-filled buffer for a streamed section's window. A buffer it replaces (one too small) is
 * given back only at a full collection; where the address space is committed strictly
 * (vm.overcommit_memory=2) an allocation may fail first, so it is retried once after one.
 */
function sectionSized(size: number): Uint8Array {
  try {
    return new Uint8Array(size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    collectGarbage();
    return new Uint8Array(size);
  }
}

/** Bytes read at a unit's start for its header (the longest, a DWARF 5 64-bit type unit, is 40). */
const UNIT_HEADER_MAX = 64;

/** Where a unit of a streamed .debug_info is loaded (DwarfFile.loadedUnits). */
const NOT_LOADED = 0;
const IN_WINDOW = 1;
const ON_ITS_OWN = 2;

/**
 * The .debug_info bytes of a streamed file before its first window begins and after
 * releaseReadState; the bytes of a released cursor (DieCursor.release).
 */
export const NO_INFO = new Uint8Array(0);

/** The key of a compiled abbreviation table: its offset and what of the unit's shape compiling depends on. */
function abbrevKey(offset: number, shape: UnitShape): string {
  return `${offset}/${shape.addrSize}/${shape.offsetSize}/${shape.version <= 2 ? 2 : 3}`;
}

/** Sections read through `openDwarf`, in the spelling of their ELF names. */
export const DEBUG_SECTIONS = [
  '.debug_info', '.debug_abbrev', '.debug_str', '.debug_line_str', '.debug_str_offsets', '.debug_addr',
  '.debug_rnglists', '.debug_ranges', '.debug_loclists', '.debug_loc',
] as const;

/**
 * Open the DWARF of an ELF file. Sections are decompressed when SHF_COMPRESSED (zlib or zstd) or
 * stored as legacy `.zdebug_*` (GNU "ZLIB" header), and for ET_REL objects (kernel modules) the
 * relocations that target them are applied to a private copy (or in place, see OpenDwarfOptions);
 * ET_EXEC/ET_DYN are read as they are.
 * @throws DwarfError "no DWARF" when there is no .debug_info; ElfError for corrupt compressed data.
 */
export function openDwarf(elf: ElfFile, opts: OpenDwarfOptions = {}): DwarfFile {
  const sections = new ElfDebugSections(elf, opts.relocateInPlace === true, opts.loaded ?? null, opts.streamInfo === true, opts.addressSections ?? null, opts.loadedPlaces ?? null);
  return new DwarfFile(sections, { le: elf.le, fileName: elf.fileName, windowBytes: opts.windowBytes });
}

/** Options for openDwarf. */
export interface OpenDwarfOptions {
  /**
   * Apply relocations to the ELF's own bytes instead of a copy (i915.ko: 53 MB less). Only for a
   * caller that owns the buffer, leaves its debug sections to this DwarfFile (each is relocated
   * once, when first loaded) and never writes the file back. Ignored for a buffer in shared memory,
   * which other threads read.
   */
  relocateInPlace?: boolean;
  /**
   * Sections already decompressed and relocated by another DwarfFile over the same ELF, by name
   * (worker threads get the first thread's relocated .debug_info instead of relocating their own).
   */
  loaded?: Readonly<Record<string, Uint8Array>> | null;
  /**
   * Read a .debug_info that the ELF left on disk (ElfFile.onDisk) a window of units at a time
   * instead of whole, when it is used as stored (not compressed, no relocations apply). For a
   * reader that goes through the units in order, calling DwarfFile.beginUnit for each.
   */
  streamInfo?: boolean;
  /** Window size for `streamInfo` (INFO_WINDOW_BYTES by default). */
  windowBytes?: number;
  /**
   * The AddressPlaces another DwarfFile found while relocating the sections of `loaded`, by name
   * (see addressSections), compact: they are answered as this file's.
   */
  loadedPlaces?: Readonly<Record<string, AddressPlaces>> | null;
  /**
   * Per ELF section index, nonzero for the sections whose addresses a reader will trace back:
   * relocating .debug_info and .debug_addr then also records which of their places were relocated
   * into those sections (DwarfFile.addressPlaces).
   */
  addressSections?: Uint8Array | null;
}

/** The sections whose address places are recorded (OpenDwarfOptions.addressSections). */
const ADDRESS_HOLDERS = ['.debug_info', '.debug_addr'];

/**
 * The debug sections of an ELF file. A class rather than a closure per file: the hot readers that
 * inline DwarfFile.section() then call the same function for every file.
 */
class ElfDebugSections implements SectionLoader {
  private readonly inPlace: boolean;
  private readonly places = new Map<string, AddressPlaces>();

  constructor(
    private readonly elf: ElfFile, inPlace: boolean, private readonly loaded: Readonly<Record<string, Uint8Array>> | null, private readonly stream: boolean,
    private readonly addressSections: Uint8Array | null, private readonly loadedPlaces: Readonly<Record<string, AddressPlaces>> | null,
  ) {
    this.inPlace = inPlace && !(elf.bytes.buffer instanceof SharedArrayBuffer);
  }

  streamedInfo(): StreamedSection | null {
    const elf = this.elf;
    const sec = elf.sectionByName('.debug_info');
    const onDisk = elf.onDisk;
    if (!this.stream || this.loaded?.['.debug_info'] !== undefined || sec === undefined || onDisk === null || !onDisk.has(sec.index)) return null;
    if ((sec.flags & SHF_COMPRESSED) !== 0 || needsRelocation(elf, sec)) return null;
    return { size: sec.fileSize, reading: (fn) => onDisk.reading((read) => fn((offset, into) => read(sec, offset, into))) };
  }

  load(name: string): Uint8Array | null {
    const given = this.loaded?.[name];
    if (given !== undefined) return given;
    const elf = this.elf;
    let sec: ElfSection | undefined = elf.sectionByName(name);
    let legacy = false;
    if (sec === undefined && name.startsWith('.debug_')) {
      sec = elf.sectionByName(`.z${name.slice(1)}`);
      legacy = sec !== undefined;
    }
    if (sec === undefined) return null;
    let data = elf.sectionData(sec, { decompress: true });
    let owned = this.inPlace || data.buffer !== elf.bytes.buffer;
    if (legacy) {
      data = inflateLegacy(data, sec.name, elf.fileName);
      owned = true;
    }
    if (this.addressSections === null || !ADDRESS_HOLDERS.includes(name)) return relocateDebugSection(elf, sec, data, owned);
    const r = relocateDebugSectionWithPlaces(elf, sec, data, owned, this.addressSections);
    if (r.places !== null) this.places.set(name, r.places);
    return r.data;
  }

  addressPlaces(name: string): AddressPlaces | null {
    return this.places.get(name) ?? this.loadedPlaces?.[name] ?? null;
  }
}

/**
 * Build a DwarfFile from section bytes given directly (hand-made DWARF in tests, or sections
 * extracted elsewhere). No relocation or decompression happens.
 * @throws DwarfError "no DWARF" when `.debug_info` is absent.
 */
export function dwarfFromSections(sections: Readonly<Record<string, Uint8Array>>, opts: DwarfSectionsOptions): DwarfFile {
  return new DwarfFile({ load: (name) => sections[name] ?? null }, opts);
}

function inflateLegacy(data: Uint8Array, section: string, file: string | undefined): Uint8Array {
  // "ZLIB" followed by the uncompressed size as a big-endian 64-bit number, then a zlib stream.
  if (data.length < 12 || data[0] !== 0x5a || data[1] !== 0x4c || data[2] !== 0x49 || data[3] !== 0x42) {
    throw new DwarfError('legacy compressed section without a ZLIB header', { file, section, offset: 0 });
  }
  const size = (((data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7]) >>> 0) * TWO32 + (((data[8] << 24) | (data[9] << 16) | (data[10] << 8) | data[11]) >>> 0);
  if (size > 1 << 30) throw new DwarfError(`legacy compressed section claims ${size} bytes`, { file, section, offset: 4 });
  let out: Buffer;
  try {
    out = inflateSync(data.subarray(12), { maxOutputLength: Math.max(1, size) });
  } catch (e) {
    throw new DwarfError(`legacy compressed section does not inflate: ${(e as Error).message}`, { file, section, offset: 12 });
  }
  if (out.length !== size) throw new DwarfError(`legacy compressed section inflated to ${out.length} bytes, header says ${size}`, { file, section, offset: 4 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

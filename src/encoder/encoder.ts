// The DWARF → BTF encoder: pahole 1.30's rules for types, functions and variables, unit by unit, before deduplication.

import { grownInt32 } from '../common/typed-arrays.js';
import { WordList } from '../common/word-list.js';
import { DwarfError } from '../common/errors.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_FLOAT,
  BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_RESTRICT, BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR, BTF_KIND_VOLATILE, BTF_INT_BOOL, BTF_INT_SIGNED,
  Btf,
} from '../btf/index.js';
import * as D from '../dwarf/index.js';
import { ET_REL, type ElfFile } from '../elf/index.js';
import type { UnitClaim } from './claim.js';
import { ElfFunctions, ObjectSymbols, RelocTargets, type SortedFunctionNames, registerParams, sectionAddresses, sectionOfAddress, sectionOfAddress64 } from './elf-info.js';
import { parameterRegister } from './expr.js';
import type { EncodeFeatures } from './features.js';
import { FuncStates, packStates, unpackStates, type PackedStates } from './functions.js';
import { forEachStrField, forEachTypeIdField } from '../btf/model/fields.js';

/** DW_TAG_LLVM_annotation (clang's btf_decl_tag / btf_type_tag carrier). */
export const DW_TAG_LLVM_annotation = 0x6000;

const PERCPU_SECTION = '.data..percpu';
const KSYM_NAME_LEN = 128;

/** Parameter flags (pahole's parameter fields). */
const P_HAS_LOC = 1;
const P_OPTIMIZED = 2;
const P_UNEXPECTED_REG = 4;

/** Options for the encoder core. */
export interface EncoderOptions {
  /** Base BTF for split encoding (module over vmlinux), or null. */
  base: Btf | null;
  /** Enabled features. */
  features: EncodeFeatures;
  /** DW_LANG_* values whose units are skipped. */
  langExclude: readonly number[];
  /** Kfuncs listed in BTF_SET8_KFUNCS sets (name, flags), in symbol order. */
  kfuncs: ReadonlyArray<{ name: string; flags: number }>;
  /**
   * This encoder handles a later run of units of a parallel encoding: earlier units have already
   * chosen the array index type, so arrays refer to INDEX_SENTINEL, fixed up when merged.
   */
  afterFirstChunk?: boolean;
  /**
   * An encoder over the same ELF in this thread whose symbol tables this one can share (they are
   * read-only once built), instead of building its own.
   */
  sameElfAs?: Encoder;
  /**
   * The function symbols of this ELF as another thread's encoder sorted them (functionNames), to
   * take instead of sorting them again.
   */
  functionNames?: SortedFunctionNames;
}

/**
 * Estimates of raw record words and records per byte of .debug_info, about 2.5 times what real
 * kernels need (6.12 vmlinux: 0.20 words and 0.021 records a byte), so that encoding rarely grows
 * its arrays; see Encoder.reserveUnits.
 */
const WORDS_PER_DWARF_BYTE = 0.5;
const RECORDS_PER_DWARF_BYTE = 0.05;
/** Upper bound of that reservation (1 GB of words); past it the arrays grow as they fill. */
const MAX_RESERVED_WORDS = 2 ** 28;

/** Array index type id written by a later chunk of a parallel encoding (see absorbChunk). */
export const INDEX_SENTINEL = 0xfffffff0;

/** What one chunk of units produced, as plain data (for a worker to send back). */
export interface EncodedChunk {
  startId: number;
  startStrOff: number;
  words: Uint32Array;
  offs: Uint32Array;
  count: number;
  strs: Uint8Array;
  strLen: number;
  /** The saved functions (see packStates). */
  states: PackedStates;
  /** Function alias names set, in order: [ELF function index, name]. */
  aliases: Array<[number, string]>;
  /** Per-section variable entries: [section index, flat (var id, offset, size) triples]. */
  secinfo: Array<[number, number[]]>;
  stats: EncodeStats;
  hasIndexType: boolean;
  needIndexType: boolean;
  arrayIndexId: number;
}

/** The distinct unshared buffers a chunk's arrays are views of: what a worker transfers when it sends the chunk. */
export function chunkBuffers(c: EncodedChunk): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const v of [c.words, c.offs, c.strs, c.states.ints]) if (v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
  return [...buffers];
}

/** A formal parameter as read from DWARF (origin: DIE to take name and type from, or -1). */
interface FnParam { name: string | undefined; type: number; flags: number; die: number; origin: number }
/**
 * A function DIE as read from DWARF, before the ELF symbol table decides whether it is saved;
 * `nameId` is the interned DWARF string id of its name (-1 without one).
 */
interface FnDie { die: number; nameId: number; ret: number; params: FnParam[]; unspec: boolean; annots: Annot[] }

/** A parallel encoding cannot be merged exactly (the caller encodes sequentially instead). */
export class ChunkMergeError extends Error {
  override name = 'ChunkMergeError';
}

/** Counters for reports. */
export interface EncodeStats {
  units: number;
  unitsSkipped: number;
  types: number;
  functions: number;
  functionsSkipped: number;
  variables: number;
  /** Threads that encoded units (more than one only for a parallel encoding of a large input). */
  threads: number;
}

/** One annotation: its value string and component index (-1 for the whole declaration). */
interface Annot {
  value: string;
  component: number;
}

/**
 * Encodes every compile unit of an ELF's DWARF into one BTF (split over `base` when given), the
 * way pahole 1.30 does with `-J`: types in DWARF order per unit, FUNCs for functions with ELF
 * symbols after all units, VARs per unit, DATASECs last. The result is not deduplicated.
 */
export class Encoder {
  readonly btf: Btf;
  /** Whether reserveUnits has made room already. */
  private reserved = false;
  readonly stats: EncodeStats = { units: 0, unitsSkipped: 0, types: 0, functions: 0, functionsSkipped: 0, variables: 0, threads: 1 };

  private readonly elf: ElfFile;
  private readonly dwarf: D.DwarfFile;
  private readonly f: EncodeFeatures;
  private readonly langExclude: readonly number[];
  private readonly cur: D.DieCursor;
  private readonly cur2: D.DieCursor;
  /** Each parameter's location expressions, read into the same ranges (paramLocationFlags). */
  private readonly exprs = new D.ExprRanges();
  private readonly funcs: ElfFunctions;
  private readonly objects: ObjectSymbols;
  private readonly relocs: RelocTargets;
  private readonly secAddr: Float64Array;
  /** A variable's offset in its section, set by varSection. */
  private readonly varRel = new Float64Array(1);
  private readonly secInclude: Uint8Array;
  private readonly secinfo: Array<number[] | undefined>;
  private readonly regCount: number;
  private readonly regs: readonly number[];
  private readonly isRel: boolean;
  private readonly states: FuncStates;
  /** The three words of the ARRAY being added. */
  private readonly arrayWords = new Uint32Array(3);

  /** CU-local type id per DIE, indexed by offset minus the unit offset; 0 = void / not a type. */
  private localId = new Int32Array(0);
  /** BTF name offset + 1 per interned DWARF string id (0: not added yet). */
  private nameCache: Int32Array<ArrayBuffer> = new Int32Array(4096);
  /**
   * ElfFunctions.find's answer plus 2 per interned DWARF string id, 0 until asked (see saveFunction):
   * a vmlinux's function DIEs name ~190K functions, most of them many times over, and a hash
   * lookup by string compares the name's characters each time (~0.5 us, ~50 ms a thread).
   */
  private fnSymbolCache: Int32Array<ArrayBuffer> = new Int32Array(0);
  private unitOffset = 0;
  /** DIE offsets of the unit's types, in id order (index = local id - 1). */
  private readonly types = new WordList(1024);
  /** Subprogram DIEs in pahole's functions-table order. */
  private readonly fnDies = new WordList(256);
  /** Top-level variable DIEs. */
  private readonly varDies = new WordList(256);
  /** btf_type_tag chains: annotation DIE → previous annotation DIE, or -1 - pointer DIE for the first. */
  private tagPrev = new Map<number, number>();
  /** Pointer DIE → its last btf_type_tag annotation DIE. */
  private tagHead = new Map<number, number>();
  private typeIdOff = 0;
  private hasIndexType = false;
  /** Aliases this encoder set, in order (see exportChunk). */
  /** ElfFunctions indices given an alias by this encoder, in order (the names are in `funcs.alias`). */
  private readonly aliasLog: number[] = [];
  private needIndexType = false;
  /** Extra words of the record being built (members, enumerators, parameters), reused from type to type. */
  private readonly memberWords = new WordList(256);
  private arrayIndexId = 0;

  constructor(elf: ElfFile, dwarf: D.DwarfFile, opts: EncoderOptions) {
    this.elf = elf;
    this.dwarf = dwarf;
    this.f = opts.features;
    this.langExclude = opts.langExclude;
    this.btf = new Btf({ base: opts.base, le: elf.le });
    this.cur = dwarf.cursor();
    this.cur2 = dwarf.cursor();
    const same = opts.sameElfAs;
    if (same !== undefined && same.elf === elf) {
      this.funcs = new ElfFunctions(null, same.funcs);
      this.objects = same.objects;
      this.secAddr = same.secAddr;
      this.relocs = same.relocs;
    } else {
      const symtab = elf.symbols();
      this.funcs = new ElfFunctions(symtab, opts.functionNames);
      this.objects = new ObjectSymbols(symtab);
      this.secAddr = sectionAddresses(elf);
      this.relocs = new RelocTargets(elf, this.secAddr, (name) => dwarf.addressPlaces(name));
    }
    this.isRel = elf.header.type === ET_REL;
    const n = elf.sections.length;
    this.secInclude = new Uint8Array(n);
    this.secinfo = new Array(n);
    for (let i = 0; i < n; i++) {
      if (this.f.global_var) this.secInclude[i] = 1;
      if (this.f.var && elf.sections[i].name === PERCPU_SECTION) this.secInclude[i] = 1;
    }
    if (opts.afterFirstChunk) {
      this.hasIndexType = true;
      this.arrayIndexId = INDEX_SENTINEL;
    }
    const rp = registerParams(elf.header.machine);
    this.regCount = rp.count;
    this.regs = rp.regs;
    this.states = new FuncStates(this.btf, this.funcs);
    if (this.f.decl_tag_kfuncs) {
      // By binary search, as `find` answers for a name held twice: `find`'s first call builds a
      // hash index of every function name (~40 ms for a vmlinux's 107K), which the first unit's
      // lookups build anyway. A parallel encoding's first thread sends the workers their jobs only
      // after this constructor, so the index is not built before they can start.
      // Unlike pahole 1.30: its table sorts `name` and `name.cold` as equal and is then searched by
      // exact name, which can miss a kfunc split into hot and cold parts and leave its bpf_kfunc
      // tag off (38 of the 308 kfuncs of Debian's 7.2 vmlinux, built by gcc 16). pahole 1.31
      // (dwarves 09c1e9c) and the kernel's own BTF tag them all, as this lookup does.
      for (const k of opts.kfuncs) {
        const i = this.funcs.search(k.name);
        if (i >= 0) {
          this.funcs.kfunc[i] = 1;
          this.funcs.kfuncFlags[i] = k.flags >>> 0;
        }
      }
    }
  }

  /** This encoder's sorted function symbols, for an encoder over the same ELF in another thread. */
  functionNames(): SortedFunctionNames {
    return this.funcs.sorted();
  }

  /** Encode every unit, then the functions and data sections; returns the (not deduplicated) BTF. */
  run(): Btf {
    this.encodeUnits(0, this.dwarf.units().length);
    return this.finish();
  }

  /**
   * Room for the records of units [from, to), allocated once at a generous estimate from their
   * DWARF size. Pages never written cost no memory, and the records are not copied each time the
   * arrays would have grown (for a vmlinux, hundreds of MB); a parallel encoding reserves for all
   * units in the first thread, so the other threads' records are appended in place.
   */
  reserveUnits(from: number, to: number): void {
    // Once per encoder: later calls (more units) leave growth to the arrays, which grow by a share
    // of their size rather than to an exact size each time.
    if (this.reserved) return;
    this.reserved = true;
    const units = this.dwarf.units();
    let bytes = 0;
    for (let i = from; i < to; i++) bytes += units[i].end - units[i].offset;
    try {
      this.btf.reserve(Math.min(MAX_RESERVED_WORDS, Math.ceil(bytes * WORDS_PER_DWARF_BYTE)), Math.ceil(bytes * RECORDS_PER_DWARF_BYTE));
    } catch (e) {
      // Address space refused (a small machine without overcommit): the arrays grow as they fill.
      if (!(e instanceof RangeError)) throw e;
    }
  }

  /**
   * Encode units [from, to) of the DWARF unit list; with `claim`, only as long as it lets each next
   * unit start (the rest of the run was taken by another thread).
   */
  encodeUnits(from: number, to: number, claim?: UnitClaim): void {
    const units = this.dwarf.units();
    this.reserveUnits(from, to);
    let maxLen = this.localId.length;
    for (let i = from; i < to; i++) maxLen = Math.max(maxLen, units[i].end - units[i].offset);
    if (maxLen > this.localId.length) this.localId = new Int32Array(maxLen);
    for (let i = from; i < to; i++) {
      if (claim !== undefined && !claim.start(i)) break;
      const u = units[i];
      this.dwarf.beginUnit(u);
      this.encodeUnitOf(u);
      // Each unit is encoded once: its compiled abbreviations (vmlinux: ~2600 tables, ~90 MB)
      // need not stay. A later reference into it compiles them again.
      this.dwarf.releaseAbbrevs(u);
    }
  }

  private encodeUnitOf(u: D.Unit): void {
    if (u.rootTag !== D.DW_TAG_compile_unit) return;
    if (this.langExclude.includes(u.language)) {
      this.stats.unitsSkipped++;
      return;
    }
    this.encodeUnit(u);
  }

  /**
   * What the units encoded so far produced, for absorbChunk in another encoder. The records and
   * strings are views of this encoder's arrays, not copies (a worker hands their buffers over
   * whole), so this encoder is done once it exports.
   */
  exportChunk(): EncodedChunk {
    const b = this.btf;
    const secinfo: Array<[number, number[]]> = [];
    for (let i = 0; i < this.secinfo.length; i++) {
      const si = this.secinfo[i];
      if (si !== undefined && si.length > 0) secinfo.push([i, si]);
    }
    return {
      startId: b.startId, startStrOff: b.startStrOff,
      words: b.words.subarray(0, b.wordLen), offs: b.offs.subarray(0, b.count + 1), count: b.count,
      strs: b.strs.subarray(0, b.strLen), strLen: b.strLen,
      states: packStates(this.states.drain()), aliases: this.aliasLog.map((i): [number, string] => [i, this.funcs.alias[i]!]), secinfo, stats: { ...this.stats },
      hasIndexType: this.hasIndexType, needIndexType: this.needIndexType, arrayIndexId: this.arrayIndexId,
    };
  }

  /**
   * Append a chunk encoded by another encoder over the same ELF and base, as if this encoder had
   * encoded those units itself: ids and strings renumbered, saved functions, aliases and
   * variables replayed in order. The first chunk absorbed sets the array index type.
   * @throws ChunkMergeError when a later chunk assumed an index type the earlier units did not choose.
   */
  absorbChunk(c: EncodedChunk, first: boolean): void {
    const btf = this.btf;
    const start = btf.startId;
    if (c.startId !== start || c.startStrOff !== btf.startStrOff) throw new ChunkMergeError('chunk encoded over another base');
    if (!first && !this.hasIndexType) throw new ChunkMergeError('the first units chose no array index type');
    const delta = btf.typeCount - start;
    const mapId = (v: number): number => (v === INDEX_SENTINEL ? this.arrayIndexId : v >= start ? v + delta : v);
    // Strings in the chunk's first-use order: new ones append in the order a single run adds them.
    // strMap[local offset] = new offset + 1 (0: not the start of a string).
    const strMap = new Int32Array(c.strLen + 1);
    let p = 0;
    while (p < c.strLen) {
      let e = c.strs.indexOf(0, p);
      if (e < 0 || e > c.strLen) e = c.strLen;
      strMap[p] = (e === p ? 0 : btf.addStrBytes(c.strs, p, e)) + 1;
      p = e + 1;
    }
    const firstIdx = btf.count;
    btf.appendRecords(c.words, c.offs, c.count);
    remapChunkRecords(btf.words, btf.offs, firstIdx, c.count, start, delta, this.arrayIndexId, c.startStrOff, strMap);
    for (const s of unpackStates(c.states, mapId)) this.states.save(s);
    for (const [idx, name] of c.aliases) if (this.funcs.alias[idx] === null) this.funcs.alias[idx] = name;
    for (const [shndx, flat] of c.secinfo) {
      let si = this.secinfo[shndx];
      if (si === undefined) this.secinfo[shndx] = si = [];
      for (let i = 0; i < flat.length; i += 3) si.push(mapId(flat[i]), flat[i + 1], flat[i + 2]);
    }
    this.stats.units += c.stats.units;
    this.stats.unitsSkipped += c.stats.unitsSkipped;
    this.stats.types += c.stats.types;
    this.stats.variables += c.stats.variables;
    if (first) {
      this.hasIndexType = c.hasIndexType;
      this.needIndexType = c.needIndexType;
      this.arrayIndexId = c.hasIndexType ? mapId(c.arrayIndexId) : 0;
    }
  }

  /**
   * Room for absorbing `chunks` in one allocation: their records, plus an eighth of that for what
   * finish() adds (functions, data sections), instead of growing once or twice while absorbing.
   */
  reserveFor(chunks: readonly EncodedChunk[]): void {
    let words = 0;
    let records = 0;
    for (const c of chunks) {
      words += c.offs[c.count] - c.offs[0];
      records += c.count;
    }
    this.btf.reserve(words + (words >>> 3), records + (records >>> 3));
  }

  /** This encoder reads no more units: its cursors let go of the DWARF bytes they are on. */
  doneReading(): void {
    this.cur.release();
    this.cur2.release();
  }

  /** After the last unit: the saved functions and the data sections; returns the (not deduplicated) BTF. */
  finish(): Btf {
    this.states.emit(this.f);
    this.stats.functions = this.states.added;
    this.stats.functionsSkipped = this.states.skipped;
    for (let i = 1; i < this.secinfo.length; i++) {
      const si = this.secinfo[i];
      if (si !== undefined && si.length > 0) this.addDatasec(i, si);
    }
    return this.btf;
  }

  // ---- one unit ----

  private encodeUnit(u: D.Unit): void {
    this.stats.units++;
    const cur = this.cur;
    this.unitOffset = u.offset;
    this.types.clear();
    this.fnDies.clear();
    this.varDies.clear();
    this.tagPrev.clear();
    this.tagHead.clear();
    cur.reset(u);
    if (cur.next() === 0) return;
    if (cur.hasChildren) {
      while (cur.nextChild(0)) this.processTag(true);
    }
    this.typeIdOff = this.btf.typeCount - 1;
    if (!this.hasIndexType) {
      const intId = this.findInt();
      if (intId > 0) {
        this.hasIndexType = true;
        this.arrayIndexId = this.typeIdOff + intId;
      } else {
        this.hasIndexType = false;
        this.arrayIndexId = this.typeIdOff + this.types.length + 1;
      }
    }
    for (let i = 0; i < this.types.length; i++) this.encodeType(this.types.words[i], i + 1);
    this.stats.types += this.types.length;
    if (this.needIndexType && !this.hasIndexType) {
      this.btf.add1(BTF_KIND_INT, this.btf.addStr('int'), 0, false, 4, (BTF_INT_SIGNED << 24) | 32);
      this.hasIndexType = true;
    }
    // Annotations are clang's: units whose abbreviations have none need no second member walk.
    if (this.f.decl_tag && u.abbrevs.hasTag(DW_TAG_LLVM_annotation)) this.encodeTypeDeclTags();
    this.encodeFunctions();
    if (this.f.var || this.f.global_var) this.encodeVariables();
    // Forget this unit's ids.
    const lid = this.localId;
    const base = this.unitOffset;
    const types = this.types.words;
    for (let i = 0; i < this.types.length; i++) lid[types[i] - base] = 0;
  }

  /** Local id of the first base type named "int", or 0. */
  private findInt(): number {
    const cur = this.cur2;
    for (let i = 0; i < this.types.length; i++) {
      const off = this.types.words[i];
      if (cur.dieAt(off) !== D.DW_TAG_base_type) continue;
      if (cur.attrString(D.DW_AT_name) === 'int') return i + 1;
    }
    return 0;
  }

  private assign(off: number): void {
    this.types.push(off);
    this.localId[off - this.unitOffset] = this.types.length;
  }

  /**
   * pahole's die__process_tag for the cursor's current DIE: types get ids after the types nested
   * in them; subprograms and variables are recorded. Leaves the cursor on the DIE's last descendant
   * visited (the caller continues with nextChild).
   */
  private processTag(top: boolean): void {
    const cur = this.cur;
    const tag = cur.tag;
    const off = cur.offset;
    const depth = cur.depth;
    switch (tag) {
      case D.DW_TAG_structure_type:
      case D.DW_TAG_class_type:
      case D.DW_TAG_interface_type:
      case D.DW_TAG_union_type:
        if (cur.hasChildren) {
          while (cur.nextChild(depth)) {
            switch (cur.tag) {
              case D.DW_TAG_member:
              case D.DW_TAG_inheritance:
              case D.DW_TAG_template_type_parameter:
              case D.DW_TAG_template_value_parameter:
              case D.DW_TAG_subrange_type:
              case D.DW_TAG_variant_part:
              case D.DW_TAG_GNU_template_parameter_pack:
              case D.DW_TAG_GNU_formal_parameter_pack:
              case D.DW_TAG_GNU_template_template_param:
              case DW_TAG_LLVM_annotation:
                cur.skipChildren();
                break;
              default:
                this.processTag(false);
            }
          }
        }
        this.assign(off);
        return;
      case D.DW_TAG_subroutine_type:
        if (cur.hasChildren) {
          while (cur.nextChild(depth)) {
            switch (cur.tag) {
              case D.DW_TAG_subrange_type:
              case D.DW_TAG_formal_parameter:
              case D.DW_TAG_unspecified_parameters:
                cur.skipChildren();
                break;
              default:
                this.processTag(false);
            }
          }
        }
        this.assign(off);
        return;
      case D.DW_TAG_pointer_type:
        if (cur.hasChildren && this.f.type_tag) {
          let prev = -1 - off;
          let any = false;
          while (cur.nextChild(depth)) {
            if (cur.tag === DW_TAG_LLVM_annotation && cur.attrString(D.DW_AT_name) === 'btf_type_tag') {
              const a = cur.offset;
              this.assign(a);
              this.tagPrev.set(a, prev);
              prev = a;
              any = true;
            }
            cur.skipChildren();
          }
          if (any) this.tagHead.set(off, prev);
        } else {
          cur.skipChildren();
        }
        this.assign(off);
        return;
      case D.DW_TAG_unspecified_type:
        cur.skipChildren();
        return;
      case D.DW_TAG_base_type:
      case D.DW_TAG_array_type:
      case D.DW_TAG_string_type:
      case D.DW_TAG_const_type:
      case D.DW_TAG_volatile_type:
      case D.DW_TAG_restrict_type:
      case D.DW_TAG_atomic_type:
      case D.DW_TAG_reference_type:
      case D.DW_TAG_rvalue_reference_type:
      case D.DW_TAG_ptr_to_member_type:
      case D.DW_TAG_enumeration_type:
      case D.DW_TAG_typedef:
        cur.skipChildren();
        this.assign(off);
        return;
      case D.DW_TAG_subprogram:
        this.processBody(depth);
        this.fnDies.push(off);
        return;
      case D.DW_TAG_variable:
        if (top) this.varDies.push(off);
        cur.skipChildren();
        return;
      case D.DW_TAG_namespace:
        if (cur.hasChildren) while (cur.nextChild(depth)) this.processTag(false);
        return;
      default:
        cur.skipChildren();
    }
  }

  /** pahole's die__process_function / die__process_inline_expansion over the children of a subprogram, lexical block or inline expansion. */
  private processBody(depth: number): void {
    const cur = this.cur;
    if (!cur.hasChildren) return;
    while (cur.nextChild(depth)) {
      switch (cur.tag) {
        case D.DW_TAG_lexical_block:
        case D.DW_TAG_inlined_subroutine:
          this.processBody(cur.depth);
          break;
        case D.DW_TAG_call_site:
        case D.DW_TAG_call_site_parameter:
        case D.DW_TAG_GNU_call_site:
        case D.DW_TAG_GNU_call_site_parameter:
        case D.DW_TAG_dwarf_procedure:
        case D.DW_TAG_GNU_template_parameter_pack:
        case D.DW_TAG_GNU_formal_parameter_pack:
        case D.DW_TAG_GNU_template_template_param:
        case D.DW_TAG_template_type_parameter:
        case D.DW_TAG_template_value_parameter:
        case D.DW_TAG_formal_parameter:
        case D.DW_TAG_variable:
        case D.DW_TAG_unspecified_parameters:
        case D.DW_TAG_label:
        case DW_TAG_LLVM_annotation:
          cur.skipChildren();
          break;
        default:
          this.processTag(false);
      }
    }
  }

  // ---- types ----

  /** BTF id for the type a reference attribute of the cursor's DIE names (0 = void). */
  private refId(cur: D.DieCursor, at: number): number {
    const r = cur.attrRef(at);
    if (r < 0) return 0;
    const rel = r - this.unitOffset;
    if (rel < 0 || rel >= this.localId.length) return 0;
    const l = this.localId[rel];
    return l === 0 ? 0 : this.typeIdOff + l;
  }

  private nameOff(cur: D.DieCursor): number {
    const ref = cur.attrStrRef(D.DW_AT_name);
    if (ref < 0) return 0;
    // Names repeat across units: remember the BTF offset per interned DWARF string.
    const id = this.dwarf.strRefId(ref);
    let cache = this.nameCache;
    if (id >= cache.length) cache = this.nameCache = grownInt32(cache, id + 1);
    const cached = cache[id];
    if (cached !== 0) return cached - 1;
    const b = this.dwarf.strIdBytes(id);
    const off = b.length === 0 ? 0 : this.btf.addStrBytes(b, 0, b.length);
    cache[id] = off + 1;
    return off;
  }

  private unsupported(cur: D.DieCursor, what: string): never {
    throw new DwarfError(`cannot encode ${what} in BTF`, { file: this.dwarf.fileName, section: '.debug_info', offset: cur.offset });
  }

  private encodeType(off: number, local: number): void {
    const cur = this.cur;
    const btf = this.btf;
    const tag = cur.dieAt(off);
    let id: number;
    switch (tag) {
      case D.DW_TAG_base_type:
        id = this.encodeBaseType(cur);
        break;
      case D.DW_TAG_const_type:
        id = btf.add(BTF_KIND_CONST, 0, 0, false, this.refId(cur, D.DW_AT_type));
        break;
      case D.DW_TAG_volatile_type:
        id = btf.add(BTF_KIND_VOLATILE, 0, 0, false, this.refId(cur, D.DW_AT_type));
        break;
      case D.DW_TAG_restrict_type:
        id = btf.add(BTF_KIND_RESTRICT, 0, 0, false, this.refId(cur, D.DW_AT_type));
        break;
      case D.DW_TAG_pointer_type: {
        const head = this.tagHead.get(off);
        const t = head !== undefined ? this.typeIdOff + this.localId[head - this.unitOffset] : this.refId(cur, D.DW_AT_type);
        id = btf.add(BTF_KIND_PTR, 0, 0, false, t);
        break;
      }
      case DW_TAG_LLVM_annotation: {
        const prev = this.tagPrev.get(off)!;
        let t: number;
        if (prev >= 0) {
          t = this.typeIdOff + this.localId[prev - this.unitOffset];
        } else {
          const c2 = this.cur2;
          c2.dieAt(-1 - prev);
          t = this.refId(c2, D.DW_AT_type);
          cur.dieAt(off);
        }
        const v = cur.attrString(D.DW_AT_const_value) ?? '';
        id = btf.add(BTF_KIND_TYPE_TAG, btf.addStr(v), 0, false, t);
        break;
      }
      case D.DW_TAG_typedef:
        id = btf.add(BTF_KIND_TYPEDEF, this.nameOff(cur), 0, false, this.refId(cur, D.DW_AT_type));
        break;
      case D.DW_TAG_structure_type:
      case D.DW_TAG_class_type:
      case D.DW_TAG_interface_type:
      case D.DW_TAG_union_type:
        id = this.encodeStruct(cur, tag);
        break;
      case D.DW_TAG_array_type:
        id = this.encodeArray(cur);
        break;
      case D.DW_TAG_enumeration_type:
        id = this.encodeEnum(cur);
        break;
      case D.DW_TAG_subroutine_type:
        id = this.encodeProto(cur);
        break;
      default:
        this.unsupported(cur, D.tagName(tag));
    }
    if (id !== this.typeIdOff + local) {
      throw new DwarfError(`BTF id drift: DIE got id ${id}, expected ${this.typeIdOff + local}`, { file: this.dwarf.fileName, section: '.debug_info', offset: off });
    }
  }

  private encodeBaseType(cur: D.DieCursor): number {
    const btf = this.btf;
    let name = cur.attrString(D.DW_AT_name) ?? '';
    let size = cur.attrUint(D.DW_AT_byte_size, 0);
    const enc = cur.attrUint(D.DW_AT_encoding, 0);
    let encoding = 0;
    if (enc === D.DW_ATE_signed || enc === D.DW_ATE_signed_char) {
      encoding = BTF_INT_SIGNED;
    } else if (enc === D.DW_ATE_boolean) {
      encoding = BTF_INT_BOOL;
    } else if (this.f.float && (enc === D.DW_ATE_float || enc === D.DW_ATE_complex_float || enc === D.DW_ATE_imaginary_float)) {
      if (enc !== D.DW_ATE_float) this.unsupported(cur, 'a complex or imaginary float type');
      return btf.add(BTF_KIND_FLOAT, btf.addStr(name), 0, false, size);
    }
    if (size === 0 || (size & (size - 1)) !== 0 || size > 16) {
      name = '__SANITIZED_FAKE_INT__';
      size = 4;
    }
    return btf.add1(BTF_KIND_INT, btf.addStr(name), 0, false, size, ((encoding << 24) | (size * 8)) >>> 0);
  }

  private encodeStruct(cur: D.DieCursor, tag: number): number {
    const btf = this.btf;
    const isUnion = tag === D.DW_TAG_union_type;
    const name = this.nameOff(cur);
    if (cur.attrFlag(D.DW_AT_declaration)) return btf.add(BTF_KIND_FWD, name, 0, isUnion, 0);
    const size = cur.attrUint(D.DW_AT_byte_size, 0);
    // btf.add copies the words, so the list is reused from type to type.
    const extra = this.memberWords;
    extra.clear();
    let kflag = false;
    let vlen = 0;
    if (cur.hasChildren) {
      while (cur.nextChild(0)) {
        if (cur.tag !== D.DW_TAG_member) {
          cur.skipChildren();
          continue;
        }
        const mname = this.nameOff(cur);
        const mtype = this.refId(cur, D.DW_AT_type);
        const bitSize = cur.attrUint(D.DW_AT_bit_size, 0);
        const bitOff = this.memberBitOffset(cur, bitSize);
        const isBitfield = bitSize !== 0 || bitOff % 8 !== 0;
        if (isBitfield) kflag = true;
        extra.push(mname);
        extra.push(mtype);
        extra.push(bitOff + bitSize * 0x1000000);
        vlen++;
        cur.skipChildren();
      }
    }
    return btf.addWords(isUnion ? BTF_KIND_UNION : BTF_KIND_STRUCT, name, vlen, kflag, size, extra.words, extra.length);
  }

  /** pahole's member bit offset: DW_AT_data_bit_offset, or byte offset plus the (little-endian adjusted) DW_AT_bit_offset. */
  private memberBitOffset(cur: D.DieCursor, bitSize: number): number {
    if (cur.has(D.DW_AT_data_bit_offset)) return cur.attrUint(D.DW_AT_data_bit_offset, 0);
    let byteOff = 0;
    const form = cur.attrForm(D.DW_AT_data_member_location);
    if (form !== 0) {
      if (form === D.DW_FORM_exprloc || form === D.DW_FORM_block || form === D.DW_FORM_block1 || form === D.DW_FORM_block2 || form === D.DW_FORM_block4) {
        const e = cur.attrBlock(D.DW_AT_data_member_location)!;
        byteOff = e.length > 1 && (e[0] === 0x23 || e[0] === 0x10) ? ulebAt(e, 1) : 0;
      } else {
        byteOff = cur.attrUint(D.DW_AT_data_member_location, 0);
      }
    }
    if (bitSize === 0 || !cur.has(D.DW_AT_bit_offset)) return byteOff * 8;
    let byteSize = cur.attrUint(D.DW_AT_byte_size, 0);
    if (byteSize === 0) byteSize = this.strippedSize(cur.attrRef(D.DW_AT_type));
    if (byteSize === 0) return byteOff * 8;
    let bfOff = cur.attrSint(D.DW_AT_bit_offset, 0);
    if (this.elf.le) bfOff = byteSize * 8 - bfOff - bitSize;
    return byteOff * 8 + bfOff;
  }

  /** Byte size of a type after typedefs and qualifiers, as pahole's tag__size for bitfield containers. */
  private strippedSize(off: number): number {
    const c = this.cur2;
    for (let guard = 0; off >= 0 && guard < 64; guard++) {
      const t = c.dieAt(off);
      if (t === D.DW_TAG_typedef || t === D.DW_TAG_const_type || t === D.DW_TAG_volatile_type || t === D.DW_TAG_restrict_type || t === D.DW_TAG_atomic_type) {
        off = c.attrRef(D.DW_AT_type);
        continue;
      }
      if (t === D.DW_TAG_enumeration_type) return c.attrUint(D.DW_AT_byte_size, 4) || 4;
      return c.attrUint(D.DW_AT_byte_size, 0);
    }
    return 0;
  }

  private encodeArray(cur: D.DieCursor): number {
    const elem = this.refId(cur, D.DW_AT_type);
    let nelems = 1;
    if (cur.hasChildren) {
      while (cur.nextChild(0)) {
        if (cur.tag === D.DW_TAG_subrange_type) nelems = Math.imul(nelems, upperBound(cur)) >>> 0;
        cur.skipChildren();
      }
    }
    this.needIndexType = true;
    const w = this.arrayWords;
    w[0] = elem;
    w[1] = this.arrayIndexId;
    w[2] = nelems;
    return this.btf.addWords(BTF_KIND_ARRAY, 0, 0, false, 0, w, 3);
  }

  private encodeEnum(cur: D.DieCursor): number {
    const btf = this.btf;
    const name = this.nameOff(cur);
    let size = cur.attrUint(D.DW_AT_byte_size, 0);
    if (size === 0) size = 4;
    let signed = false;
    const tref = cur.attrRef(D.DW_AT_type);
    if (tref >= 0) {
      const c2 = this.cur2;
      c2.dieAt(tref);
      const e = c2.attrUint(D.DW_AT_encoding, 0);
      signed = e === D.DW_ATE_signed || e === D.DW_ATE_signed_char;
    }
    const wide = size > 4 && this.f.enum64;
    const extra = this.memberWords;
    extra.clear();
    let vlen = 0;
    let kflag = wide ? signed : false;
    if (cur.hasChildren) {
      while (cur.nextChild(0)) {
        if (cur.tag !== D.DW_TAG_enumerator) {
          cur.skipChildren();
          continue;
        }
        const vname = this.nameOff(cur);
        let hi = 0;
        let lo = 0;
        if (cur.attrU64(D.DW_AT_const_value)) {
          hi = cur.hi;
          lo = cur.lo;
        }
        extra.push(vname);
        extra.push(lo);
        if (wide) {
          extra.push(hi);
        } else {
          if (this.f.enum64 && (hi & 0x80000000) !== 0) kflag = true;
        }
        vlen++;
        cur.skipChildren();
      }
    }
    return btf.addWords(wide ? BTF_KIND_ENUM64 : BTF_KIND_ENUM, name, vlen, kflag, size, extra.words, extra.length);
  }

  private encodeProto(cur: D.DieCursor): number {
    const ret = this.refId(cur, D.DW_AT_type);
    const extra = this.memberWords;
    extra.clear();
    let vlen = 0;
    let unspec = false;
    if (cur.hasChildren) {
      while (cur.nextChild(0)) {
        if (cur.tag === D.DW_TAG_formal_parameter) {
          extra.push(this.nameOff(cur));
          extra.push(this.refId(cur, D.DW_AT_type));
          vlen++;
        } else if (cur.tag === D.DW_TAG_unspecified_parameters) {
          unspec = true;
        }
        cur.skipChildren();
      }
    }
    if (unspec) {
      extra.push(0);
      extra.push(0);
      vlen++;
    }
    return this.btf.addWords(BTF_KIND_FUNC_PROTO, 0, vlen, false, ret, extra.words, extra.length);
  }

  /** DECL_TAGs for btf_decl_tag annotations on structs, unions and typedefs (and their members). */
  private encodeTypeDeclTags(): void {
    const cur = this.cur;
    for (let i = 0; i < this.types.length; i++) {
      const off = this.types.words[i];
      const tag = cur.dieAt(off);
      if (tag !== D.DW_TAG_structure_type && tag !== D.DW_TAG_union_type && tag !== D.DW_TAG_typedef) continue;
      if (!cur.hasChildren) continue;
      const annots: Annot[] = [];
      let member = 0;
      while (cur.nextChild(0)) {
        if (cur.tag === DW_TAG_LLVM_annotation) {
          this.pushAnnot(cur, -1, annots);
        } else if (cur.tag === D.DW_TAG_member || cur.tag === D.DW_TAG_inheritance) {
          this.childAnnots(cur, member, annots);
          member++;
          continue;
        }
        cur.skipChildren();
      }
      for (const a of annots) this.btf.add1(BTF_KIND_DECL_TAG, this.btf.addStr(a.value), 0, false, this.typeIdOff + i + 1, a.component >>> 0);
    }
  }

  private pushAnnot(cur: D.DieCursor, component: number, out: Annot[]): void {
    if (cur.attrString(D.DW_AT_name) !== 'btf_decl_tag') return;
    out.push({ value: cur.attrString(D.DW_AT_const_value) ?? '', component });
  }

  /** Annotations among the children of the cursor's DIE; leaves the cursor past its subtree. */
  private childAnnots(cur: D.DieCursor, component: number, out: Annot[]): void {
    if (!cur.hasChildren || !cur.unit.abbrevs.hasTag(DW_TAG_LLVM_annotation)) return;
    const d = cur.depth;
    while (cur.nextChild(d)) {
      if (cur.tag === DW_TAG_LLVM_annotation) this.pushAnnot(cur, component, out);
      cur.skipChildren();
    }
  }

  // ---- functions ----

  /**
   * String id of the name of the subprogram at `off`, following DW_AT_abstract_origin then
   * DW_AT_specification when it has none; -1 when none of them has one.
   */
  private fnNameId(c: D.DieCursor, off: number): number {
    for (let guard = 0; guard < 8 && off >= 0; guard++) {
      c.dieAt(off);
      const n = this.nameId(c);
      if (n >= 0) return n;
      const ao = c.attrRef(D.DW_AT_abstract_origin);
      off = ao >= 0 ? ao : c.attrRef(D.DW_AT_specification);
    }
    return -1;
  }

  /** The string id of the cursor DIE's DW_AT_name, or -1. */
  private nameId(c: D.DieCursor): number {
    const ref = c.attrStrRef(D.DW_AT_name);
    return ref < 0 ? -1 : this.dwarf.strRefId(ref);
  }

  private encodeFunctions(): void {
    const fns: FnDie[] = [];
    const originFlags = new Map<number, number>();
    // One small method per function DIE and per saved function: the loops stay short, so a
    // deoptimization in one step recompiles that step rather than the whole pass.
    for (let i = 0; i < this.fnDies.length; i++) {
      const fn = this.readFunction(this.fnDies.words[i], originFlags);
      if (fn !== null) fns.push(fn);
    }
    for (const fn of fns) this.saveFunction(fn, originFlags);
  }

  /** A DW_TAG_subprogram at `off` with its parameters and annotations; null for a declaration. */
  private readFunction(off: number, originFlags: Map<number, number>): FnDie | null {
    const cur = this.cur;
    const c2 = this.cur2;
    cur.dieAt(off);
    if (cur.attrFlag(D.DW_AT_declaration)) return null;
    const hasOrigin = cur.has(D.DW_AT_abstract_origin);
    let ret = this.refId(cur, D.DW_AT_type);
    let nameId = this.nameId(cur);
    const originRef = cur.attrRef(D.DW_AT_abstract_origin);
    const specRef = cur.attrRef(D.DW_AT_specification);
    const params: FnParam[] = [];
    const annots: Annot[] = [];
    let unspec = false;
    if (cur.hasChildren) {
      let idx = 0;
      while (cur.nextChild(0)) {
        const t = cur.tag;
        if (t === D.DW_TAG_formal_parameter) {
          params.push(this.readParam(idx, annots, originFlags));
          idx++;
          continue;
        }
        if (t === D.DW_TAG_unspecified_parameters) unspec = true;
        else if (t === DW_TAG_LLVM_annotation && this.f.decl_tag) this.pushAnnot(cur, -1, annots);
        cur.skipChildren();
      }
    }
    if (nameId < 0 && (originRef >= 0 || specRef >= 0)) {
      nameId = this.fnNameId(c2, originRef >= 0 ? originRef : specRef);
      if (nameId < 0 && originRef >= 0 && specRef >= 0) nameId = this.fnNameId(c2, specRef);
    }
    if (ret === 0 && hasOrigin && originRef >= 0) {
      c2.dieAt(originRef);
      ret = this.refId(c2, D.DW_AT_type);
    }
    for (const p of params) {
      if (p.origin >= 0) {
        c2.dieAt(p.origin);
        p.name = c2.attrString(D.DW_AT_name);
        p.type = this.refId(c2, D.DW_AT_type);
      }
    }
    return { die: off, nameId, ret, params, unspec, annots };
  }

  /** The DW_TAG_formal_parameter under the cursor, the `idx`-th of its function (cursor left after it). */
  private readParam(idx: number, annots: Annot[], originFlags: Map<number, number>): FnParam {
    const cur = this.cur;
    const p: FnParam = { name: cur.attrString(D.DW_AT_name), type: 0, flags: 0, die: cur.offset, origin: -1 };
    const hasType = cur.has(D.DW_AT_type);
    if (hasType) p.type = this.refId(cur, D.DW_AT_type);
    else p.origin = cur.attrRef(D.DW_AT_abstract_origin);
    if (idx < this.regCount) {
      if (cur.has(D.DW_AT_location)) p.flags |= this.paramLocationFlags(idx);
      else if (cur.has(D.DW_AT_const_value)) p.flags |= P_OPTIMIZED;
    }
    if (this.f.decl_tag) this.childAnnots(cur, idx, annots);
    else cur.skipChildren();
    if (!hasType && p.origin >= 0) {
      const o = p.origin;
      originFlags.set(o, (originFlags.get(o) ?? 0) | p.flags);
    }
    return p;
  }

  /** P_HAS_LOC plus P_OPTIMIZED or P_UNEXPECTED_REG for the location of the cursor's `idx`-th parameter. */
  private paramLocationFlags(idx: number): number {
    const cur = this.cur;
    const unit = cur.unit;
    const expected = idx < this.regs.length ? this.regs[idx] : -1;
    const exprs = this.exprs;
    try {
      cur.locationRanges(exprs, D.DW_AT_location);
    } catch {
      exprs.reset(exprs.data);
    }
    const reg = parameterRegister(exprs, expected, unit.addrSize, unit.offsetSize);
    if (reg < 0) return P_HAS_LOC | P_OPTIMIZED;
    if (expected >= 0 && expected !== reg) return P_HAS_LOC | P_UNEXPECTED_REG;
    return P_HAS_LOC;
  }

  /** Save `fn` for emission when it is a function of the ELF symbol table with every parameter named. */
  private saveFunction(fn: FnDie, originFlags: Map<number, number>): void {
    const funcs = this.funcs;
    let optimized = false;
    let unexpected = false;
    let allNamed = true;
    for (const p of fn.params) {
      const fl = p.flags | (originFlags.get(p.die) ?? 0);
      if ((fl & P_OPTIMIZED) !== 0 || (fl & P_HAS_LOC) === 0) optimized = true;
      if ((fl & P_UNEXPECTED_REG) !== 0) unexpected = true;
      if (p.name === undefined) allNamed = false;
    }
    // Asked for every function, not only those with unexpected registers: a call first made
    // once this method is optimized would throw its optimized code away.
    const structParam = this.hasStructParam(fn);
    if (unexpected && structParam) unexpected = false;
    if (!allNamed) return;
    if (fn.nameId < 0) return;
    let idx = -1;
    if (funcs.count > 0) {
      let known = this.fnSymbolCache;
      if (fn.nameId >= known.length) known = this.fnSymbolCache = grownInt32(known, fn.nameId + 1);
      idx = known[fn.nameId] - 2;
      if (idx === -2) {
        idx = funcs.find(this.dwarf.strIdString(fn.nameId));
        known[fn.nameId] = idx + 2;
      }
      if (idx < 0 && funcs.suffixCount > 0 && this.f.optimized_func) {
        const name = this.dwarf.strIdString(fn.nameId);
        idx = funcs.findSuffixed(name);
        if (idx >= 0 && funcs.alias[idx] === null) {
          funcs.alias[idx] = name;
          this.aliasLog.push(idx);
        }
      }
    }
    if (idx < 0) return;
    // pahole adds a saved function's parameter names and annotation values to the string
    // section when it saves the function (the FUNC's own name only when it is emitted), so
    // strings of later variables follow them. (Index loops and one array literal: arrays made by
    // `map`, empty ones included, change their element kind as they fill, and every new kind
    // deoptimized this method.)
    const params: Array<{ name: string; type: number }> = [];
    for (let i = 0; i < fn.params.length; i++) {
      const p = fn.params[i];
      const name = p.name ?? '';
      if (name !== '') this.btf.addStr(name);
      params.push({ name, type: p.type });
    }
    if (fn.unspec) params.push({ name: '', type: 0 });
    for (let i = 0; i < fn.annots.length; i++) this.btf.addStr(fn.annots[i].value);
    this.states.save({ elf: idx, ret: fn.ret, params, unspec: fn.unspec, optimized, unexpected, inconsistent: false, annots: fn.annots });
  }

  /** Has `fn` a parameter of struct type (pahole's param__is_struct)? */
  private hasStructParam(fn: FnDie): boolean {
    for (let i = 0; i < fn.params.length; i++) if (this.isStructParam(fn.params[i].type)) return true;
    return false;
  }

  /** pahole's param__is_struct: the type, through const and typedef, is a DW_TAG_structure_type. */
  private isStructParam(id: number): boolean {
    const btf = this.btf;
    for (let guard = 0; guard < 64 && id !== 0; guard++) {
      const k = btf.kind(id);
      if (k === BTF_KIND_STRUCT) return true;
      if (k === BTF_KIND_FWD) return !btf.kflag(id);
      if (k !== BTF_KIND_CONST && k !== BTF_KIND_TYPEDEF) return false;
      id = btf.sizeType(id);
    }
    return false;
  }

  // ---- variables ----

  private encodeVariables(): void {
    const cur = this.cur;
    const c2 = this.cur2;
    const btf = this.btf;
    for (let i = 0; i < this.varDies.length; i++) {
      const off = this.varDies.words[i];
      cur.dieAt(off);
      const declaration = cur.has(D.DW_AT_declaration);
      const spec = cur.attrRef(D.DW_AT_specification);
      if (declaration && spec < 0) continue;
      if (declaration) continue; // no location is read for declarations: scope unknown
      if (cur.has(D.DW_AT_artificial)) continue;
      const shndx = this.varSection(cur);
      if (shndx <= 0 || this.secInclude[shndx] === 0) continue;
      const rel = this.varRel[0];
      let v: D.DieCursor = cur;
      if (spec >= 0) {
        c2.dieAt(spec);
        v = c2;
      }
      const name = v.attrString(D.DW_AT_name);
      if (name === undefined) continue;
      if (filterVariableName(name)) continue;
      if (rel === 0 && !this.objects.inSection(name, shndx)) continue;
      if (!btfNameValid(name)) {
        if (this.f.encode_force) continue;
        throw new DwarfError(`invalid variable name '${name}' (use encode_force to skip it)`, { file: this.dwarf.fileName, section: '.debug_info', offset: off });
      }
      const type = this.refId(v, D.DW_AT_type);
      if (type === 0) {
        if (this.f.encode_force) continue;
        throw new DwarfError(`variable '${name}' has void type`, { file: this.dwarf.fileName, section: '.debug_info', offset: off });
      }
      const size = this.typeSize(type);
      if (size === 0 || size > 0xffffffff) continue;
      if (rel > 0xffffffff) continue;
      const external = v.has(D.DW_AT_external);
      const annots: Annot[] = [];
      if (this.f.decl_tag) this.childAnnots(v, -1, annots);
      const id = btf.add1(BTF_KIND_VAR, btf.addStr(name), 0, false, type, external ? 1 : 0);
      for (const a of annots) btf.add1(BTF_KIND_DECL_TAG, btf.addStr(a.value), 0, false, id, a.component >>> 0);
      let si = this.secinfo[shndx];
      if (si === undefined) this.secinfo[shndx] = si = [];
      si.push(id, rel, size);
      this.stats.variables++;
    }
  }

  /**
   * The section holding the address pahole reads for a variable (libdwfl's layout for ET_REL), with
   * the variable's offset in it in `varRel[0]`; 0 when no section holds it, -1 when its location is
   * not a lone address.
   */
  private varSection(cur: D.DieCursor): number {
    const rel = this.varRel;
    if (!this.isRel) return this.varLocation(cur) !== null ? sectionOfAddress64(this.elf, cur.hi, cur.lo, rel) : -1;
    const addr = this.varAddress(cur);
    if (addr < 0) return -1;
    const shndx = sectionOfAddress(this.elf, this.secAddr, addr);
    rel[0] = addr - this.secAddr[shndx];
    return shndx;
  }

  /** The variable's location expression when it is a lone address (left in cur.hi and cur.lo), else null. */
  private varLocation(cur: D.DieCursor): Uint8Array | null {
    const form = cur.attrForm(D.DW_AT_location);
    if (form !== D.DW_FORM_exprloc && form !== D.DW_FORM_block1 && form !== D.DW_FORM_block2 && form !== D.DW_FORM_block4 && form !== D.DW_FORM_block) return null;
    const e = cur.attrBlock(D.DW_AT_location)!;
    if (e.length === 0) return null;
    const op = e[0];
    if (op !== 0x03 && op !== 0xa1 && op !== 0xfb) return null;
    return D.classifyExpr(cur, e) === D.LOC_ADDR ? e : null;
  }

  /** For ET_REL: the address pahole reads for a variable (libdwfl's layout), or -1 when its location is not a lone address. */
  private varAddress(cur: D.DieCursor): number {
    const e = this.varLocation(cur);
    if (e === null) return -1;
    const value = cur.hi * 4294967296 + cur.lo;
    let shndx: number;
    if (e[0] === 0x03) {
      const place = cur.sectionOffsetOf(e) + 1;
      shndx = this.relocs.sectionAt('.debug_info', place);
    } else {
      const unit = cur.unit;
      const idx = ulebAt(e, 1);
      shndx = this.relocs.sectionAt('.debug_addr', unit.addrBase + idx * unit.addrSize);
    }
    if (shndx <= 0 || shndx >= this.secAddr.length) return value;
    return this.secAddr[shndx] + value;
  }

  /** pahole's tag__size for a variable's type, computed on the BTF built so far. */
  private typeSize(id: number): number {
    const btf = this.btf;
    for (let guard = 0; guard < 256; guard++) {
      if (id === 0) return 0;
      const k = btf.kind(id);
      switch (k) {
        case BTF_KIND_INT:
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
        case BTF_KIND_FLOAT:
          return btf.sizeType(id);
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: {
          const s = btf.sizeType(id);
          return s === 1 && btf.vlen(id) === 0 ? 0 : s;
        }
        case BTF_KIND_PTR:
        case BTF_KIND_FUNC_PROTO:
          return this.cur.unit.addrSize;
        case BTF_KIND_ARRAY:
          return btf.extra(id, 2) * this.typeSize(btf.extra(id, 0));
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_CONST:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
          id = btf.sizeType(id);
          continue;
        default:
          return 0;
      }
    }
    return 0;
  }

  private addDatasec(shndx: number, si: number[]): void {
    const n = si.length / 3;
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => si[a * 3 + 1] - si[b * 3 + 1]);
    const extra: number[] = [];
    for (const i of order) extra.push(si[i * 3], si[i * 3 + 1], si[i * 3 + 2]);
    const last = order[n - 1];
    const size = (si[last * 3 + 1] + si[last * 3 + 2]) >>> 0;
    const name = this.elf.sections[shndx].name;
    this.btf.add(BTF_KIND_DATASEC, this.btf.addStr(name), n, false, size, extra);
  }
}

/** Unsigned LEB128 at `p` of `b` (small values; used for DW_OP operands). */
function ulebAt(b: Uint8Array, p: number): number {
  let v = 0;
  let mul = 1;
  while (p < b.length) {
    const c = b[p++];
    v += (c & 0x7f) * mul;
    mul *= 128;
    if ((c & 0x80) === 0) break;
  }
  return v;
}

/** Element count of a DW_TAG_subrange_type: upper bound + 1, or DW_AT_count, else 0 (as 32 bits). */
function upperBound(cur: D.DieCursor): number {
  const constant = (f: number) => f === D.DW_FORM_data1 || f === D.DW_FORM_data2 || f === D.DW_FORM_data4 || f === D.DW_FORM_data8
    || f === D.DW_FORM_sdata || f === D.DW_FORM_udata || f === D.DW_FORM_implicit_const;
  let f = cur.attrForm(D.DW_AT_upper_bound);
  if (f !== 0) {
    if (!constant(f)) return 0;
    cur.attrU64(D.DW_AT_upper_bound);
    return (cur.lo + 1) >>> 0;
  }
  f = cur.attrForm(D.DW_AT_count);
  if (f !== 0 && constant(f)) {
    cur.attrU64(D.DW_AT_count);
    return cur.lo >>> 0;
  }
  return 0;
}

const SKIP_PREFIXES = ['__UNIQUE_ID', '__tpstrtab_', '__exitcall_', '__gendwarfksyms_ptr_', '__func_stack_frame_non_standard_'];

/** pahole's filter_variable_name: compiler- and macro-generated names that are never encoded. */
function filterVariableName(name: string): boolean {
  if (name.charCodeAt(0) !== 0x5f) return false;
  for (const p of SKIP_PREFIXES) if (name.startsWith(p)) return true;
  return false;
}

/** pahole's btf_name_valid: [A-Za-z_.][A-Za-z0-9_.]*, shorter than KSYM_NAME_LEN. */
function btfNameValid(name: string): boolean {
  if (name.length === 0 || name.length > KSYM_NAME_LEN) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = c === 0x5f || c === 0x2e || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (i > 0 && c >= 0x30 && c <= 0x39);
    if (!ok) return false;
  }
  return true;
}

/**
 * Renumber the records `offs[first..first+count)` of a chunk just appended: own type ids move by
 * `delta`, the index sentinel becomes `indexId`, and chunk string offsets go through `strMap`
 * (local offset -> new offset + 1). One loop with typed-array lookups: a vmlinux chunk has
 * millions of records.
 */
function remapChunkRecords(w: Uint32Array, offs: Uint32Array, first: number, count: number, start: number, delta: number, indexId: number, strStart: number, strMap: Int32Array): void {
  const fixId = (wi: number) => {
    const v = w[wi];
    if (v === INDEX_SENTINEL) w[wi] = indexId;
    else if (v >= start) w[wi] = v + delta;
  };
  const fixStr = (wi: number) => {
    const v = w[wi];
    if (v === 0 || v < strStart) return;
    const m = strMap[v - strStart];
    if (m > 0) w[wi] = m - 1;
  };
  for (let i = 0; i < count; i++) {
    const o = offs[first + i];
    forEachTypeIdField(w, o, fixId);
    forEachStrField(w, o, fixStr);
  }
}

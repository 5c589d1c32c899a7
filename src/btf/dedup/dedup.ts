// BTF deduplication with the same result as libbpf's btf__dedup(), for base and split BTF.
//
// Problem: every compilation unit describes the types it uses again, so BTF produced per CU
// holds many copies of each type, and module BTF repeats types the kernel's BTF already has.
// Dedup maps each type to one canonical representative and drops the rest.
//
// The rules are those of libbpf 1.5, the libbpf that pahole 1.30 and 1.31 build with (their bundled
// copy, and Debian's): TYPEDEF is a reference kind, and the fallback for duplicates inside one CU
// compares ARRAYs and STRUCT/UNIONs only. Later libbpf compares TYPEDEFs as graphs (1.7) and any
// kind up to a depth (1.6), which gives other results on some modules.
//
// Passes, in libbpf's order (src/btf.c, btf__dedup):
//   0. prep: with a base, every base type is its own canonical and becomes a candidate;
//   1. strings: own strings deduplicated, strings the base has point into the base;
//   2. primitive kinds (INT, ENUM, ENUM64, FWD, FLOAT) by hash and equality, enum forward
//      declarations matching full enums;
//   3. STRUCT and UNION by a side-by-side walk of both type graphs with a hypothetical map
//      (cycles allowed, FWD resolving to STRUCT/UNION), with an identical-type fallback (ARRAYs,
//      and STRUCT/UNIONs member by member) for duplicates inside one CU;
//   4. remaining FWDs resolved by a unique STRUCT/UNION name;
//   5. reference kinds (PTR, CONST, VOLATILE, RESTRICT, TYPEDEF, TYPE_TAG, ARRAY, FUNC,
//      FUNC_PROTO, DECL_TAG), bottom up, then by hash and equality;
//   6. compaction: canonical own types kept in their order;
//   7. every type-id field remapped.
// VAR and DATASEC are never merged. Base types never change. Deviation from the C code: the
// graph walk of pass 3 uses an explicit stack instead of recursion (same visiting order), so
// vmlinux-sized graphs cannot exhaust the JS stack.

import { BtfError } from '../../common/errors.js';
import { grownInt32 } from '../../common/typed-arrays.js';
import { Btf } from '../model/btf.js';
import { forEachStrField, forEachTypeIdField } from '../model/fields.js';
import { ByteStringSet } from '../model/strset.js';
import { takeRoomAround, VOID_WORDS } from '../model/records.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE, kindName,
} from '../wire/kinds.js';
import { CandidateTable, mix, type CandidateTableState } from './table.js';

const UNPROCESSED = 0xffffffff;
const IN_PROGRESS = 0xfffffffe;
const MAX_ID = 0x7fffffff;

/** Options for dedupBtf. */
export interface DedupOptions {
  /** Name used in error messages. */
  file?: string;
  /**
   * The input may be taken apart: for BTF without a base, its record words are worked on in
   * place instead of in a copy (the input is unusable afterwards). For throwaway input such as
   * an encoder's raw output.
   */
  consume?: boolean;
}

/**
 * Deduplicate the own types of `btf` (split types only when it has a base) and return a new
 * Btf with the same base. Deterministic; running it on its output returns the same bytes.
 * @throws BtfError on reference loops not broken by a struct/union, or unknown kinds.
 */
export function dedupBtf(btf: Btf, opts: DedupOptions = {}): Btf {
  return new Dedup(btf, opts).run(false).btf;
}

/** Like dedupBtf, also returning the map from every input id to its id in the output. */
export function dedupBtfWithMap(btf: Btf, opts: DedupOptions = {}): { btf: Btf; map: Uint32Array } {
  const r = new Dedup(btf, opts).run(true);
  return { btf: r.btf, map: r.map! };
}

class Dedup {
  private readonly src: Btf;
  private readonly file?: string;
  private readonly startId: number;
  private readonly n: number;
  /** All records, base levels first; record of id i starts at off[i]; id 0 is a zero record. */
  private all: Uint32Array;
  private off: Uint32Array;
  private readonly map: Uint32Array;
  private readonly hypot: Uint32Array;
  /** Canonical ids given a hypothetical mapping by the current isEquiv, hypotList[0..hypotLen). */
  private hypotList: Int32Array<ArrayBuffer> = new Int32Array(256);
  private hypotLen = 0;
  /**
   * The entries of hypotList whose candidate is a STRUCT, UNION or FWD, in the same order: the only
   * ones mergeHypot can act on. Every map change before and during pass 3 keeps a type's kind, or
   * takes a FWD to a STRUCT/UNION or a forward enum to an enum, so a pair of other kinds that
   * isEquiv accepted still resolves to two types of those other kinds.
   */
  private mergeList: Int32Array<ArrayBuffer> = new Int32Array(64);
  private mergeLen = 0;
  /**
   * Pairs still to compare in isEquiv, kept between calls (isEquiv does not nest). A typed array:
   * a JS array emptied with `length = 0` gives its storage back, so refilling it allocated anew
   * on every call (most of what dedup allocated).
   */
  private stack: Int32Array<ArrayBuffer> = new Int32Array(512);
  /** Pairs still to compare in identical() (with their nesting depth), kept between calls. */
  private identStack: Int32Array<ArrayBuffer> = new Int32Array(48);
  private adjustCanon = false;
  private readonly table: CandidateTable;
  private readonly h: Hasher;
  /** Unique-name map of the base's STRUCT/UNION (0 for names used twice), when split. */
  private baseNames: BaseNames | null = null;
  /**
   * Name offset -> the one canonical split STRUCT/UNION of that name (0: several, or also in the
   * base), filled by pass 3.
   */
  private readonly structNames = new Map<number, number>();
  /**
   * Without a base: the canonical full enums by a hash of their whole record (an id, or ids when
   * hashes collide), for enumType's shortcut. Null with a base (its enums are not indexed).
   */
  private readonly enumsByContent: Map<number, number | number[]> | null;
  /** Name offsets of the canonical forward enums so far. */
  private readonly fwdEnumNames = new Set<number>();
  /** The FWDs pass 2 left as their own canonical types, in id order: fwds[0..fwdLen). */
  private fwds: Int32Array<ArrayBuffer> = new Int32Array(64);
  private fwdLen = 0;
  private newStrs: Uint8Array = new Uint8Array(0);
  private newStrLen = 0;
  /** Reusable arrays taken from the base's state (returned when the run ends). */
  private workspace: Workspace | null = null;
  private base: BaseState | null = null;

  constructor(btf: Btf, opts: DedupOptions) {
    this.src = btf;
    this.file = opts.file;
    this.startId = btf.startId;
    this.n = btf.typeCount;
    const prep = btf.base ? baseState(btf.base) : null;
    const baseWords = prep ? prep.words : 3;
    let inPlace = false;
    if (prep) {
      // The run takes the base's arrays and candidate table, and gives them back as the base had
      // them when it ends (see run).
      const ws = takeWorkspace(prep, baseWords + btf.wordLen, this.n + 1);
      this.workspace = ws;
      this.base = prep;
      this.all = ws.all;
      this.off = ws.off;
      this.table = prep.table;
      this.baseNames = prep.names;
    } else {
      this.off = new Uint32Array(this.n + 1);
      this.table = new CandidateTable();
      const w = btf.words;
      const end = btf.wordLen;
      inPlace = opts.consume === true && w.length >= end + 3 && w[end] === 0 && w[end + 1] === 0 && w[end + 2] === 0;
      this.all = inPlace ? w : new Uint32Array(baseWords + end);
    }
    if (inPlace) {
      // The records stay where they are; the three zero words past the last one are void's record.
      this.off[0] = btf.wordLen;
      this.off.set(btf.offs.subarray(0, btf.count + 1), this.startId);
      // Whatever is run on the consumed input from now on sees an empty BTF, not half-rewritten records.
      btf.count = 0;
      btf.wordLen = 0;
    } else {
      this.all.set(btf.words.subarray(0, btf.wordLen), baseWords);
      shiftedCopy(this.off, this.startId, btf.offs, btf.count + 1, baseWords);
    }
    this.enumsByContent = prep ? null : new Map();
    this.map = new Uint32Array(this.n).fill(UNPROCESSED);
    this.hypot = new Uint32Array(this.n).fill(UNPROCESSED);
    this.h = new Hasher(this.all, this.off);
  }

  run(wantMap: boolean): { btf: Btf; map: Uint32Array | null } {
    try {
      return this.passes(wantMap);
    } finally {
      if (this.workspace !== null && this.base !== null) returnWorkspace(this.base, this.workspace);
      this.workspace = null;
    }
  }

  // Each pass's loop lives in a method of its own: these run once per module, so V8 optimizes them
  // on the fly inside the loop; one loop per method keeps that to the loop at hand instead of
  // recompiling every pass (and deoptimizing at the ones not yet run) each time.
  private passes(wantMap: boolean): { btf: Btf; map: Uint32Array | null } {
    this.map[0] = 0;
    // Pass 0: base types are their own canonical types (and were hashed once per base).
    this.mapBaseToSelf();
    if (this.src.stringsDeduped) {
      this.newStrs = this.src.strs.slice(0, this.src.strLen);
      this.newStrLen = this.src.strLen;
    } else {
      this.dedupStrings();
    }
    this.primTypes();
    this.structTypes();
    this.resolveFwds();
    this.refTypes();
    return this.compactAndRemap(wantMap);
  }

  /** Base types are their own canonical types (VARs and DATASECs become theirs in pass 2). */
  private mapBaseToSelf(): void {
    const m = this.map;
    for (let id = 1; id < this.startId; id++) m[id] = id;
  }

  private primTypes(): void {
    for (let id = this.startId; id < this.n; id++) this.primType(id);
  }

  private structTypes(): void {
    for (let id = this.startId; id < this.n; id++) this.structType(id);
  }

  private refTypes(): void {
    for (let id = this.startId; id < this.n; id++) this.refType(id);
  }

  // --- record access -------------------------------------------------------------------------

  private kind(id: number): number {
    return (this.all[this.off[id] + 1] >>> 24) & 0x7f;
  }
  private vlen(id: number): number {
    return this.all[this.off[id] + 1] & 0xffffff;
  }
  private fail(id: number, msg: string): never {
    throw new BtfError(`dedup: type [${id}] ${msg}`, { file: this.file, typeId: id });
  }

  // --- equality (same as libbpf's btf_equal_* / btf_compat_*) ---------------------------------

  private equalCommon(x: number, y: number): boolean {
    const a = this.all;
    const p = this.off[x];
    const q = this.off[y];
    return a[p] === a[q] && a[p + 1] === a[q + 1] && a[p + 2] === a[q + 2];
  }
  private equalIntTag(x: number, y: number): boolean {
    return this.equalCommon(x, y) && this.all[this.off[x] + 3] === this.all[this.off[y] + 3];
  }
  private equalWords(x: number, y: number, from: number, count: number): boolean {
    const a = this.all;
    const p = this.off[x] + from;
    const q = this.off[y] + from;
    for (let i = 0; i < count; i++) if (a[p + i] !== a[q + i]) return false;
    return true;
  }
  private equalEnum(x: number, y: number): boolean {
    if (!this.equalCommon(x, y)) return false;
    const per = this.kind(x) === BTF_KIND_ENUM ? 2 : 3;
    return this.equalWords(x, y, 3, this.vlen(x) * per);
  }
  private isAnyEnum(id: number): boolean {
    const k = this.kind(id);
    return k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64;
  }
  private isEnumFwd(id: number): boolean {
    return this.isAnyEnum(id) && this.vlen(id) === 0;
  }
  private compatEnum(x: number, y: number): boolean {
    if (!this.isEnumFwd(x) && !this.isEnumFwd(y)) return this.equalEnum(x, y);
    return this.all[this.off[x]] === this.all[this.off[y]] && this.isAnyEnum(x) && this.isAnyEnum(y);
  }
  private shallowEqualStruct(x: number, y: number): boolean {
    if (!this.equalCommon(x, y)) return false;
    const a = this.all;
    const p = this.off[x];
    const q = this.off[y];
    const v = this.vlen(x);
    for (let i = 0; i < v; i++) {
      const m = 3 + i * 3;
      if (a[p + m] !== a[q + m] || a[p + m + 2] !== a[q + m + 2]) return false;
    }
    return true;
  }
  private equalArray(x: number, y: number): boolean {
    return this.equalCommon(x, y) && this.equalWords(x, y, 3, 3);
  }
  private compatArray(x: number, y: number): boolean {
    return this.equalCommon(x, y) && this.all[this.off[x] + 5] === this.all[this.off[y] + 5];
  }
  private equalFnproto(x: number, y: number): boolean {
    return this.equalCommon(x, y) && this.equalWords(x, y, 3, this.vlen(x) * 2);
  }
  private compatFnproto(x: number, y: number): boolean {
    const a = this.all;
    const p = this.off[x];
    const q = this.off[y];
    if (a[p] !== a[q] || a[p + 1] !== a[q + 1]) return false;
    const v = this.vlen(x);
    for (let i = 0; i < v; i++) if (a[p + 3 + i * 2] !== a[q + 3 + i * 2]) return false;
    return true;
  }

  // --- pass 1: strings ------------------------------------------------------------------------

  private dedupStrings(): void {
    const btf = this.src;
    const base = btf.base;
    const start = btf.startStrOff;
    const strs = btf.strs;
    const set = new ByteStringSet(btf.strLen + 1);
    if (!base) set.add(strs, 0, 0);
    // New logical offset for each old local offset already seen (-1: not yet).
    const seen = new Int32Array(btf.strLen).fill(-1);
    const a = this.all;
    const visit = (wi: number) => {
      const so = a[wi];
      if (so === 0 || so < start) return;
      const local = so - start;
      if (local >= btf.strLen) this.fail(0, `string offset ${so} out of range`);
      let r = seen[local];
      if (r < 0) {
        let end = strs.indexOf(0, local);
        if (end < 0 || end > btf.strLen) end = btf.strLen;
        const inBase = base ? base.findStrBytes(strs, local, end) : -1;
        r = inBase >= 0 ? inBase : start + set.add(strs, local, end);
        seen[local] = r;
      }
      a[wi] = r;
    };
    for (let id = this.startId; id < this.n; id++) {
      if (!forEachStrField(a, this.off[id], visit)) this.fail(id, `has unknown kind ${this.kind(id)}`);
    }
    this.newStrs = set.data;
    this.newStrLen = set.len;
  }

  // --- pass 2: primitive kinds ----------------------------------------------------------------

  private primType(id: number): void {
    const k = this.kind(id);
    let newId = id;
    let h: number;
    switch (k) {
      case BTF_KIND_INT: {
        h = this.h.intTag(id);
        for (let nd = this.table.first(h); nd >= 0; nd = this.table.next(nd)) {
          const cand = this.table.id(nd);
          if (this.equalIntTag(id, cand)) { newId = cand; break; }
        }
        break;
      }
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64: {
        h = this.h.enumName(id);
        newId = this.enumType(id, h);
        break;
      }
      case BTF_KIND_FWD: case BTF_KIND_FLOAT: {
        h = this.h.common(id);
        for (let nd = this.table.first(h); nd >= 0; nd = this.table.next(nd)) {
          const cand = this.table.id(nd);
          if (this.equalCommon(id, cand)) { newId = cand; break; }
        }
        break;
      }
      case BTF_KIND_VAR: case BTF_KIND_DATASEC:
        // Never merged: their own canonical types.
        this.map[id] = id;
        return;
      case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: case BTF_KIND_PTR:
      case BTF_KIND_TYPEDEF: case BTF_KIND_ARRAY: case BTF_KIND_STRUCT: case BTF_KIND_UNION:
      case BTF_KIND_FUNC: case BTF_KIND_FUNC_PROTO: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
        return;
      default:
        this.fail(id, `has unknown kind ${k}`);
    }
    this.map[id] = newId;
    if (newId !== id) return;
    this.table.add(h, id);
    if (k === BTF_KIND_FWD) this.addCanonicalFwd(id);
    else if (k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64) this.addCanonicalEnum(id);
  }

  /**
   * The canonical type of ENUM/ENUM64 `id` (hash `h`), libbpf's way: the first candidate equal to
   * it, or, walking there, compatible forward enums resolve to it (a forward enum itself takes the
   * first compatible candidate).
   */
  private enumType(id: number, h: number): number {
    const byContent = this.enumsByContent;
    if (byContent !== null && !this.isEnumFwd(id) && !this.fwdEnumNames.has(this.all[this.off[id]])) {
      // No canonical forward enum has this name, so every candidate compatible with this full enum
      // is equal to it, and canonical enums are not equal to one another: the walk would change
      // nothing and stop at the one equal candidate, if there is one. Found by content instead
      // (anonymous enums all share one chain: 2.9M comparisons on the 6.12 vmlinux).
      const c = byContent.get(this.h.enumContent(id));
      if (c === undefined) return id;
      if (typeof c === 'number') return this.equalEnum(id, c) ? c : id;
      for (const x of c) if (this.equalEnum(id, x)) return x;
      return id;
    }
    for (let nd = this.table.first(h); nd >= 0; nd = this.table.next(nd)) {
      const cand = this.table.id(nd);
      if (this.equalEnum(id, cand)) return cand;
      if (this.compatEnum(id, cand)) {
        if (this.isEnumFwd(id)) return cand;
        // A canonical forward enum resolves to this full enum.
        this.map[cand] = id;
      }
    }
    return id;
  }

  private addCanonicalEnum(id: number): void {
    if (this.isEnumFwd(id)) {
      this.fwdEnumNames.add(this.all[this.off[id]]);
      return;
    }
    const byContent = this.enumsByContent;
    if (byContent === null) return;
    const key = this.h.enumContent(id);
    const c = byContent.get(key);
    if (c === undefined) byContent.set(key, id);
    else if (typeof c === 'number') byContent.set(key, [c, id]);
    else c.push(id);
  }

  private addCanonicalFwd(id: number): void {
    if (this.fwdLen === this.fwds.length) this.fwds = grownInt32(this.fwds, this.fwdLen + 1);
    this.fwds[this.fwdLen++] = id;
  }

  // --- mapping helpers ------------------------------------------------------------------------

  private isMapped(id: number): boolean {
    return this.map[id] <= MAX_ID;
  }
  /**
   * The canonical id `id` maps to so far. Written so that optimized code inlining it (isEquiv, the
   * passes) is not thrown away when a small module's pass 3 meets something new: one load per step,
   * met on every call (a second load, for a chain's next step, would first run long after the
   * caller was optimized), read as an int32 (`| 0`), where UNPROCESSED and IN_PROGRESS are negative
   * and every id is not (the first UNPROCESSED met as a uint32 would not fit the code's small
   * integers).
   */
  private resolve(id: number): number {
    const m = this.map;
    for (;;) {
      const v = m[id] | 0;
      if (v < 0 || v === id) return id;
      id = v;
    }
  }
  private fwdKind(id: number): number {
    return this.all[this.off[id] + 1] >>> 31 ? BTF_KIND_UNION : BTF_KIND_STRUCT;
  }
  private clearHypot(): void {
    const list = this.hypotList;
    for (let i = 0; i < this.hypotLen; i++) this.hypot[list[i]] = UNPROCESSED;
    this.hypotLen = 0;
    this.mergeLen = 0;
    this.adjustCanon = false;
  }

  // --- pass 3: struct and union ---------------------------------------------------------------

  /**
   * Duplicates the compiler emitted inside one CU, as btf_dedup_identical_arrays() and
   * btf_dedup_identical_structs(): two ARRAYs with the same header and descriptor words, or two
   * STRUCTs (UNIONs) equal but for member types that are the same ids or are themselves such
   * duplicates. Pure, so the member pairs are checked from an explicit stack in any order. A
   * STRUCT that holds itself by value, through any number of levels, is no C type: libbpf would
   * recurse until it crashed; here it is an error.
   */
  private identical(x: number, y: number): boolean {
    let stack = this.identStack;
    stack[0] = x;
    stack[1] = y;
    stack[2] = 0;
    let sp = 3;
    const a = this.all;
    while (sp > 0) {
      const depth = stack[--sp];
      const q = stack[--sp];
      const p = stack[--sp];
      if (p === q) continue;
      const k = this.kind(p);
      if (k === BTF_KIND_ARRAY && this.kind(q) === BTF_KIND_ARRAY && this.equalArray(p, q)) continue;
      if ((k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION) || this.kind(q) !== k || !this.shallowEqualStruct(p, q)) return false;
      if (depth >= this.n) this.fail(p, 'holds itself by value');
      const v = this.vlen(p);
      if (sp + 3 * v > stack.length) stack = this.identStack = grownInt32(stack, sp + 3 * v);
      for (let i = v - 1; i >= 0; i--) {
        stack[sp++] = a[this.off[p] + 4 + i * 3];
        stack[sp++] = a[this.off[q] + 4 + i * 3];
        stack[sp++] = depth + 1;
      }
    }
    return true;
  }

  /**
   * Are the graphs rooted at `candRoot` and `canonRoot` equivalent? Same visiting order and side
   * effects as btf_dedup_is_equiv(), walked with an explicit stack. Returns 1, 0, or throws.
   *
   * The 6.12 vmlinux's dedup walks 32M pairs here, most of pass 3's time. So the loop keeps the
   * arrays and the two list lengths in locals (stored back once, when it ends): a field read or
   * written in the loop is read again after every call that is not inlined, and the pass took ~8%
   * longer that way.
   */
  private isEquiv(candRoot: number, canonRoot: number): number {
    let stack = this.stack;
    stack[0] = candRoot;
    stack[1] = canonRoot;
    let sp = 2;
    const a = this.all;
    const off = this.off;
    const hypot = this.hypot;
    let hypotList = this.hypotList;
    let hypotLen = this.hypotLen;
    let mergeList = this.mergeList;
    let mergeLen = this.mergeLen;
    let result = 1;
    while (sp > 0) {
      let canon = stack[--sp];
      const cand = stack[--sp];
      const rc = this.resolve(canon);
      const rd = this.resolve(cand);
      if (rd === rc) continue;
      // A FWD whose canonical type is no longer a FWD stands for that type. Both kinds are read for
      // every pair: the first FWD comes long after this loop is optimized, and a load met for the
      // first time then would throw the optimized code away.
      const canonFwd = ((a[off[canon] + 1] >>> 24) & 0x7f) === BTF_KIND_FWD;
      const rcResolved = ((a[off[rc] + 1] >>> 24) & 0x7f) !== BTF_KIND_FWD;
      if (canonFwd && rcResolved) canon = rc;
      const hy = hypot[canon];
      if (hy <= MAX_ID) {
        if (hy === cand) continue;
        if (this.identical(hy, cand)) continue;
        result = 0;
        break;
      }
      hypot[canon] = cand;
      if (hypotLen === hypotList.length) hypotList = this.hypotList = grownInt32(hypotList, hypotLen + 1);
      hypotList[hypotLen++] = canon;
      const co = off[cand];
      const no = off[canon];
      if (a[co] !== a[no]) {
        result = 0;
        break;
      }
      const ci = a[co + 1];
      const ni = a[no + 1];
      const ck = (ci >>> 24) & 0x7f;
      const nk = (ni >>> 24) & 0x7f;
      if (ck === BTF_KIND_STRUCT || ck === BTF_KIND_UNION || ck === BTF_KIND_FWD) {
        if (mergeLen === mergeList.length) mergeList = this.mergeList = grownInt32(mergeList, mergeLen + 1);
        mergeList[mergeLen++] = canon;
      }
      if ((ck === BTF_KIND_FWD || nk === BTF_KIND_FWD) && ck !== nk) {
        // One FWD and one struct/union, whichever side; the same calls and store either way (see above).
        const candFwd = ck === BTF_KIND_FWD;
        const realKind = candFwd ? nk : ck;
        const fwdKind = this.fwdKind(candFwd ? cand : canon);
        const canonInBase = canon < this.startId;
        const sameKind = fwdKind === realKind;
        this.adjustCanon = this.adjustCanon || (!candFwd && sameKind && canonInBase);
        if (!sameKind) {
          result = 0;
          break;
        }
        continue;
      }
      if (ck !== nk) {
        result = 0;
        break;
      }
      // Room for every pair this type can push.
      const room = sp + 2 * (ci & 0xffffff) + 4;
      if (room > stack.length) stack = this.stack = grownInt32(stack, room);
      let same = true;
      switch (ck) {
        case BTF_KIND_INT:
          same = this.equalIntTag(cand, canon);
          break;
        case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
          same = this.compatEnum(cand, canon);
          break;
        case BTF_KIND_FWD: case BTF_KIND_FLOAT:
          same = this.equalCommon(cand, canon);
          break;
        case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: case BTF_KIND_PTR:
        case BTF_KIND_TYPEDEF: case BTF_KIND_FUNC: case BTF_KIND_TYPE_TAG:
          same = ci === ni;
          if (!same) break;
          stack[sp++] = a[co + 2];
          stack[sp++] = a[no + 2];
          break;
        case BTF_KIND_ARRAY:
          same = this.compatArray(cand, canon);
          if (!same) break;
          // Element type after the index type: push in reverse.
          stack[sp++] = a[co + 3];
          stack[sp++] = a[no + 3];
          stack[sp++] = a[co + 4];
          stack[sp++] = a[no + 4];
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
          same = this.shallowEqualStruct(cand, canon);
          if (!same) break;
          for (let i = (ci & 0xffffff) - 1; i >= 0; i--) {
            stack[sp++] = a[co + 4 + i * 3];
            stack[sp++] = a[no + 4 + i * 3];
          }
          break;
        }
        case BTF_KIND_FUNC_PROTO: {
          same = this.compatFnproto(cand, canon);
          if (!same) break;
          for (let i = (ci & 0xffffff) - 1; i >= 0; i--) {
            stack[sp++] = a[co + 4 + i * 2];
            stack[sp++] = a[no + 4 + i * 2];
          }
          stack[sp++] = a[co + 2];
          stack[sp++] = a[no + 2];
          break;
        }
        default:
          this.hypotLen = hypotLen;
          this.mergeLen = mergeLen;
          this.fail(cand, `of kind ${kindName(ck)} cannot take part in a type graph comparison`);
      }
      if (!same) {
        result = 0;
        break;
      }
    }
    this.hypotLen = hypotLen;
    this.mergeLen = mergeLen;
    return result;
  }

  private mergeHypot(): void {
    const m = this.map;
    const list = this.mergeList;
    for (let i = 0; i < this.mergeLen; i++) {
      const canonId = list[i];
      const targId = this.hypot[canonId];
      const t = this.resolve(targId);
      const c = this.resolve(canonId);
      const tk = this.kind(t);
      const ck = this.kind(c);
      if (tk !== BTF_KIND_FWD && ck === BTF_KIND_FWD) m[c] = t;
      if (this.adjustCanon) continue;
      if (tk === BTF_KIND_FWD && ck !== BTF_KIND_FWD) m[t] = c;
      if ((tk === BTF_KIND_STRUCT || tk === BTF_KIND_UNION) && ck !== BTF_KIND_FWD && this.isMapped(c) && !this.isMapped(t)) m[t] = c;
    }
  }

  private structType(id: number): void {
    if (this.map[id] <= MAX_ID) return;
    const k = this.kind(id);
    if (k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION) return;
    const h = this.h.struct(id);
    let newId = id;
    for (let nd = this.table.first(h); nd >= 0; nd = this.table.next(nd)) {
      const cand = this.table.id(nd);
      if (!this.shallowEqualStruct(id, cand)) continue;
      this.clearHypot();
      const eq = this.isEquiv(id, cand);
      if (!eq) continue;
      this.mergeHypot();
      if (this.adjustCanon) continue;
      newId = cand;
      break;
    }
    this.map[id] = newId;
    if (newId !== id) return;
    this.table.add(h, id);
    this.addStructName(id);
  }

  /**
   * Record canonical STRUCT/UNION `id` in the unique-name map of pass 4. Pass 3 never remaps a
   * canonical STRUCT/UNION, so these are the ones still canonical when pass 4 runs, in id order.
   */
  private addStructName(id: number): void {
    const names = this.structNames;
    const base = this.baseNames;
    const nm = this.all[this.off[id]];
    names.set(nm, names.has(nm) || (base !== null && base.has(nm)) ? 0 : id);
  }

  // --- pass 4: forward declarations by unique name --------------------------------------------

  /** Each FWD still its own canonical type: to the one STRUCT/UNION of its name and flavour, if any. */
  private resolveFwds(): void {
    const names = this.structNames;
    const a = this.all;
    const base = this.baseNames;
    const fwds = this.fwds;
    for (let i = 0; i < this.fwdLen; i++) {
      const id = fwds[i];
      if (this.map[id] !== id) continue;
      const nm = a[this.off[id]];
      const cand = names.has(nm) ? names.get(nm) : base?.get(nm);
      if (!cand) continue;
      const ck = this.kind(cand);
      if (ck !== this.fwdKind(id)) continue;
      this.map[id] = cand;
    }
  }

  // --- pass 5: reference kinds ----------------------------------------------------------------

  private refType(id: number): number {
    const m = this.map;
    if (m[id] === IN_PROGRESS) this.fail(id, 'is part of a reference loop not broken by a struct or union');
    if (m[id] <= MAX_ID) return this.resolve(id);
    m[id] = IN_PROGRESS;
    const a = this.all;
    const o = this.off[id];
    const k = this.kind(id);
    let newId = id;
    let h: number;
    switch (k) {
      case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: case BTF_KIND_PTR:
      case BTF_KIND_TYPEDEF: case BTF_KIND_FUNC: case BTF_KIND_TYPE_TAG: {
        a[o + 2] = this.refType(a[o + 2]);
        h = this.h.common(id);
        for (let nd = this.table.first(h); nd >= 0; nd = this.table.next(nd)) {
          const cand = this.table.id(nd);
          if (this.equalCommon(id, cand)) { newId = cand; break; }
        }
        break;
      }
      case BTF_KIND_DECL_TAG: {
        a[o + 2] = this.refType(a[o + 2]);
        h = this.h.intTag(id);
        for (let nd = this.table.first(h); nd >= 0; nd = this.table.next(nd)) {
          const cand = this.table.id(nd);
          if (this.equalIntTag(id, cand)) { newId = cand; break; }
        }
        break;
      }
      case BTF_KIND_ARRAY: {
        a[o + 3] = this.refType(a[o + 3]);
        a[o + 4] = this.refType(a[o + 4]);
        h = this.h.array(id);
        for (let nd = this.table.first(h); nd >= 0; nd = this.table.next(nd)) {
          const cand = this.table.id(nd);
          if (this.equalArray(id, cand)) { newId = cand; break; }
        }
        break;
      }
      case BTF_KIND_FUNC_PROTO: {
        a[o + 2] = this.refType(a[o + 2]);
        const v = this.vlen(id);
        for (let i = 0; i < v; i++) a[o + 4 + i * 2] = this.refType(a[o + 4 + i * 2]);
        h = this.h.fnproto(id);
        for (let nd = this.table.first(h); nd >= 0; nd = this.table.next(nd)) {
          const cand = this.table.id(nd);
          if (this.equalFnproto(id, cand)) { newId = cand; break; }
        }
        break;
      }
      default:
        this.fail(id, `of kind ${kindName(k)} was not deduplicated by an earlier pass`);
    }
    m[id] = newId;
    if (newId === id) this.table.add(h, id);
    return newId;
  }

  // --- passes 6 and 7: compaction and remapping -----------------------------------------------

  private compactAndRemap(wantMap: boolean): { btf: Btf; map: Uint32Array | null } {
    const src = this.src;
    // Base ids keep their numbers; they are not looked up here (see newId).
    const remap = new Uint32Array(this.n).fill(UNPROCESSED);
    const { count, words } = this.assignNewIds(remap);
    const out = new Uint32Array(words);
    const offs = new Uint32Array(count + 1);
    const w = this.copyCanonical(remap, out, offs);
    offs[count] = w;
    const result = new Btf({
      base: src.base, le: src.le, hdrLen: src.hdrLen, layout: src.layout,
      words: out, wordLen: w, offs, count,
      strs: this.newStrs, strLen: this.newStrLen,
    });
    result.stringsDeduped = true;
    if (!wantMap) return { btf: result, map: null };
    // Only when asked: it walks every id, base included.
    const map = new Uint32Array(this.n);
    for (let id = 0; id < this.n; id++) map[id] = this.newId(remap, id);
    return { btf: result, map };
  }

  /**
   * The output id of type `id`: its canonical type's number in `remap`, or the same id in the base
   * (base ids, void included, are not in `remap`: filling them in cost a cold loop over every
   * base id per module, 8 ms on a 6.12 vmlinux base).
   */
  private newId(remap: Uint32Array, id: number): number {
    const r = this.resolve(id);
    return r < this.startId ? r : remap[r];
  }

  /** Number the canonical split types in order into `remap`; their count and record words. */
  private assignNewIds(remap: Uint32Array): { count: number; words: number } {
    let next = this.startId;
    let words = 0;
    for (let id = this.startId; id < this.n; id++) {
      if (this.map[id] !== id) continue;
      remap[id] = next++;
      words += this.off[id + 1] - this.off[id];
    }
    return { count: next - this.startId, words };
  }

  /** Copy the canonical split records into `out` with their type ids remapped; returns the words written. */
  private copyCanonical(remap: Uint32Array, out: Uint32Array, offs: Uint32Array): number {
    const a = this.all;
    let w = 0;
    let i = 0;
    let id = 0;
    // One callback for every record (no closure per type); `id` names the record being fixed.
    const fix = (wi: number) => {
      const r = this.newId(remap, out[wi]);
      if (r === UNPROCESSED) this.fail(id, `refers to type ${out[wi]} that has no canonical type`);
      out[wi] = r;
    };
    for (id = this.startId; id < this.n; id++) {
      if (this.map[id] !== id) continue;
      const o = this.off[id];
      const len = this.off[id + 1] - o;
      out.set(a.subarray(o, o + len), w);
      offs[i++] = w;
      forEachTypeIdField(out, w, fix);
      w += len;
    }
    return w;
  }
}

/**
 * dst[at + i] = src[i] + delta for i < n. Its own function: a loop this long in a large method gets
 * that method compiled while inside the loop, before the code after it has ever run, which then
 * costs a second compilation.
 */
function shiftedCopy(dst: Uint32Array, at: number, src: Uint32Array, n: number, delta: number): void {
  for (let i = 0; i < n; i++) dst[at + i] = src[i] + delta;
}

/** What dedup needs from a base, computed once per base Btf object. */
interface BaseState {
  /** Base records (all levels) after a zero record for void, and room after them. */
  all: Uint32Array;
  /** Words of `all` the base's records take (void's included). */
  words: number;
  /** Where each base type's record starts in `all` (ids below `types`), and room after. */
  off: Uint32Array;
  /** The base's type count (void included): its first split id. */
  types: number;
  /**
   * Candidate table holding every base type but VAR and DATASEC. A run adds its own types to it
   * after a checkpoint and rolls it back when it ends.
   */
  table: CandidateTable;
  names: BaseNames;
  /** Arrays of a finished run over this base, ready for the next one (null while one runs). */
  spare: Workspace | null;
}

/** Per-run arrays whose base part stays as prepared. */
interface Workspace {
  all: Uint32Array;
  off: Uint32Array;
}

/**
 * Arrays for a run over `prep` with room for `words` record words and `offs` offsets; the run adds
 * its types to `prep.table` from now on (see returnWorkspace). The base part of the records and
 * offsets is never written, so the arrays of the previous run over this base are reused.
 */
function takeWorkspace(prep: BaseState, words: number, offs: number): Workspace {
  prep.table.checkpoint();
  const ws = prep.spare;
  prep.spare = null;
  if (ws === null) {
    // A run writes only past the base part, and one runs at a time: the first takes the prepared
    // arrays themselves when they have room (see baseRecords), instead of copies.
    const all = prep.all.length >= words ? prep.all : grownCopy(prep.all, prep.words, words);
    const off = prep.off.length >= offs ? prep.off : grownCopy(prep.off, prep.types, offs);
    return { all, off };
  }
  if (ws.all.length < words) ws.all = grownCopy(prep.all, prep.words, words);
  if (ws.off.length < offs) ws.off = grownCopy(prep.off, prep.types, offs);
  return ws;
}

/** After a run over `prep`, however it ended: its table as prepared again, `ws` kept for the next run. */
function returnWorkspace(prep: BaseState, ws: Workspace): void {
  prep.table.rollback();
  prep.spare = ws;
}

/** A new array of at least `n` elements (with a quarter more room) starting with the first `keep` of `src`. */
function grownCopy(src: Uint32Array, keep: number, n: number): Uint32Array {
  const a = new Uint32Array(n + (n >>> 2));
  a.set(src.subarray(0, keep));
  return a;
}

const baseStates = new WeakMap<Btf, BaseState>();

/** A base's preparation for dedup as plain arrays, to save and adopt again (see savedBaseState). */
export interface SavedBaseState {
  table: CandidateTableState;
  /** The unique-name map of STRUCT/UNION as (name offset, id or 0) pairs. */
  names: Uint32Array;
}

/** What dedup prepares from `base` (computed now if it was not), as plain arrays to save. */
export function savedBaseState(base: Btf): SavedBaseState {
  const st = baseState(base);
  return { table: st.table.state(), names: st.names.pairs };
}

/**
 * Use a preparation saved from a base with the same records for `base`, instead of hashing its
 * types again. Returns false, adopting nothing, when the saved state cannot belong to `base`.
 */
export function adoptBaseState(base: Btf, saved: SavedBaseState): boolean {
  if (baseStates.has(base)) return true;
  const table = CandidateTable.fromState(saved.table, base.typeCount);
  if (table === null) return false;
  const names = BaseNames.of(saved.names, base.typeCount);
  if (names === null) return false;
  const { all, words, off } = baseRecords(base);
  baseStates.set(base, { all, words, off, types: base.typeCount, table, names, spare: null });
  return true;
}

/**
 * All levels of `base`'s records after a zero record for void, and where each starts; with room
 * after them for a split BTF's own records and offsets, as large again as the base's (pages never
 * written cost no memory), so that a run over this base uses them without copying (takeWorkspace).
 * A base parsed from BTF bytes has its records in such an array already (model/records.ts): it is
 * taken as it is.
 */
function baseRecords(base: Btf): { all: Uint32Array; words: number; off: Uint32Array } {
  const levels: Btf[] = [];
  for (let b: Btf | null = base; b; b = b.base) levels.unshift(b);
  let words = VOID_WORDS;
  for (const l of levels) words += l.wordLen;
  const taken = levels.length === 1 ? takeRoomAround(base.words, base.wordLen) : null;
  const all = taken ?? new Uint32Array(2 * words);
  const off = new Uint32Array(2 * (base.typeCount + 1));
  let w = VOID_WORDS;
  for (const l of levels) {
    if (taken === null) all.set(l.words.subarray(0, l.wordLen), w);
    const offs = l.offs;
    const at = l.startId;
    const n = l.count;
    for (let i = 0; i <= n; i++) off[at + i] = w + offs[i];
    w += l.wordLen;
  }
  return { all, words, off };
}

function baseState(base: Btf): BaseState {
  let st = baseStates.get(base);
  if (st) return st;
  const { all, words, off } = baseRecords(base);
  const table = new CandidateTable(base.typeCount);
  const byName = new Map<number, number>();
  const h = new Hasher(all, off);
  for (let id = 1; id < base.typeCount; id++) {
    const o = off[id];
    const k = (all[o + 1] >>> 24) & 0x7f;
    let key: number;
    switch (k) {
      case BTF_KIND_VAR: case BTF_KIND_DATASEC:
        continue;
      case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: case BTF_KIND_PTR:
      case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
      case BTF_KIND_TYPE_TAG:
        key = h.common(id); break;
      case BTF_KIND_INT: case BTF_KIND_DECL_TAG: key = h.intTag(id); break;
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64: key = h.enumName(id); break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        key = h.struct(id);
        const nm = all[o];
        byName.set(nm, byName.has(nm) ? 0 : id);
        break;
      }
      case BTF_KIND_ARRAY: key = h.array(id); break;
      case BTF_KIND_FUNC_PROTO: key = h.fnproto(id); break;
      default:
        throw new BtfError(`dedup: base type [${id}] has unknown kind ${k}`, { typeId: id });
    }
    table.add(key, id);
  }
  st = { all, words, off, types: base.typeCount, table, names: BaseNames.from(byName), spare: null };
  baseStates.set(base, st);
  return st;
}

/**
 * The base's STRUCT/UNION names, each with its one type id (0 when several types share it): pairs
 * (name offset, id) in increasing name order in one array, looked up by bisection. Adopted from a
 * saved state as it is, where a Map would be built entry by entry for every module (~50 thousand
 * names for a vmlinux, 8 ms of each small module's run), and a module looks up only its own
 * struct names.
 */
class BaseNames {
  private constructor(readonly pairs: Uint32Array) {}

  static from(byName: Map<number, number>): BaseNames {
    const keys = [...byName.keys()].sort((a, b) => a - b);
    const pairs = new Uint32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      pairs[2 * i] = keys[i];
      pairs[2 * i + 1] = byName.get(keys[i])!;
    }
    return new BaseNames(pairs);
  }

  /** Names from saved pairs, or null when they are not pairs in increasing name order with ids below `maxId`. */
  static of(pairs: Uint32Array, maxId: number): BaseNames | null {
    if (pairs.length % 2 !== 0) return null;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] >= maxId || (i > 0 && pairs[i] <= pairs[i - 2])) return null;
    }
    return new BaseNames(pairs);
  }

  /** The id for name offset `name` (0: several types have it), or undefined when none has. */
  get(name: number): number | undefined {
    const p = this.pairs;
    let lo = 0;
    let hi = p.length >>> 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = p[2 * mid];
      if (k === name) return p[2 * mid + 1];
      if (k < name) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  has(name: number): boolean {
    return this.get(name) !== undefined;
  }
}

/** Type signature hashes over the same fields as libbpf's btf_hash_* functions. */
class Hasher {
  constructor(private readonly a: Uint32Array, private readonly off: Uint32Array) {}

  common(id: number): number {
    const a = this.a;
    const o = this.off[id];
    return mix(mix(mix(0x42, a[o]), a[o + 1]), a[o + 2]);
  }
  intTag(id: number): number {
    return mix(this.common(id), this.a[this.off[id] + 3]);
  }
  /** Enums hash by name only, so forward enums meet full ones. */
  enumName(id: number): number {
    return mix(0xe1, this.a[this.off[id]]);
  }
  /** An enum's whole record: name, info, size and every enumerator. */
  enumContent(id: number): number {
    const a = this.a;
    const o = this.off[id];
    const info = a[o + 1];
    const end = o + 3 + (info & 0xffffff) * (((info >>> 24) & 0x7f) === BTF_KIND_ENUM ? 2 : 3);
    let h = 0xe2;
    for (let i = o; i < end; i++) h = mix(h, a[i]);
    return h;
  }
  /** Member names and offsets, not member types (those are not resolved yet). */
  struct(id: number): number {
    const a = this.a;
    const o = this.off[id];
    let h = this.common(id);
    const v = a[o + 1] & 0xffffff;
    for (let i = 0; i < v; i++) h = mix(mix(h, a[o + 3 + i * 3]), a[o + 5 + i * 3]);
    return h;
  }
  array(id: number): number {
    const a = this.a;
    const o = this.off[id];
    return mix(mix(mix(this.common(id), a[o + 3]), a[o + 4]), a[o + 5]);
  }
  fnproto(id: number): number {
    const a = this.a;
    const o = this.off[id];
    let h = this.common(id);
    const v = a[o + 1] & 0xffffff;
    for (let i = 0; i < v; i++) h = mix(mix(h, a[o + 3 + i * 2]), a[o + 4 + i * 2]);
    return h;
  }
}

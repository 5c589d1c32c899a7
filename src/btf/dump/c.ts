// BTF to a compilable C header, matching `bpftool btf dump file F [-B BASE] format c` (bpftool 7.5).

import { BtfError } from '../../common/errors.js';
import { grownInt32 } from '../../common/typed-arrays.js';
import type { Btf } from '../model/btf.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
} from '../wire/kinds.js';
import { bpftoolSortedIds, isInertRoot } from './c-sort.js';
import { FlatBtf } from './c-view.js';

/** Options for {@link dumpC}. */
export interface DumpCOptions {
  /**
   * Visit types in bpftool's sorted order (the default, as `format c`); false visits them by id,
   * as `format c unsorted`.
   */
  sorted?: boolean;
  /**
   * Dump only these types and what they need, with no kfunc section (as bpftool does for
   * `map ... key/value`). Default: every type.
   */
  rootIds?: readonly number[];
}

// Per-type state values (libbpf's order and emit states); arrays start at 0, "not yet".
const ORDERING = 1;
const ORDERED = 2;
const NOT_EMITTED = 0;
const EMITTING = 1;
const EMITTED = 2;

const TABS = '\t'.repeat(13);
function pfx(lvl: number): string {
  return lvl >= TABS.length ? TABS : TABS.slice(0, lvl);
}

const MAX_RESOLVE_DEPTH = 32;
const U32_MAX = 0xffffffff;

const LONG_ALIASES = new Set([
  'long', 'long int', 'int long', 'unsigned long', 'long unsigned', 'unsigned long int',
  'unsigned int long', 'long unsigned int', 'long int unsigned', 'int unsigned long', 'int long unsigned',
]);

/** GCC's Arm __PolyN_t builtins, aliased to standard types when an INT of that name is emitted. */
const MISSING_BASE_TYPES = new Map([
  ['__Poly8_t', 'unsigned char'],
  ['__Poly16_t', 'unsigned short'],
  ['__Poly64_t', 'unsigned long long'],
  ['__Poly128_t', 'unsigned __int128'],
]);

function isMod(k: number): boolean {
  return k === BTF_KIND_VOLATILE || k === BTF_KIND_CONST || k === BTF_KIND_RESTRICT || k === BTF_KIND_TYPE_TAG;
}

function roundup(x: number, y: number): number {
  return Math.floor((x + y - 1) / y) * y;
}

/** A window onto the shared declaration stack: `ids(k)` is `stack[base + k]`, `cnt` entries live. */
interface DeclFrame {
  base: number;
  cnt: number;
}

/** One dump run; the state mirrors libbpf's struct btf_dump. */
class CDumper {
  private readonly v: FlatBtf;
  private readonly ptrSz: number;
  private buf: Uint8Array;
  private len = 0;
  private readonly orderState: Uint8Array;
  private readonly emitState: Uint8Array;
  private readonly fwdEmitted: Uint8Array;
  private readonly nameResolved: Uint8Array;
  private readonly referenced: Uint8Array;
  /** The ___N suffix number each resolved id got (1: no suffix). */
  private readonly dupOf: Int32Array;
  /** Uses so far of each string (by FlatBtf.strId) as a struct/union/enum name and as an identifier. */
  private typeNames = new Int32Array(1024);
  private identNames = new Int32Array(1024);
  private readonly emitQueue: number[] = [];
  private readonly declStack: number[] = [];
  private declCnt = 0;
  private readonly alignMemo: Int32Array;

  constructor(v: FlatBtf) {
    this.v = v;
    const n = v.n;
    // about what vmlinux needs (4.5 MB for 112k types, 2 MB of strings), so it rarely grows
    this.buf = new Uint8Array(Math.max(1 << 16, 2 * v.s.length + 24 * n));
    this.orderState = new Uint8Array(n);
    this.emitState = new Uint8Array(n);
    this.fwdEmitted = new Uint8Array(n);
    this.nameResolved = new Uint8Array(n);
    this.referenced = new Uint8Array(n);
    this.dupOf = new Int32Array(n);
    this.alignMemo = new Int32Array(n).fill(-1);
    this.orderState[0] = ORDERED;
    this.emitState[0] = EMITTED;
    this.ptrSz = this.determinePtrSize();
    this.markReferenced();
  }

  /** The text printed so far, as latin1 bytes. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private grow(n: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  /** Append a string (latin1). */
  print(s: string): void {
    const n = s.length;
    if (this.len + n > this.buf.length) this.grow(n);
    const b = this.buf;
    let p = this.len;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /** Append the string at a string-section offset, copying its bytes. */
  private printOff(off: number): void {
    const S = this.v.s;
    if (off >= S.length) this.v.str(off); // throws: out of range
    let b = this.buf;
    let p = this.len;
    for (let i = off; i < S.length; i++) {
      const c = S[i];
      if (c === 0) break;
      if (p === b.length) {
        this.len = p;
        this.grow(1);
        b = this.buf;
      }
      b[p++] = c;
    }
    this.len = p;
  }

  /** Append the name at `off` with its ___N suffix when `dup` > 1. */
  private printName(off: number, dup: number): void {
    if (off !== 0) this.printOff(off);
    if (dup > 1) {
      this.print('___');
      this.print(String(dup));
    }
  }

  private hasName(off: number): boolean {
    return off !== 0 && off < this.v.s.length && this.v.s[off] !== 0;
  }

  // --- libbpf helpers: pointer size, alignment, size ------------------------------------------

  private determinePtrSize(): number {
    const v = this.v;
    for (let i = 1; i < v.n; i++) {
      if (v.kind(i) !== BTF_KIND_INT) continue;
      const sz = v.sizeType(i);
      if (sz !== 4 && sz !== 8) continue;
      if (LONG_ALIASES.has(v.name(i))) return sz;
    }
    return 8;
  }

  private alignOf(id: number): number {
    const v = this.v;
    for (;;) {
      const k = v.kind(id);
      switch (k) {
        case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
          return Math.min(this.ptrSz, v.sizeType(id));
        case BTF_KIND_PTR:
          return this.ptrSz;
        case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
          id = v.sizeType(id);
          break;
        case BTF_KIND_ARRAY:
          id = v.extra(id, 0);
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
          const memo = this.alignMemo[id];
          if (memo >= 0) return memo;
          this.alignMemo[id] = 0; // a struct that (invalidly) embeds itself ends the recursion
          const a = this.compositeAlign(id);
          this.alignMemo[id] = a;
          return a;
        }
        default:
          return 0;
      }
    }
  }

  private compositeAlign(id: number): number {
    const v = this.v;
    const vlen = v.vlen(id);
    const kflag = v.kflag(id);
    let maxAlign = 1;
    for (let i = 0; i < vlen; i++) {
      const align = this.alignOf(v.extra(id, i * 3 + 1));
      if (align <= 0) return align;
      maxAlign = Math.max(maxAlign, align);
      const off = v.extra(id, i * 3 + 2);
      const bitSz = kflag ? off >>> 24 : 0;
      if (bitSz === 0 && off % (8 * align) !== 0) return 1;
    }
    if (v.sizeType(id) % maxAlign !== 0) return 1;
    return maxAlign;
  }

  /** btf__resolve_size; negative on error. */
  private resolveSize(id: number): number {
    const v = this.v;
    let nelems = 1;
    let size = -1;
    for (let i = 0; i < MAX_RESOLVE_DEPTH && id !== 0; i++) {
      const k = v.kind(id);
      if (k === BTF_KIND_INT || k === BTF_KIND_STRUCT || k === BTF_KIND_UNION || k === BTF_KIND_ENUM
        || k === BTF_KIND_ENUM64 || k === BTF_KIND_DATASEC || k === BTF_KIND_FLOAT) {
        size = v.sizeType(id);
        break;
      } else if (k === BTF_KIND_PTR) {
        size = this.ptrSz;
        break;
      } else if (k === BTF_KIND_TYPEDEF || k === BTF_KIND_VOLATILE || k === BTF_KIND_CONST || k === BTF_KIND_RESTRICT
        || k === BTF_KIND_VAR || k === BTF_KIND_DECL_TAG || k === BTF_KIND_TYPE_TAG) {
        id = v.sizeType(id);
      } else if (k === BTF_KIND_ARRAY) {
        const ne = v.extra(id, 2);
        if (nelems && ne > Math.floor(U32_MAX / nelems)) return -7;
        nelems = (nelems * ne) >>> 0;
        id = v.extra(id, 0);
      } else {
        return -22;
      }
    }
    if (size < 0) return -22;
    if (nelems && size > Math.floor(U32_MAX / nelems)) return -7;
    return nelems * size;
  }

  private isStructPacked(id: number): boolean {
    const v = this.v;
    const vlen = v.vlen(id);
    const kflag = v.kflag(id);
    let maxAlign = 1;
    for (let i = 0; i < vlen; i++) {
      const align = this.alignOf(v.extra(id, i * 3 + 1));
      const off = v.extra(id, i * 3 + 2);
      const bitSz = kflag ? off >>> 24 : 0;
      if (align && bitSz === 0 && off % (8 * align) !== 0) return true;
      maxAlign = Math.max(align, maxAlign);
    }
    return v.sizeType(id) % maxAlign !== 0;
  }

  // --- references and names ---------------------------------------------------------------

  private markReferenced(): void {
    const v = this.v;
    const ref = this.referenced;
    for (let i = 1; i < v.n; i++) {
      const k = v.kind(i);
      switch (k) {
        case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_PTR:
        case BTF_KIND_TYPEDEF: case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
        case BTF_KIND_TYPE_TAG:
          ref[v.sizeType(i)] = 1;
          break;
        case BTF_KIND_ARRAY:
          ref[v.extra(i, 1)] = 1;
          ref[v.extra(i, 0)] = 1;
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
          const vlen = v.vlen(i);
          for (let j = 0; j < vlen; j++) ref[v.extra(i, j * 3 + 1)] = 1;
          break;
        }
        case BTF_KIND_FUNC_PROTO: {
          const vlen = v.vlen(i);
          for (let j = 0; j < vlen; j++) ref[v.extra(i, j * 2 + 1)] = 1;
          break;
        }
        case BTF_KIND_DATASEC: {
          const vlen = v.vlen(i);
          for (let j = 0; j < vlen; j++) ref[v.extra(i, j * 3)] = 1;
          break;
        }
        default:
          break;
      }
    }
  }

  /** Count one more use of the string at `off` in `which`; returns the count including this one. */
  private nameDups(ident: boolean, off: number): number {
    const sid = this.v.strId(off);
    let counts = ident ? this.identNames : this.typeNames;
    if (sid >= counts.length) {
      counts = grownInt32(counts, sid + 1);
      if (ident) this.identNames = counts;
      else this.typeNames = counts;
    }
    return ++counts[sid];
  }

  /** libbpf's btf_dump_resolve_name: the ___N number of `id`'s name (1: none); 0 for anonymous. */
  private resolveDup(id: number, ident: boolean): number {
    const v = this.v;
    const off = v.nameOff(id);
    if (off === 0) return 0;
    if (this.nameResolved[id]) return this.dupOf[id];
    this.nameResolved[id] = 1;
    const k = v.kind(id);
    const dup = k === BTF_KIND_FWD || (k === BTF_KIND_ENUM && v.vlen(id) === 0) ? 1 : this.nameDups(ident, off);
    this.dupOf[id] = dup;
    return dup;
  }

  /** The struct/union/enum name of `id` as emitted. */
  private typeName(id: number): string {
    const dup = this.resolveDup(id, false);
    const name = this.v.name(id);
    return dup > 1 ? `${name}___${dup}` : name;
  }

  private printTypeName(id: number): void {
    this.printName(this.v.nameOff(id), this.resolveDup(id, false));
  }

  private printIdentName(id: number): void {
    this.printName(this.v.nameOff(id), this.resolveDup(id, true));
  }

  // --- ordering ------------------------------------------------------------------------------

  /** Dump one root type and whatever it needs that was not dumped yet. */
  dumpType(id: number): void {
    const q = this.emitQueue;
    q.length = 0;
    const err = this.orderType(id, false);
    if (err < 0) throw new BtfError(`unsatisfiable type cycle, id:[${-err - 1}]`, { typeId: -err - 1 });
    for (let i = 0; i < q.length; i++) this.emitType(q[i], 0);
  }

  /** 1 for a strong link, 0 for a weak one, -(id + 1) for an unsatisfiable cycle at `id`. */
  private orderType(id: number, throughPtr: boolean): number {
    const v = this.v;
    const st = this.orderState[id];
    if (st === ORDERED) return 1;
    const k = v.kind(id);
    const named = v.nameOff(id) !== 0;
    if (st === ORDERING) {
      if ((k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) && throughPtr && named) return 0;
      return -(id + 1);
    }
    switch (k) {
      case BTF_KIND_INT: case BTF_KIND_FLOAT:
        this.orderState[id] = ORDERED;
        return 0;
      case BTF_KIND_PTR: {
        const err = this.orderType(v.sizeType(id), true);
        this.orderState[id] = ORDERED;
        return err;
      }
      case BTF_KIND_ARRAY:
        return this.orderType(v.extra(id, 0), false);
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        if (throughPtr && named) return 0;
        this.orderState[id] = ORDERING;
        const vlen = v.vlen(id);
        for (let i = 0; i < vlen; i++) {
          const err = this.orderType(v.extra(id, i * 3 + 1), false);
          if (err < 0) return err;
        }
        if (named) this.emitQueue.push(id);
        this.orderState[id] = ORDERED;
        return 1;
      }
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FWD:
        if (named || !this.referenced[id]) this.emitQueue.push(id);
        this.orderState[id] = ORDERED;
        return 1;
      case BTF_KIND_TYPEDEF: {
        const strong = this.orderType(v.sizeType(id), throughPtr);
        if (strong < 0) return strong;
        if (throughPtr && !strong) return 0;
        this.emitQueue.push(id);
        this.orderState[id] = ORDERED;
        return 1;
      }
      case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
        return this.orderType(v.sizeType(id), throughPtr);
      case BTF_KIND_FUNC_PROTO: {
        let err = this.orderType(v.sizeType(id), throughPtr);
        if (err < 0) return err;
        let strong = err > 0;
        const vlen = v.vlen(id);
        for (let i = 0; i < vlen; i++) {
          err = this.orderType(v.extra(id, i * 2 + 1), throughPtr);
          if (err < 0) return err;
          if (err > 0) strong = true;
        }
        return strong ? 1 : 0;
      }
      case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_DATASEC: case BTF_KIND_DECL_TAG:
        this.orderState[id] = ORDERED;
        return 0;
      default:
        throw new BtfError(`cannot dump type [${id}] of unknown kind ${k} as C`, { typeId: id });
    }
  }

  // --- emitting ------------------------------------------------------------------------------

  private isBlacklisted(id: number): boolean {
    return this.v.nameOff(id) !== 0 && this.v.name(id) === '__builtin_va_list';
  }

  private emitType(id: number, contId: number): void {
    const v = this.v;
    const es = this.emitState[id];
    if (es === EMITTED) return;
    const k = v.kind(id);
    const named = v.nameOff(id) !== 0;
    if (es === EMITTING) {
      if (this.fwdEmitted[id]) return;
      if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) {
        if (id === contId) return;
        if (!named) return; // anonymous struct/union loop: nothing sensible to emit
        this.emitStructFwd(id);
        this.print(';\n\n');
        this.fwdEmitted[id] = 1;
      } else if (k === BTF_KIND_TYPEDEF) {
        if (!this.isBlacklisted(id)) {
          this.emitTypedefDef(id, 0);
          this.print(';\n\n');
        }
        this.fwdEmitted[id] = 1;
      }
      return;
    }
    const topLevel = contId === 0;
    switch (k) {
      case BTF_KIND_INT: {
        const alias = MISSING_BASE_TYPES.get(this.typeName(id));
        if (alias !== undefined) {
          this.print('typedef ');
          this.print(alias);
          this.print(' ');
          this.printTypeName(id);
          this.print(';\n\n');
        }
        this.emitState[id] = EMITTED;
        break;
      }
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
        if (topLevel) {
          this.emitEnumDef(id, 0);
          this.print(';\n\n');
        }
        this.emitState[id] = EMITTED;
        break;
      case BTF_KIND_PTR: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
        this.emitType(v.sizeType(id), contId);
        break;
      case BTF_KIND_ARRAY:
        this.emitType(v.extra(id, 0), contId);
        break;
      case BTF_KIND_FWD:
        this.emitFwdDef(id);
        this.print(';\n\n');
        this.emitState[id] = EMITTED;
        break;
      case BTF_KIND_TYPEDEF:
        this.emitState[id] = EMITTING;
        this.emitType(v.sizeType(id), id);
        if (!this.fwdEmitted[id] && !this.isBlacklisted(id)) {
          this.emitTypedefDef(id, 0);
          this.print(';\n\n');
        }
        this.emitState[id] = EMITTED;
        break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION:
        this.emitState[id] = EMITTING;
        if (topLevel || !named) {
          const vlen = v.vlen(id);
          const newCont = named ? id : contId;
          for (let i = 0; i < vlen; i++) this.emitType(v.extra(id, i * 3 + 1), newCont);
        } else if (!this.fwdEmitted[id] && id !== contId) {
          this.emitStructFwd(id);
          this.print(';\n\n');
          this.fwdEmitted[id] = 1;
        }
        if (topLevel) {
          this.emitStructDef(id, 0);
          this.print(';\n\n');
          this.emitState[id] = EMITTED;
        } else {
          this.emitState[id] = NOT_EMITTED;
        }
        break;
      case BTF_KIND_FUNC_PROTO: {
        this.emitType(v.sizeType(id), contId);
        const vlen = v.vlen(id);
        for (let i = 0; i < vlen; i++) this.emitType(v.extra(id, i * 2 + 1), contId);
        break;
      }
      default:
        break;
    }
  }

  private emitBitPadding(curOff: number, nextOff: number, nextAlign: number, inBitfield: boolean, lvl: number): void {
    if (curOff >= nextOff) return;
    const names = ['long', 'int', 'short', 'char'];
    const bitsOf = [this.ptrSz * 8, 32, 16, 8];
    let newOff = 0;
    let padBits = 0;
    let padType = '';
    for (let i = 0; i < 4; i++) {
      padBits = bitsOf[i];
      padType = names[i];
      newOff = roundup(curOff, padBits);
      if (newOff <= nextOff) break;
    }
    if (newOff > curOff && newOff <= nextOff) {
      if (inBitfield
        || (newOff === nextOff && roundup(curOff, nextAlign * 8) !== newOff)
        || (newOff !== nextOff && nextOff - newOff <= newOff - curOff)) {
        this.printPad(lvl, padType, inBitfield ? newOff - curOff : 0);
      }
      curOff = newOff;
    }
    while (curOff !== nextOff) {
      const bits = Math.min(nextOff - curOff, padBits);
      if (bits === padBits) {
        this.printPad(lvl, padType, padBits);
        curOff += bits;
        continue;
      }
      for (let i = 3; i >= 0; i--) {
        padType = names[i];
        padBits = bitsOf[i];
        if (padBits < bits) continue;
        this.printPad(lvl, padType, bits);
        curOff += bits;
        break;
      }
    }
  }

  private printPad(lvl: number, type: string, bits: number): void {
    this.print('\n');
    this.print(pfx(lvl));
    this.print(type);
    this.print(': ');
    this.print(String(bits));
    this.print(';');
  }

  private emitStructFwd(id: number): void {
    const v = this.v;
    const kw = v.kind(id) === BTF_KIND_STRUCT ? 'struct' : 'union';
    this.print(kw);
    if (v.nameOff(id)) {
      this.print(' ');
      this.printTypeName(id);
    }
  }

  private emitStructDef(id: number, lvl: number): void {
    const v = this.v;
    const isStruct = v.kind(id) === BTF_KIND_STRUCT;
    const vlen = v.vlen(id);
    const kflag = v.kflag(id);
    const size = v.sizeType(id);
    const align = this.alignOf(id);
    const packed = isStruct ? this.isStructPacked(id) : false;
    this.print(isStruct ? 'struct' : 'union');
    if (v.nameOff(id)) {
      this.print(' ');
      this.printTypeName(id);
    }
    this.print(' {');
    let off = 0;
    let prevBitfield = false;
    for (let i = 0; i < vlen; i++) {
      const fname = v.extra(id, i * 3);
      const mtype = v.extra(id, i * 3 + 1);
      const raw = v.extra(id, i * 3 + 2);
      let mSz = kflag ? raw >>> 24 : 0;
      const mOff = kflag ? raw & 0xffffff : raw;
      const mAlign = packed ? 1 : this.alignOf(mtype);
      const inBitfield = prevBitfield && mSz !== 0;
      this.emitBitPadding(off, mOff, mAlign, inBitfield, lvl + 1);
      this.print('\n');
      this.print(pfx(lvl + 1));
      this.emitTypeDecl(mtype, fname, 0, lvl + 1);
      if (mSz) {
        this.print(': ');
        this.print(String(mSz));
        off = mOff + mSz;
        prevBitfield = true;
      } else {
        mSz = Math.max(0, this.resolveSize(mtype));
        off = mOff + mSz * 8;
        prevBitfield = false;
      }
      this.print(';');
    }
    if (isStruct) this.emitBitPadding(off, size * 8, align, false, lvl + 1);
    if (vlen || size) {
      this.print('\n');
      this.print(pfx(lvl));
    }
    this.print('}');
    if (packed) this.print(' __attribute__((packed))');
  }

  private emitEnumDef(id: number, lvl: number): void {
    const v = this.v;
    const vlen = v.vlen(id);
    const is64 = v.kind(id) === BTF_KIND_ENUM64;
    const signed = v.kflag(id);
    this.print('enum');
    if (v.nameOff(id)) {
      this.print(' ');
      this.printTypeName(id);
    }
    if (!vlen) return;
    this.print(' {');
    const p = pfx(lvl + 1);
    let allLow = true;
    for (let i = 0; i < vlen; i++) {
      let nameOff: number;
      let val: string;
      if (is64) {
        nameOff = v.extra(id, i * 3);
        const lo = v.extra(id, i * 3 + 1);
        const hi = v.extra(id, i * 3 + 2);
        if (hi !== 0) allLow = false;
        const u = (BigInt(hi) << 32n) | BigInt(lo);
        val = signed ? `${BigInt.asIntN(64, u)}LL` : `${u}ULL`;
      } else {
        nameOff = v.extra(id, i * 2);
        const raw = v.extra(id, i * 2 + 1);
        val = signed ? `${raw | 0}` : `${raw}`;
      }
      const dup = this.nameDups(true, nameOff);
      this.print('\n');
      this.print(p);
      this.printName(nameOff, dup);
      this.print(' = ');
      this.print(val);
      this.print(',');
    }
    this.print('\n');
    this.print(pfx(lvl));
    this.print('}');
    const size = v.sizeType(id);
    if (size === 1) {
      this.print(' __attribute__((mode(byte)))');
    } else if (size === 8 && this.ptrSz === 8) {
      if (!is64 || allLow) this.print(' __attribute__((mode(word)))');
    }
  }

  private emitFwdDef(id: number): void {
    this.print(this.v.kflag(id) ? 'union ' : 'struct ');
    this.printTypeName(id);
  }

  private emitTypedefDef(id: number, lvl: number): void {
    const dup = this.resolveDup(id, true);
    if (this.v.sizeType(id) === 0 && dup <= 1 && this.v.name(id) === '__gnuc_va_list') {
      this.print('typedef __builtin_va_list __gnuc_va_list');
      return;
    }
    this.print('typedef ');
    this.emitTypeDecl(this.v.sizeType(id), this.v.nameOff(id), dup, lvl);
  }

  /**
   * Emit a declaration of the name at string offset `fnameOff` (with a ___N suffix when
   * `fnameDup` > 1) with type `id`, in C declarator syntax.
   */
  emitTypeDecl(id: number, fnameOff: number, fnameDup: number, lvl: number): void {
    const v = this.v;
    const stack = this.declStack;
    const start = this.declCnt;
    for (;;) {
      stack[this.declCnt++] = id;
      if (id === 0) break;
      const k = v.kind(id);
      if (k === BTF_KIND_PTR || k === BTF_KIND_VOLATILE || k === BTF_KIND_CONST || k === BTF_KIND_RESTRICT
        || k === BTF_KIND_FUNC_PROTO || k === BTF_KIND_TYPE_TAG) {
        id = v.sizeType(id);
      } else if (k === BTF_KIND_ARRAY) {
        id = v.extra(id, 0);
      } else {
        break;
      }
    }
    const frame: DeclFrame = { base: start, cnt: this.declCnt - start };
    this.emitTypeChain(frame, fnameOff, fnameDup, lvl);
    this.declCnt = start;
  }

  private emitMods(f: DeclFrame): void {
    const v = this.v;
    while (f.cnt) {
      const k = v.kind(this.declStack[f.base + f.cnt - 1]);
      if (k === BTF_KIND_VOLATILE) this.print('volatile ');
      else if (k === BTF_KIND_CONST) this.print('const ');
      else if (k === BTF_KIND_RESTRICT) this.print('restrict ');
      else return;
      f.cnt--;
    }
  }

  private dropMods(f: DeclFrame): void {
    while (f.cnt && isMod(this.v.kind(this.declStack[f.base + f.cnt - 1]))) f.cnt--;
  }

  private emitName(off: number, dup: number, lastWasPtr: boolean): void {
    if (!this.hasName(off)) return;
    if (!lastWasPtr) this.print(' ');
    this.printName(off, dup);
  }

  private emitTypeChain(f: DeclFrame, fnameOff: number, fnameDup: number, lvl: number): void {
    const v = this.v;
    let lastWasPtr = true;
    while (f.cnt) {
      const id = this.declStack[f.base + --f.cnt];
      if (id === 0) {
        this.emitMods(f);
        this.print('void');
        lastWasPtr = false;
        continue;
      }
      const k = v.kind(id);
      switch (k) {
        case BTF_KIND_INT: case BTF_KIND_FLOAT:
          this.emitMods(f);
          this.printOff(v.nameOff(id));
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION:
          this.emitMods(f);
          if (v.nameOff(id) === 0) this.emitStructDef(id, lvl);
          else this.emitStructFwd(id);
          break;
        case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
          this.emitMods(f);
          if (v.nameOff(id) === 0) this.emitEnumDef(id, lvl);
          else {
            this.print('enum ');
            this.printTypeName(id);
          }
          break;
        case BTF_KIND_FWD:
          this.emitMods(f);
          this.emitFwdDef(id);
          break;
        case BTF_KIND_TYPEDEF:
          this.emitMods(f);
          this.printIdentName(id);
          break;
        case BTF_KIND_PTR:
          this.print(lastWasPtr ? '*' : ' *');
          break;
        case BTF_KIND_VOLATILE:
          this.print(' volatile');
          break;
        case BTF_KIND_CONST:
          this.print(' const');
          break;
        case BTF_KIND_RESTRICT:
          this.print(' restrict');
          break;
        case BTF_KIND_TYPE_TAG:
          this.emitMods(f);
          this.print(' __attribute__((btf_type_tag("');
          this.printOff(v.nameOff(id));
          this.print('")))');
          break;
        case BTF_KIND_ARRAY: {
          const nelems = v.extra(id, 2);
          this.dropMods(f);
          if (f.cnt === 0) {
            this.emitName(fnameOff, fnameDup, lastWasPtr);
            this.print('[');
            this.print(String(nelems));
            this.print(']');
            return;
          }
          const multidim = v.kind(this.declStack[f.base + f.cnt - 1]) === BTF_KIND_ARRAY;
          if (this.hasName(fnameOff) && !lastWasPtr) this.print(' ');
          if (!multidim) this.print('(');
          this.emitTypeChain(f, fnameOff, fnameDup, lvl);
          if (!multidim) this.print(')');
          this.print('[');
          this.print(String(nelems));
          this.print(']');
          return;
        }
        case BTF_KIND_FUNC_PROTO: {
          const vlen = v.vlen(id);
          this.dropMods(f);
          if (f.cnt) {
            this.print(' (');
            this.emitTypeChain(f, fnameOff, fnameDup, lvl);
            this.print(')');
          } else {
            this.emitName(fnameOff, fnameDup, lastWasPtr);
          }
          this.print('(');
          if (vlen === 0 || (vlen === 1 && v.extra(id, 1) === 0)) {
            this.print('void)');
            return;
          }
          for (let i = 0; i < vlen; i++) {
            if (i > 0) this.print(', ');
            const ptype = v.extra(id, i * 2 + 1);
            if (i === vlen - 1 && ptype === 0) {
              this.print('...');
              break;
            }
            this.emitTypeDecl(ptype, v.extra(id, i * 2), 0, lvl);
          }
          this.print(')');
          return;
        }
        default:
          // libbpf warns about an unexpected kind in a declaration chain and gives up on it
          return;
      }
      lastWasPtr = k === BTF_KIND_PTR;
    }
    this.emitName(fnameOff, fnameDup, lastWasPtr);
  }

  /** bpftool's kfunc section: an extern prototype for each FUNC tagged "bpf_kfunc", by id. */
  emitKfuncs(): void {
    const v = this.v;
    this.print('\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n');
    for (let i = 1; i < v.n; i++) {
      if (v.kind(i) !== BTF_KIND_DECL_TAG) continue;
      if (v.extra(i, 0) !== 0xffffffff) continue;
      if (v.name(i) !== 'bpf_kfunc') continue;
      const fn = v.sizeType(i);
      if (v.kind(fn) !== BTF_KIND_FUNC) continue;
      this.print('extern ');
      this.emitTypeDecl(v.sizeType(fn), v.nameOff(fn), 0, 0);
      this.print(' __weak __ksym;\n');
    }
    this.print('#endif\n\n');
  }
}

const PROLOGUE = '#ifndef __VMLINUX_H__\n'
  + '#define __VMLINUX_H__\n'
  + '\n'
  + '#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n'
  + '#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n'
  + '#endif\n\n'
  + '#ifndef __ksym\n'
  + '#define __ksym __attribute__((section(".ksyms")))\n'
  + '#endif\n\n'
  + '#ifndef __weak\n'
  + '#define __weak __attribute__((weak))\n'
  + '#endif\n\n';

const EPILOGUE = '#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n'
  + '#pragma clang attribute pop\n'
  + '#endif\n'
  + '\n'
  + '#endif /* __VMLINUX_H__ */\n';

/**
 * Render `btf` (and, for split BTF, its base: every type is dumped, as bpftool does with `-B`) as
 * the C header `bpftool btf dump file F [-B BASE] format c` prints: the vmlinux.h prologue, every
 * type definition in dependency order with forward declarations where cycles need them, the
 * kfunc prototypes, and the epilogue. The reference is Debian's bpftool 7.5.0 (built from Linux
 * 6.12 with its libbpf 1.5 btf_dump): no __bpf_fastcall prologue, kfuncs in id order, type tags
 * always as btf_type_tag attributes. Strings are latin1 (one char per byte of the BTF names).
 * @throws BtfError when the types hold a cycle C cannot express, a kind C cannot show, or a
 *   reference to a type id that does not exist.
 */
export function dumpC(btf: Btf, opts: DumpCOptions = {}): string {
  const b = dumpCBytes(btf, opts);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** {@link dumpC} as latin1 bytes, ready to write to a file. */
export function dumpCBytes(btf: Btf, opts: DumpCOptions = {}): Uint8Array {
  const v = new FlatBtf(btf);
  const d = new CDumper(v);
  d.print(PROLOGUE);
  if (opts.rootIds && opts.rootIds.length > 0) {
    for (const id of opts.rootIds) {
      if (id < 0 || id >= v.n) throw new BtfError(`type id ${id} out of range (0..${v.n - 1})`, { typeId: id });
      d.dumpType(id);
    }
  } else {
    if (opts.sorted === false) {
      for (let id = 1; id < v.n; id++) if (!isInertRoot(v, id)) d.dumpType(id);
    } else {
      for (const id of bpftoolSortedIds(v)) d.dumpType(id);
    }
    d.emitKfuncs();
  }
  d.print(EPILOGUE);
  return d.bytes();
}

// Saved function prototypes across units: grouping by symbol, pahole's consistency check, and the final FUNC records.

import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_FLOAT, BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VOLATILE, BTF_FUNC_STATIC, type Btf,
} from '../btf/index.js';
import { WordList } from '../common/word-list.js';
import type { ElfFunctions } from './elf-info.js';
import type { EncodeFeatures } from './features.js';

const KF_FASTCALL = 1 << 12;
const KF_ARENA_RET = 1 << 13;
const KF_ARENA_ARG1 = 1 << 14;
const KF_ARENA_ARG2 = 1 << 15;
const BPF_ARENA_ATTR = 'address_space(1)';

/** One DWARF function matched to an ELF function symbol (pahole's btf_encoder_func_state). */
export interface FuncState {
  /** Index into ElfFunctions. */
  elf: number;
  /** Return type id in the encoder's BTF. */
  ret: number;
  /** Parameters (a trailing {'' , 0} for varargs). */
  params: Array<{ name: string; type: number }>;
  /** Has unspecified parameters. */
  unspec: boolean;
  optimized: boolean;
  unexpected: boolean;
  inconsistent: boolean;
  /** btf_decl_tag annotations of the function and its parameters. */
  annots: Array<{ value: string; component: number }>;
}

/**
 * Saved functions in a form a worker thread sends cheaply: one Int32Array (its buffer is
 * transferred) and the distinct strings. Copying the objects themselves between threads cost
 * ~0.24 s of the 6.12 vmlinux's encode -j2, on the thread that waits for the worker.
 * Per state: elf, ret, flags (unspec, optimized, unexpected, inconsistent), the parameter count
 * and (name, type) pairs, the annotation count and (value, component) pairs; names and values
 * are indexes into `strings`.
 */
export interface PackedStates {
  ints: Int32Array;
  strings: string[];
}

/** `states` as PackedStates. */
export function packStates(states: readonly FuncState[]): PackedStates {
  let n = 0;
  for (const s of states) n += 5 + 2 * s.params.length + 2 * s.annots.length;
  const ints = new Int32Array(n);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (v: string): number => {
    let i = index.get(v);
    if (i === undefined) {
      i = strings.length;
      strings.push(v);
      index.set(v, i);
    }
    return i;
  };
  let p = 0;
  for (const s of states) {
    ints[p++] = s.elf;
    ints[p++] = s.ret;
    ints[p++] = (s.unspec ? 1 : 0) | (s.optimized ? 2 : 0) | (s.unexpected ? 4 : 0) | (s.inconsistent ? 8 : 0);
    ints[p++] = s.params.length;
    for (const prm of s.params) {
      ints[p++] = str(prm.name);
      ints[p++] = prm.type;
    }
    ints[p++] = s.annots.length;
    for (const a of s.annots) {
      ints[p++] = str(a.value);
      ints[p++] = a.component;
    }
  }
  return { ints, strings };
}

/** The states of `packed`, in order, with every type id passed through `mapId`. */
export function unpackStates(packed: PackedStates, mapId: (id: number) => number): FuncState[] {
  const { ints, strings } = packed;
  const out: FuncState[] = [];
  let p = 0;
  while (p < ints.length) {
    const elf = ints[p++];
    // Type ids are unsigned (a sentinel such as the array index type's is above 2^31).
    const ret = mapId(ints[p++] >>> 0);
    const flags = ints[p++];
    const params: Array<{ name: string; type: number }> = [];
    for (let n = ints[p++]; n > 0; n--, p += 2) params.push({ name: strings[ints[p]], type: mapId(ints[p + 1] >>> 0) });
    const annots: Array<{ value: string; component: number }> = [];
    for (let n = ints[p++]; n > 0; n--, p += 2) annots.push({ value: strings[ints[p]], component: ints[p + 1] });
    out.push({
      elf, ret, params, unspec: (flags & 1) !== 0, optimized: (flags & 2) !== 0, unexpected: (flags & 4) !== 0, inconsistent: (flags & 8) !== 0, annots,
    });
  }
  return out;
}

/** The functions saved while encoding units, emitted after the last unit. */
export class FuncStates {
  /** FUNCs added by `emit`. */
  added = 0;
  /** Groups left out by `emit` (inconsistent or unexpected register use). */
  skipped = 0;

  private readonly btf: Btf;
  private readonly funcs: ElfFunctions;
  private readonly list: FuncState[] = [];
  /** Words of the FUNC_PROTO being added. */
  private readonly extra = new WordList();

  constructor(btf: Btf, funcs: ElfFunctions) {
    this.btf = btf;
    this.funcs = funcs;
  }

  /** Remember one function. */
  save(s: FuncState): void {
    this.list.push(s);
  }

  /** Take the saved functions out (for a parallel encoding's merge), in save order. */
  drain(): FuncState[] {
    const l = this.list.slice();
    this.list.length = 0;
    return l;
  }

  /**
   * Sort the saved functions by symbol (stable), merge each run of states with the same symbol
   * prefix (sharing their optimized / unexpected-register / inconsistent marks, comparing
   * prototypes), and add a FUNC_PROTO + FUNC (+ tags) for the first state of every group that
   * passes the `consistent_func` rule.
   */
  emit(f: EncodeFeatures): void {
    const list = this.list;
    const order = functionOrder(list.map((st) => st.elf), this.funcs.names, this.funcs.prefixLen);
    const names = this.funcs.names;
    const pl = this.funcs.prefixLen;
    for (let i = 0; i < order.length;) {
      const a = list[order[i]];
      let j = i + 1;
      while (j < order.length) {
        const b = list[order[j]];
        const n = Math.max(pl[a.elf], pl[b.elf]);
        if (strncmp(names[a.elf], names[b.elf], n) !== 0) break;
        const optimized = a.optimized || b.optimized;
        const unexpected = a.unexpected || b.unexpected;
        let inconsistent = a.inconsistent || b.inconsistent;
        if (!unexpected && !inconsistent && !this.funcsMatch(a, b)) inconsistent = true;
        a.optimized = b.optimized = optimized;
        a.unexpected = b.unexpected = unexpected;
        a.inconsistent = b.inconsistent = inconsistent;
        j++;
      }
      const add = !f.consistent_func || (!a.unexpected && !a.inconsistent);
      if (add) {
        this.addFunc(a, f);
        this.added++;
      } else {
        this.skipped++;
      }
      i = j;
    }
    list.length = 0;
  }

  private addFunc(s: FuncState, f: EncodeFeatures): void {
    const btf = this.btf;
    const fi = s.elf;
    const kfunc = this.funcs.kfunc[fi] !== 0 && f.decl_tag_kfuncs;
    const kflags = this.funcs.kfuncFlags[fi];
    let ret = s.ret;
    const params = s.params;
    // Types of the first two parameters, as they may be retagged for arena kfuncs.
    let type0 = params.length > 0 ? params[0].type : 0;
    let type1 = params.length > 1 ? params[1].type : 0;
    if (kfunc && f.attributes) {
      const tagPtr = (ptr: number): number => {
        if (ptr === 0 || btf.kind(ptr) !== BTF_KIND_PTR) return -1;
        const tt = btf.add(BTF_KIND_TYPE_TAG, btf.addStr(BPF_ARENA_ATTR), 0, true, btf.sizeType(ptr));
        return btf.add(BTF_KIND_PTR, 0, 0, false, tt);
      };
      if (kflags & KF_ARENA_RET) {
        const r = tagPtr(ret);
        if (r > 0) ret = r;
      }
      if ((kflags & KF_ARENA_ARG1) && params.length > 0) {
        const r = tagPtr(type0);
        if (r > 0) type0 = r;
      }
      if ((kflags & KF_ARENA_ARG2) && params.length > 1) {
        const r = tagPtr(type1);
        if (r > 0) type1 = r;
      }
    }
    const extra = this.extra;
    extra.clear();
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      extra.push(p.name === '' ? 0 : btf.addStr(p.name));
      extra.push(i === 0 ? type0 : i === 1 ? type1 : p.type);
    }
    const proto = btf.addWords(BTF_KIND_FUNC_PROTO, 0, params.length, false, ret, extra.words, extra.length);
    const name = this.funcs.alias[fi] ?? this.funcs.names[fi];
    const fn = btf.add(BTF_KIND_FUNC, btf.addStr(name), BTF_FUNC_STATIC, false, proto);
    if (kfunc && f.decl_tag) {
      btf.add1(BTF_KIND_DECL_TAG, btf.addStr('bpf_kfunc'), 0, false, fn, 0xffffffff);
      if (kflags & KF_FASTCALL) btf.add1(BTF_KIND_DECL_TAG, btf.addStr('bpf_fastcall'), 0, false, fn, 0xffffffff);
    }
    for (let i = 0; i < s.annots.length; i++) {
      const a = s.annots[i];
      btf.add1(BTF_KIND_DECL_TAG, btf.addStr(a.value), 0, false, fn, a.component >>> 0);
    }
  }

  /** pahole's funcs__match: same parameter count and loosely matching return and parameter types. */
  private funcsMatch(a: FuncState, b: FuncState): boolean {
    if (a.params.length !== b.params.length) return false;
    if (!this.typesMatch(a.ret, b.ret)) return false;
    for (let i = 0; i < a.params.length; i++) {
      if (!this.typesMatch(a.params[i].type, b.params[i].type)) return false;
    }
    return true;
  }

  /**
   * pahole's types__match within one BTF: qualifier chains are followed, a CONST on one side only
   * is skipped, named types compare by name (and INT/FLOAT by size and encoding), arrays by count.
   * (For FUNC_PROTO it compares the return types vlen+1 times, as pahole does.)
   */
  private typesMatch(id1: number, id2: number): boolean {
    const btf = this.btf;
    for (let guard = 0; guard < 1024; guard++) {
      if (id1 === id2) return true;
      if (id1 === 0 || id2 === 0) return false;
      const k1 = fwdKind(btf, id1);
      const k2 = fwdKind(btf, id2);
      if (k1 !== k2) {
        if (k1 === BTF_KIND_CONST) {
          id1 = btf.sizeType(id1);
          continue;
        }
        if (k2 === BTF_KIND_CONST) {
          id2 = btf.sizeType(id2);
          continue;
        }
        return false;
      }
      switch (k1) {
        case BTF_KIND_INT:
          if (btf.sizeType(id1) !== btf.sizeType(id2)) return false;
          if (btf.extra(id1, 0) !== btf.extra(id2, 0)) return false;
          return btf.name(id1) === btf.name(id2);
        case BTF_KIND_FLOAT:
          if (btf.sizeType(id1) !== btf.sizeType(id2)) return false;
          return btf.name(id1) === btf.name(id2);
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
          return btf.nameOff(id1) === btf.nameOff(id2) || btf.name(id1) === btf.name(id2);
        case BTF_KIND_PTR:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
          id1 = btf.sizeType(id1);
          id2 = btf.sizeType(id2);
          continue;
        case BTF_KIND_ARRAY:
          if (btf.extra(id1, 2) !== btf.extra(id2, 2)) return false;
          id1 = btf.extra(id1, 0);
          id2 = btf.extra(id2, 0);
          continue;
        case BTF_KIND_FUNC_PROTO:
          if (btf.vlen(id1) !== btf.vlen(id2)) return false;
          return this.typesMatch(btf.sizeType(id1), btf.sizeType(id2));
        default:
          return false;
      }
    }
    return false;
  }
}

function fwdKind(btf: Btf, id: number): number {
  const k = btf.kind(id);
  if (k === BTF_KIND_FWD) return btf.kflag(id) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
  return k;
}

/** pahole's functions_cmp on two function symbols, given by index into the sorted `names`. */
function cmpElf(names: readonly string[], prefixLen: Int32Array, a: number, b: number): number {
  const pa = prefixLen[a];
  const pb = prefixLen[b];
  if (pa !== 0 && pa === pb) return strncmp(names[a], names[b], pb);
  return strcmp(names[a], names[b]);
}

/** A character that sorts below '.' (see functionOrder). */
const BELOW_DOT = /[\u0000-\u002d]/;

/**
 * The order of a stable sort of saved functions by cmpElf on their symbols `elf` (indexes into
 * `names`, which are sorted): what emit groups and adds them in. cmpElf ties two symbols with the
 * same name, or with the same text before a first '.' at the same place ("foo", "foo.isra.0"), and
 * otherwise orders them as `names` is. Such ties are runs of neighbours in `names` unless a name
 * has a character below '.' ("foo" < "foo$1" < "foo.isra.0"), so the sort is one by (first
 * symbol of the run, save order), done on numbers; for names like that, on cmpElf itself.
 * The 62K functions of the 6.12 vmlinux: 111 ms with cmpElf, 32 ms on numbers.
 */
export function functionOrder(elf: readonly number[], names: readonly string[], prefixLen: Int32Array): Int32Array {
  const n = elf.length;
  const order = new Int32Array(n);
  if (names.length * n > Number.MAX_SAFE_INTEGER || names.some((name) => BELOW_DOT.test(name))) {
    const o = Array.from({ length: n }, (_, i) => i);
    o.sort((x, y) => cmpElf(names, prefixLen, elf[x], elf[y]));
    order.set(o);
    return order;
  }
  // run[i]: the first symbol of the run of ties that symbol i is in.
  const run = new Int32Array(names.length);
  for (let i = 1; i < names.length; i++) run[i] = cmpElf(names, prefixLen, i - 1, i) === 0 ? run[i - 1] : i;
  // run[elf] * n + i < names.length * n: exact in a double.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = run[elf[i]] * n + i;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i] % n;
  return order;
}

/** C strcmp on latin1 strings. */
function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** C strncmp on latin1 strings. */
function strncmp(a: string, b: string, n: number): number {
  return strcmp(a.length > n ? a.slice(0, n) : a, b.length > n ? b.slice(0, n) : b);
}


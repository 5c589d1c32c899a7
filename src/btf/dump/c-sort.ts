// The order in which `bpftool btf dump ... format c` visits types: by rank, name and a shape hash.

import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR, BTF_KIND_VOLATILE,
} from '../wire/kinds.js';
import type { FlatBtf } from './c-view.js';

const MAX_RANK = 10;
const TWO32 = 4294967296;

function isRefKind(k: number): boolean {
  return k === BTF_KIND_TYPE_TAG || k === BTF_KIND_CONST || k === BTF_KIND_PTR || k === BTF_KIND_VOLATILE
    || k === BTF_KIND_RESTRICT || k === BTF_KIND_TYPEDEF || k === BTF_KIND_DECL_TAG;
}

function typeRank(v: FlatBtf, id: number, hasName: boolean): number {
  for (;;) {
    const k = v.kind(id);
    if (v.nameOff(id) !== 0) hasName = true;
    switch (k) {
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return hasName ? 1 : 0;
      case BTF_KIND_INT: case BTF_KIND_FLOAT: return 2;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: return hasName ? 3 : MAX_RANK;
      case BTF_KIND_FUNC_PROTO: return hasName ? 4 : MAX_RANK;
      case BTF_KIND_ARRAY:
        if (!hasName) return MAX_RANK;
        id = v.extra(id, 0);
        break;
      default:
        if (!isRefKind(k) || !hasName) return MAX_RANK;
        id = v.sizeType(id);
    }
  }
}

function sortNameOff(v: FlatBtf, id: number): number {
  let fromRef = false;
  for (;;) {
    const k = v.kind(id);
    if (k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64) {
      let off = v.nameOff(id);
      if (!fromRef && off === 0 && v.vlen(id) > 0) off = v.extra(id, 0);
      return off;
    }
    if (k === BTF_KIND_ARRAY) id = v.extra(id, 0);
    else if (isRefKind(k)) id = v.sizeType(id);
    else return v.nameOff(id);
    fromRef = true;
  }
}

/**
 * bpftool's btf_type_disambig_hash for every id and both values of include_members, memoized.
 * The 64-bit "hash * 31 + val" arithmetic (bpftool's hasher(), libbpf's str_hash() on size_t) is
 * done on u32 halves; a call leaves its result in `rh`/`rl`.
 */
class DisambigHasher {
  rh = 0;
  rl = 0;
  private readonly v: FlatBtf;
  private readonly memoHi: Float64Array;
  private readonly memoLo: Float64Array;
  private readonly done: Uint8Array;
  /** Index into strHi/strLo of each string offset already hashed. */
  private readonly strIdx = new Map<number, number>();
  private strHi: number[] = [];
  private strLo: number[] = [];

  constructor(v: FlatBtf) {
    this.v = v;
    this.memoHi = new Float64Array(2 * v.n);
    this.memoLo = new Float64Array(2 * v.n);
    this.done = new Uint8Array(2 * v.n);
  }

  private step(hh: number, hl: number, vh: number, vl: number): void {
    const lo = hl * 31 + vl;
    this.rl = lo >>> 0;
    this.rh = (hh * 31 + vh + Math.floor(lo / TWO32)) >>> 0;
  }

  /** hasher((hh, hl), str_hash(name at off)), or (hh, hl) itself for offset 0. */
  private name(hh: number, hl: number, off: number): void {
    if (off === 0) {
      this.rh = hh;
      this.rl = hl;
      return;
    }
    if (off >= this.v.s.length) this.v.str(off); // throws: out of range
    let k = this.strIdx.get(off);
    if (k === undefined) {
      // str_hash: chars are signed (x86), so bytes >= 0x80 add a negative 64-bit value
      const bytes = this.v.s;
      let h = 0;
      let l = 0;
      for (let i = off; i < bytes.length; i++) {
        const c = bytes[i];
        if (c === 0) break;
        const lo = l * 31 + (c < 0x80 ? c : c - 256 + TWO32);
        l = lo >>> 0;
        h = (h * 31 + (c < 0x80 ? 0 : 0xffffffff) + Math.floor(lo / TWO32)) >>> 0;
      }
      k = this.strHi.length;
      this.strHi.push(h);
      this.strLo.push(l);
      this.strIdx.set(off, k);
    }
    this.step(hh, hl, this.strHi[k], this.strLo[k]);
  }

  /** Hash of `id`, left in `rh`/`rl`. */
  hash(id: number, members: boolean): void {
    const slot = members ? id + this.v.n : id;
    if (this.done[slot]) {
      this.rh = this.memoHi[slot];
      this.rl = this.memoLo[slot];
      return;
    }
    const v = this.v;
    this.name(0, 0, v.nameOff(id));
    let hh = this.rh;
    let hl = this.rl;
    const k = v.kind(id);
    if (k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64) {
      const vlen = v.vlen(id);
      const stride = k === BTF_KIND_ENUM ? 2 : 3;
      for (let i = 0; i < vlen; i++) {
        this.name(hh, hl, v.extra(id, i * stride));
        hh = this.rh;
        hl = this.rl;
      }
    } else if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) {
      if (members) {
        const vlen = v.vlen(id);
        for (let i = 0; i < vlen; i++) {
          this.name(hh, hl, v.extra(id, i * 3));
          hh = this.rh;
          hl = this.rl;
          this.hash(v.extra(id, i * 3 + 1), false);
          this.step(hh, hl, this.rh, this.rl);
          hh = this.rh;
          hl = this.rl;
        }
      }
    } else if (isRefKind(k)) {
      this.hash(v.sizeType(id), members);
      this.step(hh, hl, this.rh, this.rl);
      hh = this.rh;
      hl = this.rl;
    } else if (k === BTF_KIND_ARRAY) {
      this.step(hh, hl, 0, v.extra(id, 2));
      hh = this.rh;
      hl = this.rl;
      this.hash(v.extra(id, 0), members);
      this.step(hh, hl, this.rh, this.rl);
      hh = this.rh;
      hl = this.rl;
    }
    this.done[slot] = 1;
    this.memoHi[slot] = hh;
    this.memoLo[slot] = hl;
    this.rh = hh;
    this.rl = hl;
  }
}

/** Room for a position among up to 2^21 items, next to a 32-bit key in a double. */
const TWO21 = 2097152;
/** Groups at most this long are finished by insertion sort instead of another radix pass. */
const SMALL = 16;

/** strcmp of the strings at offsets x and y. */
function strcmpAt(S: Uint8Array, x: number, y: number): number {
  if (x === y) return 0;
  for (;;) {
    const c = x < S.length ? S[x] : 0;
    const d = y < S.length ? S[y] : 0;
    if (c !== d) return c - d;
    if (c === 0) return 0;
    x++;
    y++;
  }
}

/**
 * Dense strcmp ranks of the strings at `offs` (equal strings, even at different offsets, share a
 * rank), by an MSD radix sort on bytes with insertion sort for small groups. Returns the rank of
 * each position and the number of distinct strings.
 */
function rankStrings(S: Uint8Array, offs: Uint32Array): { rank: Int32Array; count: number } {
  const n = offs.length;
  const byte = (o: number): number => (o < S.length ? S[o] : 0);
  const order = new Uint32Array(n);
  const tmp = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // sameAsPrev[i]: the string at order[i] equals the one at order[i - 1]
  const sameAsPrev = new Uint8Array(n);
  const counts = new Int32Array(257);
  const work: number[] = [0, n, 0];
  while (work.length) {
    const depth = work.pop()!;
    const hi = work.pop()!;
    const lo = work.pop()!;
    if (hi - lo <= SMALL) {
      for (let i = lo + 1; i < hi; i++) {
        const x = order[i];
        let j = i - 1;
        while (j >= lo && strcmpAt(S, offs[order[j]] + depth, offs[x] + depth) > 0) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = x;
      }
      for (let i = lo + 1; i < hi; i++) {
        sameAsPrev[i] = strcmpAt(S, offs[order[i - 1]] + depth, offs[order[i]] + depth) === 0 ? 1 : 0;
      }
      continue;
    }
    counts.fill(0);
    for (let i = lo; i < hi; i++) counts[byte(offs[order[i]] + depth) + 1]++;
    for (let c = 1; c <= 256; c++) counts[c] += counts[c - 1];
    // counts[c] is now where bucket c starts (relative to lo)
    const starts = counts.slice(0, 257);
    for (let i = lo; i < hi; i++) {
      const x = order[i];
      tmp[lo + counts[byte(offs[x] + depth)]++] = x;
    }
    order.set(tmp.subarray(lo, hi), lo);
    // bucket 0: strings that end here, all equal
    const end0 = lo + starts[1];
    for (let i = lo + 1; i < end0; i++) sameAsPrev[i] = 1;
    for (let c = 1; c < 256; c++) {
      const b0 = lo + starts[c];
      const b1 = lo + (c < 255 ? starts[c + 1] : hi - lo);
      if (b1 - b0 > 1) work.push(b0, b1, depth + 1);
    }
  }
  const rank = new Int32Array(n);
  let r = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || !sameAsPrev[i]) r++;
    rank[order[i]] = r;
  }
  return { rank, count: r + 1 };
}

/**
 * For each of two name-offset arrays, the dense strcmp rank of its strings, and the number of
 * distinct strings.
 */
function ordinals(v: FlatBtf, a: Uint32Array, b: Uint32Array): { ra: Int32Array; rb: Int32Array; count: number } {
  // the position of each distinct offset in `list`
  const slot = new Map<number, number>();
  const list = new Uint32Array(a.length + b.length);
  const pa = new Int32Array(a.length);
  const pb = new Int32Array(b.length);
  let len = 0;
  for (const [arr, pos] of [[a, pa], [b, pb]] as const) {
    for (let i = 0; i < arr.length; i++) {
      const off = arr[i];
      let k = slot.get(off);
      if (k === undefined) {
        if (off >= v.s.length) v.str(off); // throws: out of range
        k = len;
        list[len++] = off;
        slot.set(off, k);
      }
      pos[i] = k;
    }
  }
  const { rank, count } = rankStrings(v.s, list.subarray(0, len));
  const ra = new Int32Array(a.length);
  const rb = new Int32Array(b.length);
  for (let i = 0; i < a.length; i++) ra[i] = rank[pa[i]];
  for (let i = 0; i < b.length; i++) rb[i] = rank[pb[i]];
  return { ra, rb, count };
}

/** Stable counting sort of `ids` by `key[id]` (keys in [0, range)). */
function countingSort(ids: Uint32Array, key: Int32Array, range: number): Uint32Array {
  const counts = new Int32Array(range + 1);
  for (let i = 0; i < ids.length; i++) counts[key[ids[i]] + 1]++;
  for (let c = 1; c <= range; c++) counts[c] += counts[c - 1];
  const out = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[counts[key[ids[i]]]++] = ids[i];
  return out;
}

/**
 * Sort ids[lo, hi), already in increasing id order, by (hh, hl) and then id: a native sort on
 * (hh, position) keys, then insertion sort of the rare runs that share hh.
 */
function sortRunByHash(ids: Uint32Array, lo: number, hi: number, hh: Float64Array, hl: Float64Array): void {
  const m = hi - lo;
  const keys = new Float64Array(m);
  for (let i = 0; i < m; i++) keys[i] = hh[ids[lo + i]] * TWO21 + i;
  keys.sort();
  const sorted = new Uint32Array(m);
  for (let i = 0; i < m; i++) sorted[i] = ids[lo + (keys[i] % TWO21)];
  ids.set(sorted, lo);
  let run = lo;
  for (let i = lo + 1; i <= hi; i++) {
    if (i < hi && hh[ids[i]] === hh[ids[run]]) continue;
    // positions were ascending within equal hh, so ids are too: insertion by hl keeps id order
    for (let p = run + 1; p < i; p++) {
      const x = ids[p];
      let j = p - 1;
      while (j >= run && hl[ids[j]] > hl[x]) {
        ids[j + 1] = ids[j];
        j--;
      }
      ids[j + 1] = x;
    }
    run = i;
  }
}

/**
 * Whether dumping `id` as a root can have any effect. btf_dump only marks FUNC, VAR, DATASEC and
 * DECL_TAG as ordered (no type it walks leads to them), and void is always done, so where those
 * sit in the root order does not matter.
 */
export function isInertRoot(v: FlatBtf, id: number): boolean {
  if (id === 0) return true;
  const k = v.kind(id);
  return k === BTF_KIND_FUNC || k === BTF_KIND_VAR || k === BTF_KIND_DATASEC || k === BTF_KIND_DECL_TAG;
}

/**
 * The ids bpftool 7.5 (`format c`, sorted) passes to btf_dump, in its order, leaving out the
 * inert ones ({@link isInertRoot}). bpftool sorts all ids, void included, by rank, sort name, own
 * name, shape hash and id, and then starts at the second entry; so the first entry (typically the
 * anonymous enum whose first enumerator sorts first) is dropped here too when it is not inert.
 */
export function bpftoolSortedIds(v: FlatBtf): number[] {
  const n = v.n;
  const rel: number[] = [];
  for (let id = 1; id < n; id++) if (!isInertRoot(v, id)) rel.push(id);
  const m = rel.length;
  if (m === 0) return [];
  const rank = new Int32Array(n);
  const sOffs = new Uint32Array(m);
  const oOffs = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    const id = rel[i];
    rank[id] = typeRank(v, id, false);
    sOffs[i] = sortNameOff(v, id);
    oOffs[i] = v.nameOff(id);
  }
  const { ra, rb, count } = ordinals(v, sOffs, oOffs);
  const sOrd = new Int32Array(n);
  const oOrd = new Int32Array(n);
  for (let i = 0; i < m; i++) {
    sOrd[rel[i]] = ra[i];
    oOrd[rel[i]] = rb[i];
  }
  // least significant key first; each pass is stable, so ties stay in id order
  let ids: Uint32Array = Uint32Array.from(rel);
  ids = countingSort(ids, oOrd, count);
  ids = countingSort(ids, sOrd, count);
  ids = countingSort(ids, rank, MAX_RANK + 1);
  // only types that tie on (rank, names) need the shape hash
  const hasher = new DisambigHasher(v);
  const hh = new Float64Array(n);
  const hl = new Float64Array(n);
  let run = 0;
  for (let i = 1; i <= m; i++) {
    if (i < m) {
      const x = ids[i];
      const y = ids[run];
      if (rank[x] === rank[y] && sOrd[x] === sOrd[y] && oOrd[x] === oOrd[y]) continue;
    }
    if (i - run > 1) {
      for (let j = run; j < i; j++) {
        hasher.hash(ids[j], true);
        hh[ids[j]] = hasher.rh;
        hl[ids[j]] = hasher.rl;
      }
      sortRunByHash(ids, run, i, hh, hl);
    }
    run = i;
  }
  // does the first of ours come first among all ids, inert ones included?
  const first = ids[0];
  const firstRank = rank[first];
  const firstS = sortNameOff(v, first);
  const firstO = v.nameOff(first);
  hasher.hash(first, true);
  const fh = hasher.rh;
  const fl = hasher.rl;
  let firstIsFirst = true;
  for (let id = 0; id < n && firstIsFirst; id++) {
    if (!isInertRoot(v, id)) continue;
    const r = typeRank(v, id, false);
    if (r !== firstRank) {
      if (r < firstRank) firstIsFirst = false;
      continue;
    }
    let c = strcmpAt(v.s, sortNameOff(v, id), firstS);
    if (c === 0) c = strcmpAt(v.s, v.nameOff(id), firstO);
    if (c === 0) {
      hasher.hash(id, true);
      c = hasher.rh - fh || hasher.rl - fl || id - first;
    }
    if (c < 0) firstIsFirst = false;
  }
  return Array.from(firstIsFirst ? ids.subarray(1) : ids);
}

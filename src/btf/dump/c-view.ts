// A flat, read-only copy of a BTF object and its bases, for the C dumper's tight loops.

import { BtfError } from '../../common/errors.js';
import type { Btf } from '../model/btf.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO,
  BTF_KIND_PTR, BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION,
  BTF_KIND_VAR, BTF_KIND_VOLATILE,
} from '../wire/kinds.js';

/** Words of the record standing in for void (id 0): all zero, long enough for any field read. */
const VOID_WORDS = 8;

/**
 * All types of a BTF object and its bases in one word array, indexed by id (0 is void).
 * Field readers use libbpf's masks (5-bit kind, 16-bit vlen) so the dumper sees what libbpf sees.
 */
export class FlatBtf {
  /** One past the highest type id. */
  readonly n: number;
  /** Type records, base types first; `w[o[id]]` is the name offset of `id`. */
  readonly w: Uint32Array;
  /** Word index of each type's record; `o[0]` is an all-zero record. */
  readonly o: Uint32Array;
  /** All string bytes, base first, indexed by logical string offset. */
  readonly s: Uint8Array;
  /** `s` as one latin1 string; names are slices of it. */
  private readonly text: string;
  /** Open-addressing table of interned strings: offset + 1 (0: empty) and its string id. */
  private tabOff = new Int32Array(1 << 12);
  private tabId = new Int32Array(1 << 12);
  private interned = 0;

  constructor(btf: Btf) {
    const chain: Btf[] = [];
    for (let b: Btf | null = btf; b; b = b.base) chain.unshift(b);
    let total = VOID_WORDS;
    for (const b of chain) total += b.wordLen;
    this.s = new Uint8Array(btf.strEnd);
    for (const b of chain) this.s.set(b.strs.subarray(0, b.strLen), b.startStrOff);
    this.text = Buffer.from(this.s.buffer, this.s.byteOffset, this.s.byteLength).toString('latin1');
    this.n = btf.typeCount;
    this.w = new Uint32Array(total);
    this.o = new Uint32Array(this.n + 1);
    let p = VOID_WORDS;
    for (const b of chain) {
      this.w.set(b.words.subarray(0, b.wordLen), p);
      for (let i = 0; i < b.count; i++) this.o[b.startId + i] = p + b.offs[i];
      p += b.wordLen;
    }
    this.o[this.n] = p;
    this.checkRefs();
  }

  /** Every type id a record refers to must exist (libbpf refuses such BTF at load time). */
  private checkRefs(): void {
    const { n, w, o } = this;
    const bad = (id: number, ref: number): never => {
      throw new BtfError(`type [${id}] refers to type id ${ref}, beyond the last type ${n - 1}`, { typeId: id });
    };
    for (let id = 1; id < n; id++) {
      const at = o[id];
      const k = this.kind(id);
      const vlen = this.vlen(id);
      switch (k) {
        case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
        case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG: case BTF_KIND_FUNC_PROTO:
          if (w[at + 2] >= n) bad(id, w[at + 2]);
          break;
        case BTF_KIND_ARRAY:
          if (w[at + 3] >= n) bad(id, w[at + 3]);
          if (w[at + 4] >= n) bad(id, w[at + 4]);
          break;
        default:
          break;
      }
      if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) {
        for (let i = 0; i < vlen; i++) if (w[at + 4 + i * 3] >= n) bad(id, w[at + 4 + i * 3]);
      } else if (k === BTF_KIND_FUNC_PROTO) {
        for (let i = 0; i < vlen; i++) if (w[at + 4 + i * 2] >= n) bad(id, w[at + 4 + i * 2]);
      } else if (k === BTF_KIND_DATASEC) {
        for (let i = 0; i < vlen; i++) if (w[at + 3 + i * 3] >= n) bad(id, w[at + 3 + i * 3]);
      }
    }
  }

  /** BTF kind of `id` (0 for void). */
  kind(id: number): number {
    return (this.w[this.o[id] + 1] >>> 24) & 0x1f;
  }
  /** Member/param/value count of `id`. */
  vlen(id: number): number {
    return this.w[this.o[id] + 1] & 0xffff;
  }
  /** The kind_flag bit of `id`. */
  kflag(id: number): boolean {
    return this.w[this.o[id] + 1] >>> 31 === 1;
  }
  /** Name offset of `id`. */
  nameOff(id: number): number {
    return this.w[this.o[id]];
  }
  /** The size/type word of `id`. */
  sizeType(id: number): number {
    return this.w[this.o[id] + 2];
  }
  /** Word `i` after the 3-word header of `id`. */
  extra(id: number, i: number): number {
    return this.w[this.o[id] + 3 + i];
  }
  /** The string at a logical offset ("" for 0). */
  str(off: number): string {
    if (off === 0) return '';
    if (off >= this.s.length) throw new BtfError(`string offset ${off} out of range`);
    let e = this.s.indexOf(0, off);
    if (e < 0) e = this.s.length;
    return this.text.slice(off, e);
  }
  /**
   * A dense id for the string at `off`: offsets holding equal strings get the same id, so ids can
   * key name counts without building JS strings.
   */
  strId(off: number): number {
    const S = this.s;
    if (off >= S.length) this.str(off); // throws: out of range
    let h = 0x811c9dc5;
    for (let i = off; i < S.length && S[i] !== 0; i++) h = Math.imul(h ^ S[i], 0x01000193);
    let mask = this.tabOff.length - 1;
    let slot = h & mask;
    for (;;) {
      const o = this.tabOff[slot];
      if (o === 0) break;
      if (sameStr(S, o - 1, off)) return this.tabId[slot];
      slot = (slot + 1) & mask;
    }
    const id = this.interned++;
    this.tabOff[slot] = off + 1;
    this.tabId[slot] = id;
    if (this.interned * 2 > this.tabOff.length) {
      const oldOff = this.tabOff;
      const oldId = this.tabId;
      this.tabOff = new Int32Array(oldOff.length * 2);
      this.tabId = new Int32Array(oldOff.length * 2);
      mask = this.tabOff.length - 1;
      for (let i = 0; i < oldOff.length; i++) {
        if (oldOff[i] === 0) continue;
        let g = 0x811c9dc5;
        for (let j = oldOff[i] - 1; j < S.length && S[j] !== 0; j++) g = Math.imul(g ^ S[j], 0x01000193);
        let t = g & mask;
        while (this.tabOff[t] !== 0) t = (t + 1) & mask;
        this.tabOff[t] = oldOff[i];
        this.tabId[t] = oldId[i];
      }
    }
    return id;
  }

  /** Name of `id` as stored (not disambiguated). */
  name(id: number): string {
    return this.str(this.w[this.o[id]]);
  }
}

/** Whether the NUL-terminated strings at x and y in S are equal. */
function sameStr(S: Uint8Array, x: number, y: number): boolean {
  if (x === y) return true;
  for (;;) {
    const c = x < S.length ? S[x] : 0;
    const d = y < S.length ? S[y] : 0;
    if (c !== d) return false;
    if (c === 0) return true;
    x++;
    y++;
  }
}

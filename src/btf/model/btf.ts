// The flat in-memory BTF store: one Uint32Array of type records in host order, plus strings.

import { BtfError } from '../../common/errors.js';
import {
  BTF_HDR_LEN_V1, extraWords, infoKflag, infoKind, infoVlen, makeInfo,
} from '../wire/kinds.js';

import { ByteStringSet } from './strset.js';

const latin1 = new TextDecoder('latin1');
/** Extra words of a record that has none. */
const NO_WORDS = new Uint32Array(0);

/** Scratch bytes for latin1-encoding names (each char code is one byte, as the decoder maps them). */
let scratch = new Uint8Array(256);

/** Encode `s` as latin1 into `scratch`; returns the byte length. */
function latin1Bytes(s: string): number {
  const n = s.length;
  if (n > scratch.length) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  for (let i = 0; i < n; i++) scratch[i] = s.charCodeAt(i);
  return n;
}

/**
 * One BTF object: either a base BTF (ids from 1) or a split BTF over `base` (ids from
 * `base.typeCount`). Type records live in `words`, host order, each a whole number of u32
 * words; `offs[i]` is the word index of own type `startId + i`, `offs[count]` the end.
 * Strings are the raw string section bytes; offsets are logical (a split BTF's own string 0 is
 * at `startStrOff`). Types can be appended; existing records are edited in place.
 */
export class Btf {
  readonly base: Btf | null;
  /** Id of the first own type: 1 for base BTF, the base's typeCount for split BTF. */
  readonly startId: number;
  /** Logical string offset of own string byte 0. */
  readonly startStrOff: number;
  /** Byte order of the input this came from (and of what it serializes to). */
  le: boolean;
  /** Header length to write: 24 (classic) or 32 (with layout_off/layout_len). */
  hdrLen: number;
  /** Raw layout section (4 bytes per kind), or null. Kept in host order for flags. */
  layout: Uint8Array | null;

  words: Uint32Array;
  wordLen: number;
  offs: Uint32Array;
  count: number;

  strs: Uint8Array;
  strLen: number;
  /** Index of the own strings (first occurrence wins), built on first lookup and kept as strings are added. */
  private ownStrs: ByteStringSet | null = null;
  /**
   * True when every own string is known to be unique (BTF built from scratch, or the output of
   * dedup). Dedup then keeps the string section as it is, as libbpf does; BTF parsed with
   * strings gets its strings deduplicated and reordered by first use.
   */
  stringsDeduped: boolean;
  /** The extra word of `add1`. */
  private readonly one = new Uint32Array(1);

  constructor(opts: {
    base?: Btf | null; le?: boolean; hdrLen?: number; layout?: Uint8Array | null;
    words?: Uint32Array; wordLen?: number; offs?: Uint32Array; count?: number;
    strs?: Uint8Array; strLen?: number;
  } = {}) {
    this.base = opts.base ?? null;
    this.startId = this.base ? this.base.typeCount : 1;
    this.startStrOff = this.base ? this.base.startStrOff + this.base.strLen : 0;
    this.le = opts.le ?? (this.base ? this.base.le : true);
    this.hdrLen = opts.hdrLen ?? BTF_HDR_LEN_V1;
    this.layout = opts.layout ?? null;
    this.words = opts.words ?? new Uint32Array(64);
    this.wordLen = opts.wordLen ?? 0;
    this.count = opts.count ?? 0;
    this.offs = opts.offs ?? new Uint32Array(16);
    if (opts.strs) {
      this.strs = opts.strs;
      this.strLen = opts.strLen ?? opts.strs.length;
    } else if (this.base) {
      this.strs = new Uint8Array(64);
      this.strLen = 0;
    } else {
      this.strs = new Uint8Array(64);
      this.strLen = 1; // a base string section starts with the empty string
    }
    this.stringsDeduped = this.strLen === 0 || (!this.base && this.strLen === 1);
  }

  /** One past the highest id, counting void: base.typeCount + own types. */
  get typeCount(): number {
    return this.startId + this.count;
  }

  /** Total logical string length (base strings included). */
  get strEnd(): number {
    return this.startStrOff + this.strLen;
  }

  /** The BTF object that holds `id`. */
  owner(id: number): Btf {
    let b: Btf = this;
    while (id < b.startId && b.base) b = b.base;
    return b;
  }

  /** Word index of type `id` inside its owner's `words` (id must be own, not void). */
  wordOff(id: number): number {
    return this.offs[id - this.startId];
  }

  private bad(id: number): never {
    throw new BtfError(`type id ${id} out of range (1..${this.typeCount - 1})`, { typeId: id });
  }

  /** Word `w` of type `id`'s record (0 name_off, 1 info, 2 size/type, 3.. extra). */
  word(id: number, w: number): number {
    if (id >= this.startId) {
      if (id >= this.typeCount) this.bad(id);
      return this.words[this.offs[id - this.startId] + w];
    }
    if (id <= 0 || !this.base) return id === 0 && w < 3 ? 0 : this.bad(id);
    return this.base.word(id, w);
  }

  info(id: number): number {
    return this.word(id, 1);
  }
  kind(id: number): number {
    return infoKind(this.word(id, 1));
  }
  vlen(id: number): number {
    return infoVlen(this.word(id, 1));
  }
  kflag(id: number): boolean {
    return infoKflag(this.word(id, 1));
  }
  nameOff(id: number): number {
    return this.word(id, 0);
  }
  /** The size/type union: size for INT, STRUCT, ...; referenced type id for PTR, TYPEDEF, .... */
  sizeType(id: number): number {
    return this.word(id, 2);
  }
  /** Word `i` after the 3-word header of type `id` (members, params, ...). */
  extra(id: number, i: number): number {
    return this.word(id, 3 + i);
  }
  /** The words array and the index of the first word of type `id`, for tight loops. */
  record(id: number): { words: Uint32Array; off: number; len: number } {
    if (id <= 0 || id >= this.typeCount) this.bad(id);
    const b = id >= this.startId ? this : this.owner(id);
    const idx = id - b.startId;
    const o = b.offs[idx];
    return { words: b.words, off: o, len: b.offs[idx + 1] - o };
  }

  name(id: number): string {
    return this.str(this.nameOff(id));
  }

  /** Whether a logical string offset points at a valid string start. */
  hasStr(off: number): boolean {
    if (off < this.startStrOff) return this.base ? this.base.hasStr(off) : false;
    return off - this.startStrOff < this.strLen;
  }

  /** The string at a logical offset (latin1, so bytes round-trip). */
  str(off: number): string {
    if (off < this.startStrOff) {
      if (!this.base) throw new BtfError(`string offset ${off} out of range`);
      return this.base.str(off);
    }
    const local = off - this.startStrOff;
    if (local >= this.strLen) throw new BtfError(`string offset ${off} out of range`);
    let end = this.strs.indexOf(0, local);
    if (end < 0 || end >= this.strLen) end = this.strLen;
    return latin1.decode(this.strs.subarray(local, end));
  }

  /** Raw bytes of the string at a logical offset, without the NUL. */
  strBytes(off: number): Uint8Array {
    if (off < this.startStrOff) {
      if (!this.base) throw new BtfError(`string offset ${off} out of range`);
      return this.base.strBytes(off);
    }
    const local = off - this.startStrOff;
    let end = this.strs.indexOf(0, local);
    if (end < 0 || end >= this.strLen) end = this.strLen;
    return this.strs.subarray(local, end);
  }

  /**
   * Logical offset of the string `src[start..end)` in this object or a base (the base first, as
   * libbpf looks up split BTF strings), or -1. Compares bytes; the index is built once.
   */
  findStrBytes(src: Uint8Array, start: number, end: number): number {
    const b = this.inBase(src, start, end);
    if (b >= 0) return b;
    const local = this.ownStrings().find(src, start, end);
    return local < 0 ? -1 : local + this.startStrOff;
  }

  /** Find an existing string (own or in a base) without adding it; -1 when absent. */
  findStr(s: string): number {
    const n = latin1Bytes(s);
    return this.findStrBytes(scratch, 0, n);
  }

  /**
   * Logical offset of `s`, adding it to the own string section when neither this object nor a
   * base has it (as libbpf's btf__add_str does for split BTF).
   */
  addStr(s: string): number {
    const n = latin1Bytes(s);
    return this.addStrBytes(scratch, 0, n);
  }

  /** `addStr` for the bytes `src[start..end)` (no NUL among them). */
  addStrBytes(src: Uint8Array, start: number, end: number): number {
    const b = this.inBase(src, start, end);
    if (b >= 0) return b;
    const set = this.ownStrings();
    const local = set.add(src, start, end);
    this.strs = set.data;
    this.strLen = set.len;
    return local + this.startStrOff;
  }

  /** Offset of the bytes in a base (or 0, the empty string, when this is a base), else -1. */
  private inBase(src: Uint8Array, start: number, end: number): number {
    if (this.base) return this.base.findStrBytes(src, start, end);
    return start === end ? 0 : -1;
  }

  /** The index of the own strings, built now if it was not (see ByteStringSet.fromSection). */
  stringIndex(): ByteStringSet {
    return this.ownStrings();
  }

  /**
   * Use `set` as the index of the own strings (one saved from stringIndex() of the same strings);
   * ignored unless it indexes exactly this object's string section.
   */
  adoptStringIndex(set: ByteStringSet): boolean {
    if (set.data !== this.strs || set.len !== this.strLen) return false;
    this.ownStrs = set;
    return true;
  }

  private ownStrings(): ByteStringSet {
    let set = this.ownStrs;
    // Rebuilt if the section was replaced behind the index's back.
    if (set === null || set.data !== this.strs || set.len !== this.strLen) {
      set = ByteStringSet.fromSection(this.strs, this.strLen);
      this.ownStrs = set;
    }
    return set;
  }

  private ensureWords(n: number): void {
    if (this.wordLen + n > this.words.length) this.words = resized(this.words, this.wordLen, grownCapacity(this.words.length, this.wordLen + n, 64));
    if (this.count + 2 > this.offs.length) this.offs = resized(this.offs, this.count + 1, grownCapacity(this.offs.length, this.count + 2, 16));
  }

  /**
   * Make room for `words` more record words and `records` more records at once, without slack
   * (before appending parts whose sizes are known: merging chunks of a large encoding).
   */
  reserve(words: number, records: number): void {
    if (this.wordLen + words > this.words.length) this.words = resized(this.words, this.wordLen, this.wordLen + words);
    if (this.count + records + 1 > this.offs.length) this.offs = resized(this.offs, this.count + 1, this.count + records + 1);
  }

  /**
   * Append a type record (header words then extra words) and return its id.
   * The record length must match the kind (checked for known kinds).
   */
  addRecord(rec: ArrayLike<number>): number {
    if (rec.length < 3) throw new BtfError('type record shorter than 3 words');
    const kind = infoKind(rec[1]);
    const extra = extraWords(kind, infoVlen(rec[1]));
    if (extra >= 0 && rec.length !== 3 + extra) {
      throw new BtfError(`type record of kind ${kind} has ${rec.length} words, expected ${3 + extra}`);
    }
    this.ensureWords(rec.length);
    this.words.set(rec as ArrayLike<number>, this.wordLen);
    this.offs[this.count] = this.wordLen;
    this.wordLen += rec.length;
    this.count++;
    this.offs[this.count] = this.wordLen;
    return this.typeCount - 1;
  }

  /** Append a type with the given header fields and extra words (the first `n` of `extra`). */
  add(kind: number, nameOff: number, vlen: number, kflag: boolean, sizeType: number, extra: ArrayLike<number> = NO_WORDS, n = extra.length): number {
    // One element type in the copy loop below: a loop that sees JS arrays of small integers, of
    // doubles (words of 2^31 and up) and typed arrays is deoptimized each time a new one comes.
    const w = extra instanceof Uint32Array ? extra : Uint32Array.from(extra);
    return this.addWords(kind, nameOff, vlen, kflag, sizeType, w, n);
  }

  /** `add` with one extra word (INT, VAR, DECL_TAG), without an array. */
  add1(kind: number, nameOff: number, vlen: number, kflag: boolean, sizeType: number, w0: number): number {
    const one = this.one;
    one[0] = w0;
    return this.addWords(kind, nameOff, vlen, kflag, sizeType, one, 1);
  }

  /** `add` with the extra words in `extra[0..n)`. */
  addWords(kind: number, nameOff: number, vlen: number, kflag: boolean, sizeType: number, extra: Uint32Array, n: number): number {
    const expect = extraWords(kind, vlen);
    if (expect >= 0 && n !== expect) throw new BtfError(`type record of kind ${kind} has ${3 + n} words, expected ${3 + expect}`);
    this.ensureWords(3 + n);
    const w = this.words;
    let p = this.wordLen;
    w[p] = nameOff;
    w[p + 1] = makeInfo(kind, vlen, kflag);
    w[p + 2] = sizeType >>> 0;
    for (let i = 0; i < n; i++) w[p + 3 + i] = extra[i];
    this.offs[this.count] = p;
    p += 3 + n;
    this.wordLen = p;
    this.count++;
    this.offs[this.count] = p;
    return this.typeCount - 1;
  }

  /**
   * Append `count` records given as words plus offsets (offs[count] = end), in one copy; returns
   * the word index where they start in `words`. Callers fix up ids and strings in place.
   */
  appendRecords(words: Uint32Array, offs: Uint32Array, count: number): number {
    const len = offs[count] - offs[0];
    if (this.wordLen + len > this.words.length) this.words = resized(this.words, this.wordLen, grownCapacity(this.words.length, this.wordLen + len, 64));
    if (this.count + count + 1 > this.offs.length) this.offs = resized(this.offs, this.count + 1, grownCapacity(this.offs.length, this.count + count + 1, 16));
    const at = this.wordLen;
    this.words.set(words.subarray(offs[0], offs[count]), at);
    const shift = at - offs[0];
    for (let i = 0; i < count; i++) this.offs[this.count + i] = offs[i] + shift;
    this.count += count;
    this.wordLen = at + len;
    this.offs[this.count] = this.wordLen;
    return at;
  }

  /** Own type records as a compact array (a view when no slack). */
  typeWords(): Uint32Array {
    return this.words.subarray(0, this.wordLen);
  }

  /** Own string bytes. */
  stringBytes(): Uint8Array {
    return this.strs.subarray(0, this.strLen);
  }
}

/**
 * Capacity for a growing array that must hold `need` elements: doubling while small, then half
 * again (a vmlinux's raw records run to hundreds of MB, where doubling leaves up to half unused
 * and needs three times the old size while it copies).
 */
function grownCapacity(cap: number, need: number, min: number): number {
  let c = Math.max(min, cap);
  while (c < need) c = c < LARGE_ARRAY ? c * 2 : c + (c >>> 1);
  return c;
}

/** Elements (4 MB of words) from which arrays grow by half instead of doubling. */
const LARGE_ARRAY = 1 << 20;

/** A new array of `cap` elements starting with `a[0..keep)`. */
function resized(a: Uint32Array, keep: number, cap: number): Uint32Array {
  const r = new Uint32Array(cap);
  r.set(a.subarray(0, keep));
  return r;
}

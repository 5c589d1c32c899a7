// Interning DWARF strings by content: a StrRef (section, offset) maps to a dense id shared by every copy of the same bytes.

import { DwarfError } from '../common/errors.js';
import { grownInt32 } from '../common/typed-arrays.js';
import { latin1 } from './bytes.js';

/*
 * Why by content: a vmlinux's .debug_str is merged, but kernel modules linked with `ld -r` keep
 * one copy of each string per compilation unit (i915.ko: 2.4 million distinct offsets for 35
 * thousand distinct names), so caching decoded strings by offset would decode and keep almost
 * every string. Here the bytes are hashed while looking for the NUL, and an open-addressing table
 * of (hash, id) finds the existing id. Each distinct content is copied once into a compact pool, so
 * confirming a match compares against bytes that stay in cache rather than against a first
 * occurrence megabytes away; only a new content is decoded, once. In front
 * of it, a string section of at most 8 MiB (a merged vmlinux .debug_str is under 5 MiB) gets an
 * array from offset to id when its strings are merged (StringTableOptions.offsetIndex), and other
 * offsets a small direct-mapped cache, so a repeated lookup of the same offset costs one probe.
 */

const SECTION_NAMES = ['.debug_info', '.debug_str', '.debug_line_str'];
const RECENT_BITS = 12;
/** String sections up to this size get an offset → id array (4 bytes per section byte). */
const DIRECT_LIMIT = 8 << 20;
/** The top bit of each byte of a word (for the has-a-zero-byte test). */
const HIGH_BITS = 0x80808080 | 0;

/** Options of a StringTable. */
export interface StringTableOptions {
  /**
   * Give each string section of at most DIRECT_LIMIT bytes an array from offset to id (4 bytes per
   * section byte; default true). It pays where the same offsets are looked up again and again, as
   * in a merged .debug_str that every unit's names point into (the 6.12 vmlinux: 0.2 s of a 4.7 s
   * encode without it). Where each unit keeps its own copies of its names (a module linked with
   * `ld -r`), an offset is seldom looked up twice, and the array's pages, each first read then
   * written at random, cost more than they save: without it ext4.ko encoded in 407 instead of
   * 430 ms, nf_conntrack.ko in 342 instead of 374 ms, btrfs.ko in 534 instead of 590 ms.
   */
  offsetIndex?: boolean;
}

/** Distinct strings of one DwarfFile, addressed by StrRef or by dense id. */
export class StringTable {
  private readonly sections: (Uint8Array | null)[];
  private readonly fileName: string | undefined;
  /** Open-addressing slots of two words: the content hash and id + 1 (0 = empty). */
  private slots: Int32Array;
  private mask: number;
  /** Per id: start of its bytes in `pool`. */
  private starts: Int32Array;
  /** Per id: byte length. */
  private lens: Int32Array;
  /** The distinct strings' bytes, back to back. */
  private pool: Uint8Array;
  private poolLen = 0;
  /** Decoded strings by id, filled on request. */
  private readonly strs = new Map<number, string>();
  private n = 0;
  private readonly recentKey = new Float64Array(1 << RECENT_BITS).fill(-1);
  private readonly recentId = new Int32Array(1 << RECENT_BITS);
  /** Per section: offset → id + 1 (0 = not seen), for small sections; null otherwise (undefined until first use). */
  private readonly direct: (Int32Array | null | undefined)[] = [undefined, undefined, undefined];
  /** Per section: a DataView for reading four bytes at a time (null when absent). */
  private readonly views: (DataView | null)[];
  /** Per section: the section offset of its bytes' first one (see useSection). */
  private readonly bases = [0, 0, 0];
  private poolView: DataView;
  /** Whether string sections up to DIRECT_LIMIT get an offset → id array (see StringTableOptions). */
  private readonly offsetIndex: boolean;

  /** `sections[id]` are the bytes of .debug_info, .debug_str and .debug_line_str (null when absent). */
  constructor(sections: (Uint8Array | null)[], fileName?: string, opts: StringTableOptions = {}) {
    this.sections = sections;
    this.fileName = fileName;
    this.offsetIndex = opts.offsetIndex ?? true;
    this.views = sections.map((d) => (d ? new DataView(d.buffer, d.byteOffset, d.byteLength) : null));
    // Start with room for what string sections of this size tend to hold (a module's .debug_str
    // keeps a copy of each name per unit: i915.ko's 30 MB hold 34 thousand distinct strings), so
    // that growing, which the first time throws lookup's optimized code away, stays rare.
    let size = 0;
    for (let i = 1; i < sections.length; i++) size += sections[i]?.length ?? 0;
    let slots = 1 << 12;
    while (slots < 1 << 17 && slots * 128 < size) slots *= 2;
    this.slots = new Int32Array(2 * slots);
    this.mask = slots - 1;
    this.starts = new Int32Array(slots >> 1);
    this.lens = new Int32Array(slots >> 1);
    this.pool = new Uint8Array(Math.min(Math.max(size >>> 5, 1 << 16), 1 << 21));
    this.poolView = new DataView(this.pool.buffer);
  }

  /**
   * Read section `sec` from `bytes`, which hold its bytes from section offset `base` on, from now
   * on (a unit of a streamed .debug_info). The bytes at any offset must be those the section
   * always had there: ids found so far stay valid.
   */
  useSection(sec: number, bytes: Uint8Array, base: number): void {
    if (this.sections[sec] === bytes && this.bases[sec] === base) return;
    this.sections[sec] = bytes;
    this.bases[sec] = base;
    this.views[sec] = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Number of distinct strings seen so far. */
  get count(): number {
    return this.n;
  }

  /**
   * The id of the string at `offset` of section `sec` (0 .debug_info, 1 .debug_str, 2 .debug_line_str):
   * equal bytes get equal ids, in first-seen order from 0.
   * @throws DwarfError when the offset is outside the section or the string is unterminated.
   */
  idOf(sec: number, offset: number): number {
    let direct = this.direct[sec];
    if (direct === undefined) direct = this.makeDirect(sec);
    if (direct !== null) {
      const v = direct[offset];
      if (v > 0) return v - 1;
      const id = this.lookup(sec, offset);
      direct[offset] = id + 1;
      return id;
    }
    const key = offset * 4 + sec;
    const r = Math.imul(key | 0, 0x9e3779b1) >>> (32 - RECENT_BITS);
    if (this.recentKey[r] === key) return this.recentId[r];
    const id = this.lookup(sec, offset);
    this.recentKey[r] = key;
    this.recentId[r] = id;
    return id;
  }

  /**
   * Drop the offset → id arrays (see `idOf`); they are made again, empty, on the next lookup. The
   * ids of strings seen so far stay as they are: a lookup finds them by content.
   */
  releaseIndex(): void {
    this.direct.fill(undefined);
  }

  private makeDirect(sec: number): Int32Array | null {
    const data = this.sections[sec];
    const d = this.offsetIndex && sec !== 0 && data !== null && data !== undefined && data.length <= DIRECT_LIMIT ? new Int32Array(data.length) : null;
    this.direct[sec] = d;
    return d;
  }

  /** The id of the string at `offset` of section `sec`, by content (the slow path of idOf). */
  private lookup(sec: number, offset: number): number {
    const data = this.sections[sec];
    if (data === null || data === undefined) {
      throw new DwarfError(`string reference into missing section ${SECTION_NAMES[sec] ?? `#${sec}`}`, { file: this.fileName, section: SECTION_NAMES[sec] });
    }
    const n = data.length;
    // Where the string starts in `data`, which may begin past the section's start (useSection).
    const at = offset - this.bases[sec];
    if (!(at >= 0 && at < n)) {
      throw new DwarfError(`string offset 0x${offset.toString(16)} is outside ${SECTION_NAMES[sec]} (0x${n.toString(16)} bytes)`, { file: this.fileName, section: SECTION_NAMES[sec], offset });
    }
    // Four bytes at a time up to the word that holds the NUL, then byte by byte; the hash depends
    // only on the content (words are taken from the string's start), mixed once at the end.
    const dv = this.views[sec]!;
    let h = 0x811c9dc5 | 0;
    let e = at;
    while (e + 4 <= n) {
      const v = dv.getInt32(e, true);
      if ((((v - 0x01010101) | 0) & ~v & HIGH_BITS) !== 0) break;
      h = Math.imul(h ^ v, 0x01000193);
      e += 4;
    }
    while (e < n) {
      const c = data[e];
      if (c === 0) break;
      h = Math.imul(h ^ c, 0x01000193);
      e++;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    if (e >= n) throw new DwarfError('unterminated string', { file: this.fileName, section: SECTION_NAMES[sec], offset });
    const len = e - at;
    const slots = this.slots;
    const mask = this.mask;
    let s = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const v = slots[2 * s + 1];
      if (v === 0) break;
      if (slots[2 * s] === h) {
        const id = v - 1;
        if (this.lens[id] === len && this.same(id, dv, data, at, len)) return id;
      }
      s = (s + 1) & mask;
    }
    const id = this.add(data, at, len);
    slots[2 * s] = h;
    slots[2 * s + 1] = id + 1;
    if (this.n * 2 > mask) this.grow();
    return id;
  }

  /** The string with id `id`, decoded as latin1 on first request. */
  string(id: number): string {
    let s = this.strs.get(id);
    if (s === undefined) {
      const off = this.starts[id];
      s = latin1(this.pool, off, off + this.lens[id]);
      this.strs.set(id, s);
    }
    return s;
  }

  /** The bytes of the string with id `id` (a copy private to this table, without the NUL). */
  bytes(id: number): Uint8Array {
    const off = this.starts[id];
    return this.pool.subarray(off, off + this.lens[id]);
  }

  /** Byte length of the string with id `id`. */
  byteLength(id: number): number {
    return this.lens[id];
  }

  private same(id: number, dv: DataView, data: Uint8Array, offset: number, len: number): boolean {
    const pool = this.pool;
    const pv = this.poolView;
    const o = this.starts[id];
    let i = 0;
    for (; i + 4 <= len; i += 4) if (pv.getInt32(o + i, true) !== dv.getInt32(offset + i, true)) return false;
    for (; i < len; i++) if (pool[o + i] !== data[offset + i]) return false;
    return true;
  }

  private add(data: Uint8Array, offset: number, len: number): number {
    const id = this.n++;
    if (id === this.starts.length) {
      this.starts = grownInt32(this.starts, id + 1);
      this.lens = grownInt32(this.lens, id + 1);
    }
    const at = this.poolLen;
    if (at + len > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, at + len));
      pool.set(this.pool.subarray(0, at));
      this.pool = pool;
      this.poolView = new DataView(pool.buffer);
    }
    const pool = this.pool;
    for (let i = 0; i < len; i++) pool[at + i] = data[offset + i];
    this.poolLen = at + len;
    this.starts[id] = at;
    this.lens[id] = len;
    return id;
  }

  private grow(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    const mask = size - 1;
    const slots = new Int32Array(2 * size);
    for (let i = 0; i < old.length; i += 2) {
      const v = old[i + 1];
      if (v === 0) continue;
      const h = old[i];
      let s = (h ^ (h >>> 15)) & mask;
      while (slots[2 * s + 1] !== 0) s = (s + 1) & mask;
      slots[2 * s] = h;
      slots[2 * s + 1] = v;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

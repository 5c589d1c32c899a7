// A set of NUL-terminated byte strings with offsets, hashed and compared as bytes (no decoding).

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

/** The hash index of a ByteStringSet: open addressing, string offsets (-1: empty) and their hashes. */
export interface StringIndexState {
  slots: Int32Array;
  hashes: Uint32Array;
  used: number;
}

/**
 * String section builder and index: `data[0..len)` holds the strings, each followed by NUL.
 * Lookups hash the bytes of the probe and compare bytes, so names are never turned into JS
 * strings on hot paths.
 */
export class ByteStringSet {
  data: Uint8Array;
  len: number;
  private slots: Int32Array;
  private hashes: Uint32Array;
  private used = 0;

  constructor(capacityBytes = 256) {
    this.data = new Uint8Array(Math.max(16, capacityBytes));
    this.len = 0;
    this.slots = new Int32Array(64).fill(-1);
    this.hashes = new Uint32Array(64);
  }

  /** Index an existing string section (first occurrence of a string wins); shares `strs`. */
  static fromSection(strs: Uint8Array, len: number): ByteStringSet {
    const s = new ByteStringSet(0);
    s.data = strs;
    s.len = len;
    // Sized for every string up front, so the table never grows while indexing.
    let count = 0;
    for (let i = 0; i < len; i++) if (strs[i] === 0) count++;
    let cap = 64;
    while (cap < count * 2 + 2) cap *= 2;
    s.slots = new Int32Array(cap).fill(-1);
    s.hashes = new Uint32Array(cap);
    let start = 0;
    for (let i = 0; i < len; i++) {
      if (strs[i] === 0) {
        const h = hashBytes(strs, start, i);
        if (s.findHashed(h, strs, start, i) < 0) s.insertSlot(h, start);
        start = i + 1;
      }
    }
    return s;
  }

  /** The hash index (for saving it; see withIndex). */
  indexState(): StringIndexState {
    return { slots: this.slots, hashes: this.hashes, used: this.used };
  }

  /**
   * A set over an existing string section with an index saved from `fromSection` over the same
   * bytes (shares everything given). Returns null when the index cannot belong to `len` bytes of
   * strings (sizes, or a slot pointing past them), so a damaged index is never used.
   */
  static withIndex(strs: Uint8Array, len: number, st: StringIndexState): ByteStringSet | null {
    const cap = st.slots.length;
    if (cap < 64 || (cap & (cap - 1)) !== 0 || st.hashes.length !== cap || st.used < 0 || st.used * 2 > cap) return null;
    // Runs once per process over a vmlinux's ~256K slots, mostly before V8 optimizes it: the arrays
    // are held in locals rather than read from `st` on each turn.
    const slots = st.slots;
    let used = 0;
    for (let i = 0; i < cap; i++) {
      const o = slots[i];
      if (o < 0) continue;
      if (o >= len || (o > 0 && strs[o - 1] !== 0)) return null;
      used++;
    }
    if (used !== st.used) return null;
    const s = new ByteStringSet(0);
    s.data = strs;
    s.len = len;
    s.slots = st.slots;
    s.hashes = st.hashes;
    s.used = st.used;
    return s;
  }

  /** Offset of the string equal to `src[start..end)`, or -1. */
  find(src: Uint8Array, start: number, end: number): number {
    return this.findHashed(hashBytes(src, start, end), src, start, end);
  }

  private findHashed(h: number, src: Uint8Array, start: number, end: number): number {
    const mask = this.slots.length - 1;
    const n = end - start;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const o = this.slots[i];
      if (o < 0) return -1;
      if (this.hashes[i] !== h) continue;
      const d = this.data;
      if (o + n < this.len + 1 && d[o + n] === 0) {
        let k = 0;
        while (k < n && d[o + k] === src[start + k]) k++;
        if (k === n) return o;
      }
    }
  }

  /** Offset of `src[start..end)`, appending it when absent. */
  add(src: Uint8Array, start: number, end: number): number {
    const h = hashBytes(src, start, end);
    const found = this.findHashed(h, src, start, end);
    if (found >= 0) return found;
    const n = end - start;
    if (this.len + n + 1 > this.data.length) {
      let cap = this.data.length * 2;
      while (cap < this.len + n + 1) cap *= 2;
      const g = new Uint8Array(cap);
      g.set(this.data.subarray(0, this.len));
      this.data = g;
    }
    const o = this.len;
    this.data.set(src.subarray(start, end), o);
    this.data[o + n] = 0;
    this.len += n + 1;
    this.insertSlot(h, o);
    return o;
  }

  private insertSlot(h: number, off: number): void {
    if ((this.used + 1) * 2 > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] >= 0) i = (i + 1) & mask;
    this.slots[i] = off;
    this.hashes[i] = h;
    this.used++;
  }

  private grow(): void {
    const oldS = this.slots;
    const oldH = this.hashes;
    this.slots = new Int32Array(oldS.length * 2).fill(-1);
    this.hashes = new Uint32Array(oldS.length * 2);
    const mask = this.slots.length - 1;
    for (let j = 0; j < oldS.length; j++) {
      if (oldS[j] < 0) continue;
      let i = oldH[j] & mask;
      while (this.slots[i] >= 0) i = (i + 1) & mask;
      this.slots[i] = oldS[j];
      this.hashes[i] = oldH[j];
    }
  }
}

// A small byte builder for hand-made DWARF sections in tests (fixed-width integers, LEB128, strings, patched lengths).

/** Appends little- or big-endian values to a growing byte list. */
export class Bytes {
  readonly le: boolean;
  private readonly out: number[] = [];

  constructor(le = true) {
    this.le = le;
  }

  /** Current length, i.e. the offset of the next byte. */
  get pos(): number {
    return this.out.length;
  }

  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }

  /** Unsigned value of `size` bytes (1, 2, 3, 4 or 8; bigints allowed). */
  uN(v: number | bigint, size: number): this {
    let x = BigInt.asUintN(size * 8, BigInt(v));
    const bytes: number[] = [];
    for (let i = 0; i < size; i++) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
    }
    if (!this.le) bytes.reverse();
    this.out.push(...bytes);
    return this;
  }

  u16(v: number): this {
    return this.uN(v, 2);
  }

  u32(v: number): this {
    return this.uN(v, 4);
  }

  u64(v: number | bigint): this {
    return this.uN(v, 8);
  }

  uleb(v: number | bigint): this {
    let x = BigInt(v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.out.push(b);
    } while (x !== 0n);
    return this;
  }

  sleb(v: number | bigint): this {
    let x = BigInt(v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      const done = (x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0);
      this.out.push(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  /** A NUL-terminated latin1 string. */
  str(s: string): this {
    for (let i = 0; i < s.length; i++) this.out.push(s.charCodeAt(i) & 0xff);
    this.out.push(0);
    return this;
  }

  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]);
    return this;
  }

  /** Overwrite `size` bytes at `at` with `v`. */
  patch(at: number, v: number | bigint, size: number): this {
    const tmp = new Bytes(this.le).uN(v, size).finish();
    for (let i = 0; i < size; i++) this.out[at + i] = tmp[i];
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** One attribute specification: [DW_AT_*, DW_FORM_*] or [DW_AT_*, DW_FORM_implicit_const, value]. */
export type AttrSpec = [number, number] | [number, number, number | bigint];

/** Append one abbreviation declaration to `b`. */
export function abbrev(b: Bytes, code: number, tag: number, children: boolean, attrs: AttrSpec[]): Bytes {
  b.uleb(code).uleb(tag).u8(children ? 1 : 0);
  for (const a of attrs) {
    b.uleb(a[0]).uleb(a[1]);
    if (a.length === 3) b.sleb(a[2]);
  }
  return b.u8(0).u8(0);
}

/** Options for `unitHeader`. */
export interface UnitHeaderOptions {
  version?: number;
  unitType?: number;
  addrSize?: number;
  abbrevOffset?: number;
  offsetSize?: 4 | 8;
  /** Type units: signature and type offset (from the unit start). */
  signature?: bigint;
  typeOffset?: number;
  /** Skeleton/split units: DWO id. */
  dwoId?: bigint;
}

/**
 * Append a unit header and return a function that patches unit_length once the DIEs are written
 * (call it after the last byte of the unit).
 */
export function unitHeader(b: Bytes, o: UnitHeaderOptions = {}): () => void {
  const version = o.version ?? 5;
  const offsetSize = o.offsetSize ?? 4;
  const start = b.pos;
  if (offsetSize === 8) b.u32(0xffffffff).u64(0);
  else b.u32(0);
  const after = b.pos;
  b.u16(version);
  if (version >= 5) {
    b.u8(o.unitType ?? 1).u8(o.addrSize ?? 8).uN(o.abbrevOffset ?? 0, offsetSize);
    if (o.signature !== undefined) b.u64(o.signature).uN(o.typeOffset ?? 0, offsetSize);
    if (o.dwoId !== undefined) b.u64(o.dwoId);
  } else {
    b.uN(o.abbrevOffset ?? 0, offsetSize).u8(o.addrSize ?? 8);
  }
  return () => {
    const len = b.pos - after;
    if (offsetSize === 8) b.patch(start + 4, len, 8);
    else b.patch(start, len, 4);
  };
}

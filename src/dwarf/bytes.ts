// Unchecked little/big-endian integer and LEB128 reads over a Uint8Array; callers bound-check the result position.

/*
 * These helpers never throw. Reading past the end yields `undefined` bytes, which the LEB128 loops
 * treat as a terminator and the fixed-width reads turn into NaN, so a caller that checks
 * `!(end <= limit)` once per record catches every overrun (NaN and Infinity fail the test).
 * Multi-value results go through module-level scratch variables (`lebEnd`, `valHi`, `valLo`)
 * instead of allocated objects.
 */

/** 2^32. */
export const TWO32 = 4294967296;
/** Largest high word for which hi * 2^32 + lo is a safe integer. */
export const MAX_SAFE_HI = 0x1fffff;

/** Position just after the last LEB128 read. */
export let lebEnd = 0;
/** High 32 bits (unsigned) of the last 64-bit value read by uleb64/sleb64/readWord64. */
export let valHi = 0;
/** Low 32 bits (unsigned) of the last 64-bit value read by uleb64/sleb64/readWord64. */
export let valLo = 0;

/** Unsigned 16-bit value at `p`. */
export function u16(b: Uint8Array, p: number, le: boolean): number {
  return le ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1];
}

/** Unsigned 24-bit value at `p` (DW_FORM_strx3, DW_FORM_addrx3). */
export function u24(b: Uint8Array, p: number, le: boolean): number {
  return le ? b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) : (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
}

/** Unsigned 32-bit value at `p`. */
export function u32(b: Uint8Array, p: number, le: boolean): number {
  return le
    ? (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0
    : ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

/** Reads a 64-bit value at `p` into valHi/valLo and returns it as a number when safe, else Infinity. */
export function readWord64(b: Uint8Array, p: number, le: boolean): number {
  const lo = u32(b, p + (le ? 0 : 4), le);
  const hi = u32(b, p + (le ? 4 : 0), le);
  valHi = hi;
  valLo = lo;
  return hi <= MAX_SAFE_HI ? hi * TWO32 + lo : Infinity;
}

/** Reads an unsigned value of `size` (1, 2, 4 or 8) bytes into valHi/valLo; returns it as a number (Infinity when unsafe). */
export function readSized(b: Uint8Array, p: number, size: number, le: boolean): number {
  if (size === 8) return readWord64(b, p, le);
  valHi = 0;
  valLo = size === 4 ? u32(b, p, le) : size === 2 ? u16(b, p, le) : size === 1 ? b[p] : NaN;
  return valLo;
}

/** Offset-sized (4 or 8 byte) value at `p`, as a number (Infinity when it is 2^53 or more). */
export function readOffset(b: Uint8Array, p: number, offsetSize: number, le: boolean): number {
  return offsetSize === 4 ? u32(b, p, le) : readWord64(b, p, le);
}

/** Unsigned LEB128 at `p`; sets lebEnd. Values of 2^53 or more come back as Infinity. */
export function uleb(b: Uint8Array, p: number): number {
  let byte = b[p++];
  let v = byte & 0x7f;
  if ((byte & 0x80) === 0) {
    lebEnd = p;
    return v;
  }
  let shift = 7;
  let mul = 128;
  for (;;) {
    byte = b[p++];
    const bits = byte & 0x7f;
    if (shift < 28) v |= bits << shift;
    else if (bits !== 0) v += bits * mul;
    if ((byte & 0x80) === 0) break;
    shift += 7;
    mul *= 128;
  }
  lebEnd = p;
  return v > Number.MAX_SAFE_INTEGER ? Infinity : v;
}

/** Signed LEB128 at `p`; sets lebEnd. Values outside ±(2^53-1) come back as ±Infinity. */
export function sleb(b: Uint8Array, p: number): number {
  let v = 0;
  let mul = 1;
  let byte: number;
  do {
    byte = b[p++];
    v += (byte & 0x7f) * mul;
    mul *= 128;
  } while ((byte & 0x80) !== 0);
  lebEnd = p;
  if ((byte & 0x40) !== 0) v -= mul;
  if (v > Number.MAX_SAFE_INTEGER) return Infinity;
  if (v < -Number.MAX_SAFE_INTEGER) return -Infinity;
  return v;
}

/** Unsigned LEB128 at `p` truncated to 64 bits into valHi/valLo; sets lebEnd. */
export function uleb64(b: Uint8Array, p: number): void {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = b[p++];
    const bits = byte & 0x7f;
    if (shift < 32) {
      lo |= bits << shift;
      if (shift > 25) hi |= bits >>> (32 - shift);
    } else if (shift < 64) {
      hi |= bits << (shift - 32);
    }
    shift += 7;
  } while ((byte & 0x80) !== 0);
  lebEnd = p;
  valHi = hi >>> 0;
  valLo = lo >>> 0;
}

/** Signed LEB128 at `p` sign-extended/truncated to 64 bits into valHi/valLo (two's complement); sets lebEnd. */
export function sleb64(b: Uint8Array, p: number): void {
  uleb64(b, p);
  const end = lebEnd;
  const last = b[end - 1];
  const shift = 7 * (end - p);
  if ((last & 0x40) !== 0 && shift < 64) {
    if (shift < 32) {
      valLo = (valLo | (-1 << shift)) >>> 0;
      valHi = 0xffffffff;
    } else {
      valHi = (valHi | (-1 << (shift - 32))) >>> 0;
    }
  }
}

/** Sets valHi/valLo to (hi,lo) + (hi2,lo2) modulo 2^64. */
export function add64(hi: number, lo: number, hi2: number, lo2: number): void {
  const l = lo + lo2;
  const carry = l >= TWO32 ? 1 : 0;
  valLo = l >>> 0;
  valHi = (hi + hi2 + carry) >>> 0;
}

/** Sets valHi/valLo directly (used when a value is already split). */
export function setVal(hi: number, lo: number): void {
  valHi = hi >>> 0;
  valLo = lo >>> 0;
}

/** Splits a non-negative safe integer into valHi/valLo. */
export function splitNumber(v: number): void {
  valLo = v >>> 0;
  valHi = Math.floor(v / TWO32) >>> 0;
}

/** (hi,lo) as a bigint. */
export function toBig(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** (hi,lo) as a number when it is below 2^53, else Infinity. */
export function toNumber(hi: number, lo: number): number {
  return hi <= MAX_SAFE_HI ? hi * TWO32 + lo : Infinity;
}

/** Decodes bytes [start, end) as latin1 (each byte one UTF-16 unit), which round-trips any byte string. */
export function latin1(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 24) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
    return s;
  }
  return Buffer.from(b.buffer, b.byteOffset + start, n).toString('latin1');
}

// Bounds-checked little/big-endian reads over one DataView, raising ElfError instead of RangeError.

import { ElfError } from '../common/errors.js';

/** 2^32 as a number, for combining 32-bit halves. */
export const TWO32 = 4294967296;
/** Largest high word for which hi * 2^32 + lo is still a safe integer. */
export const MAX_SAFE_HI = 0x1fffff;

/** Where an error is, as ElfError wants it. */
export interface ElfWhere {
  file?: string;
  section?: string;
  offset?: number;
}

/**
 * A byte buffer read through a single DataView with a fixed byte order.
 * Every read checks its range first and throws `ElfError` (with the file offset) when it falls outside.
 */
export class ByteReader {
  /** The bytes read. */
  readonly bytes: Uint8Array;
  /** One DataView over `bytes`. */
  readonly view: DataView;
  /** True for little-endian data. */
  readonly le: boolean;
  /** File name used in errors. */
  readonly fileName: string | undefined;

  constructor(bytes: Uint8Array, le: boolean, fileName?: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.le = le;
    this.fileName = fileName;
  }

  /** Byte length of the buffer. */
  get length(): number {
    return this.bytes.length;
  }

  /** Throw `ElfError` unless `[offset, offset+size)` lies inside the buffer. */
  check(offset: number, size: number, what: string, section?: string): void {
    if (!(offset >= 0 && size >= 0 && offset + size <= this.bytes.length && Number.isSafeInteger(offset + size))) {
      throw new ElfError(`${what} out of range (offset 0x${hex(offset)}, size 0x${hex(size)}, file size 0x${this.bytes.length.toString(16)})`, {
        file: this.fileName,
        section,
        offset: Number.isSafeInteger(offset) ? offset : undefined,
      });
    }
  }

  /** Unsigned byte. */
  u8(offset: number, what = 'field'): number {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }

  /** Unsigned 16-bit value. */
  u16(offset: number, what = 'field'): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, this.le);
  }

  /** Unsigned 32-bit value. */
  u32(offset: number, what = 'field'): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, this.le);
  }

  /** Unsigned 64-bit value as a number; throws `ElfError` when it is 2^53 or more. */
  u64(offset: number, what = 'field'): number {
    this.check(offset, 8, what);
    return u64At(this.view, offset, this.le, what, { file: this.fileName, offset });
  }

  /** Unsigned 64-bit value as a bigint (always exact). */
  u64Big(offset: number, what = 'field'): bigint {
    this.check(offset, 8, what);
    return this.view.getBigUint64(offset, this.le);
  }

  /** A class-sized word: u32 for ELF32, u64 (as a safe number) for ELF64. */
  word(offset: number, is64: boolean, what = 'field'): number {
    return is64 ? this.u64(offset, what) : this.u32(offset, what);
  }

  /** A class-sized word as a bigint. */
  wordBig(offset: number, is64: boolean, what = 'field'): bigint {
    return is64 ? this.u64Big(offset, what) : BigInt(this.u32(offset, what));
  }
}

/** Unchecked 64-bit unsigned read as a number, throwing `ElfError` if it is not a safe integer. */
export function u64At(view: DataView, offset: number, le: boolean, what: string, where: ElfWhere): number {
  const lo = view.getUint32(offset + (le ? 0 : 4), le);
  const hi = view.getUint32(offset + (le ? 4 : 0), le);
  if (hi > MAX_SAFE_HI) {
    throw new ElfError(`${what} 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} does not fit in a safe integer`, where);
  }
  return hi * TWO32 + lo;
}

/** Hex digits of a number, or "?" for a value that is not a finite number. */
export function hex(n: number): string {
  return Number.isFinite(n) ? n.toString(16) : '?';
}

const utf8 = new TextDecoder('utf-8');

/**
 * Decode the NUL-terminated string starting at `start` in `table` (a string table's bytes).
 * Returns undefined when no NUL follows inside the table.
 */
export function cString(table: Uint8Array, start: number): string | undefined {
  const end = table.indexOf(0, start);
  if (end < 0) return undefined;
  for (let i = start; i < end; i++) {
    if (table[i] >= 0x80) return utf8.decode(table.subarray(start, end));
  }
  if (end - start < 512) return String.fromCharCode.apply(null, table.subarray(start, end) as unknown as number[]);
  let s = '';
  for (let i = start; i < end; i += 512) s += String.fromCharCode.apply(null, table.subarray(i, Math.min(end, i + 512)) as unknown as number[]);
  return s;
}

/** Round `n` up to a multiple of `align` (values of 0 and 1 mean no alignment). */
export function alignUp(n: number, align: number): number {
  if (align <= 1) return n;
  const r = n % align;
  return r === 0 ? n : n + (align - r);
}

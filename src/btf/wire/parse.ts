// Raw BTF bytes (either byte order, 24- or 32-byte header, optional layout section) into a Btf.

import { plainBytes } from '../../elf/file.js';
import { BtfError } from '../../common/errors.js';
import { Btf } from '../model/btf.js';
import { recordsWithRoom } from '../model/records.js';
import { BTF_HDR_LEN_LAYOUT, BTF_HDR_LEN_V1, BTF_MAGIC, BTF_VERSION, EXTRA_FIXED, EXTRA_PER_ENTRY } from './kinds.js';

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Where the bytes came from, for error messages, and the base for split BTF. */
export interface ParseBtfOptions {
  base?: Btf | null;
  file?: string;
  /** ELF section name (".BTF") or undefined for a raw BTF file. */
  section?: string;
}

/** Header fields as found in the input, offsets relative to the end of the header. */
export interface BtfHeader {
  le: boolean;
  version: number;
  flags: number;
  hdrLen: number;
  typeOff: number;
  typeLen: number;
  strOff: number;
  strLen: number;
  layoutOff: number;
  layoutLen: number;
}

/** True when the bytes start with the BTF magic in either byte order. */
export function looksLikeBtf(data: Uint8Array): boolean {
  if (data.length < 2) return false;
  const m = data[0] | (data[1] << 8);
  return m === BTF_MAGIC || m === 0x9feb;
}

/**
 * Read and check the header.
 * @throws BtfError naming the offset of the bad field.
 */
export function parseBtfHeader(data: Uint8Array, opts: ParseBtfOptions = {}): BtfHeader {
  return headerOf(data, data.length, opts);
}

/**
 * parseBtfHeader of BTF `size` bytes long of which `data` holds the start: at least the header
 * (all of `hdrLen`, when that is no longer than `size`).
 */
function headerOf(data: Uint8Array, size: number, opts: ParseBtfOptions): BtfHeader {
  const where = (offset: number) => ({ file: opts.file, section: opts.section ?? 'BTF', offset });
  if (size < BTF_HDR_LEN_V1) throw new BtfError(`truncated header: ${size} bytes, need ${BTF_HDR_LEN_V1}`, where(0));
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const m = dv.getUint16(0, true);
  let le: boolean;
  if (m === BTF_MAGIC) le = true;
  else if (m === 0x9feb) le = false;
  else throw new BtfError(`bad magic 0x${m.toString(16).padStart(4, '0')}`, where(0));
  const version = data[2];
  if (version !== BTF_VERSION) throw new BtfError(`unsupported version ${version}`, where(2));
  const flags = data[3];
  if (flags !== 0) throw new BtfError(`unsupported header flags 0x${flags.toString(16)}`, where(3));
  const hdrLen = dv.getUint32(4, le);
  if (hdrLen < BTF_HDR_LEN_V1) throw new BtfError(`header length ${hdrLen} is shorter than ${BTF_HDR_LEN_V1}`, where(4));
  if (hdrLen > size) throw new BtfError(`header length ${hdrLen} exceeds the data (${size} bytes)`, where(4));
  if (hdrLen > data.length) throw new RangeError(`BTF header of ${hdrLen} bytes, only ${data.length} given`);
  const known = hdrLen >= BTF_HDR_LEN_LAYOUT ? BTF_HDR_LEN_LAYOUT : BTF_HDR_LEN_V1;
  for (let i = known; i < hdrLen; i++) {
    if (data[i] !== 0) throw new BtfError('unsupported header: non-zero bytes after the known fields', where(i));
  }
  const h: BtfHeader = {
    le, version, flags, hdrLen,
    typeOff: dv.getUint32(8, le), typeLen: dv.getUint32(12, le),
    strOff: dv.getUint32(16, le), strLen: dv.getUint32(20, le),
    layoutOff: known >= BTF_HDR_LEN_LAYOUT ? dv.getUint32(24, le) : 0,
    layoutLen: known >= BTF_HDR_LEN_LAYOUT ? dv.getUint32(28, le) : 0,
  };
  const body = size - hdrLen;
  if (h.typeOff % 4 !== 0) throw new BtfError(`type section offset ${h.typeOff} is not 4-byte aligned`, where(8));
  if (h.typeLen % 4 !== 0) throw new BtfError(`type section length ${h.typeLen} is not a multiple of 4`, where(12));
  if (h.typeOff + h.typeLen > body) throw new BtfError(`type section [${h.typeOff}, +${h.typeLen}) runs past the end of the data (${body} bytes after the header)`, where(8));
  if (h.strOff + h.strLen > body) throw new BtfError(`string section [${h.strOff}, +${h.strLen}) runs past the end of the data (${body} bytes after the header)`, where(16));
  if (h.typeOff + h.typeLen > h.strOff) throw new BtfError('type section overlaps or follows the string section', where(16));
  if (h.layoutLen !== 0) {
    if (h.layoutOff % 4 !== 0) throw new BtfError(`layout section offset ${h.layoutOff} is not 4-byte aligned`, where(24));
    if (h.layoutLen % 4 !== 0) throw new BtfError(`layout section length ${h.layoutLen} is not a multiple of 4`, where(28));
    if (h.layoutOff < h.typeOff + h.typeLen || h.layoutOff + h.layoutLen > h.strOff) {
      throw new BtfError('layout section must lie between the type and string sections', where(24));
    }
  }
  return h;
}

/**
 * Parse raw BTF. With `base`, the result is split BTF over it.
 * @throws BtfError for malformed input, naming the byte offset inside the BTF data.
 */
export function parseBtf(input: Uint8Array, opts: ParseBtfOptions = {}): Btf {
  const data = plainBytes(input);
  const h = parseBtfHeader(data, opts);
  const base = opts.base ?? null;
  const le = h.le;

  const strStart = h.hdrLen + h.strOff;
  const strs = copyBytes(data, strStart, strStart + h.strLen);
  let layout: Uint8Array | null = null;
  if (h.layoutLen !== 0) {
    const ls = h.hdrLen + h.layoutOff;
    layout = copyBytes(data, ls, ls + h.layoutLen);
  }

  const nWords = h.typeLen >>> 2;
  const tStart = h.hdrLen + h.typeOff;
  // BTF without a base may serve as one: its records go where dedup over it uses them as they are
  // (see model/records.ts).
  let words: Uint32Array;
  if (le === HOST_LE) {
    // Same byte order as this machine: one copy of the bytes (the copy is also aligned).
    if (base) {
      const abs = data.byteOffset + tStart;
      words = new Uint32Array(data.buffer.slice(abs, abs + nWords * 4));
    } else {
      words = recordsWithRoom(nWords);
      new Uint8Array(words.buffer, words.byteOffset, nWords * 4).set(data.subarray(tStart, tStart + nWords * 4));
    }
  } else {
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    words = base ? new Uint32Array(nWords) : recordsWithRoom(nWords);
    for (let i = 0, p = tStart; i < nWords; i++, p += 4) words[i] = dv.getUint32(p, le);
  }
  return fromParts(h, words, strs, layout, opts);
}

/**
 * Read base BTF whose header is at the start of `head` and whose whole size is `size`, given a
 * function `read(buf, pos)` that fills `buf` from byte `pos` of the BTF, false when it could not
 * fill it all (the BTF has changed size meanwhile: the caller then reads it as a whole).
 * The records are read straight into an array with room for dedup (see model/records.ts) and the
 * strings into their own, so the bytes are never held twice: for a 6.12 vmlinux's 4.9 MB, a copy
 * and 5 MB of fresh memory less on each run. Null when the header is not in `head` or the byte
 * order is not this machine's, or a read fell short; the caller then reads the whole and uses
 * parseBtf. Checks and errors are parseBtf's.
 */
export function parseBaseBtfFrom(head: Uint8Array, size: number, read: (buf: Uint8Array, pos: number) => boolean, opts: Omit<ParseBtfOptions, 'base'> = {}): Btf | null {
  if (head.length < BTF_HDR_LEN_V1 || !looksLikeBtf(head)) return null;
  const le = head[0] === (BTF_MAGIC & 0xff);
  if (le !== HOST_LE) return null;
  const hdrLen = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, le);
  if (hdrLen > head.length) return null;
  const h = headerOf(head, size, opts);
  const words = recordsWithRoom(h.typeLen >>> 2);
  if (!read(new Uint8Array(words.buffer, words.byteOffset, h.typeLen), h.hdrLen + h.typeOff)) return null;
  const strs = new Uint8Array(h.strLen);
  if (!read(strs, h.hdrLen + h.strOff)) return null;
  let layout: Uint8Array | null = null;
  if (h.layoutLen !== 0) {
    layout = new Uint8Array(h.layoutLen);
    if (!read(layout, h.hdrLen + h.layoutOff)) return null;
  }
  return fromParts(h, words, strs, layout, opts);
}

/**
 * The Btf of parts already placed: `words` in this machine's byte order, `strs` and `layout`
 * private copies (the layout's flags still in the data's byte order).
 */
function fromParts(h: BtfHeader, words: Uint32Array, strs: Uint8Array, layout: Uint8Array | null, opts: ParseBtfOptions): Btf {
  const base = opts.base ?? null;
  const where = (offset: number, typeId?: number) => ({ file: opts.file, section: opts.section ?? 'BTF', offset, typeId });
  const le = h.le;

  // Strings.
  const strStart = h.hdrLen + h.strOff;
  if (!base) {
    if (h.strLen === 0) throw new BtfError('base BTF has an empty string section', where(16));
    if (strs[0] !== 0) throw new BtfError('string section does not start with the empty string', where(strStart));
  }
  if (h.strLen > 0 && strs[h.strLen - 1] !== 0) throw new BtfError('string section is not NUL-terminated', where(strStart + h.strLen - 1));

  // Layout: bytes info_sz, elem_sz, then u16 flags (swapped to host order here).
  if (layout !== null && !le) {
    for (let i = 0; i + 3 < layout.length; i += 4) { const t = layout[i + 2]; layout[i + 2] = layout[i + 3]; layout[i + 3] = t; }
  }

  // Types.
  const nWords = h.typeLen >>> 2;
  const tStart = h.hdrLen + h.typeOff;
  const firstId = base ? base.typeCount : 1;
  // Kinds without a fixed size are sized by the layout section (the BTF's own, else its base's).
  const layoutExtra = (kind: number, vlen: number, w: number, id: number): number => {
    let l: Uint8Array | null = kind === 0 ? null : layout;
    for (let b = base; kind !== 0 && !l && b; b = b.base) l = b.layout;
    if (!l || (kind + 1) * 4 > l.length) throw new BtfError(`type [${id}] has unknown kind ${kind} and no layout section describes it`, where(tStart + w * 4 + 4, id));
    const infoSz = l[kind * 4];
    const elemSz = l[kind * 4 + 1];
    if (infoSz % 4 !== 0 || elemSz % 4 !== 0) throw new BtfError(`layout of kind ${kind} has sizes not a multiple of 4`, where(tStart + w * 4 + 4, id));
    return infoSz / 4 + vlen * (elemSz / 4);
  };
  const fail = (msg: string, w: number, id: number): never => {
    throw new BtfError(msg, where(tStart + w * 4, id));
  };
  const { offs, count } = recordOffsets(words, nWords, firstId, layoutExtra, fail);

  return new Btf({ base, le, hdrLen: h.hdrLen, layout, words, wordLen: nWords, offs, count, strs, strLen: h.strLen });
}

/**
 * The word offset of each record in `words` (and the end after the last), for types numbered from
 * `firstId`. Its own small function: it runs over every type of a vmlinux, long enough to be
 * compiled while inside the loop, and compiling all of parseBtf for it cost a cold process ~40 ms.
 * A base is walked once per process, mostly before V8 compiles the loop: so the loop calls no
 * helper (infoKind, infoVlen, extraWords written out, their tables held in locals), which takes a
 * 6.12 vmlinux's walk from ~8 to ~3.6 ms in a cold process.
 */
function recordOffsets(
  words: Uint32Array, nWords: number, firstId: number,
  layoutExtra: (kind: number, vlen: number, w: number, id: number) => number,
  fail: (msg: string, w: number, id: number) => never,
): { offs: Uint32Array; count: number } {
  const fixedWords = EXTRA_FIXED;
  const entryWords = EXTRA_PER_ENTRY;
  let offs = new Uint32Array(Math.max(16, (nWords >>> 2) + 2));
  let count = 0;
  let w = 0;
  while (w < nWords) {
    if (w + 3 > nWords) fail(`type [${firstId + count}] header is truncated`, w, firstId + count);
    const info = words[w + 1];
    const kind = (info >>> 24) & 0x7f;
    const vlen = info & 0xffffff;
    let extra = fixedWords[kind];
    // Unknown kinds (fixed -1) and kind 0 are sized by a layout section.
    if (extra < 0 || kind === 0) extra = layoutExtra(kind, vlen, w, firstId + count);
    else extra += vlen * entryWords[kind];
    const next = w + 3 + extra;
    if (next > nWords) fail(`type [${firstId + count}] of kind ${kind} with vlen ${vlen} runs past the end of the type section`, w, firstId + count);
    if (count + 2 > offs.length) {
      const a = new Uint32Array(offs.length * 2);
      a.set(offs);
      offs = a;
    }
    offs[count++] = w;
    w = next;
  }
  offs[count] = w;
  return { offs, count };
}

/** A copy of bytes [start, end), also when `data` is a Node Buffer (whose slice() is a view). */
function copyBytes(data: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(data, start, end);
}

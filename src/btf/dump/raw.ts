// Text dump of a BTF object's own types, byte-identical to `bpftool btf dump file F [-B BASE] format raw` (bpftool 7.5).

import { Btf } from '../model/btf.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE, KIND_NAMES, infoKind, infoVlen, makeIntWord,
} from '../wire/kinds.js';

/** Bytes handed to the sink per call (the last chunk may be shorter, a long line may make one longer). */
export const RAW_DUMP_CHUNK = 1 << 20;

// Buffer room past the flush mark. Lines are checked for LINE_ROOM free bytes where they start
// and names (unbounded) are copied with a bound; a type that still does not fit is rendered again
// into a buffer twice as big.
const SLACK = 1 << 16;

const enc = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

// "] KIND '" for every kind bpftool knows, plus the UNKNOWN fallback at index KIND_NAMES.length
// (bpftool's btf_kind_safe() prints kinds past ENUM64 as UNKNOWN).
const HEAD: Uint8Array[] = [...KIND_NAMES, KIND_NAMES[0]].map((k) => enc(`] ${k} '`));
// " (KIND '" for the DATASEC variable annotations.
const SEC_KIND: Uint8Array[] = [...KIND_NAMES, KIND_NAMES[0]].map((k) => enc(` (${k} '`));

const L_ANON = enc('(anon)');
const L_INVALID = enc('(invalid)');
const L_SIZE = enc("' size=");
const L_INT_BITS_OFF = enc(' bits_offset=');
const L_NR_BITS = enc(' nr_bits=');
const L_ENCODING = enc(' encoding=');
const INT_ENC: Uint8Array[] = ['(none)', 'SIGNED', 'CHAR', 'UNKN', 'BOOL'].map(enc);
const L_UNKN = INT_ENC[3];
const L_TYPE_ID = enc("' type_id=");
const L_INDEX_TYPE_ID = enc(' index_type_id=');
const L_NR_ELEMS = enc(' nr_elems=');
const L_VLEN = enc(' vlen=');
const L_MEMBER_TYPE_ID = enc("' type_id=");
const L_BITS_OFFSET = enc(' bits_offset=');
const L_BITFIELD_SIZE = enc(' bitfield_size=');
const L_ENC_SIGNED = enc("' encoding=SIGNED size=");
const L_ENC_UNSIGNED = enc("' encoding=UNSIGNED size=");
const L_VAL = enc("' val=");
const L_LL = enc('LL');
const L_ULL = enc('ULL');
const L_FWD_STRUCT = enc("' fwd_kind=struct");
const L_FWD_UNION = enc("' fwd_kind=union");
const L_LINKAGE = enc(' linkage=');
const L_VAR_LINKAGE = enc(', linkage=');
const LINKAGE: Uint8Array[] = ['static', 'global', 'extern', '(unknown)'].map(enc);
const L_RET_TYPE_ID = enc("' ret_type_id=");
const L_SEC_TYPE_ID = enc('\n\ttype_id=');
const L_OFFSET = enc(' offset=');
const L_SEC_SIZE = enc(' size=');
const L_COMPONENT_IDX = enc(' component_idx=');
const L_QUOTE = enc("'");
const L_CLOSE = enc("')");

const NL = 10;
const TAB = 9;
const QUOTE = 39;
const LBRACK = 91;

// "00".."99" as byte pairs, for two digits per division.
const DIGITS2 = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGITS2[2 * i] = 48 + ((i / 10) | 0);
  DIGITS2[2 * i + 1] = 48 + (i % 10);
}

// Bytes always left free after the point where a line may start; a line's fixed text is shorter.
const LINE_ROOM = 512;
// Bytes left free after a name, for the rest of its line.
const NAME_ROOM = 256;

// String sections of the BTF being dumped: the own one unpacked, then the chain for base names.
// Module state instead of arguments keeps the hot helpers small; dumpRawBytes saves and restores
// it so a sink that starts another dump does no harm.
let s0: Uint8Array = new Uint8Array(1);
let s0start = 0;
let s0len = 0;
let tabs: StrTab[] = [];
// Set by a helper that ran out of buffer; the type is then rendered again into a larger buffer.
let overflow = false;
// A buffer kept between dumps (many small dumps in one process should not allocate each time).
let spare: Uint8Array | null = null;

/** One string section of the chain: logical start, bytes, own length. */
interface StrTab { start: number; strs: Uint8Array; len: number }

function lit(buf: Uint8Array, p: number, a: Uint8Array): number {
  for (let i = 0; i < a.length; i++) buf[p++] = a[i];
  return p;
}

/** %u of a u32. */
function u32(buf: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 48 + v;
    return p + 1;
  }
  if (v < 100) {
    buf[p] = DIGITS2[2 * v];
    buf[p + 1] = DIGITS2[2 * v + 1];
    return p + 2;
  }
  let n: number;
  if (v < 1000) n = 3;
  else if (v < 10000) n = 4;
  else if (v < 100000) n = 5;
  else if (v < 1000000) n = 6;
  else if (v < 10000000) n = 7;
  else if (v < 100000000) n = 8;
  else if (v < 1000000000) n = 9;
  else n = 10;
  let e = p + n;
  while (v >= 100) {
    const q = (v / 100) >>> 0;
    const r = 2 * (v - q * 100);
    buf[--e] = DIGITS2[r + 1];
    buf[--e] = DIGITS2[r];
    v = q;
  }
  if (v >= 10) {
    buf[--e] = DIGITS2[2 * v + 1];
    buf[--e] = DIGITS2[2 * v];
  } else {
    buf[--e] = 48 + v;
  }
  return p + n;
}

/** %d of an s32 given as its u32 bits. */
function i32(buf: Uint8Array, p: number, v: number): number {
  const s = v | 0;
  if (s >= 0) return u32(buf, p, s);
  buf[p] = 45;
  return u32(buf, p + 1, -s >>> 0);
}

/** Decimal text of an ENUM64 value (lo/hi words), %lld when signed and %llu when not. */
function u64(buf: Uint8Array, p: number, lo: number, hi: number, signed: boolean): number {
  if (hi === 0) return u32(buf, p, lo);
  if (signed && hi === 0xffffffff && lo >= 0x80000000) return i32(buf, p, lo);
  const u = (BigInt(hi) << 32n) | BigInt(lo);
  const s = (signed ? BigInt.asIntN(64, u) : u).toString();
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/** libbpf's name lookup as bpftool prints it: offset 0 is "(anon)", out of range "(invalid)". */
function name(buf: Uint8Array, p: number, off: number): number {
  if (off === 0) return lit(buf, p, L_ANON);
  let s = s0;
  let i = off - s0start;
  let end = s0len;
  if (off < s0start) {
    let t: StrTab | null = null;
    for (let k = 1; k < tabs.length; k++) {
      if (off >= tabs[k].start) {
        t = tabs[k];
        break;
      }
    }
    if (t === null) return lit(buf, p, L_INVALID);
    s = t.strs;
    i = off - t.start;
    end = t.len;
  }
  if (i >= end) return lit(buf, p, L_INVALID);
  // Copy up to the NUL, the end of the section or the room left, whichever comes first.
  let stop = i + (buf.length - NAME_ROOM - p);
  if (stop > end) stop = end;
  for (; i < stop; i++) {
    const c = s[i];
    if (c === 0) return p;
    buf[p++] = c;
  }
  if (i < end && s[i] !== 0) overflow = true;
  return p;
}

/** Kind and name offset of any type in the chain (for DATASEC annotations); void is kind 0, anon. */
function kindAndName(btf: Btf, id: number): [number, number] {
  if (id === 0) return [0, 0];
  const { words, off } = btf.record(id);
  return [infoKind(words[off + 1]), words[off]];
}

// One writer per kind for what follows the name: small functions get optimized early and
// separately, so a kind met late in a dump does not send the hot path back to the interpreter.
// Each takes the record's words from `r` (the word after the 3-word header) and returns the new
// position, or sets `overflow` when a line would not fit.

function kInt(buf: Uint8Array, p: number, st: number, v: number): number {
  const e = (v >>> 24) & 0x0f;
  p = lit(buf, p, L_SIZE);
  p = u32(buf, p, st);
  p = lit(buf, p, L_INT_BITS_OFF);
  p = u32(buf, p, (v >>> 16) & 0xff);
  p = lit(buf, p, L_NR_BITS);
  p = u32(buf, p, v & 0xff);
  p = lit(buf, p, L_ENCODING);
  return lit(buf, p, e <= 4 ? INT_ENC[e] : L_UNKN);
}

function kRef(buf: Uint8Array, p: number, st: number): number {
  p = lit(buf, p, L_TYPE_ID);
  return u32(buf, p, st);
}

function kArray(buf: Uint8Array, p: number, w: Uint32Array, r: number): number {
  p = lit(buf, p, L_TYPE_ID);
  p = u32(buf, p, w[r]);
  p = lit(buf, p, L_INDEX_TYPE_ID);
  p = u32(buf, p, w[r + 1]);
  p = lit(buf, p, L_NR_ELEMS);
  return u32(buf, p, w[r + 2]);
}

/** `label st vlen=vlen`, the start of every record with entries. */
function head(buf: Uint8Array, p: number, label: Uint8Array, st: number, vlen: number): number {
  p = lit(buf, p, label);
  p = u32(buf, p, st);
  p = lit(buf, p, L_VLEN);
  return u32(buf, p, vlen);
}

/** True (and the overflow flag set) when no further entry line fits before the buffer is flushed. */
function full(buf: Uint8Array, p: number): boolean {
  if (p <= buf.length - LINE_ROOM) return false;
  overflow = true;
  return true;
}

/** Start an entry line (newline, tab, quoted name); -1 when it does not fit (see `full`). */
function entryName(buf: Uint8Array, p: number, nameOff: number): number {
  if (full(buf, p)) return -1;
  buf[p] = NL;
  buf[p + 1] = TAB;
  buf[p + 2] = QUOTE;
  return name(buf, p + 3, nameOff);
}

function kComposite(buf: Uint8Array, p: number, w: Uint32Array, r: number, st: number, vlen: number, kflag: boolean): number {
  p = head(buf, p, L_SIZE, st, vlen);
  for (let k = 0; k < vlen; k++, r += 3) {
    const q = entryName(buf, p, w[r]);
    if (q < 0) return p;
    p = q;
    p = lit(buf, p, L_MEMBER_TYPE_ID);
    p = u32(buf, p, w[r + 1]);
    p = lit(buf, p, L_BITS_OFFSET);
    const m = w[r + 2];
    if (!kflag) {
      p = u32(buf, p, m);
    } else {
      p = u32(buf, p, m & 0xffffff);
      if (m >>> 24 !== 0) {
        p = lit(buf, p, L_BITFIELD_SIZE);
        p = u32(buf, p, m >>> 24);
      }
    }
  }
  return p;
}

/** ENUM (`wide` false: name, 32-bit value) and ENUM64 (`wide`: name, low and high words) records. */
function kEnum(buf: Uint8Array, p: number, w: Uint32Array, r: number, st: number, vlen: number, kflag: boolean, wide: boolean): number {
  p = head(buf, p, kflag ? L_ENC_SIGNED : L_ENC_UNSIGNED, st, vlen);
  const stride = wide ? 3 : 2;
  for (let k = 0; k < vlen; k++, r += stride) {
    const q = entryName(buf, p, w[r]);
    if (q < 0) return p;
    p = q;
    p = lit(buf, p, L_VAL);
    if (wide) {
      p = u64(buf, p, w[r + 1], w[r + 2], kflag);
      p = lit(buf, p, kflag ? L_LL : L_ULL);
    } else {
      p = kflag ? i32(buf, p, w[r + 1]) : u32(buf, p, w[r + 1]);
    }
  }
  return p;
}

function kFunc(buf: Uint8Array, p: number, st: number, linkage: number): number {
  p = lit(buf, p, L_TYPE_ID);
  p = u32(buf, p, st);
  p = lit(buf, p, L_LINKAGE);
  return lit(buf, p, LINKAGE[linkage < 3 ? linkage : 3]);
}

function kProto(buf: Uint8Array, p: number, w: Uint32Array, r: number, st: number, vlen: number): number {
  p = head(buf, p, L_RET_TYPE_ID, st, vlen);
  for (let k = 0; k < vlen; k++, r += 2) {
    const q = entryName(buf, p, w[r]);
    if (q < 0) return p;
    p = q;
    p = lit(buf, p, L_MEMBER_TYPE_ID);
    p = u32(buf, p, w[r + 1]);
  }
  return p;
}

function kVar(buf: Uint8Array, p: number, st: number, linkage: number): number {
  p = lit(buf, p, L_TYPE_ID);
  p = u32(buf, p, st);
  p = lit(buf, p, L_VAR_LINKAGE);
  return lit(buf, p, LINKAGE[linkage < 3 ? linkage : 3]);
}

function kDatasec(btf: Btf, buf: Uint8Array, p: number, w: Uint32Array, r: number, st: number, vlen: number): number {
  const typeCnt = btf.typeCount;
  p = head(buf, p, L_SIZE, st, vlen);
  for (let k = 0; k < vlen; k++, r += 3) {
    if (full(buf, p)) return p;
    const t = w[r];
    p = lit(buf, p, L_SEC_TYPE_ID);
    p = u32(buf, p, t);
    p = lit(buf, p, L_OFFSET);
    p = u32(buf, p, w[r + 1]);
    p = lit(buf, p, L_SEC_SIZE);
    p = u32(buf, p, w[r + 2]);
    if (t < typeCnt) {
      const [vk, vn] = kindAndName(btf, t);
      p = lit(buf, p, vk < KIND_NAMES.length ? SEC_KIND[vk] : SEC_KIND[KIND_NAMES.length]);
      p = name(buf, p, vn);
      p = lit(buf, p, L_CLOSE);
    }
  }
  return p;
}

function kSize(buf: Uint8Array, p: number, st: number): number {
  p = lit(buf, p, L_SIZE);
  return u32(buf, p, st);
}

function kDeclTag(buf: Uint8Array, p: number, st: number, idx: number): number {
  p = lit(buf, p, L_TYPE_ID);
  p = u32(buf, p, st);
  p = lit(buf, p, L_COMPONENT_IDX);
  return i32(buf, p, idx);
}

/** Write type `id` (record at word `r` of `w`) with its trailing newline; sets `overflow` when out of room. */
function renderType(btf: Btf, buf: Uint8Array, p: number, w: Uint32Array, r: number, id: number): number {
  const info = w[r + 1];
  const st = w[r + 2];
  const kind = infoKind(info);
  buf[p++] = LBRACK;
  p = u32(buf, p, id);
  p = lit(buf, p, kind < KIND_NAMES.length ? HEAD[kind] : HEAD[KIND_NAMES.length]);
  p = name(buf, p, w[r]);
  r += 3;
  switch (kind) {
    case BTF_KIND_INT: p = kInt(buf, p, st, w[r]); break;
    case BTF_KIND_PTR: case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPEDEF: case BTF_KIND_TYPE_TAG:
      p = kRef(buf, p, st);
      break;
    case BTF_KIND_ARRAY: p = kArray(buf, p, w, r); break;
    case BTF_KIND_STRUCT: case BTF_KIND_UNION: p = kComposite(buf, p, w, r, st, infoVlen(info), info >>> 31 === 1); break;
    case BTF_KIND_ENUM: p = kEnum(buf, p, w, r, st, infoVlen(info), info >>> 31 === 1, false); break;
    case BTF_KIND_ENUM64: p = kEnum(buf, p, w, r, st, infoVlen(info), info >>> 31 === 1, true); break;
    case BTF_KIND_FWD: p = lit(buf, p, info >>> 31 === 1 ? L_FWD_UNION : L_FWD_STRUCT); break;
    case BTF_KIND_FUNC: p = kFunc(buf, p, st, infoVlen(info)); break;
    case BTF_KIND_FUNC_PROTO: p = kProto(buf, p, w, r, st, infoVlen(info)); break;
    case BTF_KIND_VAR: p = kVar(buf, p, st, w[r]); break;
    case BTF_KIND_DATASEC: p = kDatasec(btf, buf, p, w, r, st, infoVlen(info)); break;
    case BTF_KIND_FLOAT: p = kSize(buf, p, st); break;
    case BTF_KIND_DECL_TAG: p = kDeclTag(buf, p, st, w[r]); break;
    default: buf[p++] = QUOTE; break;
  }
  buf[p++] = NL;
  return p;
}

// Below this many types a dump is too short for JIT warm-up to matter.
const WARM_UP_MIN_TYPES = 2000;
let warmed = false;

/**
 * Run every writer once on a tiny BTF (base and split) with every kind, 32-bit values past the
 * small-integer range, negative values, bitfields and base names, so that V8 has complete type
 * feedback before the first large dump: otherwise each path met for the first time mid-dump
 * (the first ENUM64, the first offset >= 2^31, ...) delays or undoes optimization.
 */
function warmUp(): void {
  warmed = true;
  const b = new Btf();
  const n = (x: string) => b.addStr(x);
  const big = 0xfffffff0;
  const int = b.add(BTF_KIND_INT, n('int'), 0, false, 4, [makeIntWord(1, 0, 32)]);
  b.add(BTF_KIND_INT, n('unsigned int'), 0, false, big, [makeIntWord(0, 0, 32)]);
  for (const k of [BTF_KIND_PTR, BTF_KIND_CONST, BTF_KIND_VOLATILE, BTF_KIND_RESTRICT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG]) {
    b.add(k, k === BTF_KIND_TYPEDEF || k === BTF_KIND_TYPE_TAG ? n('t') : 0, 0, false, int);
  }
  b.add(BTF_KIND_ARRAY, 0, 0, false, 0, [int, int, big]);
  b.add(BTF_KIND_STRUCT, n('s'), 2, false, 8, [n('a'), int, 0, 0, int, big]);
  b.add(BTF_KIND_UNION, 0, 2, true, big, [n('b'), int, ((3 << 24) | 5) >>> 0, n('c'), int, 7]);
  b.add(BTF_KIND_ENUM, n('e'), 2, false, 4, [n('x'), big, n('y'), 1]);
  b.add(BTF_KIND_ENUM, n('f'), 2, true, 4, [n('z'), 0xffffffff, n('w'), 3]);
  b.add(BTF_KIND_ENUM64, n('g'), 2, false, 8, [n('q'), big, 0, n('r'), 5, 1]);
  b.add(BTF_KIND_ENUM64, n('h'), 3, true, 8, [n('s'), 0xfffffffe, 0xffffffff, n('u'), 1, 0x80000000, n('v'), 7, 0]);
  b.add(BTF_KIND_FWD, n('i'), 0, false, 0);
  b.add(BTF_KIND_FWD, n('j'), 0, true, 0);
  const proto = b.add(BTF_KIND_FUNC_PROTO, 0, 2, false, int, [n('k'), int, 0, 0]);
  b.add(BTF_KIND_FUNC, n('l'), 1, false, proto);
  b.add(BTF_KIND_FUNC, n('m'), 5, false, proto);
  const v = b.add(BTF_KIND_VAR, n('o'), 0, false, int, [1]);
  b.add(BTF_KIND_VAR, n('p'), 0, false, int, [7]);
  b.add(BTF_KIND_DATASEC, n('.d'), 2, false, big, [v, 0, 4, big, big, big]);
  b.add(BTF_KIND_FLOAT, n('double'), 0, false, 8);
  b.add(BTF_KIND_DECL_TAG, n('tag'), 0, false, int, [0xffffffff]);
  b.add(BTF_KIND_DECL_TAG, n('tag'), 0, true, int, [2]);
  const split = new Btf({ base: b });
  const sv = split.add(BTF_KIND_VAR, split.addStr('own'), 0, false, int, [1]);
  split.add(BTF_KIND_STRUCT, split.addStr('int'), 1, false, 4, [split.addStr('own'), int, 0]);
  split.add(BTF_KIND_DATASEC, split.addStr('.e'), 2, false, 8, [v, 0, 4, sv, 4, 4]);
  const none = (): void => {};
  for (let k = 0; k < 2; k++) {
    dumpRawBytes(b, none);
    dumpRawBytes(split, none);
  }
}

/**
 * Write the own types of `btf` (ids from `btf.startId`; for split BTF only the split part, as
 * bpftool does with `-B`) as bpftool 7.5's `format raw` text, in byte chunks of about
 * `chunkSize` bytes. Names are copied as raw string-section bytes. A chunk is a view of a
 * buffer that is reused: it is valid only until the sink returns, so copy it to keep it.
 */
export function dumpRawBytes(btf: Btf, sink: (chunk: Uint8Array) => void, opts: { chunkSize?: number } = {}): void {
  if (!warmed && btf.count >= WARM_UP_MIN_TYPES) warmUp();
  const chunk = Math.max(4096, opts.chunkSize ?? RAW_DUMP_CHUNK);
  const saved = { s0, s0start, s0len, tabs, overflow };
  let buf = spare !== null && spare.length >= chunk + SLACK ? spare : new Uint8Array(chunk + SLACK);
  spare = null;
  try {
    const chain: StrTab[] = [];
    for (let b: Btf | null = btf; b; b = b.base) chain.push({ start: b.startStrOff, strs: b.strs, len: b.strLen });
    tabs = chain;
    s0 = btf.strs;
    s0start = btf.startStrOff;
    s0len = btf.strLen;
    overflow = false;
    const w = btf.words;
    const offs = btf.offs;
    const startId = btf.startId;
    const count = btf.count;
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p >= chunk) {
        sink(buf.subarray(0, p));
        p = 0;
      }
      const q = renderType(btf, buf, p, w, offs[i], startId + i);
      if (overflow) {
        // One type did not fit: emit what is done and render it again into a buffer twice as big.
        overflow = false;
        if (p > 0) sink(buf.subarray(0, p));
        p = 0;
        buf = new Uint8Array(buf.length * 2);
        i--;
        continue;
      }
      p = q;
    }
    if (p > 0) sink(buf.subarray(0, p));
    if (buf.length <= 4 * (RAW_DUMP_CHUNK + SLACK)) spare = buf;
  } finally {
    ({ s0, s0start, s0len, tabs, overflow } = saved);
  }
}

/**
 * Same text as {@link dumpRawBytes}, as strings in which each character is one output byte
 * (latin1); write them with the 'latin1' encoding to get bpftool's bytes.
 */
export function dumpRaw(btf: Btf, out: (chunk: string) => void): void {
  dumpRawBytes(btf, (c) => out(Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1')));
}

/** The whole dump as one latin1 string (see {@link dumpRaw}). */
export function dumpRawString(btf: Btf): string {
  const parts: string[] = [];
  dumpRaw(btf, (s) => parts.push(s));
  return parts.join('');
}

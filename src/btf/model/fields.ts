// Where the type-id and string-offset fields of each kind sit inside a record (word indices).

import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_PTR, BTF_KIND_RESTRICT, BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR, BTF_KIND_VOLATILE, infoKind, infoVlen,
} from '../wire/kinds.js';

/*
 * Both walks are table-driven: per kind, an optional leading field and a run of fields (a fixed
 * count, or one per vlen entry, at a stride). Each walk thus has the same two calls of `fn` for
 * every kind, so code that inlines a walk does not meet a call it has never made the first time a
 * record of a new kind comes by.
 */

/** Marks a kind whose fields are unknown. */
const UNKNOWN = -2;
/** No leading field. */
const NONE = -1;
/** A run with one field per vlen entry. */
const PER_VLEN = -1;

const ID_HEAD = new Int8Array(128).fill(UNKNOWN);
const ID_START = new Int8Array(128);
const ID_STRIDE = new Int8Array(128);
const ID_COUNT = new Int8Array(128);
for (const k of [BTF_KIND_FWD, BTF_KIND_CONST, BTF_KIND_VOLATILE, BTF_KIND_RESTRICT, BTF_KIND_PTR, BTF_KIND_TYPEDEF,
  BTF_KIND_FUNC, BTF_KIND_VAR, BTF_KIND_DECL_TAG, BTF_KIND_TYPE_TAG]) ID_HEAD[k] = 2;
for (const k of [0, 1, BTF_KIND_ENUM, BTF_KIND_ENUM64, 16]) ID_HEAD[k] = NONE;
function idRun(kind: number, head: number, start: number, count: number, stride: number): void {
  ID_HEAD[kind] = head;
  ID_START[kind] = start;
  ID_COUNT[kind] = count;
  ID_STRIDE[kind] = stride;
}
idRun(BTF_KIND_ARRAY, NONE, 3, 2, 1);
idRun(BTF_KIND_STRUCT, NONE, 4, PER_VLEN, 3);
idRun(BTF_KIND_UNION, NONE, 4, PER_VLEN, 3);
idRun(BTF_KIND_FUNC_PROTO, 2, 4, PER_VLEN, 2);
idRun(BTF_KIND_DATASEC, NONE, 3, PER_VLEN, 3);

/** Per kind: where the per-entry names start (0 = no names past the type's own) and their stride. */
const STR_START = new Int8Array(128);
const STR_STRIDE = new Int8Array(128);
for (const [k, stride] of [[BTF_KIND_ENUM, 2], [BTF_KIND_ENUM64, 3], [BTF_KIND_STRUCT, 3], [BTF_KIND_UNION, 3], [BTF_KIND_FUNC_PROTO, 2]]) {
  STR_START[k] = 3;
  STR_STRIDE[k] = stride;
}

/**
 * Call `fn` with the word index of every type-id field of the record at `off`, in the order
 * libbpf's BTF_FIELD_ITER_IDS visits them. Returns false for a kind with unknown fields.
 */
export function forEachTypeIdField(words: Uint32Array, off: number, fn: (wordIndex: number) => void): boolean {
  const info = words[off + 1];
  const kind = infoKind(info);
  const head = ID_HEAD[kind];
  if (head === UNKNOWN) return false;
  if (head !== NONE) fn(off + head);
  const count = ID_COUNT[kind];
  const n = count === PER_VLEN ? infoVlen(info) : count;
  const start = off + ID_START[kind];
  const stride = ID_STRIDE[kind];
  for (let i = 0; i < n; i++) fn(start + i * stride);
  return true;
}

/**
 * Call `fn` with the word index of every string-offset field of the record at `off`, in the
 * order libbpf's BTF_FIELD_ITER_STRS visits them (the type's name, then member/value/param names).
 */
export function forEachStrField(words: Uint32Array, off: number, fn: (wordIndex: number) => void): boolean {
  const info = words[off + 1];
  const kind = infoKind(info);
  if (kind === 0 || kind > BTF_KIND_ENUM64) return kind === 0;
  fn(off);
  const first = STR_START[kind];
  const n = first === 0 ? 0 : infoVlen(info);
  const start = off + first;
  const stride = STR_STRIDE[kind];
  for (let i = 0; i < n; i++) fn(start + i * stride);
  return true;
}

/**
 * Append to `out` the word index of every type-id field of the record at `off` (the order of
 * forEachTypeIdField). Returns false for a kind with unknown fields. For loops that would otherwise
 * hand a new closure to forEachTypeIdField on every call.
 */
export function typeIdFields(words: Uint32Array, off: number, out: number[]): boolean {
  const info = words[off + 1];
  const kind = infoKind(info);
  const head = ID_HEAD[kind];
  if (head === UNKNOWN) return false;
  if (head !== NONE) out.push(off + head);
  const count = ID_COUNT[kind];
  const n = count === PER_VLEN ? infoVlen(info) : count;
  const start = off + ID_START[kind];
  const stride = ID_STRIDE[kind];
  for (let i = 0; i < n; i++) out.push(start + i * stride);
  return true;
}

/** Append to `out` the word index of every string-offset field of the record at `off` (the order of forEachStrField). */
export function strFields(words: Uint32Array, off: number, out: number[]): boolean {
  const info = words[off + 1];
  const kind = infoKind(info);
  if (kind === 0 || kind > BTF_KIND_ENUM64) return kind === 0;
  out.push(off);
  const first = STR_START[kind];
  const n = first === 0 ? 0 : infoVlen(info);
  const start = off + first;
  const stride = STR_STRIDE[kind];
  for (let i = 0; i < n; i++) out.push(start + i * stride);
  return true;
}

// Where the type-id and string-offset fields of each kind sit inside a record (word indices).

import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_PTR, BTF_KIND_RESTRICT, BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR, BTF_KIND_VOLATILE, infoKind, infoVlen,
} from '../wire/kinds.js';

/**
 * Call `fn` with the word index of every type-id field of the record at `off`, in the order
 * libbpf's BTF_FIELD_ITER_IDS visits them. Returns false for a kind with unknown fields.
 */
export function forEachTypeIdField(words: Uint32Array, off: number, fn: (wordIndex: number) => void): boolean {
  const info = words[off + 1];
  const kind = infoKind(info);
  switch (kind) {
    case BTF_KIND_FWD: case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: case BTF_KIND_PTR:
    case BTF_KIND_TYPEDEF: case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
      fn(off + 2);
      return true;
    case BTF_KIND_ARRAY:
      fn(off + 3);
      fn(off + 4);
      return true;
    case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
      const vlen = infoVlen(info);
      for (let i = 0; i < vlen; i++) fn(off + 4 + i * 3);
      return true;
    }
    case BTF_KIND_FUNC_PROTO: {
      fn(off + 2);
      const vlen = infoVlen(info);
      for (let i = 0; i < vlen; i++) fn(off + 4 + i * 2);
      return true;
    }
    case BTF_KIND_DATASEC: {
      const vlen = infoVlen(info);
      for (let i = 0; i < vlen; i++) fn(off + 3 + i * 3);
      return true;
    }
    case 0: case 1: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case 16:
      return true;
    default:
      return false;
  }
}

/**
 * Call `fn` with the word index of every string-offset field of the record at `off`, in the
 * order libbpf's BTF_FIELD_ITER_STRS visits them (the type's name, then member/value/param names).
 */
export function forEachStrField(words: Uint32Array, off: number, fn: (wordIndex: number) => void): boolean {
  const info = words[off + 1];
  const kind = infoKind(info);
  const vlen = infoVlen(info);
  if (kind === 0 || kind > BTF_KIND_ENUM64) return kind === 0;
  fn(off);
  switch (kind) {
    case BTF_KIND_ENUM:
      for (let i = 0; i < vlen; i++) fn(off + 3 + i * 2);
      break;
    case BTF_KIND_ENUM64:
      for (let i = 0; i < vlen; i++) fn(off + 3 + i * 3);
      break;
    case BTF_KIND_STRUCT: case BTF_KIND_UNION:
      for (let i = 0; i < vlen; i++) fn(off + 3 + i * 3);
      break;
    case BTF_KIND_FUNC_PROTO:
      for (let i = 0; i < vlen; i++) fn(off + 3 + i * 2);
      break;
    default:
      break;
  }
  return true;
}

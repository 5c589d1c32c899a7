// BTF kind numbers, the info-word layout and the per-kind record sizes (include/uapi/linux/btf.h).

export const BTF_MAGIC = 0xeb9f;
export const BTF_VERSION = 1;
/** Header length up to and including str_len. */
export const BTF_HDR_LEN_V1 = 24;
/** Header length with layout_off/layout_len (2026 UAPI). */
export const BTF_HDR_LEN_LAYOUT = 32;

export const BTF_KIND_UNKN = 0;
export const BTF_KIND_INT = 1;
export const BTF_KIND_PTR = 2;
export const BTF_KIND_ARRAY = 3;
export const BTF_KIND_STRUCT = 4;
export const BTF_KIND_UNION = 5;
export const BTF_KIND_ENUM = 6;
export const BTF_KIND_FWD = 7;
export const BTF_KIND_TYPEDEF = 8;
export const BTF_KIND_VOLATILE = 9;
export const BTF_KIND_CONST = 10;
export const BTF_KIND_RESTRICT = 11;
export const BTF_KIND_FUNC = 12;
export const BTF_KIND_FUNC_PROTO = 13;
export const BTF_KIND_VAR = 14;
export const BTF_KIND_DATASEC = 15;
export const BTF_KIND_FLOAT = 16;
export const BTF_KIND_DECL_TAG = 17;
export const BTF_KIND_TYPE_TAG = 18;
export const BTF_KIND_ENUM64 = 19;
/** Number of kinds this build knows (0..19). */
export const NR_BTF_KINDS = 20;

export const BTF_MAX_TYPE = 0x000fffff;
export const BTF_MAX_NAME_OFFSET = 0x00ffffff;
export const BTF_MAX_VLEN = 0x00ffffff;
/** vlen limit before the 2026 widening; readers older than that mask with it. */
export const BTF_MAX_VLEN_V1 = 0xffff;

export const BTF_INT_SIGNED = 1 << 0;
export const BTF_INT_CHAR = 1 << 1;
export const BTF_INT_BOOL = 1 << 2;

export const BTF_FUNC_STATIC = 0;
export const BTF_FUNC_GLOBAL = 1;
export const BTF_FUNC_EXTERN = 2;

export const BTF_VAR_STATIC = 0;
export const BTF_VAR_GLOBAL_ALLOCATED = 1;
export const BTF_VAR_GLOBAL_EXTERN = 2;

/** Kind names as bpftool prints them, indexed by kind number. */
export const KIND_NAMES: readonly string[] = [
  'UNKNOWN', 'INT', 'PTR', 'ARRAY', 'STRUCT', 'UNION', 'ENUM', 'FWD', 'TYPEDEF', 'VOLATILE',
  'CONST', 'RESTRICT', 'FUNC', 'FUNC_PROTO', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG', 'ENUM64',
];

export function kindName(kind: number): string {
  return kind < KIND_NAMES.length ? KIND_NAMES[kind] : `KIND_${kind}`;
}

// The info word: bits 0-23 vlen, 24-30 kind, 31 kind_flag. Before 2026 vlen used bits 0-15 and
// kind bits 24-28; the unused bits had to be zero, so the widened masks read old BTF unchanged.
export function infoKind(info: number): number {
  return (info >>> 24) & 0x7f;
}
export function infoVlen(info: number): number {
  return info & 0xffffff;
}
export function infoKflag(info: number): boolean {
  return info >>> 31 === 1;
}
export function makeInfo(kind: number, vlen: number, kflag: boolean): number {
  return ((kflag ? 0x80000000 : 0) | ((kind & 0x7f) << 24) | (vlen & 0xffffff)) >>> 0;
}

/**
 * Per kind: words after the 3-word header besides the per-entry ones (-1 = kind unknown). This
 * table and the next are read (not written) by loops that cannot afford a call of extraWords.
 */
export const EXTRA_FIXED = new Int8Array(128).fill(-1);
/** Per kind: words per vlen entry. */
export const EXTRA_PER_ENTRY = new Int8Array(128);
for (const [kind, fixed, perEntry] of [
  [BTF_KIND_INT, 1, 0], [BTF_KIND_ARRAY, 3, 0], [BTF_KIND_STRUCT, 0, 3], [BTF_KIND_UNION, 0, 3], [BTF_KIND_ENUM, 0, 2],
  [BTF_KIND_FUNC_PROTO, 0, 2], [BTF_KIND_VAR, 1, 0], [BTF_KIND_DATASEC, 0, 3], [BTF_KIND_DECL_TAG, 1, 0], [BTF_KIND_ENUM64, 0, 3],
  [BTF_KIND_PTR, 0, 0], [BTF_KIND_FWD, 0, 0], [BTF_KIND_TYPEDEF, 0, 0], [BTF_KIND_VOLATILE, 0, 0], [BTF_KIND_CONST, 0, 0],
  [BTF_KIND_RESTRICT, 0, 0], [BTF_KIND_FUNC, 0, 0], [BTF_KIND_FLOAT, 0, 0], [BTF_KIND_TYPE_TAG, 0, 0],
]) {
  EXTRA_FIXED[kind] = fixed;
  EXTRA_PER_ENTRY[kind] = perEntry;
}

/** Words after the 3-word btf_type header for a known kind, or -1 when the kind is unknown. */
export function extraWords(kind: number, vlen: number): number {
  // From tables, so that every kind takes the same path: the record walks that inline this are
  // not thrown away the first time a new kind comes by.
  if (!(kind >= 0 && kind < 128)) return -1;
  const fixed = EXTRA_FIXED[kind];
  return fixed < 0 ? -1 : fixed + vlen * EXTRA_PER_ENTRY[kind];
}

/** The layout table libbpf writes: [info_sz, elem_sz] per kind, flags 0. */
export const DEFAULT_LAYOUT: ReadonlyArray<readonly [number, number]> = [
  [0, 0], [4, 0], [0, 0], [12, 0], [0, 12], [0, 12], [0, 8], [0, 0], [0, 0], [0, 0],
  [0, 0], [0, 0], [0, 0], [0, 8], [4, 0], [0, 12], [0, 0], [4, 0], [0, 0], [0, 12],
];

// INT encoding word.
export function intEncoding(v: number): number {
  return (v >>> 24) & 0x0f;
}
export function intOffset(v: number): number {
  return (v >>> 16) & 0xff;
}
export function intBits(v: number): number {
  return v & 0xff;
}
export function makeIntWord(encoding: number, offset: number, bits: number): number {
  return (((encoding & 0x0f) << 24) | ((offset & 0xff) << 16) | (bits & 0xff)) >>> 0;
}

// Member offset word when the parent's kind_flag is set.
export function memberBitfieldSize(off: number): number {
  return off >>> 24;
}
export function memberBitOffset(off: number): number {
  return off & 0xffffff;
}

// Names and limits of the .BTF_ids conventions (include/linux/btf_ids.h, tools/bpf/resolve_btfids/main.c).

/** The section that holds the id slots. */
export const BTF_IDS_SECTION = '.BTF_ids';
/** Every slot and set symbol starts with this. */
export const BTF_ID_PREFIX = '__BTF_ID__';
/** Slot kind resolved against BTF_KIND_STRUCT. Kinds are prefix-matched in the order struct, union, typedef, func, set8, set. */
export const BTF_STRUCT = 'struct';
/** Slot kind resolved against BTF_KIND_UNION. */
export const BTF_UNION = 'union';
/** Slot kind resolved against BTF_KIND_TYPEDEF. */
export const BTF_TYPEDEF = 'typedef';
/** Slot kind resolved against BTF_KIND_FUNC. */
export const BTF_FUNC = 'func';
/** `struct btf_id_set8`: count word, flags word, then (id, flags) pairs. */
export const BTF_SET8 = 'set8';
/** `struct btf_id_set`: count word, then ids. */
export const BTF_SET = 'set';
/** `__BTF_ID__func__`: the prefix pahole's kfunc collection matches exactly. */
export const BTF_ID_FUNC_PFX = '__BTF_ID__func__';
/** `__BTF_ID__set8__`: the prefix of 8-byte sets. */
export const BTF_ID_SET8_PFX = '__BTF_ID__set8__';
/** resolve_btfids keeps at most this many slot addresses per name (`ADDR_CNT`); more is a failure. */
export const ADDR_CNT = 100;
/** `struct btf_id_set8.flags` bit saying the set lists kfuncs (`BTF_KFUNCS_START`). */
export const BTF_SET8_KFUNCS = 1 << 0;

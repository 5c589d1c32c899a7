// Public face of the .BTF_ids resolver that replaces the kernel's resolve_btfids.

/*
 * Problem. Kernel code names BTF types by name in `.BTF_ids` (include/linux/btf_ids.h): every
 * 4-byte slot has a local symbol `__BTF_ID__<kind>__<name>__<unique>`, and sets keep a count word
 * in front of their ids. After BTF exists, each slot must hold the type's id, each set its count,
 * and each set sorted, so the kernel can bsearch it.
 *
 * Example. `BTF_ID_LIST(l) BTF_ID(struct, sk_buff)` compiles to a zero word with symbol
 * `__BTF_ID__struct__sk_buff__12`; with `struct sk_buff` at id 2711 the word becomes 2711.
 *
 * Passes (tools/bpf/resolve_btfids/main.c, 6.12 behaviour, plus the later warning rules):
 *   1. collect: symbols in `.BTF_ids` with the `__BTF_ID__` prefix (symbols.ts);
 *   2. resolve: one scan over every type id of the BTF, first exact match per kind (resolve.ts);
 *   3. patch: ids into their slots, counts into sets, sets sorted, in the file's byte order (patch.ts).
 * Warnings (a name matching several types, a name matching none) are returned; with
 * `fatalWarnings` they become a BtfIdsError. Deviations: resolve_btfids writes the file and then
 * fails on fatal warnings, here nothing is written; misaligned or out-of-range slots and sets are
 * errors here where resolve_btfids would write out of bounds.
 */

export * from './constants.js';
export { BtfIdsError } from './errors.js';
export { collectBtfIds, parseBtfIdSymbol, compareBytes, BTF_ID_KINDS } from './symbols.js';
export type { BtfIdKind, BtfIdName, BtfIdSet, BtfIdsLayout, BtfIdsCollection, ParsedBtfIdSymbol } from './symbols.js';
export { resolveNames } from './resolve.js';
export type { ResolvedNames, BtfIdDuplicate } from './resolve.js';
export { patchBtfIdsData } from './patch.js';
export type { PatchOutcome, PatchOptions, BtfIdUnresolved } from './patch.js';
export { resolveBtfIds, resolveCollected, resolveBtfidsWarningLine, checkBtfIdsBlob } from './btfids.js';
export type { ResolveBtfIdsOptions, ResolveBtfIdsResult, BtfIdsWarning, BtfIdsStats } from './btfids.js';
export { resolveBtfIdsInElf, patchBtfIdsBlob } from './elf-edit.js';
export type { SignaturePolicy, ResolveElfOptions } from './elf-edit.js';
export { listKfuncs, kfuncSymbolName } from './kfuncs.js';
export type { KfuncEntry } from './kfuncs.js';
export { unresolveBtfIds } from './unresolve.js';
export type { UnresolvedBtfIds } from './unresolve.js';
export { readElfForBtfIds, writeBytesInPlace, loadBtfForResolution } from './io.js';
export type { SparseElf, ResolutionBtf } from './io.js';

// Looks up the collected .BTF_ids names in BTF: one pass over every type id, first match wins.

import type { Btf } from '../btf/model/btf.js';
import { ByteStringSet } from '../btf/model/strset.js';
import { BTF_KIND_FUNC, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_UNION, infoKind } from '../btf/wire/kinds.js';
import { BtfIdsError } from './errors.js';
import { BTF_ID_KINDS, type BtfIdKind, type BtfIdName, type BtfIdsLayout } from './symbols.js';

/** A name that matched more than one type; the first id is kept. */
export interface BtfIdDuplicate {
  kind: BtfIdKind;
  name: string;
  /** The id already chosen. */
  kept: number;
  /** The later id that was ignored. */
  other: number;
}

/** Result of `resolveNames`: an id per collected name (0 = not found) and the duplicates seen. */
export interface ResolvedNames {
  /** Per kind: the names in `layout.names` order and their ids in the scanned BTF (0 when not found). */
  entries: Record<BtfIdKind, { names: BtfIdName[]; ids: Uint32Array }>;
  /** Duplicate matches in the order the scan met them. */
  duplicates: BtfIdDuplicate[];
}

/** Index into BTF_ID_KINDS per BTF kind number, -1 for kinds never matched. */
const KIND_INDEX = new Int8Array(128).fill(-1);
KIND_INDEX[BTF_KIND_STRUCT] = 0;
KIND_INDEX[BTF_KIND_UNION] = 1;
KIND_INDEX[BTF_KIND_TYPEDEF] = 2;
KIND_INDEX[BTF_KIND_FUNC] = 3;

/**
 * Resolve every collected name against `btf`, as `symbols_resolve()` in resolve_btfids does:
 * scan type ids 1..typeCount-1 in order (a split BTF's base ids included), match FUNC, STRUCT,
 * UNION and TYPEDEF types by exact name (compared as bytes) within the same kind, keep the first
 * match and record later ones as duplicates. Like resolve_btfids, a kind stops being looked at
 * once as many names were resolved as it has slot symbols, so when every name of a kind is used
 * by one symbol only, duplicates after the last resolution are not reported.
 * @throws BtfIdsError when a candidate type's name offset is outside the string sections.
 */
export function resolveNames(layout: BtfIdsLayout, btf: Btf): ResolvedNames {
  const nk = BTF_ID_KINDS.length;
  const st: ScanState = {
    sets: [],
    slotOf: [],
    entries: {} as ResolvedNames['entries'],
    ids: [],
    names: [],
    remaining: new Int32Array(nk),
    left: 0,
    firstByte: new Uint8Array(nk * 256),
    lengths: new Uint8Array(nk * 256),
    duplicates: [],
  };
  BTF_ID_KINDS.forEach((kind, k) => {
    const names = [...layout.names[kind].values()];
    st.entries[kind] = { names, ids: new Uint32Array(names.length) };
    st.ids.push(st.entries[kind].ids);
    st.names.push(names);
    const set = new ByteStringSet(256);
    const slots = new Map<number, number>();
    names.forEach((n, i) => {
      slots.set(set.add(n.bytes, 0, n.bytes.length), i);
      st.firstByte[k * 256 + (n.bytes.length > 0 ? n.bytes[0] : 0)] = 1;
      st.lengths[k * 256 + (n.bytes.length & 255)] = 1;
    });
    st.sets.push(set);
    st.slotOf.push(slots);
    st.remaining[k] = names.length > 0 ? layout.symbolCounts[kind] : 0;
    st.left += st.remaining[k];
  });
  if (st.left > 0) {
    // Objects from the outermost base to `btf` itself: ids ascend through this list.
    const chain: Btf[] = [];
    for (let b: Btf | null = btf; b; b = b.base) chain.unshift(b);
    for (const b of chain) if (scanTypes(b, st)) break;
  }
  return { entries: st.entries, duplicates: st.duplicates };
}

/** What a scan carries from type to type. */
interface ScanState {
  /** Per kind index: the wanted names as a byte-string set, and set offset -> name index. */
  sets: ByteStringSet[];
  slotOf: Map<number, number>[];
  entries: ResolvedNames['entries'];
  /** The same as `entries`, by kind index (one access shape in the hot path). */
  ids: Uint32Array[];
  names: BtfIdName[][];
  /** Per kind index: slot symbols not yet accounted for (resolve_btfids' countdown). */
  remaining: Int32Array;
  /** Sum of `remaining`; the scan stops at 0. */
  left: number;
  /** Per kind index x 256: whether a wanted name starts with that byte / has that length mod 256. */
  firstByte: Uint8Array;
  lengths: Uint8Array;
  duplicates: BtfIdDuplicate[];
}

/**
 * The hot loop over one object's own types, kept small so that V8 optimizes it early (a CLI run
 * scans vmlinux's ~110k types once, mostly before the JIT has caught up with a larger function).
 * Returns true when every name is accounted for.
 */
function scanTypes(b: Btf, st: ScanState): boolean {
  const words = b.words;
  const offs = b.offs;
  const n = b.count;
  const strs = b.strs;
  const strStart = b.startStrOff;
  const strLen = b.strLen;
  const remaining = st.remaining;
  const firstByte = st.firstByte;
  for (let i = 0; i < n; i++) {
    const w = offs[i];
    const k = KIND_INDEX[infoKind(words[w + 1])];
    if (k < 0 || remaining[k] === 0) continue;
    const local = words[w] - strStart;
    // Names in this object's own strings are pre-filtered by first byte; others go the long way.
    if (local >= 0 && local < strLen && firstByte[(k << 8) | strs[local]] === 0) continue;
    if (matchType(b, i, k, st)) return true;
  }
  return false;
}

/** Look type `startId + i` of `b` (kind index `k`) up among the wanted names; true when done. */
function matchType(b: Btf, i: number, k: number, st: ScanState): boolean {
  const id = b.startId + i;
  const nameOff = b.words[b.offs[i]];
  // Find the string section holding nameOff (a split type may use base strings).
  let s: Btf | null = b;
  while (s && nameOff < s.startStrOff) s = s.base;
  const local = s ? nameOff - s.startStrOff : -1;
  if (!s || local >= s.strLen) {
    throw new BtfIdsError(`malformed BTF, can't resolve name for ID ${id} (name offset ${nameOff})`, { section: '.BTF' });
  }
  const strs = s.strs;
  if (st.firstByte[(k << 8) | strs[local]] === 0) return false;
  let end = strs.indexOf(0, local);
  if (end < 0 || end > s.strLen) end = s.strLen;
  if (st.lengths[(k << 8) | ((end - local) & 255)] === 0) return false;
  const at = st.sets[k].find(strs, local, end);
  if (at < 0) return false;
  const slot = st.slotOf[k].get(at) as number;
  const ids = st.ids[k];
  if (ids[slot] !== 0) {
    st.duplicates.push({ kind: BTF_ID_KINDS[k], name: st.names[k][slot].name, kept: ids[slot], other: id });
    return false;
  }
  ids[slot] = id;
  st.remaining[k]--;
  return --st.left === 0;
}

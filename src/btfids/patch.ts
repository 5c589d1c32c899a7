// Writes resolved ids and set counts into a copy of .BTF_ids and sorts the sets, in the file's byte order.

import { compareBytes, BTF_ID_KINDS, type BtfIdKind, type BtfIdSet, type BtfIdsLayout } from './symbols.js';
import type { ResolvedNames } from './resolve.js';

/** A name left at id 0 (not in the BTF, or mapped to 0 by `idMap`). */
export interface BtfIdUnresolved {
  kind: BtfIdKind;
  name: string;
}

/** What `patchBtfIdsData` wrote. */
export interface PatchOutcome {
  /** The new section bytes (same length as the input). */
  data: Uint8Array;
  /** Unresolved names in the order resolve_btfids reports them. */
  unresolved: BtfIdUnresolved[];
  /** Id slots written (set count words not included). */
  slots: number;
}

/** Options for `patchBtfIdsData`. */
export interface PatchOptions {
  /** Map a resolved id into the numbering to write (0 = treat as unresolved). */
  idMap?: (oldId: number) => number;
  /** Receives resolve_btfids-style trace lines (`patching addr ...`, `sorting  addr ...`). */
  debug?: (line: string) => void;
}

/** resolve_btfids keeps names in rb-trees ordered so that in-order walks visit them by descending strcmp. */
function descending<T extends { bytes: Uint8Array }>(list: T[]): T[] {
  return list.slice().sort((a, b) => compareBytes(b.bytes, a.bytes));
}

/**
 * Produce the patched section, as `symbols_patch()` and `sets_patch()` in resolve_btfids do:
 * every slot of a name gets its id (kinds in the order struct, union, typedef, func), every set's
 * first word gets its count from the symbol size, then each set's ids are sorted ascending and each
 * set8's (id, flags) pairs are sorted by id with the flags moving along; the set8 flags word is
 * kept. Words are read and written in the file's byte order, so the result is what resolve_btfids
 * writes on any host. Ids compare as signed 32-bit values, as its `cmp_id()` does; the sort is
 * stable (glibc's qsort usually is, but does not promise it).
 */
export function patchBtfIdsData(layout: BtfIdsLayout, resolved: ResolvedNames, opts: PatchOptions = {}): PatchOutcome {
  const data = new Uint8Array(layout.data); // a copy, also when the input is a Node Buffer (whose slice() is a view)
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = layout.le;
  const debug = opts.debug;
  const unresolved: BtfIdUnresolved[] = [];
  let slots = 0;

  for (const kind of BTF_ID_KINDS) {
    const { names, ids } = resolved.entries[kind];
    const order = descending(names.map((n, i) => ({ bytes: n.bytes, i })));
    for (const { i } of order) {
      const entry = names[i];
      let id = ids[i];
      if (id !== 0 && opts.idMap) id = opts.idMap(id) >>> 0;
      if (id === 0) unresolved.push({ kind, name: entry.name });
      for (const off of entry.offsets) {
        if (debug) debug(`patching addr ${String(off).padStart(5)}: ID ${String(id).padStart(7)} [${entry.name}]`);
        view.setUint32(off, id, le);
        slots++;
      }
    }
  }

  const sets = descending([...layout.sets.values()].map((s) => ({ bytes: Buffer.from(s.name, 'latin1'), s })));
  for (const { s } of sets) {
    if (debug) debug(`patching addr ${String(s.offset).padStart(5)}: ID ${String(s.cnt).padStart(7)} [${s.name}]`);
    view.setUint32(s.offset, s.cnt, le);
  }
  for (const { s } of sets) {
    sortSet(view, le, s);
    if (debug) debug(`sorting  addr ${String(s.offset).padStart(5)}: cnt ${String(s.cnt).padStart(6)} [${s.name}]`);
  }
  return { data, unresolved, slots };
}

/** Sort one set in place: ids ascending (set) or (id, flags) pairs by id (set8). */
function sortSet(view: DataView, le: boolean, s: BtfIdSet): void {
  if (s.cnt < 2) return;
  if (s.kind === 'set') {
    const base = s.offset + 4;
    const ids = new Int32Array(s.cnt);
    for (let i = 0; i < s.cnt; i++) ids[i] = view.getInt32(base + i * 4, le);
    ids.sort();
    for (let i = 0; i < s.cnt; i++) view.setInt32(base + i * 4, ids[i], le);
    return;
  }
  const base = s.offset + 8;
  const pairs: { id: number; flags: number }[] = [];
  for (let i = 0; i < s.cnt; i++) pairs.push({ id: view.getInt32(base + i * 8, le), flags: view.getUint32(base + i * 8 + 4, le) });
  pairs.sort((a, b) => a.id - b.id);
  pairs.forEach((p, i) => {
    view.setInt32(base + i * 8, p.id, le);
    view.setUint32(base + i * 8 + 4, p.flags, le);
  });
}

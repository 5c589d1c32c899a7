// Turns resolved .BTF_ids bytes back into what the compiler emitted, to re-run resolution on shipped files.

import type { Btf } from '../btf/model/btf.js';
import type { ElfFile } from '../elf/file.js';
import { BtfIdsError } from './errors.js';
import { resolveNames } from './resolve.js';
import { BTF_ID_KINDS, collectBtfIds } from './symbols.js';

/** `unresolveBtfIds` result. */
export interface UnresolvedBtfIds {
  /** The section as compiled: id slots, set counts and set contents zeroed, set8 flags back at their symbols. */
  data: Uint8Array;
  /** set8 pairs whose flags could not be matched to a symbol by id (left in place). */
  unmatched: number;
}

/**
 * Undo resolution of an ELF's `.BTF_ids`: zero every id slot and set count, zero every set's id
 * array, and for each set8 move each pair's flags back to the slot of the function symbol whose
 * id it carries (sorting moved them). The ids of the symbols come from resolving their names in
 * `btf`, so an id that no shipped pair carries leaves that pair's flags unmatched (counted).
 * Resolving the result again must give the shipped bytes back; resolving shipped bytes directly
 * does not, because the sorted flags no longer sit at their symbols' slots.
 * @throws BtfIdsError when the ELF has no `.BTF_ids` or no symbol table.
 */
export function unresolveBtfIds(elf: ElfFile, btf: Btf): UnresolvedBtfIds {
  const c = collectBtfIds(elf);
  if (!c.found) throw new BtfIdsError(c.reason, { file: elf.fileName });
  const { layout } = c;
  const resolved = resolveNames(layout, btf);
  const le = layout.le;
  const src = new DataView(layout.data.buffer, layout.data.byteOffset, layout.data.byteLength);
  const data = new Uint8Array(layout.data); // a copy, also when the input is a Node Buffer (whose slice() is a view)
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);

  // Slot offset -> id the slot's name resolves to.
  const slotId = new Map<number, number>();
  for (const kind of BTF_ID_KINDS) {
    const { names, ids } = resolved.entries[kind];
    names.forEach((n, i) => {
      for (const off of n.offsets) {
        slotId.set(off, ids[i]);
        view.setUint32(off, 0, le);
      }
    });
  }

  let unmatched = 0;
  for (const s of layout.sets.values()) {
    view.setUint32(s.offset, 0, le);
    if (s.kind === 'set') {
      for (let i = 0; i < s.cnt; i++) view.setUint32(s.offset + 4 + i * 4, 0, le);
      continue;
    }
    const base = s.offset + 8;
    // Flags by id as shipped (queues keep duplicates apart in order).
    const byId = new Map<number, number[]>();
    for (let i = 0; i < s.cnt; i++) {
      const id = src.getUint32(base + i * 8, le);
      const q = byId.get(id);
      if (q) q.push(src.getUint32(base + i * 8 + 4, le));
      else byId.set(id, [src.getUint32(base + i * 8 + 4, le)]);
    }
    for (let i = 0; i < s.cnt; i++) {
      const off = base + i * 8;
      view.setUint32(off, 0, le);
      const id = slotId.get(off);
      const flags = id === undefined ? undefined : byId.get(id)?.shift();
      if (flags === undefined) unmatched++;
      else view.setUint32(off + 4, flags, le);
    }
  }
  return { data, unmatched };
}

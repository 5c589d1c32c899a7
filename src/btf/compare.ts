// Order-independent comparison of two BTF type graphs over the same base.
//
// Two BTFs describe the same types when deduplicating them together maps every type of one onto
// a type of the other: the combined BTF (A's types, then B's) is deduplicated and the sets of
// canonical ids reached from A and from B are compared. VAR and DATASEC are never merged by
// dedup, so they are compared by name and canonical type (DATASEC: by name and entries), and so
// are DECL_TAGs on a VAR.

import { BtfError } from '../common/errors.js';
import { Btf } from './model/btf.js';
import { forEachStrField, forEachTypeIdField } from './model/fields.js';
import { dedupBtfWithMap } from './dedup/index.js';
import { BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_VAR, kindName } from './wire/kinds.js';

/** Result of compareBtf. */
export interface BtfComparison {
  equal: boolean;
  /** Types of A (own ids) with no equal type in B, described. */
  onlyInA: string[];
  /** Types of B (own ids) with no equal type in A, described. */
  onlyInB: string[];
  countA: number;
  countB: number;
}

function describe(btf: Btf, id: number): string {
  const k = btf.kind(id);
  const n = btf.nameOff(id) ? `'${btf.name(id)}'` : '(anon)';
  return `[${id}] ${kindName(k)} ${n}`;
}

/** Append B's own types to a copy of A's (B's ids and strings shifted), as one BTF over A's base. */
function concat(a: Btf, b: Btf): Btf {
  const out = new Btf({ base: a.base, le: a.le });
  const copy = (src: Btf, shift: number) => {
    for (let i = 0; i < src.count; i++) {
      const { words, off, len } = src.record(src.startId + i);
      const rec = words.slice(off, off + len);
      forEachTypeIdField(rec, 0, (wi) => { if (rec[wi] >= src.startId) rec[wi] += shift; });
      forEachStrField(rec, 0, (wi) => { if (rec[wi]) rec[wi] = out.addStr(src.str(rec[wi])); });
      out.addRecord(rec);
    }
  };
  copy(a, 0);
  copy(b, a.count);
  return out;
}

/**
 * Compare the own types of `a` and `b` as graphs. Both must have the same base (or none).
 * @throws BtfError when the bases differ.
 */
export function compareBtf(a: Btf, b: Btf, opts: { maxListed?: number } = {}): BtfComparison {
  if (a.base !== b.base) throw new BtfError('compared BTFs must be split over the same base object (or both be base BTF)');
  const max = opts.maxListed ?? 50;
  const all = concat(a, b);
  const { map } = dedupBtfWithMap(all);
  const start = a.startId;
  const isVar = (id: number): boolean => id !== 0 && all.kind(id) === BTF_KIND_VAR;
  const key = (id: number): string => {
    // VAR, DATASEC and DECL_TAG on a VAR (never merged by dedup): by name and what they refer to,
    // canonically; anything else by its canonical id.
    const k = all.kind(id);
    if (k === BTF_KIND_VAR) return `V:${all.name(id)}:${map[all.sizeType(id)]}:${all.extra(id, 0)}`;
    if (k === BTF_KIND_DECL_TAG && isVar(all.sizeType(id))) return `G:${all.name(id)}:${key(all.sizeType(id))}:${all.extra(id, 0)}`;
    if (k !== BTF_KIND_DATASEC) return `T:${map[id]}`;
    const { words, off } = all.record(id);
    const refs: string[] = [];
    // Entries name input ids: a VAR by its own key, anything else by its canonical id.
    forEachTypeIdField(words, off, (wi) => {
      const r = words[wi];
      refs.push(r !== 0 && all.kind(r) === BTF_KIND_VAR ? key(r) : String(map[r]));
    });
    const extra = [];
    for (let i = 0; i < all.vlen(id); i++) extra.push(all.extra(id, i * 3 + 1), all.extra(id, i * 3 + 2));
    return `D:${all.name(id)}:${all.sizeType(id)}:${refs.join(',')}:${extra.join(',')}`;
  };
  const setOf = (from: number, count: number) => {
    const s = new Map<string, number>();
    for (let id = from; id < from + count; id++) {
      const k = all.kind(id);
      const byKey = k === BTF_KIND_VAR || k === BTF_KIND_DATASEC || (k === BTF_KIND_DECL_TAG && isVar(all.sizeType(id)));
      // A type equal to a base type is a leftover duplicate of it, not a type of its own.
      if (!byKey && map[id] < start) continue;
      const kk = byKey ? key(id) : `T:${map[id]}`;
      if (!s.has(kk)) s.set(kk, id);
    }
    return s;
  };
  const sa = setOf(start, a.count);
  const sb = setOf(start + a.count, b.count);
  const onlyInA: string[] = [];
  const onlyInB: string[] = [];
  for (const [k, id] of sa) if (!sb.has(k) && onlyInA.length < max) onlyInA.push(describe(a, id));
  for (const [k, id] of sb) if (!sa.has(k) && onlyInB.length < max) onlyInB.push(describe(b, id - a.count));
  let equal = true;
  for (const k of sa.keys()) if (!sb.has(k)) { equal = false; break; }
  if (equal) for (const k of sb.keys()) if (!sa.has(k)) { equal = false; break; }
  return { equal, onlyInA, onlyInB, countA: a.count, countB: b.count };
}

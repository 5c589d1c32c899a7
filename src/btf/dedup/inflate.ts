// Undo deduplication on purpose, for tests and benchmarks: per-CU copies of types, as an encoder
// that works one compilation unit at a time would produce them before dedup.

import { BtfError } from '../../common/errors.js';
import { Btf } from '../model/btf.js';
import { forEachTypeIdField } from '../model/fields.js';
import { BTF_KIND_DATASEC, BTF_KIND_VAR } from '../wire/kinds.js';

function refsOf(btf: Btf, id: number, out: number[]): void {
  const { words, off } = btf.record(id);
  forEachTypeIdField(words, off, (wi) => out.push(words[wi]));
}

/** Append a copy of type `id` of `src` to `out`, type ids mapped by `mapRef`, names re-added. */
function copyType(out: Btf, src: Btf, id: number, mapRef: (r: number) => number): void {
  const { words, off, len } = src.record(id);
  const rec = Array.from(words.subarray(off, off + len));
  forEachTypeIdField(words, off, (wi) => { rec[wi - off] = mapRef(words[wi]); });
  const kind = (rec[1] >>> 24) & 0x7f;
  const vlen = rec[1] & 0xffffff;
  const strIdx = [0];
  if (kind === 4 || kind === 5 || kind === 19) for (let i = 0; i < vlen; i++) strIdx.push(3 + i * 3);
  else if (kind === 6 || kind === 13) for (let i = 0; i < vlen; i++) strIdx.push(3 + i * 2);
  for (const si of strIdx) if (rec[si] !== 0) rec[si] = out.addStr(src.str(rec[si]));
  out.addRecord(rec);
}

/**
 * Re-inflate deduplicated split BTF: its types repeated once per unit (`cus`), and in each unit
 * the base types they reference replaced by full copies, followed `depth` levels deep. VAR and
 * DATASEC appear once, in the first unit, as a real encoder emits them (dedup never merges them).
 * Deduplicating the result must give the same bytes as deduplicating the input.
 */
export function reinflateSplit(split: Btf, opts: { cus?: number; depth?: number } = {}): Btf {
  const cus = opts.cus ?? 3;
  const depth = opts.depth ?? 2;
  const base = split.base;
  if (!base) throw new BtfError('re-inflation needs split BTF');
  const out = new Btf({ base });
  const start = split.startId;
  const end = split.typeCount;
  const firstUnit = new Map<number, number>();
  for (let cu = 0; cu < cus; cu++) {
    const unitId = new Map<number, number>();
    let nid = out.typeCount;
    for (let id = start; id < end; id++) {
      const k = split.kind(id);
      if (cu > 0 && (k === BTF_KIND_VAR || k === BTF_KIND_DATASEC)) unitId.set(id, firstUnit.get(id)!);
      else unitId.set(id, nid++);
    }
    if (cu === 0) for (const [k, v] of unitId) firstUnit.set(k, v);
    // Base types this unit copies, breadth first from the split types' references.
    const copyId = new Map<number, number>();
    const order: number[] = [];
    let frontier: number[] = [];
    for (let id = start; id < end; id++) refsOf(split, id, frontier);
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: number[] = [];
      for (const r of frontier) {
        if (r <= 0 || r >= start || copyId.has(r)) continue;
        const k = base.kind(r);
        if (k === BTF_KIND_VAR || k === BTF_KIND_DATASEC) continue;
        copyId.set(r, -1);
        order.push(r);
        refsOf(base, r, next);
      }
      frontier = next;
    }
    for (const r of order) copyId.set(r, nid++);
    const mapRef = (r: number) => (r >= start ? unitId.get(r)! : copyId.get(r) ?? r);
    for (let id = start; id < end; id++) {
      const k = split.kind(id);
      if (cu === 0 || (k !== BTF_KIND_VAR && k !== BTF_KIND_DATASEC)) copyType(out, split, id, mapRef);
    }
    for (const r of order) copyType(out, base, r, mapRef);
  }
  return out;
}

/**
 * Whole-BTF inflation for benchmarks: a base BTF whose every STRUCT/UNION, with the types that
 * lead to it, is present `copies` times (copy k refers to copy k's types). Dedup returns the input.
 */
export function duplicateBase(btf: Btf, copies: number): Btf {
  if (btf.base) throw new BtfError('duplicateBase needs base BTF');
  const out = new Btf();
  const n = btf.count;
  for (let c = 0; c < copies; c++) {
    const shift = c * n;
    for (let id = 1; id < btf.typeCount; id++) {
      const k = btf.kind(id);
      if (c > 0 && (k === BTF_KIND_VAR || k === BTF_KIND_DATASEC)) {
        // Keep the id space regular with a harmless duplicate of an existing INT.
        copyType(out, btf, firstInt(btf), (r) => r);
        continue;
      }
      copyType(out, btf, id, (r) => (r === 0 ? 0 : r + shift));
    }
  }
  return out;
}

function firstInt(btf: Btf): number {
  for (let id = 1; id < btf.typeCount; id++) if (btf.kind(id) === 1) return id;
  throw new BtfError('no INT type');
}

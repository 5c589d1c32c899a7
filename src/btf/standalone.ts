// Standalone module BTF (no base) and the split-looking view of it the standalone-BTF proposal
// gave at load time; and merging module BTF into one self-contained BTF with its vmlinux.

import { BtfError } from '../common/errors.js';
import { Btf } from './model/btf.js';
import { forEachStrField, forEachTypeIdField } from './model/fields.js';
import { dedupBtf } from './dedup/index.js';

/**
 * Self-contained BTF for split BTF `split`: every base type it reaches (transitively, members
 * included) is copied in, in base order, followed by the split types; ids start at 1.
 */
export function standaloneFromSplit(split: Btf): Btf {
  const base = split.base;
  if (!base) throw new BtfError('standalone conversion needs split BTF');
  const start = split.startId;
  const need = new Uint8Array(start);
  const stack: number[] = [];
  const visit = (src: Btf, id: number) => {
    const { words, off } = src.record(id);
    forEachTypeIdField(words, off, (wi) => {
      const r = words[wi];
      if (r > 0 && r < start && !need[r]) { need[r] = 1; stack.push(r); }
    });
  };
  for (let id = start; id < split.typeCount; id++) visit(split, id);
  while (stack.length) visit(base, stack.pop()!);
  const map = new Uint32Array(split.typeCount);
  let next = 1;
  for (let id = 1; id < start; id++) if (need[id]) map[id] = next++;
  for (let id = start; id < split.typeCount; id++) map[id] = next++;
  const out = new Btf({ le: split.le });
  const copy = (src: Btf, id: number) => {
    const { words, off, len } = src.record(id);
    const rec = words.slice(off, off + len);
    forEachTypeIdField(rec, 0, (wi) => { rec[wi] = map[rec[wi]]; });
    forEachStrField(rec, 0, (wi) => { if (rec[wi]) rec[wi] = out.addStr(src.str(rec[wi])); });
    out.addRecord(rec);
  };
  for (let id = 1; id < start; id++) if (need[id]) copy(base, id);
  for (let id = start; id < split.typeCount; id++) copy(split, id);
  return out;
}

/**
 * The split-looking view of standalone BTF `alone` over `base`: type ids moved after the base's
 * (id + base types) and string offsets after the base's strings, types and strings unchanged.
 * It refers to no base type: every type is its own copy.
 */
export function renumberAsSplit(alone: Btf, base: Btf): Btf {
  if (alone.base) throw new BtfError('renumbering needs standalone BTF (it has a base)');
  const idShift = base.typeCount - 1;
  const strShift = base.startStrOff + base.strLen;
  const words = alone.words.slice(0, alone.wordLen);
  for (let i = 0; i < alone.count; i++) {
    const o = alone.offs[i];
    forEachTypeIdField(words, o, (wi) => { if (words[wi]) words[wi] += idShift; });
    forEachStrField(words, o, (wi) => { if (words[wi]) words[wi] += strShift; });
  }
  return new Btf({
    base, le: alone.le, words, wordLen: alone.wordLen, offs: alone.offs.slice(0, alone.count + 1), count: alone.count,
    strs: alone.strs.slice(0, alone.strLen), strLen: alone.strLen,
  });
}

/**
 * One self-contained BTF holding `base` and every module's split types, deduplicated so each
 * module type is merged into an equal type once (base types keep their ids).
 */
export function mergeModules(base: Btf, modules: Btf[]): Btf {
  if (base.base) throw new BtfError('the merge base must be a base BTF');
  let words = base.wordLen;
  let count = base.count;
  let strLen = base.strLen;
  for (const m of modules) {
    if (m.base !== base) throw new BtfError('every module must be split BTF over the merge base');
    words += m.wordLen;
    count += m.count;
    strLen += m.strLen;
  }
  const w = new Uint32Array(words);
  const offs = new Uint32Array(count + 1);
  const strs = new Uint8Array(strLen);
  w.set(base.words.subarray(0, base.wordLen));
  offs.set(base.offs.subarray(0, base.count));
  strs.set(base.strs.subarray(0, base.strLen));
  let wp = base.wordLen;
  let n = base.count;
  let sp = base.strLen;
  for (const m of modules) {
    const idShift = n + 1 - m.startId;
    const strShift = sp - m.startStrOff;
    w.set(m.words.subarray(0, m.wordLen), wp);
    for (let i = 0; i < m.count; i++) {
      const o = wp + m.offs[i];
      offs[n + i] = o;
      forEachTypeIdField(w, o, (wi) => { if (w[wi] >= m.startId) w[wi] += idShift; });
      forEachStrField(w, o, (wi) => { if (w[wi] >= m.startStrOff) w[wi] += strShift; });
    }
    strs.set(m.strs.subarray(0, m.strLen), sp);
    wp += m.wordLen;
    n += m.count;
    sp += m.strLen;
  }
  offs[count] = wp;
  const all = new Btf({ le: base.le, words: w, wordLen: wp, offs, count, strs, strLen: sp });
  all.stringsDeduped = false;
  return dedupBtf(all);
}

// Shared pieces of the encoder tests: fixture loading, pahole's expected BTF and a comparison that also checks DATASECs.

import { Btf } from '../../src/btf/index.js';
import { compareBtf, type BtfComparison } from '../../src/btf/compare.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { BTF_KIND_DATASEC } from '../../src/btf/index.js';
import { parseElf, type ElfFile } from '../../src/elf/index.js';
import { fixture } from '../helpers/testdata.js';

/** A fresh parsed copy of a testdata/encoder object. */
export function loadObject(name: string): ElfFile {
  return parseElf(fixture(`encoder/${name}`).slice(), name);
}

/** pahole 1.30's BTF for a fixture (base BTF, no base object). */
export function expectedBtf(name: string): Btf {
  return btfFromBytes(fixture(`encoder/${name}`).slice(), name).btf;
}

/** DATASECs of a BTF as sortable strings: name, size and (variable name, offset, size) entries. */
function datasecs(x: Btf): string[] {
  const out: string[] = [];
  for (let id = x.startId; id < x.typeCount; id++) {
    if (x.kind(id) !== BTF_KIND_DATASEC) continue;
    const ents: string[] = [];
    for (let i = 0; i < x.vlen(id); i++) ents.push(`${x.name(x.extra(id, i * 3))}@${x.extra(id, i * 3 + 1)}+${x.extra(id, i * 3 + 2)}`);
    out.push(`${x.name(id)}:${x.sizeType(id)}:${ents.join(',')}`);
  }
  return out.sort();
}

/** A copy without DATASEC records (nothing refers to them, so ids stay valid when they are last). */
function withoutDatasecs(x: Btf): Btf {
  const out = new Btf({ base: x.base, le: x.le, strs: x.strs, strLen: x.strLen });
  for (let id = x.startId; id < x.typeCount; id++) {
    if (x.kind(id) === BTF_KIND_DATASEC) continue;
    const { words, off, len } = x.record(id);
    out.addRecord(words.slice(off, off + len));
  }
  return out;
}

/**
 * compareBtf on the types, plus an exact check of DATASEC contents (compareBtf's DATASEC keys use
 * deduplicated ids for the variables, which makes equal DATASECs differ).
 */
export function compareEncoded(a: Btf, b: Btf): BtfComparison {
  const cmp = compareBtf(withoutDatasecs(a), withoutDatasecs(b));
  const da = datasecs(a);
  const db = datasecs(b);
  const onlyA = da.filter((s) => !db.includes(s));
  const onlyB = db.filter((s) => !da.includes(s));
  return {
    ...cmp,
    equal: cmp.equal && onlyA.length === 0 && onlyB.length === 0,
    onlyInA: [...cmp.onlyInA, ...onlyA.map((s) => `DATASEC ${s}`)],
    onlyInB: [...cmp.onlyInB, ...onlyB.map((s) => `DATASEC ${s}`)],
    countA: a.count,
    countB: b.count,
  };
}

/** Types of a BTF as "KIND 'name'" lines, for readable assertions. */
export function kindsAndNames(x: Btf): string[] {
  const out: string[] = [];
  for (let id = x.startId; id < x.typeCount; id++) out.push(`${x.kind(id)} ${x.nameOff(id) ? x.name(id) : ''}`);
  return out;
}

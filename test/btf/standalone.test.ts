import { describe, it, expect } from 'vitest';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { standaloneFromSplit, renumberAsSplit, mergeModules } from '../../src/btf/standalone.js';
import { compareBtf } from '../../src/btf/compare.js';
import { dedupBtf } from '../../src/btf/dedup/index.js';
import { validateBtf } from '../../src/btf/validate.js';
import { fixture, MODULES } from '../helpers/testdata.js';

describe('standalone module BTF', () => {
  const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
  const mod = (m: string) => btfFromBytes(fixture(`modules/${m}.ko`), m, { base: vmlinux }).btf;

  it('is self-contained, valid, and renumbers into a split-looking view equal to the original graph', () => {
    const bbr = mod('tcp_bbr');
    const alone = dedupBtf(standaloneFromSplit(bbr));
    expect(alone.base).toBeNull();
    expect(alone.startId).toBe(1);
    expect(alone.count).toBeGreaterThan(bbr.count);
    expect(validateBtf(alone)).toEqual([]);
    const bytes = serializeBtf(alone);
    const view = renumberAsSplit(parseBtf(bytes), vmlinux);
    expect(view.startId).toBe(vmlinux.typeCount);
    expect(view.count).toBe(alone.count);
    // Ids and strings sit after the base's; no type refers into the base.
    for (let id = view.startId; id < view.typeCount; id++) expect(view.name(id)).toBe(alone.name(id - vmlinux.count));
    expect(compareBtf(bbr, view).equal).toBe(true);
  });

  it('merge of vmlinux and all fixture modules keeps vmlinux ids and finds every module type', () => {
    const mods = MODULES.map(mod);
    const merged = mergeModules(vmlinux, mods);
    expect(validateBtf(merged)).toEqual([]);
    for (let id = 1; id < 2000; id++) expect(merged.name(id)).toBe(vmlinux.name(id));
    const names = new Set<string>();
    for (let id = 1; id < merged.typeCount; id++) names.add(`${merged.kind(id)}:${merged.name(id)}`);
    for (const m of mods) for (let id = m.startId; id < m.typeCount; id++) if (m.nameOff(id)) expect(names.has(`${m.kind(id)}:${m.name(id)}`)).toBe(true);
    expect(merged.count).toBeLessThan(vmlinux.count + mods.reduce((n, m) => n + m.count, 0));
  });
});

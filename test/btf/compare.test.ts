import { describe, it, expect } from 'vitest';
import { parseBtf } from '../../src/btf/index.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { compareBtf } from '../../src/btf/compare.js';
import { dedupBtf } from '../../src/btf/dedup/index.js';
import { reinflateSplit } from '../../src/btf/dedup/inflate.js';
import { distillBase } from '../../src/btf/distill/index.js';
import { relocateBtf } from '../../src/btf/relocate/index.js';
import { fixture } from '../helpers/testdata.js';

describe('graph comparison', () => {
  const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
  const mod = (m: string) => btfFromBytes(fixture(`modules/${m}.ko`), m, { base: vmlinux }).btf;
  it('a module equals its re-inflated and deduplicated self, in another order', () => {
    const nf = mod('nf_conntrack');
    expect(compareBtf(nf, dedupBtf(reinflateSplit(nf, { cus: 2, depth: 1 }))).equal).toBe(true);
  });
  it('a module equals its distilled-and-relocated self (moved types are copies of base types)', () => {
    const bbr = mod('tcp_bbr');
    expect(compareBtf(bbr, relocateBtf(distillBase(bbr).split, vmlinux).btf).equal).toBe(true);
  });
  it('a BTF with tags on variables equals itself (VARs and their DECL_TAGs are never merged)', () => {
    const tags = parseBtf(fixture('encoder/tags.btf'));
    expect(compareBtf(tags, parseBtf(fixture('encoder/tags.btf'))).equal).toBe(true);
  });
  it('different modules differ, and the differences are named', () => {
    const r = compareBtf(mod('tcp_bbr'), mod('tcp_dctcp'));
    expect(r.equal).toBe(false);
    expect(r.onlyInA.some((s) => s.includes("'bbr'"))).toBe(true);
    expect(r.onlyInB.some((s) => s.includes("'dctcp'"))).toBe(true);
  });
});

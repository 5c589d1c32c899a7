import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { Btf, parseBtf, serializeBtf } from '../../src/btf/index.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { dedupBtf } from '../../src/btf/dedup/index.js';
import { reinflateSplit, duplicateBase } from '../../src/btf/dedup/inflate.js';
import { fixture, fixtureText, MODULES } from '../helpers/testdata.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

// The expected outputs were produced by libbpf's own btf__dedup (Debian libbpf 1.5) on the same
// inputs by scripts/make-testdata.sh.
describe('dedup of real BTF equals libbpf byte for byte', () => {
  const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
  it('6.12 vmlinux BTF', () => {
    expect(sha(serializeBtf(dedupBtf(vmlinux)))).toBe(fixtureText('btf/vmlinux-6.12.libbpf-dedup.sha256').trim());
  });
  it('host BTF (DECL_TAG, TYPE_TAG, ENUM64)', () => {
    const host = parseBtf(fixture('btf/host.btf.gz'));
    expect(sha(serializeBtf(dedupBtf(host)))).toBe(fixtureText('btf/host.libbpf-dedup.sha256').trim());
  });
  it('in place (consume) on a built BTF gives the same bytes and leaves the input empty', () => {
    // Records appended one by one leave zero slack after the last one, which the in-place run uses.
    const build = () => {
      const b = new Btf({ le: vmlinux.le });
      for (let id = 1; id < vmlinux.typeCount; id++) {
        const { words, off, len } = vmlinux.record(id);
        b.addRecord(words.subarray(off, off + len));
      }
      b.strs = vmlinux.strs.slice(0, vmlinux.strLen);
      b.strLen = vmlinux.strLen;
      b.stringsDeduped = false;
      return b;
    };
    const built = build();
    const consumed = serializeBtf(dedupBtf(built, { consume: true }));
    expect(built.count).toBe(0);
    expect(same(consumed, serializeBtf(dedupBtf(build())))).toBe(true);
    expect(sha(consumed)).toBe(fixtureText('btf/vmlinux-6.12.libbpf-dedup.sha256').trim());
  });
  it.each(MODULES)('module %s as split BTF over vmlinux', (m) => {
    const { btf } = btfFromBytes(fixture(`modules/${m}.ko`), m, { base: vmlinux });
    const ours = serializeBtf(dedupBtf(btf));
    expect(same(ours, fixture(`modules/${m}.libbpf-dedup.btf`))).toBe(true);
    // And our output is a fixpoint.
    expect(same(serializeBtf(dedupBtf(parseBtf(ours, { base: vmlinux }))), ours)).toBe(true);
  });
});

describe('dedup undoes per-CU duplication', () => {
  const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
  it.each(MODULES)('module %s re-inflated to 3 CUs with base copies comes back', (m) => {
    const { btf } = btfFromBytes(fixture(`modules/${m}.ko`), m, { base: vmlinux });
    const inflated = reinflateSplit(btf, { cus: 3, depth: 2 });
    expect(inflated.count).toBeGreaterThan(btf.count * 3);
    expect(same(serializeBtf(dedupBtf(inflated)), serializeBtf(dedupBtf(btf)))).toBe(true);
  });
  it('the 6.12 vmlinux BTF present twice collapses to one copy', () => {
    const twice = duplicateBase(vmlinux, 2);
    expect(twice.count).toBe(vmlinux.count * 2);
    const d = dedupBtf(twice);
    expect(d.count).toBe(vmlinux.count);
  });
});

describe('dedup of types that loop', () => {
  it('a typedef that is its own type stops with a reference loop error, as libbpf 1.5 (-ELOOP)', async () => {
    const { buildBtf } = await import('../helpers/btf-build.js');
    const { BtfError } = await import('../../src/common/errors.js');
    // The candidate struct's two members are typedefs that are their own types: its comparison
    // with the canonical struct fails (typedefs are no duplicates the identical-type check accepts),
    // then the reference pass meets the typedef loop.
    const btf = buildBtf([
      ['TYPEDEF', 'T', 1], // [1]
      ['STRUCT', 'S', 8, [['a', 1, 0], ['b', 1, 32]]], // [2]
      ['STRUCT', 'S', 8, [['a', 4, 0], ['b', 5, 32]]], // [3]
      ['TYPEDEF', 'T', 4], // [4]
      ['TYPEDEF', 'T', 5], // [5]
    ]);
    expect(() => dedupBtf(btf)).toThrow(BtfError);
    expect(() => dedupBtf(btf)).toThrow('dedup: type [1] is part of a reference loop not broken by a struct or union');
  });
  it('a struct that holds itself by value stops with an error where libbpf would recurse until it crashed', async () => {
    const { buildBtf } = await import('../helpers/btf-build.js');
    const { BtfError } = await import('../../src/common/errors.js');
    // Comparing P [3] with P [2] maps X [1] to X [4] first, then meets X [5] for X [1]: the check
    // for identical duplicates compares [4] with [5], whose members are [4] and [5] again.
    const btf = buildBtf([
      ['STRUCT', 'X', 4, [['m', 1, 0]]], // [1]
      ['STRUCT', 'P', 8, [['a', 1, 0], ['b', 1, 32]]], // [2]
      ['STRUCT', 'P', 8, [['a', 4, 0], ['b', 5, 32]]], // [3]
      ['STRUCT', 'X', 4, [['m', 4, 0]]], // [4]
      ['STRUCT', 'X', 4, [['m', 5, 0]]], // [5]
    ]);
    expect(() => dedupBtf(btf)).toThrow(BtfError);
    expect(() => dedupBtf(btf)).toThrow('dedup: type [4] holds itself by value');
  });
});

describe('enum dedup', () => {
  it('maps anonymous enums by content, and forward enums to their full enum, in every order', async () => {
    const { buildBtf } = await import('../helpers/btf-build.js');
    const { dedupBtfWithMap } = await import('../../src/btf/dedup/index.js');
    const specs = [
      ['ENUM', 0, 4, [['A', 0]]], // [1]
      ['ENUM', 0, 4, [['A', 1]]], // [2]
      ['ENUM', 0, 4, [['A', 0]]], // [3] = [1]
      ['ENUM', 'e', 4, []], // [4] forward
      ['ENUM', 'e', 4, [['X', 1]]], // [5] full: [4] resolves to it
      ['ENUM', 'e', 4, [['X', 1]]], // [6] = [5]
      ['ENUM64', 0, 8, [['A', 0]]], // [7] not an ENUM's equal
      ['ENUM', 0, 4, [['A', 1]]], // [8] = [2]
    ] as const;
    const { btf, map } = dedupBtfWithMap(buildBtf(specs));
    expect(btf.typeCount - 1).toBe(4);
    expect(Array.from(map)).toEqual([0, 1, 2, 1, 3, 3, 3, 4, 2]);
  });
});

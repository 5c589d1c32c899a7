// Taking over the tail of a worker's run of units (src/encoder/claim.ts) and merging it.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_CLAIM_UNITS, UnitClaim, halfBySize } from '../../src/encoder/claim.js';
import { Encoder } from '../../src/encoder/encoder.js';
import { parseFeatureLists } from '../../src/encoder/index.js';
import { openDwarf } from '../../src/dwarf/index.js';
import { parseElf } from '../../src/elf/index.js';
import { listKfuncs } from '../../src/btfids/index.js';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { fixture, ROOT } from '../helpers/testdata.js';

describe('UnitClaim', () => {
  it('lets the worker start its units in order until the run ends', () => {
    const c = UnitClaim.create(3, 6)!;
    expect(c.state()).toEqual({ next: 3, end: 6 });
    expect([3, 4, 5, 6].map((u) => c.start(u))).toEqual([true, true, true, false]);
    expect(c.state()).toEqual({ next: 6, end: 6 });
    // Nothing left to take.
    expect(c.takeTail(() => 0)).toBeNull();
  });

  it('hands the first thread the units from the split on, which the worker then does not start', () => {
    const c = UnitClaim.create(10, 20)!;
    expect(c.start(10)).toBe(true);
    const seen: Array<[number, number]> = [];
    const t = c.takeTail((next, end) => (seen.push([next, end]), 15));
    expect(seen).toEqual([[11, 20]]);
    expect(t).toEqual({ from: 15, to: 20 });
    expect([11, 12, 13, 14, 15].map((u) => c.start(u))).toEqual([true, true, true, true, false]);
    // A second take-over finds nothing past the worker.
    expect(c.takeTail((next, end) => (next + end) >>> 1)).toBeNull();
  });

  it('never takes a unit the worker has started: the split is clamped to the next unit', () => {
    const c = UnitClaim.create(0, 8)!;
    for (let u = 0; u < 5; u++) expect(c.start(u)).toBe(true);
    expect(c.takeTail(() => 2)).toEqual({ from: 5, to: 8 });
    expect(c.start(5)).toBe(false);
    expect(c.takeTail(() => 100)).toBeNull();
  });

  it('holds up to MAX_CLAIM_UNITS units, and refuses more or a backwards run', () => {
    const c = UnitClaim.create(MAX_CLAIM_UNITS - 2, MAX_CLAIM_UNITS)!;
    expect(c.state()).toEqual({ next: MAX_CLAIM_UNITS - 2, end: MAX_CLAIM_UNITS });
    expect(c.start(MAX_CLAIM_UNITS - 2)).toBe(true);
    expect(c.takeTail((_, end) => end - 1)).toEqual({ from: MAX_CLAIM_UNITS - 1, to: MAX_CLAIM_UNITS });
    expect(UnitClaim.create(0, MAX_CLAIM_UNITS + 1)).toBeNull();
    expect(UnitClaim.create(5, 4)).toBeNull();
  });

  it('halfBySize splits the units left by DWARF size, and takes nothing below the least size', () => {
    const sizes = [10, 10, 10, 10, 40, 20];
    const size = (i: number) => sizes[i];
    // Half of the 100 bytes is reached within unit 4: the worker keeps units 0-4.
    expect(halfBySize(0, 6, size, 0)).toBe(5);
    expect(halfBySize(4, 6, size, 0)).toBe(5);
    expect(halfBySize(5, 6, size, 0)).toBe(6);
    expect(halfBySize(0, 6, size, 101)).toBe(6);
    expect(halfBySize(3, 3, size, 0)).toBe(3);
  });

  // The worker runs the built code (dist/), as the encoder's workers do.
  it.skipIf(!existsSync(join(ROOT, 'dist', 'encoder', 'claim.js')))('gives every unit to exactly one thread when both race for it', async () => {
    const units = 20000;
    for (let round = 0; round < 5; round++) {
      const claim = UnitClaim.create(0, units)!;
      const startedBy = new Int32Array(new SharedArrayBuffer(units * 4));
      const url = pathToFileURL(join(ROOT, 'dist', 'encoder', 'claim.js')).href;
      const w = new Worker(`
        const { workerData, parentPort } = require('node:worker_threads');
        import(${JSON.stringify(url)}).then(({ UnitClaim }) => {
          const c = UnitClaim.of(workerData.claim);
          const by = new Int32Array(workerData.by);
          for (let u = 0; u < ${units}; u++) {
            if (!c.start(u)) break;
            Atomics.add(by, u, 1);
            // Some work per unit, so the take-over lands while the worker is still going.
            for (let k = 0; k < 200; k++) Atomics.load(by, u);
          }
          parentPort.postMessage('done');
        });`, { eval: true, workerData: { claim: claim.word.buffer, by: startedBy.buffer } });
      const done = new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
      // Wait until the worker is under way, then take over at once.
      while (claim.state().next < 100 * (round + 1)) await new Promise((r) => setTimeout(r, 0));
      const t = claim.takeTail((next, end) => next + ((end - next) >>> 1));
      await done;
      await w.terminate();
      if (t !== null) for (let u = t.from; u < t.to; u++) Atomics.add(startedBy, u, 2);
      // 1: the worker's, 2: taken over; never both, never neither.
      const counts = new Map<number, number>();
      for (let u = 0; u < units; u++) counts.set(startedBy[u], (counts.get(startedBy[u]) ?? 0) + 1);
      expect([...counts.keys()].every((k) => k === 1 || k === 2)).toBe(true);
      expect(claim.state().end).toBe(t === null ? units : t.from);
    }
  });
});

describe('a run taken over at its tail', () => {
  it('merges to the same raw BTF as one encoder over all units (tcp_bbr: 3 units, over vmlinux)', () => {
    const base = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const features = parseFeatureLists(['encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs']);
    const elf = parseElf(fixture('postlink/tcp_bbr.pre-btf.ko.gz'), 'tcp_bbr.ko');
    const kfuncs = listKfuncs(elf).map((k) => ({ name: k.name, flags: k.flags }));
    const opts = { base, features, langExclude: [], kfuncs };
    const whole = serializeBtf(new Encoder(elf, openDwarf(elf, { streamInfo: true }), opts).run());

    const dwarf = openDwarf(elf, { streamInfo: true });
    expect(dwarf.units().length).toBe(3);
    const first = new Encoder(elf, dwarf, opts);
    first.encodeUnits(0, 1);
    // The worker's part (an encoder of its own), then the tail this thread took over with the
    // first encoder's symbol tables.
    const middle = new Encoder(elf, openDwarf(elf, { streamInfo: true }), { ...opts, afterFirstChunk: true });
    middle.encodeUnits(1, 2);
    const tail = new Encoder(elf, dwarf, { ...opts, afterFirstChunk: true, sameElfAs: first });
    tail.encodeUnits(2, 3);
    const chunks = [middle.exportChunk(), tail.exportChunk()];
    first.reserveFor(chunks);
    for (const c of chunks) first.absorbChunk(c, false);
    expect(Buffer.compare(serializeBtf(first.finish()), whole)).toBe(0);
  });
});

import { describe, it, expect } from 'vitest';
import { CandidateTable, growthAfter } from '../../src/btf/dedup/table.js';

describe('candidate table growth bookkeeping', () => {
  it('growthAfter(n) is what n additions leave, for every n up to 70000', () => {
    const t = new CandidateTable();
    const seen: Array<[number, number]> = [];
    for (let n = 0; n <= 70000; n++) {
      const [, size, cap, epoch] = t.state().scalars;
      expect(size).toBe(n);
      if (n % 997 === 0 || n < 200) expect(growthAfter(n), `n=${n}`).toEqual([cap, epoch]);
      seen.push([cap, epoch]);
      t.add((n * 2654435761) >>> 0, n + 1);
    }
    // Every n at once: the step list agrees wherever the map grew.
    for (let n = 1; n < seen.length; n++) if (seen[n][1] !== seen[n - 1][1]) expect(growthAfter(n)).toEqual(seen[n]);
    expect(seen[seen.length - 1][1]).toBeGreaterThan(10);
  });
});

describe('candidate table checkpoint and rollback', () => {
  // Keys repeat (several ids per key) so that chains exist and growths reverse them.
  const keyOf = (i: number) => ((i * 2654435761) >>> 0) | 1;
  const baseTable = () => {
    // Room for 600 more nodes, past the growth at 1536 entries, so that runs reverse chains in the
    // node arrays rollback keeps; 4096 slots, so that the longer runs rehash.
    const t = new CandidateTable(1800);
    for (let i = 0; i < 1200; i++) t.add(keyOf(i % 100), i + 1);
    return t;
  };
  const snapshot = (t: CandidateTable) => {
    const s = t.state();
    return {
      keys: Array.from(s.keys), heads: Array.from(s.heads), epochs: Array.from(s.epochs),
      nodeId: Array.from(s.nodeId), nodeNext: Array.from(s.nodeNext), scalars: Array.from(s.scalars),
    };
  };
  const chain = (t: CandidateTable, key: number) => {
    const ids: number[] = [];
    for (let nd = t.first(key); nd >= 0; nd = t.next(nd)) ids.push(t.id(nd));
    return ids;
  };
  /** One run of `ops` additions and lookups (a seeded sequence); every chain it saw, in order. */
  const run = (t: CandidateTable, ops: number, seed: number) => {
    const seen: number[][] = [];
    let x = seed;
    for (let i = 0; i < ops; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const key = x % 3 === 0 ? keyOf((x >>> 8) % 100) : keyOf(100 + (x >>> 8) % 20000);
      if (x % 5 < 2) seen.push(chain(t, key));
      else t.add(key, 2000 + i);
    }
    for (let k = 0; k < 100; k++) seen.push(chain(t, keyOf(k)));
    return seen;
  };

  it('gives back the exact table, whatever the run did (chain reversals, rehash, node growth)', () => {
    const t = baseTable();
    const before = snapshot(t);
    // Sizes from a run that changes a few slots to ones that grow the map, rehash it and outgrow the node arrays.
    for (const [ops, seed] of [[40, 1], [400, 2], [1500, 3], [6000, 4], [40, 5]]) {
      const fresh = baseTable();
      t.checkpoint();
      const got = run(t, ops, seed);
      expect(got, `run of ${ops}`).toEqual(run(fresh, ops, seed));
      const [, size, , epoch] = t.state().scalars;
      if (ops >= 1500) expect(epoch).toBeGreaterThan(before.scalars[3]);
      if (ops >= 6000) expect(t.state().keys.length).toBeGreaterThan(before.keys.length);
      expect(size).toBeGreaterThan(before.scalars[1]);
      t.rollback();
      expect(snapshot(t), `after the run of ${ops}`).toEqual(before);
    }
  });

  it('rolls back a checkpoint left open when a new one is taken, and does nothing without one', () => {
    const t = baseTable();
    const before = snapshot(t);
    t.rollback();
    expect(snapshot(t)).toEqual(before);
    t.checkpoint();
    run(t, 3000, 9);
    t.checkpoint();
    expect(snapshot(t)).toEqual(before);
    t.rollback();
    expect(snapshot(t)).toEqual(before);
  });
});

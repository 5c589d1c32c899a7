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

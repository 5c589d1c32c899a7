import { describe, it, expect } from 'vitest';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { validateBtf } from '../../src/btf/validate.js';
import { inflate } from '../../src/btf/model/types.js';
import { BtfpostError } from '../../src/common/errors.js';
import { fixture, prng } from '../helpers/testdata.js';

// Every mutated input must end in a BtfpostError or a usable result: no other exception, no hang.
function exercise(bytes: Uint8Array, base: ReturnType<typeof parseBtf> | null): 'ok' | 'error' {
  try {
    const { btf } = btfFromBytes(bytes, 'fuzz', { base });
    validateBtf(btf);
    for (let id = btf.startId; id < btf.typeCount; id++) {
      try { inflate(btf, id); } catch (e) { if (!(e instanceof BtfpostError)) throw e; }
    }
    serializeBtf(btf);
    return 'ok';
  } catch (e) {
    if (e instanceof BtfpostError) return 'error';
    throw e;
  }
}

describe('fuzzing BTF and ELF inputs', () => {
  const base = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
  const seeds: Array<[string, Uint8Array, boolean]> = [
    ['tcp_bbr .BTF raw', serializeBtf(btfFromBytes(fixture('modules/tcp_bbr.ko'), 'm', { base }).btf), true],
    ['s390x object', fixture('btf/s390x-gbtf.o'), false],
    ['dummy.ko', fixture('modules/dummy.ko'), true],
  ];
  it.each(seeds)('%s: 3000 truncations and byte flips', (_name, seed, split) => {
    const rnd = prng(0xb7f + seed.length);
    const counts = { ok: 0, error: 0 };
    for (let i = 0; i < 3000; i++) {
      let m: Uint8Array;
      if (i % 3 === 0) {
        m = seed.slice(0, Math.floor(rnd() * seed.length));
      } else {
        m = seed.slice();
        const flips = 1 + Math.floor(rnd() * 8);
        for (let f = 0; f < flips; f++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      }
      counts[exercise(m, split ? base : null)]++;
    }
    expect(counts.ok + counts.error).toBe(3000);
    expect(counts.error).toBeGreaterThan(0);
  });
});

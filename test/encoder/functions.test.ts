// The order emit adds saved functions in: a stable sort by pahole's functions_cmp.
import { describe, expect, it } from 'vitest';
import { functionOrder } from '../../src/encoder/functions.js';

/** pahole's functions_cmp, written out: whole names, or the text before a first '.' at the same place. */
function reference(elf: number[], names: string[]): number[] {
  const pl = names.map((n) => (n.indexOf('.') >= 0 ? n.indexOf('.') : n.length));
  const cmp = (a: number, b: number): number => {
    const [x, y] = pl[a] !== 0 && pl[a] === pl[b] ? [names[a].slice(0, pl[a]), names[b].slice(0, pl[b])] : [names[a], names[b]];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return elf.map((_, i) => i).sort((i, j) => cmp(elf[i], elf[j]));
}

function prefixLens(names: string[]): Int32Array {
  return Int32Array.from(names, (n) => (n.indexOf('.') >= 0 ? n.indexOf('.') : n.length));
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('functionOrder', () => {
  it('equals a stable sort by functions_cmp, with ties of names and of prefixes before a dot', () => {
    const names = ['', '.hidden', 'a', 'a', 'a.cold', 'a.isra.0', 'a.part.1', 'ab', 'ab.constprop.0', 'b', 'b.', 'b.x.y', 'ba'].sort();
    const elf = [12, 4, 2, 5, 3, 0, 6, 1, 3, 11, 9, 10, 7, 8, 2, 4];
    expect(Array.from(functionOrder(elf, names, prefixLens(names)))).toEqual(reference(elf, names));
  });

  it('equals it on random symbol sets, also with names holding characters below "." (compared directly)', () => {
    const pieces = ['f', 'g', 'fg', '.', '.isra', '.0', '.part', '_', 'x', '$', '-1'];
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const withLow = seed % 3 === 0;
      const names: string[] = [];
      const count = 1 + Math.floor(r() * 40);
      for (let i = 0; i < count; i++) {
        let n = '';
        const parts = Math.floor(r() * 4);
        for (let k = 0; k < parts; k++) {
          const p = pieces[Math.floor(r() * pieces.length)];
          if (!withLow && (p === '$' || p === '-1')) continue;
          n += p;
        }
        names.push(n);
      }
      names.sort();
      const elf = Array.from({ length: Math.floor(r() * 60) }, () => Math.floor(r() * names.length));
      expect(Array.from(functionOrder(elf, names, prefixLens(names))), `seed ${seed}`).toEqual(reference(elf, names));
    }
  });

  it('follows functions_cmp itself where its ties are not runs of neighbours ("foo" < "foo$1" < "foo.isra.0")', () => {
    const names = ['foo', 'foo$1', 'foo.isra.0'];
    // functions_cmp ties "foo" with "foo.isra.0" but not with "foo$1", which sorts between them:
    // no order by runs of neighbours gives what a sort with the comparator gives.
    for (const elf of [[2, 0, 1], [1, 2, 0], [2, 1, 0, 2, 0]]) {
      expect(Array.from(functionOrder(elf, names, prefixLens(names))), JSON.stringify(elf)).toEqual(reference(elf, names));
    }
  });

  it('orders nothing when nothing was saved', () => {
    expect(functionOrder([], ['a'], prefixLens(['a'])).length).toBe(0);
  });
});

/** The function symbols of the tcp_bbr fixture module. */
async function tcpBbrFunctions() {
  const { ElfFunctions } = await import('../../src/encoder/elf-info.js');
  const { parseElf } = await import('../../src/elf/index.js');
  const { fixture } = await import('../helpers/testdata.js');
  return new ElfFunctions(parseElf(fixture('postlink/tcp_bbr.pre-btf.ko.gz'), 'tcp_bbr.ko').symbols());
}

describe('ElfFunctions handed to another thread', () => {
  it('rebuilds the same sorted names and prefix lengths from sorted(), with fresh marks', async () => {
    const { ElfFunctions } = await import('../../src/encoder/elf-info.js');
    const own = await tcpBbrFunctions();
    expect(own.count).toBeGreaterThan(10);
    own.alias[0] = 'x';
    own.kfunc[1] = 1;
    // Through structured cloning, as a worker receives it.
    const copy = new ElfFunctions(null, structuredClone(own.sorted()));
    expect(copy.names).toEqual(own.names);
    expect(Array.from(copy.prefixLen)).toEqual(Array.from(own.prefixLen));
    expect(copy.suffixCount).toBe(own.suffixCount);
    expect(copy.alias.every((a) => a === null)).toBe(true);
    expect(copy.kfunc.every((k) => k === 0)).toBe(true);
    // In this thread the names themselves are shared.
    expect(new ElfFunctions(null, own).names).toBe(own.names);
    // No names, and one empty name, are told apart.
    expect(new ElfFunctions(null, { joined: '', prefixLen: new Int32Array(0), suffixCount: 0 }).names).toEqual([]);
    expect(new ElfFunctions(null, { joined: '', prefixLen: new Int32Array(1), suffixCount: 0 }).names).toEqual(['']);
    expect(() => new ElfFunctions(null, { joined: 'a\0b', prefixLen: new Int32Array(1), suffixCount: 0 })).toThrow(RangeError);
  });
});

describe('ElfFunctions lookups', () => {
  it('find and findSuffixed give what the binary searches give, duplicates and dotted names included', async () => {
    const { ElfFunctions } = await import('../../src/encoder/elf-info.js');
    const next = rng(7);
    const parts = ['a', 'ab', 'b', 'do_x', 'do', 'x', ''];
    const suffixes = ['', '', '', '.isra.0', '.constprop.0', '.cold', '.', '.part.1.cold'];
    const pick = <T>(l: T[]): T => l[Math.floor(next() * l.length)];
    for (let round = 0; round < 50; round++) {
      const raw: string[] = [];
      for (let i = 0; i < 40; i++) raw.push(pick(parts) + pick(parts) + pick(suffixes));
      const names = raw.slice().sort();
      const pl = prefixLens(names);
      const funcs = new ElfFunctions(null, { joined: names.join('\0'), prefixLen: pl, suffixCount: names.filter((n) => n.includes('.')).length });
      // Queries: every name, every part before a dot, names not present, and names holding a dot.
      const queries = new Set<string>([...names, ...names.map((n) => n.split('.')[0]), 'zz', 'a.', 'do_x.isra', 'ab.cold', '']);
      let duplicates = 0;
      for (const q of queries) {
        expect(funcs.find(q)).toBe(funcs.search(q));
        expect(funcs.findSuffixed(q)).toBe(funcs.searchSuffixed(q));
        if (names.filter((n) => n === q).length > 1) duplicates++;
      }
      // A second encoder's ElfFunctions in this thread shares the indexes and gives the same answers.
      const shared = new ElfFunctions(null, funcs);
      for (const q of queries) expect(shared.findSuffixed(q)).toBe(funcs.searchSuffixed(q));
      if (round === 0) expect(duplicates).toBeGreaterThan(0);
    }
  });

  it('finds each function symbol of a real module by name', async () => {
    const funcs = await tcpBbrFunctions();
    for (const n of funcs.names) {
      const i = funcs.find(n);
      expect(funcs.names[i]).toBe(n);
      expect(i).toBe(funcs.search(n));
    }
    expect(funcs.find('no_such_function')).toBe(-1);
  });
});

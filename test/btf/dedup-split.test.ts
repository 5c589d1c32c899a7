// Split BTF deduplication against a base, on the four scenarios of the kernel selftest
// tools/testing/selftests/bpf/prog_tests/btf_dedup_split.c (same inputs, same raw output).

import { describe, it, expect } from 'vitest';
import { Btf } from '../../src/btf/index.js';
import { dedupBtf, savedBaseState } from '../../src/btf/dedup/index.js';
import { dumpRawString } from '../../src/btf/dump/raw.js';
import { buildBtf, INT_SIGNED, type TypeSpec } from '../helpers/btf-build.js';

/** bpftool-style raw text of the base (if any) followed by the object's own types. */
function raw(btf: Btf): string {
  return (btf.base ? dumpRawString(btf.base) : '') + dumpRawString(btf);
}

/** Expected raw text from one string per type, as the selftest writes them. */
function lines(...types: string[]): string {
  return types.map((t) => `${t}\n`).join('');
}

const INT = "INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED";

describe('btf_dedup_split', () => {
  it('split_simple', () => {
    const base = buildBtf([
      ['INT', 'int', 4, INT_SIGNED], // [1]
      ['PTR', 1], // [2] int *
      ['STRUCT', 's1', 4, [['f1', 1, 0]]], // [3]
    ]);
    expect(raw(base)).toBe(lines(
      `[1] ${INT}`,
      "[2] PTR '(anon)' type_id=1",
      "[3] STRUCT 's1' size=4 vlen=1\n\t'f1' type_id=1 bits_offset=0",
    ));

    const split = buildBtf([
      ['STRUCT', 's2', 16, [['f1', 6, 0], ['f2', 5, 32], ['f3', 2, 64]]], // [4]
      ['INT', 'int', 4, INT_SIGNED], // [5] duplicate of [1]
      ['STRUCT', 's1', 4, [['f1', 5, 0]]], // [6] duplicate of [3]
    ], { base });
    // "int" is found in the base string section, as btf__add_str does for split BTF.
    expect(split.findStr('int')).toBe(base.findStr('int'));
    expect(raw(split)).toBe(lines(
      `[1] ${INT}`,
      "[2] PTR '(anon)' type_id=1",
      "[3] STRUCT 's1' size=4 vlen=1\n\t'f1' type_id=1 bits_offset=0",
      "[4] STRUCT 's2' size=16 vlen=3\n\t'f1' type_id=6 bits_offset=0\n\t'f2' type_id=5 bits_offset=32\n\t'f3' type_id=2 bits_offset=64",
      `[5] ${INT}`,
      "[6] STRUCT 's1' size=4 vlen=1\n\t'f1' type_id=5 bits_offset=0",
    ));

    const out = dedupBtf(split);
    expect(out.base).toBe(base);
    expect(raw(out)).toBe(lines(
      `[1] ${INT}`,
      "[2] PTR '(anon)' type_id=1",
      "[3] STRUCT 's1' size=4 vlen=1\n\t'f1' type_id=1 bits_offset=0",
      "[4] STRUCT 's2' size=16 vlen=3\n\t'f1' type_id=3 bits_offset=0\n\t'f2' type_id=1 bits_offset=32\n\t'f3' type_id=2 bits_offset=64",
    ));
  });

  it('split_struct_duped', () => {
    const base = buildBtf([
      ['INT', 'int', 4, INT_SIGNED], // [1]
      ['PTR', 5], // [2] struct s1 *
      ['FWD', 's2', false], // [3] struct s2;
      ['PTR', 3], // [4] struct s2 * (fwd)
      ['STRUCT', 's1', 16, [['f1', 2, 0], ['f2', 4, 64]]], // [5]
    ]);
    const baseText = lines(
      `[1] ${INT}`,
      "[2] PTR '(anon)' type_id=5",
      "[3] FWD 's2' fwd_kind=struct",
      "[4] PTR '(anon)' type_id=3",
      "[5] STRUCT 's1' size=16 vlen=2\n\t'f1' type_id=2 bits_offset=0\n\t'f2' type_id=4 bits_offset=64",
    );
    expect(raw(base)).toBe(baseText);

    const split = buildBtf([
      ['INT', 'int', 4, INT_SIGNED], // [6]
      ['PTR', 10], // [7] struct s1 *
      ['FWD', 's2', false], // [8] struct s2;
      ['PTR', 11], // [9] struct s2 * (full)
      ['STRUCT', 's1', 16, [['f1', 7, 0], ['f2', 9, 64]]], // [10]
      ['STRUCT', 's2', 40, [['f1', 7, 0], ['f2', 9, 64], ['f3', 6, 128], ['f4', 10, 192]]], // [11]
      ['PTR', 8], // [12] struct s2 * (fwd)
      ['STRUCT', 's3', 8, [['f1', 12, 0]]], // [13]
    ], { base });
    expect(raw(split)).toBe(baseText + lines(
      `[6] ${INT}`,
      "[7] PTR '(anon)' type_id=10",
      "[8] FWD 's2' fwd_kind=struct",
      "[9] PTR '(anon)' type_id=11",
      "[10] STRUCT 's1' size=16 vlen=2\n\t'f1' type_id=7 bits_offset=0\n\t'f2' type_id=9 bits_offset=64",
      "[11] STRUCT 's2' size=40 vlen=4\n\t'f1' type_id=7 bits_offset=0\n\t'f2' type_id=9 bits_offset=64\n\t'f3' type_id=6 bits_offset=128\n\t'f4' type_id=10 bits_offset=192",
      "[12] PTR '(anon)' type_id=8",
      "[13] STRUCT 's3' size=8 vlen=1\n\t'f1' type_id=12 bits_offset=0",
    ));

    // The split's s1 points at a full s2 where the base's s1 has only a forward declaration, so
    // s1 cannot map to the base; the split's fwd s2 resolves to its own full s2.
    const out = dedupBtf(split);
    expect(raw(out)).toBe(baseText + lines(
      "[6] PTR '(anon)' type_id=8",
      "[7] PTR '(anon)' type_id=9",
      "[8] STRUCT 's1' size=16 vlen=2\n\t'f1' type_id=6 bits_offset=0\n\t'f2' type_id=7 bits_offset=64",
      "[9] STRUCT 's2' size=40 vlen=4\n\t'f1' type_id=6 bits_offset=0\n\t'f2' type_id=7 bits_offset=64\n\t'f3' type_id=1 bits_offset=128\n\t'f4' type_id=8 bits_offset=192",
      "[10] STRUCT 's3' size=8 vlen=1\n\t'f1' type_id=7 bits_offset=0",
    ));
  });

  it('split_fwd_resolve', () => {
    const base = buildBtf([
      ['INT', 'int', 4, INT_SIGNED], // [1]
      ['PTR', 4], // [2] struct s1 *
      ['PTR', 5], // [3] struct s2 *
      ['STRUCT', 's1', 16, [['f1', 2, 0], ['f2', 3, 64]]], // [4]
      ['STRUCT', 's2', 4, [['f1', 1, 0]]], // [5]
    ]);
    const baseText = lines(
      `[1] ${INT}`,
      "[2] PTR '(anon)' type_id=4",
      "[3] PTR '(anon)' type_id=5",
      "[4] STRUCT 's1' size=16 vlen=2\n\t'f1' type_id=2 bits_offset=0\n\t'f2' type_id=3 bits_offset=64",
      "[5] STRUCT 's2' size=4 vlen=1\n\t'f1' type_id=1 bits_offset=0",
    );
    expect(raw(base)).toBe(baseText);

    const split = buildBtf([
      ['INT', 'int', 4, INT_SIGNED], // [6]
      ['PTR', 10], // [7] struct s1 *
      ['FWD', 's2', false], // [8] struct s2;
      ['PTR', 8], // [9] struct s2 * (fwd)
      ['STRUCT', 's1', 16, [['f1', 7, 0], ['f2', 9, 64]]], // [10]
    ], { base });
    expect(raw(split)).toBe(baseText + lines(
      `[6] ${INT}`,
      "[7] PTR '(anon)' type_id=10",
      "[8] FWD 's2' fwd_kind=struct",
      "[9] PTR '(anon)' type_id=8",
      "[10] STRUCT 's1' size=16 vlen=2\n\t'f1' type_id=7 bits_offset=0\n\t'f2' type_id=9 bits_offset=64",
    ));

    // The split's fwd s2 resolves to the base's full s2, so everything maps into the base.
    const out = dedupBtf(split);
    expect(out.count).toBe(0);
    expect(raw(out)).toBe(baseText);
  });

  it('split_dup_struct_in_cu', () => {
    // int, then struct s { struct anon a; struct anon b; } with two identical anonymous structs
    // (named "(anon)" by the selftest), laid out from `start`.
    const cu = (start: number): TypeSpec[] => [
      ['INT', 'int', 4, INT_SIGNED], // [1]
      ['STRUCT', 's', 8, [['a', start + 3, 0], ['b', start + 4, 0]]], // [2]
      ['STRUCT', '(anon)', 8, [['f1', start + 1, 0], ['f2', start + 1, 32]]], // [3]
      ['STRUCT', '(anon)', 8, [['f1', start + 1, 0], ['f2', start + 1, 32]]], // [4]
    ];
    const base = buildBtf(cu(0));
    expect(raw(base)).toBe(lines(
      `[1] ${INT}`,
      "[2] STRUCT 's' size=8 vlen=2\n\t'a' type_id=3 bits_offset=0\n\t'b' type_id=4 bits_offset=0",
      "[3] STRUCT '(anon)' size=8 vlen=2\n\t'f1' type_id=1 bits_offset=0\n\t'f2' type_id=1 bits_offset=32",
      "[4] STRUCT '(anon)' size=8 vlen=2\n\t'f1' type_id=1 bits_offset=0\n\t'f2' type_id=1 bits_offset=32",
    ));

    // The two identical structs of one CU become one.
    const dedupedBase = dedupBtf(base);
    const dedupedText = lines(
      `[1] ${INT}`,
      "[2] STRUCT 's' size=8 vlen=2\n\t'a' type_id=3 bits_offset=0\n\t'b' type_id=3 bits_offset=0",
      "[3] STRUCT '(anon)' size=8 vlen=2\n\t'f1' type_id=1 bits_offset=0\n\t'f2' type_id=1 bits_offset=32",
    );
    expect(raw(dedupedBase)).toBe(dedupedText);

    // The same CU again as split BTF on top of the deduplicated base ...
    const split = buildBtf(cu(3), { base: dedupedBase });
    expect(raw(split)).toBe(dedupedText + lines(
      `[4] ${INT}`,
      "[5] STRUCT 's' size=8 vlen=2\n\t'a' type_id=6 bits_offset=0\n\t'b' type_id=7 bits_offset=0",
      "[6] STRUCT '(anon)' size=8 vlen=2\n\t'f1' type_id=4 bits_offset=0\n\t'f2' type_id=4 bits_offset=32",
      "[7] STRUCT '(anon)' size=8 vlen=2\n\t'f1' type_id=4 bits_offset=0\n\t'f2' type_id=4 bits_offset=32",
    ));

    // ... deduplicates entirely into the base.
    const out = dedupBtf(split);
    expect(out.count).toBe(0);
    expect(raw(out)).toBe(dedupedText);
  });
});

describe('runs over one base', () => {
  const makeBase = () => buildBtf([
    ['INT', 'int', 4, INT_SIGNED], // [1]
    ['PTR', 1], // [2]
    ['STRUCT', 's1', 4, [['f1', 1, 0]]], // [3]
  ]);
  // A 'long' and a struct 's3' that no other split type matches: canonical, so added to the
  // candidate table before the reference loop [6] <-> [7] stops the run.
  const failing = (base: Btf) => buildBtf([
    ['INT', 'long', 8, INT_SIGNED], // [4]
    ['STRUCT', 's3', 8, [['f', 4, 0]]], // [5]
    ['CONST', 7], // [6]
    ['CONST', 6], // [7]
  ], { base });
  // The same 'long' and 's3' again, in other places.
  const good = (base: Btf) => buildBtf([
    ['STRUCT', 's4', 16, [['a', 5, 0], ['b', 6, 64]]], // [4]
    ['INT', 'long', 8, INT_SIGNED], // [5]
    ['STRUCT', 's3', 8, [['f', 5, 0]]], // [6]
    ['INT', 'int', 4, INT_SIGNED], // [7]
  ], { base });

  /** The base's prepared candidate table, copied. */
  const table = (base: Btf) => {
    const t = savedBaseState(base).table;
    return [t.keys, t.heads, t.epochs, t.nodeId, t.nodeNext, t.scalars].map((a) => Array.from(a));
  };

  it('a run that fails leaves the base as it was, for the next run', () => {
    const base = makeBase();
    const expected = raw(dedupBtf(good(makeBase())));
    expect(raw(dedupBtf(good(base)))).toBe(expected);
    const prepared = table(base);
    expect(() => dedupBtf(failing(base))).toThrow(/loop/);
    expect(table(base)).toEqual(prepared);
    expect(raw(dedupBtf(good(base)))).toBe(expected);
    expect(table(base)).toEqual(prepared);
    expect(expected).toContain("STRUCT 's4' size=16 vlen=2\n\t'a' type_id=5 bits_offset=0\n\t'b' type_id=6 bits_offset=64");
  });
});

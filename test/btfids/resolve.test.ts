// Resolution and patching on the fixtures: exact bytes in both byte orders, warnings, fatal warnings, sorting, no-ops.

import { describe, expect, it } from 'vitest';
import { Btf } from '../../src/btf/index.js';
import {
  BtfIdsError, checkBtfIdsBlob, collectBtfIds, patchBtfIdsBlob, resolveBtfIds, resolveBtfIdsInElf, resolveBtfidsWarningLine, resolveNames,
  unresolveBtfIds, type BtfIdsLayout,
} from '../../src/btfids/index.js';
import { buildModuleSignatureTrailer, parseElf } from '../../src/elf/index.js';
import { buildBtf } from '../helpers/btf-build.js';
import {
  COMPILED_WORDS, EXPECTED_WORDS, FIXTURE_TYPES, FIXTURE_WARNINGS, LAYOUT_FIXTURES, bytesToWords, fixtureBtf, fixtureSplitBtf, loadFixture, wordsToBytes,
} from './helpers.js';

describe('resolveBtfIds on the fixtures', () => {
  for (const f of LAYOUT_FIXTURES) {
    it(`${f.file}: exact bytes in the file's byte order (${f.le ? 'LE' : 'BE'}, ELF${f.is64 ? 64 : 32})`, () => {
      const elf = loadFixture(f.file);
      const before = elf.sectionData(elf.sectionByName('.BTF_ids')!);
      expect(bytesToWords(before, f.le)).toEqual(COMPILED_WORDS);
      const r = resolveBtfIds(elf, fixtureBtf());
      expect(r.skipped).toBeNull();
      expect(r.changed).toBe(true);
      expect(Buffer.from(r.patched!).equals(Buffer.from(wordsToBytes(EXPECTED_WORDS, f.le)))).toBe(true);
      expect(r.warnings).toEqual(FIXTURE_WARNINGS);
      expect(r.stats).toEqual({ symbols: 21, names: 13, resolved: 11, unresolved: 2, duplicates: 2, sets: 1, set8s: 2, slots: 18 });
      // The input is not modified.
      expect(bytesToWords(elf.sectionData(elf.sectionByName('.BTF_ids')!), f.le)).toEqual(COMPILED_WORDS);
    });
  }

  it('split BTF: base ids count and the scan runs from the base up', () => {
    for (const cut of [1, 4, 8, 16]) {
      const r = resolveBtfIds(loadFixture('x86_64.o'), fixtureSplitBtf(cut));
      expect(bytesToWords(r.patched!, true)).toEqual(EXPECTED_WORDS);
      expect(r.warnings).toEqual(FIXTURE_WARNINGS);
    }
  });

  it('the warning lines read as resolve_btfids prints them', () => {
    const r = resolveBtfIds(loadFixture('x86_64.o'), fixtureBtf());
    expect(r.details.map(resolveBtfidsWarningLine)).toEqual([
      "WARN: multiple IDs found for 'dup_fn': 3, 4 - using 3",
      "WARN: multiple IDs found for 'foo': 5, 17 - using 5",
      'WARN: resolve_btfids: unresolved symbol missing',
      'WARN: resolve_btfids: unresolved symbol no_such_fn',
    ]);
    expect(r.details[0]).toMatchObject({ type: 'duplicate', kind: 'func', name: 'dup_fn', ids: [3, 4] });
    expect(r.details[2]).toMatchObject({ type: 'unresolved', kind: 'struct', name: 'missing' });
  });

  it('fatal warnings throw a BtfIdsError listing them; no warnings, no error', () => {
    let err: unknown;
    try {
      resolveBtfIds(loadFixture('x86_64.o'), fixtureBtf(), { fatalWarnings: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BtfIdsError);
    expect((err as BtfIdsError).code).toBe('btfids');
    expect((err as BtfIdsError).warnings).toEqual(FIXTURE_WARNINGS);
    // Add the two missing names and drop the duplicates: clean.
    const clean = buildBtf([
      ...FIXTURE_TYPES.slice(0, 3), ['FUNC', 'unused_a', 2], ...FIXTURE_TYPES.slice(4, 16), ['STRUCT', 'missing', 0, []], ['FUNC', 'no_such_fn', 2],
    ]);
    const r = resolveBtfIds(loadFixture('s390x.o'), clean, { fatalWarnings: true });
    expect(r.warnings).toEqual([]);
    const w = bytesToWords(r.patched!, false);
    expect(w[6]).toBe(17); // missing
    expect(w[8]).toBe(18); // no_such_fn
  });

  it('set ids sort ascending, set8 pairs sort by id with their flags, the set8 flags word stays', () => {
    // Reverse numbering: f_a > f_b > f_c and k_three < k_two < k_one, so the compiled order is already sorted for the sets.
    const btf = buildBtf([
      ['INT', 'int', 4, 1], ['FUNC_PROTO', 1, []],
      ['FUNC', 'k_three', 2], ['FUNC', 'k_two', 2], ['FUNC', 'k_one', 2],
      ['FUNC', 'f_c', 2], ['FUNC', 'f_b', 2], ['FUNC', 'f_a', 2], ['STRUCT', 'foo', 4, []],
    ]);
    const r = resolveBtfIds(loadFixture('x86_64.o'), btf);
    const w = bytesToWords(r.patched!, true);
    expect(w.slice(9, 14)).toEqual([4, 0, 6, 7, 8]); // set_a: f_c 6, f_b 7, unused, f_a 8 -> 0 6 7 8
    expect(w.slice(14, 22)).toEqual([3, 0x80000000, 6, 0x01020304, 8, 0x0a0b0c0d, 9, 0x11]); // f_c, f_a, foo
    expect(w.slice(22, 30)).toEqual([3, 1, 3, 0, 4, 0x3, 5, 0x1000]); // k_three, k_two, k_one
  });

  it('idMap writes ids in another numbering (0 means absent there) and sorts by the new ids', () => {
    const map = (id: number) => (id === 3 ? 0 : 1000 - id);
    const r = resolveBtfIds(loadFixture('x86_64.o'), fixtureBtf(), { idMap: map });
    const w = bytesToWords(r.patched!, true);
    expect(w.slice(0, 9)).toEqual([995, 994, 993, 989, 0, 995, 0, 0, 0]);
    expect(w.slice(9, 14)).toEqual([4, 0, 990, 991, 992]); // f_c 990 < f_b 991 < f_a 992
    expect(w.slice(14, 22)).toEqual([3, 0x80000000, 990, 0x01020304, 992, 0x0a0b0c0d, 995, 0x11]);
    expect(r.warnings).toEqual([
      "multiple IDs found for 'dup_fn': 0, 996 - using 0",
      "multiple IDs found for 'foo': 995, 983 - using 995",
      'unresolved symbol missing',
      'unresolved symbol no_such_fn', // funcs go by descending name, as resolve_btfids walks them
      'unresolved symbol dup_fn',
    ]);
  });

  it('debug lines follow resolve_btfids -v', () => {
    const lines: string[] = [];
    resolveBtfIds(loadFixture('x86_64.o'), fixtureBtf(), { debug: (s) => lines.push(s) });
    expect(lines).toContain('patching addr     0: ID       5 [foo]');
    expect(lines).toContain('patching addr    36: ID       4 [set_a]');
    expect(lines).toContain('sorting  addr    88: cnt      3 [kfunc_set]');
    // Sets are visited by descending name, as resolve_btfids' rb-tree walk does.
    expect(lines.filter((l) => l.startsWith('sorting')).map((l) => /\[(.*)\]$/.exec(l)?.[1])).toEqual(['set_a', 'set8_plain', 'kfunc_set']);
  });

  it('an ELF without .BTF_ids or without a symbol table is a no-op', () => {
    for (const [file, reason] of [['no-btfids.o', 'no .BTF_ids section'], ['x86_64-nosymtab.o', 'no symbol table']] as const) {
      const elf = loadFixture(file);
      const lines: string[] = [];
      const r = resolveBtfIds(elf, fixtureBtf(), { debug: (s) => lines.push(s) });
      expect(r).toMatchObject({ patched: null, section: null, skipped: reason, changed: false, warnings: [] });
      expect(lines.join('\n')).toMatch(/nothing to do/);
      const { bytes } = resolveBtfIdsInElf(elf, fixtureBtf());
      expect(bytes).toBe(elf.fileBytes);
    }
  });

  it('re-resolving resolved output is not idempotent (as upstream); unresolveBtfIds restores the compiled state', () => {
    const first = resolveBtfIds(loadFixture('s390x.o'), fixtureBtf());
    const { bytes } = resolveBtfIdsInElf(loadFixture('s390x.o'), fixtureBtf());
    const again = resolveBtfIds(parseElf(bytes), fixtureBtf());
    // The set8 flags moved with sorting, so re-resolving re-sorts flags that no longer sit at their symbols:
    expect(Buffer.from(again.patched!).equals(Buffer.from(first.patched!))).toBe(false);
    // unresolveBtfIds puts them back first; then resolution gives the same bytes.
    const un = unresolveBtfIds(parseElf(bytes), fixtureBtf());
    expect(un.unmatched).toBe(0);
    expect(bytesToWords(un.data, false)).toEqual(COMPILED_WORDS);
  });
});

describe('resolveNames details', () => {
  /** A layout with one slot per name, so resolve_btfids' per-kind countdown reaches zero. */
  function tinyLayout(names: Record<'struct' | 'func', string[]>): BtfIdsLayout {
    const mk = (kind: 'struct' | 'func', list: string[]) => new Map(list.map((n, i) => [n, { kind, name: n, bytes: Buffer.from(n, 'latin1'), offsets: [i * 4], symbols: [i + 1] }]));
    return {
      file: undefined, section: null as never, data: new Uint8Array(64), le: true,
      names: { struct: mk('struct', names.struct), union: new Map(), typedef: new Map(), func: mk('func', names.func) },
      symbolCounts: { struct: names.struct.length, union: 0, typedef: 0, func: names.func.length },
      sets: new Map(), symbolCount: names.struct.length + names.func.length, added: [...names.struct, ...names.func],
    };
  }

  it('once every name of a kind is resolved, later duplicates are not reported (resolve_btfids countdown)', () => {
    const btf = buildBtf([
      ['INT', 'int', 4, 1], ['FUNC_PROTO', 1, []], ['FUNC', 'a', 2], ['FUNC', 'a', 2], ['STRUCT', 's', 0, []], ['STRUCT', 's', 0, []],
    ]);
    // func 'a' is the only func symbol: resolved at 3, the func countdown hits 0, id 4 is never looked at.
    const r1 = resolveNames(tinyLayout({ struct: ['s', 'gone'], func: ['a'] }), btf);
    expect(r1.duplicates).toEqual([{ kind: 'struct', name: 's', kept: 5, other: 6 }]);
    expect([...r1.entries.func.ids]).toEqual([3]);
    // With two func names pending the second 'a' is reported.
    const r2 = resolveNames(tinyLayout({ struct: [], func: ['a', 'b'] }), btf);
    expect(r2.duplicates).toEqual([{ kind: 'func', name: 'a', kept: 3, other: 4 }]);
  });

  it('names compare as bytes, latin1 and UTF-8 alike', () => {
    const n1 = 'caf\u00e9'; // latin1 byte 0xe9
    const n2 = Buffer.from('na\u00efve', 'utf8').toString('latin1'); // UTF-8 bytes seen as latin1
    const btf = buildBtf([['INT', 'int', 4, 1], ['FUNC_PROTO', 1, []], ['FUNC', n1, 2], ['FUNC', n2, 2], ['FUNC', 'naive', 2]]);
    const r = resolveNames(tinyLayout({ struct: [], func: [n2, n1] }), btf);
    expect([...r.entries.func.ids]).toEqual([4, 3]);
  });

  it('a candidate type whose name offset is out of range is malformed BTF', () => {
    const btf = new Btf();
    btf.add(12 /* FUNC */, 9999, 0, false, 0);
    expect(() => resolveNames(tinyLayout({ struct: [], func: ['x'] }), btf)).toThrow(/malformed BTF, can't resolve name for ID 1/);
  });
});

describe('writing the ELF', () => {
  it('resolveBtfIdsInElf changes only the .BTF_ids bytes', () => {
    for (const f of LAYOUT_FIXTURES) {
      const elf = loadFixture(f.file);
      const sec = elf.sectionByName('.BTF_ids')!;
      const { bytes, result } = resolveBtfIdsInElf(elf, fixtureBtf());
      expect(bytes.length).toBe(elf.fileBytes.length);
      const expected = elf.fileBytes.slice();
      expected.set(result.patched!, sec.offset);
      expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
    }
  });

  it('a signed module is refused unless the signature is stripped or kept on purpose', () => {
    const plain = loadFixture('x86_64.o');
    const trailer = buildModuleSignatureTrailer(new Uint8Array([0x30, 0x03, 1, 2, 3]));
    const signedBytes = new Uint8Array(plain.fileBytes.length + trailer.length);
    signedBytes.set(plain.fileBytes);
    signedBytes.set(trailer, plain.fileBytes.length);
    const signed = parseElf(signedBytes, 'signed.ko');
    expect(signed.signature).not.toBeNull();
    expect(() => resolveBtfIdsInElf(signed, fixtureBtf())).toThrow(/signed.*--strip-signature/);
    const stripped = resolveBtfIdsInElf(signed, fixtureBtf(), { signature: 'strip' }).bytes;
    expect(stripped.length).toBe(plain.fileBytes.length);
    expect(parseElf(stripped).signature).toBeNull();
    const kept = resolveBtfIdsInElf(signed, fixtureBtf(), { signature: 'keep' }).bytes;
    expect(Buffer.from(kept.subarray(plain.fileBytes.length)).equals(Buffer.from(trailer))).toBe(true);
  });

  it('patchBtfIdsBlob copies a blob of the right size, and refuses another size', () => {
    const elf = loadFixture('s390x.o');
    const blob = wordsToBytes(EXPECTED_WORDS, false);
    const out = parseElf(patchBtfIdsBlob(elf, blob));
    expect(Buffer.from(out.sectionData(out.sectionByName('.BTF_ids')!)).equals(Buffer.from(blob))).toBe(true);
    expect(() => checkBtfIdsBlob(elf, blob.subarray(4), 'ids.bin')).toThrow('size mismatch - .BTF_ids section is 124 bytes, ids.bin is 120 bytes');
    expect(() => patchBtfIdsBlob(loadFixture('no-btfids.o'), blob)).toThrow(/section .BTF_ids not found/);
  });

  it('collectBtfIds layout and resolution agree on the section', () => {
    const elf = loadFixture('x86_64.exec');
    const c = collectBtfIds(elf);
    expect(c.found && c.layout.section.index).toBe(resolveBtfIds(elf, fixtureBtf()).section?.index);
  });
});

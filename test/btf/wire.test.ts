import { describe, it, expect } from 'vitest';
import { Btf, addType, inflate, parseBtf, serializeBtf, BTF_KIND_ARRAY, BTF_KIND_DECL_TAG, BTF_KIND_INT, BTF_KIND_STRUCT } from '../../src/btf/index.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { BtfError } from '../../src/common/errors.js';
import { fixture, MODULES } from '../helpers/testdata.js';
import { swapBtfToBigEndian } from '../helpers/btf-swap.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('raw BTF round trip', () => {
  it('6.12 vmlinux BTF parses to 112,768 types and serializes byte for byte', () => {
    const data = fixture('btf/vmlinux-6.12.btf.gz');
    const btf = parseBtf(data);
    expect(btf.count).toBe(112768);
    expect(btf.le).toBe(true);
    expect(same(serializeBtf(btf), data)).toBe(true);
  });

  it('host BTF with DECL_TAG, TYPE_TAG and ENUM64 round trips', () => {
    const data = fixture('btf/host.btf.gz');
    const btf = parseBtf(data);
    const kinds = new Set<number>();
    for (let id = 1; id < btf.typeCount; id++) kinds.add(btf.kind(id));
    expect([17, 18, 19].every((k) => kinds.has(k))).toBe(true);
    expect(same(serializeBtf(btf), data)).toBe(true);
  });

  it('a byte-swapped copy of the 6.12 vmlinux BTF reads as the same types and writes back swapped', () => {
    const data = fixture('btf/vmlinux-6.12.btf.gz');
    const be = swapBtfToBigEndian(data);
    const a = parseBtf(data);
    const b = parseBtf(be);
    expect(b.le).toBe(false);
    expect(b.count).toBe(a.count);
    expect(same(new Uint8Array(b.typeWords().buffer, 0, b.wordLen * 4), new Uint8Array(a.typeWords().buffer, 0, a.wordLen * 4))).toBe(true);
    expect(same(serializeBtf(b), be)).toBe(true);
    expect(same(serializeBtf(b, { le: true }), data)).toBe(true);
  });

  it('big-endian BTF from the s390x compiler round trips', () => {
    const { btf } = btfFromBytes(fixture('btf/s390x-gbtf.o'), 's390x-gbtf.o');
    expect(btf.le).toBe(false);
    const names = [];
    for (let id = 1; id < btf.typeCount; id++) if (btf.kind(id) === BTF_KIND_STRUCT) names.push(btf.name(id));
    expect(names).toEqual(expect.arrayContaining(['item', 'list', 'flags']));
    const again = parseBtf(serializeBtf(btf));
    expect(again.le).toBe(false);
    expect(same(serializeBtf(again), serializeBtf(btf))).toBe(true);
  });

  it.each(MODULES)('module %s: split .BTF over vmlinux round trips', (m) => {
    const base = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const { btf } = btfFromBytes(fixture(`modules/${m}.ko`), `${m}.ko`, { base });
    expect(btf.startId).toBe(112769);
    expect(btf.count).toBeGreaterThan(0);
    const bytes = serializeBtf(btf);
    const again = parseBtf(bytes, { base });
    expect(same(serializeBtf(again), bytes)).toBe(true);
    // Every string a split type names resolves through the base or the split strings.
    for (let id = btf.startId; id < btf.typeCount; id++) expect(typeof btf.name(id)).toBe('string');
  });
});

describe('building BTF', () => {
  it('adds types through the object view and reads them back', () => {
    const b = new Btf();
    const int = addType(b, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    const ptr = addType(b, { kind: 'PTR', name: '', type: int });
    const s = addType(b, { kind: 'STRUCT', name: 's', size: 8, bitfields: true, members: [
      { name: 'a', type: int, bitOffset: 0, bitfieldSize: 3 },
      { name: 'b', type: int, bitOffset: 3, bitfieldSize: 5 },
    ] });
    const e = addType(b, { kind: 'ENUM64', name: 'e', size: 8, signed: true, values: [{ name: 'neg', value: -5n }, { name: 'big', value: 0x123456789n }] });
    const back = parseBtf(serializeBtf(b));
    expect(inflate(back, int)).toEqual({ kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    expect(inflate(back, ptr)).toEqual({ kind: 'PTR', name: '', type: int });
    expect(inflate(back, s)).toMatchObject({ kind: 'STRUCT', bitfields: true, members: [{ name: 'a', bitfieldSize: 3 }, { name: 'b', bitOffset: 3, bitfieldSize: 5 }] });
    expect(inflate(back, e)).toMatchObject({ values: [{ name: 'neg', value: -5n }, { name: 'big', value: 0x123456789n }] });
    // Strings are deduplicated.
    const before = b.strLen;
    b.addStr('int');
    expect(b.strLen).toBe(before);
  });

  it('split BTF reuses base strings and numbers types after the base', () => {
    const base = new Btf();
    addType(base, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    const split = new Btf({ base });
    expect(split.startId).toBe(2);
    const p = addType(split, { kind: 'TYPEDEF', name: 'int', type: 1 });
    expect(p).toBe(2);
    expect(split.strLen).toBe(0);
    const bytes = serializeBtf(split);
    expect(bytes.length).toBe(24 + 12);
    expect(parseBtf(bytes, { base }).name(2)).toBe('int');
  });

  it('keeps every record while growing past the large-array size, and after an exact reservation', () => {
    const b = new Btf();
    const int = addType(b, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    // 4-word INT records, well past 2^20 words, where growth turns from doubling to half again.
    const n = 300_000;
    for (let i = 0; i < n; i++) b.add1(BTF_KIND_INT, 0, 0, false, 4, (i & 0xffff) | 0x01000000);
    expect(b.wordLen).toBeGreaterThan(1 << 20);
    expect(b.words.length).toBeLessThan(2 * b.wordLen);
    const back = parseBtf(serializeBtf(b));
    expect(back.count).toBe(n + 1);
    for (const id of [int, 2, 1000, n + 1]) expect(back.typeWords().subarray(back.offs[id - 1], back.offs[id])).toEqual(b.typeWords().subarray(b.offs[id - 1], b.offs[id]));
    // reserve() leaves room that is already there alone, else makes exactly the room asked for;
    // appending that much then allocates nothing.
    const other = new Btf();
    for (let i = 0; i < 10; i++) other.add1(BTF_KIND_INT, 0, 0, false, 4, i | 0x01000000);
    const cap = b.words.length;
    b.reserve(cap - b.wordLen, 0);
    expect(b.words.length).toBe(cap);
    const ask = cap - b.wordLen + other.wordLen;
    b.reserve(ask, other.count);
    const words = b.words;
    expect(words.length).toBe(b.wordLen + ask);
    b.appendRecords(other.words, other.offs, other.count);
    expect(b.words).toBe(words);
    expect(b.count).toBe(n + 11);
    expect(Array.from(b.typeWords().subarray(b.wordLen - 4))).toEqual([0, (BTF_KIND_INT << 24) >>> 0, 4, 9 | 0x01000000]);
  });

  it('a header-only split BTF is valid', () => {
    const base = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const empty = serializeBtf(new Btf({ base }));
    expect(empty.length).toBe(24);
    expect(parseBtf(empty, { base }).count).toBe(0);
  });
});

describe('malformed BTF', () => {
  const good = () => {
    const b = new Btf();
    addType(b, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    return serializeBtf(b);
  };
  const expectBtfError = (data: Uint8Array, offset: number, re: RegExp) => {
    try {
      parseBtf(data, { file: 'x.btf' });
    } catch (e) {
      expect(e).toBeInstanceOf(BtfError);
      expect((e as BtfError).code).toBe('btf');
      expect((e as BtfError).offset).toBe(offset);
      expect((e as BtfError).file).toBe('x.btf');
      expect((e as BtfError).message).toMatch(re);
      return;
    }
    throw new Error('no error');
  };
  it('bad magic', () => { const d = good(); d[0] = 0; expectBtfError(d, 0, /magic/); });
  it('truncated header', () => expectBtfError(good().subarray(0, 10), 0, /truncated/));
  it('bad version', () => { const d = good(); d[2] = 2; expectBtfError(d, 2, /version/); });
  it('non-zero flags', () => { const d = good(); d[3] = 1; expectBtfError(d, 3, /flags/); });
  it('type section past the end', () => { const d = good(); d[12] = 0xf0; expectBtfError(d, 8, /type section/); });
  it('truncated type record', () => {
    const d = good();
    new DataView(d.buffer).setUint32(12, 12, true); // type_len 12: the INT's extra word falls outside
    expectBtfError(d, 24, /runs past/);
  });
  it('unknown kind without a layout section', () => { const d = good(); d[24 + 7] = 0x30; expectBtfError(d, 28, /unknown kind 48/); });
  it('string section without terminating NUL', () => { const d = good(); d[d.length - 1] = 0x41; expectBtfError(d, d.length - 1, /NUL/); });
});

describe('Btf.add word sources', () => {
  it('a JS array (words of 2^31 and up included), a Uint32Array, add1 and addWords give the same records', () => {
    const build = (how: 'array' | 'typed' | 'direct') => {
      const b = new Btf();
      const intName = b.addStr('int');
      const int = how === 'array' ? b.add(BTF_KIND_INT, intName, 0, false, 4, [0x01000020])
        : how === 'typed' ? b.add(BTF_KIND_INT, intName, 0, false, 4, Uint32Array.of(0x01000020))
          : b.add1(BTF_KIND_INT, intName, 0, false, 4, 0x01000020);
      const tag = how === 'array' ? b.add(BTF_KIND_DECL_TAG, b.addStr('t'), 0, false, int, [0xffffffff])
        : how === 'typed' ? b.add(BTF_KIND_DECL_TAG, b.addStr('t'), 0, false, int, Uint32Array.of(0xffffffff))
          : b.add1(BTF_KIND_DECL_TAG, b.addStr('t'), 0, false, int, 0xffffffff);
      const words = Uint32Array.of(int, int, 0x80000001, 99);
      const arr = how === 'array' ? b.add(BTF_KIND_ARRAY, 0, 0, false, 0, [int, int, 0x80000001])
        : b.addWords(BTF_KIND_ARRAY, 0, 0, false, 0, words, 3);
      return { b, tag, arr };
    };
    const a = build('array');
    const t = build('typed');
    const d = build('direct');
    for (const x of [t, d]) {
      expect(x.tag).toBe(a.tag);
      expect(x.arr).toBe(a.arr);
      expect(same(serializeBtf(x.b), serializeBtf(a.b))).toBe(true);
    }
    const back = parseBtf(serializeBtf(a.b));
    expect(back.typeWords()[back.offs[a.tag - 1] + 3]).toBe(0xffffffff);
    expect(back.typeWords()[back.offs[a.arr - 1] + 5]).toBe(0x80000001);
  });

  it('addWords refuses a word count that does not fit the kind', () => {
    const b = new Btf();
    expect(() => b.addWords(BTF_KIND_ARRAY, 0, 0, false, 0, Uint32Array.of(1, 1, 1), 2)).toThrow(BtfError);
  });
});

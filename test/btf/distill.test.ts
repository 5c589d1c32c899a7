import { describe, it, expect } from 'vitest';
import { Btf, addType, parseBtf, serializeBtf, type BtfType } from '../../src/btf/index.js';
import { distillBase } from '../../src/btf/distill/index.js';
import { relocateBtf, RelocationError } from '../../src/btf/relocate/index.js';
import { dumpRawString } from '../../src/btf/dump/raw.js';
import { dedupBtf } from '../../src/btf/dedup/index.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { BtfError } from '../../src/common/errors.js';
import { fixture } from '../helpers/testdata.js';

// The eight behaviours of the kernel selftest prog_tests/btf_distill.c: same inputs, same
// expected results, written for our API.

/** Raw dump of every type visible from `btf`: its bases first, as VALIDATE_RAW_BTF prints. */
function all(btf: Btf): string[] {
  const levels: Btf[] = [];
  for (let b: Btf | null = btf; b; b = b.base) levels.unshift(b);
  return levels.map((l) => dumpRawString(l)).join('').split(/\n(?=\[)/).map((s) => s.trimEnd());
}

const INT = (name: string, size: number, signed = true): BtfType => ({ kind: 'INT', name, size, encoding: signed ? 1 : 0, offset: 0, bits: size * 8 });
const m = (name: string, type: number, bitOffset = 0) => ({ name, type, bitOffset, bitfieldSize: 0 });
const add = (b: Btf, ...ts: BtfType[]) => { for (const t of ts) addType(b, t); };

const SIGNED_INT = "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED";

describe('distill and relocate (btf_distill.c behaviours)', () => {
  it('distilled_base', () => {
    const b1 = new Btf();
    add(b1,
      INT('int', 4), { kind: 'PTR', name: '', type: 1 },
      { kind: 'STRUCT', name: 's1', size: 8, bitfields: false, members: [m('f1', 2)] },
      { kind: 'STRUCT', name: '', size: 12, bitfields: false, members: [m('f1', 1), m('f2', 3, 32)] },
      INT('unsigned int', 4, false),
      { kind: 'UNION', name: 'u1', size: 12, bitfields: false, members: [m('f1', 1), m('f2', 2)] },
      { kind: 'UNION', name: '', size: 4, bitfields: false, members: [m('f1', 1)] },
      { kind: 'ENUM', name: 'e1', size: 4, signed: false, values: [{ name: 'v1', value: 1n }] },
      { kind: 'ENUM', name: '', size: 4, signed: false, values: [{ name: 'av1', value: 2n }] },
      { kind: 'ENUM64', name: 'e641', size: 8, signed: true, values: [{ name: 'v1', value: 1024n }] },
      { kind: 'ENUM64', name: '', size: 8, signed: true, values: [{ name: 'v1', value: 1025n }] },
      { kind: 'STRUCT', name: 'unneeded', size: 4, bitfields: false, members: [m('f1', 1)] },
      { kind: 'STRUCT', name: 'embedded', size: 4, bitfields: false, members: [m('f1', 1)] },
      { kind: 'FUNC_PROTO', returnType: 1, params: [{ name: 'p1', type: 1 }] },
      { kind: 'ARRAY', type: 1, indexType: 1, nelems: 3 },
      { kind: 'STRUCT', name: 'from_proto', size: 4, bitfields: false, members: [m('f1', 1)] },
      { kind: 'UNION', name: 'u1', size: 4, bitfields: false, members: [m('f1', 1)] },
    );
    const b2 = new Btf({ base: b1 });
    add(b2,
      { kind: 'PTR', name: '', type: 3 }, { kind: 'PTR', name: '', type: 4 },
      { kind: 'CONST', name: '', type: 6 }, { kind: 'RESTRICT', name: '', type: 7 },
      { kind: 'VOLATILE', name: '', type: 8 }, { kind: 'TYPEDEF', name: 'et', type: 9 },
      { kind: 'CONST', name: '', type: 10 }, { kind: 'PTR', name: '', type: 11 },
      { kind: 'STRUCT', name: 'with_embedded', size: 4, bitfields: false, members: [m('f1', 13)] },
      { kind: 'FUNC', name: 'fn', type: 14, linkage: 0 },
      { kind: 'TYPEDEF', name: 'arraytype', type: 15 },
      { kind: 'FUNC_PROTO', returnType: 1, params: [{ name: 'p1', type: 16 }] },
    );
    const { base: b3, split: b4 } = distillBase(b2);
    expect(b3.typeCount).toBe(8);
    expect(all(b4)).toEqual([
      SIGNED_INT,
      "[2] STRUCT 's1' size=8 vlen=0",
      "[3] UNION 'u1' size=12 vlen=0",
      "[4] ENUM 'e1' encoding=UNSIGNED size=4 vlen=0",
      "[5] ENUM 'e641' encoding=UNSIGNED size=8 vlen=0",
      "[6] STRUCT 'embedded' size=4 vlen=0",
      "[7] STRUCT 'from_proto' size=4 vlen=0",
      "[8] PTR '(anon)' type_id=2",
      "[9] PTR '(anon)' type_id=20",
      "[10] CONST '(anon)' type_id=3",
      "[11] RESTRICT '(anon)' type_id=21",
      "[12] VOLATILE '(anon)' type_id=4",
      "[13] TYPEDEF 'et' type_id=22",
      "[14] CONST '(anon)' type_id=5",
      "[15] PTR '(anon)' type_id=23",
      "[16] STRUCT 'with_embedded' size=4 vlen=1\n\t'f1' type_id=6 bits_offset=0",
      "[17] FUNC 'fn' type_id=24 linkage=static",
      "[18] TYPEDEF 'arraytype' type_id=25",
      "[19] FUNC_PROTO '(anon)' ret_type_id=1 vlen=1\n\t'p1' type_id=7",
      "[20] STRUCT '(anon)' size=12 vlen=2\n\t'f1' type_id=1 bits_offset=0\n\t'f2' type_id=2 bits_offset=32",
      "[21] UNION '(anon)' size=4 vlen=1\n\t'f1' type_id=1 bits_offset=0",
      "[22] ENUM '(anon)' encoding=UNSIGNED size=4 vlen=1\n\t'av1' val=2",
      "[23] ENUM64 '(anon)' encoding=SIGNED size=8 vlen=1\n\t'v1' val=1025LL",
      "[24] FUNC_PROTO '(anon)' ret_type_id=1 vlen=1\n\t'p1' type_id=1",
      "[25] ARRAY '(anon)' type_id=1 index_type_id=1 nr_elems=3",
    ]);
    const { btf: b5, idMap } = relocateBtf(b4, b1);
    const got = all(b5);
    expect(got.slice(0, 17)).toEqual(all(b1));
    expect(got.slice(17)).toEqual([
      "[18] PTR '(anon)' type_id=3",
      "[19] PTR '(anon)' type_id=30",
      "[20] CONST '(anon)' type_id=6",
      "[21] RESTRICT '(anon)' type_id=31",
      "[22] VOLATILE '(anon)' type_id=8",
      "[23] TYPEDEF 'et' type_id=32",
      "[24] CONST '(anon)' type_id=10",
      "[25] PTR '(anon)' type_id=33",
      "[26] STRUCT 'with_embedded' size=4 vlen=1\n\t'f1' type_id=13 bits_offset=0",
      "[27] FUNC 'fn' type_id=34 linkage=static",
      "[28] TYPEDEF 'arraytype' type_id=35",
      "[29] FUNC_PROTO '(anon)' ret_type_id=1 vlen=1\n\t'p1' type_id=16",
      "[30] STRUCT '(anon)' size=12 vlen=2\n\t'f1' type_id=1 bits_offset=0\n\t'f2' type_id=3 bits_offset=32",
      "[31] UNION '(anon)' size=4 vlen=1\n\t'f1' type_id=1 bits_offset=0",
      "[32] ENUM '(anon)' encoding=UNSIGNED size=4 vlen=1\n\t'av1' val=2",
      "[33] ENUM64 '(anon)' encoding=SIGNED size=8 vlen=1\n\t'v1' val=1025LL",
      "[34] FUNC_PROTO '(anon)' ret_type_id=1 vlen=1\n\t'p1' type_id=1",
      "[35] ARRAY '(anon)' type_id=1 index_type_id=1 nr_elems=3",
    ]);
    // The id map the kernel keeps for .BTF_ids: distilled [2] 's1' is base [3], split [8] is [18].
    expect([idMap[1], idMap[2], idMap[6], idMap[8], idMap[25]]).toEqual([1, 3, 13, 18, 35]);
  });

  const twoInts = (size2: number) => {
    const b1 = new Btf();
    add(b1, INT('int', 4), INT('int', size2));
    const b2 = new Btf({ base: b1 });
    add(b2, { kind: 'PTR', name: '', type: 1 }, { kind: 'CONST', name: '', type: 2 });
    return { b1, b2 };
  };

  it('distilled_base_multi', () => {
    const { b1, b2 } = twoInts(8);
    const { base, split } = distillBase(b2);
    expect(base.typeCount).toBe(3);
    expect(all(base)).toEqual([SIGNED_INT, "[2] INT 'int' size=8 bits_offset=0 nr_bits=64 encoding=SIGNED"]);
    expect(all(relocateBtf(split, b1).btf)).toEqual(all(b2));
  });

  it('distilled_base_missing_err', () => {
    const { b2 } = twoInts(8);
    const { base, split } = distillBase(b2);
    expect(base.typeCount).toBe(3);
    const b5 = new Btf();
    add(b5, INT('int', 4));
    expect(() => relocateBtf(split, b5)).toThrow(RelocationError);
    expect(() => relocateBtf(split, b5)).toThrow(/INT 'int' size 8 \[2\] is not found/);
  });

  it('distilled_base_multi_err', () => {
    const { b1, b2 } = twoInts(4);
    const { base, split } = distillBase(b2);
    expect(all(base)).toEqual([SIGNED_INT, "[2] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED"]);
    try {
      relocateBtf(split, b1);
      throw new Error('relocation should fail');
    } catch (e) {
      expect((e as RelocationError).reason).toBe('ambiguous');
    }
  });

  it('distilled_base_multi_err2', () => {
    const b1 = new Btf();
    add(b1, INT('int', 4));
    const b2 = new Btf({ base: b1 });
    add(b2, { kind: 'PTR', name: '', type: 1 });
    const { base, split } = distillBase(b2);
    expect(base.typeCount).toBe(2);
    const b5 = new Btf();
    add(b5, INT('int', 4), INT('int', 4));
    expect(() => relocateBtf(split, b5)).toThrow(/several candidates/);
  });

  it('distilled_base_embedded_err', () => {
    const b1 = new Btf();
    add(b1, INT('int', 4), { kind: 'STRUCT', name: 's1', size: 4, bitfields: false, members: [m('f1', 1)] });
    const b2 = new Btf({ base: b1 });
    add(b2, { kind: 'STRUCT', name: 'with_embedded', size: 8, bitfields: false, members: [m('e1', 2)] });
    const { base, split } = distillBase(b2);
    expect(base.typeCount).toBe(2);
    expect(all(split)).toEqual(["[1] STRUCT 's1' size=4 vlen=0", "[2] STRUCT 'with_embedded' size=8 vlen=1\n\t'e1' type_id=1 bits_offset=0"]);
    const b5 = new Btf();
    add(b5, INT('int', 4), { kind: 'STRUCT', name: 's1', size: 8, bitfields: false, members: [m('f1', 1)] });
    expect(() => relocateBtf(split, b5)).toThrow(/embedded, so the size must match/);
    // Used through a pointer instead, the size may change.
    const b6 = new Btf({ base: b1 });
    add(b6, { kind: 'PTR', name: '', type: 2 });
    const d6 = distillBase(b6);
    expect(relocateBtf(d6.split, b5).btf.sizeType(3)).toBe(2);
  });

  it('distilled_base_vmlinux', () => {
    const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    let intId = 0;
    for (let id = 1; id < vmlinux.typeCount && !intId; id++) if (vmlinux.kind(id) === 1 && vmlinux.name(id) === 'int') intId = id;
    const split = new Btf({ base: vmlinux });
    const myint = addType(split, { kind: 'TYPEDEF', name: 'myint', type: intId });
    addType(split, { kind: 'PTR', name: '', type: myint });
    const d = distillBase(split);
    expect(all(d.split)).toEqual([SIGNED_INT, "[2] TYPEDEF 'myint' type_id=1", "[3] PTR '(anon)' type_id=2"]);
  });

  it('distilled_endianness', () => {
    const base = new Btf({ le: false });
    add(base, INT('int', 4));
    const split = new Btf({ base });
    add(split, { kind: 'PTR', name: '', type: 1 });
    const d = distillBase(split);
    expect(d.base.typeCount).toBe(2);
    const rawBase = serializeBtf(d.base);
    const rawSplit = serializeBtf(d.split);
    expect([rawBase[0], rawBase[1], rawSplit[0], rawSplit[1]]).toEqual([0xeb, 0x9f, 0xeb, 0x9f]);
    const base1 = parseBtf(rawBase);
    const split1 = parseBtf(rawSplit, { base: base1 });
    expect([base1.le, split1.le]).toEqual([false, false]);
    expect(all(split1)).toEqual([SIGNED_INT, "[2] PTR '(anon)' type_id=1"]);
  });

  it('refuses references to base FUNC, VAR, DATASEC or DECL_TAG', () => {
    const b1 = new Btf();
    add(b1, INT('int', 4), { kind: 'VAR', name: 'v', type: 1, linkage: 1 });
    const b2 = new Btf({ base: b1 });
    add(b2, { kind: 'DATASEC', name: '.data', size: 4, vars: [{ type: 2, offset: 0, size: 4 }] });
    expect(() => distillBase(b2)).toThrow(BtfError);
    expect(() => distillBase(b2)).toThrow(/type \[3\] refers to base type \[2\] of kind VAR/);
  });
});

describe('on a real module', () => {
  it('tcp_bbr: distill against vmlinux, relocate back, get the original types plus moved ones', () => {
    const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const { btf } = btfFromBytes(fixture('modules/tcp_bbr.ko'), 'tcp_bbr.ko', { base: vmlinux });
    const d = distillBase(btf);
    expect(d.base.typeCount).toBeLessThan(200);
    const back = relocateBtf(d.split, vmlinux).btf;
    // The split types come back first; the moved types are copies of base types, so
    // deduplicating against vmlinux folds them back and gives the original exactly.
    expect(back.count).toBeGreaterThan(btf.count);
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
    expect(same(serializeBtf(dedupBtf(back)), serializeBtf(dedupBtf(btf)))).toBe(true);
  });
});

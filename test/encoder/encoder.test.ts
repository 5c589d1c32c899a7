// The encoder against pahole 1.30's output for small gcc objects, feature effects, and bad DWARF input.

import { describe, expect, it } from 'vitest';
import { BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_STRUCT, BTF_KIND_TYPE_TAG, BTF_KIND_VAR, type Btf } from '../../src/btf/index.js';
import { BtfpostError } from '../../src/common/errors.js';
import { parseElf } from '../../src/elf/index.js';
import { encodeBtf, KBUILD_FEATURES, parseFeatureLists } from '../../src/encoder/index.js';
import { serializeBtf } from '../../src/btf/wire/serialize.js';
import { fixture } from '../helpers/testdata.js';
import { compareEncoded, expectedBtf, loadObject } from './helpers.js';

const KBUILD = parseFeatureLists([KBUILD_FEATURES, '+reproducible_build']);

function encode(name: string, features = KBUILD): Btf {
  return encodeBtf(loadObject(name), { features, langExclude: ['rust'] }).btf;
}

function find(btf: Btf, kind: number, name: string): number {
  for (let id = btf.startId; id < btf.typeCount; id++) if (btf.kind(id) === kind && btf.nameOff(id) && btf.name(id) === name) return id;
  return -1;
}

describe('encoder vs pahole 1.30', () => {
  for (const obj of ['types', 'funcs', 'percpu', 'types-dwarf4', 'tags']) {
    it(`${obj}.o with Kbuild's features equals pahole's BTF`, () => {
      const cmp = compareEncoded(encode(`${obj}.o`), expectedBtf(`${obj}.btf`));
      expect({ onlyInA: cmp.onlyInA, onlyInB: cmp.onlyInB }).toEqual({ onlyInA: [], onlyInB: [] });
      expect(cmp.equal).toBe(true);
    });
    it(`${obj}.o without features equals pahole's BTF`, () => {
      const cmp = compareEncoded(encode(`${obj}.o`, parseFeatureLists([])), expectedBtf(`${obj}.nofeat.btf`));
      expect({ onlyInA: cmp.onlyInA, onlyInB: cmp.onlyInB }).toEqual({ onlyInA: [], onlyInB: [] });
    });
  }

  it("kfunc-cold.o: a kfunc with a .cold part keeps its bpf_kfunc tag, the one difference from pahole 1.30's BTF", () => {
    // pahole 1.30's function table sorts my_kfunc.cold and my_kfunc as equal and its exact-name
    // search then misses my_kfunc; pahole 1.31 and the kernel's own BTF tag such kfuncs.
    const ours = encode('kfunc-cold.o');
    const cmp = compareEncoded(ours, expectedBtf('kfunc-cold.btf'));
    expect(cmp.onlyInB).toEqual([]);
    expect(cmp.onlyInA.map((s) => s.replace(/^\[\d+\] /, ''))).toEqual(["DECL_TAG 'bpf_kfunc'"]);
    const tags: string[] = [];
    for (let id = 1; id < ours.typeCount; id++) if (ours.kind(id) === BTF_KIND_DECL_TAG) tags.push(`${ours.name(ours.sizeType(id))}:${ours.name(id)}`);
    expect(tags.sort()).toEqual(['my_fast_kfunc:bpf_kfunc', 'my_kfunc:bpf_kfunc']);
  });

  // Linked like a vmlinux: sections at 0xffffffff8..., where a double keeps addresses only to 2 KiB.
  const high = [['Kbuild', KBUILD, 'percpu-high.btf'], ['global_var', parseFeatureLists([KBUILD_FEATURES, '+global_var', '+reproducible_build']), 'percpu-high.global_var.btf']] as const;
  for (const [label, features, expected] of high) {
    it(`percpu-high.elf (kernel addresses) with ${label} features gives pahole's variable offsets, byte for byte`, () => {
      const ours = encode('percpu-high.elf', features);
      const per = find(ours, BTF_KIND_DATASEC, '.data..percpu');
      const vars = Array.from({ length: ours.vlen(per) }, (_, i) => `${ours.name(ours.extra(per, i * 3))}@${ours.extra(per, i * 3 + 1)}`);
      expect(vars).toEqual(['pcpu_array@0', 'pcpu_counter@32', 'pcpu_stats@48']);
      expect(Buffer.from(serializeBtf(ours)).equals(fixture(`encoder/${expected}`))).toBe(true);
    });
  }
});

describe('clang annotations', () => {
  it('tags.o (btf_decl_tag, btf_type_tag) encodes to the bytes pahole writes, string order included', () => {
    // pahole adds a saved function's parameter names and tag values before later variables' names.
    const ours = serializeBtf(encode('tags.o'));
    expect(Buffer.from(ours).equals(Buffer.from(fixture('encoder/tags.btf')))).toBe(true);
  });
  it('skips the annotation walk for units without annotations, and still finds them where they are', () => {
    const withTags = encode('tags.o');
    let tags = 0;
    for (let id = 1; id < withTags.typeCount; id++) if (withTags.kind(id) === BTF_KIND_DECL_TAG) tags++;
    expect(tags).toBe(8);
    const gcc = encode('types.o');
    for (let id = 1; id < gcc.typeCount; id++) expect(gcc.kind(id)).not.toBe(BTF_KIND_DECL_TAG);
  });
});

describe('encoding rules', () => {
  const btf = encode('types.o');

  it('encodes bool, signed, sanitized and float base types', () => {
    const b = find(btf, BTF_KIND_INT, '_Bool');
    expect(b).toBeGreaterThan(0);
    expect(btf.extra(b, 0) >>> 24).toBe(4);
    expect(btf.extra(find(btf, BTF_KIND_INT, 'int'), 0) >>> 24).toBe(1);
    expect(find(btf, BTF_KIND_FLOAT, 'long double')).toBeGreaterThan(0);
    expect(find(btf, BTF_KIND_INT, '__int128')).toBeGreaterThan(0);
  });

  it('flattens multi-dimensional arrays and uses kind_flag for bitfields', () => {
    const s = find(btf, BTF_KIND_STRUCT, 'everything');
    let nelems = -1;
    for (let i = 0; i < btf.vlen(s); i++) {
      if (btf.str(btf.extra(s, i * 3)) === 'matrix') nelems = btf.extra(btf.extra(s, i * 3 + 1), 2);
    }
    expect(nelems).toBe(60);
    expect(btf.kflag(find(btf, BTF_KIND_STRUCT, 'bits'))).toBe(true);
  });

  it('uses ENUM64 for 8-byte enums only with enum64, with signedness', () => {
    expect(find(btf, BTF_KIND_ENUM64, 'wide')).toBeGreaterThan(0);
    expect(btf.kflag(find(btf, BTF_KIND_ENUM, 'negative'))).toBe(true);
    const plain = encode('types.o', parseFeatureLists(['float']));
    expect(find(plain, BTF_KIND_ENUM64, 'wide')).toBe(-1);
    expect(find(plain, BTF_KIND_ENUM, 'wide')).toBeGreaterThan(0);
    expect(find(encode('types.o', parseFeatureLists([])), BTF_KIND_FLOAT, 'double')).toBe(-1);
  });

  it('skips static functions with inconsistent prototypes under consistent_func', () => {
    const f = encode('funcs.o');
    expect(find(f, BTF_KIND_FUNC, 'shared_name')).toBe(-1);
    expect(find(f, BTF_KIND_FUNC, 'sum_all')).toBeGreaterThan(0);
    const all = encode('funcs.o', parseFeatureLists(['optimized_func']));
    expect(find(all, BTF_KIND_FUNC, 'shared_name')).toBeGreaterThan(0);
  });

  it('encodes per-CPU variables with var and kfunc tags with decl_tag_kfuncs', () => {
    const p = encode('percpu.o');
    expect(find(p, BTF_KIND_VAR, 'pcpu_counter')).toBeGreaterThan(0);
    expect(find(p, BTF_KIND_VAR, 'plain_global')).toBe(-1);
    expect(find(p, BTF_KIND_DATASEC, '.data..percpu')).toBeGreaterThan(0);
    const tags: string[] = [];
    for (let id = 1; id < p.typeCount; id++) if (p.kind(id) === BTF_KIND_DECL_TAG) tags.push(`${p.name(p.sizeType(id))}:${p.name(id)}`);
    expect(tags.sort()).toEqual(['my_fast_kfunc:bpf_fastcall', 'my_fast_kfunc:bpf_kfunc', 'my_kfunc:bpf_kfunc']);
    const g = encode('percpu.o', parseFeatureLists(['+global_var']));
    expect(find(g, BTF_KIND_VAR, 'plain_global')).toBeGreaterThan(0);
    expect(find(g, BTF_KIND_DATASEC, '.data')).toBeGreaterThan(0);
    const none = encode('percpu.o', parseFeatureLists(['float']));
    expect(find(none, BTF_KIND_VAR, 'pcpu_counter')).toBe(-1);
  });

  it('tags arena kfunc pointers with address_space(1) under attributes, as their KF_ARENA_* flags ask', () => {
    // arena_alloc: KF_ARENA_RET|ARG1|ARG2; arena_first: KF_ARENA_ARG2 only; arena_none: no flags.
    const b = encode('arena.o', parseFeatureLists([KBUILD_FEATURES, '+attributes', '+reproducible_build']));
    const proto = (fn: string) => {
      const p = b.sizeType(find(b, BTF_KIND_FUNC, fn));
      const words = b.typeWords();
      const at = b.offs[p - b.startId];
      return { ret: b.sizeType(p), params: Array.from({ length: b.vlen(p) }, (_, i) => words[at + 3 + 2 * i + 1]) };
    };
    /** The pointee of a pointer, through an arena type tag when there is one; null if not a pointer. */
    const pointee = (id: number) => {
      if (b.kind(id) !== BTF_KIND_PTR) return null;
      const t = b.sizeType(id);
      const tagged = t !== 0 && b.kind(t) === BTF_KIND_TYPE_TAG && b.kflag(t) && b.name(t) === 'address_space(1)';
      const to = tagged ? b.sizeType(t) : t;
      return { tagged, to: to === 0 ? 'void' : b.name(to) };
    };
    const alloc = proto('arena_alloc');
    expect(pointee(alloc.ret)).toEqual({ tagged: true, to: 'page' });
    expect(alloc.params.map(pointee)).toEqual([{ tagged: true, to: 'page' }, { tagged: true, to: 'long int' }, null]);
    const first = proto('arena_first');
    expect(pointee(first.ret)).toEqual({ tagged: false, to: 'void' });
    expect(first.params.map(pointee)).toEqual([{ tagged: false, to: 'int' }, { tagged: true, to: 'void' }]);
    expect(proto('arena_none').params.map(pointee)).toEqual([{ tagged: false, to: 'page' }]);
    // Without the feature the same kfuncs keep plain pointers (and their bpf_kfunc tags).
    const plain = encode('arena.o');
    let typeTags = 0;
    for (let id = 1; id < plain.typeCount; id++) if (plain.kind(id) === BTF_KIND_TYPE_TAG) typeTags++;
    expect(typeTags).toBe(0);
    expect(find(plain, BTF_KIND_DECL_TAG, 'bpf_kfunc')).toBeGreaterThan(0);
  });

  it('encodes split BTF over a base', () => {
    const base = encode('types.o');
    const split = encodeBtf(loadObject('percpu.o'), { base, features: KBUILD }).btf;
    expect(split.startId).toBe(base.typeCount);
    expect(find(split, BTF_KIND_INT, 'int')).toBe(-1);
  });
});

describe('bad input', () => {
  const patched = (name: string, section: string, at: number, bytes: number[]) => {
    const buf = fixture(`encoder/${name}`).slice();
    const sec = parseElf(buf, name).sectionByName(section)!;
    buf.set(bytes, sec.offset + at);
    return parseElf(buf, name);
  };
  const failure = (f: () => unknown): BtfpostError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(BtfpostError);
      return e as BtfpostError;
    }
    throw new Error('no error');
  };

  it('refuses an object without DWARF', () => {
    const e = failure(() => encodeBtf(loadObject('nodwarf.o'), { features: KBUILD }));
    expect(e.code).toBe('dwarf');
    expect(e.message).toMatch(/no DWARF/);
  });

  it('names .debug_info and an offset for a truncated unit', () => {
    const e = failure(() => encodeBtf(patched('types.o', '.debug_info', 0, [0xf0, 0xff, 0xff, 0x0f]), { features: KBUILD }));
    expect(e.section).toBe('.debug_info');
    expect(e.offset).toBe(0);
  });

  it('names the section for an unsupported DWARF version', () => {
    const e = failure(() => encodeBtf(patched('types.o', '.debug_info', 4, [9, 0]), { features: KBUILD }));
    expect(e.section).toBe('.debug_info');
    expect(e.message).toMatch(/version/);
  });

  it('names the section and offset for an unknown form', () => {
    const e = failure(() => encodeBtf(patched('types.o', '.debug_abbrev', 4, [0x7f]), { features: KBUILD }));
    expect(e.code).toBe('dwarf');
    expect(e.section).toMatch(/^\.debug_(abbrev|info)$/);
    expect(e.offset).toBeTypeOf('number');
  });
});

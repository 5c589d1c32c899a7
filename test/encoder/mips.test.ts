// MIPS objects built as the kernel builds them: mips64el (RELA entries in the MIPS64 r_info layout)
// and mipsel (ELF32 REL), encoded byte for byte as pahole 1.30 encodes them. pahole was given each
// mips64el object with its r_info rewritten to the usual layout (scripts/mips64el-rinfo.py), as the
// elfutils it reads DWARF with misreads that layout; btfpost reads the compiler's own output.

import { describe, expect, it } from 'vitest';
import { BTF_KIND_DATASEC, parseBtf, serializeBtf } from '../../src/btf/index.js';
import { compareBtf } from '../../src/btf/compare.js';
import { EM_MIPS, parseElf } from '../../src/elf/index.js';
import { KBUILD_FEATURES, encodeBtf, parseFeatureLists } from '../../src/encoder/index.js';
import { fixture } from '../helpers/testdata.js';

describe('MIPS input', () => {
  it.each([
    ['types-mips64el', true],
    ['funcs-mips64el', true],
    ['percpu-mips64el', true],
    ['funcs-mipsel', false],
    ['percpu-mipsel', false],
  ] as const)('%s.o encodes to the bytes pahole 1.30 writes', (name, is64) => {
    const elf = parseElf(fixture(`encoder/${name}.o`), `${name}.o`);
    expect(elf.header.machine).toBe(EM_MIPS);
    expect(elf.is64).toBe(is64);
    const { btf } = encodeBtf(elf, { features: parseFeatureLists([KBUILD_FEATURES]) });
    const ours = serializeBtf(btf);
    const ref = fixture(`encoder/${name}.btf`);
    expect(compareBtf(parseBtf(ours), parseBtf(ref)).equal).toBe(true);
    expect(Buffer.compare(Buffer.from(ours), Buffer.from(ref))).toBe(0);
  });

  it.each(['percpu-mips64el', 'percpu-mipsel'])('%s.o: per-CPU variables at their symbols\' offsets, found through the relocations', (name) => {
    const elf = parseElf(fixture(`encoder/${name}.o`), `${name}.o`);
    const { btf } = encodeBtf(elf, { features: parseFeatureLists([KBUILD_FEATURES]) });
    let per = 0;
    for (let id = 1; id < btf.typeCount; id++) if (btf.kind(id) === BTF_KIND_DATASEC && btf.name(id) === '.data..percpu') per = id;
    expect(per).toBeGreaterThan(0);
    const vars = Array.from({ length: btf.vlen(per) }, (_, i) => `${btf.name(btf.extra(per, i * 3))}@${btf.extra(per, i * 3 + 1)}`);
    const st = elf.symbols()!;
    const expected = ['pcpu_array', 'pcpu_counter', 'pcpu_stats'].map((v) => `${v}@${st.value(st.indexOf(v))}`);
    expect(vars).toEqual(expected);
    expect(new Set(vars.map((v) => v.split('@')[1])).size).toBe(3);
  });
});

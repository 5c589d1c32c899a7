// Writer tests: identity round trips, adding/removing/replacing/patching sections, renumbering, extended numbering, signatures.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfError } from '../../src/common/errors.js';
import {
  SHN_LORESERVE,
  SHN_XINDEX,
  SHT_GROUP,
  SHT_NOBITS,
  SHT_NULL,
  SHT_PROGBITS,
  SHT_REL,
  SHT_RELA,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
  applyElfEdits,
  applyElfEditsChunks,
  concatChunks,
  parseElf,
  writeFileAtomic,
  type ElfEdit,
  type ElfFile,
} from '../../src/elf/index.js';
import { fixture, hasTool, ldFor, ldRelocatable, manySections, prng, put, readelfProblems, tempDir } from './helpers.js';

const HAVE_READELF = hasTool('readelf');

/** readelf -a -W must be quiet on stderr and ld -r must link the file (each skipped when the tool is missing). */
function checkWithTools(bytes: Uint8Array, label: string): void {
  const elf = parseElf(bytes);
  const t = tempDir();
  try {
    const p = put(t.dir, `${label}.o`, bytes);
    if (HAVE_READELF) expect(readelfProblems(p), `readelf on ${label}`).toEqual([]);
    const ld = ldFor(elf.header.machine, elf.is64);
    if (ld) {
      const out = `${t.dir}/${label}-ld.o`;
      expect(ldRelocatable(ld, p, out), `ld -r on ${label}`).toBe('');
    }
  } finally {
    t.cleanup();
  }
}

function toolNote(machine: string): string {
  const missing: string[] = [];
  if (!HAVE_READELF) missing.push('readelf');
  if (machine === 's390' && !hasTool('s390x-linux-gnu-ld')) missing.push('s390x-linux-gnu-ld');
  if (machine !== 's390' && !hasTool('ld')) missing.push('ld');
  return missing.length ? ` (tool checks skipped: ${missing.join(', ')} not installed)` : '';
}

/** Name of the section each symbol is defined in (or its reserved index), for comparing before/after renumbering. */
function symbolHomes(elf: ElfFile): string[] {
  const st = elf.symbols()!;
  const out: string[] = [];
  for (let i = 0; i < st.count; i++) {
    const raw = st.rawShndx(i);
    const x = st.shndx(i);
    out.push(`${st.name(i)}@${x === 0 || (raw >= SHN_LORESERVE && raw !== SHN_XINDEX) ? x : elf.sections[x].name}`);
  }
  return out;
}

/** Section-level facts that must survive edits: name, type, data, link/info by name, group members by name. */
function sectionFacts(elf: ElfFile, skip: (name: string) => boolean = () => false): string[] {
  const facts: string[] = [];
  for (const s of elf.sections) {
    if (s.index === 0 || skip(s.name)) continue;
    const link = s.link ? elf.sections[s.link].name : '-';
    const info = s.type === SHT_REL || s.type === SHT_RELA ? elf.sections[s.info].name : String(s.info);
    let extra = '';
    if (s.type === SHT_GROUP) {
      const d = elf.sectionData(s);
      const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
      const names: string[] = [];
      for (let i = 4; i < d.length; i += 4) names.push(elf.sections[v.getUint32(i, elf.le)].name);
      extra = names.join(',');
    } else if (s.type === SHT_SYMTAB || s.type === SHT_SYMTAB_SHNDX) {
      // st_shndx values change with renumbering; symbolHomes compares what they mean.
      extra = `${s.size}`;
    } else if (s.type !== SHT_NOBITS) {
      extra = Buffer.from(elf.sectionData(s)).toString('base64');
    }
    facts.push(`${s.name}|${s.type}|${s.flags}|${link}|${info}|${s.size}|${extra}`);
  }
  return facts;
}

function bytesOf(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
  return b;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const OBJECTS: { file: string; relToRemove: string; machine: string }[] = [
  { file: 'x86_64.o', relToRemove: '.rela.debug_aranges', machine: 'x86' },
  { file: 'i386.o', relToRemove: '.rel.debug_aranges', machine: 'x86' },
  { file: 's390x.o', relToRemove: '.rela.debug_aranges', machine: 's390' },
  { file: 's390-31.o', relToRemove: '.rela.debug_aranges', machine: 's390' },
];

describe('applyElfEdits on gcc fixtures', () => {
  for (const o of OBJECTS) {
    describe(o.file, () => {
      it('replacing every section with its own bytes gives a byte-identical file', () => {
        const buf = fixture(o.file);
        const elf = parseElf(buf);
        const edits: ElfEdit[] = elf.sections
          .filter((s) => s.index !== 0 && s.type !== SHT_NOBITS && s.type !== SHT_NULL)
          .map((s) => ({ op: 'replace', section: s.index, data: elf.sectionData(s).slice() }));
        expect(sameBytes(applyElfEdits(elf, { edits }), buf)).toBe(true);
        expect(sameBytes(applyElfEdits(elf, { edits: [] }), buf)).toBe(true);
        expect(sameBytes(applyElfEdits(elf, { edits: [{ op: 'patch', section: '.text', offset: 0, data: elf.sectionData(elf.sectionByName('.text')!).slice(0, 4) }] }), buf)).toBe(true);
      });

      it(`adding .BTF keeps everything else and passes readelf/ld${toolNote(o.machine)}`, () => {
        const elf = parseElf(fixture(o.file));
        const btf = bytesOf(1234, 1);
        const out = applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: btf }] });
        const e2 = parseElf(out);
        expect(e2.shnum).toBe(elf.shnum + 1);
        const s = e2.sectionByName('.BTF')!;
        expect(s.index).toBe(elf.shnum);
        expect(s.type).toBe(SHT_PROGBITS);
        expect(s.flags).toBe(0);
        expect(s.addralign).toBe(4);
        expect(s.offset % 4).toBe(0);
        expect(sameBytes(e2.sectionData(s), btf)).toBe(true);
        expect(sectionFacts(e2, (n) => n === '.BTF' || n === '.shstrtab')).toEqual(sectionFacts(elf, (n) => n === '.shstrtab'));
        expect(symbolHomes(e2)).toEqual(symbolHomes(elf));
        // Sections other than .shstrtab kept their offsets; bytes before the old section header table are unchanged.
        for (const old of elf.sections) if (old.name !== '.shstrtab') expect(e2.sections[old.index].offset).toBe(old.offset);
        checkWithTools(out, 'add-btf');
      });

      it('adding .BTF and .BTF.base with alignment 8 twice in a row stays valid', () => {
        const elf = parseElf(fixture(o.file));
        const out1 = applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: bytesOf(999, 2), align: 8 }] });
        const out2 = applyElfEdits(parseElf(out1), { edits: [{ op: 'add', name: '.BTF.base', data: bytesOf(77, 3), align: 8 }] });
        const e = parseElf(out2);
        expect(e.sectionByName('.BTF')!.offset % 8).toBe(0);
        expect(e.sectionByName('.BTF.base')!.offset % 8).toBe(0);
        expect(sameBytes(e.sectionData(e.sectionByName('.BTF.base')!), bytesOf(77, 3))).toBe(true);
        checkWithTools(out2, 'add-two');
      });

      it(`removing ${o.relToRemove} renumbers links, symbols and groups${toolNote(o.machine)}`, () => {
        const elf = parseElf(fixture(o.file));
        const removed = elf.sectionByName(o.relToRemove)!;
        const out = applyElfEdits(elf, { edits: [{ op: 'remove', section: o.relToRemove }] });
        const e2 = parseElf(out);
        expect(e2.shnum).toBe(elf.shnum - 1);
        expect(e2.sectionByName(o.relToRemove)).toBeUndefined();
        expect(e2.sections[removed.index].name).toBe(elf.sections[removed.index + 1].name);
        expect(sectionFacts(e2)).toEqual(sectionFacts(elf, (n) => n === o.relToRemove));
        expect(symbolHomes(e2)).toEqual(symbolHomes(elf));
        expect(e2.sections[e2.shstrndx].name).toBe('.shstrtab');
        // The removed section's bytes are cleared, the file does not grow.
        expect(out.length).toBeLessThanOrEqual(elf.bytes.length);
        expect(out.subarray(removed.offset, removed.offset + removed.size).every((b) => b === 0)).toBe(true);
        checkWithTools(out, 'remove');
      });

      it('grows a section by moving it to the end and shrinks one in place', () => {
        const elf = parseElf(fixture(o.file));
        const str = elf.sectionByName('.debug_str')!;
        const abbrev = elf.sectionByName('.debug_abbrev')!;
        const big = bytesOf(str.size + 5000, 4);
        const small = elf.sectionData(abbrev).slice(0, 16);
        const out = applyElfEdits(elf, { edits: [{ op: 'replace', section: '.debug_str', data: big }, { op: 'replace', section: '.debug_abbrev', data: small }] });
        const e2 = parseElf(out);
        const s2 = e2.sectionByName('.debug_str')!;
        expect(s2.size).toBe(big.length);
        expect(sameBytes(e2.sectionData(s2), big)).toBe(true);
        expect(s2.offset).toBeGreaterThanOrEqual(elf.header.shoff > str.offset ? str.offset : 0);
        const a2 = e2.sectionByName('.debug_abbrev')!;
        expect(a2.offset).toBe(abbrev.offset);
        expect(a2.size).toBe(16);
        expect(out.subarray(abbrev.offset + 16, abbrev.offset + abbrev.size).every((b) => b === 0)).toBe(true);
        if (s2.offset !== str.offset) expect(out.subarray(str.offset, str.offset + str.size).every((b) => b === 0)).toBe(true);
        expect(sectionFacts(e2, (n) => n === '.debug_str' || n === '.debug_abbrev')).toEqual(sectionFacts(elf, (n) => n === '.debug_str' || n === '.debug_abbrev'));
        if (HAVE_READELF) {
          // The random bytes make readelf's DWARF dump complain; only the ELF structure must be clean.
          const t = tempDir();
          try {
            expect(readelfProblems(put(t.dir, 'grow.o', out)).filter((l) => !/debug|dwarf/i.test(l))).toEqual([]);
          } finally {
            t.cleanup();
          }
        }
      });

      it('patches bytes in place and changes nothing else', () => {
        const buf = fixture(o.file);
        const elf = parseElf(buf);
        const data = elf.sectionByName('.data')!;
        const out = applyElfEdits(elf, { edits: [{ op: 'patch', section: '.data', offset: 1, data: new Uint8Array([0xaa, 0xbb]) }] });
        expect(out.length).toBe(buf.length);
        const diff: number[] = [];
        for (let i = 0; i < buf.length; i++) if (buf[i] !== out[i]) diff.push(i);
        expect(diff).toEqual([data.offset + 1, data.offset + 2]);
      });
    });
  }
});

describe('removal rules and errors', () => {
  const elf = parseElf(fixture('x86_64.o'));
  const expectElfError = (edits: ElfEdit[], re: RegExp) => {
    let err: unknown;
    try {
      applyElfEdits(elf, { edits });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ElfError);
    expect((err as Error).message).toMatch(re);
  };

  it('refuses to remove a section a symbol is defined in', () => expectElfError([{ op: 'remove', section: '.data' }], /symbol .*shared_value/));
  it('refuses to remove a section a relocation section applies to', () => expectElfError([{ op: 'remove', section: '.debug_aranges' }], /relocation section .rela.debug_aranges/));
  it('refuses to remove the symbol table while relocations use it', () => expectElfError([{ op: 'remove', section: '.symtab' }], /sh_link/));
  it('refuses to remove .shstrtab', () => expectElfError([{ op: 'remove', section: '.shstrtab' }], /string table/));
  it('refuses to add an existing name', () => expectElfError([{ op: 'add', name: '.text', data: new Uint8Array(1) }], /already exists/));
  it('refuses a patch outside the section', () => expectElfError([{ op: 'patch', section: '.data', offset: 2, data: new Uint8Array(3) }], /does not fit/));
  it('refuses to replace SHT_NOBITS', () => expectElfError([{ op: 'replace', section: '.bss', data: new Uint8Array(3) }], /NOBITS/));
  it('refuses unknown sections', () => expectElfError([{ op: 'replace', section: '.nope', data: new Uint8Array(3) }], /no section named/));

  it(`removes a section together with the relocation section applying to it${toolNote('x86')}`, () => {
    const out = applyElfEdits(elf, { edits: [{ op: 'remove', section: '.rela.debug_aranges' }, { op: 'remove', section: '.debug_aranges' }] });
    const e2 = parseElf(out);
    expect(e2.shnum).toBe(elf.shnum - 2);
    expect(sectionFacts(e2)).toEqual(sectionFacts(elf, (n) => n.endsWith('.debug_aranges')));
    expect(symbolHomes(e2)).toEqual(symbolHomes(elf));
    checkWithTools(out, 'remove-pair');
  });

  it(`drops a removed section from its SHT_GROUP${toolNote('x86')}`, () => {
    const groupRela = elf.sections.filter((s) => s.name === '.rela.debug_macro' && s.flags & 0x200).at(-1)!;
    const out = applyElfEdits(elf, { edits: [{ op: 'remove', section: groupRela.index }] });
    const e2 = parseElf(out);
    const groups = e2.sections.filter((s) => s.type === SHT_GROUP);
    const sizes = groups.map((g) => g.size);
    expect(sizes).toEqual([12, 8]);
    checkWithTools(out, 'remove-group-member');
  });

  it('add then remove of the added section in one plan adds nothing but keeps validity', () => {
    const out = applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: new Uint8Array(8) }, { op: 'remove', section: '.BTF' }] });
    const e2 = parseElf(out);
    expect(e2.shnum).toBe(elf.shnum);
    expect(e2.sectionByName('.BTF')).toBeUndefined();
  });

  it('replacing a section with the same bytes is byte-identical even when other sections are untouched', () => {
    const buf = fixture('x86_64.o');
    const e = parseElf(buf);
    const out = applyElfEdits(e, { edits: [{ op: 'replace', section: '.symtab', data: e.sectionData(e.sectionByName('.symtab')!).slice() }] });
    expect(sameBytes(out, buf)).toBe(true);
  });
});

describe('extended section numbering', () => {
  it(`adding .BTF to a > 65280-section object${toolNote('x86')}`, () => {
    const elf = parseElf(manySections());
    const out = applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: bytesOf(500, 5) }] });
    const e2 = parseElf(out);
    expect(e2.header.shnumRaw).toBe(0);
    expect(e2.sections[0].size).toBe(elf.shnum + 1);
    expect(e2.header.shstrndxRaw).toBe(SHN_XINDEX);
    expect(e2.sections[e2.shstrndx].name).toBe('.shstrtab');
    expect(e2.sectionByName('.BTF')!.index).toBe(elf.shnum);
    expect(symbolHomes(e2)).toEqual(symbolHomes(elf));
    checkWithTools(out, 'many-add');
  });

  it(`removing .data renumbers 65k sections, SHN_XINDEX symbols and e_shstrndx${toolNote('x86')}`, () => {
    const elf = parseElf(manySections());
    const out = applyElfEdits(elf, { edits: [{ op: 'remove', section: '.data' }] });
    const e2 = parseElf(out);
    expect(e2.shnum).toBe(elf.shnum - 1);
    expect(e2.sections[0].size).toBe(elf.shnum - 1);
    expect(e2.shstrndx).toBe(elf.shstrndx - 1);
    expect(e2.sections[e2.shstrndx].name).toBe('.shstrtab');
    expect(symbolHomes(e2)).toEqual(symbolHomes(elf));
    const rel = e2.relocationsFor(e2.sectionByName('.text.caller')!)[0];
    expect(e2.symbols()!.name(rel.sym(1))).toBe('f65299');
    expect(e2.sections[rel.target].name).toBe('.text.caller');
    checkWithTools(out, 'many-remove');
  });

  it(`crossing SHN_LORESERVE upwards and back down switches the header encoding${toolNote('x86')}`, () => {
    const elf = parseElf(fixture('x86_64.o'));
    const need = SHN_LORESERVE + 5 - elf.shnum;
    const edits: ElfEdit[] = [];
    for (let i = 0; i < need; i++) edits.push({ op: 'add', name: `.x${i}`, data: new Uint8Array([i & 0xff]), align: 1 });
    const up = applyElfEdits(elf, { edits });
    const eu = parseElf(up);
    expect(eu.header.shnumRaw).toBe(0);
    expect(eu.shnum).toBe(SHN_LORESERVE + 5);
    expect(eu.header.shstrndxRaw).toBe(elf.shstrndx);
    expect(eu.sectionByName(`.x${need - 1}`)!.index).toBe(SHN_LORESERVE + 4);
    expect(symbolHomes(eu)).toEqual(symbolHomes(elf));
    checkWithTools(up, 'cross-up');
    const down = applyElfEdits(eu, { edits: Array.from({ length: 10 }, (_, i) => ({ op: 'remove', section: `.x${i}` }) as ElfEdit) });
    const ed = parseElf(down);
    expect(ed.header.shnumRaw).toBe(SHN_LORESERVE - 5);
    expect(ed.sections[0].size).toBe(0);
    expect(ed.sectionByName('.x10')!.index).toBe(elf.shnum);
    checkWithTools(down, 'cross-down');
  });
});

describe('module signature', () => {
  const plain = fixture('x86_64.o');
  const signed = fixture('x86_64-signed.o');

  it('is detected and split off', () => {
    const e = parseElf(signed);
    expect(e.signature).not.toBeNull();
    const sig = e.signature!;
    expect(sig.elfLength).toBe(plain.length);
    expect(e.bytes.length).toBe(plain.length);
    expect(sig.signature.length).toBe(0x200);
    expect(sig.signature[0]).toBe(0x30);
    expect(sig.idType).toBe(2);
    expect(sig.trailer.length).toBe(signed.length - plain.length);
    expect(sectionFacts(e)).toEqual(sectionFacts(parseElf(plain)));
  });

  it('keep: a no-op edit reproduces the signed file; strip: gives the unsigned file', () => {
    const e = parseElf(signed);
    const btf = e.sectionData(e.sectionByName('.text')!).slice();
    expect(sameBytes(applyElfEdits(e, { edits: [{ op: 'replace', section: '.text', data: btf }] }), signed)).toBe(true);
    expect(sameBytes(applyElfEdits(e, { edits: [], signature: 'keep' }), signed)).toBe(true);
    expect(sameBytes(applyElfEdits(e, { edits: [], signature: 'strip' }), plain)).toBe(true);
  });

  it('adding a section keeps the signature after the new ELF image', () => {
    const e = parseElf(signed);
    const kept = applyElfEdits(e, { edits: [{ op: 'add', name: '.BTF', data: bytesOf(64, 6) }] });
    const unsignedAdd = applyElfEdits(parseElf(plain), { edits: [{ op: 'add', name: '.BTF', data: bytesOf(64, 6) }] });
    const ek = parseElf(kept);
    expect(ek.signature).not.toBeNull();
    expect(sameBytes(ek.bytes, unsignedAdd)).toBe(true);
    expect(sameBytes(ek.signature!.trailer, e.signature!.trailer)).toBe(true);
    const stripped = applyElfEdits(e, { edits: [{ op: 'add', name: '.BTF', data: bytesOf(64, 6) }], signature: 'strip' });
    expect(sameBytes(stripped, unsignedAdd)).toBe(true);
  });
});

describe('applyElfEditsChunks', () => {
  it('gives the bytes of applyElfEdits as views of the input plus the pages and tail it changed', () => {
    const buf = fixture('x86_64.o');
    const elf = parseElf(buf);
    const text = elf.sectionByName('.text')!;
    const patch = new Uint8Array(Math.min(8, text.size)).fill(0x90);
    const plan = {
      edits: [
        { op: 'patch' as const, section: '.text', offset: 0, data: patch },
        { op: 'add' as const, name: '.BTF', data: new Uint8Array(5000).fill(7) },
      ],
    };
    const whole = applyElfEdits(parseElf(buf), plan);
    const chunks = applyElfEditsChunks(elf, plan);
    expect(Buffer.from(concatChunks(chunks)).equals(Buffer.from(whole))).toBe(true);
    // Unchanged runs are not copied: at least one piece shares the input's memory.
    expect(chunks.some((c) => c.buffer === elf.bytes.buffer)).toBe(true);
    const copied = chunks.filter((c) => c.buffer !== elf.bytes.buffer).reduce((n, c) => n + c.length, 0);
    expect(copied).toBeLessThan(whole.length);
    // The input itself is untouched.
    expect(Buffer.from(elf.bytes).equals(Buffer.from(buf))).toBe(true);
  });

  it('writes chunks back to back with writeFileAtomic', async () => {
    const t = tempDir();
    try {
      const p = join(t.dir, 'x.o');
      const parts = [new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3, 4, 5])];
      await writeFileAtomic(p, parts);
      expect([...readFileSync(p)]).toEqual([1, 2, 3, 4, 5]);
    } finally {
      t.cleanup();
    }
  });
});

// Sparse ELF reading, in-place writes and the BTF a resolution runs against (base files, distilled bases).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serializeBtf } from '../../src/btf/index.js';
import { loadBtfForResolution, readElfForBtfIds, resolveBtfIds, writeBytesInPlace } from '../../src/btfids/index.js';
import { applyElfEdits, buildModuleSignatureTrailer, parseElf } from '../../src/elf/index.js';
import { fixture } from '../helpers/testdata.js';
import { EXPECTED_WORDS, bytesToWords, fixtureBtf, fixtureSplitBtf } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'btfids-io-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Write `name` = fixture object plus extra sections (and an optional trailer); returns its path. */
function put(name: string, from: string, sections: Record<string, Uint8Array>, trailer?: Uint8Array): string {
  const elf = parseElf(fixture(`btfids/${from}`).slice());
  let bytes = applyElfEdits(elf, { edits: Object.entries(sections).map(([n, data]) => ({ op: 'add' as const, name: n, data })) });
  if (trailer) {
    const b = new Uint8Array(bytes.length + trailer.length);
    b.set(bytes);
    b.set(trailer, bytes.length);
    bytes = b;
  }
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('readElfForBtfIds', () => {
  it('reads headers, symbols, .BTF_ids and .BTF, and leaves the rest zero', async () => {
    const p = put('m.o', 'x86_64.exec', { '.BTF': serializeBtf(fixtureBtf()) });
    const full = parseElf(new Uint8Array(readFileSync(p)));
    const { elf, bytes, size } = await readElfForBtfIds(p);
    expect(size).toBe(full.fileBytes.length);
    expect(bytes.length).toBe(size);
    for (const name of ['.BTF_ids', '.BTF', '.symtab', '.strtab', '.shstrtab']) {
      const s = full.sectionByName(name)!;
      expect(Buffer.from(elf.sectionData(elf.sectionByName(name)!)).equals(Buffer.from(full.sectionData(s))), name).toBe(true);
    }
    const text = full.sectionByName('.text')!;
    expect(elf.sectionData(elf.sectionByName('.text')!).every((b) => b === 0)).toBe(true);
    expect(full.sectionData(text).some((b) => b !== 0)).toBe(true);
    expect(resolveBtfIds(elf, fixtureBtf()).patched).toEqual(resolveBtfIds(full, fixtureBtf()).patched);
  });

  it('finds an appended module signature', async () => {
    const p = put('s.ko', 'x86_64.o', {}, buildModuleSignatureTrailer(new Uint8Array(40).fill(7)));
    const { elf } = await readElfForBtfIds(p);
    expect(elf.signature?.signature.length).toBe(40);
  });

  it('a missing file is an io error naming it', async () => {
    await expect(readElfForBtfIds(join(dir, 'nope'))).rejects.toMatchObject({ code: 'io', file: join(dir, 'nope') });
  });
});

describe('writeBytesInPlace', () => {
  it('overwrites one range and nothing else', async () => {
    const p = join(dir, 'f.bin');
    writeFileSync(p, new Uint8Array(32).fill(1));
    await writeBytesInPlace(p, 8, new Uint8Array([9, 9, 9]), { sync: true });
    const b = readFileSync(p);
    expect([...b.subarray(6, 13)]).toEqual([1, 1, 9, 9, 9, 1, 1]);
    expect(b.length).toBe(32);
  });

  it('a file that cannot be opened for writing is a rejection naming it, and nothing is created', async () => {
    const missing = join(dir, 'no-such.bin');
    // The call returns a promise that rejects: it does not throw at the caller.
    const p = writeBytesInPlace(missing, 0, new Uint8Array([1]));
    await expect(p).rejects.toMatchObject({ code: 'io', file: missing });
    expect(existsSync(missing)).toBe(false);
    await expect(writeBytesInPlace(dir, 0, new Uint8Array([1]))).rejects.toMatchObject({ code: 'io', file: dir });
  });
});

describe('loadBtfForResolution', () => {
  it('the ELF\'s own .BTF, split over a raw base, a gzipped base, or an ELF base read sparsely', async () => {
    const split = fixtureSplitBtf();
    const m = put('m.o', 's390x.o', { '.BTF': serializeBtf(split, { le: false }) });
    const elf = parseElf(new Uint8Array(readFileSync(m)), m);
    const raw = join(dir, 'base.btf');
    writeFileSync(raw, serializeBtf(split.base!, { le: false }));
    const gz = join(dir, 'base.btf.gz');
    writeFileSync(gz, gzipSync(serializeBtf(split.base!, { le: false })));
    const vmlinuxLike = put('vmlinux', 'x86_64.exec', { '.BTF': serializeBtf(split.base!, { le: false }) });
    for (const basePath of [raw, gz, vmlinuxLike]) {
      const r = await loadBtfForResolution(elf, { basePath });
      expect(r.baseUsed).toBe(true);
      expect(r.distilledSection).toBeNull();
      expect(bytesToWords(resolveBtfIds(elf, r.btf).patched!, false)).toEqual(EXPECTED_WORDS);
    }
  });

  it('--btf from a raw file or another ELF', async () => {
    const elf = parseElf(fixture('btfids/x86_64.o').slice(), 'x86_64.o');
    const raw = join(dir, 'all.btf');
    writeFileSync(raw, serializeBtf(fixtureBtf()));
    const holder = put('holder.o', 'no-btfids.o', { '.BTF': serializeBtf(fixtureBtf()) });
    for (const btfPath of [raw, holder]) {
      const r = await loadBtfForResolution(elf, { btfPath });
      expect(bytesToWords(resolveBtfIds(elf, r.btf).patched!, true)).toEqual(EXPECTED_WORDS);
    }
  });

  it('a module with .BTF.base is read over it and the base file is not even opened (resolve_btfids 6.11-6.19)', async () => {
    const split = fixtureSplitBtf(8);
    const m = put('d.ko', 'x86_64.o', { '.BTF': serializeBtf(split), '.BTF.base': serializeBtf(split.base!) });
    const elf = parseElf(new Uint8Array(readFileSync(m)), m);
    const r = await loadBtfForResolution(elf, { basePath: join(dir, 'does-not-exist') });
    expect(r).toMatchObject({ distilledSection: '.BTF.base', baseUsed: false });
    expect(bytesToWords(resolveBtfIds(elf, r.btf).patched!, true)).toEqual(EXPECTED_WORDS);
  });

  it('errors name the file: no .BTF, bad magic, unreadable base', async () => {
    const elf = parseElf(fixture('btfids/x86_64.o').slice(), 'x86_64.o');
    await expect(loadBtfForResolution(elf)).rejects.toThrow('no .BTF section');
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not btf at all');
    await expect(loadBtfForResolution(elf, { btfPath: junk })).rejects.toMatchObject({ file: junk });
    await expect(loadBtfForResolution(elf, { btfPath: join(dir, 'none') })).rejects.toMatchObject({ code: 'io' });
  });
});

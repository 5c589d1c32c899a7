// Loading BTF from files: an uncompressed ELF is read sparsely and must give what the whole file gives.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { btfFromBytes, loadBtfFile } from '../../src/btf/load.js';
import { BtfpostError } from '../../src/common/errors.js';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { readElfSparse } from '../../src/elf/index.js';
import { fixture, ROOT } from '../helpers/testdata.js';
import { tempDir } from '../elf/helpers.js';

describe('loadBtfFile', () => {
  const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
  const ko = join(ROOT, 'testdata/modules/tcp_bbr.ko');

  it('reads an ELF\'s .BTF sparsely and gets the same BTF as from the whole file', async () => {
    const sparse = await loadBtfFile(ko, { base: vmlinux });
    const whole = btfFromBytes(new Uint8Array(readFileSync(ko)), ko, { base: vmlinux });
    expect(sparse.source).toBe('elf');
    expect(sparse.btf.count).toBeGreaterThan(0);
    expect(Buffer.compare(Buffer.from(serializeBtf(sparse.btf)), Buffer.from(serializeBtf(whole.btf)))).toBe(0);
  });

  it('reads only the headers, the section names and the sections asked for', async () => {
    const { elf, bytes } = await readElfSparse(ko, { section: (s) => s.name === '.BTF' });
    const full = new Uint8Array(readFileSync(ko));
    const btf = elf.sectionByName('.BTF')!;
    expect(Buffer.compare(Buffer.from(elf.sectionData(btf)), Buffer.from(full.subarray(btf.offset, btf.offset + btf.fileSize)))).toBe(0);
    // .BTF_ids was not asked for: its bytes stay zero in the sparse buffer.
    const ids = elf.sectionByName('.BTF_ids')!;
    expect(full.subarray(ids.offset, ids.offset + ids.fileSize).some((b) => b !== 0)).toBe(true);
    expect(bytes.subarray(ids.offset, ids.offset + ids.fileSize).every((b) => b === 0)).toBe(true);
  });

  it('names the file when an ELF has no .BTF', async () => {
    const t = tempDir();
    try {
      const p = join(t.dir, 'nobtf.ko');
      writeFileSync(p, fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
      const err: unknown = await loadBtfFile(p).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BtfpostError);
      expect((err as Error).message).toMatch(/no \.BTF section/);
      expect((err as BtfpostError).describe()).toContain('nobtf.ko');
    } finally {
      t.cleanup();
    }
  });
});

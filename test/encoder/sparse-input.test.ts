// Encoding from an ELF read sparsely (only the sections encoding reads) and handed over, as
// `encode --detached` and `btfpost-pahole --btf_encode_detached` do for large inputs.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { parseElf, readElfSparse } from '../../src/elf/index.js';
import { encodeBtf, encodeBtfFrom, encoderReadsSection, parseFeatureLists } from '../../src/encoder/index.js';
import { fixture } from '../helpers/testdata.js';

const dir = mkdtempSync(join(tmpdir(), 'encode-sparse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FEATURES = 'encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs';

function module(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('encoding a sparsely read ELF', () => {
  it('reads the DWARF, its relocations, the symbols and .BTF_ids, and nothing else', async () => {
    const bytes = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    const whole = parseElf(bytes);
    const read = whole.sections.filter((s) => s.index !== 0 && encoderReadsSection(s, whole.sections)).map((s) => s.name);
    for (const n of ['.debug_info', '.rela.debug_info', '.debug_abbrev', '.debug_str', '.symtab', '.BTF_ids']) expect(read).toContain(n);
    for (const n of ['.text', '.debug_line', '.rela.debug_line', '.debug_frame', '.strtab', '.modinfo']) expect(read).not.toContain(n);
    // The parts left out really stay unread (zero) in the sparse buffer.
    const { elf } = await readElfSparse(module('bbr.ko', bytes), { section: encoderReadsSection });
    const text = elf.sectionByName('.text')!;
    expect(whole.sectionData(whole.sectionByName('.text')!).some((b) => b !== 0)).toBe(true);
    expect(elf.sectionData(text).every((b) => b === 0)).toBe(true);
  });

  it('gives the same BTF as the whole file (split over vmlinux, with kfunc decl tags), and takes the ELF out of the holder', async () => {
    const bytes = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    const base = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const features = parseFeatureLists([FEATURES]);
    const expected = serializeBtf(encodeBtf(parseElf(bytes, 'bbr.ko'), { base, features, langExclude: ['rust'] }).btf);
    // Also read into a SharedArrayBuffer, as for worker threads (their runs are compared with
    // -j 1 through the built command in parallel.test.ts).
    for (const shared of [false, true]) {
      const path = module(`bbr-${shared}.ko`, bytes);
      const alloc = shared ? (n: number) => new Uint8Array(new SharedArrayBuffer(n)) : undefined;
      const input = { elf: (await readElfSparse(path, { section: encoderReadsSection, alloc })).elf as ReturnType<typeof parseElf> | null };
      expect(input.elf!.fileBytes.buffer instanceof SharedArrayBuffer).toBe(shared);
      const info = input.elf!.sectionByName('.debug_info')!;
      const before = input.elf!.sectionData(info).slice();
      const buffer = input.elf!.bytes;
      const { btf } = await encodeBtfFrom(input, { base, features, langExclude: ['rust'] });
      // A handed-over buffer of its own is relocated in place; shared memory, which other threads
      // read, never is.
      const after = buffer.subarray(info.offset, info.offset + info.fileSize);
      expect(Buffer.compare(after, before) !== 0).toBe(!shared);
      expect(input.elf).toBeNull();
      expect(Buffer.compare(serializeBtf(btf), expected)).toBe(0);
      await expect(encodeBtfFrom(input, { base, features })).rejects.toThrow(/already handed over/);
    }
  });

  it('gives the same BTF as the whole file for a standalone object with per-CPU variables', async () => {
    const bytes = fixture('encoder/percpu.o');
    const features = parseFeatureLists([FEATURES]);
    const expected = serializeBtf(encodeBtf(parseElf(bytes), { features }).btf);
    const input = { elf: (await readElfSparse(module('percpu.o', bytes), { section: encoderReadsSection })).elf as ReturnType<typeof parseElf> | null };
    const { btf } = await encodeBtfFrom(input, { features });
    expect(btf.count).toBeGreaterThan(0);
    expect(Buffer.compare(serializeBtf(btf), expected)).toBe(0);
  });
});

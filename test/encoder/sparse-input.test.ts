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
  it('reads the DWARF, the symbols and .BTF_ids, leaves the DWARF relocations on disk, and nothing else', async () => {
    const bytes = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    const whole = parseElf(bytes);
    const want = (name: string) => encoderReadsSection(whole.sectionByName(name)!, whole.sections);
    for (const n of ['.debug_info', '.debug_abbrev', '.debug_str', '.symtab', '.BTF_ids']) expect(want(n), n).toBe(true);
    for (const n of ['.rela.debug_info', '.rela.debug_loclists', '.rela.debug_rnglists']) expect(want(n), n).toBe('later');
    for (const n of ['.text', '.debug_line', '.rela.debug_line', '.rela.debug_aranges', '.debug_frame', '.strtab', '.modinfo']) expect(want(n), n).toBe(false);
    // The parts left out really stay unread (zero) in the sparse buffer.
    const { elf } = await readElfSparse(module('bbr.ko', bytes), { section: encoderReadsSection });
    const text = elf.sectionByName('.text')!;
    expect(whole.sectionData(whole.sectionByName('.text')!).some((b) => b !== 0)).toBe(true);
    expect(elf.sectionData(text).every((b) => b === 0)).toBe(true);
    // The relocations are not in the buffer either, but read from the file when asked for.
    const rela = elf.sectionByName('.rela.debug_info')!;
    expect(elf.onDisk!.has(rela.index)).toBe(true);
    expect(elf.onDisk!.has(text.index)).toBe(false);
    expect(elf.bytes.subarray(rela.offset, rela.offset + rela.fileSize).every((b) => b === 0)).toBe(true);
    expect(Buffer.compare(elf.sectionData(rela), whole.sectionData(whole.sectionByName('.rela.debug_info')!))).toBe(0);
    // Piece by piece, with each piece's offset in the section.
    const pieces: Uint8Array[] = [];
    let next = 0;
    elf.onDisk!.forEachPiece(rela, 24 * 1000, (piece, at) => {
      expect(at).toBe(next);
      next += piece.length;
      pieces.push(piece.slice());
    });
    expect(pieces.length).toBe(Math.ceil(rela.fileSize / 24000));
    expect(Buffer.compare(Buffer.concat(pieces), elf.sectionData(rela))).toBe(0);
    // Reading entries through the table view would see the zeros: it refuses.
    const table = elf.relocationsFor(elf.sectionByName('.debug_info')!)[0];
    expect(table.onDisk).toBe(true);
    expect(() => table.offset(0)).toThrow(/left on disk/);
    expect(() => table.isSortedByOffset()).toThrow(/left on disk/);
  });

  it('fails, naming the file, when the file changes before its relocations are read', async () => {
    const bytes = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    const path = module('bbr-changed.ko', bytes);
    const input = { elf: (await readElfSparse(path, { section: encoderReadsSection })).elf as ReturnType<typeof parseElf> | null };
    writeFileSync(path, Buffer.concat([bytes, Buffer.alloc(16)]));
    await expect(encodeBtfFrom(input, {})).rejects.toThrow(/changed while it was being read/);
    const again = { elf: (await readElfSparse(path, { section: encoderReadsSection })).elf as ReturnType<typeof parseElf> | null };
    rmSync(path);
    await expect(encodeBtfFrom(again, {})).rejects.toMatchObject({ file: path, code: 'io' });
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

  it('gives the same BTF as the whole file for big-endian, 32-bit and REL objects (relocations read from disk)', async () => {
    const features = parseFeatureLists([FEATURES]);
    for (const name of ['gcc-s390x-dwarf5.o', 'clang-i386-dwarf4.o', 'clang-aarch64-dwarf5.o']) {
      const bytes = fixture(`dwarf/${name}`);
      const expected = serializeBtf(encodeBtf(parseElf(bytes), { features }).btf);
      const input = { elf: (await readElfSparse(module(name, bytes), { section: encoderReadsSection })).elf as ReturnType<typeof parseElf> | null };
      const info = input.elf!.sectionByName('.debug_info')!;
      expect(input.elf!.relocationsFor(info).length, name).toBeGreaterThan(0);
      expect(input.elf!.relocationsFor(info).every((t) => t.onDisk), name).toBe(true);
      const { btf } = await encodeBtfFrom(input, { features });
      expect(btf.count, name).toBeGreaterThan(0);
      expect(Buffer.compare(serializeBtf(btf), expected), name).toBe(0);
    }
  });

  it('gives the same BTF as the whole file for a standalone object with per-CPU variables', async () => {
    const bytes = fixture('encoder/percpu.o');
    const features = parseFeatureLists([FEATURES]);
    const expected = serializeBtf(encodeBtf(parseElf(bytes), { features }).btf);
    const input = { elf: (await readElfSparse(module('percpu.o', bytes), { section: encoderReadsSection })).elf as ReturnType<typeof parseElf> | null };
    // The variables' addresses are found through .rela.debug_info, read from disk.
    expect(input.elf!.onDisk!.has(input.elf!.sectionByName('.rela.debug_info')!.index)).toBe(true);
    const { btf } = await encodeBtfFrom(input, { features });
    expect(btf.count).toBeGreaterThan(0);
    expect(Buffer.compare(serializeBtf(btf), expected)).toBe(0);
  });
});

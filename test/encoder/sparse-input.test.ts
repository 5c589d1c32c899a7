// Encoding from an ELF read sparsely (only the sections encoding reads) and handed over, as
// `encode --detached` and `btfpost-pahole --btf_encode_detached` do for large inputs.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BTF_KIND_VAR, parseBtf, serializeBtf } from '../../src/btf/index.js';
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

  it('finds variable addresses through relocations read from disk as in memory, in any order and with two at one place', async () => {
    const features = parseFeatureLists([FEATURES]);
    const bytes = fixture('encoder/percpu.o');
    const elf = parseElf(bytes);
    const table = elf.relocationsFor(elf.sectionByName('.debug_info')!)[0];
    const st = elf.symbolTable(table.symtab);
    const inData = (i: number) => elf.sections[st.shndx(table.sym(i))]?.name === '.data..percpu';
    const entry = (i: number) => table.entryOffset(i);
    const variants: Array<[string, Buffer]> = [];
    // Entries in reverse order: every entry is kept and sorted.
    const reversed = Buffer.from(bytes);
    for (let i = 0; i < table.count; i++) Buffer.from(bytes).copy(reversed, entry(table.count - 1 - i), entry(i), entry(i) + 24);
    variants.push(['reversed', reversed]);
    // The entry after a variable's is moved to the same place and made to point at a debug
    // section: the later one wins there, as in memory.
    const noAddress = (i: number) => ((elf.sections[st.shndx(table.sym(i))]?.flags ?? 0) & 2) === 0;
    const k = Array.from({ length: table.count - 1 }, (_, i) => i).find((i) => inData(i) && noAddress(i + 1))!;
    expect(k).toBeGreaterThanOrEqual(0);
    const twice = Buffer.from(bytes);
    Buffer.from(bytes).copy(twice, entry(k + 1), entry(k), entry(k) + 8);
    variants.push(['two at one place', twice]);
    // Out of order, with a variable's entry, another variable's, then one at the first place
    // pointing at a debug section: that last one wins there, as in memory.
    const i = Array.from({ length: table.count - 2 }, (_, x) => x).find((x) => inData(x))!;
    const j = Array.from({ length: table.count }, (_, x) => x).find((x) => x > i + 1 && inData(x))!;
    const m = Array.from({ length: table.count }, (_, x) => x).find((x) => noAddress(x))!;
    const mixed = Buffer.from(bytes);
    Buffer.from(bytes).copy(mixed, entry(i + 1), entry(j), entry(j) + 24);
    Buffer.from(bytes).copy(mixed, entry(i + 2), entry(m), entry(m) + 24);
    Buffer.from(bytes).copy(mixed, entry(i + 2), entry(i), entry(i) + 8);
    variants.push(['out of order, two at one place', mixed]);
    for (const [what, variant] of variants) {
      const expected = serializeBtf(encodeBtf(parseElf(variant), { features }).btf);
      const input = { elf: (await readElfSparse(module(`percpu-${what.replace(/ /g, '-')}.o`, variant), { section: encoderReadsSection })).elf as ReturnType<typeof parseElf> | null };
      const { btf } = await encodeBtfFrom(input, { features });
      expect(Buffer.compare(serializeBtf(btf), expected), what).toBe(0);
    }
    // The variants do change what is found (else they would prove nothing).
    const plain = serializeBtf(encodeBtf(parseElf(bytes), { features }).btf);
    expect(Buffer.compare(serializeBtf(encodeBtf(parseElf(twice), { features }).btf), plain)).not.toBe(0);
    expect(Buffer.compare(serializeBtf(encodeBtf(parseElf(mixed), { features }).btf), plain)).not.toBe(0);
  });

  it('reads a relocation table left on disk once, variable addresses included', async () => {
    // The places that hold variable addresses are found while .debug_info is relocated.
    const bytes = fixture('encoder/percpu.o');
    const features = parseFeatureLists([FEATURES]);
    const expected = serializeBtf(encodeBtf(parseElf(bytes), { features }).btf);
    const { elf } = await readElfSparse(module('percpu-once.o', bytes), { section: encoderReadsSection });
    const rela = elf.sectionByName('.rela.debug_info')!;
    expect(elf.onDisk!.has(rela.index)).toBe(true);
    const reads: number[] = [];
    const onDisk = elf.onDisk!;
    const forEachPiece = onDisk.forEachPiece.bind(onDisk);
    onDisk.forEachPiece = (sec, pieceBytes, fn) => {
      if (sec.index === rela.index) reads.push(sec.index);
      forEachPiece(sec, pieceBytes, fn);
    };
    const { btf } = await encodeBtfFrom({ elf: elf as ReturnType<typeof parseElf> | null }, { features });
    expect(Buffer.compare(serializeBtf(btf), expected)).toBe(0);
    expect(reads).toHaveLength(1);
    // The variables were looked up (else one read would prove nothing).
    expect([...Array(btf.typeCount).keys()].some((i) => btf.kind(btf.startId + i) === BTF_KIND_VAR)).toBe(true);
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

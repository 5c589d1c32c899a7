// File-level helpers: atomic writes (with injected failures) and reading/writing xz, zstd and gzip modules.

import { chmodSync, existsSync, fsyncSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BtfpostError, ElfError } from '../../src/common/errors.js';
import { compressBytes, decompressBytes, detectCompression, parseElf, readElfSparse, readMaybeCompressed, readWholeInto, writeFileAtomic, writeMaybeCompressed } from '../../src/elf/index.js';
import { FIXTURES, fixture, hasTool, tempDir } from './helpers.js';

describe('writeFileAtomic', () => {
  it('replaces the file and keeps its mode', async () => {
    const t = tempDir();
    try {
      const p = join(t.dir, 'mod.ko');
      writeFileSync(p, 'old contents');
      chmodSync(p, 0o640);
      await writeFileAtomic(p, new TextEncoder().encode('new contents'));
      expect(readFileSync(p, 'utf8')).toBe('new contents');
      expect(statSync(p).mode & 0o777).toBe(0o640);
      expect(readdirSync(t.dir)).toEqual(['mod.ko']);
    } finally {
      t.cleanup();
    }
  });

  it('creates a file that did not exist', async () => {
    const t = tempDir();
    try {
      const p = join(t.dir, 'new.o');
      await writeFileAtomic(p, new Uint8Array([1, 2, 3]));
      expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    } finally {
      t.cleanup();
    }
  });

  for (const step of ['rename', 'write', 'sync'] as const) {
    it(`leaves the original untouched and removes the temporary file when ${step} fails`, async () => {
      const t = tempDir();
      try {
        const p = join(t.dir, 'mod.ko');
        writeFileSync(p, 'original');
        const fail = () => {
          throw Object.assign(new Error(`injected ${step} failure`), { code: 'EIO' });
        };
        const fs =
          step === 'rename' ? { rename: () => fail() }
          : step === 'write' ? { write: () => fail() }
          : { sync: () => fail() };
        let err: unknown;
        try {
          await writeFileAtomic(p, new TextEncoder().encode('replacement that must not land'), { fs, sync: true });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(BtfpostError);
        expect((err as BtfpostError).code).toBe('io');
        expect((err as Error).message).toContain(`injected ${step} failure`);
        expect(readFileSync(p, 'utf8')).toBe('original');
        expect(readdirSync(t.dir)).toEqual(['mod.ko']);
      } finally {
        t.cleanup();
      }
    });
  }

  it('does not fsync unless asked (the rename alone makes the replacement atomic)', async () => {
    const t = tempDir();
    try {
      const p = join(t.dir, 'mod.ko');
      writeFileSync(p, 'original');
      let syncs = 0;
      const fs = { sync: (fd: number) => { syncs++; fsyncSync(fd); } };
      await writeFileAtomic(p, new TextEncoder().encode('new'), { fs });
      expect(readFileSync(p, 'utf8')).toBe('new');
      expect(syncs).toBe(0);
      await writeFileAtomic(p, new TextEncoder().encode('newer'), { fs, sync: true });
      expect(readFileSync(p, 'utf8')).toBe('newer');
      expect(syncs).toBe(1);
      expect(readdirSync(t.dir)).toEqual(['mod.ko']);
    } finally {
      t.cleanup();
    }
  });

  it('fails cleanly when the directory does not exist', async () => {
    const t = tempDir();
    try {
      await expect(writeFileAtomic(join(t.dir, 'missing', 'x.o'), new Uint8Array(1))).rejects.toBeInstanceOf(BtfpostError);
    } finally {
      t.cleanup();
    }
  });
});

describe('file reads', () => {
  it('readWholeInto fills the array it is given and returns the part read', async () => {
    const t = tempDir();
    try {
      const p = join(t.dir, 'f.bin');
      writeFileSync(p, Buffer.from([9, 8, 7, 6, 5]));
      let asked = -1;
      const got = await readWholeInto(p, (size) => {
        asked = size;
        return new Uint8Array(size + 3).fill(0xff);
      });
      expect(asked).toBe(5);
      expect([...got]).toEqual([9, 8, 7, 6, 5]);
      expect(got.buffer.byteLength).toBe(8);
    } finally {
      t.cleanup();
    }
  });

  // The reads are synchronous calls inside, but callers chain on the promise: a failure must come
  // as a rejection, never as an exception from the call itself.
  it('readWholeInto and readElfSparse reject, naming the file, for a missing file and for a directory', async () => {
    const t = tempDir();
    try {
      const missing = join(t.dir, 'missing.ko');
      for (const call of [
        () => readWholeInto(missing, (n) => new Uint8Array(n)),
        () => readWholeInto(t.dir, (n) => new Uint8Array(n)),
        () => readElfSparse(missing, { section: () => true }),
        () => readElfSparse(t.dir, { section: () => true }),
      ]) {
        let pending: Promise<unknown> | undefined;
        expect(() => { pending = call(); }).not.toThrow();
        const err = await pending!.then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(BtfpostError);
        expect((err as BtfpostError).code).toBe('io');
        expect((err as BtfpostError).describe()).toContain(t.dir);
      }
    } finally {
      t.cleanup();
    }
  });

  it('readElfSparse reads only the sections asked for, and leaves the rest zero', async () => {
    const bytes = fixture('x86_64.o');
    const t = tempDir();
    try {
      const p = join(t.dir, 'm.ko');
      writeFileSync(p, bytes);
      const { elf, size } = await readElfSparse(p, { section: (s) => s.name === '.symtab' });
      expect(size).toBe(bytes.length);
      const full = parseElf(bytes, p);
      let compared = 0;
      let unread = 0;
      for (const s of elf.sections) {
        if (s.index === 0 || s.fileSize === 0) continue;
        const want = full.sectionData(full.sections[s.index]);
        const got = elf.fileBytes.subarray(s.offset, s.offset + s.fileSize);
        const read = s.name === '.symtab' || s.index === elf.shstrndx || s.index === full.sections.find((x) => x.name === '.symtab')?.link;
        if (read) {
          expect(Buffer.compare(Buffer.from(got), Buffer.from(want))).toBe(0);
          compared++;
        } else if (want.some((b) => b !== 0)) {
          expect(got.every((b) => b === 0)).toBe(true);
          unread++;
        }
      }
      expect(compared).toBe(3);
      expect(unread).toBeGreaterThan(2);
    } finally {
      t.cleanup();
    }
  });
});

describe('compressed modules', () => {
  const elfBytes = fixture('x86_64-signed.o');

  it('detects compression by magic', () => {
    expect(detectCompression(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]))).toBe('xz');
    expect(detectCompression(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(detectCompression(new Uint8Array([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(detectCompression(elfBytes)).toBe('none');
    expect(detectCompression(new Uint8Array(0))).toBe('none');
  });

  it('reads the committed gzip fixture', async () => {
    const r = await readMaybeCompressed(join(FIXTURES, 'many-sections.o.gz'));
    expect(r.compression).toBe('gzip');
    expect(parseElf(r.bytes).shnum).toBeGreaterThan(0xff00);
  });

  it('reads an uncompressed file as is', async () => {
    const r = await readMaybeCompressed(join(FIXTURES, 'x86_64-signed.o'));
    expect(r.compression).toBe('none');
    expect(Buffer.from(r.bytes).equals(Buffer.from(elfBytes))).toBe(true);
  });

  const kinds = [
    { kind: 'gzip' as const, tool: undefined },
    { kind: 'xz' as const, tool: 'xz' },
    { kind: 'zstd' as const, tool: 'zstd' },
  ];
  for (const k of kinds) {
    const ok = k.tool === undefined || hasTool(k.tool);
    (ok ? it : it.skip)(`${k.kind}: write like the kernel, read back${ok ? '' : ` (skipped: ${k.tool} not installed)`}`, async () => {
      const t = tempDir();
      try {
        const p = join(t.dir, `mod.ko.${k.kind}`);
        await writeMaybeCompressed(p, elfBytes, k.kind);
        const raw = readFileSync(p);
        expect(detectCompression(raw)).toBe(k.kind);
        const r = await readMaybeCompressed(p);
        expect(r.compression).toBe(k.kind);
        expect(Buffer.from(r.bytes).equals(Buffer.from(elfBytes))).toBe(true);
        expect(parseElf(r.bytes).signature).not.toBeNull();
        if (k.kind === 'xz') {
          // --check=crc32: stream flags byte 7 holds check type 1.
          expect(raw[7]).toBe(1);
        }
      } finally {
        t.cleanup();
      }
    });
  }

  it('corrupt compressed data raises ElfError', async () => {
    const gz = await compressBytes(elfBytes, 'gzip');
    const bad = gz.slice(0, 40);
    await expect(decompressBytes(bad, 'gzip', 'bad.ko.gz')).rejects.toBeInstanceOf(ElfError);
    await expect(decompressBytes(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 9, 9, 9]), 'zstd')).rejects.toBeInstanceOf(ElfError);
    await expect(decompressBytes(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2, 3]), 'xz')).rejects.toBeInstanceOf(ElfError);
  });

  it('missing files raise an io error', async () => {
    const t = tempDir();
    try {
      const p = join(t.dir, 'nope.ko');
      expect(existsSync(p)).toBe(false);
      await expect(readMaybeCompressed(p)).rejects.toMatchObject({ code: 'io', file: p });
    } finally {
      t.cleanup();
    }
  });
});

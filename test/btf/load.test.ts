// Loading BTF from files: an uncompressed ELF is read sparsely and must give what the whole file gives.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { btfFromBytes, loadBtfFile } from '../../src/btf/load.js';
import { BtfpostError } from '../../src/common/errors.js';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { parseBaseBtfFrom } from '../../src/btf/wire/parse.js';
import { readElfSparse } from '../../src/elf/index.js';
import { takeRoomAround } from '../../src/btf/model/records.js';
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

  /** What loading `bytes` from a file gives, and what parsing the same bytes whole gives: each a dump or an error. */
  async function bothWays(dir: string, name: string, bytes: Uint8Array): Promise<{ file: string; whole: string; btf: Awaited<ReturnType<typeof loadBtfFile>>['btf'] | null }> {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    const outcome = (f: () => Promise<{ btf: Parameters<typeof serializeBtf>[0] }>) => f().then(
      (r) => ({ text: Buffer.from(serializeBtf(r.btf)).toString('hex'), btf: r.btf }),
      (e: unknown) => {
        if (!(e instanceof BtfpostError)) throw e;
        return { text: `error: ${e.describe()}`, btf: null };
      },
    );
    const file = await outcome(() => loadBtfFile(p));
    const whole = await outcome(async () => btfFromBytes(bytes, p));
    return { file: file.text, whole: whole.text, btf: file.btf };
  }

  it('reads raw base BTF part by part into place, with the checks and errors of the whole bytes', async () => {
    const t = tempDir();
    try {
      const good = serializeBtf(vmlinux);
      const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
      const changed = (f: (b: Uint8Array) => void) => {
        const b = Uint8Array.from(good);
        f(b);
        return b;
      };
      const typeLen = dv(good).getUint32(12, true);
      const strOff = dv(good).getUint32(16, true);
      const strLen = dv(good).getUint32(20, true);
      const cases: Array<[string, Uint8Array]> = [
        ['good', good],
        ['big-endian', serializeBtf(vmlinux, { le: false })],
        ['cut inside the strings', good.subarray(0, good.length - 100)],
        ['cut inside the records', good.subarray(0, 24 + typeLen / 2)],
        ['cut inside the header', good.subarray(0, 20)],
        ['strings not NUL-terminated', changed((b) => { b[b.length - 1] = 0x41; })],
        ['string section not starting empty', changed((b) => { b[24 + strOff] = 0x41; })],
        ['string section past the end', changed((b) => dv(b).setUint32(20, strLen + 8, true))],
        ['header longer than the file', changed((b) => dv(b).setUint32(4, b.length + 1, true))],
        ['a record running past the types', changed((b) => dv(b).setUint32(12, typeLen - 4, true))],
        ['unknown kind', changed((b) => dv(b).setUint32(24 + 4, (31 << 24) | 0, true))],
        ['bad version', changed((b) => { b[2] = 9; })],
      ];
      for (const [what, bytes] of cases) {
        const r = await bothWays(t.dir, 'base.btf', bytes);
        expect(r.file, what).toBe(r.whole);
        if (what === 'good') {
          expect(r.btf!.count).toBe(vmlinux.count);
          // The records sit where dedup takes them without a copy.
          expect(takeRoomAround(r.btf!.words, r.btf!.wordLen), what).not.toBeNull();
        } else if (what !== 'big-endian') {
          expect(r.file, what).toMatch(/^error: .*base\.btf/);
        }
      }
    } finally {
      t.cleanup();
    }
  });

  it('reads each part of raw base BTF once, into its own array, and gives up on a short read', () => {
    const hostLe = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    const good = serializeBtf(vmlinux, { le: hostLe });
    const reads: Array<[number, number]> = [];
    const from = (bytes: Uint8Array, short = false) => (buf: Uint8Array, pos: number) => {
      reads.push([pos, buf.length]);
      buf.set(bytes.subarray(pos, pos + buf.length));
      return !short && pos + buf.length <= bytes.length;
    };
    const btf = parseBaseBtfFrom(good.subarray(0, 32), good.length, from(good));
    expect(btf).not.toBeNull();
    const dv = new DataView(good.buffer, good.byteOffset, good.byteLength);
    expect(reads).toEqual([[24, dv.getUint32(12, hostLe)], [24 + dv.getUint32(16, hostLe), dv.getUint32(20, hostLe)]]);
    expect(Buffer.compare(Buffer.from(serializeBtf(btf!)), Buffer.from(good))).toBe(0);
    reads.length = 0;
    expect(parseBaseBtfFrom(good.subarray(0, 32), good.length, from(good, true))).toBeNull();
    expect(reads.length).toBe(1);
    // Another byte order, or a header longer than what was given: left to the whole-bytes path.
    const other = serializeBtf(vmlinux, { le: !hostLe });
    reads.length = 0;
    expect(parseBaseBtfFrom(other.subarray(0, 32), other.length, from(other))).toBeNull();
    expect(parseBaseBtfFrom(good.subarray(0, 20), good.length, from(good))).toBeNull();
    expect(reads.length).toBe(0);
  });
});


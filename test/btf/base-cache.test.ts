// The on-disk cache of a base's dedup preparation: same BTF whether it hits, misses or is off, and
// damaged or foreign entries are never used.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { Btf, addType, parseBtf, serializeBtf } from '../../src/btf/index.js';
import { baseCacheDir, prepareBase } from '../../src/btf/base-cache.js';
import { parseElf } from '../../src/elf/index.js';
import { encodeBtf, parseFeatureLists } from '../../src/encoder/index.js';
import { fixture } from '../helpers/testdata.js';

const root = mkdtempSync(join(tmpdir(), 'btfpost-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => join(root, `d${dirs++}`);

const features = parseFeatureLists(['encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs']);
const freshBase = (): Btf => parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
const encodeOver = (base: Btf) => serializeBtf(encodeBtf(parseElf(fixture('postlink/tcp_bbr.pre-btf.ko.gz')), { base, features }).btf);
/** Header words of an entry (see base-cache.ts). */
const HEADER = 22;
const entries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.bin'));

describe('base cache', () => {
  const expected = encodeOver(freshBase());

  it('writes an entry on a miss and reads it on a hit, with the same BTF as no cache', async () => {
    const dir = newDir();
    const a = freshBase();
    expect(await prepareBase(a, { dir })).toBe('miss');
    expect(entries(dir)).toHaveLength(1);
    expect(Buffer.compare(encodeOver(a), expected)).toBe(0);
    const b = freshBase();
    expect(await prepareBase(b, { dir })).toBe('hit');
    // The string index now lives in the buffer read from the entry, not in one built here.
    const size = statSync(join(dir, entries(dir)[0])).size;
    expect(b.stringIndex().indexState().slots.buffer.byteLength).toBe(size);
    expect(Buffer.compare(encodeOver(b), expected)).toBe(0);
    const off = freshBase();
    expect(await prepareBase(off, { dir: null })).toBe('off');
    expect(Buffer.compare(encodeOver(off), expected)).toBe(0);
  });

  it('never uses a damaged entry, and replaces it', async () => {
    const dir = newDir();
    await prepareBase(freshBase(), { dir });
    const path = join(dir, entries(dir)[0]);
    const good = readFileSync(path);
    const words = (c: Buffer) => new Int32Array(c.buffer, c.byteOffset, c.length / 4);
    // Damage that keeps the entry's own checksum right: only the checks of its contents catch it.
    const resealed = (c: Buffer) => {
      c.writeUInt32LE(crc32(c.subarray(HEADER * 4)), 84);
      return c;
    };
    const firstNode = (w: Int32Array) => {
      let i = HEADER + w[12] * 2 + w[14];
      while (w[i] < 0) i++;
      return i;
    };
    const damages: Array<[string, (b: Buffer) => Buffer]> = [
      ['truncated', (b) => b.subarray(0, b.length - 4)],
      ['empty', () => Buffer.alloc(0)],
      ['other key', (b) => { const c = Buffer.from(b); c[20] ^= 1; return c; }],
      ['other format', (b) => { const c = Buffer.from(b); c[4] ^= 1; return c; }],
      ['one bit of the contents', (b) => { const c = Buffer.from(b); c[c.length - 100] ^= 0x10; return c; }],
      // The first used string slot pointed one byte into its string.
      ['string slot off by one', (b) => {
        const c = Buffer.from(b);
        const w = words(c);
        let i = HEADER;
        while (w[i] <= 0) i++;
        w[i] += 1;
        return resealed(c);
      }],
      // A candidate chain pointed past the nodes.
      ['chain out of range', (b) => {
        const c = Buffer.from(b);
        const w = words(c);
        w[firstNode(w)] = w[15] + 5;
        return resealed(c);
      }],
      // A chain that loops: its first node points back at itself.
      ['chain cycle', (b) => {
        const c = Buffer.from(b);
        const w = words(c);
        const head = w[firstNode(w)];
        const nodeNext = HEADER + w[12] * 2 + w[14] * 3 + w[15];
        w[nodeNext + head] = head;
        return resealed(c);
      }],
      ['growth count', (b) => {
        const c = Buffer.from(b);
        words(c)[20] += 2;
        return resealed(c);
      }],
      // The struct names (the last part of the entry) out of name order: two pairs swapped.
      ['names out of order', (b) => {
        const c = Buffer.from(b);
        const w = words(c);
        const at = w.length - w[16];
        expect(w[16]).toBeGreaterThanOrEqual(4);
        for (let k = 0; k < 2; k++) [w[at + k], w[at + 2 + k]] = [w[at + 2 + k], w[at + k]];
        return resealed(c);
      }],
    ];
    for (const [what, damage] of damages) {
      writeFileSync(path, damage(good));
      const b = freshBase();
      expect(await prepareBase(b, { dir }), what).toBe('miss');
      expect(Buffer.compare(encodeOver(b), expected), what).toBe(0);
      expect(Buffer.compare(readFileSync(path), good), what).toBe(0);
    }
  });

  it('works without a usable directory, and leaves small bases alone', async () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, 'x');
    const b = freshBase();
    expect(await prepareBase(b, { dir: join(file, 'sub') })).toBe('miss');
    expect(Buffer.compare(encodeOver(b), expected)).toBe(0);
    // A base far below the size worth a file.
    const small = new Btf();
    addType(small, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    const dir = newDir();
    expect(await prepareBase(small, { dir })).toBe('off');
    expect(() => readdirSync(dir)).toThrow();
  });

  it('keeps the eight most recently used entries', async () => {
    const dir = newDir();
    await prepareBase(freshBase(), { dir });
    const old = Date.now() / 1000 - 3600;
    for (let i = 0; i < 10; i++) {
      const p = join(dir, `${i.toString(16).padStart(64, '0')}.bin`);
      writeFileSync(p, 'stale');
      utimesSync(p, old + i, old + i);
    }
    // A new entry (another base) makes the directory hold more than eight.
    const other = freshBase();
    other.addStr('btfpost-cache-test-string');
    expect(await prepareBase(other, { dir })).toBe('miss');
    const left = entries(dir);
    expect(left).toHaveLength(8);
    // The two real entries (the newest) stay, the oldest stale ones go.
    expect(left).not.toContain(`${'0'.padStart(64, '0')}.bin`);
    expect(left.filter((n) => !n.startsWith('00000000')).length).toBe(2);
  });

  it('names its directory from the environment', () => {
    expect(baseCacheDir({ BTFPOST_CACHE_DIR: '/x/y' })).toBe('/x/y');
    expect(baseCacheDir({ BTFPOST_CACHE_DIR: '', XDG_CACHE_HOME: '/c' })).toBeNull();
    expect(baseCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/btfpost');
    expect(baseCacheDir({ HOME: '/h' })).toBe('/h/.cache/btfpost');
  });
});

// What deduplication prepares from a base BTF (the index of its strings, the hashes of its types),
// kept on disk per base content. Each process that encodes a module over a vmlinux (kbuild runs
// one per module) then reads it instead of computing it: ~0.08 s of a ~0.5 s run on a small module.

import { utimesSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { adoptBaseState, savedBaseState } from './dedup/index.js';
import { BtfpostError, withFile } from '../common/errors.js';
import { fsPromises } from '../common/lazy-builtin.js';
import { VERSION } from '../common/version.js';
import { readWholeInto } from '../elf/index.js';
import { loadBtfFile } from './load.js';
import type { Btf } from './model/btf.js';
import { ByteStringSet } from './model/strset.js';

/** What prepareBase did. */
export type BaseCacheResult = 'hit' | 'miss' | 'off';

/** Options for prepareBase. */
export interface BaseCacheOptions {
  /** Cache directory; null: no cache (computed in memory only); default: baseCacheDir(). */
  dir?: string | null;
  /** The base's file, named in errors (a base whose types cannot be prepared). */
  file?: string;
}

const MAGIC = 0x43505442; // "BTPC" read as a little-endian word; a file of the other byte order fails it
/**
 * Layout of an entry; the key also covers the btfpost version, whose hashing the entry holds.
 * 3: the struct names' pairs are in increasing name order.
 * 4: key and digest are CRC-32s (zlib's), the header four words shorter.
 * 5: TYPEDEFs are hashed as reference kinds (name, info and type), as libbpf 1.5 does.
 */
const FORMAT = 5;
/** Entries kept; older ones (by last use) are removed when a new one is written. */
const KEEP = 8;
/** Bases smaller than this (string and record bytes) are prepared in memory only: not worth a file. */
const MIN_BYTES = 256 << 10;
/**
 * Header words: magic, format, type count, string length, the 32-byte key (words 4-11), the
 * string index's slot count and used slots, the table's slot count, node count and name-pair
 * words (12-16), the table's four scalars (17-20), a CRC-32 of everything after the header (21).
 */
const HEADER_WORDS = 22;
/** zlib's CRC-32: Node 20.15 and later have it; without it, no cache (see prepare). */
const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 of `data`; called only once prepare has found zlib's. */
function crc32(data: Uint8Array): number {
  return (zlibCrc32 as (data: Uint8Array) => number)(data);
}
const ENTRY = /^[0-9a-f]{64}\.bin$/;

/**
 * The cache directory: `$BTFPOST_CACHE_DIR` (set but empty: no cache), else
 * `$XDG_CACHE_HOME/btfpost`, else `~/.cache/btfpost`; null when none can be named.
 */
export function baseCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const own = env.BTFPOST_CACHE_DIR;
  if (own !== undefined) return own === '' ? null : own;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'btfpost');
  let home = env.HOME;
  if (!home) {
    try {
      home = homedir();
    } catch {
      return null;
    }
  }
  return home ? join(home, '.cache', 'btfpost') : null;
}

/**
 * Prepare `base` (a base BTF, not itself split) for deduplicating module BTF over it: from the cache
 * when an entry for the same records and strings is there and sound, else computed and saved. The
 * result is the same either way; the cache only saves time. Every failure to read or write the
 * cache (no directory, no permission, a full disk, a damaged entry) falls back to computing.
 */
export async function prepareBase(base: Btf, opts: BaseCacheOptions = {}): Promise<BaseCacheResult> {
  try {
    return await prepare(base, opts);
  } catch (e) {
    if (e instanceof BtfpostError && opts.file !== undefined) throw withFile(e, opts.file);
    throw e;
  }
}

/**
 * The base BTF at `path` (raw, or the .BTF of an ELF such as a vmlinux), prepared for deduplicating
 * module BTF over it (see prepareBase), and what the cache did.
 */
export async function loadBase(path: string, opts: Omit<BaseCacheOptions, 'file'> = {}): Promise<{ btf: Btf; cache: BaseCacheResult }> {
  const { btf } = await loadBtfFile(path);
  return { btf, cache: await prepareBase(btf, { ...opts, file: path }) };
}

async function prepare(base: Btf, opts: BaseCacheOptions): Promise<BaseCacheResult> {
  const dir = opts.dir === undefined ? baseCacheDir() : opts.dir;
  if (dir === null || base.base !== null || base.wordLen * 4 + base.strLen < MIN_BYTES || zlibCrc32 === undefined) return 'off';
  const key = contentKey(base);
  const path = join(dir, `${key.toString('hex')}.bin`);
  if (await adoptEntry(base, path, key)) {
    try {
      // Marks the entry used (eviction keeps the latest); synchronous, like the reads (see elf/file-read.ts).
      utimesSync(path, new Date(), new Date());
    } catch {
      // A cache entry that cannot be touched is still good this time.
    }
    return 'hit';
  }
  const { mkdir, rename, unlink, writeFile } = fsPromises();
  try {
    await mkdir(dir, { recursive: true });
  } catch {
    return 'miss'; // no cache this time: dedup prepares the base when it first needs it
  }
  const data = entryBytes(base, key);
  try {
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await evict(dir);
  } catch {
    // No cache this time; the base is prepared in memory all the same.
  }
  return 'miss';
}

/**
 * The key of `base`'s entry, eight words: a CRC-32 of the btfpost version and entry format (an
 * entry holds hashes computed by this code), the byte order, the type count, the number of record
 * words and of string bytes, CRC-32s of the records and of the strings, and a CRC-32 of the seven
 * words before. Two bases of the same sizes whose records (or strings) differ in one word, or in
 * any run of up to 32 bits, never share a key (a CRC-32 catches every such change); other changes
 * go unseen with odds of 1 in 2^32. zlib computes it at ~2 GB/s, where SHA-256 over a 6.12
 * vmlinux's 5 MB, with node:crypto loaded for it, cost each run ~6 ms.
 */
function contentKey(base: Btf): Buffer {
  const k = new Uint32Array(8);
  k[0] = crc32(Buffer.from(`btfpost ${VERSION} base cache ${FORMAT}\n`));
  k[1] = base.le ? 1 : 0;
  k[2] = base.typeCount;
  k[3] = base.wordLen;
  k[4] = base.strLen;
  k[5] = crc32(new Uint8Array(base.words.buffer, base.words.byteOffset, base.wordLen * 4));
  k[6] = crc32(base.strs.subarray(0, base.strLen));
  k[7] = crc32(new Uint8Array(k.buffer, 0, 28));
  return Buffer.from(k.buffer);
}

/** Read and adopt the entry at `path`; false when it is missing, of another base, or unsound. */
async function adoptEntry(base: Btf, path: string, key: Buffer): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    // A fresh array of the file's size: 4-byte aligned for the typed views below.
    bytes = await readWholeInto(path, (size) => new Uint8Array(size));
  } catch {
    return false;
  }
  if (bytes.length < HEADER_WORDS * 4 || bytes.length % 4 !== 0) return false;
  const w = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  if (w[0] !== MAGIC || w[1] !== FORMAT || w[2] !== base.typeCount || w[3] !== base.strLen) return false;
  if (!key.equals(bytes.subarray(16, 48))) return false;
  if (w[21] !== payloadDigest(bytes)) return false;
  const [slots, strUsed, keys, nodes, names] = [w[12], w[13], w[14], w[15], w[16]];
  if (HEADER_WORDS + slots * 2 + keys * 3 + nodes * 2 + names !== w.length) return false;
  let p = HEADER_WORDS;
  const take = <T>(n: number, make: (buf: ArrayBuffer, off: number, n: number) => T): T => {
    const v = make(bytes.buffer as ArrayBuffer, bytes.byteOffset + p * 4, n);
    p += n;
    return v;
  };
  const i32 = (b: ArrayBuffer, o: number, n: number) => new Int32Array(b, o, n);
  const u32 = (b: ArrayBuffer, o: number, n: number) => new Uint32Array(b, o, n);
  const strIndex = { slots: take(slots, i32), hashes: take(slots, u32), used: strUsed };
  const table = {
    keys: take(keys, u32), heads: take(keys, i32), epochs: take(keys, i32),
    nodeId: take(nodes, i32), nodeNext: take(nodes, i32), scalars: new Int32Array(bytes.buffer, bytes.byteOffset + 17 * 4, 4),
  };
  const namePairs = take(names, u32);
  const set = ByteStringSet.withIndex(base.strs, base.strLen, strIndex);
  if (set === null || !adoptBaseState(base, { table, names: namePairs })) return false;
  return base.adoptStringIndex(set);
}

/** The cache entry for `base`: header, string index, candidate table, name pairs. */
function entryBytes(base: Btf, key: Buffer): Uint8Array {
  const strIndex = base.stringIndex().indexState();
  const { table, names } = savedBaseState(base);
  const parts: Array<Int32Array | Uint32Array> = [
    strIndex.slots, strIndex.hashes, table.keys, table.heads, table.epochs, table.nodeId, table.nodeNext, names,
  ];
  let words = HEADER_WORDS;
  for (const a of parts) words += a.length;
  const out = new Uint32Array(words);
  out[0] = MAGIC;
  out[1] = FORMAT;
  out[2] = base.typeCount;
  out[3] = base.strLen;
  new Uint8Array(out.buffer).set(key, 16);
  out[12] = strIndex.slots.length;
  out[13] = strIndex.used;
  out[14] = table.keys.length;
  out[15] = table.nodeId.length;
  out[16] = names.length;
  out.set(new Uint32Array(table.scalars.buffer, table.scalars.byteOffset, 4), 17);
  let p = HEADER_WORDS;
  for (const a of parts) {
    out.set(new Uint32Array(a.buffer, a.byteOffset, a.length), p);
    p += a.length;
  }
  const bytes = new Uint8Array(out.buffer);
  out[21] = payloadDigest(bytes);
  return bytes;
}

/** CRC-32 of an entry's contents after the header: a damaged entry is never adopted. */
function payloadDigest(entry: Uint8Array): number {
  return crc32(entry.subarray(HEADER_WORDS * 4));
}

/** Remove all but the KEEP most recently used entries, and temporary files a killed run left. */
async function evict(dir: string): Promise<void> {
  const { readdir, stat, unlink } = fsPromises();
  const now = Date.now();
  const entries: Array<{ path: string; t: number }> = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (st === null) continue;
    if (ENTRY.test(name)) entries.push({ path, t: st.mtimeMs });
    else if (name.endsWith('.tmp') && now - st.mtimeMs > 3600_000) await unlink(path).catch(() => undefined);
  }
  entries.sort((a, b) => b.t - a.t);
  for (const e of entries.slice(KEEP)) await unlink(e.path).catch(() => undefined);
}

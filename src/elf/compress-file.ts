// Reading and writing kernel modules compressed with xz, zstd or gzip, recognised by magic bytes.

import { closeSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { BtfpostError, ElfError } from '../common/errors.js';
import { childProcess } from '../common/lazy-builtin.js';
import { fileStats, openForReading, readFully } from './file-read.js';
import { concatChunks, writeFileAtomic, type AtomicWriteOptions } from './write.js';

/** How a file is compressed. */
export type Compression = 'none' | 'xz' | 'zstd' | 'gzip';

/** Bytes read from disk and the compression they were stored with. */
export interface MaybeCompressed {
  /** The decompressed contents. */
  bytes: Uint8Array;
  /** What the file on disk used. */
  compression: Compression;
}

/** Recognise xz, zstd and gzip by their magic bytes; anything else is 'none'. */
export function detectCompression(b: Uint8Array): Compression {
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return 'xz';
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  return 'none';
}

/** Decompress `b` stored with `compression`; throws `ElfError` when the data are corrupt. */
export async function decompressBytes(b: Uint8Array, compression: Compression, fileName?: string): Promise<Uint8Array> {
  try {
    switch (compression) {
      case 'none':
        return b;
      case 'gzip': {
        const out = gunzipSync(b);
        return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      }
      case 'zstd': {
        // fzstd is small and loaded anyway for zstd-compressed debug sections; xz's decoder below
        // loads only for xz input, keeping start-up short for plain files.
        return zstdDecompress(b);
      }
      case 'xz': {
        const input = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(b);
            controller.close();
          },
        });
        const xzDecompress = (await import('xz-decompress')).default;
        const stream = new xzDecompress.XzReadableStream(input);
        return new Uint8Array(await new Response(stream).arrayBuffer());
      }
    }
  } catch (e) {
    throw new ElfError(`cannot decompress ${compression} data: ${(e as Error).message ?? String(e)}`, { file: fileName, offset: 0 });
  }
}

/**
 * Read `path`, decompressing it when its magic says xz, zstd or gzip. With `scratch`, the file is
 * read into `scratch.buf` (grown as needed and kept there for the next call), so a loop over many
 * files does not fault in fresh memory for each; the bytes returned are then valid only until the
 * next call with the same scratch.
 */
export async function readMaybeCompressed(path: string, scratch?: { buf: Uint8Array }): Promise<MaybeCompressed> {
  // One read of the whole size: fs.promises.readFile reads in 512 KB steps, each a round trip
  // through the event loop (a 187 MB i915.ko: ~0.33 s instead of ~0.16 s).
  const raw = scratch ? await readInto(path, scratch) : await readWholeInto(path, (size) => new Uint8Array(size));
  const compression = detectCompression(raw);
  return { bytes: await decompressBytes(raw, compression, path), compression };
}

async function readInto(path: string, scratch: { buf: Uint8Array }): Promise<Uint8Array> {
  return readWholeInto(path, (size) => (scratch.buf.length >= size ? scratch.buf : (scratch.buf = new Uint8Array(size + (size >>> 3)))));
}

/**
 * Read all of `path` into the array `alloc(size)` returns (at least `size` long, e.g. backed by a
 * reused buffer or a SharedArrayBuffer) and return the part that was filled. Read with synchronous
 * calls (see file-read.ts); a failure still comes as a rejection.
 * @throws BtfpostError ('io') naming the file when it cannot be opened or read.
 */
export async function readWholeInto(path: string, alloc: (size: number) => Uint8Array): Promise<Uint8Array> {
  const fd = openForReading(path);
  try {
    const size = fileStats(fd, path).size;
    const buf = alloc(size);
    const n = readFully(fd, buf, 0, size, path);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The commands the kernel's modules_install uses, minus the file arguments. */
export const KERNEL_COMPRESS_COMMANDS: Readonly<Record<'xz' | 'zstd', readonly string[]>> = {
  xz: ['xz', '--check=crc32', '--lzma2=dict=1MiB', '-z', '-c', '-q'],
  zstd: ['zstd', '-T0', '-q', '-c'],
};

/**
 * Compress `bytes` the way the kernel's modules_install does: `xz --check=crc32 --lzma2=dict=1MiB`,
 * `zstd -T0` (both spawned), or gzip through node:zlib at the default level with no name or time stamp,
 * as `gzip -n` writes it.
 */
export async function compressBytes(bytes: Uint8Array, compression: Compression): Promise<Uint8Array> {
  if (compression === 'none') return bytes;
  if (compression === 'gzip') {
    const out = gzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  const [cmd, ...args] = KERNEL_COMPRESS_COMMANDS[compression];
  return runFilter(cmd, args, bytes);
}

/** Compress `bytes` as `compression` and write them to `path` atomically. */
export async function writeMaybeCompressed(path: string, data: Uint8Array | readonly Uint8Array[], compression: Compression, opts?: AtomicWriteOptions): Promise<void> {
  if (compression === 'none') {
    await writeFileAtomic(path, data, opts);
    return;
  }
  await writeFileAtomic(path, await compressBytes(data instanceof Uint8Array ? data : concatChunks(data), compression), opts);
}

function runFilter(cmd: string, args: readonly string[], input: Uint8Array): Promise<Uint8Array> {
  const { spawn } = childProcess();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new BtfpostError('io', `cannot run ${cmd}: ${e.message}`, {}, { cause: e })));
    child.stdin.on('error', () => {
      // The exit status reports the failure; EPIPE here is only a symptom.
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        const b = Buffer.concat(out);
        resolve(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      } else {
        const msg = Buffer.concat(err).toString('utf8').trim();
        reject(new BtfpostError('io', `${cmd} failed (${signal ?? `exit ${code}`})${msg ? `: ${msg}` : ''}`));
      }
    });
    child.stdin.end(input);
  });
}

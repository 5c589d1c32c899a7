// Synchronous reads of a file, for the readers of elf/ (readWholeInto, readElfSparse, the sections
// left on disk). Each asynchronous call would wait for one of libuv's threads; on a busy machine
// (V8 compiles on a thread of its own meanwhile) a small module's run spent ~10-20 ms idle in its
// reads that way, and nothing else runs in the meantime either way.

import { fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { readError } from '../common/errors.js';

/** A file descriptor of `path` opened for reading. @throws BtfpostError ('io') naming the file. */
export function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw readError(path, e);
  }
}

/** The status of the file open as `fd` (`path`, for errors). */
export function fileStats(fd: number, path: string): Stats {
  try {
    return fstatSync(fd);
  } catch (e) {
    throw readError(path, e);
  }
}

/**
 * Read up to `len` bytes of `fd` from file offset `pos` into `buf` at `at`, stopping early only at
 * the end of the file; returns the number of bytes read.
 */
export function readAt(fd: number, buf: Uint8Array, at: number, len: number, pos: number, path: string): number {
  let done = 0;
  while (done < len) {
    let n: number;
    try {
      n = readSync(fd, buf, at + done, len - done, pos + done);
    } catch (e) {
      throw readError(path, e);
    }
    if (n <= 0) break;
    done += n;
  }
  return done;
}

/**
 * Read `len` bytes of `fd` at file offset `pos` into `buf` at the same offset (a file-sized
 * buffer), or up to the end of the file; returns the end of what was read, from 0 or `pos`.
 */
export function readFully(fd: number, buf: Uint8Array, pos: number, len: number, path: string): number {
  return pos + readAt(fd, buf, pos, len, pos, path);
}

// Sections a sparse read left in the file: read back when needed, whole or a piece at a time.

import { closeSync } from 'node:fs';
import { BtfpostError } from '../common/errors.js';
import { fileStats, openForReading, readAt } from './file-read.js';
import type { ElfSection } from './file.js';

/**
 * What identifies the file and which of its sections were left on disk; plain data, so a worker
 * thread can be given it and read the same sections.
 */
export interface OnDiskState {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** Indices of the sections left on disk. */
  sections: number[];
}

/**
 * Sections of an ELF that were not read into its buffer (see readElfSparse). Their bytes are read
 * from the file when asked for; the file must still be the one first read (same device, inode,
 * size and modification time), or reading fails rather than mixing two versions of it.
 */
export class SectionsOnDisk {
  readonly state: OnDiskState;
  private readonly set: ReadonlySet<number>;

  constructor(state: OnDiskState) {
    this.state = state;
    this.set = new Set(state.sections);
  }

  /** Whether section `index` was left on disk. */
  has(index: number): boolean {
    return this.set.has(index);
  }

  /**
   * Run `fn` with the file open: its `read(sec, offset, into)` fills `into` from `offset` within
   * section `sec`. For many small reads (one open for all). @throws BtfpostError ('io')
   */
  reading<T>(fn: (read: (sec: ElfSection, offset: number, into: Uint8Array) => void) => T): T {
    let out!: T;
    this.withFile((fd) => {
      out = fn((sec, offset, into) => {
        if (offset < 0 || offset + into.length > sec.fileSize) throw new RangeError(`read of ${into.length} bytes at ${offset} is outside ${sec.name}`);
        readPiece(fd, into, sec.offset + offset, this.state.path);
      });
    });
    return out;
  }

  /** The whole of section `sec` in a new buffer. @throws BtfpostError ('io') */
  readAll(sec: ElfSection): Uint8Array {
    const out = new Uint8Array(sec.fileSize);
    this.reading((read) => read(sec, 0, out));
    return out;
  }

  /**
   * Call `fn` for consecutive pieces of section `sec` (each at most `pieceBytes`, a positive
   * multiple of any record size the caller needs), with the piece's offset in the section. The
   * piece's buffer is reused: it is valid only during the call. @throws BtfpostError ('io')
   */
  forEachPiece(sec: ElfSection, pieceBytes: number, fn: (piece: Uint8Array, offset: number) => void): void {
    const size = sec.fileSize;
    if (size === 0) return;
    const buf = new Uint8Array(Math.min(size, pieceBytes));
    this.withFile((fd) => {
      for (let at = 0; at < size; at += buf.length) {
        const piece = size - at < buf.length ? buf.subarray(0, size - at) : buf;
        readPiece(fd, piece, sec.offset + at, this.state.path);
        fn(piece, at);
      }
    });
  }

  private withFile(fn: (fd: number) => void): void {
    const { path } = this.state;
    const fd = openForReading(path);
    try {
      const st = fileStats(fd, path);
      const s = this.state;
      if (st.dev !== s.dev || st.ino !== s.ino || st.size !== s.size || st.mtimeMs !== s.mtimeMs) {
        throw new BtfpostError('io', 'the file changed while it was being read', { file: path });
      }
      fn(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** All of `into` from file offset `position`. @throws BtfpostError ('io') when the file ends first. */
function readPiece(fd: number, into: Uint8Array, position: number, path: string): void {
  const n = readAt(fd, into, 0, into.length, position, path);
  if (n < into.length) throw new BtfpostError('io', `file ends at ${position + n}, inside a section`, { file: path, offset: position + n });
}

// Reading only some sections of a large ELF from disk (a vmlinux is hundreds of MB; its .BTF is a few).

import { closeSync, openSync } from 'node:fs';
import { BtfpostError } from '../common/errors.js';
import { EI_CLASS, EI_DATA, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, SHT_SYMTAB } from './constants.js';
import { hasElfMagic, parseElf, type ElfFile, type ElfSection } from './file.js';
import { fileStats, readFully } from './file-read.js';
import { SectionsOnDisk } from './on-disk.js';

/** An ELF read sparsely: `bytes` has the file's length, but only the parts asked for were read. */
export interface SparseElf {
  elf: ElfFile;
  /** The buffer `elf` views (file-sized; unread ranges are zero). */
  bytes: Uint8Array;
  /** File size on disk. */
  size: number;
}

/** What to read besides the ELF header, the section headers and the section names. */
export interface SparseWants {
  /**
   * Sections whose contents are read (a symbol table's string table comes with it); `all` is the
   * whole section list, for looking up the target of a relocation section, and `headers` the file
   * as far as read (ELF header and section headers). 'later': not read now, but left on disk to
   * be read when used (ElfFile.onDisk), a piece at a time if the user can.
   */
  section: (s: ElfSection, all: readonly ElfSection[], headers: ElfFile) => boolean | 'later';
  /** Bytes read at the end of the file (e.g. for a module signature marker); 0 by default. */
  tail?: number;
  /**
   * Allocates the file-sized, zero-filled buffer (a view of a SharedArrayBuffer when worker threads
   * are to read it too); a plain Uint8Array by default.
   */
  alloc?: (size: number) => Uint8Array;
}

/**
 * Read an uncompressed ELF from disk touching only the ELF header, the section header table, the
 * section names and the sections `wants` selects. The buffer is allocated at the file's size but
 * the rest stays zero (and, for large files, unbacked by memory). Sections not read are not valid
 * in the result.
 * @throws BtfpostError ('io') when the file cannot be read; ElfError for malformed headers.
 */
export async function readElfSparse(path: string, wants: SparseWants): Promise<SparseElf> {
  // Synchronous calls (see file-read.ts): a module's sparse read is a few dozen of them.
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new BtfpostError('io', `cannot open: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  try {
    const st = fileStats(fd, path);
    const size = st.size;
    const bytes = wants.alloc ? wants.alloc(size) : new Uint8Array(size);
    const read = (off: number, len: number) => {
      const end = Math.min(size, off + len);
      const p = Math.max(0, off);
      if (p < end) readFully(fd, bytes, p, end - p, path);
    };
    read(0, 64);
    if (wants.tail) read(size - wants.tail, wants.tail);
    // Locate the section header table from the ELF header (parseElf validates it afterwards).
    const cls = bytes[EI_CLASS];
    const data = bytes[EI_DATA];
    if (size >= 64 && hasElfMagic(bytes)
      && (cls === ELFCLASS32 || cls === ELFCLASS64) && (data === ELFDATA2LSB || data === ELFDATA2MSB)) {
      const le = data === ELFDATA2LSB;
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const is64 = cls === ELFCLASS64;
      const shoff = is64 ? Number(dv.getBigUint64(40, le)) : dv.getUint32(32, le);
      const shentsize = dv.getUint16(is64 ? 58 : 46, le);
      let shnum = dv.getUint16(is64 ? 60 : 48, le);
      if (shoff > 0 && shoff < size) {
        if (shnum === 0) {
          read(shoff, shentsize);
          shnum = Math.min(Number(is64 ? dv.getBigUint64(shoff + 32, le) : BigInt(dv.getUint32(shoff + 20, le))), Math.floor((size - shoff) / Math.max(1, shentsize)));
        }
        read(shoff, shnum * shentsize);
      }
    }
    // First pass: headers only, to find the section name table.
    let elf = parseElf(bytes, path);
    if (elf.shstrndx !== 0) {
      const s = elf.sections[elf.shstrndx];
      read(s.offset, s.fileSize);
      elf = parseElf(bytes, path);
    }
    const later: number[] = [];
    for (const s of elf.sections) {
      if (s.index === 0) continue;
      const want = wants.section(s, elf.sections, elf);
      if (want === 'later') {
        if (s.fileSize > 0) later.push(s.index);
        continue;
      }
      if (!want) continue;
      read(s.offset, s.fileSize);
      if (s.type === SHT_SYMTAB && s.link !== 0 && s.link < elf.sections.length) {
        const str = elf.sections[s.link];
        read(str.offset, str.fileSize);
      }
    }
    const onDisk = later.length === 0 ? null : new SectionsOnDisk({ path, dev: st.dev, ino: st.ino, size, mtimeMs: st.mtimeMs, sections: later });
    return { elf: parseElf(bytes, path, { onDisk }), bytes, size };
  } finally {
    closeSync(fd);
  }
}


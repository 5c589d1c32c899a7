// Reads only the parts of a large ELF that .BTF_ids resolution needs, and rewrites one range in place.

import { open } from 'node:fs/promises';
import type { Btf } from '../btf/model/btf.js';
import { looksLikeBtf, parseBtf } from '../btf/wire/parse.js';
import { BtfError, BtfpostError, withFile } from '../common/errors.js';
import { SHT_SYMTAB, SHT_SYMTAB_SHNDX } from '../elf/constants.js';
import { parseElf, type ElfFile } from '../elf/file.js';
import { readElfSparse, type SparseElf } from '../elf/sparse.js';
import { BTF_IDS_SECTION } from './constants.js';
import { btfFromElf, DISTILLED_BASE_SECTIONS } from '../btf/load.js';

export type { SparseElf } from '../elf/sparse.js';

/** Sections read besides the symbol tables: the slots, and the BTF they may be resolved against. */
const WANTED = new Set([BTF_IDS_SECTION, '.BTF', '.BTF.base', '.BTF.base_ref']);
/** Enough of the file's end to find a module signature marker and its struct. */
const TAIL = 64;

/**
 * Read an uncompressed ELF from disk touching only the ELF header, the section header table,
 * the section names, the symbol table(s) with their string tables, `.BTF_ids`, `.BTF`,
 * `.BTF.base` and the file's last bytes (module signature marker), so a 350 MB vmlinux costs a
 * few MB of reads. Sections other than those are not valid in the result.
 * @throws BtfpostError ('io') when the file cannot be read; ElfError for malformed headers.
 */
export function readElfForBtfIds(path: string): Promise<SparseElf> {
  return readElfSparse(path, { section: (s) => s.type === SHT_SYMTAB || s.type === SHT_SYMTAB_SHNDX || WANTED.has(s.name), tail: TAIL });
}

/**
 * Overwrite `data.length` bytes at `fileOffset` of an existing file, in place: the same effect as
 * resolve_btfids' libelf update of one same-size section (not atomic; fsync only when asked, as
 * libelf does not either).
 * @throws BtfpostError ('io') on failure.
 */
export async function writeBytesInPlace(path: string, fileOffset: number, data: Uint8Array, opts: { sync?: boolean } = {}): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r+');
    let p = 0;
    while (p < data.length) {
      const { bytesWritten } = await fh.write(data, p, data.length - p, fileOffset + p);
      if (bytesWritten <= 0) throw new Error('short write');
      p += bytesWritten;
    }
    if (opts.sync) await fh.sync();
  } catch (e) {
    throw new BtfpostError('io', `cannot write: ${(e as Error).message}`, { file: path }, { cause: e });
  } finally {
    await fh?.close();
  }
}

/** Distilled-base section names, upstream first (as btf/load.ts knows them). */

/** The BTF a resolution runs against, and how it was put together. */
export interface ResolutionBtf {
  btf: Btf;
  /** The distilled-base section the split BTF was read over (then the base file is not read), or null. */
  distilledSection: string | null;
  /** Whether the base file was read and used. */
  baseUsed: boolean;
}

/** A file's bytes: read sparsely when it is an uncompressed ELF, whole (decompressed) otherwise. */
async function readBtfSource(path: string): Promise<{ elf: ElfFile | null; bytes: Uint8Array }> {
  let isElf = false;
  let raw: Uint8Array | null = null;
  try {
    const fh = await open(path, 'r');
    try {
      const head = new Uint8Array(6);
      await fh.read(head, 0, 6, 0);
      isElf = head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
      if (!isElf && looksLikeBtf(head)) {
        // Raw BTF (a vmlinux.btf is ~5 MB): one read into a buffer of the file's size.
        const size = (await fh.stat()).size;
        raw = new Uint8Array(size);
        let p = 0;
        while (p < size) {
          const { bytesRead } = await fh.read(raw, p, size - p, p);
          if (bytesRead <= 0) break;
          p += bytesRead;
        }
        raw = raw.subarray(0, p);
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new BtfpostError('io', `cannot read: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  if (isElf) {
    const { elf, bytes } = await readElfForBtfIds(path);
    return { elf, bytes };
  }
  if (raw) return { elf: null, bytes: raw };
  // Compressed (or unknown): the general reader, loaded only when needed.
  const { readMaybeCompressed } = await import('../elf/compress-file.js');
  const { bytes } = await readMaybeCompressed(path);
  return { elf: bytes[0] === 0x7f && bytes[1] === 0x45 ? parseElf(bytes, path) : null, bytes };
}

/** `.BTF` of an ELF over `base`, or over the ELF's distilled base when it has one (not relocated). */
function btfOfElf(elf: ElfFile, file: string, base: Btf | null): { btf: Btf; distilledSection: string | null } {
  const r = btfFromElf(elf, file, { base, relocate: false });
  return { btf: r.btf, distilledSection: r.distilledSection };
}

/** Parse a BTF file (raw, or an ELF's `.BTF`), split over `base` when given. */
async function btfFromFile(path: string, base: Btf | null): Promise<{ btf: Btf; distilledSection: string | null }> {
  const { elf, bytes } = await readBtfSource(path);
  try {
    if (elf) return btfOfElf(elf, path, base);
    if (!looksLikeBtf(bytes)) throw new BtfError('neither raw BTF nor ELF (bad magic)', { file: path, offset: 0 });
    return { btf: parseBtf(bytes, { base, file: path }), distilledSection: null };
  } catch (e) {
    if (e instanceof BtfpostError) throw withFile(e, path);
    throw e;
  }
}

/**
 * Load the BTF to resolve `elf` against, as resolve_btfids 6.12 does (libbpf `btf__parse` for the
 * base, `btf__parse_split` for the BTF): `btfPath` (raw BTF or an ELF's `.BTF`) or else the ELF's
 * own `.BTF`, split over `basePath` (raw BTF or an ELF such as vmlinux, read sparsely) when given.
 * When the BTF comes from an ELF with a distilled base (`.BTF.base`), it is read over that and the
 * base file is not read at all: resolve_btfids 6.11-6.19 drops `-b` then, so the ids written are
 * in the distilled numbering (the kernel maps them when it relocates the module's BTF).
 * Compressed files are decompressed.
 * @throws BtfpostError naming the file (and section and offset for malformed BTF).
 */
export async function loadBtfForResolution(elf: ElfFile, opts: { btfPath?: string; basePath?: string } = {}): Promise<ResolutionBtf> {
  const file = elf.fileName ?? 'ELF';
  const ownDistilled = opts.btfPath === undefined && DISTILLED_BASE_SECTIONS.some((n) => elf.sectionByName(n));
  let base: Btf | null = null;
  if (opts.basePath !== undefined && !ownDistilled) base = (await btfFromFile(opts.basePath, null)).btf;
  if (opts.btfPath !== undefined) {
    const r = await btfFromFile(opts.btfPath, base);
    return { ...r, baseUsed: base !== null && r.distilledSection === null };
  }
  try {
    const r = btfOfElf(elf, file, base);
    return { ...r, baseUsed: base !== null && r.distilledSection === null };
  } catch (e) {
    if (e instanceof BtfpostError) throw withFile(e, file);
    throw e;
  }
}

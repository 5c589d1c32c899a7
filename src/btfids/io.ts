// Reads only the parts of a large ELF that .BTF_ids resolution needs, and rewrites one range in place.

import { closeSync, fsyncSync, openSync } from 'node:fs';
import type { Btf } from '../btf/model/btf.js';
import { BtfpostError, withFile } from '../common/errors.js';
import { SHT_SYMTAB, SHT_SYMTAB_SHNDX } from '../elf/constants.js';
import type { ElfFile } from '../elf/file.js';
import { readElfSparse, type SparseElf } from '../elf/sparse.js';
import { writeAllAt } from '../elf/write.js';
import { BTF_IDS_SECTION } from './constants.js';
import { btfFromElf, DISTILLED_BASE_SECTIONS, loadBtfFile } from '../btf/load.js';

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
 * libelf does not either). Synchronous calls inside the promise, like the readers (see
 * elf/file-read.ts): each asynchronous one would wait for a libuv thread, with nothing else to do.
 * @throws BtfpostError ('io') on failure (a rejection, not an exception from the call).
 */
export async function writeBytesInPlace(path: string, fileOffset: number, data: Uint8Array, opts: { sync?: boolean } = {}): Promise<void> {
  let fd = -1;
  try {
    fd = openSync(path, 'r+');
    writeAllAt(fd, data, fileOffset);
    if (opts.sync) fsyncSync(fd);
  } catch (e) {
    throw new BtfpostError('io', `cannot write: ${(e as Error).message}`, { file: path }, { cause: e });
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** The BTF a resolution runs against, and how it was put together. */
export interface ResolutionBtf {
  btf: Btf;
  /** The distilled-base section the split BTF was read over (then the base file is not read), or null. */
  distilledSection: string | null;
  /** Whether the base file was read and used. */
  baseUsed: boolean;
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
  if (opts.basePath !== undefined && !ownDistilled) base = (await loadBtfFile(opts.basePath)).btf;
  // Not relocated: the ids written are in the numbering of the BTF as read (see above).
  if (opts.btfPath !== undefined) {
    const r = await loadBtfFile(opts.btfPath, { base, relocate: false });
    return { btf: r.btf, distilledSection: r.distilledSection, baseUsed: base !== null && r.distilledSection === null };
  }
  try {
    const r = btfFromElf(elf, file, { base, relocate: false });
    return { btf: r.btf, distilledSection: r.distilledSection, baseUsed: base !== null && r.distilledSection === null };
  } catch (e) {
    if (e instanceof BtfpostError) throw withFile(e, file);
    throw e;
  }
}

// Loading BTF from a file: raw BTF, or an ELF's .BTF with its distilled base when it has one.

import { BtfError, BtfpostError, withFile } from '../common/errors.js';
import { hasElfMagic, parseElf, type ElfFile } from '../elf/index.js';
import { closeSync } from 'node:fs';
import { readMaybeCompressed } from '../elf/compress-file.js';
import { readElfSparse } from '../elf/sparse.js';
import { fileStats, openForReading, readAt } from '../elf/file-read.js';
import type { Btf } from './model/btf.js';
import { looksLikeBtf, parseBaseBtfFrom, parseBtf } from './wire/parse.js';
import { BTF_HDR_LEN_LAYOUT } from './wire/kinds.js';
import { relocateBtf } from './relocate/relocate.js';

/** Section names a distilled base may use: the upstream name first, then the RFC's. */
export const DISTILLED_BASE_SECTIONS = ['.BTF.base', '.BTF.base_ref'] as const;

/** What was loaded and from where. */
export interface LoadedBtf {
  btf: Btf;
  /** The distilled base the split BTF was read over, when the ELF carried one. */
  distilled: Btf | null;
  /** Section name of that distilled base. */
  distilledSection: string | null;
  source: 'raw' | 'elf';
}

/** How to read BTF: split over `base`; `relocate` (default true) as in btfFromElf. */
export interface LoadBtfOptions {
  base?: Btf | null;
  relocate?: boolean;
}

/**
 * Parse BTF from bytes: raw BTF, or an ELF holding `.BTF`. Split BTF is read over `base`; when
 * the ELF carries a distilled base it is read over that and, if `base` is given and `relocate` is
 * not false, relocated onto it.
 * @throws BtfpostError naming the file, the section and the offset.
 */
export function btfFromBytes(bytes: Uint8Array, file: string, opts: LoadBtfOptions = {}): LoadedBtf {
  try {
    if (looksLikeBtf(bytes)) {
      return { btf: parseBtf(bytes, { base: opts.base ?? null, file }), distilled: null, distilledSection: null, source: 'raw' };
    }
    if (hasElfMagic(bytes)) {
      return btfFromElf(parseElf(bytes, file), file, { base: opts.base, relocate: opts.relocate !== false });
    }
    throw new BtfError('neither raw BTF nor ELF (bad magic)', { file, offset: 0 });
  } catch (e) {
    if (e instanceof BtfpostError) throw withFile(e, file);
    throw e;
  }
}

/**
 * The `.BTF` of a parsed ELF: over its distilled base when it has one (`.BTF.base`, or the RFC's
 * `.BTF.base_ref`), else over `base`. With `relocate` and both a distilled base and `base`, the
 * result is relocated onto `base`, as libbpf shows it; without, it stays in the distilled
 * numbering (what the module's .BTF_ids use).
 * @throws BtfpostError naming the section and offset.
 */
export function btfFromElf(elf: ElfFile, file: string, opts: { base?: Btf | null; relocate?: boolean } = {}): LoadedBtf {
  const sec = elf.sectionByName('.BTF');
  if (!sec) throw new BtfError('no .BTF section', { file });
  let distilled: Btf | null = null;
  let distilledSection: string | null = null;
  for (const name of DISTILLED_BASE_SECTIONS) {
    const d = elf.sectionByName(name);
    if (d) {
      distilled = parseBtf(elf.sectionData(d), { file, section: name });
      distilledSection = name;
      break;
    }
  }
  let btf = parseBtf(elf.sectionData(sec), { base: distilled ?? opts.base ?? null, file, section: '.BTF' });
  if (distilled && opts.base && opts.relocate) btf = relocateBtf(btf, opts.base, { file }).btf;
  return { btf, distilled, distilledSection, source: 'elf' };
}

/**
 * Read a file (decompressing .xz/.zst/.gz) and parse its BTF; see btfFromBytes. An uncompressed
 * ELF is read sparsely: headers, section names and its BTF sections only (a vmlinux is tens to
 * hundreds of MB, its .BTF a few). Uncompressed raw BTF read without a base (a vmlinux's, to
 * encode modules over) is read part by part into where its parts are kept (parseBaseBtfFrom).
 */
export async function loadBtfFile(path: string, opts: LoadBtfOptions = {}): Promise<LoadedBtf> {
  const first = readStart(path, !opts.base);
  if (first !== null && first !== 'elf') {
    return { btf: first, distilled: null, distilledSection: null, source: 'raw' };
  }
  if (first === 'elf') {
    const { elf } = await readElfSparse(path, { section: (s) => s.name === '.BTF' || (DISTILLED_BASE_SECTIONS as readonly string[]).includes(s.name) });
    try {
      return btfFromElf(elf, path, { base: opts.base, relocate: opts.relocate !== false });
    } catch (e) {
      if (e instanceof BtfpostError) throw withFile(e, path);
      throw e;
    }
  }
  const { bytes } = await readMaybeCompressed(path);
  return btfFromBytes(bytes, path, opts);
}

/**
 * From the start of the file: 'elf' for an ELF; with `asBase`, raw BTF read in place when it can be
 * (see parseBaseBtfFrom); else null (also when the file cannot be read: the caller reports that).
 * @throws BtfpostError naming the file, for raw BTF whose header or records are malformed.
 */
function readStart(path: string, asBase: boolean): Btf | 'elf' | null {
  let fd: number;
  try {
    fd = openForReading(path);
  } catch {
    return null;
  }
  try {
    const head = new Uint8Array(BTF_HDR_LEN_LAYOUT);
    let got: number;
    try {
      got = readAt(fd, head, 0, head.length, 0, path);
    } catch {
      return null;
    }
    if (got >= 4 && hasElfMagic(head)) return 'elf';
    if (!asBase || !looksLikeBtf(head.subarray(0, got))) return null;
    const st = fileStats(fd, path);
    if (!st.isFile()) return null;
    try {
      return parseBaseBtfFrom(head.subarray(0, got), st.size, (buf, pos) => readAt(fd, buf, 0, buf.length, pos, path) === buf.length, { file: path });
    } catch (e) {
      if (e instanceof BtfpostError) throw withFile(e, path);
      throw e;
    }
  } finally {
    closeSync(fd);
  }
}

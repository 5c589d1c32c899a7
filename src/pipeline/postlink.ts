// The post-link job for one module: encode BTF from DWARF, deduplicate against the base, distill
// when asked, resolve .BTF_ids in the numbering the kernel expects, and produce the new module.

import { BtfpostError } from '../common/errors.js';
import type { Btf } from '../btf/model/btf.js';
import { serializeBtf } from '../btf/wire/serialize.js';
import { distillBase } from '../btf/distill/index.js';
import { encodeBtf, type EncodeFeatures } from '../encoder/index.js';
import { resolveBtfIds, unresolveBtfIds } from '../btfids/index.js';
import { applyElfEdits, concatChunks, parseElf, type ElfFile } from '../elf/index.js';
import { btfFromBytes } from '../btf/load.js';
import { setBtfSectionsChunks, type BaseSectionName } from './write-ko.js';

/** How to run the job. */
export interface PostLinkOptions {
  /** vmlinux BTF the module's BTF is split over; ignored with `standalone`. */
  base: Btf | null;
  features: EncodeFeatures;
  langExclude?: readonly string[];
  /** Write `.BTF.base` (or `baseSection`) with a distilled base. */
  distilled?: boolean;
  baseSection?: BaseSectionName;
  /** Self-contained BTF (no base); not understood by upstream kernels. */
  standalone?: boolean;
  stripSignature?: boolean;
  fatalWarnings?: boolean;
  /** Receives one line per step (for -v). */
  log?: (line: string) => void;
}

/** What the job produced. */
export interface PostLinkResult {
  /** The new module as pieces to write in order (views of the input where it is unchanged). */
  chunks: readonly Uint8Array[];
  /** Its size in bytes. */
  size: number;
  /** The new module in one array (assembled on first use). */
  readonly bytes: Uint8Array;
  /** Own types in `.BTF`. */
  types: number;
  btfBytes: number;
  /** Size of the distilled base section, 0 when none. */
  baseBytes: number;
  /** Types in the distilled base. */
  baseTypes: number;
  btfIdsSlots: number;
  warnings: string[];
}

/**
 * Run the post-link job on the bytes of a module (decompressed).
 * @throws BtfpostError naming the file, section and offset for bad input; nothing is written here.
 */
export function postLink(bytes: Uint8Array, file: string, opts: PostLinkOptions): PostLinkResult {
  const log = opts.log ?? (() => {});
  let elf = parseElf(bytes, file);
  if (elf.signature && !opts.stripSignature) {
    throw new BtfpostError('unsupported', 'module is signed; writing BTF would void the signature (sign after BTF, or pass --strip-signature)', { file });
  }
  const base = opts.standalone ? null : opts.base;
  if (!base && !opts.standalone) throw new BtfpostError('usage', 'a base BTF is needed (or --standalone)', { file });
  if (opts.distilled && !base) throw new BtfpostError('usage', 'a distilled base needs a base BTF', { file });
  elf = undoPreviousRun(elf, file, base, log);
  let t = performance.now();
  const step = (what: string) => {
    const now = performance.now();
    log(`${what} (${(now - t).toFixed(0)} ms)`);
    t = now;
  };
  const { btf: encoded, stats } = encodeBtf(elf, { base, features: opts.features, langExclude: opts.langExclude });
  step(`encoded ${encoded.count} types from DWARF${base ? ` as split BTF over ${base.count} base types` : ' (standalone)'}; ${JSON.stringify(stats)}`);
  let btf: Btf = encoded;
  let distilled: Btf | null = null;
  if (opts.distilled && base) {
    const d = distillBase(encoded, { file });
    btf = d.split;
    distilled = d.base;
    step(`distilled base: ${d.base.count} types; split BTF now ${d.split.count} types`);
  }
  const ids = resolveBtfIds(elf, btf, { fatalWarnings: opts.fatalWarnings });
  for (const w of ids.warnings) log(w);
  step(ids.skipped ? `.BTF_ids: nothing to do (${ids.skipped})` : `.BTF_ids: ${ids.stats.slots} slots, ${ids.stats.resolved}/${ids.stats.names} names resolved`);
  const btfRaw = serializeBtf(btf);
  const baseRaw = distilled ? serializeBtf(distilled) : null;
  const chunks = setBtfSectionsChunks(elf, { btf: btfRaw, base: baseRaw, baseSection: opts.baseSection, btfIds: ids.changed ? ids.patched : null }, { stripSignature: opts.stripSignature });
  let size = 0;
  for (const c of chunks) size += c.length;
  step(`.BTF ${btfRaw.length} bytes${baseRaw ? `, ${opts.baseSection ?? '.BTF.base'} ${baseRaw.length} bytes` : ''}; module ${bytes.length} -> ${size} bytes`);
  let whole: Uint8Array | null = null;
  return {
    chunks, size,
    get bytes() {
      return (whole ??= concatChunks(chunks));
    },
    types: btf.count, btfBytes: btfRaw.length, baseBytes: baseRaw?.length ?? 0, baseTypes: distilled?.count ?? 0,
    btfIdsSlots: ids.stats.slots, warnings: ids.warnings,
  };
}

/**
 * A module that already went through this job has resolved, sorted `.BTF_ids`: set8 flags no
 * longer sit at their functions' slots, and resolving again would pair them wrongly. Put the
 * section back in its compiled state (using the module's current BTF to find where each pair
 * came from) so that a re-run starts from what the compiler emitted.
 */
function undoPreviousRun(elf: ElfFile, file: string, base: Btf | null, log: (l: string) => void): ElfFile {
  const idsSec = elf.sectionByName('.BTF_ids');
  if (!idsSec || !elf.sectionByName('.BTF')) return elf;
  const ids = elf.sectionData(idsSec);
  if (ids.every((b) => b === 0)) return elf;
  const hasDistilled = !!(elf.sectionByName('.BTF.base') || elf.sectionByName('.BTF.base_ref'));
  let prev: Btf;
  try {
    // The ids were written in the numbering of the BTF as stored: over its distilled base if it has one.
    prev = btfFromBytes(elf.bytes, file, { base: hasDistilled ? null : base }).btf;
  } catch {
    return elf; // Not BTF we can read: resolve the section as it is.
  }
  const un = unresolveBtfIds(elf, prev);
  log(`.BTF_ids already resolved by an earlier run: put back in its compiled state${un.unmatched ? ` (${un.unmatched} set8 pairs unmatched)` : ''}`);
  const bytes = applyElfEdits(elf, { edits: [{ op: 'patch', section: '.BTF_ids', offset: 0, data: un.data }], signature: 'keep' });
  return parseElf(bytes, file);
}

// Public face of the encoder: DWARF of an ELF file → deduplicated BTF, following pahole 1.30 (`pahole -J`).

import type { Btf } from '../btf/index.js';
import { dedupBtf } from '../btf/dedup/index.js';
import { listKfuncs } from '../btfids/index.js';
import { DW_LANG_Rust, openDwarf } from '../dwarf/index.js';
import type { ElfFile } from '../elf/index.js';
import { Encoder, type EncodeStats } from './encoder.js';
import { noFeatures, type EncodeFeatures } from './features.js';

export { FEATURE_TABLE, KBUILD_FEATURES, isFeatureName, legacyDefaultFeatures, noFeatures, parseFeatureLists } from './features.js';
export type { EncodeFeatureName, EncodeFeatures } from './features.js';
export type { EncodeStats } from './encoder.js';

/** Options for `encodeBtf`. */
export interface EncodeOptions {
  /** Base BTF (vmlinux) for split module BTF; null or absent for a standalone base BTF. */
  base?: Btf | null;
  /** Enabled features (see `parseFeatureLists`); all off when absent. */
  features?: EncodeFeatures;
  /** Languages whose units are skipped, by name ("rust", "c", "c++", "asm") or DW_LANG_* number. */
  langExclude?: ReadonlyArray<string | number>;
  /** Skip deduplication (for debugging); default false. */
  noDedup?: boolean;
}

/** Result of `encodeBtf`. */
export interface EncodeResult {
  /** The BTF (deduplicated unless `noDedup`). */
  btf: Btf;
  /** Counters. */
  stats: EncodeStats;
}

const LANG_NAMES: Record<string, readonly number[]> = {
  rust: [DW_LANG_Rust],
  c: [0x0001, 0x0002, 0x000c, 0x001d, 0x002c],
  'c++': [0x0004, 0x001a, 0x0021, 0x002b],
  asm: [0x8001],
};

/** DW_LANG_* values for a language list such as ["rust"]; numbers pass through, unknown names are ignored. */
export function languageCodes(list: ReadonlyArray<string | number>): number[] {
  const out: number[] = [];
  for (const l of list) {
    if (typeof l === 'number') out.push(l);
    else out.push(...(LANG_NAMES[l.toLowerCase()] ?? []));
  }
  return out;
}

/**
 * Encode the DWARF of `elf` into BTF with pahole 1.30's rules, then deduplicate it (as split BTF
 * over `base` when given). Kfuncs for `decl_tag_kfuncs` are read from the ELF's `.BTF_ids`.
 * @throws DwarfError for missing or malformed DWARF (naming section and offset), ElfError for a
 *   malformed ELF, BtfError when deduplication fails.
 */
export function encodeBtf(elf: ElfFile, opts: EncodeOptions = {}): EncodeResult {
  const features = opts.features ?? noFeatures();
  const dwarf = openDwarf(elf);
  const kfuncs = features.decl_tag_kfuncs ? listKfuncs(elf).map((k) => ({ name: k.name, flags: k.flags })) : [];
  const enc = new Encoder(elf, dwarf, {
    base: opts.base ?? null,
    features,
    langExclude: languageCodes(opts.langExclude ?? []),
    kfuncs,
  });
  const raw = enc.run();
  const btf = opts.noDedup ? raw : dedupBtf(raw, { file: elf.fileName });
  return { btf, stats: enc.stats };
}

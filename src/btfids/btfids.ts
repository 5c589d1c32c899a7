// Resolves an ELF's .BTF_ids against BTF: collect, resolve, patch, and the warnings resolve_btfids gives.

import type { Btf } from '../btf/model/btf.js';
import type { ElfFile, ElfSection } from '../elf/file.js';
import { BTF_IDS_SECTION } from './constants.js';
import { BtfIdsError } from './errors.js';
import { patchBtfIdsData } from './patch.js';
import { resolveNames } from './resolve.js';
import { BTF_ID_KINDS, collectBtfIds, type BtfIdKind, type BtfIdsLayout } from './symbols.js';

/** Options for `resolveBtfIds`. */
export interface ResolveBtfIdsOptions {
  /** Turn warnings into a BtfIdsError (resolve_btfids `--fatal_warnings`). */
  fatalWarnings?: boolean;
  /**
   * Map an id of the scanned BTF to the id to write, e.g. into a later distilled or sorted
   * numbering; 0 means the type is not in that numbering (reported as unresolved). The choice
   * among duplicate names is made in the scanned BTF's order.
   */
  idMap?: (oldId: number) => number;
  /** Receives resolve_btfids-style trace lines (the `-v` output). */
  debug?: (line: string) => void;
}

/** One warning, structured; `resolveBtfidsWarningLine` gives resolve_btfids' own wording. */
export interface BtfIdsWarning {
  type: 'duplicate' | 'unresolved';
  kind: BtfIdKind;
  name: string;
  /** For duplicates: the id kept and the one ignored. */
  ids: number[];
  message: string;
}

/** The line resolve_btfids prints for a warning (`WARN: ...`), for output that matches it. */
export function resolveBtfidsWarningLine(w: BtfIdsWarning): string {
  return w.type === 'unresolved' ? `WARN: resolve_btfids: ${w.message}` : `WARN: ${w.message}`;
}

/** Counts for reports and tests. */
export interface BtfIdsStats {
  /** `__BTF_ID__` symbols in the section. */
  symbols: number;
  /** Distinct names to resolve (all kinds). */
  names: number;
  /** Names resolved to a non-zero id. */
  resolved: number;
  /** Names left at 0. */
  unresolved: number;
  /** Duplicate matches seen. */
  duplicates: number;
  /** `BTF_SET_START` sets. */
  sets: number;
  /** `BTF_SET8_START` sets. */
  set8s: number;
  /** Id slots written. */
  slots: number;
}

/** `resolveBtfIds` result. */
export interface ResolveBtfIdsResult {
  /** The new `.BTF_ids` bytes (same size as before), or null when there was nothing to do. */
  patched: Uint8Array | null;
  /** The section the bytes belong to (null when skipped). */
  section: ElfSection | null;
  /** Why nothing was done (no `.BTF_ids`, no symbol table), or null. */
  skipped: string | null;
  /** Whether `patched` differs from the section's current bytes. */
  changed: boolean;
  /** Warning texts, in the order resolve_btfids prints them. */
  warnings: string[];
  /** The same warnings, structured. */
  details: BtfIdsWarning[];
  stats: BtfIdsStats;
}

const EMPTY_STATS: BtfIdsStats = { symbols: 0, names: 0, resolved: 0, unresolved: 0, duplicates: 0, sets: 0, set8s: 0, slots: 0 };

/**
 * Resolve the `.BTF_ids` section of `elf` against `btf` (for a module: its split BTF over the
 * vmlinux or distilled base; base ids count) and return the patched section bytes. An ELF without
 * `.BTF_ids` or without a symbol table is left alone (`skipped` says why).
 * @throws BtfIdsError for malformed `.BTF_ids` symbols, and for warnings when `fatalWarnings` is set
 * (the error's `warnings` lists them).
 */
export function resolveBtfIds(elf: ElfFile, btf: Btf, opts: ResolveBtfIdsOptions = {}): ResolveBtfIdsResult {
  const c = collectBtfIds(elf);
  if (!c.found) {
    opts.debug?.(`Cannot find .BTF_ids or symbols sections, nothing to do (${c.reason})`);
    return { patched: null, section: null, skipped: c.reason, changed: false, warnings: [], details: [], stats: { ...EMPTY_STATS } };
  }
  return resolveCollected(c.layout, btf, opts);
}

/**
 * `resolveBtfIds` for a layout already collected with `collectBtfIds` (to look before loading BTF).
 * @throws BtfIdsError as `resolveBtfIds` does.
 */
export function resolveCollected(layout: BtfIdsLayout, btf: Btf, opts: ResolveBtfIdsOptions = {}): ResolveBtfIdsResult {
  if (opts.debug) for (const n of layout.added) opts.debug(`adding symbol ${n}`);
  const resolved = resolveNames(layout, btf);
  const map = opts.idMap;
  const details: BtfIdsWarning[] = resolved.duplicates.map((d) => {
    const kept = map ? map(d.kept) >>> 0 : d.kept;
    const other = map ? map(d.other) >>> 0 : d.other;
    return { type: 'duplicate', kind: d.kind, name: d.name, ids: [kept, other], message: `multiple IDs found for '${d.name}': ${kept}, ${other} - using ${kept}` };
  });
  const out = patchBtfIdsData(layout, resolved, { idMap: map, debug: opts.debug });
  for (const u of out.unresolved) {
    details.push({ type: 'unresolved', kind: u.kind, name: u.name, ids: [], message: `unresolved symbol ${u.name}` });
  }
  const warnings = details.map((d) => d.message);
  if (opts.fatalWarnings && warnings.length > 0) {
    const e = new BtfIdsError(`${warnings.length} warning${warnings.length === 1 ? '' : 's'} treated as errors (fatal warnings); first: ${warnings[0]}`, {
      file: layout.file, section: BTF_IDS_SECTION, symbol: details[0].name,
    });
    e.warnings = warnings;
    throw e;
  }
  let names = 0;
  for (const kind of BTF_ID_KINDS) names += layout.names[kind].size;
  let set8s = 0;
  for (const s of layout.sets.values()) if (s.kind === 'set8') set8s++;
  const stats: BtfIdsStats = {
    symbols: layout.symbolCount,
    names,
    resolved: names - out.unresolved.length,
    unresolved: out.unresolved.length,
    duplicates: resolved.duplicates.length,
    sets: layout.sets.size - set8s,
    set8s,
    slots: out.slots,
  };
  return { patched: out.data, section: layout.section, skipped: null, changed: !sameBytes(out.data, layout.data), warnings, details, stats };
}

/**
 * The `.BTF_ids` section a blob would replace, after checking it exists and has the blob's size.
 * @throws BtfIdsError otherwise.
 */
export function checkBtfIdsBlob(elf: ElfFile, blob: Uint8Array, blobName = 'blob'): ElfSection {
  const sec = elf.sectionByName(BTF_IDS_SECTION);
  if (!sec) throw new BtfIdsError(`section ${BTF_IDS_SECTION} not found`, { file: elf.fileName });
  const size = elf.sectionData(sec).length;
  if (blob.length !== size) {
    throw new BtfIdsError(`size mismatch - ${BTF_IDS_SECTION} section is ${size} bytes, ${blobName} is ${blob.length} bytes`, { file: elf.fileName, section: BTF_IDS_SECTION });
  }
  return sec;
}

/** Byte equality of two arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

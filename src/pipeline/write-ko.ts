// Putting BTF sections into a module: .BTF replaced or added, the distilled base section set or
// removed, every other byte kept; signed modules refused unless the signature may be dropped.

import { BtfpostError } from '../common/errors.js';
import { applyElfEdits, applyElfEditsChunks, concatChunks, parseElf, type ElfEdit, type ElfFile } from '../elf/index.js';
import type { Btf } from '../btf/model/btf.js';
import { resolveBtfIds, unresolveBtfIds } from '../btfids/index.js';
import { DISTILLED_BASE_SECTIONS } from '../btf/load.js';

/** Section names a distilled base may be written under. */
export type BaseSectionName = (typeof DISTILLED_BASE_SECTIONS)[number];

/** What to write. */
export interface BtfSections {
  /** Raw `.BTF` contents. */
  btf: Uint8Array;
  /** Raw distilled base, or null for plain split (or standalone) BTF. */
  base: Uint8Array | null;
  /** Section name for the distilled base (default `.BTF.base`, what kernels since 6.11 read). */
  baseSection?: BaseSectionName;
  /** New `.BTF_ids` contents (same size), when they changed. */
  btfIds?: Uint8Array | null;
}

/**
 * New bytes of the module with its BTF sections set. Sections are replaced when present (never
 * duplicated), so running this on its own output gives the same bytes. A distilled base under the
 * other name, or one no longer wanted, is removed.
 * @throws BtfpostError when the module is signed and `stripSignature` is false.
 */
export function setBtfSections(elf: ElfFile, s: BtfSections, opts: { stripSignature?: boolean } = {}): Uint8Array {
  return concatChunks(setBtfSectionsChunks(elf, s, opts));
}

/** `setBtfSections` as pieces to write in order, mostly views of `elf.bytes` (see applyElfEditsChunks). */
export function setBtfSectionsChunks(elf: ElfFile, s: BtfSections, opts: { stripSignature?: boolean } = {}): readonly Uint8Array[] {
  if (elf.signature && !opts.stripSignature) {
    throw new BtfpostError('unsupported', 'module is signed; writing BTF would void the signature (sign after BTF, or pass --strip-signature)', { file: elf.fileName });
  }
  const edits: ElfEdit[] = [];
  const put = (name: string, data: Uint8Array) => {
    edits.push(elf.sectionByName(name) ? { op: 'replace', section: name, data } : { op: 'add', name, data, align: 4 });
  };
  put('.BTF', s.btf);
  const want = s.base ? (s.baseSection ?? '.BTF.base') : null;
  for (const name of DISTILLED_BASE_SECTIONS) {
    if (name === want) continue;
    if (elf.sectionByName(name)) edits.push({ op: 'remove', section: name });
  }
  if (want && s.base) put(want, s.base);
  if (s.btfIds) edits.push({ op: 'patch', section: '.BTF_ids', offset: 0, data: s.btfIds });
  return applyElfEditsChunks(elf, { edits, signature: opts.stripSignature ? 'strip' : 'keep' });
}

/**
 * New `.BTF_ids` contents when a module's BTF changes numbering (for instance when its base is
 * distilled): the section is first put back as compiled, using the BTF it was resolved against
 * (`oldBtf`), then resolved against `newBtf`. Null when the module has no `.BTF_ids`.
 */
export function reresolveBtfIds(elf: ElfFile, oldBtf: Btf, newBtf: Btf, opts: { fatalWarnings?: boolean } = {}): { data: Uint8Array | null; warnings: string[] } {
  const sec = elf.sectionByName('.BTF_ids');
  if (!sec || !elf.symbols()) return { data: null, warnings: [] };
  const un = unresolveBtfIds(elf, oldBtf);
  const compiled = parseElf(applyElfEdits(elf, { edits: [{ op: 'patch', section: '.BTF_ids', offset: 0, data: un.data }], signature: 'keep' }), elf.fileName);
  const r = resolveBtfIds(compiled, newBtf, opts);
  return { data: r.patched, warnings: r.warnings };
}

// Applies a .BTF_ids resolution or a raw .BTF_ids blob to an ELF image in memory.

import type { Btf } from '../btf/model/btf.js';
import type { ElfFile } from '../elf/file.js';
import { applyElfEdits } from '../elf/write.js';
import { checkBtfIdsBlob, resolveBtfIds, sameBytes, type ResolveBtfIdsOptions, type ResolveBtfIdsResult } from './btfids.js';
import { BTF_IDS_SECTION } from './constants.js';
import { BtfIdsError } from './errors.js';

/** What to do with an appended module signature when the ELF changes. */
export type SignaturePolicy = 'refuse' | 'strip' | 'keep';

/** Options for `resolveBtfIdsInElf`. */
export interface ResolveElfOptions extends ResolveBtfIdsOptions {
  /**
   * A signed module whose `.BTF_ids` changes would carry a signature that no longer matches:
   * 'refuse' (default) throws, 'strip' drops it, 'keep' re-appends it unchanged.
   */
  signature?: SignaturePolicy;
}

/**
 * `resolveBtfIds`, then the edited ELF: `.BTF_ids` patched in place (same size), every other byte
 * kept. When nothing changes the input bytes are returned as they are.
 * @throws BtfIdsError as `resolveBtfIds` does, and when a signed module would change under 'refuse'.
 */
export function resolveBtfIdsInElf(elf: ElfFile, btf: Btf, opts: ResolveElfOptions = {}): { bytes: Uint8Array; result: ResolveBtfIdsResult } {
  const result = resolveBtfIds(elf, btf, opts);
  if (!result.changed || result.patched === null || result.section === null) return { bytes: elf.fileBytes, result };
  const policy = opts.signature ?? 'refuse';
  if (elf.signature && policy === 'refuse') {
    throw new BtfIdsError('module is signed and resolving .BTF_ids would invalidate the signature; strip it (--strip-signature) and sign again afterwards', {
      file: elf.fileName, section: BTF_IDS_SECTION,
    });
  }
  const bytes = applyElfEdits(elf, {
    edits: [{ op: 'patch', section: result.section.index, offset: 0, data: result.patched }],
    signature: policy === 'strip' ? 'strip' : 'keep',
  });
  return { bytes, result };
}

/**
 * Copy a raw blob over `.BTF_ids` (resolve_btfids `--patch_btfids`): the sizes must match.
 * Returns the edited ELF bytes.
 * @throws BtfIdsError when there is no `.BTF_ids` or the sizes differ.
 */
export function patchBtfIdsBlob(elf: ElfFile, blob: Uint8Array, opts: { signature?: SignaturePolicy; blobName?: string } = {}): Uint8Array {
  const sec = checkBtfIdsBlob(elf, blob, opts.blobName);
  const policy = opts.signature ?? 'refuse';
  if (elf.signature && policy === 'refuse' && !sameBytes(elf.sectionData(sec), blob)) {
    throw new BtfIdsError('module is signed and patching .BTF_ids would invalidate the signature', { file: elf.fileName, section: BTF_IDS_SECTION });
  }
  return applyElfEdits(elf, { edits: [{ op: 'patch', section: sec.index, offset: 0, data: blob }], signature: policy === 'strip' ? 'strip' : 'keep' });
}


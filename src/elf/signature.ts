// Detection of the module signature that sign-file appends after a kernel module's ELF image.

import { ElfError } from '../common/errors.js';

/** The marker string that ends a signed module. */
export const MODULE_SIG_STRING = '~Module signature appended~\n';
/** Size of struct module_signature. */
export const MODULE_SIGNATURE_STRUCT_SIZE = 12;
/** id_type for a PKCS#7 signature (the only kind current kernels accept). */
export const PKEY_ID_PKCS7 = 2;

const MAGIC = new TextEncoder().encode(MODULE_SIG_STRING);

/** An appended module signature and where the ELF image in front of it ends. */
export interface ModuleSignature {
  /** Length of the ELF image proper; the signature starts here. */
  elfLength: number;
  /** The signature blob (sig_len bytes, normally PKCS#7 DER). */
  signature: Uint8Array;
  /** Everything after the ELF image: blob, struct module_signature and the marker string. */
  trailer: Uint8Array;
  /** struct module_signature.algo */
  algo: number;
  /** struct module_signature.hash */
  hash: number;
  /** struct module_signature.id_type */
  idType: number;
  /** struct module_signature.signer_len */
  signerLen: number;
  /** struct module_signature.key_id_len */
  keyIdLen: number;
}

/** True when `buf` ends with the module signature marker. */
export function hasModuleSignatureMarker(buf: Uint8Array): boolean {
  const n = buf.length;
  if (n < MAGIC.length) return false;
  const base = n - MAGIC.length;
  for (let i = 0; i < MAGIC.length; i++) if (buf[base + i] !== MAGIC[i]) return false;
  return true;
}

/**
 * Find the appended module signature at the end of `buf`.
 * Returns null when there is no marker; throws `ElfError` when the marker is there but the
 * struct in front of it does not describe a signature that fits in the file.
 */
export function detectModuleSignature(buf: Uint8Array, fileName?: string): ModuleSignature | null {
  if (!hasModuleSignatureMarker(buf)) return null;
  const n = buf.length;
  const structOff = n - MAGIC.length - MODULE_SIGNATURE_STRUCT_SIZE;
  if (structOff < 0) {
    throw new ElfError('module signature marker without room for struct module_signature', { file: fileName, offset: n - MAGIC.length });
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const sigLen = view.getUint32(structOff + 8, false);
  if (sigLen > structOff) {
    throw new ElfError(`module signature length ${sigLen} exceeds the file`, { file: fileName, offset: structOff + 8 });
  }
  const elfLength = structOff - sigLen;
  return {
    elfLength,
    signature: buf.subarray(elfLength, structOff),
    trailer: buf.subarray(elfLength),
    algo: buf[structOff],
    hash: buf[structOff + 1],
    idType: buf[structOff + 2],
    signerLen: buf[structOff + 3],
    keyIdLen: buf[structOff + 4],
  };
}

/**
 * Build the bytes sign-file appends: `sig`, struct module_signature (PKCS#7 id type) and the marker.
 * Useful for tests and for re-attaching a signature blob.
 */
export function buildModuleSignatureTrailer(sig: Uint8Array): Uint8Array {
  const out = new Uint8Array(sig.length + MODULE_SIGNATURE_STRUCT_SIZE + MAGIC.length);
  out.set(sig, 0);
  const s = sig.length;
  out[s + 2] = PKEY_ID_PKCS7;
  new DataView(out.buffer).setUint32(s + 8, sig.length, false);
  out.set(MAGIC, s + MODULE_SIGNATURE_STRUCT_SIZE);
  return out;
}

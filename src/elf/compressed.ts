// Reading SHF_COMPRESSED sections: the Elf32_Chdr/Elf64_Chdr header and zlib or zstd payloads.

import { inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { ElfError } from '../common/errors.js';
import { u64At } from './bytes.js';
import { ELF32_CHDR_SIZE, ELF64_CHDR_SIZE, ELFCOMPRESS_ZLIB, ELFCOMPRESS_ZSTD } from './constants.js';

/** Largest decompressed section size accepted (guards against absurd ch_size values). */
export const MAX_DECOMPRESSED_SECTION = 1 << 30;

/** A decoded compression header. */
export interface CompressionHeader {
  /** ch_type: ELFCOMPRESS_ZLIB or ELFCOMPRESS_ZSTD. */
  type: number;
  /** ch_size: size of the uncompressed data. */
  size: number;
  /** ch_addralign of the uncompressed data. */
  addralign: number;
  /** Size of the header itself (12 or 24). */
  headerSize: number;
}

/** Where a compressed section sits, for error messages. */
export interface CompressedSectionContext {
  file?: string;
  section: string;
  /** File offset of the section's first byte. */
  fileOffset: number;
  is64: boolean;
  le: boolean;
}

/** Decode the compression header at the start of `data` (a SHF_COMPRESSED section's bytes). */
export function readCompressionHeader(data: Uint8Array, ctx: CompressedSectionContext): CompressionHeader {
  const headerSize = ctx.is64 ? ELF64_CHDR_SIZE : ELF32_CHDR_SIZE;
  const where = { file: ctx.file, section: ctx.section, offset: ctx.fileOffset };
  if (data.length < headerSize) throw new ElfError('compressed section shorter than its compression header', where);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = view.getUint32(0, ctx.le);
  let size: number;
  let addralign: number;
  if (ctx.is64) {
    size = u64At(view, 8, ctx.le, 'ch_size', { ...where, offset: ctx.fileOffset + 8 });
    addralign = u64At(view, 16, ctx.le, 'ch_addralign', { ...where, offset: ctx.fileOffset + 16 });
  } else {
    size = view.getUint32(4, ctx.le);
    addralign = view.getUint32(8, ctx.le);
  }
  return { type, size, addralign, headerSize };
}

/** Decompress a SHF_COMPRESSED section's bytes; throws `ElfError` on unknown types or corrupt data. */
export function decompressSectionBytes(data: Uint8Array, ctx: CompressedSectionContext): Uint8Array {
  const h = readCompressionHeader(data, ctx);
  const where = { file: ctx.file, section: ctx.section, offset: ctx.fileOffset };
  if (h.size > MAX_DECOMPRESSED_SECTION) {
    throw new ElfError(`compressed section claims ${h.size} uncompressed bytes, more than the ${MAX_DECOMPRESSED_SECTION} accepted`, where);
  }
  const payload = data.subarray(h.headerSize);
  let out: Uint8Array;
  if (h.type === ELFCOMPRESS_ZLIB) {
    try {
      out = inflateSync(payload, { maxOutputLength: Math.max(1, h.size) });
    } catch (e) {
      throw new ElfError(`zlib-compressed section does not inflate: ${(e as Error).message}`, { ...where, offset: ctx.fileOffset + h.headerSize });
    }
    out = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } else if (h.type === ELFCOMPRESS_ZSTD) {
    const buf = new Uint8Array(h.size);
    try {
      out = zstdDecompress(payload, buf);
    } catch (e) {
      throw new ElfError(`zstd-compressed section does not decompress: ${(e as Error).message}`, { ...where, offset: ctx.fileOffset + h.headerSize });
    }
  } else {
    throw new ElfError(`unknown section compression type ${h.type}`, where);
  }
  if (out.length !== h.size) {
    throw new ElfError(`compressed section decompressed to ${out.length} bytes, header says ${h.size}`, where);
  }
  return out;
}

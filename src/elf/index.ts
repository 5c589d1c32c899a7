// Public face of the ELF reader and writer used by the rest of btfpost.

/*
 * Design notes.
 * - parseElf reads ELF32/ELF64 in either byte order through one DataView and an `le` flag; every
 *   table is range-checked once, so later unchecked reads cannot leave the buffer, and every
 *   malformed input raises ElfError {file, section?, offset} (offset = file offset of the bad field).
 * - Numbers vs bigint: offsets, sizes and counts are numbers (2^53 or more is rejected as
 *   malformed). Addresses (e_entry, sh_addr, st_value, r_offset, r_addend) are exact bigints via
 *   the *Big accessors; the number accessors (`addr`, `value(i)`, `offset(i)`, `addend(i)`) throw
 *   ElfError when the value is not a safe integer, as vmlinux addresses are not.
 * - Symbols and relocations are views read field by field by index (SymbolTable, RelocationTable);
 *   `get(i)` and iteration build objects only when asked.
 * - A module signature appended after the image is split off first (ElfFile.signature); the
 *   writer re-appends it ('keep', the default) or drops it ('strip').
 * - applyElfEdits keeps every byte it does not need to change; see its TSDoc for layout rules.
 */

export * from './constants.js';
export { alignUp } from './bytes.js';
export { ElfFile, ElfSection, parseElf, hasElfMagic, EHDR32, EHDR64, SHDR32, SHDR64 } from './file.js';
export type { ElfHeader, EhdrLayout, ShdrLayout, SectionDataOptions, ParseElfOptions } from './file.js';
export { SectionsOnDisk, type OnDiskState } from './on-disk.js';
export { SymbolTable } from './symbols.js';
export type { ElfSymbol } from './symbols.js';
export { RelocationTable, rel64Layout } from './relocations.js';
export type { ElfRelocation, Rel64Layout } from './relocations.js';
export { detectModuleSignature, buildModuleSignatureTrailer, hasModuleSignatureMarker, MODULE_SIG_STRING } from './signature.js';
export type { ModuleSignature } from './signature.js';
export { readCompressionHeader, decompressSectionBytes } from './compressed.js';
export type { CompressionHeader } from './compressed.js';
export { applyElfEdits, applyElfEditsChunks, concatChunks, writeFileAtomic, DEFAULT_ADDED_SECTION_ALIGN } from './write.js';
export type { ElfEdit, ElfEditPlan, SectionRef, ReplaceSectionEdit, AddSectionEdit, RemoveSectionEdit, PatchSectionEdit, AtomicWriteFs, AtomicWriteOptions } from './write.js';
export { readMaybeCompressed, readWholeInto, detectCompression, decompressBytes, compressBytes, writeMaybeCompressed, KERNEL_COMPRESS_COMMANDS } from './compress-file.js';
export type { Compression, MaybeCompressed } from './compress-file.js';
export { readElfSparse, type SparseElf, type SparseWants } from './sparse.js';

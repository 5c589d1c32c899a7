// Public face of the DWARF reader: open an ELF file's DWARF, list its units and walk their DIEs with a cursor.

/*
 * Design notes.
 * - openDwarf(elf) reads sections lazily; compressed sections are inflated and, for ET_REL objects
 *   (kernel modules), their .rela.debug_* / .rel.debug_* relocations are applied to a private copy.
 * - Each unit's abbreviation table is compiled once into flat typed arrays with the byte size of
 *   every form precomputed for the unit's shape (abbrev.ts), so skipping a DIE is arithmetic.
 * - A DieCursor walks DIEs in preorder and decodes an attribute only when asked; there is no
 *   object per DIE or per attribute. Subtrees are skipped by DW_AT_sibling where present.
 * - 64-bit values (addresses, DW_AT_const_value) come back as unsigned (hi, lo) 32-bit halves in
 *   cursor.hi / cursor.lo; bigints are left to the edges (see toBig).
 * - Names can stay unencoded: attrStrRef gives a (section, offset) StrRef; strRefId maps it to a
 *   dense id per distinct byte string (modules repeat every string per CU), and each distinct string
 *   is decoded as latin1 once. A small .debug_str (vmlinux) gets a direct offset → id array.
 * - Every malformed input raises DwarfError {file, section, offset}.
 */

export * from './constants.js';
export { AbbrevTable, HOT_ATTRIBUTES, compileAbbrevTable, formSize, valueKind } from './abbrev.js';
export type { UnitShape } from './abbrev.js';
export { toBig, toNumber } from './bytes.js';
export { DieCursor } from './cursor.js';
export { DwarfFile, openDwarf, dwarfFromSections, DEBUG_SECTIONS, STR_SECTION_INFO, STR_SECTION_STR, STR_SECTION_LINE_STR, STR_REF_SCALE } from './file.js';
export type { SectionLoader, StrRef, DwarfSectionsOptions, OpenDwarfOptions } from './file.js';
export { LOC_NONE, LOC_ADDR, LOC_REG, LOC_BREG, LOC_FBREG, LOC_EXPR, LOC_EMPTY, LOC_LIST, ExprRanges, classifyExpr } from './location.js';
export { attrName, constantName, formName, tagName } from './names.js';
export * from './relocate.js';
export { Unit } from './unit.js';
export type { DieOffset } from './unit.js';

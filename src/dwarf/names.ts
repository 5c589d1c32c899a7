// Printable names for DWARF constants (tags, attributes, forms), built from constants.ts on first use.

import * as C from './constants.js';

const tables = new Map<string, Map<number, string>>();

function table(prefix: string): Map<number, string> {
  let t = tables.get(prefix);
  if (t === undefined) {
    t = new Map();
    for (const [name, value] of Object.entries(C)) {
      // The first spelling wins (e.g. DW_TAG_lo_user vs a vendor tag with the same value is not a concern here).
      if (name.startsWith(prefix) && typeof value === 'number' && !t.has(value) && !name.endsWith('_lo_user') && !name.endsWith('_hi_user')) {
        t.set(value, name);
      }
    }
    tables.set(prefix, t);
  }
  return t;
}

function nameOf(prefix: string, value: number): string {
  return table(prefix).get(value) ?? `${prefix}0x${value.toString(16)}`;
}

/**
 * The spec name of `value` among the constants whose names start with `prefix` ("DW_LANG_",
 * "DW_UT_", "DW_ATE_", ...); unknown values print as prefix + "0x…".
 */
export function constantName(prefix: string, value: number): string {
  return nameOf(prefix, value);
}

/** "DW_TAG_structure_type" for 0x13; unknown values print as "DW_TAG_0x…". */
export function tagName(tag: number): string {
  return nameOf('DW_TAG_', tag);
}

/** "DW_AT_name" for 0x03; unknown values print as "DW_AT_0x…". */
export function attrName(at: number): string {
  return nameOf('DW_AT_', at);
}

/** "DW_FORM_strp" for 0x0e; unknown values print as "DW_FORM_0x…". */
export function formName(form: number): string {
  return nameOf('DW_FORM_', form);
}

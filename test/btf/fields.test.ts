// The word indices of type-id and string-offset fields, per kind, in the order libbpf's field iterators visit them.

import { describe, expect, it } from 'vitest';
import { forEachStrField, forEachTypeIdField } from '../../src/btf/model/fields.js';
import { extraWords } from '../../src/btf/wire/kinds.js';

/** A record of `kind` with vlen 3 at word 5 of a buffer (so every index is offset-relative). */
function visit(walk: typeof forEachTypeIdField, kind: number, vlen = 3): { known: boolean; at: number[] } {
  const words = new Uint32Array(64);
  const off = 5;
  words[off + 1] = ((kind << 24) | vlen) >>> 0;
  const at: number[] = [];
  const known = walk(words, off, (wi) => at.push(wi - off));
  return { known, at };
}

describe('BTF record fields', () => {
  it('lists the type-id fields of every kind', () => {
    const single = [2, 7, 8, 9, 10, 11, 12, 14, 17, 18]; // PTR FWD TYPEDEF VOLATILE CONST RESTRICT FUNC VAR DECL_TAG TYPE_TAG
    for (const k of single) expect(visit(forEachTypeIdField, k)).toEqual({ known: true, at: [2] });
    for (const k of [0, 1, 6, 16, 19]) expect(visit(forEachTypeIdField, k)).toEqual({ known: true, at: [] }); // UNKN INT ENUM FLOAT ENUM64
    expect(visit(forEachTypeIdField, 3)).toEqual({ known: true, at: [3, 4] }); // ARRAY: type, index type
    expect(visit(forEachTypeIdField, 4)).toEqual({ known: true, at: [4, 7, 10] }); // STRUCT members
    expect(visit(forEachTypeIdField, 5)).toEqual({ known: true, at: [4, 7, 10] }); // UNION members
    expect(visit(forEachTypeIdField, 13)).toEqual({ known: true, at: [2, 4, 6, 8] }); // FUNC_PROTO: return, then params
    expect(visit(forEachTypeIdField, 15)).toEqual({ known: true, at: [3, 6, 9] }); // DATASEC entries
    expect(visit(forEachTypeIdField, 4, 0)).toEqual({ known: true, at: [] });
    for (const k of [20, 31, 127]) expect(visit(forEachTypeIdField, k).known).toBe(false);
  });

  it('lists the string fields of every kind', () => {
    for (const k of [1, 2, 3, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18]) expect(visit(forEachStrField, k)).toEqual({ known: true, at: [0] });
    expect(visit(forEachStrField, 0)).toEqual({ known: true, at: [] });
    expect(visit(forEachStrField, 4)).toEqual({ known: true, at: [0, 3, 6, 9] }); // STRUCT: name, member names
    expect(visit(forEachStrField, 5)).toEqual({ known: true, at: [0, 3, 6, 9] });
    expect(visit(forEachStrField, 6)).toEqual({ known: true, at: [0, 3, 5, 7] }); // ENUM values
    expect(visit(forEachStrField, 19)).toEqual({ known: true, at: [0, 3, 6, 9] }); // ENUM64 values
    expect(visit(forEachStrField, 13)).toEqual({ known: true, at: [0, 3, 5, 7] }); // FUNC_PROTO param names
    for (const k of [20, 31, 127]) expect(visit(forEachStrField, k).known).toBe(false);
  });

  it('sizes the records of every kind', () => {
    // [kind, words after the header for vlen 0, words per vlen entry]
    const sizes = [[1, 1, 0], [2, 0, 0], [3, 3, 0], [4, 0, 3], [5, 0, 3], [6, 0, 2], [7, 0, 0], [8, 0, 0], [9, 0, 0], [10, 0, 0],
      [11, 0, 0], [12, 0, 0], [13, 0, 2], [14, 1, 0], [15, 0, 3], [16, 0, 0], [17, 1, 0], [18, 0, 0], [19, 0, 3]];
    for (const [k, fixed, per] of sizes) {
      expect(extraWords(k, 0)).toBe(fixed);
      expect(extraWords(k, 5)).toBe(fixed + 5 * per);
    }
    for (const k of [0, 20, 31, 127, 128, -1]) expect(extraWords(k, 2)).toBe(-1);
  });
});

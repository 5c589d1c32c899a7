// Which register holds a parameter on entry (pahole's parameter__reg), read from expression ranges
// inside a larger array: bytes past an expression's end must never count as part of it.

import { describe, expect, it } from 'vitest';
import {
  DW_OP_GNU_entry_value as GNU_ENTRY_VALUE, DW_OP_breg0, DW_OP_entry_value as ENTRY_VALUE, DW_OP_lit0 as LIT0, DW_OP_reg0,
  DW_OP_stack_value as STACK_VALUE, ExprRanges,
} from '../../src/dwarf/index.js';
import { parameterRegister } from '../../src/encoder/expr.js';

const REG = (n: number) => DW_OP_reg0 + n;
const BREG7 = DW_OP_breg0 + 7;
/** DW_OP_const_type (DWARF 5), which src/dwarf has no name for. */
const CONST_TYPE = 0xa4;
const FILLER = 0x80; // a continuation byte: read as part of an operand, it would lengthen it

/** The expressions laid out in one array, each followed by filler bytes, as ranges. */
function ranges(...exprs: number[][]): ExprRanges {
  const bytes: number[] = [FILLER, FILLER];
  const bounds: number[] = [];
  for (const e of exprs) {
    bounds.push(bytes.length, bytes.length + e.length);
    bytes.push(...e, FILLER, 0x05);
  }
  const r = new ExprRanges();
  r.reset(Uint8Array.from(bytes));
  for (let i = 0; i < bounds.length; i += 2) r.push(bounds[i], bounds[i + 1]);
  return r;
}

const reg = (r: ExprRanges, expected = -1) => parameterRegister(r, expected, 8, 4);

describe('parameterRegister', () => {
  it('takes a lone register in the first expression, also before DW_OP_stack_value', () => {
    expect(reg(ranges([REG(5)]))).toBe(REG(5));
    expect(reg(ranges([REG(5), STACK_VALUE]))).toBe(REG(5));
    // A register after the first expression does not count; two operations are not a lone one.
    expect(reg(ranges([BREG7, 0x08], [REG(4)]))).toBe(-1);
    expect(reg(ranges([REG(5), LIT0]))).toBe(-1);
    expect(reg(ranges())).toBe(-1);
    expect(reg(ranges([]))).toBe(-1);
  });

  it('takes the register of an entry value in any expression, and stops at the expected one', () => {
    expect(reg(ranges([BREG7, 0x08], [ENTRY_VALUE, 1, REG(4)]))).toBe(REG(4));
    expect(reg(ranges([GNU_ENTRY_VALUE, 1, REG(2), STACK_VALUE]))).toBe(REG(2));
    // The last register seen, unless the expected one is seen first.
    expect(reg(ranges([REG(1)], [ENTRY_VALUE, 1, REG(3)]))).toBe(REG(3));
    expect(reg(ranges([REG(1)], [ENTRY_VALUE, 1, REG(3)]), REG(1))).toBe(REG(1));
  });

  it('counts an operation running past its expression as no lone operation, whatever follows it', () => {
    // An entry value whose sub-expression length runs past the end.
    expect(reg(ranges([ENTRY_VALUE, 5, REG(4)]))).toBe(-1);
    // An entry value whose length is cut off, or ends in a continuation byte.
    expect(reg(ranges([ENTRY_VALUE]))).toBe(-1);
    expect(reg(ranges([ENTRY_VALUE, 0x81]))).toBe(-1);
    // A breg offset ending in a continuation byte, in the sub-expression of an entry value.
    expect(reg(ranges([ENTRY_VALUE, 2, BREG7, 0x88]))).toBe(-1);
    expect(reg(ranges([ENTRY_VALUE, 2, BREG7, 0x08]))).toBe(BREG7);
    // const_type whose size byte would lie past the end.
    expect(reg(ranges([CONST_TYPE, 0x01]))).toBe(-1);
  });
});

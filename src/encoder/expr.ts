// Reading parameter locations the way pahole's parameter__reg does: which register holds a parameter on entry.

import {
  DW_OP_entry_value as OP_ENTRY_VALUE, DW_OP_GNU_entry_value as OP_GNU_ENTRY_VALUE, DW_OP_reg0 as OP_REG0, DW_OP_reg31 as OP_REG31,
  DW_OP_stack_value as OP_STACK_VALUE, type ExprRanges,
} from '../dwarf/index.js';

let lebEnd = 0;

/** The ULEB128 at `p` of an expression ending at `end`; lebEnd is set past it (to end + 1 when truncated). */
function uleb(b: Uint8Array, p: number, end: number): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    if (p >= end) {
      lebEnd = end + 1;
      return v;
    }
    const c = b[p++];
    v += (c & 0x7f) * mul;
    mul *= 128;
    if ((c & 0x80) === 0) break;
  }
  lebEnd = p;
  return v;
}

function skipLeb(b: Uint8Array, p: number, end: number): number {
  while (p < end && (b[p] & 0x80) !== 0) p++;
  return p + 1;
}

/**
 * Length in bytes of the DWARF operation at `p` of an expression ending at `end` (an operation
 * running past it is longer than what is left), or -1 when it is not understood. `addrSize` and
 * `offSize` are the unit's address and offset sizes.
 */
export function opLength(b: Uint8Array, p: number, end: number, addrSize: number, offSize: number): number {
  const op = b[p];
  if (op >= 0x30 && op <= 0x6f) return 1; // lit, reg
  if (op >= 0x70 && op <= 0x8f) return skipLeb(b, p + 1, end) - p; // breg
  switch (op) {
    case 0x03: return 1 + addrSize; // addr
    case 0x06: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16: case 0x17: case 0x19: case 0x1a:
    case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x20: case 0x21: case 0x22: case 0x24:
    case 0x25: case 0x26: case 0x27: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e:
    case 0x96: case 0x97: case 0x9c: case 0x9f: case 0xe0: case 0x9b:
      return 1;
    case 0x08: case 0x09: return 2; // const1u/s
    case 0x0a: case 0x0b: case 0x2f: case 0x28: return 3; // const2u/s, skip, bra
    case 0x0c: case 0x0d: return 5;
    case 0x0e: case 0x0f: return 9;
    case 0x10: case 0x11: case 0x23: case 0x90: case 0x91: case 0x93: case 0xa1: case 0xa2: case 0xfb: case 0xfc:
      return skipLeb(b, p + 1, end) - p;
    case 0x92: case 0x9d: return skipLeb(b, skipLeb(b, p + 1, end), end) - p; // bregx, bit_piece
    case 0x94: case 0x95: return 2; // deref_size, xderef_size
    case 0x98: return 3; // call2
    case 0x99: return 5; // call4
    case 0x9a: return 1 + offSize; // call_ref
    case 0x9e: { // implicit_value
      const n = uleb(b, p + 1, end);
      return lebEnd + n - p;
    }
    case 0xa0: case 0xf2: return skipLeb(b, p + 1 + offSize, end) - p; // implicit_pointer
    case 0xa3: case 0xf3: { // entry_value
      const n = uleb(b, p + 1, end);
      return lebEnd + n - p;
    }
    case 0xa4: case 0xf4: { // const_type: its size byte, past the end, makes the length too long
      const q = skipLeb(b, p + 1, end);
      return q < end ? q + 1 + b[q] - p : end + 1 - p;
    }
    case 0xa5: case 0xf5: return skipLeb(b, skipLeb(b, p + 1, end), end) - p; // regval_type
    case 0xa6: case 0xf6: return skipLeb(b, p + 2, end) - p; // deref_type
    case 0xa7: case 0xa8: case 0xf7: case 0xf9: return skipLeb(b, p + 1, end) - p; // xderef_type, convert, reinterpret
  }
  return -1;
}

/**
 * True when the expression [start, end) of `b` is exactly one operation, possibly followed by
 * DW_OP_stack_value (pahole drops a trailing stack_value before counting). Returns the length of
 * that operation, or -1.
 */
function singleOp(b: Uint8Array, start: number, end: number, addrSize: number, offSize: number): number {
  const len = end - start;
  if (len <= 0) return -1;
  const n = opLength(b, start, end, addrSize, offSize);
  if (n <= 0) return -1;
  if (n === len) return n;
  if (n + 1 === len && b[start + n] === OP_STACK_VALUE) return n;
  return -1;
}

/**
 * pahole's parameter__reg over the expressions of a parameter's DW_AT_location (one per location
 * list entry): a lone DW_OP_regN in the first expression, or a lone DW_OP_entry_value whose
 * sub-expression is a single operation, in any expression, names the register. Returns the
 * expected register as soon as it is seen, else the last register seen, else -1.
 */
export function parameterRegister(exprs: ExprRanges, expected: number, addrSize: number, offSize: number): number {
  const b = exprs.data;
  const bounds = exprs.bounds;
  let ret = -1;
  for (let i = 0; i < exprs.count; i++) {
    const start = bounds[2 * i];
    const end = bounds[2 * i + 1];
    const n = singleOp(b, start, end, addrSize, offSize);
    if (n < 0) continue;
    const op = b[start];
    if (op >= OP_REG0 && op <= OP_REG31) {
      if (i !== 0) continue;
      ret = op;
      if (ret === expected) return ret;
    } else if (op === OP_ENTRY_VALUE || op === OP_GNU_ENTRY_VALUE) {
      const len = uleb(b, start + 1, end);
      // The sub-expression, cut at the expression's end.
      const subStart = Math.min(lebEnd, end);
      const subEnd = Math.min(lebEnd + len, end);
      if (subEnd <= subStart) continue;
      const m = opLength(b, subStart, subEnd, addrSize, offSize);
      if (m !== subEnd - subStart) continue;
      ret = b[subStart];
      if (ret === expected) return ret;
    }
  }
  return ret;
}

// An object view of single BTF types, for code that builds or edits types and for tests.

import { BtfError } from '../../common/errors.js';
import type { Btf } from './btf.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE, intBits, intEncoding, intOffset, infoKflag, infoKind, infoVlen, makeIntWord,
} from '../wire/kinds.js';

export interface BtfMember { name: string; type: number; bitOffset: number; bitfieldSize: number }
export interface BtfParam { name: string; type: number }
export interface BtfEnumValue { name: string; value: bigint }
export interface BtfVarSecinfo { type: number; offset: number; size: number }

/** One type as plain data; references are type ids. Names are latin1 strings. */
export type BtfType =
  | { kind: 'INT'; name: string; size: number; encoding: number; offset: number; bits: number }
  | { kind: 'PTR' | 'TYPEDEF' | 'VOLATILE' | 'CONST' | 'RESTRICT'; name: string; type: number }
  | { kind: 'TYPE_TAG'; name: string; type: number; attr: boolean }
  | { kind: 'ARRAY'; type: number; indexType: number; nelems: number }
  | { kind: 'STRUCT' | 'UNION'; name: string; size: number; bitfields: boolean; members: BtfMember[] }
  | { kind: 'ENUM' | 'ENUM64'; name: string; size: number; signed: boolean; values: BtfEnumValue[] }
  | { kind: 'FWD'; name: string; union: boolean }
  | { kind: 'FUNC'; name: string; type: number; linkage: number }
  | { kind: 'FUNC_PROTO'; returnType: number; params: BtfParam[] }
  | { kind: 'VAR'; name: string; type: number; linkage: number }
  | { kind: 'DATASEC'; name: string; size: number; vars: BtfVarSecinfo[] }
  | { kind: 'FLOAT'; name: string; size: number }
  | { kind: 'DECL_TAG'; name: string; type: number; componentIdx: number; attr: boolean }
  | { kind: 'UNKNOWN'; kindNum: number; name: string; info: number; sizeType: number; extra: number[] };

const REF_KIND: Record<number, 'PTR' | 'TYPEDEF' | 'VOLATILE' | 'CONST' | 'RESTRICT'> = {
  [BTF_KIND_PTR]: 'PTR', [BTF_KIND_TYPEDEF]: 'TYPEDEF', [BTF_KIND_VOLATILE]: 'VOLATILE',
  [BTF_KIND_CONST]: 'CONST', [BTF_KIND_RESTRICT]: 'RESTRICT',
};
const REF_NUM: Record<string, number> = {
  PTR: BTF_KIND_PTR, TYPEDEF: BTF_KIND_TYPEDEF, VOLATILE: BTF_KIND_VOLATILE, CONST: BTF_KIND_CONST, RESTRICT: BTF_KIND_RESTRICT,
};

/** Read type `id` (own or base) as plain data. */
export function inflate(btf: Btf, id: number): BtfType {
  const { words: w, off: o, len } = btf.record(id);
  const info = w[o + 1];
  const kind = infoKind(info);
  const vlen = infoVlen(info);
  const kflag = infoKflag(info);
  const st = w[o + 2];
  const nm = (off: number) => btf.str(off);
  const name = nm(w[o]);
  switch (kind) {
    case BTF_KIND_INT: {
      const v = w[o + 3];
      return { kind: 'INT', name, size: st, encoding: intEncoding(v), offset: intOffset(v), bits: intBits(v) };
    }
    case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
      return { kind: REF_KIND[kind], name, type: st };
    case BTF_KIND_TYPE_TAG:
      return { kind: 'TYPE_TAG', name, type: st, attr: kflag };
    case BTF_KIND_ARRAY:
      return { kind: 'ARRAY', type: w[o + 3], indexType: w[o + 4], nelems: w[o + 5] };
    case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
      const members: BtfMember[] = [];
      for (let i = 0; i < vlen; i++) {
        const m = o + 3 + i * 3;
        const off = w[m + 2];
        members.push({
          name: nm(w[m]), type: w[m + 1],
          bitOffset: kflag ? off & 0xffffff : off,
          bitfieldSize: kflag ? off >>> 24 : 0,
        });
      }
      return { kind: kind === BTF_KIND_STRUCT ? 'STRUCT' : 'UNION', name, size: st, bitfields: kflag, members };
    }
    case BTF_KIND_ENUM: {
      const values: BtfEnumValue[] = [];
      for (let i = 0; i < vlen; i++) {
        const m = o + 3 + i * 2;
        const v = w[m + 1];
        values.push({ name: nm(w[m]), value: kflag ? BigInt(v | 0) : BigInt(v) });
      }
      return { kind: 'ENUM', name, size: st, signed: kflag, values };
    }
    case BTF_KIND_ENUM64: {
      const values: BtfEnumValue[] = [];
      for (let i = 0; i < vlen; i++) {
        const m = o + 3 + i * 3;
        const u = (BigInt(w[m + 2]) << 32n) | BigInt(w[m + 1]);
        values.push({ name: nm(w[m]), value: kflag ? BigInt.asIntN(64, u) : u });
      }
      return { kind: 'ENUM64', name, size: st, signed: kflag, values };
    }
    case BTF_KIND_FWD:
      return { kind: 'FWD', name, union: kflag };
    case BTF_KIND_FUNC:
      return { kind: 'FUNC', name, type: st, linkage: vlen };
    case BTF_KIND_FUNC_PROTO: {
      const params: BtfParam[] = [];
      for (let i = 0; i < vlen; i++) params.push({ name: nm(w[o + 3 + i * 2]), type: w[o + 4 + i * 2] });
      return { kind: 'FUNC_PROTO', returnType: st, params };
    }
    case BTF_KIND_VAR:
      return { kind: 'VAR', name, type: st, linkage: w[o + 3] };
    case BTF_KIND_DATASEC: {
      const vars: BtfVarSecinfo[] = [];
      for (let i = 0; i < vlen; i++) { const m = o + 3 + i * 3; vars.push({ type: w[m], offset: w[m + 1], size: w[m + 2] }); }
      return { kind: 'DATASEC', name, size: st, vars };
    }
    case BTF_KIND_FLOAT:
      return { kind: 'FLOAT', name, size: st };
    case BTF_KIND_DECL_TAG:
      return { kind: 'DECL_TAG', name, type: st, componentIdx: w[o + 3] | 0, attr: kflag };
    default: {
      const extra: number[] = [];
      for (let i = 3; i < len; i++) extra.push(w[o + i]);
      return { kind: 'UNKNOWN', kindNum: kind, name, info, sizeType: st, extra };
    }
  }
}

/** Append a type given as plain data; names are added to the string section. Returns its id. */
export function addType(btf: Btf, t: BtfType): number {
  const s = (x: string) => (x === '' ? 0 : btf.addStr(x));
  switch (t.kind) {
    case 'INT':
      return btf.add(BTF_KIND_INT, s(t.name), 0, false, t.size, [makeIntWord(t.encoding, t.offset, t.bits)]);
    case 'PTR': case 'TYPEDEF': case 'VOLATILE': case 'CONST': case 'RESTRICT':
      return btf.add(REF_NUM[t.kind], s(t.name), 0, false, t.type);
    case 'TYPE_TAG':
      return btf.add(BTF_KIND_TYPE_TAG, s(t.name), 0, t.attr, t.type);
    case 'ARRAY':
      return btf.add(BTF_KIND_ARRAY, 0, 0, false, 0, [t.type, t.indexType, t.nelems]);
    case 'STRUCT': case 'UNION': {
      const kflag = t.bitfields || t.members.some((m) => m.bitfieldSize !== 0);
      const ex: number[] = [];
      for (const m of t.members) ex.push(s(m.name), m.type, kflag ? ((m.bitfieldSize << 24) | m.bitOffset) >>> 0 : m.bitOffset);
      return btf.add(t.kind === 'STRUCT' ? BTF_KIND_STRUCT : BTF_KIND_UNION, s(t.name), t.members.length, kflag, t.size, ex);
    }
    case 'ENUM': {
      const ex: number[] = [];
      for (const v of t.values) ex.push(s(v.name), Number(BigInt.asUintN(32, v.value)));
      return btf.add(BTF_KIND_ENUM, s(t.name), t.values.length, t.signed, t.size, ex);
    }
    case 'ENUM64': {
      const ex: number[] = [];
      for (const v of t.values) {
        const u = BigInt.asUintN(64, v.value);
        ex.push(s(v.name), Number(u & 0xffffffffn), Number(u >> 32n));
      }
      return btf.add(BTF_KIND_ENUM64, s(t.name), t.values.length, t.signed, t.size, ex);
    }
    case 'FWD':
      return btf.add(BTF_KIND_FWD, s(t.name), 0, t.union, 0);
    case 'FUNC':
      return btf.add(BTF_KIND_FUNC, s(t.name), t.linkage, false, t.type);
    case 'FUNC_PROTO': {
      const ex: number[] = [];
      for (const p of t.params) ex.push(s(p.name), p.type);
      return btf.add(BTF_KIND_FUNC_PROTO, 0, t.params.length, false, t.returnType, ex);
    }
    case 'VAR':
      return btf.add(BTF_KIND_VAR, s(t.name), 0, false, t.type, [t.linkage]);
    case 'DATASEC': {
      const ex: number[] = [];
      for (const v of t.vars) ex.push(v.type, v.offset, v.size);
      return btf.add(BTF_KIND_DATASEC, s(t.name), t.vars.length, false, t.size, ex);
    }
    case 'FLOAT':
      return btf.add(BTF_KIND_FLOAT, s(t.name), 0, false, t.size);
    case 'DECL_TAG':
      return btf.add(BTF_KIND_DECL_TAG, s(t.name), 0, t.attr, t.type, [t.componentIdx >>> 0]);
    case 'UNKNOWN':
      throw new BtfError(`cannot add a type of unknown kind ${t.kindNum}`);
  }
}

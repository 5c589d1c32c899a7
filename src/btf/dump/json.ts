// A BTF object's own types as a plain JSON document shaped like `bpftool -j btf dump ... format raw`.

import type { Btf } from '../model/btf.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE, infoKind, infoVlen,
} from '../wire/kinds.js';
import type { BtfJsonDump, BtfJsonType } from './schema.js';

export type { BtfJsonDump, BtfJsonType } from './schema.js';

const INT_ENC = ['(none)', 'SIGNED', 'CHAR', 'UNKN', 'BOOL'] as const;
const LINKAGE = ['static', 'global', 'extern', '(unknown)'] as const;
type RefKind = 'PTR' | 'CONST' | 'VOLATILE' | 'RESTRICT' | 'TYPEDEF' | 'TYPE_TAG';
const REF_KIND: Record<number, RefKind> = {
  [BTF_KIND_PTR]: 'PTR', [BTF_KIND_CONST]: 'CONST', [BTF_KIND_VOLATILE]: 'VOLATILE',
  [BTF_KIND_RESTRICT]: 'RESTRICT', [BTF_KIND_TYPEDEF]: 'TYPEDEF', [BTF_KIND_TYPE_TAG]: 'TYPE_TAG',
};

/** Names as bpftool prints them, decoded once per string offset (latin1: one char per byte). */
function nameReader(btf: Btf): (off: number) => string {
  const cache = new Map<number, string>();
  return (off) => {
    if (off === 0) return '(anon)';
    let s = cache.get(off);
    if (s === undefined) {
      s = btf.hasStr(off) ? latin1(btf.strBytes(off)) : '(invalid)';
      cache.set(off, s);
    }
    return s;
  };
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** An ENUM64 value as a number when that is exact, else as decimal text. */
function int64(lo: number, hi: number, signed: boolean): number | string {
  if (hi === 0) return lo;
  if (signed && hi === 0xffffffff && lo >= 0x80000000) return lo | 0;
  const u = (BigInt(hi) << 32n) | BigInt(lo);
  const v = signed ? BigInt.asIntN(64, u) : u;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

/**
 * The own types of `btf` (for split BTF only ids from `btf.startId`, as bpftool does with `-B`)
 * as records with bpftool's JSON field names: `id`, `kind`, `name` ("(anon)" for no name) and the
 * kind's fields (`type_id`, `size`, `vlen`, `members`, `values`, `params`, `vars`, ...).
 * Differences from bpftool: names are latin1 strings (one char per byte), and ENUM64 values that
 * are not safe integers are decimal strings rather than bare 64-bit numbers.
 */
export function dumpJson(btf: Btf): BtfJsonDump {
  const nm = nameReader(btf);
  const w = btf.words;
  const offs = btf.offs;
  const types: BtfJsonType[] = new Array(btf.count);
  for (let i = 0; i < btf.count; i++) {
    let r = offs[i];
    const id = btf.startId + i;
    const info = w[r + 1];
    const st = w[r + 2];
    const kind = infoKind(info);
    const vlen = infoVlen(info);
    const kflag = info >>> 31 === 1;
    const name = nm(w[r]);
    r += 3;
    let rec: BtfJsonType;
    switch (kind) {
      case BTF_KIND_INT: {
        const v = w[r];
        const e = (v >>> 24) & 0x0f;
        rec = {
          id, kind: 'INT', name, size: st, bits_offset: (v >>> 16) & 0xff, nr_bits: v & 0xff,
          encoding: e <= 4 ? INT_ENC[e] : 'UNKN',
        };
        break;
      }
      case BTF_KIND_PTR: case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPEDEF: case BTF_KIND_TYPE_TAG:
        rec = { id, kind: REF_KIND[kind], name, type_id: st };
        break;
      case BTF_KIND_ARRAY:
        rec = { id, kind: 'ARRAY', name, type_id: w[r], index_type_id: w[r + 1], nr_elems: w[r + 2] };
        break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        const members: Array<{ name: string; type_id: number; bits_offset: number; bitfield_size?: number }> = new Array(vlen);
        for (let k = 0; k < vlen; k++, r += 3) {
          const m = w[r + 2];
          const bits = kflag ? m >>> 24 : 0;
          members[k] = bits !== 0
            ? { name: nm(w[r]), type_id: w[r + 1], bits_offset: m & 0xffffff, bitfield_size: bits }
            : { name: nm(w[r]), type_id: w[r + 1], bits_offset: kflag ? m & 0xffffff : m };
        }
        rec = { id, kind: kind === BTF_KIND_STRUCT ? 'STRUCT' : 'UNION', name, size: st, vlen, members };
        break;
      }
      case BTF_KIND_ENUM: {
        const values: Array<{ name: string; val: number }> = new Array(vlen);
        for (let k = 0; k < vlen; k++, r += 2) values[k] = { name: nm(w[r]), val: kflag ? w[r + 1] | 0 : w[r + 1] };
        rec = { id, kind: 'ENUM', name, encoding: kflag ? 'SIGNED' : 'UNSIGNED', size: st, vlen, values };
        break;
      }
      case BTF_KIND_ENUM64: {
        const values: Array<{ name: string; val: number | string }> = new Array(vlen);
        for (let k = 0; k < vlen; k++, r += 3) values[k] = { name: nm(w[r]), val: int64(w[r + 1], w[r + 2], kflag) };
        rec = { id, kind: 'ENUM64', name, encoding: kflag ? 'SIGNED' : 'UNSIGNED', size: st, vlen, values };
        break;
      }
      case BTF_KIND_FWD:
        rec = { id, kind: 'FWD', name, fwd_kind: kflag ? 'union' : 'struct' };
        break;
      case BTF_KIND_FUNC:
        rec = { id, kind: 'FUNC', name, type_id: st, linkage: LINKAGE[vlen < 3 ? vlen : 3] };
        break;
      case BTF_KIND_FUNC_PROTO: {
        const params: Array<{ name: string; type_id: number }> = new Array(vlen);
        for (let k = 0; k < vlen; k++, r += 2) params[k] = { name: nm(w[r]), type_id: w[r + 1] };
        rec = { id, kind: 'FUNC_PROTO', name, ret_type_id: st, vlen, params };
        break;
      }
      case BTF_KIND_VAR: {
        const l = w[r];
        rec = { id, kind: 'VAR', name, type_id: st, linkage: LINKAGE[l < 3 ? l : 3] };
        break;
      }
      case BTF_KIND_DATASEC: {
        const vars: Array<{ type_id: number; offset: number; size: number }> = new Array(vlen);
        for (let k = 0; k < vlen; k++, r += 3) vars[k] = { type_id: w[r], offset: w[r + 1], size: w[r + 2] };
        rec = { id, kind: 'DATASEC', name, size: st, vlen, vars };
        break;
      }
      case BTF_KIND_FLOAT:
        rec = { id, kind: 'FLOAT', name, size: st };
        break;
      case BTF_KIND_DECL_TAG:
        rec = { id, kind: 'DECL_TAG', name, type_id: st, component_idx: w[r] | 0 };
        break;
      default:
        rec = { id, kind: 'UNKNOWN', name };
        break;
    }
    types[i] = rec;
  }
  return { types };
}

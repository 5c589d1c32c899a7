// A compact, table-driven way to write BTF for tests: one array per type, names either as
// strings or as positions in an explicitly given string section.

import {
  Btf,
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE, makeIntWord,
} from '../../src/btf/index.js';

/**
 * A name: a string (looked up or added, see {@link buildBtf}), or a number n for the n-th string
 * of an explicit string section (1-based, the leading empty string not counted), or 0 for none.
 */
export type Name = string | number;
export type EnumVal = number | bigint;

/**
 * One type. Type references are plain ids.
 *   ['INT', name, size, encoding, bits = size * 8, bitOffset = 0]
 *   ['PTR' | 'CONST' | 'VOLATILE' | 'RESTRICT', type]
 *   ['TYPEDEF', name, type]          ['TYPE_TAG', name, type]
 *   ['ARRAY', elemType, indexType, nelems]
 *   ['STRUCT' | 'UNION', name, size, [[member, type, bitOffset, bitfieldSize?], ...], kflag?]
 *   ['ENUM' | 'ENUM64', name, size, [[enumerator, value], ...], signed?]
 *   ['FWD', name, isUnion]
 *   ['FUNC', name, protoType, linkage = 0]
 *   ['FUNC_PROTO', returnType, [[param, type], ...]]
 *   ['VAR', name, type, linkage]
 *   ['DATASEC', name, size, [[varType, offset, size], ...]]
 *   ['FLOAT', name, size]
 *   ['DECL_TAG', name, type, componentIdx]
 */
export type TypeSpec =
  | readonly ['INT', Name, number, number, number?, number?]
  | readonly ['PTR' | 'CONST' | 'VOLATILE' | 'RESTRICT', number]
  | readonly ['TYPEDEF' | 'TYPE_TAG', Name, number]
  | readonly ['ARRAY', number, number, number]
  | readonly ['STRUCT' | 'UNION', Name, number, ReadonlyArray<readonly [Name, number, number, number?]>, boolean?]
  | readonly ['ENUM' | 'ENUM64', Name, number, ReadonlyArray<readonly [Name, EnumVal]>, boolean?]
  | readonly ['FWD', Name, boolean]
  | readonly ['FUNC', Name, number, number?]
  | readonly ['FUNC_PROTO', number, ReadonlyArray<readonly [Name, number]>]
  | readonly ['VAR', Name, number, number]
  | readonly ['DATASEC', Name, number, ReadonlyArray<readonly [number, number, number]>]
  | readonly ['FLOAT', Name, number]
  | readonly ['DECL_TAG', Name, number, number];

export const INT_SIGNED = 1;
export const INT_CHAR = 2;
export const INT_BOOL = 4;

/** A 64-bit enumerator value from its two 32-bit halves, low half first. */
export function lohi(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Raw string-section bytes: the empty string, then each string NUL-terminated. */
export function strSection(strs: readonly string[]): Uint8Array {
  return Buffer.from(['', ...strs].map((s) => `${s}\0`).join(''), 'latin1');
}

/**
 * Build BTF from specs, appended to `into` (or to a new base, or a new split BTF over `base`).
 *
 * Without `strs`, string names go through `addStr` (found in the base or this object, else
 * appended), as libbpf's btf__add_* API does. With `strs` (only for a new base BTF), the string
 * section is exactly those strings, in that order, duplicates and unused ones included; a
 * string name is then the first occurrence and a number n the n-th string.
 */
export function buildBtf(specs: readonly TypeSpec[], opts: { strs?: readonly string[]; base?: Btf; into?: Btf } = {}): Btf {
  let btf: Btf;
  let name: (n: Name) => number;
  if (opts.strs) {
    if (opts.base || opts.into) throw new Error('an explicit string section needs a new base BTF');
    const bytes = strSection(opts.strs);
    btf = new Btf({ strs: bytes, strLen: bytes.length });
    const offs: number[] = [0];
    for (let i = 0, o = 1; i < opts.strs.length; i++) {
      offs.push(o);
      o += Buffer.byteLength(opts.strs[i], 'latin1') + 1;
    }
    name = (n) => {
      if (typeof n === 'number') {
        if (n < 0 || n >= offs.length) throw new Error(`no string #${n}`);
        return offs[n];
      }
      if (n === '') return 0;
      const i = opts.strs!.indexOf(n);
      if (i < 0) throw new Error(`string '${n}' is not in the string section`);
      return offs[i + 1];
    };
  } else {
    btf = opts.into ?? new Btf({ base: opts.base ?? null });
    name = (n) => {
      if (typeof n === 'number') {
        if (n !== 0) throw new Error('numbered names need an explicit string section');
        return 0;
      }
      return n === '' ? 0 : btf.addStr(n);
    };
  }
  for (const s of specs) addSpec(btf, s, name);
  return btf;
}

function addSpec(btf: Btf, s: TypeSpec, name: (n: Name) => number): number {
  switch (s[0]) {
    case 'INT': {
      const [, n, size, enc, bits, off] = s;
      return btf.add(BTF_KIND_INT, name(n), 0, false, size, [makeIntWord(enc, off ?? 0, bits ?? size * 8)]);
    }
    case 'PTR': return btf.add(BTF_KIND_PTR, 0, 0, false, s[1]);
    case 'CONST': return btf.add(BTF_KIND_CONST, 0, 0, false, s[1]);
    case 'VOLATILE': return btf.add(BTF_KIND_VOLATILE, 0, 0, false, s[1]);
    case 'RESTRICT': return btf.add(BTF_KIND_RESTRICT, 0, 0, false, s[1]);
    case 'TYPEDEF': return btf.add(BTF_KIND_TYPEDEF, name(s[1]), 0, false, s[2]);
    case 'TYPE_TAG': return btf.add(BTF_KIND_TYPE_TAG, name(s[1]), 0, false, s[2]);
    case 'ARRAY': return btf.add(BTF_KIND_ARRAY, 0, 0, false, 0, [s[1], s[2], s[3]]);
    case 'STRUCT': case 'UNION': {
      const [kind, n, size, members, kf] = s;
      const kflag = kf ?? members.some((m) => (m[3] ?? 0) !== 0);
      const nameOff = name(n); // before the members' names, as btf__add_struct() does
      const ex: number[] = [];
      for (const [mn, type, bitOff, bitSize] of members) {
        ex.push(name(mn), type, kflag ? (((bitSize ?? 0) << 24) | bitOff) >>> 0 : bitOff);
      }
      return btf.add(kind === 'STRUCT' ? BTF_KIND_STRUCT : BTF_KIND_UNION, nameOff, members.length, kflag, size, ex);
    }
    case 'ENUM': case 'ENUM64': {
      const [kind, n, size, vals, signed] = s;
      const nameOff = name(n);
      const ex: number[] = [];
      for (const [vn, v] of vals) {
        const u = BigInt.asUintN(64, BigInt(v));
        if (kind === 'ENUM') ex.push(name(vn), Number(u & 0xffffffffn));
        else ex.push(name(vn), Number(u & 0xffffffffn), Number(u >> 32n));
      }
      return btf.add(kind === 'ENUM' ? BTF_KIND_ENUM : BTF_KIND_ENUM64, nameOff, vals.length, signed ?? false, size, ex);
    }
    case 'FWD': return btf.add(BTF_KIND_FWD, name(s[1]), 0, s[2], 0);
    case 'FUNC': return btf.add(BTF_KIND_FUNC, name(s[1]), s[3] ?? 0, false, s[2]);
    case 'FUNC_PROTO': {
      const ex: number[] = [];
      for (const [pn, type] of s[2]) ex.push(name(pn), type);
      return btf.add(BTF_KIND_FUNC_PROTO, 0, s[2].length, false, s[1], ex);
    }
    case 'VAR': return btf.add(BTF_KIND_VAR, name(s[1]), 0, false, s[2], [s[3]]);
    case 'DATASEC': {
      const ex: number[] = [];
      for (const v of s[3]) ex.push(v[0], v[1], v[2]);
      return btf.add(BTF_KIND_DATASEC, name(s[1]), s[3].length, false, s[2], ex);
    }
    case 'FLOAT': return btf.add(BTF_KIND_FLOAT, name(s[1]), 0, false, s[2]);
    case 'DECL_TAG': return btf.add(BTF_KIND_DECL_TAG, name(s[1]), 0, false, s[2], [s[3] >>> 0]);
  }
}

/** The own string section as a list, without the leading empty string of a base BTF. */
export function ownStrings(btf: Btf): string[] {
  const text = Buffer.from(btf.stringBytes()).toString('latin1');
  const parts = text.split('\0');
  parts.pop(); // after the last NUL
  return btf.base ? parts : parts.slice(1);
}

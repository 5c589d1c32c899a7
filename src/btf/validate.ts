// Checks equivalent to the kernel's BTF verifier (kernel/bpf/btf.c), reporting type id and rule.

import { BtfValidationError } from '../common/errors.js';
import type { Btf } from './model/btf.js';
import type { BtfHeader } from './wire/parse.js';
import {
  BTF_FUNC_EXTERN, BTF_HDR_LEN_LAYOUT, BTF_INT_BOOL, BTF_INT_CHAR, BTF_INT_SIGNED, BTF_KIND_ARRAY,
  BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_FLOAT,
  BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VAR, BTF_KIND_VOLATILE,
  BTF_MAX_NAME_OFFSET, BTF_MAX_TYPE, BTF_VAR_GLOBAL_EXTERN, infoKflag, infoKind, infoVlen, intBits,
  intEncoding, intOffset, kindName,
} from './wire/kinds.js';

/** One broken rule. `rule` is a short stable key; tests assert it. */
export interface BtfProblem {
  typeId: number;
  rule: string;
  message: string;
}

const KSYM_NAME_LEN = 512;
const MAX_RESOLVE_DEPTH = 32;

function isModifier(kind: number): boolean {
  return kind === BTF_KIND_TYPEDEF || kind === BTF_KIND_VOLATILE || kind === BTF_KIND_CONST ||
    kind === BTF_KIND_RESTRICT || kind === BTF_KIND_TYPE_TAG;
}

/**
 * Check the header's section layout the way the kernel does: sections contiguous, no gaps, no
 * overlap, covering all data after the header, strings last unless the header is the long one.
 */
export function checkHeaderLayout(h: BtfHeader, dataLen: number, hasBase: boolean): BtfProblem[] {
  const out: BtfProblem[] = [];
  const p = (rule: string, message: string) => out.push({ typeId: 0, rule, message });
  const secs = [{ n: 'type', off: h.typeOff, len: h.typeLen }, { n: 'str', off: h.strOff, len: h.strLen }];
  if (h.hdrLen >= BTF_HDR_LEN_LAYOUT && h.layoutLen !== 0) secs.push({ n: 'layout', off: h.layoutOff, len: h.layoutLen });
  secs.sort((a, b) => a.off - b.off || a.len - b.len);
  let expect = 0;
  for (const s of secs) {
    if (s.len === 0) continue;
    if (s.off < expect) p('section-overlap', `${s.n} section overlaps the previous one`);
    else if (s.off > expect) p('section-gap', `gap before the ${s.n} section at ${expect}`);
    expect = s.off + s.len;
  }
  const body = dataLen - h.hdrLen;
  if (expect !== body) p('section-total', `sections cover ${expect} bytes but ${body} follow the header`);
  if (h.hdrLen < BTF_HDR_LEN_LAYOUT && h.strLen !== 0 && h.strOff + h.strLen !== body) p('str-last', 'string section is not at the end');
  if (!hasBase && body === 0) p('no-data', 'no data after the header');
  if (h.strLen > 0 && h.strLen - 1 > BTF_MAX_NAME_OFFSET) p('str-too-long', 'string section is longer than the maximum name offset');
  return out;
}

/**
 * Validate the own types of `btf` (base types are assumed valid, as the kernel does for module BTF).
 * Returns every problem found; an empty list means the kernel's checks would pass.
 */
export function validateBtf(btf: Btf): BtfProblem[] {
  const out: BtfProblem[] = [];
  const p = (typeId: number, rule: string, message: string) => out.push({ typeId, rule, message });
  const total = btf.typeCount;
  if (total - 1 > BTF_MAX_TYPE) p(0, 'too-many-types', `${total - 1} types exceed the maximum ${BTF_MAX_TYPE}`);

  const strOk = (off: number) => off === 0 || btf.hasStr(off);
  const ident = (off: number, allowEmpty: boolean): boolean => {
    if (off === 0) return allowEmpty;
    if (!btf.hasStr(off)) return false;
    const b = btf.strBytes(off);
    if (b.length === 0) return allowEmpty;
    if (b.length >= KSYM_NAME_LEN) return false;
    const c0 = b[0];
    if (!((c0 >= 0x41 && c0 <= 0x5a) || (c0 >= 0x61 && c0 <= 0x7a) || c0 === 0x5f)) return false;
    for (let i = 1; i < b.length; i++) {
      const c = b[i];
      if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f)) return false;
    }
    return true;
  };
  const sectionName = (off: number): boolean => {
    if (off === 0 || !btf.hasStr(off)) return false;
    const b = btf.strBytes(off);
    if (b.length === 0 || b.length >= KSYM_NAME_LEN) return false;
    for (let i = 0; i < b.length; i++) if (b[i] <= 0x20 || b[i] >= 0x7f) return false;
    return true;
  };
  const validId = (t: number) => t < total;
  const kindOf = (t: number) => (t === 0 ? 0 : btf.kind(t));
  // Strip modifiers (typedef, cv, type tags) for size/kind questions, bounded like the kernel.
  const skipMods = (t: number): number => {
    for (let d = 0; d < MAX_RESOLVE_DEPTH && t !== 0 && validId(t) && isModifier(kindOf(t)); d++) t = btf.sizeType(t);
    return t;
  };

  for (let id = btf.startId; id < total; id++) {
    const { words: w, off: o } = btf.record(id);
    const nameOff = w[o];
    const info = w[o + 1];
    const kind = infoKind(info);
    const vlen = infoVlen(info);
    const kflag = infoKflag(info);
    const st = w[o + 2];
    if (!strOk(nameOff)) { p(id, 'name-offset', `name offset ${nameOff} is out of range`); continue; }
    const kn = kindName(kind);
    switch (kind) {
      case BTF_KIND_INT: {
        if (vlen !== 0) p(id, 'vlen', `${kn}: vlen must be 0`);
        if (kflag) p(id, 'kind-flag', `${kn}: kind_flag must be 0`);
        const v = w[o + 3];
        if ((v & 0xf0000000) !== 0 || (v & 0x0000ff00) !== 0) p(id, 'int-data', `${kn}: reserved bits set in int data 0x${v.toString(16)}`);
        const bits = intBits(v);
        const off = intOffset(v);
        const enc = intEncoding(v);
        if (bits > 128) p(id, 'int-bits', `${kn}: ${bits} bits exceed 128`);
        if (Math.ceil((bits + off) / 8) > st) p(id, 'int-size', `${kn}: offset ${off} + bits ${bits} exceed size ${st}`);
        if (![1, 2, 4, 8, 16].includes(st)) p(id, 'int-size', `${kn}: unsupported size ${st}`);
        if (enc !== 0 && enc !== BTF_INT_SIGNED && enc !== BTF_INT_CHAR && enc !== BTF_INT_BOOL) p(id, 'int-encoding', `${kn}: invalid encoding ${enc}`);
        if (!ident(nameOff, true) && nameOff !== 0 && !btf.hasStr(nameOff)) p(id, 'name', `${kn}: invalid name`);
        break;
      }
      case BTF_KIND_PTR: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPEDEF: case BTF_KIND_TYPE_TAG: {
        if (vlen !== 0) p(id, 'vlen', `${kn}: vlen must be 0`);
        if (kflag && kind !== BTF_KIND_TYPE_TAG) p(id, 'kind-flag', `${kn}: kind_flag must be 0`);
        if (!validId(st)) p(id, 'type-id', `${kn}: referenced type ${st} does not exist`);
        if (kind === BTF_KIND_TYPEDEF || kind === BTF_KIND_TYPE_TAG) {
          if (kind === BTF_KIND_TYPEDEF ? !ident(nameOff, false) : (nameOff === 0 || btf.strBytes(nameOff).length === 0)) p(id, 'name', `${kn}: invalid name`);
        } else if (nameOff !== 0) {
          p(id, 'name', `${kn}: must be anonymous`);
        }
        break;
      }
      case BTF_KIND_ARRAY: {
        if (nameOff !== 0) p(id, 'name', `${kn}: must be anonymous`);
        if (vlen !== 0) p(id, 'vlen', `${kn}: vlen must be 0`);
        if (kflag) p(id, 'kind-flag', `${kn}: kind_flag must be 0`);
        if (st !== 0) p(id, 'size', `${kn}: size must be 0`);
        const elem = w[o + 3];
        const index = w[o + 4];
        if (!validId(elem) || elem === 0) p(id, 'array-elem', `${kn}: invalid element type ${elem}`);
        if (!validId(index)) p(id, 'array-index', `${kn}: invalid index type ${index}`);
        else if (kindOf(skipMods(index)) !== BTF_KIND_INT) p(id, 'array-index', `${kn}: index type ${index} is not an integer`);
        break;
      }
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        if (!ident(nameOff, true)) p(id, 'name', `${kn}: invalid name`);
        const isUnion = kind === BTF_KIND_UNION;
        let last = 0;
        for (let i = 0; i < vlen; i++) {
          const m = o + 3 + i * 3;
          if (!ident(w[m], true)) p(id, 'member-name', `${kn}: member ${i} has an invalid name`);
          const mt = w[m + 1];
          if (!validId(mt) || mt === 0) { p(id, 'member-type', `${kn}: member ${i} has invalid type ${mt}`); continue; }
          const bitOff = kflag ? w[m + 2] & 0xffffff : w[m + 2];
          const bfSize = kflag ? w[m + 2] >>> 24 : 0;
          if (isUnion && bitOff !== 0) p(id, 'member-offset', `${kn}: union member ${i} has bit offset ${bitOff}`);
          if (bitOff / 8 > st) p(id, 'member-offset', `${kn}: member ${i} bit offset ${bitOff} exceeds the size ${st}`);
          if (!isUnion && bitOff < last) p(id, 'member-order', `${kn}: member ${i} bit offset ${bitOff} goes backwards`);
          last = bitOff;
          const rt = skipMods(mt);
          const rk = kindOf(rt);
          if (bfSize !== 0) {
            if (rk !== BTF_KIND_INT && rk !== BTF_KIND_ENUM && rk !== BTF_KIND_ENUM64) p(id, 'bitfield', `${kn}: bitfield member ${i} is not an integer or enum`);
            else if (bfSize > 128 || bfSize > btf.sizeType(rt) * 8) p(id, 'bitfield', `${kn}: bitfield member ${i} of ${bfSize} bits is wider than its type`);
            if (Math.ceil((bitOff + bfSize) / 8) > st) p(id, 'member-size', `${kn}: member ${i} exceeds the size ${st}`);
          } else if (kflag && rk === BTF_KIND_INT && bitOff % 8 !== 0) {
            p(id, 'member-offset', `${kn}: member ${i} is not byte aligned`);
          }
        }
        break;
      }
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64: {
        if (!ident(nameOff, true)) p(id, 'name', `${kn}: invalid name`);
        if (![1, 2, 4, 8].includes(st)) p(id, 'enum-size', `${kn}: unexpected size ${st}`);
        const step = kind === BTF_KIND_ENUM ? 2 : 3;
        for (let i = 0; i < vlen; i++) if (!ident(w[o + 3 + i * step], false)) p(id, 'enum-name', `${kn}: value ${i} has an invalid name`);
        break;
      }
      case BTF_KIND_FWD:
        if (vlen !== 0) p(id, 'vlen', `${kn}: vlen must be 0`);
        if (!ident(nameOff, false)) p(id, 'name', `${kn}: invalid name`);
        break;
      case BTF_KIND_FUNC: {
        if (vlen > BTF_FUNC_EXTERN) p(id, 'func-linkage', `${kn}: invalid linkage ${vlen}`);
        if (kflag) p(id, 'kind-flag', `${kn}: kind_flag must be 0`);
        if (!ident(nameOff, false)) p(id, 'name', `${kn}: invalid name`);
        if (!validId(st) || kindOf(st) !== BTF_KIND_FUNC_PROTO) p(id, 'func-proto', `${kn}: type ${st} is not a FUNC_PROTO`);
        break;
      }
      case BTF_KIND_FUNC_PROTO: {
        if (nameOff !== 0) p(id, 'name', `${kn}: must be anonymous`);
        if (kflag) p(id, 'kind-flag', `${kn}: kind_flag must be 0`);
        if (!validId(st)) p(id, 'type-id', `${kn}: return type ${st} does not exist`);
        for (let i = 0; i < vlen; i++) {
          const pn = w[o + 3 + i * 2];
          const pt = w[o + 4 + i * 2];
          if (pt === 0) {
            if (i !== vlen - 1 || pn !== 0) p(id, 'func-proto-param', `${kn}: parameter ${i} is void but not a trailing vararg`);
            continue;
          }
          if (!validId(pt)) p(id, 'func-proto-param', `${kn}: parameter ${i} type ${pt} does not exist`);
          if (!ident(pn, true)) p(id, 'func-proto-param', `${kn}: parameter ${i} has an invalid name`);
        }
        break;
      }
      case BTF_KIND_VAR: {
        if (vlen !== 0) p(id, 'vlen', `${kn}: vlen must be 0`);
        if (kflag) p(id, 'kind-flag', `${kn}: kind_flag must be 0`);
        if (!ident(nameOff, false)) p(id, 'name', `${kn}: invalid name`);
        if (w[o + 3] > BTF_VAR_GLOBAL_EXTERN) p(id, 'var-linkage', `${kn}: invalid linkage ${w[o + 3]}`);
        if (st === 0 || !validId(st)) p(id, 'type-id', `${kn}: invalid type ${st}`);
        break;
      }
      case BTF_KIND_DATASEC: {
        if (kflag) p(id, 'kind-flag', `${kn}: kind_flag must be 0`);
        if (!sectionName(nameOff)) p(id, 'name', `${kn}: invalid section name`);
        if (vlen === 0) p(id, 'vlen', `${kn}: vlen must not be 0`);
        if (st === 0) p(id, 'size', `${kn}: size must not be 0`);
        let end = 0;
        for (let i = 0; i < vlen; i++) {
          const m = o + 3 + i * 3;
          const vt = w[m];
          if (!validId(vt) || (kindOf(vt) !== BTF_KIND_VAR && kindOf(vt) !== BTF_KIND_FUNC)) p(id, 'datasec-entry', `${kn}: entry ${i} type ${vt} is not a VAR`);
          if (w[m + 1] < end) p(id, 'datasec-entry', `${kn}: entry ${i} overlaps the previous one`);
          if (w[m + 1] + w[m + 2] > st || w[m + 2] === 0) p(id, 'datasec-entry', `${kn}: entry ${i} offset+size out of the section`);
          end = w[m + 1] + w[m + 2];
        }
        break;
      }
      case BTF_KIND_FLOAT:
        if (vlen !== 0) p(id, 'vlen', `${kn}: vlen must be 0`);
        if (kflag) p(id, 'kind-flag', `${kn}: kind_flag must be 0`);
        if (![2, 4, 8, 12, 16].includes(st)) p(id, 'float-size', `${kn}: unsupported size ${st}`);
        if (!ident(nameOff, false)) p(id, 'name', `${kn}: invalid name`);
        break;
      case BTF_KIND_DECL_TAG: {
        if (vlen !== 0) p(id, 'vlen', `${kn}: vlen must be 0`);
        if (nameOff === 0 || btf.strBytes(nameOff).length === 0) p(id, 'name', `${kn}: invalid name`);
        const ci = w[o + 3] | 0;
        if (ci < -1) p(id, 'decl-tag-component', `${kn}: component index ${ci} < -1`);
        if (!validId(st) || st === 0) { p(id, 'type-id', `${kn}: invalid type ${st}`); break; }
        const tk = kindOf(st);
        if (![BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_VAR, BTF_KIND_FUNC, BTF_KIND_TYPEDEF].includes(tk)) {
          p(id, 'decl-tag-target', `${kn}: target kind ${kindName(tk)} cannot carry a tag`);
        } else if (ci >= 0) {
          let n = -1;
          if (tk === BTF_KIND_STRUCT || tk === BTF_KIND_UNION) n = btf.vlen(st);
          else if (tk === BTF_KIND_FUNC) n = btf.vlen(btf.sizeType(st));
          if (ci >= n) p(id, 'decl-tag-component', `${kn}: component index ${ci} out of range for ${kindName(tk)}`);
        }
        break;
      }
      default:
        p(id, 'kind', `unknown kind ${kind}`);
    }
  }

  // Type tags must come right after a pointer: ptr -> [type_tag]* -> [cv|typedef]* -> base type.
  for (let id = btf.startId; id < total; id++) {
    let t = id;
    let sawMod = false;
    for (let d = 0; d <= MAX_RESOLVE_DEPTH; d++) {
      const k = kindOf(t);
      if (!isModifier(k)) break;
      if (k === BTF_KIND_TYPE_TAG) {
        if (sawMod) { p(id, 'type-tag-order', 'type tags do not precede modifiers'); break; }
      } else {
        sawMod = true;
      }
      t = btf.sizeType(t);
      if (!validId(t)) break;
      if (d === MAX_RESOLVE_DEPTH) { p(id, 'loop', 'modifier chain too long'); }
    }
  }

  // Reference loops not broken by a struct/union (or a pointer, which needs no size).
  const state = new Uint8Array(total - btf.startId); // 0 new, 1 in progress, 2 done
  for (let id = btf.startId; id < total; id++) {
    if (state[id - btf.startId] !== 0) continue;
    const chain: number[] = [];
    let t = id;
    while (t >= btf.startId && t < total) {
      const k = kindOf(t);
      const s = state[t - btf.startId];
      if (s === 2) break;
      if (s === 1) { p(id, 'loop', `reference loop through type ${t}`); break; }
      let next = -1;
      if (isModifier(k)) next = btf.sizeType(t);
      else if (k === BTF_KIND_ARRAY) next = btf.extra(t, 0);
      else if (k === BTF_KIND_VAR) next = btf.sizeType(t);
      if (next < 0) break;
      state[t - btf.startId] = 1;
      chain.push(t);
      t = next;
    }
    for (const c of chain) state[c - btf.startId] = 2;
    state[id - btf.startId] = 2;
  }
  return out;
}

/** Throw the first problem as a BtfValidationError. */
export function assertValidBtf(btf: Btf, where: { file?: string; section?: string } = {}): void {
  const probs = validateBtf(btf);
  if (probs.length > 0) throw new BtfValidationError(probs[0].typeId, probs[0].rule, probs[0].message, where);
}

/**
 * The checks libbpf applies when it loads BTF (btf_sanity_check in src/btf.c): every name offset
 * resolves to a string, every referenced type id exists, FUNC points at a FUNC_PROTO. Split BTF
 * read over the wrong base usually fails here. Returns the first problem, or null.
 */
export function checkLoadable(btf: Btf): BtfProblem | null {
  const total = btf.typeCount;
  for (let id = btf.startId; id < total; id++) {
    const { words: w, off: o } = btf.record(id);
    const info = w[o + 1];
    const kind = infoKind(info);
    const vlen = infoVlen(info);
    const str = (off: number, what: string): BtfProblem | null =>
      off === 0 || btf.hasStr(off) ? null : { typeId: id, rule: 'name-offset', message: `invalid ${what} (string offset ${off})` };
    const ref = (t: number): BtfProblem | null =>
      t < total ? null : { typeId: id, rule: 'type-id', message: `invalid referenced type id ${t}` };
    let p = str(w[o], 'type name');
    if (p) return p;
    switch (kind) {
      case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
      case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
        p = ref(w[o + 2]);
        break;
      case BTF_KIND_ARRAY:
        p = ref(w[o + 3]) ?? ref(w[o + 4]);
        break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION:
        for (let i = 0; i < vlen && !p; i++) p = str(w[o + 3 + i * 3], 'field name') ?? ref(w[o + 4 + i * 3]);
        break;
      case BTF_KIND_ENUM:
        for (let i = 0; i < vlen && !p; i++) p = str(w[o + 3 + i * 2], 'enum name');
        break;
      case BTF_KIND_ENUM64:
        for (let i = 0; i < vlen && !p; i++) p = str(w[o + 3 + i * 3], 'enum name');
        break;
      case BTF_KIND_FUNC:
        p = ref(w[o + 2]);
        if (!p && btf.kind(w[o + 2]) !== BTF_KIND_FUNC_PROTO) p = { typeId: id, rule: 'func-proto', message: `referenced type [${w[o + 2]}] is not FUNC_PROTO` };
        break;
      case BTF_KIND_FUNC_PROTO:
        for (let i = 0; i < vlen && !p; i++) p = str(w[o + 3 + i * 2], 'param name') ?? ref(w[o + 4 + i * 2]);
        break;
      case BTF_KIND_DATASEC:
        for (let i = 0; i < vlen && !p; i++) p = ref(w[o + 3 + i * 3]);
        break;
      default:
        break;
    }
    if (p) return p;
  }
  return null;
}

// Relocation: re-parent split BTF from its distilled base onto a full base (another vmlinux).
//
// Same result and errors as libbpf's btf__relocate() / the kernel's btf_relocate()
// (src/btf_relocate.c):
//   1. the distilled base may only hold named INT, FLOAT, ENUM, STRUCT, UNION, FWD;
//   2. split ids move up by (types in the new base - types in the distilled base);
//   3. distilled types are sorted by name, then size (descending); every named base type looks
//      for its distilled counterparts: INT/FLOAT/ENUM/ENUM64 by name and size, FWD by name,
//      STRUCT/UNION by name, and also by size when the base has that name on several composites;
//      kinds must agree (INT encodings equal, a distilled ENUM takes ENUM or ENUM64, a distilled
//      FWD takes a FWD of the same flavour or the matching STRUCT/UNION), and a struct/union
//      the split BTF embeds (not through a pointer) must have the same size;
//   4. two base candidates for one distilled type, or none, is an error;
//   5. type ids and string offsets of the split types are rewritten.
// The full old→new id map is returned, as the kernel keeps it to remap module .BTF_ids.

import { BtfError } from '../../common/errors.js';
import { Btf } from '../model/btf.js';
import { forEachStrField, forEachTypeIdField } from '../model/fields.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_FLOAT, BTF_KIND_FWD,
  BTF_KIND_INT, BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_TYPE_TAG, BTF_KIND_UNION,
  BTF_KIND_VOLATILE, intEncoding, kindName,
} from '../wire/kinds.js';

const EMBEDDED = 0xffffffff;

/** Result of relocation. */
export interface Relocated {
  /** The split BTF, now over the new base. */
  btf: Btf;
  /** Old id (distilled numbering, split included) → new id (over the new base). */
  idMap: Uint32Array;
}

/** Why relocation failed, with the distilled type concerned. */
export class RelocationError extends BtfError {
  override name = 'RelocationError';
  readonly reason: 'invalid-distilled-base' | 'ambiguous' | 'unmapped' | 'unmapped-string' | 'same-base';
  constructor(reason: RelocationError['reason'], message: string, where: { file?: string; typeId?: number } = {}) {
    super(message, where);
    this.reason = reason;
  }
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Relocate `split` (whose base is a distilled base) onto `newBase`.
 * @throws RelocationError with the reason and a message naming the distilled type.
 */
export function relocateBtf(split: Btf, newBase: Btf, opts: { file?: string } = {}): Relocated {
  const dist = split.base;
  const file = opts.file;
  if (!dist || dist === newBase) throw new RelocationError('same-base', 'relocation needs split BTF over a distilled base and a different base', { file });
  const nrDist = dist.typeCount;
  const nrBase = newBase.typeCount;
  const nrTypes = split.typeCount;

  // 1. The distilled base holds named INT, FLOAT, ENUM, STRUCT, UNION, FWD only.
  for (let i = 1; i < nrDist; i++) {
    const k = dist.kind(i);
    if (k === BTF_KIND_INT || k === BTF_KIND_FLOAT || k === BTF_KIND_ENUM || k === BTF_KIND_STRUCT || k === BTF_KIND_UNION || k === BTF_KIND_FWD) {
      if (dist.nameOff(i) !== 0) continue;
      throw new RelocationError('invalid-distilled-base', `distilled base type [${i}] of kind ${kindName(k)} is anonymous`, { file, typeId: i });
    }
    throw new RelocationError('invalid-distilled-base', `distilled base type [${i}] has unexpected kind ${kindName(k)}`, { file, typeId: i });
  }

  // 2. Split ids follow the new base.
  const idMap = new Uint32Array(nrTypes);
  for (let id = nrDist; id < nrTypes; id++) idMap[id] = id + nrBase - nrDist;

  // 3. Distilled types sorted by name, then size descending.
  const infoIds: number[] = [];
  for (let id = 0; id < nrDist; id++) infoIds.push(id);
  const nameOf = (id: number) => (id === 0 ? new Uint8Array(0) : dist.strBytes(dist.nameOff(id)));
  const names = infoIds.map(nameOf);
  const sizes = infoIds.map((id) => (id === 0 ? 0 : dist.sizeType(id)));
  infoIds.sort((a, b) => cmpBytes(names[a], names[b]) || sizes[b] - sizes[a]);

  // Distilled composites embedded by split composites (through cv/typedef/tag/array, not a pointer).
  for (let id = nrDist; id < nrTypes; id++) {
    const k = split.kind(id);
    if (k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION) continue;
    const { words, off } = split.record(id);
    forEachTypeIdField(words, off, (wi) => {
      let next = words[wi];
      while (next) {
        const nk = split.kind(next);
        if (nk === BTF_KIND_CONST || nk === BTF_KIND_RESTRICT || nk === BTF_KIND_VOLATILE || nk === BTF_KIND_TYPEDEF || nk === BTF_KIND_TYPE_TAG) {
          next = split.sizeType(next);
        } else if (nk === BTF_KIND_ARRAY) {
          next = split.extra(next, 0);
        } else {
          if ((nk === BTF_KIND_STRUCT || nk === BTF_KIND_UNION) && next < nrDist) idMap[next] = EMBEDDED;
          next = 0;
        }
      }
    });
  }

  // Composite name counts in the new base (by name offset, capped as libbpf does).
  const nameCount = new Map<number, number>();
  for (let id = 1; id < nrBase; id++) {
    const k = newBase.kind(id);
    if ((k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION) || newBase.nameOff(id) === 0) continue;
    const no = newBase.nameOff(id);
    nameCount.set(no, Math.min(255, (nameCount.get(no) ?? 0) + 1));
  }

  const strMap = new Map<number, number>();
  const sortedNames = infoIds.map((id) => names[id]);
  for (let id = 1; id < nrBase; id++) {
    const bNameOff = newBase.nameOff(id);
    if (bNameOff === 0) continue;
    const bk = newBase.kind(id);
    let needsSize: boolean;
    switch (bk) {
      case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: needsSize = true; break;
      case BTF_KIND_FWD: needsSize = false; break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: needsSize = (nameCount.get(bNameOff) ?? 0) > 1; break;
      default: continue;
    }
    const bName = newBase.strBytes(bNameOff);
    const bSize = newBase.sizeType(id);
    const cmp = (j: number) => cmpBytes(bName, sortedNames[j]) || (needsSize ? sizes[infoIds[j]] - bSize : 0);
    // Leftmost match by binary search.
    let lo = 0;
    let hi = infoIds.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = cmp(mid);
      if (d === 0) found = mid;
      if (d <= 0) hi = mid - 1;
      else lo = mid + 1;
    }
    if (found < 0) continue;
    for (let j = found; j < infoIds.length && cmp(j) === 0; j++) {
      const did = infoIds[j];
      if (did === 0) continue;
      const dk = dist.kind(did);
      let ok: boolean;
      switch (dk) {
        case BTF_KIND_FWD:
          ok = bk === BTF_KIND_FWD ? dist.kflag(did) === newBase.kflag(id)
            : bk === BTF_KIND_STRUCT ? !newBase.kflag(id)
              : bk === BTF_KIND_UNION ? newBase.kflag(id) : false;
          break;
        case BTF_KIND_INT:
          ok = bk === BTF_KIND_INT && intEncoding(newBase.extra(id, 0)) === intEncoding(dist.extra(did, 0));
          break;
        case BTF_KIND_FLOAT:
          ok = bk === BTF_KIND_FLOAT;
          break;
        case BTF_KIND_ENUM:
          ok = bk === BTF_KIND_ENUM || bk === BTF_KIND_ENUM64;
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION:
          // libbpf compares no kinds here, only the size of embedded composites.
          ok = !(idMap[did] === EMBEDDED && bSize !== dist.sizeType(did));
          break;
        default:
          ok = false;
      }
      if (!ok) continue;
      if (idMap[did] !== 0 && idMap[did] !== EMBEDDED) {
        throw new RelocationError('ambiguous',
          `distilled base type '${newBase.str(bNameOff)}' [${did}], size ${bSize} has several candidates of the same size in the base (ids [${id}, ${idMap[did]}])`,
          { file, typeId: did });
      }
      idMap[did] = id;
      strMap.set(dist.nameOff(did), bNameOff);
    }
  }
  for (let id = 1; id < nrDist; id++) {
    if (idMap[id] !== 0 && idMap[id] !== EMBEDDED) continue;
    const k = dist.kind(id);
    const what = k === BTF_KIND_STRUCT || k === BTF_KIND_UNION || k === BTF_KIND_INT || k === BTF_KIND_ENUM || k === BTF_KIND_FLOAT
      ? `${kindName(k)} '${dist.name(id)}' size ${dist.sizeType(id)}` : `${kindName(k)} '${dist.name(id)}'`;
    throw new RelocationError('unmapped',
      `distilled base type ${what} [${id}] is not found in the base${idMap[id] === EMBEDDED ? ' with the same size (it is embedded, so the size must match)' : ''}`,
      { file, typeId: id });
  }

  // 5. Rewrite ids and strings of the split types; the string bytes stay, their offsets move.
  const words = split.words.slice(0, split.wordLen);
  const distStrLen = dist.strLen + dist.startStrOff;
  const shift = newBase.startStrOff + newBase.strLen - distStrLen;
  for (let i = 0; i < split.count; i++) {
    const o = split.offs[i];
    forEachTypeIdField(words, o, (wi) => { words[wi] = idMap[words[wi]]; });
    forEachStrField(words, o, (wi) => {
      const so = words[wi];
      if (so === 0) return;
      if (so >= distStrLen) {
        words[wi] = so + shift;
      } else {
        const m = strMap.get(so);
        if (m === undefined) {
          throw new RelocationError('unmapped-string', `string '${dist.str(so)}' [offset ${so}] of type [${split.startId + i}] is not in the base`, { file, typeId: split.startId + i });
        }
        words[wi] = m;
      }
    });
  }
  const btf = new Btf({
    base: newBase, le: split.le, hdrLen: split.hdrLen, layout: split.layout,
    words, wordLen: split.wordLen, offs: split.offs.slice(0, split.count + 1), count: split.count,
    strs: split.strs.slice(0, split.strLen), strLen: split.strLen,
  });
  return { btf, idMap };
}

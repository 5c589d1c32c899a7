// Distilled base BTF: the small description of the base types a module's split BTF uses.
//
// Problem: split BTF refers to base (vmlinux) type ids, which change whenever the kernel's BTF
// changes. Distilling keeps, in a new small base, only what is needed to find those types again
// by name in another vmlinux, and moves everything else the split BTF needs into the split BTF.
//
// Same result as libbpf's btf__distill_base() (src/btf.c):
//   1. mark every base type the split types refer to, recursively, except through the members
//      of named structs/unions; FUNC, VAR, DATASEC or DECL_TAG in the base cannot be referred to;
//   2. distilled base, in ascending original id order: INT, FLOAT, FWD copied whole; named
//      STRUCT/UNION as 0-member types of the same size; named ENUM/ENUM64 as a 0-value ENUM of
//      the same size;
//   3. new split BTF: the original split types, then (ascending original id) the marked base
//      types that did not go to the distilled base: anonymous STRUCT/UNION/ENUM/ENUM64 in full,
//      ARRAY, TYPEDEF, PTR, CONST, VOLATILE, RESTRICT, FUNC_PROTO, TYPE_TAG;
//   4. ids rewritten: marked base ids through the map, other split ids shifted down.
// Strings: the distilled base gets the names it needs; split strings already in the distilled
// base point there, the rest follow in order of first use. Byte order is kept.

import { BtfError } from '../../common/errors.js';
import { Btf } from '../model/btf.js';
import { strFields, typeIdFields } from '../model/fields.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_FLOAT, BTF_KIND_FUNC_PROTO,
  BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG, BTF_KIND_UNION, BTF_KIND_VOLATILE, kindName,
} from '../wire/kinds.js';

/** The two results of distilling. */
export interface Distilled {
  /** The distilled base: named INT/FLOAT/FWD/STRUCT/UNION/ENUM only. */
  base: Btf;
  /** The new split BTF, over `base`. */
  split: Btf;
}

const REFERABLE = new Set([
  BTF_KIND_INT, BTF_KIND_FLOAT, BTF_KIND_FWD, BTF_KIND_ARRAY, BTF_KIND_STRUCT, BTF_KIND_UNION,
  BTF_KIND_TYPEDEF, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_PTR, BTF_KIND_CONST, BTF_KIND_RESTRICT,
  BTF_KIND_VOLATILE, BTF_KIND_FUNC_PROTO, BTF_KIND_TYPE_TAG,
]);

/**
 * Distill the base of split BTF `src`.
 * @throws BtfError when `src` has no base, or a split type refers to a base FUNC, VAR, DATASEC or
 *   DECL_TAG (such BTF cannot be relocated).
 */
export function distillBase(src: Btf, opts: { file?: string } = {}): Distilled {
  if (!src.base) throw new BtfError('distilling needs split BTF (a base was not given)', { file: opts.file });
  return new Distiller(src, opts.file).run();
}

/** One distillation (methods rather than closures, so that each run calls the same functions). */
class Distiller {
  private readonly splitStart: number;
  /** Per base id: its id in the distilled base or the new split BTF (0 = not marked). */
  private readonly idMap: Int32Array;
  /** Marked base ids (ascending once marking is done). */
  private readonly marked: number[] = [];
  /** Source string offset -> destination offset, shared by both destinations. */
  private readonly strMap = new Map<number, number>();
  /** Word indices of one record's fields. */
  private readonly fields: number[] = [];

  constructor(private readonly src: Btf, private readonly file: string | undefined) {
    this.splitStart = src.startId;
    this.idMap = new Int32Array(src.startId);
  }

  run(): Distilled {
    const { src, splitStart, idMap } = this;
    for (let id = splitStart; id < src.typeCount; id++) this.mark(id, id);
    this.marked.sort((a, b) => a - b);

    const base = new Btf({ le: src.le });
    this.addDistilled(base, true);
    const split = new Btf({ base, le: src.le });
    for (let id = splitStart; id < src.typeCount; id++) this.copyType(split, id);
    this.addDistilled(split, false);

    const diff = splitStart - base.typeCount;
    const w = split.words;
    const fields = this.fields;
    for (let i = 0; i < split.count; i++) {
      fields.length = 0;
      typeIdFields(w, split.offs[i], fields);
      for (let f = 0; f < fields.length; f++) {
        const wi = fields[f];
        const x = w[wi];
        if (x < splitStart && idMap[x]) w[wi] = idMap[x];
        else if (x >= splitStart) w[wi] = x - diff;
      }
    }
    return { base, split };
  }

  /** Mark the base types `id` refers to, and theirs, except through named structs/unions (`from`: the split type it started from). */
  private mark(from: number, id: number): void {
    const { src, splitStart, idMap } = this;
    const { words, off } = src.record(id);
    const refs: number[] = [];
    typeIdFields(words, off, refs);
    for (let i = 0; i < refs.length; i++) refs[i] = words[refs[i]];
    for (let i = 0; i < refs.length; i++) {
      const r = refs[i];
      if (r === 0 || r >= splitStart || idMap[r] > 0) continue;
      const k = src.kind(r);
      if (!REFERABLE.has(k)) {
        throw new BtfError(
          `type [${from}] refers to base type [${r}] of kind ${kindName(k)}, which a distilled base cannot describe`,
          { file: this.file, typeId: from },
        );
      }
      idMap[r] = r;
      this.marked.push(r);
      if ((k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) && src.nameOff(r) !== 0) continue;
      this.mark(from, r);
    }
  }

  private pipeStr(dst: Btf, off: number): number {
    if (off === 0) return 0;
    let r = this.strMap.get(off);
    if (r === undefined) {
      const b = this.src.strBytes(off);
      r = dst.addStrBytes(b, 0, b.length);
      this.strMap.set(off, r);
    }
    return r;
  }

  private copyType(dst: Btf, id: number): number {
    const { words, off, len } = this.src.record(id);
    const rec = words.slice(off, off + len);
    const fields = this.fields;
    fields.length = 0;
    strFields(rec, 0, fields);
    for (let f = 0; f < fields.length; f++) rec[fields[f]] = this.pipeStr(dst, rec[fields[f]]);
    return dst.addRecord(rec);
  }

  private addDistilled(dst: Btf, toBase: boolean): void {
    const src = this.src;
    for (const i of this.marked) {
      const k = src.kind(i);
      const named = src.nameOff(i) !== 0;
      let nid: number;
      switch (k) {
        case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_FWD:
          if (!toBase) continue;
          nid = this.copyType(dst, i);
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION:
          if (toBase !== named) continue;
          nid = toBase ? dst.add(k, dst.addStr(src.name(i)), 0, false, src.sizeType(i)) : this.copyType(dst, i);
          break;
        case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
          if (toBase !== named) continue;
          nid = toBase ? dst.add(BTF_KIND_ENUM, dst.addStr(src.name(i)), 0, false, src.sizeType(i)) : this.copyType(dst, i);
          break;
        default:
          if (toBase) continue;
          nid = this.copyType(dst, i);
      }
      this.idMap[i] = nid;
    }
  }
}

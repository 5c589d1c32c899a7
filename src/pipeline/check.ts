// Will a module's BTF be usable on a given kernel? Relocation for a distilled base, an explicit
// match check for plain split BTF.

import { z } from 'zod';
import { BtfpostError } from '../common/errors.js';
import type { Btf } from '../btf/model/btf.js';
import { btfFromBytes, btfFromElf, type LoadedBtf } from '../btf/load.js';
import { hasElfMagic, parseElf } from '../elf/index.js';
import { relocateBtf } from '../btf/relocate/index.js';
import { checkLoadable, validateBtf } from '../btf/validate.js';
import { forEachTypeIdField } from '../btf/model/fields.js';
import { kindName } from '../btf/wire/kinds.js';

/** One module's verdict. */
export const CheckResultSchema = z.object({
  module: z.string(),
  /** "distilled": the module carries .BTF.base; "split": plain split BTF; "none": no .BTF. */
  mode: z.enum(['distilled', 'split', 'none']),
  ok: z.boolean(),
  /** Why not, when ok is false. */
  reason: z.string().optional(),
  /**
   * Where it failed: "read" (the BTF cannot be parsed over this base), "load" (libbpf's load
   * checks fail), "relocate", "ids" (a referenced base type changed), "kernel" (a kernel rule).
   */
  stage: z.enum(['read', 'load', 'relocate', 'ids', 'kernel']).optional(),
  /** Split types, when the BTF could be read. */
  types: z.number().int().nonnegative().optional(),
  /** Base types the split BTF refers to (plain split) or distilled types mapped (distilled). */
  baseRefs: z.number().int().nonnegative().optional(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

/** The JSON report of `btfpost check --json`. */
export const CheckReportSchema = z.object({
  base: z.string(),
  modules: z.array(CheckResultSchema),
  ok: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type CheckReport = z.infer<typeof CheckReportSchema>;

function describeType(btf: Btf, id: number): string {
  const k = btf.kind(id);
  const name = btf.nameOff(id) ? `'${btf.name(id)}'` : '(anon)';
  const sized = k === 1 || k === 4 || k === 5 || k === 6 || k === 16 || k === 19;
  return `${kindName(k)} ${name}${sized ? ` size ${btf.sizeType(id)}` : ''}`;
}

/**
 * Check one module (the bytes of a .ko or raw split BTF) against `base`.
 * With `builtWith` (the vmlinux BTF the module was built against), plain split BTF is also
 * checked id by id: every base type it refers to must have the same kind, name and size in `base`.
 */
export function checkModule(bytes: Uint8Array, file: string, base: Btf, opts: { builtWith?: Btf | null } = {}): CheckResult {
  // One read: an ELF carrying a distilled base is relocated onto `base`; anything else is read as
  // split BTF over `base`, as the kernel would.
  let loaded: LoadedBtf;
  try {
    if (hasElfMagic(bytes)) {
      const elf = parseElf(bytes, file);
      if (!elf.sectionByName('.BTF')) return { module: file, mode: 'none', ok: false, stage: 'read', reason: 'no .BTF section' };
      loaded = btfFromElf(elf, file, { base, relocate: false });
    } else {
      loaded = btfFromBytes(bytes, file, { base });
    }
  } catch (e) {
    if (!(e instanceof BtfpostError)) throw e;
    return { module: file, mode: 'split', ok: false, stage: 'read', reason: e.message };
  }
  if (loaded.distilled) {
    let btf: Btf;
    try {
      btf = relocateBtf(loaded.btf, base, { file }).btf;
    } catch (e) {
      if (!(e instanceof BtfpostError)) throw e;
      return { module: file, mode: 'distilled', ok: false, stage: 'relocate', reason: e.message };
    }
    const p = validateBtf(btf)[0];
    if (p) return { module: file, mode: 'distilled', ok: false, stage: 'kernel', reason: `relocated BTF breaks a kernel rule: type [${p.typeId}] ${p.message}`, types: btf.count };
    return { module: file, mode: 'distilled', ok: true, types: btf.count, baseRefs: loaded.distilled.count };
  }
  const split = loaded.btf;
  const p = checkLoadable(split);
  if (p) return { module: file, mode: 'split', ok: false, stage: 'load', reason: `type [${p.typeId}]: ${p.message}`, types: split.count };
  const refs = new Set<number>();
  for (let i = 0; i < split.count; i++) {
    forEachTypeIdField(split.words, split.offs[i], (wi) => {
      const r = split.words[wi];
      if (r !== 0 && r < split.startId) refs.add(r);
    });
  }
  const old = opts.builtWith;
  if (old) {
    if (old.typeCount !== base.typeCount) {
      return { module: file, mode: 'split', ok: false, stage: 'ids', reason: `built against a base of ${old.typeCount - 1} types; this base has ${base.typeCount - 1}, so every split id moves`, types: split.count, baseRefs: refs.size };
    }
    for (const r of [...refs].sort((a, b) => a - b)) {
      const was = describeType(old, r);
      const now = describeType(base, r);
      if (was !== now) return { module: file, mode: 'split', ok: false, stage: 'ids', reason: `base type [${r}] was ${was}, is now ${now}`, types: split.count, baseRefs: refs.size };
    }
  }
  const kp = validateBtf(split)[0];
  if (kp) return { module: file, mode: 'split', ok: false, stage: 'kernel', reason: `the kernel would refuse it: type [${kp.typeId}] ${kp.message}`, types: split.count, baseRefs: refs.size };
  return { module: file, mode: 'split', ok: true, types: split.count, baseRefs: refs.size };
}

// Lists the kfuncs an ELF declares: functions in BTF_SET8_KFUNCS sets of .BTF_ids, with their flags.

import { SHN_XINDEX } from '../elf/constants.js';
import type { ElfFile } from '../elf/file.js';
import { BTF_ID_FUNC_PFX, BTF_ID_SET8_PFX, BTF_IDS_SECTION, BTF_SET8_KFUNCS } from './constants.js';
import { BtfIdsError } from './errors.js';

/** One function listed in a kfunc set. */
export interface KfuncEntry {
  /** Function name (prefix and unique suffix removed), latin1. */
  name: string;
  /** The pair's flags word (KF_ACQUIRE, KF_RELEASE, ...), in host order. */
  flags: number;
  /** Name of the set8 that lists it. */
  set: string;
  /** Offset of its pair inside `.BTF_ids`. */
  offset: number;
}

/**
 * The function name a `__BTF_ID__func__<name>__<unique>` symbol stands for, or null when the
 * symbol is not of that form (same rule as pahole's `get_func_name()`).
 */
export function kfuncSymbolName(symbolName: string): string | null {
  if (!symbolName.startsWith(BTF_ID_FUNC_PFX)) return null;
  const rest = symbolName.slice(BTF_ID_FUNC_PFX.length);
  if (!rest.includes('__')) return null;
  const p = rest.lastIndexOf('_');
  if (p <= 0 || rest.charCodeAt(p - 1) !== 0x5f) return null;
  return rest.slice(0, p - 1);
}

/**
 * List the kfuncs of an ELF the way pahole's `decl_tag_kfuncs` feature finds them
 * (`btf_encoder__collect_kfuncs()`): every `__BTF_ID__set8__*` symbol in `.BTF_ids` whose set
 * flags word has `BTF_SET8_KFUNCS` gives a range `[st_value, st_value + st_size)`; every
 * `__BTF_ID__func__*` symbol inside a range is a kfunc, with the flags word that follows its id.
 * Entries come in symbol-table order; a function listed by several sets appears once per listing.
 * Flags are read in the file's byte order. Read the ELF before resolution, as pahole does: sorting
 * moves the pairs, so in a resolved file a slot may hold another function's flags (see
 * `unresolveBtfIds`). An ELF without `.BTF_ids` or a symbol table has no kfuncs.
 * @throws BtfIdsError when a kfunc's pair lies outside the section.
 */
export function listKfuncs(elf: ElfFile): KfuncEntry[] {
  const sec = elf.sectionByName(BTF_IDS_SECTION);
  const symtab = elf.symbols();
  if (!sec || !symtab) return [];
  const data = elf.sectionData(sec);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = elf.le;
  const base = sec.addrBig;
  const size = BigInt(data.length);
  const inSection = (i: number) => {
    const raw = symtab.rawShndx(i);
    return raw === sec.index || (raw === SHN_XINDEX && symtab.shndx(i) === sec.index);
  };
  const nameOf = (i: number): string | null => {
    try {
      return symtab.name(i);
    } catch {
      return null;
    }
  };

  // The symbols in .BTF_ids, found in one pass over the table (a vmlinux has ~200K symbols).
  const inIds: number[] = [];
  for (let i = 1; i < symtab.count; i++) if (inSection(i)) inIds.push(i);

  const ranges: { start: bigint; end: bigint; name: string }[] = [];
  for (const i of inIds) {
    const name = nameOf(i);
    if (name === null || !name.startsWith(BTF_ID_SET8_PFX)) continue;
    const rel = symtab.valueBig(i) - base;
    // pahole skips a set whose flags cannot be read.
    if (rel < 0n || rel + 8n > size) continue;
    const flags = view.getUint32(Number(rel) + 4, le);
    if ((flags & BTF_SET8_KFUNCS) === 0) continue;
    const start = symtab.valueBig(i);
    ranges.push({ start, end: start + BigInt(symtab.size(i)), name: name.slice(BTF_ID_SET8_PFX.length) });
  }
  if (ranges.length === 0) return [];

  const out: KfuncEntry[] = [];
  for (const i of inIds) {
    const symName = nameOf(i);
    if (symName === null) continue;
    const func = kfuncSymbolName(symName);
    if (func === null) continue;
    const addr = symtab.valueBig(i);
    const range = ranges.find((r) => r.start <= addr && addr < r.end);
    if (!range) continue;
    const rel = addr - base;
    if (rel < 0n || rel + 8n > size) {
      throw new BtfIdsError(`kfunc '${func}' pair lies outside the section`, { file: elf.fileName, section: BTF_IDS_SECTION, symbol: symName });
    }
    const off = Number(rel);
    out.push({ name: func, flags: view.getUint32(off + 4, le), set: range.name, offset: off });
  }
  return out;
}

// Collects the __BTF_ID__* symbols of .BTF_ids: which name goes into which slots, and where the sets are.

import { SHN_XINDEX } from '../elf/constants.js';
import type { ElfFile, ElfSection } from '../elf/file.js';
import {
  ADDR_CNT, BTF_FUNC, BTF_ID_PREFIX, BTF_IDS_SECTION, BTF_SET, BTF_SET8, BTF_STRUCT, BTF_TYPEDEF, BTF_UNION,
} from './constants.js';
import { BtfIdsError } from './errors.js';

/** The slot kinds that name a BTF type, each matched against one BTF kind. */
export type BtfIdKind = 'struct' | 'union' | 'typedef' | 'func';

/** The slot kinds in the order resolve_btfids patches them. */
export const BTF_ID_KINDS: readonly BtfIdKind[] = ['struct', 'union', 'typedef', 'func'];

/** One name to resolve and every slot that receives its id. */
export interface BtfIdName {
  kind: BtfIdKind;
  /** The type name, prefix and unique suffix removed, decoded as latin1 (bytes round-trip). */
  name: string;
  /** The same name as raw bytes. */
  bytes: Uint8Array;
  /** Byte offsets of its 4-byte slots inside `.BTF_ids`, in symbol-table order. */
  offsets: number[];
  /** Symbol-table index of each slot's symbol (parallel to `offsets`). */
  symbols: number[];
}

/** One `BTF_SET_START`/`BTF_SET8_START` set (`struct btf_id_set` / `struct btf_id_set8`). */
export interface BtfIdSet {
  kind: 'set' | 'set8';
  /** The set's name (text after `__BTF_ID__set__` or `__BTF_ID__set8__`). */
  name: string;
  /** Byte offset of its `cnt` word inside `.BTF_ids`. */
  offset: number;
  /** Element count from the symbol size: `st_size / 4 - 1` (set) or `st_size / 8 - 1` (set8). */
  cnt: number;
  /** st_size of the set symbol. */
  size: number;
  /** Symbol-table index of the set symbol. */
  symbol: number;
}

/** Everything resolution needs to know about one file's `.BTF_ids`. */
export interface BtfIdsLayout {
  /** File name for messages. */
  file: string | undefined;
  /** The `.BTF_ids` section. */
  section: ElfSection;
  /** Its bytes (a view into the ELF, not to be modified). */
  data: Uint8Array;
  /** Byte order of the file (and so of every word in the section). */
  le: boolean;
  /** Names to resolve per kind, keyed by the latin1 name, in first-seen order. */
  names: Record<BtfIdKind, Map<string, BtfIdName>>;
  /** Slot symbols per kind, duplicates of a name included (resolve_btfids `nr_structs`, ...). */
  symbolCounts: Record<BtfIdKind, number>;
  /** Sets and 8-byte sets, keyed by set name (one namespace for both, as in resolve_btfids). */
  sets: Map<string, BtfIdSet>;
  /** How many `__BTF_ID__` symbols point into the section. */
  symbolCount: number;
  /** Names (slots and sets) in the order they were first seen, as resolve_btfids reports adding them. */
  added: string[];
}

/** `collectBtfIds` result: the layout, or why there is nothing to resolve. */
export type BtfIdsCollection =
  | { found: true; layout: BtfIdsLayout }
  | { found: false; reason: string };

/** What a `__BTF_ID__` symbol name says, following resolve_btfids' parsing. */
export type ParsedBtfIdSymbol =
  | { type: 'slot'; kind: BtfIdKind; name: string }
  | { type: 'set'; kind: 'set' | 'set8'; name: string }
  | { type: 'error'; reason: 'unsupported-prefix' | 'bad-name' | 'bad-set-name'; message: string };

const PREFIX_BYTES = Buffer.from(BTF_ID_PREFIX, 'latin1');

/**
 * Split a symbol name that starts with `__BTF_ID__` the way resolve_btfids does: the kind is a
 * prefix match against struct, union, typedef, func, set8, set (in that order); for slots two
 * separator bytes are skipped and the unique suffix is cut at the last `_`, which must follow
 * another `_` (so `__BTF_ID__func__vfs_close__123` names `vfs_close`); for sets the rest after
 * `set__`/`set8__` is the set name, unchanged.
 */
export function parseBtfIdSymbol(symbolName: string): ParsedBtfIdSymbol {
  const prefix = symbolName.slice(BTF_ID_PREFIX.length);
  const slot = (kind: BtfIdKind, len: number): ParsedBtfIdSymbol => {
    const rest = prefix.slice(len);
    if (rest.length <= 2) return { type: 'error', reason: 'bad-name', message: `cannot parse symbol name ${BTF_ID_PREFIX}${prefix}: no __<unique> suffix` };
    const id = rest.slice(2);
    const p = id.lastIndexOf('_');
    if (p <= 0 || id.charCodeAt(p - 1) !== 0x5f) return { type: 'error', reason: 'bad-name', message: `cannot parse symbol name ${BTF_ID_PREFIX}${prefix}: no __<unique> suffix` };
    return { type: 'slot', kind, name: id.slice(0, p - 1) };
  };
  const set = (kind: 'set' | 'set8'): ParsedBtfIdSymbol => {
    const skip = kind.length + 2;
    if (prefix.length <= skip) return { type: 'error', reason: 'bad-set-name', message: `cannot parse set name ${BTF_ID_PREFIX}${prefix}: the name is empty` };
    return { type: 'set', kind, name: prefix.slice(skip) };
  };
  if (prefix.startsWith(BTF_STRUCT)) return slot('struct', BTF_STRUCT.length);
  if (prefix.startsWith(BTF_UNION)) return slot('union', BTF_UNION.length);
  if (prefix.startsWith(BTF_TYPEDEF)) return slot('typedef', BTF_TYPEDEF.length);
  if (prefix.startsWith(BTF_FUNC)) return slot('func', BTF_FUNC.length);
  if (prefix.startsWith(BTF_SET8)) return set('set8');
  if (prefix.startsWith(BTF_SET)) return set('set');
  return { type: 'error', reason: 'unsupported-prefix', message: `unsupported prefix ${prefix}` };
}

/**
 * Find `.BTF_ids` and the symbol table, and collect every `__BTF_ID__*` symbol defined in the
 * section. Offsets are `st_value - sh_addr` (0-based in ET_REL objects, kernel addresses in
 * vmlinux), computed exactly with bigints.
 * @throws BtfIdsError for what resolve_btfids rejects (unsupported prefix, unparsable name, more
 * than ADDR_CNT slots for one name, a set name used twice) and for slots or sets that do not fit
 * in the section or are not 4-byte aligned (resolve_btfids would write out of bounds or misaligned).
 */
export function collectBtfIds(elf: ElfFile): BtfIdsCollection {
  const sec = elf.sectionByName(BTF_IDS_SECTION);
  if (!sec) return { found: false, reason: `no ${BTF_IDS_SECTION} section` };
  const symtab = elf.symbols();
  if (!symtab) return { found: false, reason: 'no symbol table' };
  const file = elf.fileName;
  const data = elf.sectionData(sec);
  const size = data.length;
  const base = sec.addrBig;
  const secIndex = sec.index;
  const strs = elf.sectionData(symtab.strtab);
  const layout: BtfIdsLayout = {
    file,
    section: sec,
    data,
    le: elf.le,
    names: { struct: new Map(), union: new Map(), typedef: new Map(), func: new Map() },
    symbolCounts: { struct: 0, union: 0, typedef: 0, func: 0 },
    sets: new Map(),
    symbolCount: 0,
    added: [],
  };
  const err = (message: string, offset: number | undefined, symbol: string) =>
    new BtfIdsError(message, { file, section: BTF_IDS_SECTION, offset, symbol });
  for (const i of btfIdSymbols(elf, secIndex)) {
    const nameOff = symtab.nameOffset(i);
    const end = strs.indexOf(0, nameOff + PREFIX_BYTES.length);
    if (end < 0) continue;
    const symName = Buffer.from(strs.buffer, strs.byteOffset + nameOff, end - nameOff).toString('latin1');
    layout.symbolCount++;

    const rel = symtab.valueBig(i) - base;
    const parsed = parseBtfIdSymbol(symName);
    if (parsed.type === 'error') {
      throw err(parsed.message, rel >= 0n && rel < BigInt(size) ? Number(rel) : undefined, symName);
    }
    if (rel < 0n || rel >= BigInt(size)) {
      throw err(`symbol ${symName} at ${rel < 0n ? '-' : ''}0x${(rel < 0n ? -rel : rel).toString(16)} lies outside the section (0x${size.toString(16)} bytes)`, undefined, symName);
    }
    const off = Number(rel);
    if (off % 4 !== 0) throw err(`symbol ${symName} is not 4-byte aligned`, off, symName);

    if (parsed.type === 'set') {
      if (layout.sets.has(parsed.name)) throw err(`set name '${parsed.name}' is defined twice`, off, symName);
      const unit = parsed.kind === 'set8' ? 8 : 4;
      const stSize = symtab.size(i);
      const cnt = Math.floor(stSize / unit) - 1;
      if (cnt < 0) throw err(`${parsed.kind} '${parsed.name}' has size ${stSize}, too small for its header`, off, symName);
      const header = unit === 8 ? 8 : 4;
      if (off + header + cnt * unit > size) {
        throw err(`${parsed.kind} '${parsed.name}' (${cnt} entries) runs past the end of the section (0x${size.toString(16)} bytes)`, off, symName);
      }
      layout.sets.set(parsed.name, { kind: parsed.kind, name: parsed.name, offset: off, cnt, size: stSize, symbol: i });
      layout.added.push(parsed.name);
      continue;
    }

    if (off + 4 > size) throw err(`slot of ${symName} runs past the end of the section`, off, symName);
    layout.symbolCounts[parsed.kind]++;
    const map = layout.names[parsed.kind];
    let entry = map.get(parsed.name);
    if (!entry) {
      entry = { kind: parsed.kind, name: parsed.name, bytes: new Uint8Array(Buffer.from(parsed.name, 'latin1')), offsets: [], symbols: [] };
      map.set(parsed.name, entry);
      layout.added.push(parsed.name);
    }
    if (entry.offsets.length >= ADDR_CNT) {
      throw err(`${parsed.kind} '${parsed.name}' has more than ${ADDR_CNT} slots (resolve_btfids' limit per name)`, off, symName);
    }
    entry.offsets.push(off);
    entry.symbols.push(i);
  }
  return { found: true, layout };
}

/**
 * Indices of the symbols defined in section `secIndex` whose name starts with `__BTF_ID__`. The
 * loop reads st_shndx and st_name straight from the table (SymbolTable checked its size and
 * entsize) and is kept small so V8 optimizes it early: vmlinux has ~200k symbols, a few hundred
 * of them in `.BTF_ids`.
 */
function btfIdSymbols(elf: ElfFile, secIndex: number): number[] {
  const symtab = elf.symbols();
  if (!symtab) return [];
  const data = elf.sectionData(symtab.section);
  const strs = elf.sectionData(symtab.strtab);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = elf.le;
  const entsize = elf.is64 ? 24 : 16;
  const shndxAt = elf.is64 ? 6 : 14;
  const count = symtab.count;
  const out: number[] = [];
  for (let i = 1; i < count; i++) {
    const raw = view.getUint16(i * entsize + shndxAt, le);
    if (raw !== secIndex && raw !== SHN_XINDEX) continue;
    if (raw === SHN_XINDEX && symtab.shndx(i) !== secIndex) continue;
    if (hasPrefix(strs, view.getUint32(i * entsize, le))) out.push(i);
  }
  return out;
}

/** Whether the NUL-terminated name at `off` starts with `__BTF_ID__` (false when out of range). */
function hasPrefix(strs: Uint8Array, off: number): boolean {
  const plen = PREFIX_BYTES.length;
  if (off + plen >= strs.length) return false;
  for (let k = 0; k < plen; k++) if (strs[off + k] !== PREFIX_BYTES[k]) return false;
  return true;
}

/** Compare two byte strings as strcmp does (unsigned bytes, shorter prefix first). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

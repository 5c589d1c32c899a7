// The ELF writer: applies an edit plan (replace, add, remove, patch sections) to a parsed file, and writes files atomically.

import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BtfpostError, ElfError } from '../common/errors.js';
import { alignUp, TWO32 } from './bytes.js';
import {
  ELF32_SYM_SIZE,
  ELF64_SYM_SIZE,
  SHF_ALLOC,
  SHF_INFO_LINK,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_GROUP,
  SHT_NOBITS,
  SHT_NULL,
  SHT_PROGBITS,
  SHT_REL,
  SHT_RELA,
  SHT_SYMTAB,
} from './constants.js';
import type { ElfFile, ElfSection } from './file.js';

/** A section named by its name (first live section with that name) or by its index in the input. */
export type SectionRef = string | number;

/** Replace a section's contents (SHT_NOBITS sections cannot be replaced). */
export interface ReplaceSectionEdit {
  op: 'replace';
  section: SectionRef;
  data: Uint8Array;
}

/** Add a new SHT_PROGBITS section with sh_flags 0 (not allocated), appended after every existing section. */
export interface AddSectionEdit {
  op: 'add';
  name: string;
  data: Uint8Array;
  /** sh_addralign of the new section; default 4. */
  align?: number;
}

/** Remove a section, renumbering the ones after it. */
export interface RemoveSectionEdit {
  op: 'remove';
  section: SectionRef;
}

/** Overwrite `data.length` bytes at `offset` inside a section (the section keeps its size). */
export interface PatchSectionEdit {
  op: 'patch';
  section: SectionRef;
  offset: number;
  data: Uint8Array;
}

/** One edit of a plan. */
export type ElfEdit = ReplaceSectionEdit | AddSectionEdit | RemoveSectionEdit | PatchSectionEdit;

/** Edits applied in order, and what to do with an appended module signature. */
export interface ElfEditPlan {
  edits: readonly ElfEdit[];
  /** 'keep' (default) re-appends the signature bytes unchanged; 'strip' drops them. */
  signature?: 'keep' | 'strip';
}

/** Default sh_addralign for added sections. */
export const DEFAULT_ADDED_SECTION_ALIGN = 4;

interface WorkSection {
  orig: ElfSection | null;
  name: string;
  /** New contents, or null while the original bytes are kept. */
  data: Uint8Array | null;
  removed: boolean;
  align: number;
}

interface Placement {
  ws: WorkSection;
  newIndex: number;
  offset: number;
  size: number;
}

/**
 * Apply `plan` to `elf` and return the new file bytes.
 *
 * Layout rules: sections keep their index unless a section before them is removed, in which case
 * sh_link/sh_info, symbol st_shndx (including SHT_SYMTAB_SHNDX entries), SHT_GROUP members and
 * e_shstrndx are renumbered; removing a section that is still referenced (sh_link, a relocation
 * section's sh_info, a symbol) is refused with `ElfError`. Contents that fit in their old place are
 * written there (leftover bytes zeroed); grown and added sections, a grown `.shstrtab` and a grown
 * section header table go after the last section data (replacing a section header table that ended
 * the file) or else at the end of the file. File bytes no section uses any more (removed or moved
 * sections, shrink leftovers) are zeroed. All other bytes are kept, so an edit that changes nothing
 * gives a byte-identical file.
 */
export function applyElfEdits(elf: ElfFile, plan: ElfEditPlan): Uint8Array {
  return concatChunks(new ElfEditor(elf).run(plan));
}

/**
 * `applyElfEdits` without assembling the file: the result is a list of pieces to write one after
 * the other, most of them views of `elf.bytes` (which must stay unchanged until they are written).
 * Saves a copy of the whole file when only a few sections change.
 */
export function applyElfEditsChunks(elf: ElfFile, plan: ElfEditPlan): readonly Uint8Array[] {
  return new ElfEditor(elf).run(plan);
}

/** The bytes of `chunks` in one new array. */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

const PAGE = 4096;

/**
 * Output file under construction: bytes [0, prefix) come from `src` and are copied a page at a
 * time only where something writes to them; bytes from `prefix` on live in a new zeroed tail.
 */
class OutputImage {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly tail: Uint8Array;
  private readonly scratch = new DataView(new ArrayBuffer(4));

  constructor(private readonly src: Uint8Array, private readonly prefix: number, readonly length: number) {
    this.tail = new Uint8Array(length - prefix);
  }

  /** Copy `bytes` to `off`. */
  set(bytes: Uint8Array, off: number): void {
    let i = 0;
    while (i < bytes.length && off + i < this.prefix) {
      const at = off + i;
      const page = this.page(Math.floor(at / PAGE));
      const inPage = at % PAGE;
      const n = Math.min(bytes.length - i, PAGE - inPage, this.prefix - at);
      page.set(bytes.subarray(i, i + n), inPage);
      i += n;
    }
    if (i < bytes.length) this.tail.set(bytes.subarray(i), off + i - this.prefix);
  }

  /** Zero bytes [a, b). */
  fill0(a: number, b: number): void {
    let at = a;
    while (at < b && at < this.prefix) {
      const page = this.page(Math.floor(at / PAGE));
      const inPage = at % PAGE;
      const n = Math.min(b - at, PAGE - inPage, this.prefix - at);
      page.fill(0, inPage, inPage + n);
      at += n;
    }
    if (at < b) this.tail.fill(0, at - this.prefix, b - this.prefix);
  }

  setU32(off: number, v: number, le: boolean): void {
    this.scratch.setUint32(0, v, le);
    this.set(new Uint8Array(this.scratch.buffer), off);
  }

  setU16(off: number, v: number, le: boolean): void {
    this.scratch.setUint16(0, v, le);
    this.set(new Uint8Array(this.scratch.buffer, 0, 2), off);
  }

  /** The file as pieces: unchanged runs of `src`, copied pages, then the tail. */
  chunks(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const idx = [...this.pages.keys()].sort((x, y) => x - y);
    let pos = 0;
    for (const k of idx) {
      const start = k * PAGE;
      if (start > pos) out.push(this.src.subarray(pos, start));
      const page = this.pages.get(k)!;
      out.push(page);
      pos = start + page.length;
    }
    if (pos < this.prefix) out.push(this.src.subarray(pos, this.prefix));
    if (this.tail.length > 0) out.push(this.tail);
    return out.length > 0 ? out : [new Uint8Array(0)];
  }

  private page(k: number): Uint8Array {
    let p = this.pages.get(k);
    if (p === undefined) {
      p = this.src.slice(k * PAGE, Math.min((k + 1) * PAGE, this.prefix));
      this.pages.set(k, p);
    }
    return p;
  }
}

class ElfEditor {
  private readonly elf: ElfFile;
  private readonly work: WorkSection[];
  private readonly file: string | undefined;
  /** How many live sections carry each name (section 0 excluded). */
  private readonly nameCount = new Map<string, number>();

  constructor(elf: ElfFile) {
    this.elf = elf;
    this.file = elf.fileName;
    this.work = elf.sections.map((s) => ({ orig: s, name: s.name, data: null, removed: false, align: s.addralign }));
    for (let i = 1; i < this.work.length; i++) this.countName(this.work[i].name, 1);
  }

  private countName(name: string, delta: number): void {
    this.nameCount.set(name, (this.nameCount.get(name) ?? 0) + delta);
  }

  private err(msg: string, section?: string, offset?: number): ElfError {
    return new ElfError(msg, { file: this.file, section, offset });
  }

  private resolve(ref: SectionRef): WorkSection {
    if (typeof ref === 'number') {
      const ws = this.work[ref];
      if (ws === undefined || ws.orig === null || !Number.isInteger(ref)) throw this.err(`no section with index ${ref}`);
      if (ref === 0) throw this.err('section 0 cannot be edited');
      if (ws.removed) throw this.err(`section ${ref} (${ws.name}) was already removed`, ws.name);
      return ws;
    }
    if ((this.nameCount.get(ref) ?? 0) > 0) {
      for (let i = 1; i < this.work.length; i++) {
        const ws = this.work[i];
        if (!ws.removed && ws.name === ref) return ws;
      }
    }
    throw this.err(`no section named ${ref}`);
  }

  private currentData(ws: WorkSection): Uint8Array {
    if (ws.data !== null) return ws.data;
    return ws.orig ? this.elf.sectionData(ws.orig) : new Uint8Array(0);
  }

  /** A private, writable copy of the section's current contents. */
  private ownData(ws: WorkSection): Uint8Array {
    const copy = this.currentData(ws).slice();
    ws.data = copy;
    return copy;
  }

  run(plan: ElfEditPlan): Uint8Array[] {
    const elf = this.elf;
    if (elf.shnum === 0) throw this.err('file has no section header table; nothing can be edited');
    for (const e of plan.edits) this.applyOne(e);
    const live = this.work.filter((w) => !w.removed);
    const newIndex = new Int32Array(elf.shnum).fill(-1);
    live.forEach((w, i) => {
      if (w.orig) newIndex[w.orig.index] = i;
    });
    if (this.work.some((w) => w.removed && w.orig !== null)) this.renumber(newIndex);
    const nameOffsets = this.assignNames();
    return this.layout(live, newIndex, nameOffsets, plan.signature ?? 'keep');
  }

  private applyOne(e: ElfEdit): void {
    switch (e.op) {
      case 'replace': {
        const ws = this.resolve(e.section);
        if (ws.orig && (ws.orig.type === SHT_NOBITS || ws.orig.type === SHT_NULL)) throw this.err('cannot replace the contents of a SHT_NOBITS/SHT_NULL section', ws.name);
        ws.data = e.data;
        return;
      }
      case 'patch': {
        const ws = this.resolve(e.section);
        if (ws.orig && (ws.orig.type === SHT_NOBITS || ws.orig.type === SHT_NULL)) throw this.err('cannot patch a SHT_NOBITS/SHT_NULL section', ws.name);
        const size = this.currentData(ws).length;
        if (!(Number.isInteger(e.offset) && e.offset >= 0 && e.offset + e.data.length <= size)) {
          throw this.err(`patch of ${e.data.length} bytes at 0x${e.offset.toString(16)} does not fit in the section (0x${size.toString(16)} bytes)`, ws.name, e.offset);
        }
        this.ownData(ws).set(e.data, e.offset);
        return;
      }
      case 'add': {
        if (e.name.length === 0 || e.name.includes('\0')) throw this.err(`bad section name ${JSON.stringify(e.name)}`);
        if ((this.nameCount.get(e.name) ?? 0) > 0) throw this.err(`section ${e.name} already exists; replace it instead`, e.name);
        const align = e.align ?? DEFAULT_ADDED_SECTION_ALIGN;
        if (!(Number.isInteger(align) && align >= 1)) throw this.err(`bad alignment ${align} for new section`, e.name);
        this.work.push({ orig: null, name: e.name, data: e.data, removed: false, align });
        this.countName(e.name, 1);
        return;
      }
      case 'remove': {
        const ws = this.resolve(e.section);
        if (ws.orig && ws.orig.index === this.elf.shstrndx) throw this.err('cannot remove the section header string table', ws.name);
        ws.removed = true;
        this.countName(ws.name, -1);
        return;
      }
    }
  }

  /** Check nothing live refers to a removed section, then rewrite indices in headers' data users. */
  private renumber(newIndex: Int32Array): void {
    const elf = this.elf;
    const isRemoved = (idx: number) => idx > 0 && idx < newIndex.length && newIndex[idx] < 0;
    for (const ws of this.work) {
      const s = ws.orig;
      if (ws.removed || s === null) continue;
      if (s.index !== 0 && isRemoved(s.link)) {
        throw this.err(`cannot remove ${elf.sections[s.link].name || `[${s.link}]`}: it is the sh_link of ${s.name}`, elf.sections[s.link].name);
      }
      if (infoIsSection(s) && isRemoved(s.info)) {
        throw this.err(`cannot remove ${elf.sections[s.info].name}: relocation section ${s.name} applies to it`, elf.sections[s.info].name);
      }
    }
    for (const ws of this.work) {
      const s = ws.orig;
      if (ws.removed || s === null) continue;
      if (s.type === SHT_SYMTAB || s.type === SHT_DYNSYM) this.renumberSymbols(ws, newIndex);
      else if (s.type === SHT_GROUP) this.renumberGroup(ws, newIndex);
    }
  }

  private renumberSymbols(ws: WorkSection, newIndex: Int32Array): void {
    const elf = this.elf;
    const sec = ws.orig as ElfSection;
    const entsize = elf.is64 ? ELF64_SYM_SIZE : ELF32_SYM_SIZE;
    const shndxOff = elf.is64 ? 6 : 14;
    const le = elf.le;
    let data = this.currentData(ws);
    const count = Math.floor(data.length / entsize);
    let view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const xSec = elf.symtabShndxFor(sec.index);
    const xWork = xSec ? this.work[xSec.index] : undefined;
    let xData: Uint8Array | null = xWork ? this.currentData(xWork) : null;
    let xView = xData ? new DataView(xData.buffer, xData.byteOffset, xData.byteLength) : null;
    let ownedSym = false;
    let ownedX = false;
    const symName = (i: number) => {
      try {
        return elf.symbolTable(sec).name(i);
      } catch {
        return `#${i}`;
      }
    };
    for (let i = 1; i < count; i++) {
      const p = i * entsize + shndxOff;
      const raw = view.getUint16(p, le);
      if (raw === SHN_UNDEF) continue;
      if (raw === SHN_XINDEX) {
        if (xView === null || xData === null || xWork === undefined || (i + 1) * 4 > xData.length) continue;
        const idx = xView.getUint32(i * 4, le);
        if (idx >= newIndex.length) continue;
        const n = newIndex[idx];
        if (n < 0) throw this.err(`cannot remove ${elf.sections[idx].name}: symbol ${i} (${symName(i)}) in ${sec.name} is defined in it`, elf.sections[idx].name);
        if (xWork.removed) throw this.err(`cannot remove ${xWork.name}: symbols in ${sec.name} use SHN_XINDEX`, xWork.name);
        if (n !== idx) {
          if (!ownedX) {
            xData = this.ownData(xWork);
            xView = new DataView(xData.buffer, xData.byteOffset, xData.byteLength);
            ownedX = true;
          }
          xView.setUint32(i * 4, n, le);
        }
        continue;
      }
      if (raw >= SHN_LORESERVE || raw >= newIndex.length) continue;
      const n = newIndex[raw];
      if (n < 0) throw this.err(`cannot remove ${elf.sections[raw].name}: symbol ${i} (${symName(i)}) in ${sec.name} is defined in it`, elf.sections[raw].name);
      if (n !== raw) {
        if (!ownedSym) {
          data = this.ownData(ws);
          view = new DataView(data.buffer, data.byteOffset, data.byteLength);
          ownedSym = true;
        }
        view.setUint16(p, n, le);
      }
    }
  }

  private renumberGroup(ws: WorkSection, newIndex: Int32Array): void {
    const le = this.elf.le;
    const data = this.currentData(ws);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const n = Math.floor(data.length / 4);
    if (n === 0) return;
    const members: number[] = [];
    let changed = false;
    for (let i = 1; i < n; i++) {
      const m = view.getUint32(i * 4, le);
      const ni = m < newIndex.length ? newIndex[m] : m;
      if (ni < 0) {
        changed = true;
        continue;
      }
      if (ni !== m) changed = true;
      members.push(ni);
    }
    if (!changed) return;
    const out = new Uint8Array(4 + members.length * 4);
    const ov = new DataView(out.buffer);
    ov.setUint32(0, view.getUint32(0, le), le);
    members.forEach((m, i) => ov.setUint32(4 + i * 4, m, le));
    ws.data = out;
  }

  /** sh_name values for added sections, growing .shstrtab when a name is not already present. */
  private assignNames(): Map<WorkSection, number> {
    const result = new Map<WorkSection, number>();
    const added = this.work.filter((w) => w.orig === null && !w.removed);
    if (added.length === 0) return result;
    const elf = this.elf;
    if (elf.shstrndx === 0) throw this.err('file has no section header string table; cannot name a new section');
    const shs = this.work[elf.shstrndx];
    let table = this.currentData(shs);
    const enc = new TextEncoder();
    const extra: Uint8Array[] = [];
    let extraLen = 0;
    const pending = new Map<string, number>();
    // Whole strings already in the table; with few new names also look for suffixes of longer ones.
    const whole = new Map<string, number>();
    const dec = new TextDecoder();
    for (let start = 0; start < table.length; ) {
      let end = table.indexOf(0, start);
      if (end < 0) end = table.length;
      else {
        const str = dec.decode(table.subarray(start, end));
        if (!whole.has(str)) whole.set(str, start);
      }
      start = end + 1;
    }
    for (const w of added) {
      const nameBytes = enc.encode(w.name);
      let off = whole.get(w.name) ?? (added.length <= 64 ? findCString(table, nameBytes) : -1);
      if (off < 0) {
        const prev = pending.get(w.name);
        if (prev !== undefined) off = prev;
        else {
          off = table.length + extraLen;
          extra.push(nameBytes, new Uint8Array(1));
          extraLen += nameBytes.length + 1;
          pending.set(w.name, off);
        }
      }
      result.set(w, off);
    }
    if (extraLen > 0) {
      const grown = new Uint8Array(table.length + extraLen);
      grown.set(table, 0);
      let p = table.length;
      for (const e of extra) {
        grown.set(e, p);
        p += e.length;
      }
      shs.data = grown;
      table = grown;
    }
    return result;
  }

  private layout(live: WorkSection[], newIndex: Int32Array, nameOffsets: Map<WorkSection, number>, sigMode: 'keep' | 'strip'): Uint8Array[] {
    const elf = this.elf;
    const E = elf.ehdrLayout;
    const S = elf.shdrLayout;
    const src = elf.bytes;
    const srcLen = src.length;
    const hdr = elf.header;
    const oldCount = elf.shnum;
    const newCount = live.length;
    const oldShoff = hdr.shoff;
    const oldShtSize = oldCount * S.entrySize;
    const newShtSize = newCount * S.entrySize;

    // Decide where each live section's bytes go.
    const places: Placement[] = live.map((ws, i) => {
      const o = ws.orig;
      const size = ws.data !== null ? ws.data.length : o ? o.size : 0;
      return { ws, newIndex: i, offset: o ? o.offset : -1, size };
    });
    const toPlace: Placement[] = [];
    const inPlace: Placement[] = [];
    for (const p of places) {
      const o = p.ws.orig;
      if (o === null) toPlace.push(p);
      else if (o.type === SHT_NOBITS || o.type === SHT_NULL) continue;
      else if (p.ws.data !== null && p.size > o.size) {
        if ((o.flags & SHF_ALLOC) !== 0 && hdr.phnum > 0) {
          throw new BtfpostError('unsupported', `cannot grow allocated section ${o.name} in a file with program headers`, { file: this.file, section: o.name });
        }
        toPlace.push(p);
      } else inPlace.push(p);
    }
    const needTail = toPlace.length > 0 || newShtSize > oldShtSize;

    let dataEnd = Math.max(E.size, hdr.phnum > 0 ? hdr.phoff + hdr.phnum * hdr.phentsize : 0);
    for (const p of inPlace) dataEnd = Math.max(dataEnd, p.offset + p.size);
    const shtIsTail = oldShoff !== 0 && oldShoff + oldShtSize === srcLen && dataEnd <= oldShoff;

    let keepLen: number;
    let shoff: number;
    let end: number;
    if (!needTail) {
      shoff = oldShoff;
      keepLen = srcLen;
      end = shtIsTail ? oldShoff + newShtSize : srcLen;
    } else {
      keepLen = shtIsTail ? Math.min(dataEnd, srcLen) : srcLen;
      let pos = keepLen;
      const grown = toPlace.filter((p) => p.ws.orig !== null).sort((a, b) => a.offset - b.offset);
      const added = toPlace.filter((p) => p.ws.orig === null);
      for (const p of grown) {
        const o = p.ws.orig as ElfSection;
        if (shtIsTail && o.offset >= pos) {
          p.offset = o.offset;
        } else {
          p.offset = alignUp(pos, Math.max(1, o.addralign));
        }
        pos = p.offset + p.size;
      }
      for (const p of added) {
        p.offset = alignUp(pos, p.ws.align);
        pos = p.offset + p.size;
      }
      shoff = alignUp(pos, elf.is64 ? 8 : 4);
      end = shoff + newShtSize;
    }

    const trailer = sigMode === 'keep' && elf.signature ? elf.signature.trailer : new Uint8Array(0);
    const out = new OutputImage(src, Math.min(keepLen, end), end + trailer.length);
    const le = elf.le;

    // Zero bytes no live section uses any more, unless some live section still overlaps them.
    const liveRanges = inPlace.map((p) => [p.offset, p.offset + p.size] as const);
    const zeroDead = (start: number, stop: number) => {
      const a = Math.max(0, start);
      const b = Math.min(stop, keepLen, end);
      if (b <= a) return;
      for (const [s, e] of liveRanges) if (s < b && e > a) return;
      out.fill0(a, b);
    };
    for (const ws of this.work) {
      const o = ws.orig;
      if (o === null || o.type === SHT_NOBITS || o.type === SHT_NULL) continue;
      if (ws.removed) zeroDead(o.offset, o.offset + o.size);
    }
    for (const p of places) {
      const o = p.ws.orig;
      if (o === null || o.type === SHT_NOBITS || o.type === SHT_NULL) continue;
      if (p.offset !== o.offset) zeroDead(o.offset, o.offset + o.size);
      else if (p.size < o.size) zeroDead(o.offset + p.size, o.offset + o.size);
    }
    if (shoff !== oldShoff && oldShoff !== 0) zeroDead(oldShoff, oldShoff + oldShtSize);
    else if (newShtSize < oldShtSize) zeroDead(oldShoff + newShtSize, oldShoff + oldShtSize);

    // Section contents.
    for (const p of places) {
      if (p.ws.data !== null) out.set(p.ws.data, p.offset);
    }

    // Section header table.
    const writeWord = (off: number, v: number) => {
      if (elf.is64) {
        out.setU32(off + (le ? 0 : 4), v % TWO32, le);
        out.setU32(off + (le ? 4 : 0), Math.floor(v / TWO32), le);
      } else {
        if (v > 0xffffffff) throw this.err(`value 0x${v.toString(16)} does not fit in ELF32`);
        out.setU32(off, v, le);
      }
    };
    const newShstrndx = newIndex[elf.shstrndx];
    for (const p of places) {
      const h = shoff + p.newIndex * S.entrySize;
      const o = p.ws.orig;
      if (o !== null) {
        out.set(src.subarray(o.headerOffset, o.headerOffset + S.entrySize), h);
        if (o.index === 0) continue;
        if (p.offset !== o.offset && o.type !== SHT_NOBITS && o.type !== SHT_NULL) writeWord(h + S.offset, p.offset);
        if (p.ws.data !== null && p.size !== o.size) writeWord(h + S.size, p.size);
        if (o.link !== 0 && o.link < newIndex.length && newIndex[o.link] !== o.link) out.setU32(h + S.link, newIndex[o.link], le);
        if (infoIsSection(o) && o.info !== 0 && o.info < newIndex.length && newIndex[o.info] !== o.info) out.setU32(h + S.info, newIndex[o.info], le);
      } else {
        out.fill0(h, h + S.entrySize);
        out.setU32(h + S.name, nameOffsets.get(p.ws) ?? 0, le);
        out.setU32(h + S.type, SHT_PROGBITS, le);
        writeWord(h + S.offset, p.offset);
        writeWord(h + S.size, p.size);
        writeWord(h + S.addralign, p.ws.align);
      }
    }

    // Counts and the ELF header.
    const sh0 = shoff;
    if (newCount !== oldCount) {
      if (newCount >= SHN_LORESERVE) {
        out.setU16(E.shnum, 0, le);
        writeWord(sh0 + S.size, newCount);
      } else {
        out.setU16(E.shnum, newCount, le);
        writeWord(sh0 + S.size, 0);
      }
    }
    if (newShstrndx !== elf.shstrndx) {
      if (newShstrndx >= SHN_LORESERVE) {
        out.setU16(E.shstrndx, SHN_XINDEX, le);
        out.setU32(sh0 + S.link, newShstrndx, le);
      } else {
        out.setU16(E.shstrndx, newShstrndx, le);
        if (hdr.shstrndxRaw === SHN_XINDEX) out.setU32(sh0 + S.link, 0, le);
      }
    }
    if (shoff !== oldShoff) writeWord(E.shoff, shoff);

    out.set(trailer, end);
    return out.chunks();
  }
}

/** Whether sh_info of `s` holds a section index (relocation sections and SHF_INFO_LINK). */
function infoIsSection(s: ElfSection): boolean {
  return s.type === SHT_REL || s.type === SHT_RELA || (s.flags & SHF_INFO_LINK) !== 0;
}

/** Offset of `name` followed by NUL anywhere in `table` (suffix sharing is allowed), or -1. */
function findCString(table: Uint8Array, name: Uint8Array): number {
  const n = name.length;
  const last = table.length - n - 1;
  outer: for (let i = 0; i <= last; i++) {
    if (table[i + n] !== 0) continue;
    for (let j = 0; j < n; j++) if (table[i + j] !== name[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * File-system calls used by `writeFileAtomic` (node:fs's synchronous ones by default); tests may
 * replace them to inject failures. `sync` is the new file's fsync.
 */
export interface AtomicWriteFs {
  stat: (path: string) => { mode: number };
  open: (path: string, flags: string, mode: number) => number;
  write: (fd: number, buf: Uint8Array, offset: number, length: number, position: number) => number;
  chmod: (fd: number, mode: number) => void;
  sync: (fd: number) => void;
  close: (fd: number) => void;
  rename: (from: string, to: string) => void;
  unlink: (path: string) => void;
}

/**
 * Write all of `bytes` to `fd` at file offset `pos` with `write` (node:fs's writeSync unless
 * replaced). @throws Error('short write') when a write makes no progress.
 */
export function writeAllAt(fd: number, bytes: Uint8Array, pos: number, write: AtomicWriteFs['write'] = fs.writeSync): void {
  let off = 0;
  while (off < bytes.length) {
    const n = write(fd, bytes, off, bytes.length - off, pos + off);
    if (n <= 0) throw new Error('short write');
    off += n;
  }
}

const NODE_FS: AtomicWriteFs = {
  stat: fs.statSync, open: fs.openSync, write: fs.writeSync, chmod: fs.fchmodSync, sync: fs.fsyncSync,
  close: fs.closeSync, rename: fs.renameSync, unlink: fs.unlinkSync,
};

/** Options for `writeFileAtomic`. */
export interface AtomicWriteOptions {
  /** Replacement file-system calls (for tests). */
  fs?: Partial<AtomicWriteFs>;
  /**
   * fsync the new file before the rename and its directory after it, so the replacement also
   * survives a system crash. Off by default, as in objcopy and ld: a process stopped at any point
   * leaves either the original or the complete new file either way, and a batch run over a module
   * tree would otherwise wait for the disk after every module.
   */
  sync?: boolean;
}

/**
 * Write `bytes` to `path` atomically: a temporary file in the same directory is written (and
 * fsynced with `sync`), given the original's mode and renamed over the original. On any error the
 * temporary file is removed, the original is left untouched and a `BtfpostError` with code 'io' is
 * thrown (as a rejection). The calls are synchronous, as the readers' are (see file-read.ts).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[], opts: AtomicWriteOptions = {}): Promise<void> {
  writeFileAtomicSync(path, data, opts);
}

function writeFileAtomicSync(path: string, data: Uint8Array | readonly Uint8Array[], opts: AtomicWriteOptions): void {
  const chunks = data instanceof Uint8Array ? [data] : data;
  const io: AtomicWriteFs = { ...NODE_FS, ...opts.fs };
  const dir = dirname(path);
  // Opened exclusively below, so the name needs only to be unlikely to exist (without node:crypto,
  // which most runs never load otherwise).
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let mode: number | undefined;
  try {
    mode = io.stat(path).mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new BtfpostError('io', `cannot stat: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  let created = false;
  try {
    const fd = io.open(tmp, 'wx', mode ?? 0o666);
    created = true;
    try {
      let pos = 0;
      for (const bytes of chunks) {
        writeAllAt(fd, bytes, pos, io.write);
        pos += bytes.length;
      }
      if (mode !== undefined) io.chmod(fd, mode);
      if (opts.sync) io.sync(fd);
    } finally {
      io.close(fd);
    }
    io.rename(tmp, path);
    created = false;
  } catch (e) {
    if (created) {
      try {
        io.unlink(tmp);
      } catch {
        // Nothing more can be done; the original is untouched either way.
      }
    }
    throw new BtfpostError('io', `cannot write: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  if (!opts.sync) return;
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Directory fsync is best effort (not supported everywhere).
  }
}

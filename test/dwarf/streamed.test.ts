// A .debug_info left on disk and read a window of units at a time (a vmlinux's is 211 MB) reads
// the same DIEs, strings and cross-unit references as the section read whole.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DW_AT_name, DW_AT_signature, DW_AT_type, DW_FORM_string, openDwarf, tagName, type DwarfFile } from '../../src/dwarf/index.js';
import { parseElf, readElfSparse } from '../../src/elf/index.js';
import { encodeBtf, encodeBtfFrom, encoderReadsSection, parseFeatureLists } from '../../src/encoder/index.js';
import { serializeBtf } from '../../src/btf/index.js';
import { dedupBtf } from '../../src/btf/dedup/index.js';
import { Encoder } from '../../src/encoder/encoder.js';
import { fixture } from '../helpers/testdata.js';

const dir = mkdtempSync(join(tmpdir(), 'dwarf-streamed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// An ET_EXEC (its DWARF is not relocated) with 9 units, type units among them, and inline strings.
const NAME = 'gcc-x86_64-dwarf5-types.exec';

async function sparse(): Promise<ReturnType<typeof parseElf>> {
  const path = join(dir, NAME);
  writeFileSync(path, fixture(`dwarf/${NAME}`));
  return (await readElfSparse(path, { section: encoderReadsSection })).elf;
}

/** Every DIE in unit order as "offset tag name type", resolving type references (across units too). */
function walk(dwarf: DwarfFile): string[] {
  const out: string[] = [];
  const cur = dwarf.cursor();
  const other = dwarf.cursor();
  for (const u of dwarf.units()) {
    dwarf.beginUnit(u);
    cur.reset(u);
    let tag: number;
    while ((tag = cur.next()) !== 0) {
      let line = `${cur.offset} ${tagName(tag)} ${cur.attrString(DW_AT_name) ?? '-'}`;
      const ref = cur.has(DW_AT_type) ? cur.attrRef(DW_AT_type) : cur.has(DW_AT_signature) ? cur.attrRef(DW_AT_signature) : -1;
      if (ref >= 0) {
        other.dieAt(ref);
        line += ` -> ${tagName(other.tag)} ${other.attrString(DW_AT_name) ?? '-'}`;
      }
      out.push(line);
    }
  }
  return out;
}

describe('a streamed .debug_info', () => {
  it('is left on disk by the encoder\'s sparse read of an ET_EXEC, not of an ET_REL', async () => {
    const elf = await sparse();
    expect(elf.onDisk!.has(elf.sectionByName('.debug_info')!.index)).toBe(true);
    const path = join(dir, 'module.o');
    writeFileSync(path, fixture('dwarf/gcc-x86_64-dwarf5.o'));
    const rel = (await readElfSparse(path, { section: encoderReadsSection })).elf;
    expect(rel.onDisk!.has(rel.sectionByName('.debug_info')!.index)).toBe(false);
  });

  it('reads the same DIEs, names and references as the whole section, in windows of a few units', async () => {
    const whole = walk(openDwarf(parseElf(fixture(`dwarf/${NAME}`))));
    expect(whole.length).toBeGreaterThan(100);
    expect(whole.some((l) => l.includes(' -> '))).toBe(true);
    for (const windowBytes of [1, 64, 400, 1 << 20]) {
      const dwarf = openDwarf(await sparse(), { streamInfo: true, windowBytes });
      expect(dwarf.streamed).toBe(true);
      const units = dwarf.units();
      // Only the headers are read before the first unit begins: no window exists yet.
      expect(units.length).toBe(9);
      expect(dwarf.windowGen).toBe(-1);
      expect(dwarf.info.length).toBe(0);
      const cur = dwarf.cursor();
      for (const u of units) {
        dwarf.beginUnit(u);
        cur.reset(u);
        while (cur.next() !== 0);
      }
      expect(walk(openDwarf(await sparse(), { streamInfo: true, windowBytes }))).toEqual(whole);
      // Small windows begin anew; one large window holds every unit.
      if (windowBytes <= 64) expect(dwarf.windowGen + 1).toBeGreaterThan(2);
      if (windowBytes === 1 << 20) expect(dwarf.windowGen + 1).toBe(1);
    }
  });

  it('takes turns in two buffers for its windows, and reads a unit outside the window on its own', async () => {
    // Units of 75 to 789 bytes: 1 KiB windows hold units 0-3, 4-7 and 8.
    const dwarf = openDwarf(await sparse(), { streamInfo: true, windowBytes: 1024 });
    const units = dwarf.units();
    const whole = openDwarf(parseElf(fixture(`dwarf/${NAME}`)));
    const buffers = new Set<Uint8Array>();
    const bytesOf = (d: DwarfFile, i: number) => {
      const b = d.unitBytes(units[i]);
      const at = units[i].offset - d.unitBase(units[i]);
      return Array.from(b.subarray(at, at + units[i].end - units[i].offset));
    };
    for (const u of units) {
      dwarf.beginUnit(u);
      buffers.add(dwarf.info);
      expect(bytesOf(dwarf, u.index)).toEqual(bytesOf(whole, u.index));
    }
    expect(dwarf.windowGen).toBe(2);
    expect(buffers.size).toBe(2);
    expect(dwarf.infoBase).toBe(units[8].offset);
    // Unit 0 is before the last window: it is read into a buffer of its own, the window stays.
    const last = dwarf.info;
    expect(bytesOf(dwarf, 0)).toEqual(bytesOf(whole, 0));
    expect(dwarf.unitBytes(units[0])).not.toBe(last);
    expect(dwarf.unitBase(units[0])).toBe(units[0].offset);
    expect(dwarf.windowGen).toBe(2);
    expect(dwarf.unitBytes(units[8])).toBe(last);
  });

  it('reads a string of a unit from an earlier window where that unit is loaded now', async () => {
    const dwarf = openDwarf(await sparse(), { streamInfo: true, windowBytes: 1 });
    const units = dwarf.units();
    const cur = dwarf.cursor();
    // The first DIE of the first unit with a name in .debug_info itself (DW_FORM_string).
    let found = -1;
    for (const u of units) {
      dwarf.beginUnit(u);
      cur.reset(u);
      while (found < 0 && cur.next() !== 0) if (cur.has(DW_AT_name) && cur.lastForm === DW_FORM_string) found = u.index;
      if (found >= 0) break;
    }
    expect(found).toBeGreaterThanOrEqual(0);
    const inWhole = openDwarf(parseElf(fixture(`dwarf/${NAME}`))).cursor();
    inWhole.dieAt(cur.offset);
    // A later unit begins a new window; the cursor has not moved, and reads its name from there.
    dwarf.beginUnit(units[units.length - 1]);
    expect(cur.unit.index).toBe(found);
    expect(cur.attrString(DW_AT_name)).toBe(inWhole.attrString(DW_AT_name));
    expect(cur.attrString(DW_AT_name)).toMatch(/^[A-Za-z_]/);
  });

  it('reads an inline string asked for before anything else', async () => {
    const whole = openDwarf(parseElf(fixture(`dwarf/${NAME}`)));
    const cur = whole.cursor();
    let ref = -1;
    for (const u of whole.units()) {
      cur.reset(u);
      while (ref < 0 && cur.next() !== 0) if (cur.has(DW_AT_name) && cur.lastForm === DW_FORM_string) ref = cur.attrStrRef(DW_AT_name);
      if (ref >= 0) break;
    }
    expect(ref).toBeGreaterThanOrEqual(0);
    const fresh = openDwarf(await sparse(), { streamInfo: true });
    expect(fresh.strRefString(ref)).toBe(whole.strRefString(ref));
  });

  it('gives its windows and string index back on request, and reads the same after', async () => {
    const whole = walk(openDwarf(parseElf(fixture(`dwarf/${NAME}`))));
    const dwarf = openDwarf(await sparse(), { streamInfo: true, windowBytes: 1024 });
    const units = dwarf.units();
    const cur = dwarf.cursor();
    /** The string ids of the names in the first five units, read with `cur`. */
    const nameIds = () => {
      const ids: number[] = [];
      for (const u of units.slice(0, 5)) {
        dwarf.beginUnit(u);
        cur.reset(u);
        while (cur.next() !== 0) {
          const ref = cur.attrStrRef(DW_AT_name);
          if (ref >= 0) ids.push(dwarf.strRefId(ref));
        }
      }
      return ids;
    };
    // Read the first units, then let go of everything reading built up.
    const ids = nameIds();
    expect(ids.length).toBeGreaterThan(20);
    const gen = dwarf.windowGen;
    dwarf.releaseReadState();
    cur.release();
    expect(dwarf.info.length).toBe(0);
    expect(cur.next()).toBe(0);
    // Everything reads as before: names keep their ids, DIEs and references are the same.
    expect(nameIds()).toEqual(ids);
    expect(dwarf.windowGen).toBeGreaterThan(gen);
    expect(walk(dwarf)).toEqual(whole);
  });

  it('is not streamed unless asked, and not when the section is given', async () => {
    expect(openDwarf(await sparse()).streamed).toBe(false);
    const elf = parseElf(fixture(`dwarf/${NAME}`));
    expect(openDwarf(elf, { streamInfo: true }).streamed).toBe(false);
  });

  it('encodes to the same BTF as the whole file in windows of one unit', async () => {
    const features = parseFeatureLists(['encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func']);
    const expected = serializeBtf(encodeBtf(parseElf(fixture(`dwarf/${NAME}`)), { features }).btf);
    const elf = await sparse();
    const dwarf = openDwarf(elf, { streamInfo: true, windowBytes: 1 });
    const btf = dedupBtf(new Encoder(elf, dwarf, { base: null, features, langExclude: [], kfuncs: [] }).run());
    expect(dwarf.windowGen).toBeGreaterThan(4);
    expect(Buffer.compare(serializeBtf(btf), expected)).toBe(0);
  });

  it('encodes to the same BTF as the whole file', async () => {
    const features = parseFeatureLists(['encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func']);
    const expected = serializeBtf(encodeBtf(parseElf(fixture(`dwarf/${NAME}`)), { features }).btf);
    const { btf } = await encodeBtfFrom({ elf: await sparse() }, { features });
    expect(btf.count).toBeGreaterThan(5);
    expect(Buffer.compare(serializeBtf(btf), expected)).toBe(0);
  });
});

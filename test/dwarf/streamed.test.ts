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
      const windows = new Set<Uint8Array>();
      const units = dwarf.units();
      // Only the headers are read before the first unit begins.
      expect(units[1].end - units[1].offset).toBeGreaterThan(64);
      expect(dwarf.info.subarray(units[1].offset + 64, units[1].end).every((b) => b === 0)).toBe(true);
      const cur = dwarf.cursor();
      for (const u of units) {
        dwarf.beginUnit(u);
        windows.add(dwarf.info);
        cur.reset(u);
        while (cur.next() !== 0);
      }
      expect(walk(openDwarf(await sparse(), { streamInfo: true, windowBytes }))).toEqual(whole);
      // Small windows begin anew (new buffers); one large window holds every unit.
      if (windowBytes <= 64) expect(windows.size).toBeGreaterThan(2);
      if (windowBytes === 1 << 20) expect(windows.size).toBe(1);
    }
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

  it('is not streamed unless asked, and not when the section is given', async () => {
    expect(openDwarf(await sparse()).streamed).toBe(false);
    const elf = parseElf(fixture(`dwarf/${NAME}`));
    expect(openDwarf(elf, { streamInfo: true }).streamed).toBe(false);
  });

  it('encodes to the same BTF as the whole file', async () => {
    const features = parseFeatureLists(['encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func']);
    const expected = serializeBtf(encodeBtf(parseElf(fixture(`dwarf/${NAME}`)), { features }).btf);
    const { btf } = await encodeBtfFrom({ elf: await sparse() }, { features });
    expect(btf.count).toBeGreaterThan(5);
    expect(Buffer.compare(serializeBtf(btf), expected)).toBe(0);
  });
});

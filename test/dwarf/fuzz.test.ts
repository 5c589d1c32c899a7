// Seeded fuzzing: truncated and byte-flipped debug sections, walked with every accessor, must read or throw DwarfError/ElfError, never anything else, never hang.

import { describe, expect, it } from 'vitest';
import { DwarfError, ElfError } from '../../src/common/errors.js';
import {
  DEBUG_SECTIONS, DW_AT_byte_size, DW_AT_const_value, DW_AT_data_member_location, DW_AT_high_pc, DW_AT_location, DW_AT_low_pc,
  DW_AT_name, DW_AT_sibling, DW_AT_type, dwarfFromSections, openDwarf, type DwarfFile,
} from '../../src/dwarf/index.js';
import { parseElf } from '../../src/elf/index.js';
import { fixture, prng } from '../helpers/testdata.js';

const FILES = ['gcc-x86_64-dwarf4.o', 'gcc-x86_64-dwarf5.o', 'gcc-x86_64-dwarf5-64bit.o', 'clang-x86_64-dwarf5.o', 'gcc-s390x-dwarf5.o', 'clang-i386-dwarf4.o', 'gcc-x86_64-dwarf5-types.exec'];
const CASES = 4000;
/** Sections to damage, weighted towards the two the walk depends on. */
const TARGETS = ['.debug_info', '.debug_info', '.debug_info', '.debug_abbrev', '.debug_abbrev', '.debug_str_offsets', '.debug_addr', '.debug_rnglists', '.debug_loclists', '.debug_loc', '.debug_ranges', '.debug_str'];

/** Run `fn`; swallow DwarfError (an accessor may legitimately refuse damaged data), rethrow anything else. */
function guard(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
  }
}

/** Touch every part of the reader a consumer would: units, root facts, every DIE and its common attributes. */
function exercise(dwarf: DwarfFile): number {
  let acc = 0;
  const cur = dwarf.cursor(dwarf.units()[0]);
  const aux = dwarf.cursor(dwarf.units()[0]);
  const ranges: number[] = [];
  for (const u of dwarf.units()) {
    guard(() => (acc += (u.name ?? '').length + u.language + u.lowPcLo + u.strOffsetsBase));
    cur.reset(u);
    let steps = 0;
    for (;;) {
      let tag = 0;
      guard(() => (tag = cur.next()));
      if (tag === 0) break;
      if (++steps > 1_000_000) throw new Error('runaway walk');
      acc += cur.depth;
      guard(() => (acc += (cur.attrString(DW_AT_name) ?? '').length));
      guard(() => {
        const r = cur.attrStrRef(DW_AT_name);
        if (r >= 0) acc += dwarf.strRefId(r) + dwarf.strRefBytes(r).length;
      });
      guard(() => (acc += cur.attrUint(DW_AT_byte_size, 0)));
      guard(() => (acc += cur.attrSint(DW_AT_data_member_location, 0)));
      guard(() => (acc += cur.attrU64(DW_AT_const_value) ? cur.lo : 0));
      guard(() => (acc += cur.attrS64(DW_AT_const_value) ? cur.hi : 0));
      guard(() => (acc += cur.attrFlag(DW_AT_sibling) ? 1 : 0));
      guard(() => {
        const t = cur.attrRef(DW_AT_type, -1);
        if (t >= 0) acc += aux.dieAt(t);
      });
      guard(() => (acc += cur.attrAddr(DW_AT_low_pc) ? cur.lo : 0));
      guard(() => (acc += cur.attrBlock(DW_AT_location)?.length ?? 0));
      guard(() => (acc += cur.attrForm(DW_AT_high_pc)));
      guard(() => {
        ranges.length = 0;
        acc += cur.pcRanges(ranges);
      });
      guard(() => (acc += cur.location()));
      guard(() => (acc += cur.locationExprs().length));
      if ((steps & 7) === 0) guard(() => cur.skipChildren());
    }
  }
  return acc;
}

/** The relocated, decompressed sections of a fixture. */
function sectionsOf(name: string): Record<string, Uint8Array> {
  const dwarf = openDwarf(parseElf(fixture(`dwarf/${name}`), name));
  const out: Record<string, Uint8Array> = {};
  for (const n of DEBUG_SECTIONS) {
    const s = dwarf.section(n);
    if (s) out[n] = s;
  }
  return out;
}

describe('fuzzing the DWARF reader', () => {
  it('reads every undamaged fixture completely', () => {
    for (const f of FILES) expect(exercise(dwarfFromSections(sectionsOf(f), { le: f !== 'gcc-s390x-dwarf5.o' }))).toBeGreaterThan(0);
  });

  it(`${CASES} seeded truncations and byte flips of the debug sections: only DwarfError, no hang`, () => {
    const rand = prng(0xd1ea5e);
    const originals = FILES.map((f) => ({ name: f, le: f !== 'gcc-s390x-dwarf5.o', sections: sectionsOf(f) }));
    const outcome = { read: 0, dwarfError: 0 };
    let slowest = 0;
    for (let n = 0; n < CASES; n++) {
      const src = originals[(rand() * originals.length) | 0];
      const present = TARGETS.filter((t) => src.sections[t] !== undefined);
      const target = present[(rand() * present.length) | 0];
      const bytes = src.sections[target].slice();
      let damaged: Uint8Array = bytes;
      const mode = rand();
      if (mode < 0.25) {
        damaged = bytes.subarray(0, (rand() * bytes.length) | 0);
      } else {
        const flips = 1 + ((rand() * (mode < 0.8 ? 4 : 40)) | 0);
        for (let i = 0; i < flips; i++) {
          const at = (rand() * bytes.length) | 0;
          bytes[at] = rand() < 0.3 ? [0, 0xff, 0x80, 0x7f][(rand() * 4) | 0] : (rand() * 256) | 0;
        }
      }
      const sections = { ...src.sections, [target]: damaged };
      const t0 = performance.now();
      try {
        exercise(dwarfFromSections(sections, { le: src.le, fileName: src.name }));
        outcome.read++;
      } catch (e) {
        if (!(e instanceof DwarfError)) {
          throw new Error(`case ${n} (${src.name}, ${target}, mode ${mode.toFixed(2)}) threw ${String(e)}`, { cause: e });
        }
        expect(e.code).toBe('dwarf');
        expect(e.section).toMatch(/^\.debug_/);
        outcome.dwarfError++;
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    expect(outcome.read + outcome.dwarfError).toBe(CASES);
    expect(outcome.dwarfError).toBeGreaterThan(CASES / 20);
    expect(slowest).toBeLessThan(5000);
  });

  it('1000 seeded byte flips of whole ELF files, relocations and compression included: only DwarfError or ElfError', () => {
    const rand = prng(0xe1f);
    const files = ['gcc-x86_64-dwarf5.o', 'gcc-x86_64-dwarf5-zlib.o', 'gcc-x86_64-dwarf4-zstd.o', 'clang-aarch64-dwarf5.o', 'gcc-s390x-dwarf5.o'].map((f) => {
      const bytes = fixture(`dwarf/${f}`);
      const elf = parseElf(bytes);
      // Aim at the debug sections and their relocation tables.
      const spans = elf.sections.filter((s) => /^\.(rela?\.)?debug_/.test(s.name)).map((s) => [s.offset, s.size] as const);
      return { f, bytes, spans };
    });
    let ok = 0;
    let failed = 0;
    for (let n = 0; n < 1000; n++) {
      const src = files[(rand() * files.length) | 0];
      const bytes = src.bytes.slice();
      const flips = 1 + ((rand() * 6) | 0);
      for (let i = 0; i < flips; i++) {
        const [off, size] = src.spans[(rand() * src.spans.length) | 0];
        bytes[off + ((rand() * size) | 0)] = (rand() * 256) | 0;
      }
      try {
        exercise(openDwarf(parseElf(bytes, src.f)));
        ok++;
      } catch (e) {
        if (!(e instanceof DwarfError) && !(e instanceof ElfError)) throw new Error(`case ${n} (${src.f}) threw ${String(e)}`, { cause: e });
        failed++;
      }
    }
    expect(ok + failed).toBe(1000);
  });
});

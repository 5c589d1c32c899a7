// Seeded fuzzing: truncated and bit-flipped fixtures must parse or throw ElfError, never anything else.

import { describe, expect, it } from 'vitest';
import { BtfpostError, ElfError } from '../../src/common/errors.js';
import { SHF_COMPRESSED, applyElfEdits, parseElf, type ElfFile } from '../../src/elf/index.js';
import { fixture, prng } from './helpers.js';

const FILES = ['x86_64.o', 'i386.o', 's390x.o', 's390-31.o', 'x86_64-signed.o', 'zdebug-zlib.o', 'zdebug-zstd.o'];
const CASES = 3000;

/** Touch everything the reader offers so lazy checks run too. */
function exercise(elf: ElfFile): number {
  let acc = 0;
  for (const s of elf.sections) {
    acc += elf.sectionData(s).length;
    if (s.flags & SHF_COMPRESSED) acc += elf.sectionData(s, { decompress: true }).length;
    acc += s.addrBig > 0n ? 1 : 0;
    elf.sectionByName(s.name);
  }
  const st = elf.symbols();
  if (st) {
    for (let i = 0; i < st.count; i++) {
      acc += st.name(i).length + st.shndx(i) + st.size(i) + st.info(i) + st.other(i);
      acc += Number(st.valueBig(i) & 0xffn);
      st.value(i);
    }
  }
  for (const [, tables] of elf.relocations()) {
    for (const t of tables) {
      for (let i = 0; i < t.count; i++) {
        acc += t.sym(i) + t.type(i) + t.offset(i) + t.addend(i);
        acc += Number(t.addendBig(i) & 1n) + Number(t.offsetBig(i) & 1n);
      }
    }
  }
  return acc;
}

/** Writer properties on whatever parsed: a same-bytes replace is identical, an added section re-parses. */
function exerciseWriter(elf: ElfFile): void {
  const text = elf.sections.find((s) => s.index !== 0 && s.type !== 8 && s.type !== 0);
  if (text) {
    const same = applyElfEdits(elf, { edits: [{ op: 'replace', section: text.index, data: elf.sectionData(text).slice() }] });
    expect(Buffer.from(same).equals(Buffer.from(elf.fileBytes))).toBe(true);
  }
  const added = applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF.fuzz', data: new Uint8Array([1, 2, 3, 4, 5]) }] });
  const again = parseElf(added);
  const s = again.sectionByName('.BTF.fuzz');
  expect(s).toBeDefined();
  expect([...again.sectionData(s!)]).toEqual([1, 2, 3, 4, 5]);
}

describe('fuzzing the reader and writer', () => {
  it(`${CASES} seeded truncations and byte flips either parse or throw ElfError`, () => {
    const rand = prng(0x5eed);
    const originals = FILES.map((f) => ({ name: f, bytes: fixture(f), elf: parseElf(fixture(f)) }));
    const outcome = { parsed: 0, elfError: 0, writerRefused: 0 };
    let slowest = 0;
    for (let n = 0; n < CASES; n++) {
      const src = originals[(rand() * originals.length) | 0];
      let buf = src.bytes.slice();
      const kind = rand();
      let what: string;
      if (kind < 0.25) {
        const len = (rand() * buf.length) | 0;
        buf = buf.slice(0, len);
        what = `truncate to ${len}`;
      } else {
        // Flip bytes, half of the time inside the ELF header or section header table where they matter most.
        const flips = 1 + ((rand() * 8) | 0);
        const targeted = kind < 0.65;
        const shoff = src.elf.header.shoff;
        const shtLen = src.elf.shnum * src.elf.shdrLayout.entrySize;
        const spots: number[] = [];
        for (let k = 0; k < flips; k++) {
          let pos: number;
          if (targeted) pos = rand() < 0.2 ? (rand() * 64) | 0 : shoff + ((rand() * shtLen) | 0);
          else pos = (rand() * buf.length) | 0;
          pos = Math.min(pos, buf.length - 1);
          buf[pos] ^= 1 << ((rand() * 8) | 0);
          if (rand() < 0.3) buf[pos] = rand() < 0.5 ? 0xff : 0;
          spots.push(pos);
        }
        what = `flip ${spots.join(',')}`;
      }
      const t0 = performance.now();
      let elf: ElfFile | undefined;
      try {
        elf = parseElf(buf, src.name);
        exercise(elf);
        outcome.parsed++;
      } catch (e) {
        if (!(e instanceof ElfError)) throw new Error(`case ${n} (${src.name}, ${what}) threw ${(e as Error)?.stack ?? String(e)}`);
        outcome.elfError++;
      }
      if (elf) {
        try {
          exerciseWriter(elf);
        } catch (e) {
          if (!(e instanceof BtfpostError)) throw new Error(`writer case ${n} (${src.name}, ${what}) threw ${(e as Error)?.stack ?? String(e)}`);
          outcome.writerRefused++;
          if (process.env.FUZZ_DEBUG) console.log((e as Error).message);
        }
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    expect(outcome.parsed + outcome.elfError).toBe(CASES);
    // Both outcomes must actually occur for the fuzzing to mean anything.
    expect(outcome.parsed).toBeGreaterThan(100);
    expect(outcome.elfError).toBeGreaterThan(100);
    expect(slowest).toBeLessThan(5000);
    console.log(`fuzz: ${JSON.stringify(outcome)}, slowest case ${slowest.toFixed(1)} ms`);
  });
});

// Shared helpers for the ELF tests: fixture loading, tool detection and readelf output parsing.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Directory holding the committed fixtures. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testdata', 'elf');

/** Read a fixture (gunzipping names ending in .gz) into a fresh Uint8Array. */
export function fixture(name: string): Uint8Array {
  const raw = readFileSync(join(FIXTURES, name));
  const b = name.endsWith('.gz') ? gunzipSync(raw) : raw;
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

let manyCache: Uint8Array | undefined;
/** The > SHN_LORESERVE sections object (decompressed once per test file). */
export function manySections(): Uint8Array {
  manyCache ??= fixture('many-sections.o.gz');
  return manyCache;
}

/** True when `cmd` can be run. */
export function hasTool(cmd: string, arg = '--version'): boolean {
  const r = spawnSync(cmd, [arg], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/** A temporary directory removed by the returned cleanup function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'btfpost-elf-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Write bytes into `dir/name` and return the path. */
export function put(dir: string, name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Run a tool, returning status, stdout and stderr. */
export function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** One row of `readelf -S -W`. */
export interface ReadelfSection {
  index: number;
  name: string;
  type: string;
  addr: bigint;
  offset: number;
  size: number;
  entsize: number;
  flags: string;
  link: number;
  info: number;
  align: number;
}

const SECTION_RE = /^\s*\[\s*(\d+)\]\s(.*?)\s+([0-9a-f]{16}|[0-9a-f]{8})\s([0-9a-f]+)\s([0-9a-f]+)\s([0-9a-f]{2})\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;

/** Parse `readelf -S -W` for a file. */
export function readelfSections(path: string): ReadelfSection[] {
  const out = execFileSync('readelf', ['-S', '-W', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const rows: ReadelfSection[] = [];
  for (const line of out.split('\n')) {
    const m = SECTION_RE.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    const nt = m[2].trim();
    let name = '';
    let type = nt;
    if (index !== 0) {
      const sp = nt.indexOf(' ');
      name = nt.slice(0, sp);
      type = nt.slice(sp + 1).trim();
    }
    rows.push({
      index, name, type, addr: BigInt('0x' + m[3]), offset: parseInt(m[4], 16), size: parseInt(m[5], 16), entsize: parseInt(m[6], 16),
      flags: m[7], link: Number(m[8]), info: Number(m[9]), align: Number(m[10]),
    });
  }
  return rows;
}

/** One row of `readelf -s -W`. */
export interface ReadelfSymbol {
  num: number;
  value: bigint;
  size: number;
  type: string;
  bind: string;
  vis: string;
  ndx: string;
  name: string;
}

const SYMBOL_RE = /^\s*(\d+):\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?: (.*))?$/;

/** Parse the `.symtab` part of `readelf -s -W` for a file. */
export function readelfSymbols(path: string): ReadelfSymbol[] {
  const out = execFileSync('readelf', ['-s', '-W', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const rows: ReadelfSymbol[] = [];
  let inSymtab = false;
  for (const line of out.split('\n')) {
    if (line.startsWith('Symbol table')) {
      inSymtab = line.includes("'.symtab'");
      continue;
    }
    if (!inSymtab) continue;
    const m = SYMBOL_RE.exec(line);
    if (!m) continue;
    rows.push({ num: Number(m[1]), value: BigInt('0x' + m[2]), size: Number(m[3]), type: m[4], bind: m[5], vis: m[6], ndx: m[7], name: m[8] ?? '' });
  }
  return rows;
}

/** Relocation sections of `readelf -r -W` in file order, with each entry's offset and info. */
export function readelfRelocs(path: string): { name: string; entries: { offset: bigint; info: bigint }[] }[] {
  const out = execFileSync('readelf', ['-r', '-W', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const list: { name: string; entries: { offset: bigint; info: bigint }[] }[] = [];
  for (const line of out.split('\n')) {
    const h = /^Relocation section '([^']+)'/.exec(line);
    if (h) {
      list.push({ name: h[1], entries: [] });
      continue;
    }
    const e = /^([0-9a-f]{8,16})\s+([0-9a-f]{8,16})\s/.exec(line);
    if (e && list.length > 0) list[list.length - 1].entries.push({ offset: BigInt('0x' + e[1]), info: BigInt('0x' + e[2]) });
  }
  return list;
}

/** Map readelf's type column to SHT_* numbers for the types the fixtures use. */
export const READELF_TYPES: Record<string, number> = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, REL: 9, DYNSYM: 11,
  INIT_ARRAY: 14, FINI_ARRAY: 15, GROUP: 17, 'SYMTAB SECTION INDICES': 18, X86_64_UNWIND: 0x70000001,
  GNU_ATTRIBUTES: 0x6ffffff5, MIPS_REGINFO: 0x70000006, MIPS_OPTIONS: 0x7000000d, MIPS_DWARF: 0x7000001e, MIPS_ABIFLAGS: 0x7000002a,
};

/** Seeded PRNG shared with the other fuzz tests. */
export { prng } from '../helpers/testdata.js';

/** readelf -a -W stderr lines that are warnings or errors. */
export function readelfProblems(path: string): string[] {
  const r = run('readelf', ['-a', '-W', path]);
  const bad = r.stderr.split('\n').filter((l) => /warning|error/i.test(l));
  if (r.status !== 0) bad.push(`readelf exit status ${r.status}`);
  return bad;
}

/** The ld to use for a fixture's machine, or undefined when none is installed. */
export function ldFor(machine: number, is64: boolean): string[] | undefined {
  if (machine === 62) return hasTool('ld') ? ['ld'] : undefined;
  if (machine === 3) return hasTool('ld') ? ['ld', '-m', 'elf_i386'] : undefined;
  if (machine === 22) {
    if (!hasTool('s390x-linux-gnu-ld')) return undefined;
    return is64 ? ['s390x-linux-gnu-ld'] : ['s390x-linux-gnu-ld', '-m', 'elf_s390'];
  }
  return undefined;
}

/** Run `ld -r -o out in` for the file; returns stderr on failure, '' on success. */
export function ldRelocatable(ld: string[], input: string, output: string): string {
  const r = run(ld[0], [...ld.slice(1), '-r', '-o', output, input]);
  return r.status === 0 ? '' : r.stderr || `exit ${r.status}`;
}

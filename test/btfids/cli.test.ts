// The command lines: resolve_btfids-compatible option parsing and runs, and `btfpost resolve-ids`.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import yargs from 'yargs';
import { serializeBtf } from '../../src/btf/index.js';
import { mainResolveBtfids, parseResolveBtfidsArgs, resolveIdsCommand } from '../../src/cli/resolve-ids.js';
import { applyElfEdits, buildModuleSignatureTrailer, parseElf } from '../../src/elf/index.js';
import { ROOT, fixture } from '../helpers/testdata.js';
import { EXPECTED_WORDS, bytesToWords, fixtureBtf, fixtureSplitBtf, wordsToBytes } from './helpers.js';

describe('parseResolveBtfidsArgs', () => {
  it('takes resolve_btfids options in its spellings', () => {
    expect(parseResolveBtfidsArgs(['-v', '-b', 'vmlinux', '--btf', 'x.btf', '--fatal_warnings', 'm.ko'])).toMatchObject({
      verbose: 1, base: 'vmlinux', btf: 'x.btf', fatalWarnings: true, distillBase: false, elf: 'm.ko',
    });
    expect(parseResolveBtfidsArgs(['-vvbvmlinux', '--btf_base=base', 'm.ko'])).toMatchObject({ verbose: 2, base: 'base', elf: 'm.ko' });
    expect(parseResolveBtfidsArgs(['--verbose', '--verbose', '--patch_btfids', 'ids.bin', 'vmlinux'])).toMatchObject({ verbose: 2, patchBtfids: 'ids.bin', elf: 'vmlinux' });
    // Unambiguous prefixes and --no- as in tools/lib/subcmd.
    expect(parseResolveBtfidsArgs(['--fatal', '--no-fatal_warnings', '--distill', '--btf_b', 'b', 'm.ko'])).toMatchObject({ fatalWarnings: false, distillBase: true, base: 'b' });
    expect(parseResolveBtfidsArgs(['--', '-odd-name.ko'])).toMatchObject({ elf: '-odd-name.ko' });
    expect(parseResolveBtfidsArgs(['--help']).help).toBe(true);
  });

  it('rejects what is not a resolve_btfids command line', () => {
    expect(() => parseResolveBtfidsArgs([])).toThrow(/no ELF object/);
    expect(() => parseResolveBtfidsArgs(['a.ko', 'b.ko'])).toThrow(/one ELF object/);
    // Parsing stops at the first non-option, so a later option is a second argument.
    expect(() => parseResolveBtfidsArgs(['a.ko', '-v'])).toThrow(/one ELF object/);
    expect(() => parseResolveBtfidsArgs(['--nope', 'a.ko'])).toThrow(/unknown option/);
    expect(() => parseResolveBtfidsArgs(['--bt', 'x', 'a.ko'])).toThrow(/ambiguous option/);
    expect(() => parseResolveBtfidsArgs(['-x', 'a.ko'])).toThrow(/unknown switch/);
    expect(() => parseResolveBtfidsArgs(['a.ko', '-b'])).toThrow(/one ELF object/);
    expect(() => parseResolveBtfidsArgs(['-b'])).toThrow(/requires a value/);
    expect(() => parseResolveBtfidsArgs(['--fatal_warnings=1', 'a.ko'])).toThrow(/takes no value/);
  });
});

/** Captured output of one in-process run. */
interface Run { code: number; stdout: string; stderr: string }

describe('mainResolveBtfids (in process)', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'btfids-cli-'));
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]): Promise<Run> => {
    out.length = 0;
    err.length = 0;
    const code = await mainResolveBtfids(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  };
  /** A fixture object with the fixture BTF added as .BTF (split over a base file when asked). */
  const withBtf = (name: string, le: boolean, split = false, extra: Uint8Array | null = null): { path: string; base?: string } => {
    const elf = parseElf(fixture(`btfids/${name}`).slice());
    const btf = split ? fixtureSplitBtf() : fixtureBtf();
    let bytes = applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: serializeBtf(btf, { le }) }] });
    if (extra) {
      const b = new Uint8Array(bytes.length + extra.length);
      b.set(bytes);
      b.set(extra, bytes.length);
      bytes = b;
    }
    const path = join(dir, name);
    writeFileSync(path, bytes);
    if (!split || !btf.base) return { path };
    const base = join(dir, 'base.btf');
    writeFileSync(base, serializeBtf(btf.base, { le }));
    return { path, base };
  };
  const idsOf = (path: string) => {
    const e = parseElf(new Uint8Array(readFileSync(path)));
    return bytesToWords(e.sectionData(e.sectionByName('.BTF_ids')!), e.le);
  };

  it('resolves in place and prints warnings as resolve_btfids does', async () => {
    for (const [name, le] of [['x86_64.o', true], ['s390x.exec', false], ['s390-31.o', false]] as const) {
      const { path } = withBtf(name, le);
      const before = readFileSync(path);
      const r = await run(path);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe([
        "WARN: multiple IDs found for 'dup_fn': 3, 4 - using 3",
        "WARN: multiple IDs found for 'foo': 5, 17 - using 5",
        'WARN: resolve_btfids: unresolved symbol missing',
        'WARN: resolve_btfids: unresolved symbol no_such_fn',
        '',
      ].join('\n'));
      expect(idsOf(path)).toEqual(EXPECTED_WORDS);
      // Only the section's bytes changed.
      const after = readFileSync(path);
      const sec = parseElf(new Uint8Array(before)).sectionByName('.BTF_ids')!;
      expect(Buffer.compare(after.subarray(0, sec.offset), before.subarray(0, sec.offset))).toBe(0);
      expect(Buffer.compare(after.subarray(sec.offset + sec.size), before.subarray(sec.offset + sec.size))).toBe(0);
    }
  });

  it('split BTF over -b, and --btf with a raw file', async () => {
    const { path, base } = withBtf('x86_64.o', true, true);
    expect((await run('-b', base!, path)).code).toBe(0);
    expect(idsOf(path)).toEqual(EXPECTED_WORDS);
    const raw = join(dir, 'types.btf');
    writeFileSync(raw, serializeBtf(fixtureBtf(), { le: false }));
    const obj = join(dir, 'plain.o');
    writeFileSync(obj, fixture('btfids/s390x.o'));
    expect((await run('--btf', raw, obj)).code).toBe(0);
    expect(idsOf(obj)).toEqual(EXPECTED_WORDS);
  });

  it('-v traces like resolve_btfids; -vv has nothing more to say here', async () => {
    const { path } = withBtf('x86_64.o', true);
    const r = await run('-v', path);
    expect(r.stderr).toMatch(/^adding symbol foo$/m);
    expect(r.stderr).toMatch(/^patching addr    88: ID       3 \[kfunc_set\]$/m);
    expect(r.stderr).toMatch(/^update ok for /m);
  });

  it('--fatal_warnings: warnings, then one error line, exit 2, file untouched', async () => {
    const { path } = withBtf('x86_64.o', true);
    const before = readFileSync(path);
    const r = await run('--fatal_warnings', path);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^btfpost-resolve_btfids: .*x86_64\.o: \.BTF_ids: 4 warnings treated as errors/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('no .BTF_ids (or no symbols) is a quiet no-op; -v says so', async () => {
    const p = join(dir, 'none.o');
    writeFileSync(p, fixture('btfids/no-btfids.o'));
    expect(await run(p)).toEqual({ code: 0, stdout: '', stderr: '' });
    const v = await run('-v', p);
    expect(v.code).toBe(0);
    expect(v.stderr).toMatch(/nothing to do \(no \.BTF_ids section\)/);
  });

  it('--patch_btfids copies a blob of the same size, refuses another size', async () => {
    const obj = join(dir, 'x.o');
    writeFileSync(obj, fixture('btfids/x86_64.o'));
    const blob = join(dir, 'ids.bin');
    writeFileSync(blob, wordsToBytes(EXPECTED_WORDS, true));
    expect((await run('--patch_btfids', blob, obj)).code).toBe(0);
    expect(idsOf(obj)).toEqual(EXPECTED_WORDS);
    writeFileSync(blob, wordsToBytes(EXPECTED_WORDS.slice(1), true));
    const r = await run('--patch_btfids', blob, obj);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^btfpost-resolve_btfids: .*x\.o: \.BTF_ids: size mismatch - \.BTF_ids section is 124 bytes, .*ids\.bin is 120 bytes\n$/);
  });

  it('--distill_base with a base that cannot be read fails in one line and leaves the ELF alone', async () => {
    const { path } = withBtf('x86_64.o', true);
    const before = readFileSync(path);
    const r = await run('--distill_base', '-b', 'vmlinux', path);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/vmlinux: cannot read/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('errors are one line with exit 2; usage errors exit 1; never a stack trace', async () => {
    const missing = await run(join(dir, 'missing.ko'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/missing\.ko: cannot open/);
    const bad = join(dir, 'bad.o');
    writeFileSync(bad, fixture('btfids/bad-prefix.o'));
    const b = await run('--btf', join(dir, 'nothing.btf'), bad);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`btfpost-resolve_btfids: ${bad}: .BTF_ids+0x4: unsupported prefix enum__colour__17\n`);
    const noBtf = join(dir, 'nobtf.o');
    writeFileSync(noBtf, fixture('btfids/x86_64.o'));
    const n = await run(noBtf);
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/nobtf\.o: no \.BTF section\n$/);
    const u = await run();
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/no ELF object given/);
    for (const r of [missing, b, n, u]) expect(r.stderr).not.toMatch(/\n\s+at /);
    const h = await run('-h');
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/--patch_btfids/);
  });

  it('a signed module is refused and left as it was', async () => {
    const { path } = withBtf('x86_64.o', true, false, buildModuleSignatureTrailer(new Uint8Array([1, 2, 3])));
    const before = readFileSync(path);
    const r = await run(path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/signed.*btfpost resolve-ids --strip-signature/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});

describe('btfpost resolve-ids', () => {
  let dir: string;
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'btfids-cmd-'));
    err = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const cmd = async (...args: string[]): Promise<number> => {
    let code = -1;
    await yargs(args).strict().command(resolveIdsCommand((c) => { code = c; })).fail((msg, e) => { throw e ?? new Error(msg); }).parseAsync();
    return code;
  };
  const signedModule = () => {
    const elf = parseElf(fixture('btfids/x86_64.o').slice());
    const bytes = applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: serializeBtf(fixtureBtf()) }] });
    const trailer = buildModuleSignatureTrailer(new Uint8Array([9, 9, 9]));
    const out = new Uint8Array(bytes.length + trailer.length);
    out.set(bytes);
    out.set(trailer, bytes.length);
    return out;
  };

  it('refuses a signed module without --strip-signature, then strips it', async () => {
    const p = join(dir, 'm.ko');
    writeFileSync(p, signedModule());
    await expect(cmd('resolve-ids', p)).rejects.toThrow(/--strip-signature/);
    expect(parseElf(new Uint8Array(readFileSync(p))).signature).not.toBeNull();
    expect(await cmd('resolve-ids', p, '--strip-signature')).toBe(0);
    const e = parseElf(new Uint8Array(readFileSync(p)));
    expect(e.signature).toBeNull();
    expect(bytesToWords(e.sectionData(e.sectionByName('.BTF_ids')!), true)).toEqual(EXPECTED_WORDS);
    expect(err.join('')).toMatch(/btfpost: warning: unresolved symbol missing/);
  });

  it('keeps the compression of a .ko.gz, and --fatal_warnings leaves it alone', async () => {
    const elf = parseElf(fixture('btfids/s390x.o').slice());
    const plain = applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: serializeBtf(fixtureBtf(), { le: false }) }] });
    const p = join(dir, 'm.ko.gz');
    writeFileSync(p, gzipSync(plain));
    const before = readFileSync(p);
    await expect(cmd('resolve-ids', p, '--fatal_warnings')).rejects.toThrow(/treated as errors/);
    expect(readFileSync(p).equals(before)).toBe(true);
    expect(await cmd('resolve-ids', p, '-v')).toBe(0);
    const e = parseElf(new Uint8Array(gunzipSync(readFileSync(p))));
    expect(bytesToWords(e.sectionData(e.sectionByName('.BTF_ids')!), false)).toEqual(EXPECTED_WORDS);
    expect(err.join('')).toMatch(/21 symbols, 13 names \(11 resolved, 2 unresolved\), 1 sets, 2 set8s; updated/);
  });

  it('-b for split BTF; nothing to do for a file without .BTF_ids', async () => {
    const split = fixtureSplitBtf();
    const elf = parseElf(fixture('btfids/x86_64.exec').slice());
    const p = join(dir, 'vmlinux-like');
    writeFileSync(p, applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: serializeBtf(split) }] }));
    const b = join(dir, 'base.btf');
    writeFileSync(b, serializeBtf(split.base!));
    expect(await cmd('resolve-ids', p, '-b', b)).toBe(0);
    const e = parseElf(new Uint8Array(readFileSync(p)));
    expect(bytesToWords(e.sectionData(e.sectionByName('.BTF_ids')!), true)).toEqual(EXPECTED_WORDS);
    const none = join(dir, 'none.o');
    writeFileSync(none, fixture('btfids/no-btfids.o'));
    const before = readFileSync(none);
    expect(await cmd('resolve-ids', none, '-v')).toBe(0);
    expect(readFileSync(none).equals(before)).toBe(true);
  });
});

// The built program, as kbuild would run it (needs dist/).
const BIN = join(ROOT, 'bin', 'btfpost-resolve_btfids');
const built = existsSync(join(ROOT, 'dist', 'bundle', 'resolve-ids.cjs'));

describe.skipIf(!built)('bin/btfpost-resolve_btfids (needs dist/)', () => {
  it('runs as an executable and resolves a module in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfids-bin-'));
    try {
      const elf = parseElf(fixture('btfids/x86_64.o').slice());
      const p = join(dir, 'm.o');
      writeFileSync(p, applyElfEdits(elf, { edits: [{ op: 'add', name: '.BTF', data: serializeBtf(fixtureBtf()) }] }));
      const r = spawnSync(BIN, [p], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stderr.split('\n')).toHaveLength(5);
      const e = parseElf(new Uint8Array(readFileSync(p)));
      expect(bytesToWords(e.sectionData(e.sectionByName('.BTF_ids')!), true)).toEqual(EXPECTED_WORDS);
      const u = spawnSync(BIN, ['--bogus'], { encoding: 'utf8' });
      expect(u.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

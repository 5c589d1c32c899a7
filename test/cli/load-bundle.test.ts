// The programs of bin/ load their bundle with the code cache built next to it; a cache V8 cannot
// use (damaged, or from another Node) only makes the start slower.
import { describe, it, expect } from 'vitest';
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, ROOT } from '../helpers/testdata.js';

const PROGRAMS = ['btfpost', 'pahole', 'resolve-ids'];
const built = PROGRAMS.every((p) => existsSync(join(ROOT, 'dist', 'bundle', `${p}.cjs.cache`)));
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

/**
 * Run `source` as a CommonJS file written to `dir` (not with `node -e`, which itself loads
 * node:crypto), with `env` as its environment.
 */
function runProbeFile(dir: string, source: string, env: NodeJS.ProcessEnv = process.env) {
  const file = join(dir, 'probe.cjs');
  writeFileSync(file, source);
  return spawnSync(process.execPath, [file], { encoding: 'utf8', env });
}

/** Run `fn` with a temporary directory holding the example module (in.ko) and base (vmlinux.btf), removed afterwards. */
function withExample(fn: (dir: string, ko: string, base: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'btfpost-load-'));
  try {
    const ko = join(dir, 'in.ko');
    const base = join(dir, 'vmlinux.btf');
    writeFileSync(ko, fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
    writeFileSync(base, fixture('btf/vmlinux-6.12.btf.gz'));
    fn(dir, ko, base);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What loadBundle(name) of `binDir`/load-bundle.js says about the cache, from a fresh process. */
function cacheUsed(binDir: string, name: string): boolean {
  const probe = `import(${JSON.stringify(join(binDir, 'load-bundle.js'))}).then((m) => console.log(m.loadBundle(${JSON.stringify(name)}).cacheUsed))`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim() === 'true';
}

describe.skipIf(!built)('bundled programs and their code cache (needs dist/, built by npm ci)', () => {
  it('this Node takes the cache built for each program', () => {
    for (const p of PROGRAMS) expect(cacheUsed(join(ROOT, 'bin'), p), p).toBe(true);
  });

  it('each program runs in strict mode, as the modules it is built from', () => {
    for (const p of PROGRAMS) {
      expect(readFileSync(join(ROOT, 'dist', 'bundle', `${p}.cjs`), 'utf8').startsWith('"use strict";'), p).toBe(true);
    }
  });

  it('each program is ASCII text, read into a one-byte string', () => {
    for (const p of PROGRAMS) expect(isAscii(readFileSync(join(ROOT, 'dist', 'bundle', `${p}.cjs`))), p).toBe(true);
  });

  it('loading a program loads no process, thread or hash module, and no program imports a module at run time', () => {
    // import() fails in a vm.Script that was given no loader for it (bin/load-bundle.js gives none).
    for (const p of PROGRAMS) expect(readFileSync(join(ROOT, 'dist', 'bundle', `${p}.cjs`), 'utf8'), p).not.toMatch(/\bimport\(\s*["'`]/);
    const probe = `const { loadBundle } = require(${JSON.stringify(join(ROOT, 'bin', 'load-bundle.js'))});
      for (const p of ${JSON.stringify(PROGRAMS)}) loadBundle(p);
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => /\\b(child_process|worker_threads|crypto)$/.test(m))));`;
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-load-'));
    const r = runProbeFile(dir, probe);
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('encoding over a base loads no hash or assert module and sets up no standard stream, with the base cache missing and then hitting', () => {
    // The base cache's key and digest are zlib CRC-32s: node:crypto would cost each run ~2 ms to
    // load. yargs gets its two checks without node:assert (~1.5 ms), and reads the terminal's
    // width only for help (process.stdout on a pipe: ~2.5 ms to set up).
    withExample((dir, ko, base) => {
      const probe = `const { loadBundle } = require(${JSON.stringify(join(ROOT, 'bin', 'load-bundle.js'))});
        const { writeSync } = require('node:fs');
        const program = loadBundle('btfpost-encode').exports;
        (async () => {
          const codes = [];
          for (const out of ['a.btf', 'b.btf']) codes.push(await program.main(['encode', ${JSON.stringify(ko)}, '--btf_base', ${JSON.stringify(base)}, '--detached', ${JSON.stringify(dir)} + '/' + out]));
          // A standard stream on a file, a pipe or a terminal loads one of the last three.
          const loaded = process.moduleLoadList.filter((m) => /^NativeModule (crypto|assert|internal\\/fs\\/sync_write_stream|net|tty)$/.test(m));
          writeSync(1, JSON.stringify({ codes, loaded }));
        })();`;
      const r = runProbeFile(dir, probe, { ...process.env, BTFPOST_CACHE_DIR: join(dir, 'cache') });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ codes: [0, 0], loaded: [] });
      // The first run wrote the entry the second one read.
      expect(readdirSync(join(dir, 'cache')).filter((n) => n.endsWith('.bin'))).toHaveLength(1);
      expect(Buffer.compare(readFileSync(join(dir, 'a.btf')), readFileSync(join(dir, 'b.btf')))).toBe(0);
      // A process whose base is in the cache only reads it: node:fs/promises (~0.9 ms to load)
      // is for writing entries. No directory is listed either: yargs' search for a package.json
      // to take a default version from is left out of the bundles.
      const hit = `const fs = require('node:fs');
        let listed = 0;
        const readdirSync = fs.readdirSync;
        fs.readdirSync = (...a) => { listed++; return readdirSync(...a); };
        const { loadBundle } = require(${JSON.stringify(join(ROOT, 'bin', 'load-bundle.js'))});
        loadBundle('btfpost-encode').exports.main(['encode', ${JSON.stringify(ko)}, '--btf_base', ${JSON.stringify(base)}, '--detached', ${JSON.stringify(dir)} + '/c.btf']).then((code) => {
          fs.writeSync(1, JSON.stringify({ code, listed, loaded: process.moduleLoadList.filter((m) => /^NativeModule (fs\\/promises|crypto|assert)$/.test(m)) }));
        });`;
      const h = runProbeFile(dir, hit, { ...process.env, BTFPOST_CACHE_DIR: join(dir, 'cache') });
      expect(h.status, h.stderr).toBe(0);
      expect(JSON.parse(h.stdout)).toEqual({ code: 0, listed: 0, loaded: [] });
      expect(Buffer.compare(readFileSync(join(dir, 'a.btf')), readFileSync(join(dir, 'c.btf')))).toBe(0);
    });
  });

  it('bin/btfpost runs encode and the post-link job from bundles of their own, every other command line from the full one', async () => {
    const { btfpostProgram, MODULE_FILE } = await import(join(ROOT, 'bin', 'load-bundle.js'));
    // The loader's test for a module file is the command line's.
    const commandLine = await import('../../src/cli/command-line.js');
    expect(String(MODULE_FILE)).toBe(String(commandLine.MODULE_FILE));
    const cases: Array<[string[], string]> = [
      [['encode', 'm.ko', '--btf_base', 'vmlinux', '--detached', 'o'], 'btfpost-encode'],
      [['encode'], 'btfpost-encode'],
      [['m.ko', '--base', 'vmlinux'], 'btfpost-module'],
      [['dir/m.ko.zst', '-o', 'x.ko'], 'btfpost-module'],
      [['m.o'], 'btfpost-module'],
      [['encode', 'm.ko', '--help'], 'btfpost'],
      [['m.ko', '--version'], 'btfpost'],
      [['-v', 'm.ko'], 'btfpost'],
      [['dump', 'm.ko'], 'btfpost'],
      [['m.txt'], 'btfpost'],
      [['--version'], 'btfpost'],
      [[], 'btfpost'],
    ];
    for (const [argv, program] of cases) expect(btfpostProgram(argv), argv.join(' ')).toBe(program);
  });

  it('a command line run from its own bundle ends as it does from the full one', () => {
    // Same exit code and messages, for good and bad arguments alike; same output file.
    withExample((dir, ko, base) => {
      const run = (program: string, argv: string[]) => {
        const probe = `const { loadBundle } = require(${JSON.stringify(join(ROOT, 'bin', 'load-bundle.js'))});
          loadBundle(${JSON.stringify(program)}).exports.main(${JSON.stringify(argv)}).then((code) => { process.exitCode = code; });`;
        const r = runProbeFile(dir, probe, { ...process.env, BTFPOST_CACHE_DIR: join(dir, 'cache') });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
      };
      const out = (name: string) => join(dir, name);
      const cases: Array<[string, (o: string) => string[]]> = [
        ['btfpost-encode', (o) => ['encode', ko, '--btf_base', base, '--detached', o]],
        ['btfpost-encode', (o) => ['encode', ko, '--btf_base', base, '--bogus', '--detached', o]],
        ['btfpost-encode', (o) => ['encode', ko, '--detached', o, '-J']],
        ['btfpost-encode', (o) => ['encode', join(dir, 'missing.ko'), '--detached', o]],
        ['btfpost-module', (o) => [ko, '--base', base, '--distilled-base', '-o', o]],
        ['btfpost-module', (o) => [ko, '--base', base, '--no-such-option', '-o', o]],
        ['btfpost-module', (o) => [join(dir, 'missing.ko'), '--base', base, '-o', o]],
      ];
      cases.forEach(([program, args], i) => {
        const lean = run(program, args(out(`lean${i}`)));
        const full = run('btfpost', args(out(`full${i}`)));
        expect(lean, args('OUT').join(' ')).toEqual(full);
        if (lean.status === 0) expect(Buffer.compare(readFileSync(out(`lean${i}`)), readFileSync(out(`full${i}`))), `output of case ${i}`).toBe(0);
      });
      // The cases include successes and failures.
      expect(existsSync(out('lean0')) && existsSync(out('lean4'))).toBe(true);
      expect(run('btfpost-encode', cases[1][1](out('x'))).status).toBe(1);
    });
  });

  it('string width is measured only when a text needs it: loading a program creates no Intl.Segmenter', () => {
    // Every copy of string-width creates one when it is evaluated; help output needs them.
    // The counts go to stderr when the process exits (yargs ends the process after --help).
    const probe = (args: string[]) => `
      import { writeSync } from 'node:fs';
      let made = 0;
      const Real = Intl.Segmenter;
      Intl.Segmenter = class extends Real { constructor(...a) { super(...a); made++; } };
      const m = await import(${JSON.stringify(join(ROOT, 'bin', 'load-bundle.js'))});
      const { exports } = m.loadBundle('btfpost');
      const loaded = made;
      process.on('exit', () => writeSync(2, JSON.stringify([loaded, made]) + '\\n'));
      await exports.main(${JSON.stringify(args)});`;
    const counts = (args: string[]) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe(args)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stderr.trim().split('\n').pop()!) as [number, number];
    };
    const [loaded, afterHelp] = counts(['--help']);
    expect(loaded).toBe(0);
    expect(afterHelp).toBeGreaterThan(0);
    const [, afterVersion] = counts(['--version']);
    expect(afterVersion).toBe(0);
  });

  it('a damaged or missing cache is not used, and the program runs the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-load-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'load-bundle.js'), join(dir, 'bin', 'load-bundle.js'));
    copyFileSync(join(ROOT, 'bin', 'btfpost'), join(dir, 'bin', 'btfpost'));
    copyFileSync(join(ROOT, 'bin', 'package.json'), join(dir, 'bin', 'package.json'));
    copyFileSync(join(ROOT, 'dist', 'bundle', 'btfpost.cjs'), join(dir, 'dist', 'bundle', 'btfpost.cjs'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const run = () => spawnSync(process.execPath, [join(dir, 'bin', 'btfpost'), '--version'], { encoding: 'utf8' });
    // No cache file.
    expect(cacheUsed(join(dir, 'bin'), 'btfpost')).toBe(false);
    expect(run().stdout.trim()).toBe(version);
    // Only the full program there: encode runs from it.
    const encode = spawnSync(process.execPath, [join(dir, 'bin', 'btfpost'), 'encode', 'x.ko', '--bogus', '--detached', 'o'], { encoding: 'utf8' });
    expect(encode.status, encode.stderr).toBe(1);
    expect(encode.stderr).toMatch(/^btfpost: Unknown argument: bogus\n/);
    // The cache as built is taken from the copy too.
    const good = readFileSync(join(ROOT, 'dist', 'bundle', 'btfpost.cjs.cache'));
    writeFileSync(join(dir, 'dist', 'bundle', 'btfpost.cjs.cache'), good);
    expect(cacheUsed(join(dir, 'bin'), 'btfpost')).toBe(true);
    // Damaged in its header, in V8's data (which V8 would deserialize and abort on), or cut short.
    const variants: Array<[string, Buffer]> = [];
    const header = Buffer.from(good);
    header[3] ^= 0xff;
    variants.push(['header', header]);
    const data = Buffer.from(good);
    for (let i = 100000; i < data.length; i += 50000) data[i] ^= 0xff;
    variants.push(['data', data]);
    variants.push(['short', good.subarray(0, 40)]);
    for (const [what, bytes] of variants) {
      writeFileSync(join(dir, 'dist', 'bundle', 'btfpost.cjs.cache'), bytes);
      expect(cacheUsed(join(dir, 'bin'), 'btfpost'), what).toBe(false);
      const r = run();
      expect(r.status, `${what}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
    // A source of the same length that is not the one the cache was made for (V8 compares only
    // the length).
    writeFileSync(join(dir, 'dist', 'bundle', 'btfpost.cjs.cache'), good);
    const source = readFileSync(join(ROOT, 'dist', 'bundle', 'btfpost.cjs'), 'latin1');
    const edited = source.replace(/btfpost: internal error: /, 'btfpost: INTERNAL ERROR: ');
    expect(edited.length).toBe(source.length);
    expect(edited).not.toBe(source);
    writeFileSync(join(dir, 'dist', 'bundle', 'btfpost.cjs'), edited, 'latin1');
    expect(cacheUsed(join(dir, 'bin'), 'btfpost')).toBe(false);
    expect(run().stdout.trim()).toBe(version);
  });
});

describe('running a program (bin/load-bundle.js runBundle)', () => {
  // A stand-in program beside a copy of bin/load-bundle.js. `beforeExit` is emitted only when a
  // process ends by itself, so it shows which way each run ended.
  const PROGRAM = `"use strict";
process.on('beforeExit', () => process.stderr.write('ended by itself\\n'));
exports.main = async (argv) => {
  if (argv[0] === 'big') {
    // Far more than a pipe holds: most of it is still queued when main returns.
    process.stdout.write('x'.repeat(8 << 20));
    return 3;
  }
  if (argv[0] === 'timer') {
    setTimeout(() => process.stdout.write('late\\n'), 50);
    return 4;
  }
  if (argv[0] === 'weak') {
    // Only a weak reference is left to this object once main has returned: it is gone at exit
    // when the heap was collected after main, and there otherwise (nothing else allocates). A
    // weak reference holds its object until the task that made it ends: main returns in a later one.
    const ref = new WeakRef({ data: new Array(1000).fill(1) });
    process.on('exit', () => process.stderr.write(ref.deref() === undefined ? 'collected\\n' : 'not collected\\n'));
    await new Promise((resolve) => setImmediate(resolve));
    return 6;
  }
  return 5;
};
`;

  /** A directory with bin/fake, which runs PROGRAM (dist/bundle/fake.cjs) through runBundle. */
  const fakeProgramDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-run-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist', 'bundle'), { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'load-bundle.js'), join(dir, 'bin', 'load-bundle.js'));
    copyFileSync(join(ROOT, 'bin', 'package.json'), join(dir, 'bin', 'package.json'));
    writeFileSync(join(dir, 'bin', 'fake'), "require('./load-bundle.js').runBundle('fake', 'main');\n");
    writeFileSync(join(dir, 'dist', 'bundle', 'fake.cjs'), PROGRAM);
    return dir;
  };

  it('exits as soon as the program is done when nothing is pending, else when all is written', () => {
    const dir = fakeProgramDir();
    try {
      const run = (mode: string) => spawnSync(process.execPath, [join(dir, 'bin', 'fake'), mode], { encoding: 'utf8', maxBuffer: 1 << 26 });
      // Nothing pending: the process exits at once, with the program's code.
      const quiet = run('quiet');
      expect(quiet.status).toBe(5);
      expect(quiet.stderr).toBe('');
      // Output still queued for the pipe: all of it arrives, then the process ends by itself.
      const big = run('big');
      expect(big.status).toBe(3);
      expect(big.stdout.length).toBe(8 << 20);
      expect(big.stderr).toBe('ended by itself\n');
      // A timer still set: it runs first.
      const timer = run('timer');
      expect(timer.status).toBe(4);
      expect(timer.stdout).toBe('late\n');
      expect(timer.stderr).toBe('ended by itself\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('collects the heap once the program is done, before the process ends (so no V8 helper thread can wait on a collection then)', () => {
    const dir = fakeProgramDir();
    try {
      const weak = spawnSync(process.execPath, [join(dir, 'bin', 'fake'), 'weak'], { encoding: 'utf8' });
      expect(weak.status).toBe(6);
      expect(weak.stderr).toBe('collected\n');
      // The same program run without runBundle keeps the object: the check above sees the collection.
      writeFileSync(join(dir, 'bin', 'plain'), "require('../dist/bundle/fake.cjs').main(process.argv.slice(2)).then((c) => process.exit(c));\n");
      const plain = spawnSync(process.execPath, [join(dir, 'bin', 'plain'), 'weak'], { encoding: 'utf8' });
      expect(plain.status).toBe(6);
      expect(plain.stderr).toBe('not collected\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The programs of bin/ are run as commands (on PATH, through npm's links, by kbuild). Run that way
// they start Node on themselves without NODE_EXTRA_CA_CERTS, which only makes every start slower
// for a program that makes no TLS connection, and with no more V8 helper threads than spare CPUs;
// arguments and exit codes pass through unchanged.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fixture, ROOT } from '../helpers/testdata.js';

const built = existsSync(join(ROOT, 'dist', 'bundle', 'btfpost.cjs'));
// A certificate file that does not exist: Node warns on stderr when it tries to load it.
const MISSING = join(tmpdir(), 'btfpost-no-such-ca-bundle.pem');
const WARNING = /extra certs/i;
// The launchers start `node` from PATH: this test's Node first.
const env = { ...process.env, NODE_EXTRA_CA_CERTS: MISSING, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
// The CPUs the kernel has online, as the launchers read them (for example `0-1`).
const ONLINE = '/sys/devices/system/cpu/online';
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', env });

describe.skipIf(!built || process.platform === 'win32')('bin/ programs run as commands (needs dist/, built by npm ci)', () => {
  it('Node, started on a program directly, does load the file (so the checks below can see it)', () => {
    const r = run(process.execPath, [join(ROOT, 'bin', 'btfpost'), '--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(WARNING);
  });

  it('each program run as a command leaves NODE_EXTRA_CA_CERTS out, and still runs', () => {
    const cases: Array<[string, string[], number, RegExp]> = [
      ['btfpost', ['--version'], 0, /^\d+\.\d+\.\d+\n$/],
      ['btfpost-pahole', ['--version'], 0, /^v1\.30\n$/],
      ['btfpost-resolve_btfids', ['--help'], 0, /usage: btfpost-resolve_btfids/],
    ];
    for (const [name, args, status, out] of cases) {
      const r = run(join(ROOT, 'bin', name), args);
      expect(r.status, `${name}: ${r.stderr}`).toBe(status);
      expect(r.stdout, name).toMatch(out);
      expect(r.stderr, name).not.toMatch(WARNING);
    }
  });

  it('each program starts Node with one V8 helper thread fewer than the CPUs, on machines of up to four', () => {
    // A stand-in `node`, first on PATH, that prints the arguments it was started with.
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-launch-pool-'));
    try {
      writeFileSync(join(dir, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
      const online = existsSync(ONLINE) ? readFileSync(ONLINE, 'utf8').trim() : '';
      // Node's own pool has four threads; a machine of five CPUs or more keeps it.
      const pool = ({ '0': 1, '0-1': 1, '0-2': 2, '0-3': 3 } as Record<string, number>)[online];
      for (const name of ['btfpost', 'btfpost-pahole', 'btfpost-resolve_btfids']) {
        const script = join(ROOT, 'bin', name);
        const args = (extra: NodeJS.ProcessEnv) => {
          const r = spawnSync(script, ['--version'], { encoding: 'utf8', env: { ...env, ...extra, PATH: `${dir}${delimiter}${env.PATH}` } });
          expect(r.status, `${name}: ${r.stderr}`).toBe(0);
          return r.stdout.split('\n').slice(0, -1);
        };
        const own = { NODE_OPTIONS: '' };
        expect(args(own), `${name} on cpus ${online}`).toEqual([...(pool === undefined ? [] : [`--v8-pool-size=${pool}`]), script, '--version']);
        // A pool size given in NODE_OPTIONS is left to apply.
        expect(args({ NODE_OPTIONS: '--v8-pool-size=2' }), name).toEqual([script, '--version']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('through a link to it (as npm installs it), with arguments holding spaces, and with its exit code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-launch-'));
    try {
      const link = join(dir, 'btfpost');
      symlinkSync(join(ROOT, 'bin', 'btfpost'), link);
      const v = run(link, ['--version']);
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      const missing = join(dir, 'a dir with spaces', 'no such.btf');
      const r = run(link, ['dump', missing]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(missing);
      expect(r.stderr).not.toMatch(WARNING);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(join(ROOT, 'dist', 'bundle', 'batch-worker.js')))('batch worker processes start without it even when btfpost itself was started with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-launch-batch-'));
    try {
      writeFileSync(join(dir, 'vmlinux.btf'), fixture('btf/vmlinux-6.12.btf.gz'));
      const mods = join(dir, 'mods');
      mkdirSync(mods);
      for (const n of ['a', 'b', 'c']) writeFileSync(join(mods, `${n}.ko`), fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
      const r = run(process.execPath, [join(ROOT, 'bin', 'btfpost'), 'batch', mods, '-B', join(dir, 'vmlinux.btf'), '--jobs', '2', '--report', join(dir, 'r.json')]);
      expect(r.status, r.stderr).toBe(0);
      // The first process (started by Node directly) warns once; its two workers do not.
      expect(r.stderr.match(/extra certs/gi)?.length).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

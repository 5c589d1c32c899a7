// The programs of bin/ are run as commands (on PATH, through npm's links, by kbuild). Run that way
// they start Node on themselves without NODE_EXTRA_CA_CERTS, which only makes every start slower
// for a program that makes no TLS connection; arguments and exit codes pass through unchanged.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fixture, ROOT } from '../helpers/testdata.js';

const built = existsSync(join(ROOT, 'dist', 'bundle', 'btfpost.cjs'));
// A certificate file that does not exist: Node warns on stderr when it tries to load it.
const MISSING = join(tmpdir(), 'btfpost-no-such-ca-bundle.pem');
const WARNING = /extra certs/i;
// The launchers start `node` from PATH: this test's Node first.
const env = { ...process.env, NODE_EXTRA_CA_CERTS: MISSING, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
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

import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, fixture } from '../helpers/testdata.js';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { CheckReportSchema } from '../../src/pipeline/check.js';

// These run the built CLI (bin/btfpost -> dist/), as a user would after `npm ci`.
const BIN = join(ROOT, 'bin', 'btfpost');
const built = existsSync(join(ROOT, 'dist', 'bundle', 'btfpost.cjs'));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'latin1', maxBuffer: 1 << 28 });

describe.skipIf(!built)('btfpost command line (needs dist/, built by npm ci)', () => {
  let dir: string;
  let vmlinux: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'btfpost-cli-'));
    vmlinux = join(dir, 'vmlinux.btf');
    writeFileSync(vmlinux, fixture('btf/vmlinux-6.12.btf.gz'));
  });

  it('--help and --version answer', () => {
    const h = run('--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/btfpost dump <file>/);
    const v = run('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('dump --format raw of a module equals bpftool 7.5', () => {
    const r = run('dump', join(ROOT, 'testdata/modules/veth.ko'), '-B', vmlinux);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(Buffer.from(fixture('modules/veth.raw.gz')).toString('latin1'));
  });

  it('dump --format json validates', async () => {
    const { BtfJsonDumpSchema } = await import('../../src/btf/dump/schema.js');
    const r = run('dump', join(ROOT, 'testdata/modules/tcp_bbr.ko'), '-B', vmlinux, '--format', 'json');
    expect(r.status).toBe(0);
    expect(BtfJsonDumpSchema.safeParse(JSON.parse(r.stdout)).success).toBe(true);
  });

  it('usage errors exit 1, bad input exits 2 with one line naming file and offset, no stack trace', () => {
    const u = run('dump');
    expect(u.status).toBe(1);
    const bad = join(dir, 'bad.btf');
    const d = fixture('btf/vmlinux-6.12.btf.gz').slice(0, 4000);
    writeFileSync(bad, d);
    const b = run('dump', bad);
    expect(b.status).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/bad\.btf: BTF\+0x[0-9a-f]+: /);
    expect(b.stderr).not.toMatch(/\n\s+at /);
  });

  it('a named command keeps its checks, aliases and help when run on its own', () => {
    const ko = join(ROOT, 'testdata/encoder/funcs.o');
    const unknown = run('encode', ko, '--detached', join(dir, 'x.btf'), '--bogus');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("btfpost: Unknown argument: bogus\nTry 'btfpost --help'.\n");
    const missing = run('encode');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^btfpost: Not enough non-option arguments: got 0, need at least 1\n/);
    const check = run('encode', ko);
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/^btfpost: give exactly one of --detached OUT and -J\n/);
    expect(existsSync(join(dir, 'x.btf'))).toBe(false);
    // The alias -B reaches the handler: the same split BTF as --btf_base, unlike no base.
    const viaAlias = join(dir, 'funcs.alias.btf');
    const viaName = join(dir, 'funcs.name.btf');
    const noBase = join(dir, 'funcs.nobase.btf');
    expect(run('encode', ko, '-B', vmlinux, '--detached', viaAlias).status).toBe(0);
    expect(run('encode', ko, '--btf_base', vmlinux, '--detached', viaName).status).toBe(0);
    expect(run('encode', ko, '--detached', noBase).status).toBe(0);
    expect(readFileSync(viaAlias).equals(readFileSync(viaName))).toBe(true);
    expect(readFileSync(viaAlias).equals(readFileSync(noBase))).toBe(false);
    const help = run('encode', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^btfpost encode <file>/);
    expect(help.stdout).toMatch(/--btf_features_strict/);
  });

  it('dedup, distill, relocate and check round trip through files', () => {
    const ded = join(dir, 'bbr.dedup.btf');
    expect(run('dedup', join(ROOT, 'testdata/modules/tcp_bbr.ko'), '-B', vmlinux, '-o', ded).status).toBe(0);
    expect(Buffer.compare(readFileSync(ded), Buffer.from(fixture('modules/tcp_bbr.libbpf-dedup.btf')))).toBe(0);
    const split = join(dir, 'bbr.split.btf');
    const dist = join(dir, 'bbr.base.btf');
    expect(run('distill', ded, '-B', vmlinux, '-o', split, '--base-out', dist).status).toBe(0);
    const rel = join(dir, 'bbr.rel.btf');
    expect(run('relocate', split, '--distilled', dist, '-B', vmlinux, '-o', rel).status).toBe(0);
    const relBtf = parseBtf(readFileSync(rel), { base: parseBtf(readFileSync(vmlinux)) });
    expect(relBtf.count).toBeGreaterThan(0);
    const c = run('check', join(ROOT, 'testdata/modules/tcp_bbr.ko'), join(ROOT, 'testdata/modules/dummy.ko'), '-B', vmlinux, '--json');
    expect(c.status).toBe(0);
    const report = CheckReportSchema.parse(JSON.parse(c.stdout));
    expect(report.ok).toBe(2);
  });

  it('check fails plain split modules against a different kernel, with reasons', () => {
    const host = join(dir, 'host.btf');
    writeFileSync(host, fixture('btf/host.btf.gz'));
    const c = run('check', join(ROOT, 'testdata/modules/nf_conntrack.ko'), '-B', host, '--built-with', vmlinux, '--json');
    expect(c.status).toBe(2);
    const report = CheckReportSchema.parse(JSON.parse(c.stdout));
    expect(report.failed).toBe(1);
    expect(report.modules[0].reason).toBeTruthy();
  });

  it('merge puts vmlinux and modules into one BTF where module types are found by name', () => {
    const out = join(dir, 'merged.btf');
    const r = run('merge', vmlinux, join(ROOT, 'testdata/modules/nf_conntrack.ko'), join(ROOT, 'testdata/modules/veth.ko'), '-o', out);
    expect(r.status).toBe(0);
    const merged = parseBtf(readFileSync(out));
    const names = new Set<string>();
    for (let id = 1; id < merged.typeCount; id++) names.add(merged.name(id));
    expect(names.has('nf_conn')).toBe(true);
    expect(names.has('veth_priv')).toBe(true);
    expect(merged.count).toBeGreaterThan(112768);
    expect(serializeBtf(merged).length).toBe(readFileSync(out).length);
  });
});

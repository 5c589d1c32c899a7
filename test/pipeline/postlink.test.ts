import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, chmodSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBtf } from '../../src/btf/index.js';
import { parseElf } from '../../src/elf/index.js';
import { postLink } from '../../src/pipeline/postlink.js';
import { BatchReportSchema } from '../../src/pipeline/batch-schema.js';
import { parseFeatureLists, KBUILD_FEATURES } from '../../src/encoder/index.js';
import { fixture, ROOT } from '../helpers/testdata.js';
import { spawn, spawnSync } from 'node:child_process';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const section = (bytes: Uint8Array, name: string) => {
  const elf = parseElf(bytes);
  return elf.sectionData(elf.sectionByName(name)!);
};

describe('the post-link job', () => {
  const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
  const pre = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
  const features = parseFeatureLists([KBUILD_FEATURES]);

  it('tcp_bbr with a distilled base: .BTF, .BTF.base and .BTF_ids equal pahole 1.30 + resolve_btfids', () => {
    const r = postLink(pre, 'tcp_bbr.ko', { base: vmlinux, features, distilled: true });
    expect(same(section(r.bytes, '.BTF'), fixture('postlink/tcp_bbr.BTF'))).toBe(true);
    expect(same(section(r.bytes, '.BTF.base'), fixture('postlink/tcp_bbr.BTF.base'))).toBe(true);
    expect(same(section(r.bytes, '.BTF_ids'), fixture('postlink/tcp_bbr.BTF_ids'))).toBe(true);
    // Every other section keeps its bytes.
    const a = parseElf(pre);
    const b = parseElf(r.bytes);
    for (const s of a.sections) {
      if (['.BTF', '.BTF.base', '.BTF_ids', '.shstrtab', ''].includes(s.name)) continue;
      expect(same(a.sectionData(s), b.sectionData(b.sectionByName(s.name)!)), s.name).toBe(true);
    }
  });

  it('a second run on its own output changes no byte; switching to .BTF.base_ref replaces, never duplicates', () => {
    const once = postLink(pre, 'm', { base: vmlinux, features, distilled: true }).bytes;
    const twice = postLink(once, 'm', { base: vmlinux, features, distilled: true }).bytes;
    expect(same(once, twice)).toBe(true);
    const ref = postLink(once, 'm', { base: vmlinux, features, distilled: true, baseSection: '.BTF.base_ref' }).bytes;
    const names = parseElf(ref).sections.map((s) => s.name);
    expect(names.filter((n) => n === '.BTF')).toHaveLength(1);
    expect(names).toContain('.BTF.base_ref');
    expect(names).not.toContain('.BTF.base');
    const plain = postLink(ref, 'm', { base: vmlinux, features }).bytes;
    expect(parseElf(plain).sections.map((s) => s.name).filter((n) => n.startsWith('.BTF.base'))).toEqual([]);
  });

  it('refuses a signed module unless told to strip the signature', () => {
    const signed = fixture('modules/dummy.ko');
    expect(() => postLink(signed, 'dummy.ko', { base: vmlinux, features })).toThrow(/signed/);
  });

  it('standalone BTF has no base and describes the same module', () => {
    const r = postLink(pre, 'm', { base: vmlinux, features, standalone: true });
    const alone = parseBtf(section(r.bytes, '.BTF'));
    expect(alone.startId).toBe(1);
    const names = new Set<string>();
    for (let id = 1; id < alone.typeCount; id++) names.add(alone.name(id));
    expect(names.has('bbr')).toBe(true);
    expect(names.has('tcp_sock')).toBe(true);
  });
});

describe('batch runs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'btfpost-batch-'));
    for (const j of ['j1', 'j2']) {
      const d = join(dir, j);
      writeFileSync(join(dir, 'vmlinux.btf'), fixture('btf/vmlinux-6.12.btf.gz'));
      for (const n of ['a', 'b']) {
        const p = join(d, `${n}.ko`);
        mkdirSync(d, { recursive: true });
        writeFileSync(p, fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
      }
      writeFileSync(join(d, 'broken.ko'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]));
    }
  });

  // Worker threads run the compiled code, so this goes through the built command line.
  it.skipIf(!existsSync(join(ROOT, 'dist', 'bundle', 'batch-worker.js')))('gives identical outputs for any --jobs, a valid report, and fails for broken input without touching it', () => {
    const run = (j: string, jobs: string) => spawnSync(process.execPath, [join(ROOT, 'bin', 'btfpost'), 'batch', join(dir, j), '-B', join(dir, 'vmlinux.btf'), '--distilled-base', '--jobs', jobs, '--report', join(dir, `${j}.json`)], { encoding: 'utf8' });
    const a = run('j1', '1');
    const b = run('j2', '2');
    for (const [res, j] of [[a, 'j1'], [b, 'j2']] as const) {
      expect(res.status).toBe(2);
      const r = BatchReportSchema.parse(JSON.parse(readFileSync(join(dir, `${j}.json`), 'utf8')));
      expect(r.ok).toBe(2);
      expect(r.failed).toBe(1);
      expect(r.modules.find((m) => m.module.endsWith('broken.ko'))!.error).toMatch(/broken\.ko/);
    }
    for (const n of readdirSync(join(dir, 'j1'))) expect(same(readFileSync(join(dir, 'j1', n)), readFileSync(join(dir, 'j2', n)))).toBe(true);
    expect(readFileSync(join(dir, 'j1', 'broken.ko')).length).toBe(7);
    expect(same(section(readFileSync(join(dir, 'j2', 'a.ko')), '.BTF.base'), fixture('postlink/tcp_bbr.BTF.base'))).toBe(true);
  });

  it.skipIf(!existsSync(join(ROOT, 'dist', 'bundle', 'batch-worker.js')))('--check-only in worker processes checks each module against the base and changes no byte', () => {
    const d = join(dir, 'chk');
    mkdirSync(d, { recursive: true });
    const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const good = postLink(fixture('postlink/tcp_bbr.pre-btf.ko.gz'), 'good.ko', { base: vmlinux, features: parseFeatureLists([KBUILD_FEATURES]), distilled: true }).bytes;
    writeFileSync(join(d, 'good.ko'), good);
    writeFileSync(join(d, 'nobtf.ko'), fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
    const before = readdirSync(d).map((n) => readFileSync(join(d, n)));
    const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'btfpost'), 'batch', d, '-B', join(dir, 'vmlinux.btf'), '--check-only', '--jobs', '2', '--report', join(dir, 'chk.json')], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    const r = BatchReportSchema.parse(JSON.parse(readFileSync(join(dir, 'chk.json'), 'utf8')));
    expect(r.mode).toBe('check-only');
    expect(r.modules.find((m) => m.module.endsWith('good.ko'))!.result).toBe('ok');
    const bad = r.modules.find((m) => m.module.endsWith('nobtf.ko'))!;
    expect(bad.result).toBe('failed');
    expect(bad.error).toBeTruthy();
    readdirSync(d).forEach((n, i) => expect(same(readFileSync(join(d, n)), before[i])).toBe(true));
  });
});

describe('batch worker processes', () => {
  // A worker killed while it holds a module (as the OOM killer would) fails that module only.
  // Skipped without the built worker (dist/, made by `npm ci`) or without Linux's /proc, where the
  // worker's pid is found.
  it.skipIf(!existsSync(join(ROOT, 'dist', 'bundle', 'batch-worker.js')) || !existsSync('/proc'))('a worker killed mid-module fails that module; the others are written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-kill-'));
    writeFileSync(join(dir, 'vmlinux.btf'), fixture('btf/vmlinux-6.12.btf.gz'));
    const mods = join(dir, 'mods');
    mkdirSync(mods);
    const input = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    for (let i = 0; i < 6; i++) writeFileSync(join(mods, `m${i}.ko`), input);
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'btfpost'), 'batch', mods, '-B', join(dir, 'vmlinux.btf'), '--distilled-base', '--jobs', '2', '--report', join(dir, 'r.json')], { stdio: 'ignore' });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // The first worker process: it is parsing the base for its first module as soon as it exists.
    // Children found through /proc/<pid>/stat (field 4 is the parent's pid).
    const childOf = (ppid: number): number => {
      for (const d of readdirSync('/proc')) {
        if (!/^\d+$/.test(d)) continue;
        try {
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) return Number(d);
        } catch {
          // The process went away while we looked.
        }
      }
      return 0;
    };
    let victim = 0;
    for (let tries = 0; tries < 500 && victim === 0; tries++) {
      victim = childOf(child.pid!);
      if (victim === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(victim).toBeGreaterThan(0);
    process.kill(victim, 'SIGKILL');
    expect(await exited).toBe(2);
    const r = BatchReportSchema.parse(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')));
    expect(r.failed).toBe(1);
    expect(r.ok).toBe(5);
    const dead = r.modules.find((m) => m.result === 'failed')!;
    expect(dead.error).toMatch(/worker process ended \(signal SIGKILL\)/);
    expect(same(readFileSync(dead.module), input)).toBe(true);
    for (const m of r.modules.filter((x) => x.result === 'ok')) expect(same(section(readFileSync(m.module), '.BTF.base'), fixture('postlink/tcp_bbr.BTF.base'))).toBe(true);
  }, 60_000);
});

describe('atomic writes', () => {
  it('a module whose directory refuses the write stays as it was', async () => {
    const { writeMaybeCompressed } = await import('../../src/elf/compress-file.js');
    const d = mkdtempSync(join(tmpdir(), 'btfpost-ro-'));
    const p = join(d, 'm.ko');
    writeFileSync(p, 'original');
    chmodSync(d, 0o555);
    try {
      if (process.getuid?.() === 0) {
        // root ignores directory permissions; make the rename target a directory instead.
        chmodSync(d, 0o755);
        const q = join(d, 'dir.ko');
        mkdirSync(q);
        await expect(writeMaybeCompressed(q, new Uint8Array([1, 2, 3]), 'none')).rejects.toThrow();
        expect(readdirSync(d).sort()).toEqual(['dir.ko', 'm.ko']);
      } else {
        await expect(writeMaybeCompressed(p, new Uint8Array([1, 2, 3]), 'none')).rejects.toThrow();
      }
      expect(readFileSync(p, 'utf8')).toBe('original');
    } finally {
      chmodSync(d, 0o755);
    }
  });
});

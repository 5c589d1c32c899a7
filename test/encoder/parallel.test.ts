import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, ROOT } from '../helpers/testdata.js';

// Worker threads run the compiled code, so this goes through the built command line.
describe.skipIf(!existsSync(join(ROOT, 'dist', 'encoder', 'worker.js')))('parallel encoding', () => {
  it('-j 2 and -j 3 give the same bytes as -j 1 (tcp_bbr: 3 units, split over vmlinux)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-par-'));
    const ko = join(dir, 'tcp_bbr.ko');
    writeFileSync(ko, fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
    const base = join(dir, 'vmlinux.btf');
    writeFileSync(base, fixture('btf/vmlinux-6.12.btf.gz'));
    const out = (j: number) => {
      const o = join(dir, `j${j}.btf`);
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'btfpost'), 'encode', ko, '--btf_base', base,
        '--btf_features=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs',
        '-j', String(j), '--detached', o], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(o);
    };
    const one = out(1);
    expect(Buffer.compare(out(2), one)).toBe(0);
    expect(Buffer.compare(out(3), one)).toBe(0);
  });
});

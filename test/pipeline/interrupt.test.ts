import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, ROOT } from '../helpers/testdata.js';

const BIN = join(ROOT, 'bin', 'btfpost');
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

// Kill the post-link job at many moments of its run: the module must always be either the
// original bytes or the complete result, never anything in between.
describe.skipIf(!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))('an interrupted run', () => {
  it('leaves the original or the complete result, whenever it is killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-kill-'));
    const base = join(dir, 'vmlinux.btf');
    writeFileSync(base, fixture('btf/vmlinux-6.12.btf.gz'));
    const original = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    const args = (m: string) => [BIN, m, '--base', base, '--distilled-base'];
    const ref = join(dir, 'ref.ko');
    writeFileSync(ref, original);
    expect(spawnSync(process.execPath, args(ref)).status).toBe(0);
    const result = readFileSync(ref);
    const t0 = Date.now();
    spawnSync(process.execPath, args(ref)); // time one run (on its own output)
    const runMs = Date.now() - t0;
    let killed = 0;
    for (let i = 0; i < 8; i++) {
      const m = join(dir, `m${i}.ko`);
      writeFileSync(m, original);
      const child = spawn(process.execPath, args(m), { stdio: 'ignore' });
      const delay = Math.floor((runMs * (i + 1)) / 9);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { if (child.kill('SIGKILL')) killed++; }, delay);
        child.on('exit', () => { clearTimeout(timer); resolve(); });
      });
      const now = readFileSync(m);
      expect(same(now, original) || same(now, result), `killed after ${delay} ms`).toBe(true);
    }
    expect(killed).toBeGreaterThan(0);
  });
});

import { describe, it, expect } from 'vitest';
import { execSync } from 'node:child_process';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/testdata.js';
import { parseElf } from '../../src/elf/index.js';

// The README's first command is what a new user runs after cloning: it must give a module with
// .BTF and .BTF.base. (npm ci has already run when the tests run; npx is replaced by bin/.)
describe.skipIf(!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))('README quick start', () => {
  it('the first command produces a module with .BTF, .BTF.base and .BTF_ids', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```sh\n(npm ci && [^\n]+)\n```/.exec(readme);
    expect(block).not.toBeNull();
    const out = join(mkdtempSync(join(tmpdir(), 'btfpost-readme-')), 'tcp_bbr.ko');
    const cmd = block![1]
      .replace(/^npm ci && /, '')
      .replaceAll('npx btfpost', `${process.execPath} ${join(ROOT, 'bin', 'btfpost')}`)
      .replaceAll(' tcp_bbr.ko', ` ${out}`);
    const printed = execSync(cmd, { cwd: ROOT, encoding: 'latin1', shell: '/bin/bash', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(printed).toMatch(/^\[\d+\] /);
    const elf = parseElf(new Uint8Array(readFileSync(out)));
    for (const s of ['.BTF', '.BTF.base', '.BTF_ids']) expect(elf.sectionByName(s), s).toBeDefined();
  });
});

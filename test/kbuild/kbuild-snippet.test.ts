// Building a real out-of-tree module through the corpus's 6.12 kbuild tree with btfpost (opt-in):
// kbuild-snippets/btfpost.mk via MAKEFILES with BTF_BASE_REF=1, and the drop-in programs
// (PAHOLE=btfpost-pahole RESOLVE_BTFIDS=btfpost-resolve_btfids), both compared section by section
// with the pahole 1.30 + resolve_btfids reference build; then the "no vmlinux" skip. Needs
// BTFPOST_CORPUS (the directory holding 6.12.117+deb12-amd64/), make, gcc-12 and dist/.

import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseElf } from '../../src/elf/index.js';
import { ROOT } from '../helpers/testdata.js';

const CORPUS = process.env.BTFPOST_CORPUS;
const C = CORPUS ? join(CORPUS, '6.12.117+deb12-amd64') : '';
const KROOT = join(C, 'kroot/usr/src/linux-headers-6.12.117+deb12-amd64');
const KBUILD = join(C, 'kroot/usr/lib/linux-kbuild-6.12.117+deb12');
const SET = 'hello';
const MODULE = 'hello_btf';
const SNIPPET = join(ROOT, 'kbuild-snippets', 'btfpost.mk');

function skipReason(): string | null {
  if (!CORPUS) return 'opt-in: set BTFPOST_CORPUS to the corpus directory';
  if (spawnSync('make', ['--version']).status !== 0) return 'make is not installed';
  if (!existsSync(join(KROOT, 'Makefile'))) return `no kbuild tree at ${KROOT}`;
  if (!existsSync(join(KROOT, 'vmlinux'))) return `${KROOT}/vmlinux is missing (the reference builds linked it to ${C}/vmlinux)`;
  if (!existsSync(join(C, 'oot-build-distilled', SET, `${MODULE}.ko`))) return `no reference build of ${SET}`;
  if (!existsSync(join(ROOT, 'dist', 'bundle', 'pahole.cjs'))) return 'dist/ is not built';
  return null;
}

const section = (file: string, name: string): Buffer | null => {
  const elf = parseElf(new Uint8Array(readFileSync(file)));
  const s = elf.sectionByName(name);
  return s ? Buffer.from(elf.sectionData(s)) : null;
};

const reason = skipReason();

describe.skipIf(reason !== null)(`kbuild with btfpost on the 6.12 tree${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const work = reason ? '' : mkdtempSync(join(tmpdir(), 'btfpost-kbuild-'));
  const dir = join(work, SET);
  const ko = join(dir, `${MODULE}.ko`);
  const ref = join(C, 'oot-build-distilled', SET, `${MODULE}.ko`);
  let ok = 0;
  afterAll(() => {
    if (ok === 3) rmSync(work, { recursive: true, force: true });
    else console.log(`kbuild test output kept in ${work}`);
  });

  const make = (tree: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    if (existsSync(ko)) unlinkSync(ko); // so kbuild relinks the module and runs its BTF step
    const r = spawnSync('make', ['-C', tree, `M=${dir}`, '-j2', ...args, 'modules'], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`make exited ${r.status}:\n${(r.stdout + r.stderr).slice(-4000)}`);
    return r;
  };
  const expectReferenceSections = () => {
    for (const name of ['.BTF', '.BTF.base', '.BTF_ids']) {
      const a = section(ko, name);
      const b = section(ref, name);
      expect(a, name).not.toBeNull();
      expect(a!.equals(b!), `${name} differs from ${ref}`).toBe(true);
    }
  };

  it('MAKEFILES=kbuild-snippets/btfpost.mk BTF_BASE_REF=1: sections equal the pahole 1.30 reference', () => {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(join(C, 'oot-build', SET))) {
      if (f === 'Kbuild' || f.endsWith('.c') || f.endsWith('.h')) copyFileSync(join(C, 'oot-build', SET, f), join(dir, f));
    }
    const r = make(KROOT, [`MAKEFILES=${SNIPPET}`, 'BTF_BASE_REF=1']);
    expect(r.stdout).toMatch(/BTF \[M\] .*\(btfpost\)/);
    expectReferenceSections();
    ok++;
  }, 300_000);

  it('PAHOLE=btfpost-pahole RESOLVE_BTFIDS=btfpost-resolve_btfids as the reference was invoked: same sections', () => {
    const r = make(KROOT, ['V=1', 'PAHOLE=btfpost-pahole', 'RESOLVE_BTFIDS=btfpost-resolve_btfids', 'CONFIG_PAHOLE_VERSION=130', 'KBUILD_BUILD_TIMESTAMP=2025-01-01 00:00:00 UTC'],
      { PATH: `${join(ROOT, 'bin')}:${process.env.PATH}` });
    expect(r.stdout).toMatch(/btfpost-pahole -J .*--btf_features=distilled_base/);
    expectReferenceSections();
    ok++;
  }, 300_000);

  it('a tree without vmlinux and no readable running-kernel BTF: the kernel\'s skip message, no .BTF, make succeeds', () => {
    // a copy of the headers directory (small) with the kbuild scripts linked and no vmlinux
    const tree = join(work, 'tree');
    cpSync(KROOT, tree, { recursive: true, verbatimSymlinks: true });
    for (const l of ['scripts', 'tools', 'vmlinux']) rmSync(join(tree, l), { force: true });
    symlinkSync(join(KBUILD, 'scripts'), join(tree, 'scripts'));
    symlinkSync(join(KBUILD, 'tools'), join(tree, 'tools'));
    const r = make(tree, [`MAKEFILES=${SNIPPET}`, 'BTF_BASE_REF=1', `BTF_SYSFS_VMLINUX=${join(work, 'no-such-file')}`]);
    expect(r.stderr).toContain(`Skipping BTF generation for ${ko} due to unavailability of vmlinux`);
    expect(section(ko, '.BTF')).toBeNull();
    ok++;
  }, 300_000);
});

// The encode subcommand: detached and in-ELF output, feature options, and failures that leave the file alone.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterAll, describe, expect, it } from 'vitest';
import { btfFromBytes } from '../../src/btf/load.js';
import { BtfpostError, UsageError } from '../../src/common/errors.js';
import { encodeCommand } from '../../src/cli/encode.js';
import { parseElf } from '../../src/elf/index.js';
import { parseFeatureLists, KBUILD_FEATURES } from '../../src/encoder/index.js';
import { TESTDATA } from '../helpers/testdata.js';
import { compareEncoded, expectedBtf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'encode-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<number> {
  let code = -1;
  await yargs(args)
    .command(encodeCommand((c) => { code = c; }))
    .strict()
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    })
    .parseAsync();
  return code;
}

function copy(name: string): string {
  const p = join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  copyFileSync(join(TESTDATA, 'encoder', name), p);
  return p;
}

describe('btfpost encode', () => {
  it('writes raw BTF with --detached', async () => {
    const out = join(dir, 'types.btf');
    expect(await run(['encode', copy('types.o'), '--btf_features', KBUILD_FEATURES, '--detached', out, '-j', '4'])).toBe(0);
    const btf = btfFromBytes(new Uint8Array(readFileSync(out)), out).btf;
    expect(compareEncoded(btf, expectedBtf('types.btf')).equal).toBe(true);
  });

  it('writes .BTF into the ELF with -J', async () => {
    const ko = copy('percpu.o');
    expect(await run(['encode', ko, '--btf_features', KBUILD_FEATURES, '-J'])).toBe(0);
    const elf = parseElf(new Uint8Array(readFileSync(ko)), ko);
    const sec = elf.sectionByName('.BTF');
    expect(sec).toBeDefined();
    const btf = btfFromBytes(elf.sectionData(sec!).slice(), ko).btf;
    expect(compareEncoded(btf, expectedBtf('percpu.btf')).equal).toBe(true);
    // Running again replaces the section.
    expect(await run(['encode', ko, '--btf_features', KBUILD_FEATURES, '-J'])).toBe(0);
    expect(parseElf(new Uint8Array(readFileSync(ko)), ko).sections.filter((s) => s.name === '.BTF')).toHaveLength(1);
  });

  it('refuses unknown features only with --btf_features_strict', async () => {
    const out = join(dir, 'x.btf');
    expect(await run(['encode', copy('types.o'), '--btf_features', `${KBUILD_FEATURES},no_such`, '--detached', out])).toBe(0);
    await expect(run(['encode', copy('types.o'), '--btf_features', 'no_such', '--btf_features_strict', '--detached', out])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['encode', copy('types.o'), '--btf_features', 'a b', '--detached', out])).rejects.toBeInstanceOf(UsageError);
  });

  it('needs exactly one of --detached and -J', async () => {
    await expect(run(['encode', copy('types.o')])).rejects.toBeInstanceOf(UsageError);
  });

  it('leaves the file unchanged when the DWARF is bad', async () => {
    const ko = copy('types.o');
    const buf = new Uint8Array(readFileSync(ko));
    const sec = parseElf(buf, ko).sectionByName('.debug_info')!;
    buf.set([9, 0], sec.offset + 4);
    writeFileSync(ko, buf);
    const err = await run(['encode', ko, '-J']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BtfpostError);
    expect((err as BtfpostError).describe()).toMatch(/\.debug_info\+0x/);
    expect(Buffer.compare(readFileSync(ko), Buffer.from(buf))).toBe(0);
    const nod = copy('nodwarf.o');
    const before = readFileSync(nod);
    await expect(run(['encode', nod, '-J'])).rejects.toBeInstanceOf(BtfpostError);
    expect(Buffer.compare(readFileSync(nod), before)).toBe(0);
  });

  it('names the input when it cannot be read, whichever way it is read', async () => {
    for (const out of [['--detached', join(dir, 'never.btf')], ['-J']]) {
      for (const j of ['1', '2']) {
        const err = await run(['encode', dir, ...out, '-j', j]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(BtfpostError);
        expect((err as BtfpostError).describe()).toContain(`${dir}: cannot read`);
      }
    }
  });
});

describe('feature lists', () => {
  it('follows pahole: default, +extra, accumulation, unknown names ignored', () => {
    const d = parseFeatureLists(['default']);
    expect(d.var && d.float && d.decl_tag_kfuncs && !d.global_var && !d.reproducible_build).toBe(true);
    const plus = parseFeatureLists(['+global_var']);
    expect(plus.global_var && plus.var).toBe(true);
    const acc = parseFeatureLists(['var', 'float,bogus']);
    expect(acc.var && acc.float && !acc.enum64).toBe(true);
    expect(() => parseFeatureLists(['bogus'], { strict: true })).toThrow(UsageError);
  });
});

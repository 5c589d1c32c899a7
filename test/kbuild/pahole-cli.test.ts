// btfpost-pahole: pahole's command line as kbuild uses it (parsing, feature rules, version answers),
// and the drop-in pair btfpost-pahole + btfpost-resolve_btfids on the committed tcp_bbr fixture.

import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePaholeArgs, supportedBtfFeatures, PAHOLE_COMPAT_VERSION } from '../../src/cli/pahole.js';
import { KBUILD_FEATURES, legacyDefaultFeatures, noFeatures, parseFeatureLists, type EncodeFeatures } from '../../src/encoder/index.js';
import { parseElf } from '../../src/elf/index.js';
import { UsageError } from '../../src/common/errors.js';
import { fixture, ROOT } from '../helpers/testdata.js';

const on = (f: EncodeFeatures) => Object.entries(f).filter(([, v]) => v).map(([k]) => k).sort();
const parse = (s: string) => parsePaholeArgs(s.split(' ').filter(Boolean));

describe('btfpost-pahole option parsing', () => {
  it('the 6.12 kbuild command line for pahole >= 1.26 (external module, reproducible build)', () => {
    const o = parse(`-J -j --btf_features=${KBUILD_FEATURES} -j --btf_features=+reproducible_build --lang_exclude=rust --btf_features=distilled_base --btf_base vmlinux m.ko`);
    expect(o.action).toBe('encode');
    expect(o.detached).toBeUndefined();
    expect(o.base).toBe('vmlinux');
    expect(o.file).toBe('m.ko');
    expect(o.jobs).toBe(0);
    expect(o.langExclude).toEqual(['rust']);
    expect(on(o.features)).toEqual(on({ ...parseFeatureLists([KBUILD_FEATURES]), reproducible_build: true, distilled_base: true }));
  });

  it('the 6.12 kbuild command line for pahole 1.24 (legacy switches on top of pahole\'s old defaults)', () => {
    const o = parse('-J --btf_gen_floats -j --lang_exclude=rust --btf_base vmlinux m.ko');
    expect(on(o.features)).toEqual(on({ ...legacyDefaultFeatures(), float: true }));
    expect(on(o.features)).toEqual(['decl_tag', 'enum64', 'float', 'type_tag', 'var']);
  });

  it('no options at all: pahole\'s legacy defaults', () => {
    expect(on(parse('-J m.ko').features)).toEqual(on(legacyDefaultFeatures()));
  });

  it('the first feature list resets the switches once; later lists and switches add', () => {
    // --btf_gen_floats before the first list is dropped, as in pahole
    expect(on(parse('-J --btf_gen_floats --btf_features=var m.ko').features)).toEqual(['var']);
    expect(on(parse('-J --btf_features=var --btf_gen_floats m.ko').features)).toEqual(['float', 'var']);
    expect(on(parse('-J --btf_features=var --btf_features=float,type_tag m.ko').features)).toEqual(['float', 'type_tag', 'var']);
    // skip_* switches after a list turn a feature back off
    expect(on(parse('-J --btf_features=default --skip_encoding_btf_vars m.ko').features)).not.toContain('var');
    // --btf_gen_all is --btf_features=all in pahole >= 1.27: no such feature, so only the reset happens
    expect(on(parse('-J --btf_gen_all m.ko').features)).toEqual([]);
  });

  it('default, +extra, default inside a list, unknown names ignored unless strict', () => {
    const dflt = on(parseFeatureLists(['default']));
    expect(on(parse('-J --btf_features=default m.ko').features)).toEqual(dflt);
    expect(on(parse('-J --btf_features=+global_var m.ko').features)).toEqual([...dflt, 'global_var'].sort());
    expect(on(parse('-J --btf_features=global_var,default m.ko').features)).toEqual([...dflt, 'global_var'].sort());
    expect(on(parse('-J --btf_features=var,no_such_thing m.ko').features)).toEqual(['var']);
    expect(() => parse('-J --btf_features_strict=var,no_such_thing m.ko')).toThrow(UsageError);
    expect(on(parse('-J --btf_features_strict=var,float m.ko').features)).toEqual(['float', 'var']);
  });

  it('legacy switches map to the features pahole ties them to', () => {
    const o = parse('-J --btf_features=default --skip_encoding_btf_decl_tag --skip_encoding_btf_type_tag --skip_encoding_btf_enum64 m.ko');
    expect(o.features.decl_tag || o.features.type_tag || o.features.enum64).toBe(false);
    const p = parse('-J --skip_encoding_btf_inconsistent_proto --btf_gen_optimized --btf_encode_force --btf_attributes --reproducible_build m.ko');
    expect(on(p.features)).toEqual(on({ ...legacyDefaultFeatures(), consistent_func: true, optimized_func: true, encode_force: true, attributes: true, reproducible_build: true }));
  });

  it('--opt=value and --opt value; -j, -jN, --jobs, --jobs=N; bundled short switches; options after the file', () => {
    expect(parse('-J --btf_base=vm m.ko').base).toBe('vm');
    expect(parse('-J --btf_base vm m.ko').base).toBe('vm');
    expect(parse('-J -j8 m.ko').jobs).toBe(8);
    expect(parse('-J --jobs=3 m.ko').jobs).toBe(3);
    expect(parse('-J --jobs m.ko').jobs).toBe(0);
    expect(parse('-Jj4 m.ko').jobs).toBe(4);
    expect(parse('-JV m.ko').verbose).toBe(1);
    const late = parse('m.ko -J --btf_base vm');
    expect([late.file, late.base]).toEqual(['m.ko', 'vm']);
    expect(parse('-J -- -odd.ko').file).toBe('-odd.ko');
    expect(parse('--lang_exclude=rust,c++ -J m.ko').langExclude).toEqual(['rust', 'c++']);
  });

  it('--btf_encode_detached implies encoding and names the output', () => {
    const o = parse('--btf_encode_detached=out.btf --btf_base vm m.ko');
    expect(o.action).toBe('encode');
    expect(o.detached).toBe('out.btf');
    expect(parse('--btf_encode_detached out.btf m.ko').detached).toBe('out.btf');
  });

  it('usage errors: unknown options, missing values, no encoding asked, no or several files', () => {
    for (const bad of ['-J --frobnicate m.ko', '-J -x m.ko', '-J --btf_base', '-J --btf_encode=1 m.ko', '-J -jx m.ko', 'm.ko', '-J', '-J a.ko b.ko', '-C task_struct vmlinux']) {
      expect(() => parse(bad), bad).toThrow(UsageError);
    }
  });

  it('--version, --numeric_version, --supported_btf_features and --help win over encoding', () => {
    expect(parse('--version').action).toBe('version');
    expect(parse('-J --numeric_version m.ko').action).toBe('numeric_version');
    expect(parse('--supported_btf_features').action).toBe('supported_btf_features');
    expect(parse('--help').action).toBe('help');
  });

  it('supported features: pahole 1.30\'s names in its order, only those the encoder implements', () => {
    const list = supportedBtfFeatures().split(',');
    expect(list.slice(0, 12)).toEqual(['encode_force', 'var', 'float', 'decl_tag', 'type_tag', 'enum64', 'optimized_func', 'consistent_func', 'decl_tag_kfuncs', 'reproducible_build', 'distilled_base', 'global_var']);
    expect(list).not.toContain('layout');
    // every feature the 6.12 kbuild asks for is supported
    for (const f of [...KBUILD_FEATURES.split(','), 'distilled_base', 'reproducible_build']) expect(list).toContain(f);
    expect(on(noFeatures())).toEqual([]);
  });
});

const BIN = join(ROOT, 'bin');
const built = existsSync(join(ROOT, 'dist', 'bundle', 'pahole.cjs'));
const run = (prog: string, ...args: string[]) => spawnSync(process.execPath, [join(BIN, prog), ...args], { encoding: 'utf8' });

describe.skipIf(!built)('btfpost-pahole program (needs dist/)', () => {
  it('--version is a pahole version string that scripts/pahole-version.sh turns into 130', () => {
    const r = run('btfpost-pahole', '--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${PAHOLE_COMPAT_VERSION}\n`);
    // what pahole-version.sh does: sed -E 's/v([0-9]+)\.([0-9]+)/\1\2/'
    expect(r.stdout.trim().replace(/v([0-9]+)\.([0-9]+)/, '$1$2')).toBe('130');
    expect(run('btfpost-pahole', '--numeric_version').stdout).toBe('130\n');
  });

  it('--supported_btf_features prints one comma-separated line and exits 0', () => {
    const r = run('btfpost-pahole', '--supported_btf_features');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${supportedBtfFeatures()}\n`);
  });

  it('an unknown option is one clear line on stderr and exit 1', () => {
    const r = run('btfpost-pahole', '-J', '--no_such_option', 'm.ko');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unrecognized option '--no_such_option'/);
  });

  it('a missing file fails with exit 1 and no stack trace', () => {
    const r = run('btfpost-pahole', '-J', '/nonexistent/m.ko');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^btfpost-pahole: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  describe('as kbuild runs it: pahole -J ... then resolve_btfids -b vmlinux', () => {
    let dir: string;
    let vmlinux: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'btfpost-pahole-'));
      vmlinux = join(dir, 'vmlinux.btf');
      writeFileSync(vmlinux, fixture('btf/vmlinux-6.12.btf.gz'));
    });
    const sec = (file: string, name: string) => {
      const elf = parseElf(new Uint8Array(readFileSync(file)));
      const s = elf.sectionByName(name);
      return s ? Buffer.from(elf.sectionData(s)) : null;
    };

    it('tcp_bbr with distilled_base: .BTF, .BTF.base and .BTF_ids equal pahole 1.30 + resolve_btfids', () => {
      const ko = join(dir, 'tcp_bbr.ko');
      writeFileSync(ko, fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
      const p = run('btfpost-pahole', '-J', '-j', `--btf_features=${KBUILD_FEATURES}`, '-j', '--btf_features=+reproducible_build',
        '--lang_exclude=rust', '--btf_features=distilled_base', '--btf_base', vmlinux, ko);
      expect(p.stderr).toBe('');
      expect(p.status).toBe(0);
      const r = run('btfpost-resolve_btfids', '-b', vmlinux, ko);
      expect(r.status).toBe(0);
      expect(sec(ko, '.BTF')!.equals(Buffer.from(fixture('postlink/tcp_bbr.BTF')))).toBe(true);
      expect(sec(ko, '.BTF.base')!.equals(Buffer.from(fixture('postlink/tcp_bbr.BTF.base')))).toBe(true);
      expect(sec(ko, '.BTF_ids')!.equals(Buffer.from(fixture('postlink/tcp_bbr.BTF_ids')))).toBe(true);
    });

    it('--btf_encode_detached writes raw BTF and leaves the module alone', () => {
      const ko = join(dir, 'tcp_bbr2.ko');
      const pre = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
      writeFileSync(ko, pre);
      const out = join(dir, 'tcp_bbr.BTF.1');
      const p = run('btfpost-pahole', `--btf_features=${KBUILD_FEATURES}`, `--btf_base=${vmlinux}`, `--btf_encode_detached=${out}`, ko);
      expect(p.status).toBe(0);
      expect(Buffer.from(readFileSync(out)).subarray(0, 2).readUInt16LE(0)).toBe(0xeb9f);
      expect(Buffer.from(readFileSync(ko)).equals(Buffer.from(pre))).toBe(true);
      // -j2 reads into shared memory (a module this small is still encoded in one thread): same bytes.
      const out2 = join(dir, 'tcp_bbr.BTF.2');
      const p2 = run('btfpost-pahole', '-j2', `--btf_features=${KBUILD_FEATURES}`, `--btf_base=${vmlinux}`, `--btf_encode_detached=${out2}`, ko);
      expect(p2.status, p2.stderr).toBe(0);
      expect(Buffer.from(readFileSync(out2)).equals(Buffer.from(readFileSync(out)))).toBe(true);
    });

    it('without distilled_base only .BTF is written, and a stale .BTF.base is removed', () => {
      const ko = join(dir, 'tcp_bbr3.ko');
      writeFileSync(ko, fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
      expect(run('btfpost-pahole', '-J', `--btf_features=${KBUILD_FEATURES},distilled_base`, '--btf_base', vmlinux, ko).status).toBe(0);
      expect(sec(ko, '.BTF.base')).not.toBeNull();
      expect(run('btfpost-pahole', '-J', `--btf_features=${KBUILD_FEATURES}`, '--btf_base', vmlinux, ko).status).toBe(0);
      expect(sec(ko, '.BTF')).not.toBeNull();
      expect(sec(ko, '.BTF.base')).toBeNull();
    });
  });
});

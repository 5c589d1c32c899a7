// The small input's inlining budget is set while a small input is encoded and put back after,
// and not at all where Node was given its own or BTFPOST_COMPILER_TUNING=0 says so (the build's
// code cache runs, whose caches must carry the flags of a fresh process). V8 takes a code cache
// only under the flags it was made with, which makes the flags observable here.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { smallInputTuning } from '../../src/common/compiler-tuning.js';
import { encodeBtf, parseFeatureLists } from '../../src/encoder/index.js';
import { parseElf } from '../../src/elf/index.js';
import { fixture, ROOT } from '../helpers/testdata.js';

const TUNING = join(ROOT, 'dist', 'common', 'compiler-tuning.js');

let scripts = 0;

/**
 * Whether V8's flags are now those under which `probe()` was called. Each check compiles under a
 * name of its own: V8 compiles a script it has seen under the same name from memory, without
 * looking at the cache.
 */
function probe(): () => boolean {
  const source = '(function probe() { return 1; })';
  const data = new Script(source, { filename: `probe-${scripts++}.js` }).createCachedData();
  return () => !new Script(source, { filename: `probe-${scripts++}.js`, cachedData: data }).cachedDataRejected;
}

describe('inlining budget for small inputs', () => {
  it('is set while any use lasts and put back when the last ends', () => {
    const asStarted = probe();
    expect(asStarted()).toBe(true);
    const endA = smallInputTuning();
    expect(asStarted()).toBe(false);
    const endB = smallInputTuning();
    endA();
    endA(); // a second call of the same end changes nothing
    expect(asStarted()).toBe(false);
    endB();
    expect(asStarted()).toBe(true);
  });

  it('is put back after encoding a small module, also when encoding fails', () => {
    const asStarted = probe();
    const features = parseFeatureLists(['encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs']);
    const ko = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    expect(encodeBtf(parseElf(ko), { features }).btf.typeCount).toBeGreaterThan(1);
    expect(asStarted()).toBe(true);
    // The same module with its .debug_info cut short: the DWARF reader throws.
    const elf = parseElf(ko);
    const info = elf.sectionByName('.debug_info')!;
    const cut = new Uint8Array(ko);
    cut.fill(0xff, info.offset + 11, info.offset + info.size);
    expect(() => encodeBtf(parseElf(cut), { features })).toThrow();
    expect(asStarted()).toBe(true);
  });

  it('is left alone with BTFPOST_COMPILER_TUNING=0', () => {
    const asStarted = probe();
    const before = process.env.BTFPOST_COMPILER_TUNING;
    process.env.BTFPOST_COMPILER_TUNING = '0';
    try {
      const end = smallInputTuning();
      expect(asStarted()).toBe(true);
      end();
    } finally {
      if (before === undefined) delete process.env.BTFPOST_COMPILER_TUNING;
      else process.env.BTFPOST_COMPILER_TUNING = before;
    }
    expect(asStarted()).toBe(true);
  });

  it.skipIf(!existsSync(TUNING))('is left alone when Node was started with a budget of its own (needs dist/)', () => {
    const code = `
      import { Script } from 'node:vm';
      const { smallInputTuning } = await import(${JSON.stringify(pathToFileURL(TUNING).href)});
      const source = '(function p() { return 1; })';
      const data = new Script(source, { filename: 'a.js' }).createCachedData();
      const end = smallInputTuning();
      console.log(!new Script(source, { filename: 'b.js', cachedData: data }).cachedDataRejected);
      end();`;
    const r = spawnSync(process.execPath, ['--max-inlined-bytecode-size-cumulative=500', '--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('true');
  });
});

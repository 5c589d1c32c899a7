// Writes the V8 code cache of each bundled program (dist/bundle/NAME.cjs.cache, loaded by
// bin/load-bundle.js). Each program is run in a process of its own on the example in testdata/
// (the post-link job, encoding, dumping, resolving .BTF_ids, with and without a base cache entry),
// then the cache is taken: it holds the bytecode of every function those runs called, which a cold
// process would otherwise compile. Without testdata/ (an installed package) the cache holds the
// parsed program only. The file carries digests of the source and of itself (see
// bin/load-bundle.js). Usage: node scripts/code-cache.mjs
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDataVersionTag } from 'node:v8';
import { gunzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const PROGRAMS = { btfpost: 'main', 'btfpost-encode': 'main', 'btfpost-module': 'main', pahole: 'mainPahole', 'resolve-ids': 'mainResolveBtfids' };
const FEATURES = 'encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs,distilled_base';

/** Command lines each program runs to train its cache, given the example's files. */
function workloads(name, f) {
  switch (name) {
    case 'btfpost':
      return [
        [f.ko, '--base', f.base, '--distilled-base', '-o', join(f.dir, 'a.ko')],
        [f.ko, '--base', f.base, '--distilled-base', '-o', join(f.dir, 'b.ko')],
        ['encode', f.ko, '--btf_base', f.base, `--btf_features=${FEATURES}`, '--detached', join(f.dir, 'a.btf')],
        ['dump', join(f.dir, 'a.ko'), '-B', f.base],
      ];
    case 'btfpost-module':
      return [
        [f.ko, '--base', f.base, '--distilled-base', '-o', join(f.dir, 'm1.ko')],
        [f.ko, '--base', f.base, '--distilled-base', '-o', join(f.dir, 'm2.ko')],
      ];
    case 'btfpost-encode':
      return [
        ['encode', f.ko, '--btf_base', f.base, `--btf_features=${FEATURES}`, '--detached', join(f.dir, 'e1.btf')],
        ['encode', f.ko, '--btf_base', f.base, `--btf_features=${FEATURES}`, '--detached', join(f.dir, 'e2.btf')],
      ];
    case 'pahole':
      copyFileSync(f.ko, join(f.dir, 'p.ko'));
      return [
        ['--btf_base', f.base, `--btf_features=${FEATURES}`, `--btf_encode_detached=${join(f.dir, 'p.btf')}`, f.ko],
        ['-J', '--btf_base', f.base, `--btf_features=${FEATURES}`, join(f.dir, 'p.ko')],
      ];
    case 'resolve-ids':
      copyFileSync(join(f.dir, 'a.ko'), join(f.dir, 'r.ko'));
      return [['-b', f.base, join(f.dir, 'r.ko')], ['-b', f.base, join(f.dir, 'r.ko')]];
  }
  return [];
}

if (process.argv[2] === '--train') {
  // One program, in this process: run its workloads, then write what V8 compiled.
  const [name, dir] = process.argv.slice(3);
  const { loadBundle, codeCacheFile } = await import(join(root, 'bin', 'load-bundle.js'));
  const { exports, script, source } = loadBundle(name);
  // V8 takes a cache only under the flags it was made with: those of a fresh process, as here.
  const flags = cachedDataVersionTag();
  if (dir) {
    const f = { dir, ko: join(dir, 'in.ko'), base: join(dir, 'vmlinux.btf') };
    for (const args of workloads(name, f)) {
      const code = await exports[PROGRAMS[name]](args);
      if (code !== 0) throw new Error(`${name} ${args.join(' ')}: exit ${code}`);
    }
  }
  if (cachedDataVersionTag() !== flags) throw new Error(`${name}: V8's flags changed while training; a fresh process would refuse this cache`);
  writeFileSync(join(root, 'dist', 'bundle', `${name}.cjs.cache`), codeCacheFile(source, script.createCachedData()));
} else {
  // A program without a cache works the same, only starts slower: a failure here is reported and
  // the build goes on (the test suite checks that every cache is there and taken).
  const warn = (msg) => process.stderr.write(`code-cache: ${msg}; the programs work without it, starting slower\n`);
  for (const name of Object.keys(PROGRAMS)) rmSync(join(root, 'dist', 'bundle', `${name}.cjs.cache`), { force: true });
  const ko = join(root, 'testdata', 'postlink', 'tcp_bbr.pre-btf.ko.gz');
  const base = join(root, 'testdata', 'btf', 'vmlinux-6.12.btf.gz');
  const example = existsSync(ko) && existsSync(base);
  let dir = null;
  try {
    dir = mkdtempSync(join(tmpdir(), 'btfpost-code-cache-'));
    if (example) {
      writeFileSync(join(dir, 'in.ko'), gunzipSync(readFileSync(ko)));
      writeFileSync(join(dir, 'vmlinux.btf'), gunzipSync(readFileSync(base)));
    }
    for (const name of Object.keys(PROGRAMS)) {
      // The base cache of these runs stays in the temporary directory. V8's flags stay as a fresh
      // process has them (see src/common/compiler-tuning.ts).
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--train', name, ...(example ? [dir] : [])], {
        stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, BTFPOST_CACHE_DIR: join(dir, 'cache'), BTFPOST_COMPILER_TUNING: '0' },
      });
      if (r.status !== 0) warn(`no cache for ${name}: its training run failed (exit ${r.status ?? r.signal})`);
    }
  } catch (e) {
    warn(`no cache written: ${e.message}`);
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

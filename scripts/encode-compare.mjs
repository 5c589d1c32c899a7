// Compares btfpost's DWARF → BTF encoder with pahole 1.30 on the corpus modules (order-independent graph comparison).
// Usage: node scripts/encode-compare.mjs [--corpus DIR] [--ref-dir DIR] [--only SUBSTR] [--time] [--vmlinux] (needs a build; see encode-compare.sh).
// --vmlinux adds the corpus's vmlinux-dwarf, encoded without a base (pahole with -j, as kbuild runs it).
// --sparse also encodes each input as `encode --detached` reads it (only what encoding reads, the
// DWARF relocations applied from disk a piece at a time) and requires the same bytes.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const DIST = process.env.BTFPOST_DIST ?? new URL('../dist/', import.meta.url).pathname;
const C = opt('--corpus', '/root/corpus/6.12.117+deb12-amd64');
const PAHOLE = process.env.PAHOLE ?? '/root/corpus/tools/bin/pahole-1.30';
const FEATURES = 'encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs';
const only = opt('--only', '');
const timing = args.includes('--time');
const refDir = opt('--ref-dir', '');
const maxListed = Number(opt('--max', '6'));
const withVmlinux = args.includes('--vmlinux');
const sparse = args.includes('--sparse');

const { loadBtfFile, btfFromBytes } = await import(join(DIST, 'btf/load.js'));
const { compareBtf } = await import(join(DIST, 'btf/compare.js'));
const { Btf } = await import(join(DIST, 'btf/index.js'));

/**
 * compareBtf plus a DATASEC check of our own: compareBtf keys DATASEC entries by ids of the
 * deduplicated output but looks their kinds up in its input, so equal DATASECs can compare
 * unequal. Both sides are compared without DATASECs (nothing refers to them), then the DATASECs
 * by name, size and (variable name, offset, size) entries.
 */
function compareEncoded(a, b) {
  const strip = (x) => {
    const out = new Btf({ base: x.base, le: x.le, strs: x.strs, strLen: x.strLen });
    const secs = [];
    for (let id = x.startId; id < x.typeCount; id++) {
      const { words, off, len } = x.record(id);
      if (x.kind(id) === 15) {
        const ents = [];
        for (let i = 0; i < x.vlen(id); i++) ents.push(`${x.name(x.extra(id, i * 3))}@${x.extra(id, i * 3 + 1)}+${x.extra(id, i * 3 + 2)}`);
        secs.push(`${x.name(id)}:${x.sizeType(id)}:${ents.join(',')}`);
        continue;
      }
      const rec = words.slice(off, off + len);
      out.addRecord(rec);
    }
    return { btf: out, secs: secs.sort() };
  };
  const sa = strip(a);
  const sb = strip(b);
  const cmp = compareBtf(sa.btf, sb.btf, { maxListed });
  const da = sa.secs.filter((s) => !sb.secs.includes(s));
  const db = sb.secs.filter((s) => !sa.secs.includes(s));
  return { ...cmp, equal: cmp.equal && da.length === 0 && db.length === 0, onlyInA: [...cmp.onlyInA, ...da.map((s) => `DATASEC ${s}`)], onlyInB: [...cmp.onlyInB, ...db.map((s) => `DATASEC ${s}`)], countA: a.count, countB: b.count };
}
const { parseElf, readElfSparse } = await import(join(DIST, 'elf/index.js'));
const { encodeBtf, encodeBtfFrom, encoderReadsSection, parseFeatureLists } = await import(join(DIST, 'encoder/index.js'));
const { serializeBtf } = await import(join(DIST, 'btf/wire/serialize.js'));

const tmp = mkdtempSync(join(tmpdir(), 'encode-compare-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ko')) out.push(p);
  }
  return out;
}
const modules = [
  ...walk(join(C, 'dbg-modules')).sort().map((p) => [basename(p, '.ko'), p]),
  ...walk(join(C, 'oot-build')).filter((p) => p.endsWith('.pre-btf.ko')).sort().map((p) => [`oot-${basename(p, '.pre-btf.ko')}`, p]),
  ...(withVmlinux ? [['vmlinux-dwarf', join(C, 'vmlinux-dwarf')]] : []),
].filter(([n]) => n.includes(only));
/** Modules are split BTF over the corpus vmlinux; a vmlinux is encoded on its own. */
const isVmlinux = (name) => name === 'vmlinux-dwarf';

const base = (await loadBtfFile(join(C, 'vmlinux.btf'))).btf;
const features = parseFeatureLists([FEATURES, '+reproducible_build']);

/** pahole's raw BTF for a module (cached in --ref-dir when given) and the seconds pahole took (NaN when cached). */
function reference(name, path) {
  const cached = refDir ? join(refDir, `${name}.btf`) : '';
  if (cached && existsSync(cached) && !timing) return { bytes: readFileSync(cached), secs: NaN };
  const ko = join(tmp, 'x.ko');
  copyFileSync(path, ko);
  const baseArgs = isVmlinux(name) ? [] : ['--btf_base', join(C, 'vmlinux.btf')];
  const out = cached || join(tmp, `${name}.btf`);
  if (cached) mkdirSync(refDir, { recursive: true });
  rmSync(out, { force: true });
  const t0 = performance.now();
  const r = spawnSync(PAHOLE, ['-J', '-j', `--btf_features=${FEATURES}`, '--btf_features=+reproducible_build', '--lang_exclude=rust',
    ...baseArgs, `--btf_encode_detached=${out}`, ko], { env: { ...process.env, LLVM_OBJCOPY: 'objcopy' }, encoding: 'utf8' });
  const secs = (performance.now() - t0) / 1000;
  if (r.status !== 0 || !existsSync(out)) throw new Error(`pahole failed on ${name}: ${r.stderr}`);
  return { bytes: readFileSync(out), secs };
}

let equal = 0;
const failing = [];
for (const [name, path] of modules) {
  let line = `${name.padEnd(22)} `;
  try {
    const ref = reference(name, path);
    const over = isVmlinux(name) ? null : base;
    const theirs = btfFromBytes(new Uint8Array(ref.bytes), `${name}.btf`, over ? { base: over } : {}).btf;
    const t0 = performance.now();
    const elf = parseElf(new Uint8Array(readFileSync(path)), path);
    const ours = encodeBtf(elf, { base: over, features, langExclude: ['rust'] }).btf;
    const secs = (performance.now() - t0) / 1000;
    const cmp = compareEncoded(ours, theirs);
    if (sparse) {
      const input = { elf: (await readElfSparse(path, { section: encoderReadsSection })).elf };
      const fromSparse = (await encodeBtfFrom(input, { base: over, features, langExclude: ['rust'] })).btf;
      const same = Buffer.compare(serializeBtf(fromSparse), serializeBtf(ours)) === 0;
      line += same ? 'sparse-same ' : 'SPARSE-DIFF ';
      if (!same) cmp.equal = false;
    }
    if (cmp.equal) equal++;
    else failing.push([name, cmp]);
    line += `${cmp.equal ? 'equal' : 'DIFF '} types ours=${cmp.countA} pahole=${cmp.countB}`;
    if (timing) line += `  btfpost ${secs.toFixed(2)}s pahole ${Number.isNaN(ref.secs) ? '-' : ref.secs.toFixed(2)}s (${(statSync(path).size / 1e6).toFixed(1)} MB)`;
  } catch (e) {
    failing.push([name, { error: e }]);
    line += `ERROR ${e?.describe ? e.describe() : e?.stack ?? e}`;
  }
  console.log(line);
}
for (const [name, cmp] of failing) {
  if (cmp.error) continue;
  console.log(`\n${name}:`);
  for (const s of cmp.onlyInA.slice(0, maxListed)) console.log(`  only btfpost: ${s}`);
  for (const s of cmp.onlyInB.slice(0, maxListed)) console.log(`  only pahole:  ${s}`);
}
console.log(`\n${equal}/${modules.length} equal`);

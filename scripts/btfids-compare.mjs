// Compares btfpost's .BTF_ids resolution with the corpus: out-of-tree module builds and the 6.12 vmlinux.
// Usage: node scripts/btfids-compare.mjs [CORPUS_KERNEL_DIR] (needs dist/; run scripts/btfids-compare.sh).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseBtf } from '../dist/btf/index.js';
import { btfFromBytes } from '../dist/btf/load.js';
import { relocateBtf } from '../dist/btf/relocate/index.js';
import { resolveBtfIds, unresolveBtfIds } from '../dist/btfids/index.js';
import { applyElfEdits, parseElf } from '../dist/elf/index.js';

const C = process.argv[2] ?? '/root/corpus/6.12.117+deb12-amd64';
const REF = process.env.RESOLVE_BTFIDS ?? '/root/corpus/tools/resolve_btfids-6.12.117/resolve_btfids';
const haveRef = existsSync(REF);
const tmp = mkdtempSync(join(tmpdir(), 'btfids-compare-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const read = (p) => new Uint8Array(readFileSync(p));
const section = (elf, name) => {
  const s = elf.sectionByName(name);
  return s ? elf.sectionData(s) : null;
};
const same = (a, b) => a !== null && b !== null && Buffer.from(a).equals(Buffer.from(b));
/** Words that differ between two same-size sections, as "off: ours/theirs". */
const diffWords = (a, b, le, max = 4) => {
  const out = [];
  const da = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const db = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i + 4 <= a.length && out.length < max; i += 4) {
    if (da.getUint32(i, le) !== db.getUint32(i, le)) out.push(`+0x${i.toString(16)}: ${da.getUint32(i, le)}/${db.getUint32(i, le)}`);
  }
  return out.join(', ');
};
/** Run the reference resolve_btfids on a copy of `bytes`; its .BTF_ids, or null. */
const runReference = (bytes, name, args) => {
  if (!haveRef) return null;
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  const r = spawnSync(REF, [...args, p], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim() };
  return section(parseElf(read(p)), '.BTF_ids');
};

const vmlinuxPath = join(C, 'vmlinux.btf');
const vmlinux = parseBtf(read(vmlinuxPath), { file: vmlinuxPath });

console.log(`corpus: ${C}`);
console.log(`reference resolve_btfids: ${haveRef ? REF : 'not found (skipping its cross-check)'}`);

// 1. Out-of-tree modules: pre-btf.ko + the reference .ko's .BTF (+ .BTF.base) -> resolve -> compare.
for (const variant of ['oot-build', 'oot-build-distilled']) {
  const root = join(C, variant);
  if (!existsSync(root)) {
    console.log(`\n${variant}: missing`);
    continue;
  }
  console.log(`\n${variant}:`);
  let total = 0;
  let identical = 0;
  let identicalRelocated = 0;
  let identicalMapped = 0;
  let refAgrees = 0;
  for (const d of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const f of readdirSync(join(root, d)).filter((n) => n.endsWith('.pre-btf.ko')).sort()) {
      const m = basename(f, '.pre-btf.ko');
      const refPath = join(root, d, `${m}.ko`);
      if (!existsSync(refPath)) {
        console.log(`  ${m}: no ${m}.ko (still building?)`);
        continue;
      }
      const pre = parseElf(read(join(root, d, f)), f);
      if (!pre.sectionByName('.BTF_ids')) continue;
      const ref = parseElf(read(refPath), `${m}.ko`);
      const want = section(ref, '.BTF_ids');
      const edits = [{ op: 'add', name: '.BTF', data: section(ref, '.BTF') }];
      const distilled = section(ref, '.BTF.base');
      if (distilled) edits.push({ op: 'add', name: '.BTF.base', data: distilled });
      const input = applyElfEdits(pre, { edits });
      const elf = parseElf(input, `${m}.ko`);
      total++;
      // As resolve_btfids 6.11-6.19: a module with .BTF.base is resolved against it, -b is ignored
      // (btfFromBytes reads the split BTF over the distilled base when no base is passed).
      const loaded = distilled ? btfFromBytes(input, `${m}.ko`) : btfFromBytes(input, `${m}.ko`, { base: vmlinux });
      const r = resolveBtfIds(elf, loaded.btf);
      const ok = same(r.patched, want);
      if (ok) identical++;
      let line = `  ${m}: ${ok ? 'identical' : `DIFFERENT (${diffWords(r.patched, want, elf.le)})`}`;
      line += ` [${r.stats.names} names, ${r.stats.sets + r.stats.set8s} sets${r.warnings.length ? `, warnings: ${r.warnings.join('; ')}` : ''}]`;
      if (loaded.distilled) {
        // The same names resolved in the relocated (vmlinux) numbering, libbpf's view with a base, for contrast.
        const rel = btfFromBytes(input, `${m}.ko`, { base: vmlinux });
        const rr = resolveBtfIds(elf, rel.btf);
        const okRel = same(rr.patched, want);
        if (okRel) identicalRelocated++;
        line += `; against the relocated BTF (vmlinux numbering): ${okRel ? 'identical' : `different (${diffWords(rr.patched, want, elf.le, 2)})`}`;
        // How a later distill step uses idMap: resolve in the vmlinux numbering, write distilled ids.
        const { idMap } = relocateBtf(loaded.btf, vmlinux, { file: `${m}.ko` });
        const back = new Map();
        idMap.forEach((to, from) => { if (from > 0 && to > 0 && !back.has(to)) back.set(to, from); });
        const rm = resolveBtfIds(elf, rel.btf, { idMap: (id) => back.get(id) ?? 0 });
        const okMap = same(rm.patched, want);
        if (okMap) identicalMapped++;
        line += `; relocated + idMap back to distilled ids: ${okMap ? 'identical' : `different (${diffWords(rm.patched, want, elf.le, 2)})`}`;
      }
      // Our "compiled state" from the shipped .ko must be the pre-btf.ko's section.
      const un = unresolveBtfIds(ref, loaded.btf);
      line += `; unresolve(ko) ${same(un.data, section(pre, '.BTF_ids')) ? '= pre-btf' : '!= pre-btf'}`;
      const theirs = runReference(input, `${variant}-${m}.ko`, ['-b', vmlinuxPath]);
      if (theirs !== null) {
        const agree = same(theirs, want) && same(theirs, r.patched);
        if (agree) refAgrees++;
        line += `; reference binary on the same input: ${theirs.error ? `failed: ${theirs.error}` : agree ? 'same bytes' : 'other bytes'}`;
      }
      console.log(line);
    }
  }
  console.log(`  ${identical}/${total} identical` + (variant.includes('distilled') ? ` (relocated numbering: ${identicalRelocated}/${total}; relocated + idMap: ${identicalMapped}/${total})` : '')
    + (haveRef ? `; reference binary agrees on ${refAgrees}/${total}` : ''));
}

// 2. vmlinux-dwarf: shipped .BTF_ids -> compiled state -> resolve against its own .BTF -> compare.
const vmPath = join(C, 'vmlinux-dwarf');
if (existsSync(vmPath)) {
  console.log('\nvmlinux-dwarf:');
  const t0 = performance.now();
  const bytes = read(vmPath);
  const elf = parseElf(bytes, 'vmlinux-dwarf');
  const sec = elf.sectionByName('.BTF_ids');
  const shipped = elf.sectionData(sec).slice();
  const btf = btfFromBytes(bytes, 'vmlinux-dwarf').btf;
  console.log(`  own .BTF: ${btf.typeCount - 1} types; .BTF_ids: ${shipped.length} bytes at sh_addr 0x${sec.addrBig.toString(16)}; same BTF as vmlinux.btf: ${same(section(elf, '.BTF'), read(vmlinuxPath))}`);
  const un = unresolveBtfIds(elf, btf);
  bytes.set(un.data, sec.offset);
  const compiledElf = parseElf(bytes, 'vmlinux-dwarf');
  const r = resolveBtfIds(compiledElf, btf);
  const ok = same(r.patched, shipped);
  console.log(`  resolved from the compiled state: ${ok ? 'IDENTICAL' : `DIFFERENT (${diffWords(r.patched, shipped, elf.le)})`} to the shipped bytes`
    + ` [${r.stats.symbols} symbols, ${r.stats.names} names, ${r.stats.sets} sets, ${r.stats.set8s} set8s, ${r.stats.slots} slots, set8 pairs unmatched by id: ${un.unmatched}, warnings: ${r.warnings.length}]`);
  if (haveRef) {
    const theirs = runReference(bytes, 'vmlinux-compiled', []);
    console.log(`  reference binary on the same compiled state: ${theirs?.error ? `failed: ${theirs.error}` : same(theirs, shipped) ? 'shipped bytes' : 'other bytes'}`);
  }
  // Resolving the shipped (already sorted) bytes again is not a fixed point: flags were moved by sorting.
  bytes.set(shipped, sec.offset);
  const again = resolveBtfIds(parseElf(bytes, 'vmlinux-dwarf'), btf);
  let words = 0;
  for (let i = 0; i < shipped.length; i += 4) if (Buffer.compare(Buffer.from(again.patched.subarray(i, i + 4)), Buffer.from(shipped.subarray(i, i + 4))) !== 0) words++;
  console.log(`  (re-resolving the shipped bytes directly changes ${words} words, as resolve_btfids does too)`);
  console.log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} else {
  console.log('\nvmlinux-dwarf: missing');
}

#!/usr/bin/env node
// For every corpus module: distill its split .BTF against the 6.12 vmlinux BTF, relocate the
// result back onto the same vmlinux, and check it is the original split graph plus the moved
// types: the original types come first, and deduplicating against vmlinux (which folds the
// moved copies back into their base types) gives the same bytes as deduplicating the original.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K612, moduleArgs } from './lib/corpus.mjs';
import { parseBtf, serializeBtf } from '../dist/btf/index.js';
import { btfFromBytes } from '../dist/btf/load.js';
import { distillBase } from '../dist/btf/distill/index.js';
import { relocateBtf } from '../dist/btf/relocate/index.js';
import { dedupBtf } from '../dist/btf/dedup/index.js';

const K = K612;
const files = moduleArgs();
const base = parseBtf(readFileSync(join(K, 'vmlinux.btf')));
const same = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
let ok = 0;
let distBytes = 0;
let moved = 0;
const bad = [];
const t0 = performance.now();
for (const f of files) {
  try {
    const { btf } = btfFromBytes(readFileSync(f), f, { base });
    const d = distillBase(btf, { file: f });
    distBytes += serializeBtf(d.base).length;
    const back = relocateBtf(d.split, base, { file: f }).btf;
    moved += back.count - btf.count;
    // The original split types come back first, with their references to base types restored.
    let prefix = back.count >= btf.count;
    for (let id = btf.startId; prefix && id < btf.typeCount; id++) prefix = btf.kind(id) === back.kind(id) && btf.name(id) === back.name(id);
    if (prefix && same(serializeBtf(dedupBtf(back)), serializeBtf(dedupBtf(btf)))) ok++;
    else bad.push(f);
  } catch (e) {
    bad.push(`${f}: ${e.message}`);
  }
}
const s = ((performance.now() - t0) / 1000).toFixed(1);
for (const b of bad.slice(0, 10)) console.log(`differs: ${b}`);
console.log(`${files.length} modules in ${s}s; mean .BTF.base ${(distBytes / files.length).toFixed(0)} bytes; ${moved} types moved into split BTF in all`);
console.log(`distill + relocate back = original graph: ${ok}/${files.length}`);
process.exitCode = ok === files.length ? 0 : 1;

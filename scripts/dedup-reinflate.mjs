#!/usr/bin/env node
// For every module of the corpus: re-inflate its split .BTF (3 CUs, base types copied two levels
// deep), deduplicate, and check the result is byte-identical to deduplicating the original.
// Usage: node scripts/dedup-reinflate.mjs [MODULE.ko...]  (default: all corpus modules)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K612, moduleArgs } from './lib/corpus.mjs';
import { parseBtf, serializeBtf } from '../dist/btf/index.js';
import { btfFromBytes } from '../dist/btf/load.js';
import { dedupBtf } from '../dist/btf/dedup/index.js';
import { reinflateSplit } from '../dist/btf/dedup/inflate.js';

const K = K612;
const files = moduleArgs();
const base = parseBtf(readFileSync(join(K, 'vmlinux.btf')));
let same = 0;
let types = 0;
let inflated = 0;
const bad = [];
const t0 = performance.now();
for (const f of files) {
  const { btf } = btfFromBytes(readFileSync(f), f, { base });
  const want = serializeBtf(dedupBtf(btf));
  const inf = reinflateSplit(btf);
  const got = serializeBtf(dedupBtf(inf));
  types += btf.count;
  inflated += inf.count;
  if (Buffer.compare(Buffer.from(got), Buffer.from(want)) === 0) same++;
  else bad.push(f);
}
const s = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`re-inflated ${types} module types to ${inflated} (3 CUs, base copies 2 levels deep) in ${s}s`);
for (const b of bad.slice(0, 10)) console.log(`differs: ${b}`);
console.log(`back to the original: ${same}/${files.length}`);
process.exitCode = same === files.length ? 0 : 1;

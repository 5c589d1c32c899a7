#!/usr/bin/env node
// Every corpus module's .BTF and the 6.12 vmlinux BTF are fixpoints of dedup as type graphs:
// deduplicating changes no type (a split type equal to a base type, left by the original
// encoder, folds into that base type and is not counted as a change).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K612, moduleArgs } from './lib/corpus.mjs';
import { parseBtf } from '../dist/btf/index.js';
import { btfFromBytes } from '../dist/btf/load.js';
import { dedupBtf } from '../dist/btf/dedup/index.js';
import { compareBtf } from '../dist/btf/compare.js';

const K = K612;
const files = moduleArgs();
const base = parseBtf(readFileSync(join(K, 'vmlinux.btf')));
const vd = dedupBtf(base);
console.log(`vmlinux.btf: ${base.count} types -> ${vd.count} after dedup`);
let same = 0;
let folded = 0;
const bad = [];
for (const f of files) {
  const { btf } = btfFromBytes(readFileSync(f), f, { base });
  const d = dedupBtf(btf);
  folded += btf.count - d.count;
  if (compareBtf(btf, d).equal) same++;
  else bad.push(f);
}
for (const b of bad.slice(0, 10)) console.log(`changed: ${b}`);
console.log(`split types folded into equal base types: ${folded}`);
console.log(`modules whose type graph dedup leaves unchanged: ${same}/${files.length}`);

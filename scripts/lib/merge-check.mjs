// Helper of merge-all.sh: validate the merged BTF and look every named module type up by name.
// Args: MERGED VMLINUX_BTF; stdin: module paths.
import { readFileSync } from 'node:fs';
import { parseBtf } from '../../dist/btf/index.js';
import { btfFromBytes } from '../../dist/btf/load.js';
import { validateBtf } from '../../dist/btf/validate.js';

const merged = parseBtf(readFileSync(process.argv[2]));
const base = parseBtf(readFileSync(process.argv[3]));
const problems = validateBtf(merged);
console.log(`validation: ${problems.length} problems${problems.length ? `, first: [${problems[0].typeId}] ${problems[0].message}` : ''}`);
const byName = new Map();
for (let id = 1; id < merged.typeCount; id++) {
  const key = `${merged.kind(id)}:${merged.name(id)}`;
  byName.set(key, (byName.get(key) ?? 0) + 1);
}
let named = 0;
let found = 0;
const missing = [];
for (const f of readFileSync(0, 'latin1').trim().split('\n')) {
  const { btf } = btfFromBytes(readFileSync(f), f, { base });
  for (let id = btf.startId; id < btf.typeCount; id++) {
    if (btf.nameOff(id) === 0) continue;
    named++;
    const k = btf.kind(id);
    const nm = btf.name(id);
    // A forward declaration may have been resolved to the full struct/union another module defines.
    if (byName.has(`${k}:${nm}`) || (k === 7 && (byName.has(`4:${nm}`) || byName.has(`5:${nm}`)))) found++;
    else if (missing.length < 5) missing.push(`${f}: [${id}] ${btf.name(id)}`);
  }
}
console.log(`types in merged BTF: ${merged.count}`);
console.log(`named module types found by name and kind (a FWD also by its struct/union): ${found}/${named}`);
for (const m of missing) console.log(`missing: ${m}`);

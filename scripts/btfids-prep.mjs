// Prepares inputs for the .BTF_ids benchmark: a compiled-state .BTF_ids blob, or a pre-BTF module with its .BTF added.
// Usage: node scripts/btfids-prep.mjs compiled ELF OUT.bin   (prints the section's file offset and size)
//        node scripts/btfids-prep.mjs module PRE.ko REF.ko OUT.ko
//        node scripts/btfids-prep.mjs section ELF OUT.bin    (the current .BTF_ids bytes)

import { readFileSync, writeFileSync } from 'node:fs';
import { btfFromBytes } from '../dist/btf/load.js';
import { unresolveBtfIds } from '../dist/btfids/index.js';
import { applyElfEdits, parseElf } from '../dist/elf/index.js';

const [cmd, ...args] = process.argv.slice(2);
const read = (p) => new Uint8Array(readFileSync(p));
if (cmd === 'compiled') {
  const [elfPath, out] = args;
  const bytes = read(elfPath);
  const elf = parseElf(bytes, elfPath);
  const un = unresolveBtfIds(elf, btfFromBytes(bytes, elfPath).btf);
  if (un.unmatched !== 0) throw new Error(`${un.unmatched} set8 pairs could not be matched`);
  writeFileSync(out, un.data);
  const s = elf.sectionByName('.BTF_ids');
  console.log(`${s.offset} ${s.size}`);
} else if (cmd === 'module') {
  const [pre, ref, out] = args;
  const p = parseElf(read(pre), pre);
  const r = parseElf(read(ref), ref);
  const edits = [{ op: 'add', name: '.BTF', data: r.sectionData(r.sectionByName('.BTF')) }];
  const base = r.sectionByName('.BTF.base');
  if (base) edits.push({ op: 'add', name: '.BTF.base', data: r.sectionData(base) });
  writeFileSync(out, applyElfEdits(p, { edits }));
} else if (cmd === 'section') {
  const [elfPath, out] = args;
  const elf = parseElf(read(elfPath), elfPath);
  writeFileSync(out, elf.sectionData(elf.sectionByName('.BTF_ids')));
} else {
  console.error('usage: btfids-prep.mjs compiled ELF OUT | module PRE REF OUT | section ELF OUT');
  process.exit(1);
}

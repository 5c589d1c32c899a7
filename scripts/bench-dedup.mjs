#!/usr/bin/env node
// Dedup speed on vmlinux-sized input: the 6.12 vmlinux BTF with every type present COPIES times
// (default 3), deduplicated back to one copy. Prints time and peak RSS per 100k input types.
// Usage: node scripts/bench-dedup.mjs [COPIES] [VMLINUX_BTF]
import { readFileSync } from 'node:fs';
import { parseBtf } from '../dist/btf/index.js';
import { dedupBtf } from '../dist/btf/dedup/index.js';
import { duplicateBase } from '../dist/btf/dedup/inflate.js';

const copies = Number(process.argv[2] ?? 3);
const path = process.argv[3] ?? `${process.env.BTFPOST_CORPUS ?? '/root/corpus'}/6.12.117+deb12-amd64/vmlinux.btf`;
const vm = parseBtf(readFileSync(path));
const input = duplicateBase(vm, copies);
const times = [];
let out;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  out = dedupBtf(input);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const med = times[2];
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`input ${input.count} types (${copies} copies of ${vm.count}) -> ${out.count} types`);
console.log(`dedup median of 5: ${med.toFixed(0)} ms = ${(med / (input.count / 1e5)).toFixed(0)} ms per 100k input types; peak RSS ${rss.toFixed(0)} MB`);

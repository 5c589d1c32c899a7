// In-process timing of the post-link job over the corpus's DWARF modules (no process start-up,
// no file writes): reads every module once, then runs postLink on each, ROUNDS times, and prints
// the median total per round and the share of the largest modules. For comparing code changes.
// usage: node scripts/bench-postlink-inproc.mjs [ROUNDS] [NAME-FILTER]
// ORDER=size runs the largest modules first, as a batch worker does; PER_MODULE=1 prints each
// module's time in the first (cold) round and the median of the others (warm).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadBtfFile } from '../dist/btf/load.js';
import { postLink } from '../dist/pipeline/postlink.js';
import { parseFeatureLists, KBUILD_FEATURES } from '../dist/encoder/index.js';

const corpus = process.env.BTFPOST_CORPUS ?? '/root/corpus';
const k = join(corpus, '6.12.117+deb12-amd64');
const rounds = Number(process.argv[2] ?? 3);
const filter = process.argv[3] ? new RegExp(process.argv[3]) : null;
const files = [];
const walk = (d) => { for (const n of readdirSync(d).sort()) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.ko') && (!filter || filter.test(p))) files.push(p); } };
walk(join(k, 'dbg-modules'));
if (process.env.ORDER === 'size') files.sort((a, b) => statSync(b).size - statSync(a).size);
const base = (await loadBtfFile(join(k, 'vmlinux.btf'))).btf;
const features = parseFeatureLists([KBUILD_FEATURES]);
const totals = [];
const per = new Map();
for (let r = 0; r < rounds; r++) {
  let total = 0;
  let faults = 0;
  const cpu0 = process.cpuUsage();
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(f));
    const t = performance.now();
    const f0 = process.resourceUsage().minorPageFault;
    postLink(bytes, f, { base, features, distilled: true, stripSignature: true, langExclude: ['rust'] });
    const ms = performance.now() - t;
    faults += process.resourceUsage().minorPageFault - f0;
    total += ms;
    (per.get(f) ?? per.set(f, []).get(f)).push(ms);
  }
  totals.push(total);
  const cpu = process.cpuUsage(cpu0);
  console.log(`round ${r + 1}: ${total.toFixed(0)} ms (process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, reading included; ${faults} page faults in the job)`);
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`modules: ${files.length}; median round: ${med(totals).toFixed(0)} ms, fastest: ${Math.min(...totals).toFixed(0)} ms`);
const top = [...per].map(([f, a]) => [f.split('/').pop(), med(a)]).sort((a, b) => b[1] - a[1]).slice(0, 5);
console.log(top.map(([f, ms]) => `${f} ${ms.toFixed(0)}`).join(', '));
if (process.env.PER_MODULE === '1') {
  console.log('module                     cold   warm  (ms)');
  for (const [f, a] of per) console.log(`${f.split('/').pop().padEnd(24)} ${a[0].toFixed(0).padStart(6)} ${(a.length > 1 ? med(a.slice(1)) : NaN).toFixed(0).padStart(6)}`);
}

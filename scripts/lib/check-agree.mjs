// Helper of check-vs-libbpf.sh: compare btfpost's check report with libbpf's load results.
import { readFileSync } from 'node:fs';
const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const lib = new Map(readFileSync(process.argv[3], 'utf8').trim().split('\n').map((l) => { const i = l.lastIndexOf(' '); return [l.slice(0, i), l.slice(i + 1) === 'ok']; }));
let agree = 0;
const stages = new Map();
const disagree = [];
for (const m of report.modules) {
  const ourLoad = m.ok || !['read', 'load', 'relocate'].includes(m.stage);
  if (ourLoad === lib.get(m.module)) agree++;
  else disagree.push(`${m.module}: btfpost ${ourLoad ? 'readable' : 'unreadable'} (${m.stage ?? 'ok'}: ${m.reason ?? ''}), libbpf ${lib.get(m.module) ? 'ok' : 'fails'}`);
  const k = m.ok ? 'ok' : m.stage;
  stages.set(k, (stages.get(k) ?? 0) + 1);
}
console.log(`libbpf reads ${[...lib.values()].filter(Boolean).length}/${lib.size} modules over the target BTF`);
console.log(`btfpost verdicts: ${[...stages].map(([k, v]) => `${k}=${v}`).join(' ')}`);
for (const d of disagree.slice(0, 10)) console.log(`disagree: ${d}`);
console.log(`agreement with libbpf on which modules can be read: ${agree}/${report.modules.length}`);

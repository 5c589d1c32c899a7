// Where V8's optimizing compiler spends a cold process's time: runs the in-process post-link
// benchmark once (largest modules first, as a batch worker does) with V8's tracing on, then lists
// the TurboFan compilations per function (count and milliseconds) and each deoptimization with
// its reason and source position. A function compiled several times usually has a path first
// taken after it was optimized; see the notes in src/btf/dedup/dedup.ts (resolveFwd) and
// src/dwarf/abbrev.ts (implicitConst) for the usual fixes.
// usage: node scripts/jit-report.mjs [NAME-FILTER] [TOP]   (needs a build: npm run build)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const filter = process.argv[2] ?? '';
const top = Number(process.argv[3] ?? 25);
const bench = fileURLToPath(new URL('./bench-postlink-inproc.mjs', import.meta.url));
const run = spawnSync(process.execPath, ['--single-threaded', '--trace-opt', '--trace-deopt-verbose', bench, '1', ...(filter ? [filter] : [])], {
  env: { ...process.env, ORDER: 'size' }, encoding: 'utf8', maxBuffer: 1 << 30,
});
if (run.status !== 0) {
  process.stderr.write(run.stderr);
  process.exit(1);
}
const lines = run.stdout.split('\n');
const compiles = new Map();
let total = 0;
let count = 0;
const deopts = new Map();
for (let i = 0; i < lines.length; i++) {
  const l = lines[i];
  const c = /^\[completed compiling .*<JSFunction (\S+) .*took ([\d.]+), ([\d.]+), ([\d.]+) ms/.exec(l);
  if (c) {
    const ms = Number(c[2]) + Number(c[3]) + Number(c[4]);
    const e = compiles.get(c[1]) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += ms;
    compiles.set(c[1], e);
    total += ms;
    count++;
    continue;
  }
  const d = /^\[bailout \(kind: (\S+), reason: ([^)]*)\).*<JSFunction (\S+) /.exec(l);
  if (d) {
    const at = /deoptimize at <([^>]*)>/.exec(lines[i + 1] ?? '');
    const where = at ? at[1].replace(/^file:\/\/.*?\/dist\//, '') : '-';
    const key = `${d[3]} | ${d[2]} | ${where}`;
    deopts.set(key, (deopts.get(key) ?? 0) + 1);
  }
}
const summary = lines.filter((l) => /^round 1:|^modules:/.test(l));
console.log(summary.join('\n'));
console.log(`\nTurboFan: ${count} compilations, ${total.toFixed(0)} ms; by function (top ${top}):`);
for (const [f, e] of [...compiles].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
  console.log(`${e.ms.toFixed(1).padStart(8)} ms ${String(e.n).padStart(3)}x  ${f}`);
}
const nDeopts = [...deopts.values()].reduce((a, b) => a + b, 0);
console.log(`\nDeoptimizations: ${nDeopts} (function | reason | where):`);
for (const [k, n] of [...deopts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) console.log(`${String(n).padStart(3)}  ${k}`);

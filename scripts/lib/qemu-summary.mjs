// Helper of scripts/qemu-accept.sh: summarizes the kernel-accept harness's results.tsv files.
// argv: OUT_DIR BUILD_KVER.  Reads OUT_DIR/cases.tsv (case kver variant harness_exit seconds dir)
// and each dir/results.tsv; writes OUT_DIR/summary.tsv, summary.json and summary.verdict, and
// prints a per case table, a per module matrix and the verdicts.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [out, buildKver] = process.argv.slice(2);
const COLS = ['module', 'file', 'insmod', 'btf', 'size', 'btf_base', 'dump', 'vs_host', 'sem', 'kernel_msg', 'source'];

const tsv = (p) => readFileSync(p, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));

const cases = tsv(join(out, 'cases.tsv')).map(([name, kver, variant, exit, seconds, dir]) => {
  const rp = join(dir, 'results.tsv');
  const modules = existsSync(rp)
    ? tsv(rp).slice(1).map((r) => Object.fromEntries(COLS.map((c, i) => [c, r[i] ?? ''])))
    : [];
  // kernel log evidence: the BTF mismatch warning (printed once per boot) and failed kfunc registrations
  const kp = join(dir, 'klog.txt');
  const klog = existsSync(kp) ? readFileSync(kp, 'utf8') : '';
  const klogCounts = {
    mismatch: (klog.match(/Kernel module BTF mismatch detected/g) ?? []).length,
    kfunc_fail: (klog.match(/cannot register kfunc/g) ?? []).length,
  };
  return { name, kver, variant, exit: Number(exit), seconds: Number(seconds), dir, modules, klog: klogCounts };
});

const distilled = (v) => v === 'btfpost' || v === 'ref' || v === 'postlink' || v === 'kbuild';
/** present and semantically the build-time view */
const good = (m) => m.btf === 'yes' && m.dump.startsWith('ok') && m.sem === 'same';

function counts(c) {
  const ms = c.modules;
  const n = (f) => ms.filter(f).length;
  return {
    modules: ms.length,
    loaded: n((m) => m.insmod === '0'),
    btf: n((m) => m.btf === 'yes'),
    dump_ok: n((m) => m.dump.startsWith('ok')),
    dump_fail: n((m) => m.dump === 'FAIL'),
    vs_host_same: n((m) => m.vs_host === 'same'),
    sem_same: n((m) => m.sem === 'same'),
    sem_diff: n((m) => m.sem.startsWith('diff') || m.sem.startsWith('error')),
  };
}

function verdict(c) {
  const k = counts(c);
  if (c.exit !== 0 && c.exit !== 3) return { ok: false, why: `harness exit ${c.exit} (boot did not complete)` };
  if (k.modules === 0) return { ok: false, why: 'no results' };
  if (distilled(c.variant) || c.kver === buildKver) {
    // every module that loaded must expose BTF that dumps and is the build-time view
    const bad = c.modules.filter((m) => m.insmod === '0' && !good(m));
    if (bad.length) return { ok: false, why: `loaded without good BTF: ${bad.map((m) => m.module).join(' ')}` };
    const notLoaded = c.modules.filter((m) => m.insmod !== '0').map((m) => m.module);
    return { ok: true, why: `all ${k.loaded} loaded modules: BTF present, dump ok, sem same${notLoaded.length ? `; not loaded: ${notLoaded.join(' ')}` : ''}` };
  }
  // plain split BTF on another kernel build: its BTF must be gone or wrong
  const same = c.modules.filter(good);
  if (same.length) return { ok: false, why: `plain BTF still present and same: ${same.map((m) => m.module).join(' ')}` };
  return { ok: true, why: `plain BTF lost (${k.modules - k.btf}) or garbage (${k.btf}: dump fail ${k.dump_fail}, sem diff ${k.sem_diff})` };
}

const pad = (rows) => {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((x, i) => String(x).padEnd(w[i])).join('  ').trimEnd()).join('\n');
};

// per case
const head = ['kernel', 'variant', 'exit', 'secs', 'modules', 'loaded', 'btf', 'dump_ok', 'vs_host_same', 'sem_same', 'sem_diff', 'mismatch_msg', 'kfunc_fail', 'verdict'];
const rows = [head];
const summaryTsv = [head.join('\t')];
const verdicts = [];
for (const c of cases) {
  const k = counts(c);
  const v = verdict(c);
  const r = [c.kver, c.variant, c.exit, c.seconds.toFixed(1), k.modules, `${k.loaded}/${k.modules}`, `${k.btf}/${k.modules}`,
    `${k.dump_ok}/${k.btf}`, `${k.vs_host_same}/${k.btf}`, `${k.sem_same}/${k.btf}`, k.sem_diff, c.klog.mismatch, c.klog.kfunc_fail, v.ok ? 'PASS' : 'FAIL'];
  rows.push(r);
  summaryTsv.push(r.join('\t'));
  verdicts.push(`${c.name}\tverdict=${v.ok ? 'PASS' : 'FAIL'}\t${v.why}`);
  c.counts = k;
  c.verdict = v;
}
console.log('# per kernel x variant (btf = /sys/kernel/btf/<m> present; dump/vs_host/sem counted over those with BTF;');
console.log('#   mismatch_msg = "Kernel module BTF mismatch detected" lines, kfunc_fail = "cannot register kfunc" lines)');
console.log(pad(rows));

// per module matrix
const names = [...new Set(cases.flatMap((c) => c.modules.map((m) => m.module)))];
const cell = (m) => {
  if (!m) return '.';
  if (m.insmod !== '0' && m.btf !== 'yes') return `ins=${m.insmod}`;
  if (m.btf !== 'yes') return 'noBTF';
  if (m.dump === 'FAIL') return 'dumpFAIL';
  const parts = [];
  if (m.sem.startsWith('diff') || m.sem.startsWith('error')) parts.push('semDIFF');
  if (m.vs_host !== 'same' && m.vs_host !== '-') parts.push(`host=${m.vs_host}`);
  if (m.insmod !== '0') parts.push(`ins=${m.insmod}`);
  if (m.sem === '-') parts.push('sem?');
  return parts.length ? parts.join(',') : 'ok';
};
const short = (c) => `${c.kver.replace(/-amd64$/, '')}/${c.variant}`;
const mrows = [['module', ...cases.map(short)]];
for (const n of names) mrows.push([n, ...cases.map((c) => cell(c.modules.find((m) => m.module === n)))]);
console.log('\n# per module (ok = loaded, BTF present, dumps, same as host view, sem same)');
console.log(pad(mrows));
console.log('\n# verdicts');
for (const v of verdicts) console.log(v.replace(/\t/g, '  '));

writeFileSync(join(out, 'summary.tsv'), summaryTsv.join('\n') + '\n');
writeFileSync(join(out, 'summary.verdict'), verdicts.join('\n') + '\n');
writeFileSync(join(out, 'summary.json'), JSON.stringify({ buildKver, cases }, null, 2) + '\n');

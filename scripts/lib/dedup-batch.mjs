// Helper of compare-dedup-libbpf.sh: writes each input's raw BTF to W/in, our dedup to W/ours,
// and fixpoint counts to W/fixpoint.txt. Args: VMLINUX_BTF W MODULE_DIR [HOST_BTF]
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { parseBtf, serializeBtf } from '../../dist/btf/index.js';
import { btfFromBytes } from '../../dist/btf/load.js';
import { dedupBtf } from '../../dist/btf/dedup/index.js';

const [vmlinuxPath, W, modDir, hostPath] = process.argv.slice(2);
const walk = (d) => readdirSync(d).flatMap((n) => { const p = join(d, n); return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ko') ? [p] : []; });
const eq = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const vmBytes = readFileSync(vmlinuxPath);
const base = parseBtf(vmBytes);
let inputFix = 0;
let outputFix = 0;
let n = 0;
const one = (name, btf, raw) => {
  writeFileSync(join(W, 'in', name), raw);
  const d = dedupBtf(btf);
  const out = serializeBtf(d);
  writeFileSync(join(W, 'ours', name), out);
  if (eq(out, raw)) inputFix++;
  const again = serializeBtf(dedupBtf(parseBtf(out, { base: btf.base })));
  if (eq(again, out)) outputFix++;
  n++;
};
const t0 = performance.now();
one('vmlinux.btf', base, vmBytes);
if (hostPath) { const h = readFileSync(hostPath); one('host.btf', parseBtf(h), h); }
for (const f of walk(modDir).sort()) {
  const { btf } = btfFromBytes(readFileSync(f), f, { base });
  one(`${basename(f)}.btf`, btf, serializeBtf(btf));
}
const s = ((performance.now() - t0) / 1000).toFixed(1);
writeFileSync(join(W, 'fixpoint.txt'), `inputs already deduplicated (byte-identical after dedup): ${inputFix}/${n}\nour output is a fixpoint (dedup twice == once): ${outputFix}/${n}\nbtfpost time for all dedups (twice each): ${s}s\n`);

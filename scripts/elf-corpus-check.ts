// Checks the ELF reader/writer against a corpus of real kernel modules (identity round trips, added sections, timing).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { applyElfEdits, parseElf, readMaybeCompressed, type ElfFile } from '../src/elf/index.js';

const KERNEL = '6.12.117+deb12-amd64';

interface Options {
  corpus: string;
  identity: number;
  addBase: number;
  all: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { corpus: process.env.BTFPOST_CORPUS ?? '/root/corpus', identity: 100, addBase: 20, all: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--all') o.all = true;
    else if (a === '--count') o.identity = Number(argv[++i]);
    else if (a === '--add-base') o.addBase = Number(argv[++i]);
    else if (a === '--corpus') o.corpus = argv[++i];
    else throw new Error(`unknown argument ${a} (use --corpus DIR, --count N, --add-base N, --all)`);
  }
  return o;
}

function findModules(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ko(\.(xz|zst|gz))?$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort((a, b) => {
    const na = basename(a);
    const nb = basename(b);
    return na < nb ? -1 : na > nb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
}

function touchEverything(elf: ElfFile): void {
  const st = elf.symbols();
  if (st) for (let i = 0; i < st.count; i++) st.name(i), st.shndx(i), st.valueBig(i), st.size(i);
  for (const [, tables] of elf.relocations()) for (const t of tables) for (let i = 0; i < t.count; i++) t.sym(i), t.type(i), t.offset(i), t.addend(i);
}

function tool(cmd: string, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { status: r.error ? -1 : r.status, stderr: r.error ? r.error.message : r.stderr };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const dir = join(opts.corpus, KERNEL, 'modules');
  let files: string[];
  try {
    files = findModules(dir);
  } catch (e) {
    console.log(`corpus not ready: cannot list ${dir} (${(e as Error).message})`);
    return 2;
  }
  if (files.length === 0) {
    console.log(`corpus not ready: no modules under ${dir}`);
    return 2;
  }
  let failures = 0;

  // 1. Timing: read every module, then parse the ELF and section headers of all of them.
  const t0 = performance.now();
  const buffers: Uint8Array[] = [];
  for (const f of files) {
    const raw = /\.ko$/.test(f) ? readFileSync(f) : (await readMaybeCompressed(f)).bytes;
    buffers.push(raw instanceof Uint8Array ? raw : new Uint8Array(raw));
  }
  const t1 = performance.now();
  let sections = 0;
  let signed = 0;
  const parsed: ElfFile[] = [];
  for (let i = 0; i < files.length; i++) {
    try {
      const e = parseElf(buffers[i], files[i]);
      sections += e.shnum;
      if (e.signature) signed++;
      parsed.push(e);
    } catch (e) {
      failures++;
      console.log(`PARSE FAIL ${relative(dir, files[i])}: ${(e as Error).message}`);
    }
  }
  const t2 = performance.now();
  console.log(`${files.length} modules (${signed} signed, ${sections} sections): read ${(t1 - t0).toFixed(0)} ms, parsed section headers in ${(t2 - t1).toFixed(0)} ms`);

  // 2. Symbols and relocations of every module.
  const t3 = performance.now();
  let deep = 0;
  for (const e of parsed) {
    try {
      touchEverything(e);
      deep++;
    } catch (err) {
      failures++;
      console.log(`SYMBOL/RELOC FAIL ${e.fileName}: ${(err as Error).message}`);
    }
  }
  console.log(`${deep}/${parsed.length} modules: all symbols and relocations read in ${(performance.now() - t3).toFixed(0)} ms`);

  // 3. Identity: replace .BTF with its own bytes, keeping the signature.
  const n = opts.all ? parsed.length : Math.min(opts.identity, parsed.length);
  let identical = 0;
  let noBtf = 0;
  for (let i = 0; i < n; i++) {
    const e = parsed[i];
    const btf = e.sectionByName('.BTF');
    if (!btf) {
      noBtf++;
      console.log(`no .BTF: ${e.fileName}`);
      continue;
    }
    const out = applyElfEdits(e, { edits: [{ op: 'replace', section: '.BTF', data: e.sectionData(btf).slice() }], signature: 'keep' });
    if (equalBytes(out, e.fileBytes)) identical++;
    else {
      failures++;
      console.log(`NOT IDENTICAL: ${e.fileName}`);
    }
  }
  console.log(`${identical}/${n} identical${noBtf ? ` (${noBtf} without .BTF)` : ''}`);

  // 4. Add .BTF.base to some of them: readelf must be quiet and ld -r must link.
  const haveReadelf = tool('readelf', ['--version']).status === 0;
  const haveLd = tool('ld', ['--version']).status === 0;
  const m = Math.min(opts.addBase, n);
  const step = Math.max(1, Math.floor(n / Math.max(1, m)));
  const tmp = mkdtempSync(join(tmpdir(), 'btfpost-corpus-'));
  let good = 0;
  let tried = 0;
  try {
    for (let i = 0; i < n && tried < m; i += step) {
      const e = parsed[i];
      const btf = e.sectionByName('.BTF');
      const base = btf ? e.sectionData(btf).slice(0, Math.min(btf.size, 4096)) : new Uint8Array(64);
      tried++;
      const out = applyElfEdits(e, { edits: [{ op: 'add', name: '.BTF.base', data: base, align: 4 }], signature: 'strip' });
      const p = join(tmp, basename(e.fileName ?? `m${i}.ko`));
      writeFileSync(p, out);
      const problems: string[] = [];
      const again = parseElf(out);
      if (!again.sectionByName('.BTF.base')) problems.push('no .BTF.base after writing');
      if (haveReadelf) {
        const r = tool('readelf', ['-a', '-W', p]);
        const bad = r.stderr.split('\n').filter((l) => /warning|error/i.test(l));
        if (r.status !== 0 || bad.length) problems.push(`readelf: ${bad.slice(0, 3).join(' | ') || `exit ${r.status}`}`);
      }
      if (haveLd) {
        const r = tool('ld', ['-r', '-o', `${p}.ld.o`, p]);
        if (r.status !== 0) problems.push(`ld -r: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);
      }
      if (problems.length) {
        failures++;
        console.log(`ADD .BTF.base FAIL ${e.fileName}: ${problems.join('; ')}`);
      } else good++;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const skipped = [haveReadelf ? '' : 'readelf missing', haveLd ? '' : 'ld missing'].filter(Boolean).join(', ');
  console.log(`${good}/${tried} with .BTF.base added: readelf -a -W clean and ld -r links${skipped ? ` (${skipped})` : ''}`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

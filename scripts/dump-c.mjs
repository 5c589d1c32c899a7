#!/usr/bin/env node
// Prints `dumpC` of a raw BTF file (optionally split over BASE) to stdout, for scripts/check-dump-c.sh.

import { readFileSync, writeSync } from 'node:fs';
import { parseBtf } from '../dist/btf/index.js';
import { dumpC } from '../dist/btf/dump/c.js';

const args = process.argv.slice(2);
const unsorted = args[0] === '--unsorted';
if (unsorted) args.shift();
const [file, baseFile] = args;
if (!file) {
  process.stderr.write('usage: dump-c.mjs [--unsorted] FILE [BASE]\n');
  process.exit(2);
}
const t0 = process.hrtime.bigint();
const base = baseFile ? parseBtf(readFileSync(baseFile), { file: baseFile }) : null;
const btf = parseBtf(readFileSync(file), { file, base });
const t1 = process.hrtime.bigint();
const c1 = process.cpuUsage();
const text = dumpC(btf, { sorted: !unsorted });
const t2 = process.hrtime.bigint();
const c2 = process.cpuUsage(c1);
const buf = Buffer.from(text, 'latin1');
for (let off = 0; off < buf.length;) off += writeSync(1, buf, off, buf.length - off);
if (process.env.DUMP_C_TIMING) {
  process.stderr.write(`parse ${Number(t1 - t0) / 1e6} ms, dumpC ${Number(t2 - t1) / 1e6} ms (cpu ${(c2.user + c2.system) / 1000} ms)\n`);
}

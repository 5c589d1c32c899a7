#!/usr/bin/env node
// Minimal raw-BTF dumper over dist/ for comparisons and benchmarks: `[-B BASE] FILE` to stdout, or `-B BASE --batch LIST` (lines "IN<TAB>OUT").

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseBtf } from '../dist/btf/wire/parse.js';
import { dumpRawBytes } from '../dist/btf/dump/raw.js';

function usage() {
  process.stderr.write('usage: dump-raw.mjs [-B BASE.btf] FILE.btf\n       dump-raw.mjs [-B BASE.btf] --batch LIST   (LIST lines: IN.btf<TAB>OUT.txt)\n');
  process.exit(2);
}

/** Write all of `buf` to `fd`, retrying on EAGAIN (non-blocking pipes). */
function writeAll(fd, buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
}

function dumpTo(fd, btf) {
  dumpRawBytes(btf, (chunk) => writeAll(fd, chunk));
}

const args = process.argv.slice(2);
let basePath = null;
let batch = null;
let file = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-B' || a === '--base') basePath = args[++i];
  else if (a === '--batch') batch = args[++i];
  else if (a.startsWith('-')) usage();
  else if (file === null) file = a;
  else usage();
}
if ((batch === null) === (file === null)) usage();

const base = basePath ? parseBtf(readFileSync(basePath), { file: basePath }) : null;
if (file !== null) {
  dumpTo(1, parseBtf(readFileSync(file), { base, file }));
} else {
  let failed = 0;
  for (const line of readFileSync(batch, 'utf8').split('\n')) {
    if (line === '') continue;
    const [input, output] = line.split('\t');
    const fd = openSync(output, 'w');
    try {
      dumpTo(fd, parseBtf(readFileSync(input), { base, file: input }));
    } catch (e) {
      failed++;
      process.stderr.write(`${input}: ${e instanceof Error ? e.message : String(e)}\n`);
    } finally {
      closeSync(fd);
    }
  }
  if (failed) process.exitCode = 1;
}

// Walks every DIE of the given ELF files with the built DWARF reader (dist/) and prints counts and timings as JSON lines.
//
// Usage: node scripts/dwarf-walk.mjs [--tags] [--attrs] FILE...
//   --tags   also print the DIE count per tag
//   --attrs  also decode DW_AT_name, DW_AT_type and DW_AT_byte_size of every DIE (a closer model of an encoder)

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseElf } from '../dist/elf/index.js';
import { DW_AT_byte_size, DW_AT_name, DW_AT_type, openDwarf, tagName } from '../dist/dwarf/index.js';

const args = process.argv.slice(2);
const showTags = args.includes('--tags');
const decode = args.includes('--attrs');
const files = args.filter((a) => !a.startsWith('--'));

for (const file of files) {
  const t0 = performance.now();
  const bytes = readFileSync(file);
  const t1 = performance.now();
  const elf = parseElf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  const dwarf = openDwarf(elf);
  const units = dwarf.units();
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const perTag = new Float64Array(0x10000);
  const cur = dwarf.cursor(units[0]);
  let dies = 0;
  let maxDepth = 0;
  let acc = 0;
  for (const u of units) {
    cur.reset(u);
    let tag;
    while ((tag = cur.next()) !== 0) {
      dies++;
      perTag[tag & 0xffff]++;
      if (cur.depth > maxDepth) maxDepth = cur.depth;
      if (decode) {
        const name = cur.attrStrRef(DW_AT_name);
        if (name >= 0) acc += dwarf.strRefString(name).length;
        acc += cur.attrRef(DW_AT_type, 0) & 1;
        acc += cur.attrUint(DW_AT_byte_size, 0) & 1;
      }
    }
  }
  const t3 = performance.now();
  const c3 = process.cpuUsage(c2);
  const versions = {};
  for (const u of units) versions[u.version] = (versions[u.version] ?? 0) + 1;
  const out = {
    file,
    units: units.length,
    versions,
    dies,
    nulls: cur.nullEntries,
    entries: dies + cur.nullEntries,
    maxDepth,
    infoBytes: dwarf.info.length,
    readMs: Math.round(t1 - t0),
    openMs: Math.round(t2 - t1),
    walkMs: Math.round(t3 - t2),
    walkCpuMs: Math.round((c3.user + c3.system) / 1000),
    rssMB: Math.round(process.memoryUsage().rss / 1048576),
  };
  if (decode) out.nameChars = acc;
  if (showTags) {
    const tags = {};
    for (let t = 0; t < perTag.length; t++) if (perTag[t] > 0) tags[tagName(t)] = perTag[t];
    out.tags = tags;
  }
  console.log(JSON.stringify(out));
}

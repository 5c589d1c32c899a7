// Helper of scripts/qemu-accept.sh: writes the as-compiled .BTF_ids of a shipped (resolved) module.
// argv: MODULE.ko BASE.btf OUT.blob
// A shipped module's .BTF_ids holds ids in its old numbering, and resolve_btfids sorted every
// BTF_SET8 by id, moving each pair's flags away from its symbol's slot. Re-resolving such bytes
// in another numbering patches the ids at the symbols' slots but leaves the flags where the old
// sort put them, so kfunc flags end up on the wrong functions. unresolveBtfIds (src/btfids)
// puts every flag back at its symbol's slot and zeroes the ids; the blob can then be patched into
// the distilled module (btfpost-resolve_btfids --patch_btfids) and resolved again.
// stdout: "<size> <unmatched set8 pairs>"
import { readFileSync, writeFileSync } from 'node:fs';
import { parseElf } from '../../dist/elf/index.js';
import { btfFromBytes } from '../../dist/btf/load.js';
import { parseBtf } from '../../dist/btf/index.js';
import { unresolveBtfIds } from '../../dist/btfids/index.js';

const [ko, basePath, outPath] = process.argv.slice(2);
// a plain Uint8Array, not a Buffer: unresolveBtfIds copies with .slice(), which on a Buffer is a
// view (Buffer#slice === subarray) and would zero the shipped ids before reading them
const bytes = new Uint8Array(readFileSync(ko));
const base = parseBtf(readFileSync(basePath));
const { btf } = btfFromBytes(bytes, ko, { base }); // the numbering the shipped ids were resolved in
const { data, unmatched } = unresolveBtfIds(parseElf(bytes, ko), btf);
writeFileSync(outPath, data);
console.log(`${data.length} ${unmatched}`);

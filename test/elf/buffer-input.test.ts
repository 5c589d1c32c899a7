import { describe, it, expect } from 'vitest';
import { parseElf } from '../../src/elf/index.js';
import { parseBtf } from '../../src/btf/index.js';
import { btfFromElf } from '../../src/btf/load.js';
import { resolveBtfIds, unresolveBtfIds } from '../../src/btfids/index.js';
import { fixture } from '../helpers/testdata.js';

// Node Buffers (what readFileSync returns) have a slice() that shares memory; parsers given one
// must still hand out copies where they copy, and never write into the caller's bytes.
describe('Node Buffer input', () => {
  it('putting resolved .BTF_ids back as compiled works from a Buffer and leaves it unchanged', () => {
    const vmlinux = parseBtf(Buffer.from(fixture('btf/vmlinux-6.12.btf.gz')));
    const shipped = Buffer.from(fixture('modules/tcp_bbr.ko'));
    const before = Buffer.from(shipped);
    const elf = parseElf(shipped, 'tcp_bbr.ko');
    const btf = btfFromElf(elf, 'tcp_bbr.ko', { base: vmlinux }).btf;
    const un = unresolveBtfIds(elf, btf);
    expect(un.unmatched).toBe(0);
    expect(un.data.some((b) => b !== 0)).toBe(true); // set8 flags are back at their slots
    expect(Buffer.compare(shipped, before)).toBe(0);
    // Resolving the shipped section as it is changes nothing (it is already resolved and sorted).
    expect(resolveBtfIds(elf, btf).changed).toBe(false);
  });
});

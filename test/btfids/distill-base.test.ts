import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainResolveBtfids } from '../../src/cli/resolve-ids.js';
import { parseElf } from '../../src/elf/index.js';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { encodeBtf, parseFeatureLists, KBUILD_FEATURES } from '../../src/encoder/index.js';
import { fixture } from '../helpers/testdata.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

// The newer kbuild flow (scripts/gen-btf.sh): pahole writes detached BTF, resolve_btfids
// --distill_base writes <elf>.BTF, <elf>.BTF.base and <elf>.BTF_ids.
describe('btfpost-resolve_btfids --distill_base', () => {
  it('writes the three blobs pahole 1.30 + resolve_btfids put into tcp_bbr, byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-distill-base-'));
    const ko = join(dir, 'tcp_bbr.ko');
    const pre = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    writeFileSync(ko, pre);
    const vmlinuxPath = join(dir, 'vmlinux.btf');
    writeFileSync(vmlinuxPath, fixture('btf/vmlinux-6.12.btf.gz'));
    const vmlinux = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const { btf } = encodeBtf(parseElf(pre, ko), { base: vmlinux, features: parseFeatureLists([KBUILD_FEATURES]) });
    const btf1 = join(dir, 'tcp_bbr.ko.BTF.1');
    writeFileSync(btf1, serializeBtf(btf));
    const code = await mainResolveBtfids(['--fatal_warnings', '--distill_base', '--btf_base', vmlinuxPath, '--btf', btf1, ko]);
    expect(code).toBe(0);
    expect(same(readFileSync(`${ko}.BTF`), fixture('postlink/tcp_bbr.BTF'))).toBe(true);
    expect(same(readFileSync(`${ko}.BTF.base`), fixture('postlink/tcp_bbr.BTF.base'))).toBe(true);
    expect(same(readFileSync(`${ko}.BTF_ids`), fixture('postlink/tcp_bbr.BTF_ids'))).toBe(true);
    expect(same(readFileSync(ko), pre)).toBe(true);
  });

  it('needs a base', async () => {
    expect(await mainResolveBtfids(['--distill_base', 'x.ko'])).toBe(1);
  });
});

// Real modules: the shipped .BTF_ids, taken back to their compiled state, resolve to the shipped bytes again.

import { describe, expect, it } from 'vitest';
import { parseBtf, type Btf } from '../../src/btf/index.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { collectBtfIds, listKfuncs, resolveBtfIds, resolveBtfIdsInElf, unresolveBtfIds } from '../../src/btfids/index.js';
import { applyElfEdits, parseElf } from '../../src/elf/index.js';
import { fixture } from '../helpers/testdata.js';

let vmlinux: Btf | undefined;
const base = () => (vmlinux ??= parseBtf(fixture('btf/vmlinux-6.12.btf.gz'), { file: 'vmlinux-6.12.btf' }));

function load(name: string) {
  const bytes = fixture(`modules/${name}.ko`).slice();
  const elf = parseElf(bytes, `${name}.ko`);
  return { bytes, elf, btf: btfFromBytes(bytes, `${name}.ko`, { base: base() }).btf };
}

/** The module as it was before resolve_btfids: the compiled .BTF_ids, signature kept. */
function compiled(name: string) {
  const m = load(name);
  const sec = m.elf.sectionByName('.BTF_ids')!;
  const un = unresolveBtfIds(m.elf, m.btf);
  const bytes = applyElfEdits(m.elf, { edits: [{ op: 'patch', section: sec.index, offset: 0, data: un.data }], signature: 'keep' });
  return { ...m, un, pre: parseElf(bytes, `${name}.ko`) };
}

describe('shipped modules re-resolve to their shipped bytes (base: vmlinux 6.12)', () => {
  for (const name of ['tcp_bbr', 'tcp_dctcp', 'nf_conntrack']) {
    it(`${name}.ko`, () => {
      const { elf, btf, un, pre } = compiled(name);
      expect(un.unmatched).toBe(0);
      // Every id slot and set count is zero before resolution.
      const c = collectBtfIds(pre);
      if (!c.found) throw new Error(c.reason);
      const dv = new DataView(c.layout.data.buffer, c.layout.data.byteOffset, c.layout.data.byteLength);
      for (const kind of ['struct', 'union', 'typedef', 'func'] as const) {
        for (const n of c.layout.names[kind].values()) for (const off of n.offsets) expect(dv.getUint32(off, true)).toBe(0);
      }
      for (const s of c.layout.sets.values()) expect(dv.getUint32(s.offset, true)).toBe(0);
      expect(c.layout.sets.size).toBe(1);
      const r = resolveBtfIds(pre, btf, { fatalWarnings: true });
      expect(r.warnings).toEqual([]);
      expect(r.stats.unresolved).toBe(0);
      expect(Buffer.from(r.patched!).equals(Buffer.from(elf.sectionData(elf.sectionByName('.BTF_ids')!)))).toBe(true);
      // The whole signed file comes back byte for byte when the signature is kept on purpose...
      const out = resolveBtfIdsInElf(pre, btf, { signature: 'keep' });
      expect(Buffer.from(out.bytes).equals(Buffer.from(elf.fileBytes))).toBe(true);
      // ...and is refused by default, because the signature would no longer match.
      expect(() => resolveBtfIdsInElf(pre, btf)).toThrow(/signed/);
    });
  }

  it('nf_conntrack: ids and set8 flags in detail', () => {
    const { pre, elf } = compiled('nf_conntrack');
    expect(listKfuncs(pre).map((k) => [k.name, k.flags])).toEqual([
      ['bpf_xdp_ct_alloc', 5], ['bpf_xdp_ct_lookup', 5], ['bpf_skb_ct_alloc', 5], ['bpf_skb_ct_lookup', 5],
      ['bpf_ct_insert_entry', 7], ['bpf_ct_release', 2], ['bpf_ct_set_timeout', 0x10], ['bpf_ct_change_timeout', 0x10],
      ['bpf_ct_set_status', 0x10], ['bpf_ct_change_status', 0x10],
    ]);
    expect(listKfuncs(pre).every((k) => k.set === 'nf_ct_kfunc_set')).toBe(true);
    // Shipped: struct nf_conn, struct nf_conn___init (vmlinux ids), then the set8 sorted by module id.
    const w = elf.sectionData(elf.sectionByName('.BTF_ids')!);
    const dv = new DataView(w.buffer, w.byteOffset, w.byteLength);
    expect([dv.getUint32(0, true), dv.getUint32(4, true), dv.getUint32(8, true), dv.getUint32(12, true)]).toEqual([96168, 97697, 10, 1]);
  });

  it('tcp_bbr and tcp_dctcp list their congestion-control kfuncs', () => {
    expect(listKfuncs(compiled('tcp_bbr').pre).map((k) => k.name)).toEqual([
      'bbr_init', 'bbr_main', 'bbr_sndbuf_expand', 'bbr_undo_cwnd', 'bbr_cwnd_event', 'bbr_ssthresh', 'bbr_min_tso_segs', 'bbr_set_state',
    ]);
    expect(listKfuncs(compiled('tcp_dctcp').pre).map((k) => k.name)).toEqual([
      'dctcp_init', 'dctcp_update_alpha', 'dctcp_cwnd_event', 'dctcp_ssthresh', 'dctcp_cwnd_undo', 'dctcp_state',
    ]);
  });

  it('modules without .BTF_ids are a no-op', () => {
    for (const name of ['dummy', 'veth', 'loop']) {
      const { elf, btf } = load(name);
      const r = resolveBtfIdsInElf(elf, btf);
      expect(r.result.skipped).toBe('no .BTF_ids section');
      expect(r.bytes).toBe(elf.fileBytes);
    }
  });
});

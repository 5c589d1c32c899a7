// The JSON dump against its zod schema and against `bpftool -j btf dump ... format raw` (7.5) output in testdata.

import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Btf, addType, parseBtf } from '../../src/btf/index.js';
import { dumpJson } from '../../src/btf/dump/json.js';
import type { BtfJsonDump } from '../../src/btf/dump/json.js';
import { BtfJsonDumpSchema, BtfJsonTypeSchema } from '../../src/btf/dump/schema.js';
import { parseElf } from '../../src/elf/file.js';

const TESTDATA = fileURLToPath(new URL('../../testdata', import.meta.url));

function file(rel: string): Uint8Array {
  const raw = readFileSync(join(TESTDATA, rel));
  return rel.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

function has(...rels: string[]): boolean {
  return rels.every((r) => existsSync(join(TESTDATA, r)));
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function btfSection(rel: string): Uint8Array {
  const elf = parseElf(file(rel), rel);
  const sec = elf.sectionByName('.BTF');
  if (!sec) throw new Error(`${rel}: no .BTF`);
  return elf.sectionData(sec);
}

/**
 * Our document as the text bpftool 7.5 prints (compact, plus its newline). Two bpftool habits are
 * reproduced here rather than in dumpJson: 64-bit values beyond 2^53 are bare numbers (we keep
 * them as strings), and an unsigned ENUM value of 2^31 or more is printed sign-extended to 64 bits
 * (bpftool passes the s32 `val` to jsonw_uint_field).
 */
function asBpftoolText(doc: BtfJsonDump): string {
  const copy = structuredClone(doc);
  for (const t of copy.types) {
    if (t.kind === 'ENUM' && t.encoding === 'UNSIGNED') {
      for (const v of t.values as Array<{ name: string; val: number | string }>) {
        if (typeof v.val === 'number' && v.val >= 0x80000000) v.val = (BigInt(v.val) + 2n ** 64n - 2n ** 32n).toString();
      }
    }
  }
  return `${JSON.stringify(copy).replace(/"val":"(-?[0-9]+)"/g, '"val":$1')}\n`;
}

/** bpftool writes control characters other than \b \t \n \f \r raw; JSON.stringify escapes them. */
function escapeRawControls(s: string): string {
  return s.replace(/[\x00-\x1f]/g, (c) => (c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function sha256(s: string): string {
  return createHash('sha256').update(Buffer.from(s, 'latin1')).digest('hex');
}

describe('dumpJson on the every-kind fixtures', () => {
  const base = () => parseBtf(file('dump/kinds-base.btf'));

  it('validates against BtfJsonDumpSchema', () => {
    const b = base();
    const doc = dumpJson(b);
    expect(doc.types.length).toBe(b.count);
    expect(BtfJsonDumpSchema.parse(doc)).toEqual(doc);
    expect(BtfJsonDumpSchema.parse(dumpJson(parseBtf(file('dump/kinds-split.btf'), { base: b })))).toBeTruthy();
  });

  it('prints the same text as bpftool -j (modulo its two number habits)', () => {
    const b = base();
    expect(asBpftoolText(dumpJson(b))).toBe(escapeRawControls(latin1(file('dump/kinds-base.json'))));
    const split = parseBtf(file('dump/kinds-split.btf'), { base: b });
    expect(asBpftoolText(dumpJson(split))).toBe(latin1(file('dump/kinds-split.json')));
  });

  it('gives kind-specific fields with bpftool names', () => {
    const doc = dumpJson(base());
    const byId = new Map(doc.types.map((t) => [t.id, t]));
    expect(byId.get(1)).toEqual({ id: 1, kind: 'INT', name: 'int', size: 4, bits_offset: 0, nr_bits: 32, encoding: 'SIGNED' });
    expect(byId.get(7)).toEqual({ id: 7, kind: 'PTR', name: '(anon)', type_id: 0 });
    expect(byId.get(10)).toMatchObject({
      kind: 'STRUCT', size: 0xffffffff, vlen: 3,
      members: [
        { name: 'x', type_id: 4, bits_offset: 0, bitfield_size: 3 },
        { name: 'y', type_id: 4, bits_offset: 8 },
        { name: 'z', type_id: 4, bits_offset: 0xffffff, bitfield_size: 255 },
      ],
    });
    expect(byId.get(13)).toMatchObject({ kind: 'ENUM', encoding: 'UNSIGNED', values: [{ val: 0 }, { val: 4294967295 }, { val: 2147483648 }] });
    expect(byId.get(14)).toMatchObject({ kind: 'ENUM', encoding: 'SIGNED', values: [{ val: -1 }, { val: -2147483648 }, { val: 2147483647 }] });
    expect(byId.get(16)).toMatchObject({
      kind: 'ENUM64', encoding: 'UNSIGNED',
      values: [{ val: 0 }, { val: '18446744073709551615' }, { val: 4294967296 }, { val: '9007199254740993' }],
    });
    expect(byId.get(17)).toMatchObject({
      kind: 'ENUM64', encoding: 'SIGNED',
      values: [
        { val: -1 }, { val: -2147483648 }, { val: -2147483649 }, { val: '-9223372036854775808' },
        { val: '9223372036854775807' }, { val: 5 }, { val: 4294967296 },
      ],
    });
    expect(byId.get(19)).toEqual({ id: 19, kind: 'FWD', name: 'fu', fwd_kind: 'union' });
    expect(byId.get(24)).toMatchObject({ kind: 'FUNC_PROTO', ret_type_id: 1, vlen: 3, params: [{ name: 'a', type_id: 1 }, { name: '(anon)', type_id: 7 }, { name: '(anon)', type_id: 0 }] });
    expect(byId.get(28)).toMatchObject({ kind: 'FUNC', linkage: '(unknown)' });
    expect(byId.get(33)).toMatchObject({ kind: 'VAR', type_id: 1, linkage: '(unknown)' });
    expect(byId.get(34)).toMatchObject({ kind: 'DATASEC', size: 64, vlen: 4, vars: [{ type_id: 30, offset: 0, size: 4 }, { type_id: 31 }, { type_id: 0 }, { offset: 0xffffffff }] });
    expect(byId.get(36)).toEqual({ id: 36, kind: 'FLOAT', name: 'double', size: 8 });
    expect(byId.get(37)).toEqual({ id: 37, kind: 'DECL_TAG', name: 'tag_on_struct', type_id: 9, component_idx: -1 });
    expect(byId.get(42)).toEqual({ id: 42, kind: 'TYPE_TAG', name: 'attr_type', type_id: 1 });
    expect(byId.get(45)).toMatchObject({ name: '', members: [{ name: '' }] });
    expect(byId.get(46)?.name).toBe('caf\xe9\x80\xff');
  });

  it('is plain JSON that round-trips', () => {
    const doc = dumpJson(base());
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('dumpJson edge cases', () => {
  it('names out-of-range offsets (invalid) and unknown kinds UNKNOWN', () => {
    const words = Uint32Array.from([999, (20 << 24) >>> 0, 5]);
    const b = new Btf({ words, wordLen: 3, offs: Uint32Array.from([0, 3]), count: 1, strs: Uint8Array.from([0]), strLen: 1 });
    const doc = dumpJson(b);
    expect(doc).toEqual({ types: [{ id: 1, kind: 'UNKNOWN', name: '(invalid)' }] });
    expect(BtfJsonDumpSchema.parse(doc)).toEqual(doc);
  });

  it('gives an empty list for a split BTF with no own types', () => {
    const base = new Btf();
    addType(base, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    expect(dumpJson(new Btf({ base }))).toEqual({ types: [] });
  });
});

describe('BtfJsonDumpSchema', () => {
  const ok = { id: 1, kind: 'INT', name: 'int', size: 4, bits_offset: 0, nr_bits: 32, encoding: 'SIGNED' };

  it('accepts a valid record and rejects broken ones', () => {
    expect(BtfJsonTypeSchema.safeParse(ok).success).toBe(true);
    expect(BtfJsonTypeSchema.safeParse({ ...ok, kind: 'PTR' }).success).toBe(false);
    expect(BtfJsonTypeSchema.safeParse({ ...ok, kind: 'BOGUS' }).success).toBe(false);
    expect(BtfJsonTypeSchema.safeParse({ ...ok, size: -1 }).success).toBe(false);
    expect(BtfJsonTypeSchema.safeParse({ ...ok, encoding: 'signed' }).success).toBe(false);
    const { nr_bits: _drop, ...missing } = ok;
    expect(BtfJsonTypeSchema.safeParse(missing).success).toBe(false);
    expect(BtfJsonDumpSchema.safeParse({ types: [ok] }).success).toBe(true);
    expect(BtfJsonDumpSchema.safeParse({ type: [ok] }).success).toBe(false);
  });

  it('holds 64-bit enum values as safe numbers or decimal strings only', () => {
    const e = (val: unknown) => ({ id: 2, kind: 'ENUM64', name: 'e', encoding: 'UNSIGNED', size: 8, vlen: 1, values: [{ name: 'v', val }] });
    expect(BtfJsonTypeSchema.safeParse(e(5)).success).toBe(true);
    expect(BtfJsonTypeSchema.safeParse(e('18446744073709551615')).success).toBe(true);
    expect(BtfJsonTypeSchema.safeParse(e(2 ** 60)).success).toBe(false);
    expect(BtfJsonTypeSchema.safeParse(e('0x10')).success).toBe(false);
    expect(BtfJsonTypeSchema.safeParse(e(1.5)).success).toBe(false);
  });
});

const DIGESTS = has('dump/json.sha256')
  ? new Map(latin1(file('dump/json.sha256')).trim().split('\n').map((l) => {
    const [h, n] = l.split(/\s+/);
    return [n, h] as const;
  }))
  : new Map<string, string>();

describe.skipIf(!has('btf/vmlinux-6.12.btf.gz') || DIGESTS.size === 0)('dumpJson on real BTF (bpftool 7.5 -j digests in testdata/dump/json.sha256)', () => {
  const vmlinux = () => parseBtf(file('btf/vmlinux-6.12.btf.gz'));

  it('validates and matches bpftool on the 6.12 vmlinux BTF', () => {
    const doc = dumpJson(vmlinux());
    expect(doc.types.length).toBe(112768);
    expect(BtfJsonDumpSchema.safeParse(doc).success).toBe(true);
    expect(sha256(asBpftoolText(doc))).toBe(DIGESTS.get('vmlinux-6.12'));
  });

  it.skipIf(!has('btf/host.btf.gz'))('matches bpftool on a newer host BTF', () => {
    expect(sha256(asBpftoolText(dumpJson(parseBtf(file('btf/host.btf.gz')))))).toBe(DIGESTS.get('host'));
  });

  it('matches bpftool -B vmlinux on shipped modules', () => {
    const base = vmlinux();
    const modules = ['dummy', 'tcp_bbr', 'tcp_dctcp', 'veth', 'loop', 'nf_conntrack'].filter((m) => has(`modules/${m}.ko`));
    for (const m of modules) {
      const doc = dumpJson(parseBtf(btfSection(`modules/${m}.ko`), { base }));
      expect(BtfJsonDumpSchema.safeParse(doc).success, m).toBe(true);
      expect(sha256(asBpftoolText(doc)), m).toBe(DIGESTS.get(m));
    }
  });

  it.skipIf(!has('btf/s390x-gbtf.o'))('matches bpftool on big-endian BTF from GCC', () => {
    expect(sha256(asBpftoolText(dumpJson(parseBtf(btfSection('btf/s390x-gbtf.o')))))).toBe(DIGESTS.get('s390x-gbtf'));
  });
});

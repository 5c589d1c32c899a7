// The raw text dump against output captured once from bpftool 7.5, for hand-built and real BTF.

import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Btf, addType, parseBtf, serializeBtf, makeIntWord, BTF_KIND_INT, BTF_KIND_STRUCT, BTF_KIND_ENUM } from '../../src/btf/index.js';
import { dumpRaw, dumpRawBytes, dumpRawString } from '../../src/btf/dump/raw.js';
import { parseElf } from '../../src/elf/file.js';

const TESTDATA = fileURLToPath(new URL('../../testdata', import.meta.url));
const DUMP = join(TESTDATA, 'dump');

/**
 * A base BTF with every kind and the odd corners bpftool prints differently: INT encodings,
 * bitfields, signed and unsigned 32/64-bit enum extremes, FUNC and VAR linkages past the known
 * ones, varargs, DATASEC annotations (void included), tags with and without kflag, and names that
 * are empty, mid-string, non-ASCII or full of quotes and tabs.
 */
function buildKindsBase(): Btf {
  const b = new Btf();
  const INT = (name: string, size: number, encoding: number, offset: number, bits: number) =>
    addType(b, { kind: 'INT', name, size, encoding, offset, bits });
  INT('int', 4, 1, 0, 32); // 1
  INT('char', 1, 2, 0, 8); // 2
  INT('_Bool', 1, 4, 0, 8); // 3
  INT('unsigned int', 4, 0, 0, 32); // 4
  INT('odd', 4, 3, 2, 7); // 5: encoding 3 is no single flag -> UNKN
  INT('__int128 unsigned', 16, 0, 0, 128); // 6
  addType(b, { kind: 'PTR', name: '', type: 0 }); // 7: void *
  addType(b, { kind: 'ARRAY', type: 1, indexType: 4, nelems: 0xffffffff }); // 8
  addType(b, {
    kind: 'STRUCT', name: 's', size: 8, bitfields: false, members: [
      { name: 'a', type: 1, bitOffset: 0, bitfieldSize: 0 },
      { name: 'b', type: 8, bitOffset: 32, bitfieldSize: 0 },
    ],
  }); // 9
  addType(b, {
    kind: 'STRUCT', name: 'bf', size: 0xffffffff, bitfields: true, members: [
      { name: 'x', type: 4, bitOffset: 0, bitfieldSize: 3 },
      { name: 'y', type: 4, bitOffset: 8, bitfieldSize: 0 },
      { name: 'z', type: 4, bitOffset: 0xffffff, bitfieldSize: 255 },
    ],
  }); // 10
  addType(b, { kind: 'UNION', name: '', size: 8, bitfields: false, members: [{ name: '', type: 9, bitOffset: 0, bitfieldSize: 0 }] }); // 11
  addType(b, { kind: 'STRUCT', name: 'empty', size: 0, bitfields: false, members: [] }); // 12
  addType(b, {
    kind: 'ENUM', name: 'e', size: 4, signed: false,
    values: [{ name: 'E_ZERO', value: 0n }, { name: 'E_MAX', value: 0xffffffffn }, { name: 'E_HIGH', value: 0x80000000n }],
  }); // 13
  addType(b, {
    kind: 'ENUM', name: 'se', size: 4, signed: true,
    values: [{ name: 'S_M1', value: -1n }, { name: 'S_MIN', value: -0x80000000n }, { name: 'S_MAX', value: 0x7fffffffn }],
  }); // 14
  addType(b, { kind: 'ENUM', name: 'one_byte', size: 1, signed: false, values: [] }); // 15
  addType(b, {
    kind: 'ENUM64', name: 'e64', size: 8, signed: false,
    values: [
      { name: 'U_ZERO', value: 0n }, { name: 'U_MAX', value: 0xffffffffffffffffn },
      { name: 'U_2_32', value: 0x100000000n }, { name: 'U_2_53P1', value: 9007199254740993n },
    ],
  }); // 16
  addType(b, {
    kind: 'ENUM64', name: 'se64', size: 8, signed: true,
    values: [
      { name: 'N1', value: -1n }, { name: 'N_2_31', value: -0x80000000n }, { name: 'N_2_31M1', value: -0x80000001n },
      { name: 'N_MIN', value: -0x8000000000000000n }, { name: 'P_MAX', value: 0x7fffffffffffffffn },
      { name: 'P5', value: 5n }, { name: 'P_2_32', value: 0x100000000n },
    ],
  }); // 17
  addType(b, { kind: 'FWD', name: 'fs', union: false }); // 18
  addType(b, { kind: 'FWD', name: 'fu', union: true }); // 19
  addType(b, { kind: 'TYPEDEF', name: 'td', type: 1 }); // 20
  addType(b, { kind: 'VOLATILE', name: '', type: 1 }); // 21
  addType(b, { kind: 'CONST', name: '', type: 21 }); // 22
  addType(b, { kind: 'RESTRICT', name: '', type: 7 }); // 23
  addType(b, {
    kind: 'FUNC_PROTO', returnType: 1, params: [
      { name: 'a', type: 1 }, { name: '', type: 7 }, { name: '', type: 0 },
    ],
  }); // 24: int (int a, void *, ...)
  addType(b, { kind: 'FUNC', name: 'f_static', type: 24, linkage: 0 }); // 25
  addType(b, { kind: 'FUNC', name: 'f_global', type: 24, linkage: 1 }); // 26
  addType(b, { kind: 'FUNC', name: 'f_extern', type: 24, linkage: 2 }); // 27
  addType(b, { kind: 'FUNC', name: 'f_odd', type: 24, linkage: 7 }); // 28
  addType(b, { kind: 'FUNC_PROTO', returnType: 0, params: [] }); // 29
  addType(b, { kind: 'VAR', name: 'v_static', type: 1, linkage: 0 }); // 30
  addType(b, { kind: 'VAR', name: 'v_global', type: 1, linkage: 1 }); // 31
  addType(b, { kind: 'VAR', name: 'v_extern', type: 1, linkage: 2 }); // 32
  addType(b, { kind: 'VAR', name: 'v_odd', type: 1, linkage: 9 }); // 33
  addType(b, {
    kind: 'DATASEC', name: '.data', size: 64, vars: [
      { type: 30, offset: 0, size: 4 }, { type: 31, offset: 4, size: 4 }, { type: 0, offset: 8, size: 0 },
      { type: 25, offset: 0xffffffff, size: 0xffffffff },
    ],
  }); // 34
  addType(b, { kind: 'DATASEC', name: '.bss', size: 0, vars: [] }); // 35
  addType(b, { kind: 'FLOAT', name: 'double', size: 8 }); // 36
  addType(b, { kind: 'DECL_TAG', name: 'tag_on_struct', type: 9, componentIdx: -1, attr: false }); // 37
  addType(b, { kind: 'DECL_TAG', name: 'tag_on_member', type: 9, componentIdx: 1, attr: false }); // 38
  addType(b, { kind: 'DECL_TAG', name: 'attr_decl', type: 26, componentIdx: -1, attr: true }); // 39
  addType(b, { kind: 'DECL_TAG', name: 'big_idx', type: 26, componentIdx: 0x7fffffff, attr: false }); // 40
  addType(b, { kind: 'TYPE_TAG', name: 'user', type: 1, attr: false }); // 41
  addType(b, { kind: 'TYPE_TAG', name: 'attr_type', type: 1, attr: true }); // 42
  addType(b, { kind: 'PTR', name: '', type: 42 }); // 43
  // Names bpftool copies byte for byte.
  const uint = b.findStr('unsigned int');
  const intEnd = b.findStr('int') + 3; // the NUL after "int": an empty, not anonymous, name
  b.add(BTF_KIND_INT, uint + 9, 0, false, 4, [makeIntWord(1, 0, 32)]); // 44: mid-string "int"
  b.add(BTF_KIND_STRUCT, intEnd, 1, false, 4, [intEnd, 1, 0]); // 45: '' and a member ''
  addType(b, { kind: 'STRUCT', name: 'caf\xe9\x80\xff', size: 4, bitfields: false, members: [{ name: "q'uo\"te\ttab\\", type: 1, bitOffset: 0, bitfieldSize: 0 }] }); // 46
  b.add(BTF_KIND_ENUM, b.addStr('\xc3\xa9t\xc3\xa9'), 1, false, 4, [b.addStr('\x01\x1f'), 1]); // 47: UTF-8 bytes, control chars
  addType(b, { kind: 'FUNC', name: 'f_odd2', type: 29, linkage: 3 }); // 48
  return b;
}

/** A split BTF over {@link buildKindsBase}: base types and base strings referenced from own types. */
function buildKindsSplit(base: Btf): Btf {
  const b = new Btf({ base });
  const s = addType(b, {
    kind: 'STRUCT', name: 'mod_s', size: 16, bitfields: true, members: [
      { name: 'int', type: 1, bitOffset: 0, bitfieldSize: 0 }, // name from the base's strings
      { name: 'mod_bits', type: 4, bitOffset: 32, bitfieldSize: 5 },
      { name: 'p', type: 7, bitOffset: 64, bitfieldSize: 0 },
    ],
  }); // 49
  const v = addType(b, { kind: 'VAR', name: 'mod_var', type: s, linkage: 1 }); // 50
  addType(b, {
    kind: 'DATASEC', name: '.data', size: 24, vars: [
      { type: v, offset: 0, size: 16 }, { type: 30, offset: 16, size: 4 }, { type: 0, offset: 20, size: 4 },
    ],
  }); // 51: own VAR, base VAR, void
  addType(b, { kind: 'DECL_TAG', name: 'tag_on_struct', type: 9, componentIdx: 0, attr: false }); // 52: base type and name
  addType(b, { kind: 'PTR', name: '', type: s }); // 53
  addType(b, { kind: 'ENUM64', name: 'mod_e64', size: 8, signed: true, values: [{ name: 'M', value: -2n }] }); // 54
  addType(b, { kind: 'FUNC_PROTO', returnType: s, params: [{ name: 'mod_s', type: 53 }, { name: 'a', type: 1 }] }); // 55
  addType(b, { kind: 'FUNC', name: 'mod_fn', type: 55, linkage: 0 }); // 56
  return b;
}

// bpftool 7.5 `btf dump file kinds-base.btf format raw`, captured once (testdata/dump/kinds-base.raw.txt).
const BASE_RAW = [
  "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED",
  "[2] INT 'char' size=1 bits_offset=0 nr_bits=8 encoding=CHAR",
  "[3] INT '_Bool' size=1 bits_offset=0 nr_bits=8 encoding=BOOL",
  "[4] INT 'unsigned int' size=4 bits_offset=0 nr_bits=32 encoding=(none)",
  "[5] INT 'odd' size=4 bits_offset=2 nr_bits=7 encoding=UNKN",
  "[6] INT '__int128 unsigned' size=16 bits_offset=0 nr_bits=128 encoding=(none)",
  "[7] PTR '(anon)' type_id=0",
  "[8] ARRAY '(anon)' type_id=1 index_type_id=4 nr_elems=4294967295",
  "[9] STRUCT 's' size=8 vlen=2",
  "\t'a' type_id=1 bits_offset=0",
  "\t'b' type_id=8 bits_offset=32",
  "[10] STRUCT 'bf' size=4294967295 vlen=3",
  "\t'x' type_id=4 bits_offset=0 bitfield_size=3",
  "\t'y' type_id=4 bits_offset=8",
  "\t'z' type_id=4 bits_offset=16777215 bitfield_size=255",
  "[11] UNION '(anon)' size=8 vlen=1",
  "\t'(anon)' type_id=9 bits_offset=0",
  "[12] STRUCT 'empty' size=0 vlen=0",
  "[13] ENUM 'e' encoding=UNSIGNED size=4 vlen=3",
  "\t'E_ZERO' val=0",
  "\t'E_MAX' val=4294967295",
  "\t'E_HIGH' val=2147483648",
  "[14] ENUM 'se' encoding=SIGNED size=4 vlen=3",
  "\t'S_M1' val=-1",
  "\t'S_MIN' val=-2147483648",
  "\t'S_MAX' val=2147483647",
  "[15] ENUM 'one_byte' encoding=UNSIGNED size=1 vlen=0",
  "[16] ENUM64 'e64' encoding=UNSIGNED size=8 vlen=4",
  "\t'U_ZERO' val=0ULL",
  "\t'U_MAX' val=18446744073709551615ULL",
  "\t'U_2_32' val=4294967296ULL",
  "\t'U_2_53P1' val=9007199254740993ULL",
  "[17] ENUM64 'se64' encoding=SIGNED size=8 vlen=7",
  "\t'N1' val=-1LL",
  "\t'N_2_31' val=-2147483648LL",
  "\t'N_2_31M1' val=-2147483649LL",
  "\t'N_MIN' val=-9223372036854775808LL",
  "\t'P_MAX' val=9223372036854775807LL",
  "\t'P5' val=5LL",
  "\t'P_2_32' val=4294967296LL",
  "[18] FWD 'fs' fwd_kind=struct",
  "[19] FWD 'fu' fwd_kind=union",
  "[20] TYPEDEF 'td' type_id=1",
  "[21] VOLATILE '(anon)' type_id=1",
  "[22] CONST '(anon)' type_id=21",
  "[23] RESTRICT '(anon)' type_id=7",
  "[24] FUNC_PROTO '(anon)' ret_type_id=1 vlen=3",
  "\t'a' type_id=1",
  "\t'(anon)' type_id=7",
  "\t'(anon)' type_id=0",
  "[25] FUNC 'f_static' type_id=24 linkage=static",
  "[26] FUNC 'f_global' type_id=24 linkage=global",
  "[27] FUNC 'f_extern' type_id=24 linkage=extern",
  "[28] FUNC 'f_odd' type_id=24 linkage=(unknown)",
  "[29] FUNC_PROTO '(anon)' ret_type_id=0 vlen=0",
  "[30] VAR 'v_static' type_id=1, linkage=static",
  "[31] VAR 'v_global' type_id=1, linkage=global",
  "[32] VAR 'v_extern' type_id=1, linkage=extern",
  "[33] VAR 'v_odd' type_id=1, linkage=(unknown)",
  "[34] DATASEC '.data' size=64 vlen=4",
  "\ttype_id=30 offset=0 size=4 (VAR 'v_static')",
  "\ttype_id=31 offset=4 size=4 (VAR 'v_global')",
  "\ttype_id=0 offset=8 size=0 (UNKNOWN '(anon)')",
  "\ttype_id=25 offset=4294967295 size=4294967295 (FUNC 'f_static')",
  "[35] DATASEC '.bss' size=0 vlen=0",
  "[36] FLOAT 'double' size=8",
  "[37] DECL_TAG 'tag_on_struct' type_id=9 component_idx=-1",
  "[38] DECL_TAG 'tag_on_member' type_id=9 component_idx=1",
  "[39] DECL_TAG 'attr_decl' type_id=26 component_idx=-1",
  "[40] DECL_TAG 'big_idx' type_id=26 component_idx=2147483647",
  "[41] TYPE_TAG 'user' type_id=1",
  "[42] TYPE_TAG 'attr_type' type_id=1",
  "[43] PTR '(anon)' type_id=42",
  "[44] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED",
  "[45] STRUCT '' size=4 vlen=1",
  "\t'' type_id=1 bits_offset=0",
  "[46] STRUCT 'caf\xe9\x80\xff' size=4 vlen=1",
  "\t'q'uo\"te\ttab\\' type_id=1 bits_offset=0",
  "[47] ENUM '\xc3\xa9t\xc3\xa9' encoding=UNSIGNED size=4 vlen=1",
  "\t'\x01\x1f' val=1",
  "[48] FUNC 'f_odd2' type_id=29 linkage=(unknown)",
].join('\n') + '\n';
// bpftool 7.5 `btf dump file kinds-split.btf -B kinds-base.btf format raw`.
const SPLIT_RAW = [
  "[49] STRUCT 'mod_s' size=16 vlen=3",
  "\t'int' type_id=1 bits_offset=0",
  "\t'mod_bits' type_id=4 bits_offset=32 bitfield_size=5",
  "\t'p' type_id=7 bits_offset=64",
  "[50] VAR 'mod_var' type_id=49, linkage=global",
  "[51] DATASEC '.data' size=24 vlen=3",
  "\ttype_id=50 offset=0 size=16 (VAR 'mod_var')",
  "\ttype_id=30 offset=16 size=4 (VAR 'v_static')",
  "\ttype_id=0 offset=20 size=4 (UNKNOWN '(anon)')",
  "[52] DECL_TAG 'tag_on_struct' type_id=9 component_idx=0",
  "[53] PTR '(anon)' type_id=49",
  "[54] ENUM64 'mod_e64' encoding=SIGNED size=8 vlen=1",
  "\t'M' val=-2LL",
  "[55] FUNC_PROTO '(anon)' ret_type_id=49 vlen=2",
  "\t'mod_s' type_id=53",
  "\t'a' type_id=1",
  "[56] FUNC 'mod_fn' type_id=55 linkage=static",
].join('\n') + '\n';

// Regenerating testdata/dump: BTFPOST_WRITE_DUMP_FIXTURES=1 npx vitest run test/btf/dump-raw.test.ts
// writes the .btf files; then, with bpftool 7.5 (never in CI), in testdata/dump:
//   bpftool btf dump file kinds-base.btf format raw > kinds-base.raw.txt
//   bpftool btf dump file kinds-split.btf -B kinds-base.btf format raw > kinds-split.raw.txt
//   bpftool -j btf dump file kinds-base.btf format raw > kinds-base.json   (and the same for split)
//   bpftool btf dump file ../btf/s390x-gbtf.o format raw > s390x-gbtf.raw.txt
// json.sha256 holds sha256 of `bpftool -j btf dump ... format raw` for the real fixtures.
if (process.env.BTFPOST_WRITE_DUMP_FIXTURES === '1') {
  mkdirSync(DUMP, { recursive: true });
  const base = buildKindsBase();
  writeFileSync(join(DUMP, 'kinds-base.btf'), serializeBtf(base));
  writeFileSync(join(DUMP, 'kinds-base-be.btf'), serializeBtf(base, { le: false }));
  writeFileSync(join(DUMP, 'kinds-split.btf'), serializeBtf(buildKindsSplit(base)));
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function file(rel: string): Uint8Array {
  const raw = readFileSync(join(TESTDATA, rel));
  return rel.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

function has(...rels: string[]): boolean {
  return rels.every((r) => existsSync(join(TESTDATA, r)));
}

function sha256(parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** The dump as bytes, through the chunked sink (each chunk copied, as the API asks). */
function dumpBytes(btf: Btf, chunkSize?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  dumpRawBytes(btf, (c) => out.push(c.slice()), { chunkSize });
  return out;
}

function btfSection(rel: string): Uint8Array {
  const elf = parseElf(file(rel), rel);
  const sec = elf.sectionByName('.BTF');
  if (!sec) throw new Error(`${rel}: no .BTF`);
  return elf.sectionData(sec);
}

describe('dumpRaw on hand-built BTF (expectations from bpftool 7.5)', () => {
  it('prints every kind, encoding, linkage and name form of a base BTF', () => {
    expect(dumpRawString(buildKindsBase())).toBe(BASE_RAW);
  });

  it('prints only the split part of split BTF, resolving base names and DATASEC entries', () => {
    expect(dumpRawString(buildKindsSplit(buildKindsBase()))).toBe(SPLIT_RAW);
  });

  it('reads the committed fixtures (built by this file) in either byte order', () => {
    const base = buildKindsBase();
    expect(Buffer.from(serializeBtf(base)).equals(Buffer.from(file('dump/kinds-base.btf')))).toBe(true);
    expect(Buffer.from(serializeBtf(buildKindsSplit(base))).equals(Buffer.from(file('dump/kinds-split.btf')))).toBe(true);
    expect(latin1(file('dump/kinds-base.raw.txt'))).toBe(BASE_RAW);
    expect(latin1(file('dump/kinds-split.raw.txt'))).toBe(SPLIT_RAW);
    const le = parseBtf(file('dump/kinds-base.btf'));
    const be = parseBtf(file('dump/kinds-base-be.btf'));
    expect(be.le).toBe(false);
    expect(dumpRawString(le)).toBe(BASE_RAW);
    expect(dumpRawString(be)).toBe(BASE_RAW);
    expect(dumpRawString(parseBtf(file('dump/kinds-split.btf'), { base: be }))).toBe(SPLIT_RAW);
  });

  it('writes names as raw bytes, not UTF-8', () => {
    const bytes = Buffer.concat(dumpBytes(buildKindsBase()));
    expect(bytes.includes(Buffer.from([0x27, 0x63, 0x61, 0x66, 0xe9, 0x80, 0xff, 0x27]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xc3, 0xa9, 0x74, 0xc3, 0xa9]))).toBe(true);
    expect(bytes.length).toBe(BASE_RAW.length);
  });

  it('gives the same text through every entry point', () => {
    const btf = buildKindsBase();
    const parts: string[] = [];
    dumpRaw(btf, (s) => parts.push(s));
    expect(parts.join('')).toBe(BASE_RAW);
    expect(latin1(Buffer.concat(dumpBytes(btf, 4096)))).toBe(BASE_RAW);
  });

  it('prints an empty split BTF as nothing', () => {
    const base = buildKindsBase();
    expect(dumpRawString(new Btf({ base }))).toBe('');
    expect(dumpBytes(new Btf({ base }))).toEqual([]);
  });
});

describe('dumpRaw outside what bpftool loads (mirrors its printing code)', () => {
  it('prints (invalid) for a name offset past the strings and no annotation for a DATASEC entry past the last id', () => {
    const b = new Btf();
    b.add(BTF_KIND_INT, 999, 0, false, 4, [makeIntWord(0, 0, 32)]);
    addType(b, { kind: 'DATASEC', name: '.x', size: 8, vars: [{ type: 1, offset: 0, size: 4 }, { type: 7, offset: 4, size: 4 }] });
    expect(dumpRawString(b)).toBe([
      "[1] INT '(invalid)' size=4 bits_offset=0 nr_bits=32 encoding=(none)",
      "[2] DATASEC '.x' size=8 vlen=2",
      "\ttype_id=1 offset=0 size=4 (INT '(invalid)')",
      '\ttype_id=7 offset=4 size=4',
      '',
    ].join('\n'));
  });

  it('prints kinds it does not know as UNKNOWN with nothing after the name', () => {
    // Kind 0 and kind 20 records of 3 words each, as a layout section would describe them.
    const words = Uint32Array.from([0, 0, 0, 1, (20 << 24) >>> 0, 5]);
    const strs = Uint8Array.from([0, 0x6b, 0]);
    const b = new Btf({ words, wordLen: 6, offs: Uint32Array.from([0, 3, 6]), count: 2, strs, strLen: 3 });
    expect(dumpRawString(b)).toBe("[1] UNKNOWN '(anon)'\n[2] UNKNOWN 'k'\n");
  });
});

describe('dumpRaw buffer handling', () => {
  it('handles a name longer than the output chunk', () => {
    const b = new Btf();
    const long = 'n'.repeat(300_000);
    addType(b, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    addType(b, { kind: 'STRUCT', name: long, size: 4, bitfields: false, members: [{ name: long, type: 1, bitOffset: 0, bitfieldSize: 0 }] });
    addType(b, { kind: 'VAR', name: long, type: 2, linkage: 1 });
    addType(b, { kind: 'DATASEC', name: '.d', size: 4, vars: [{ type: 3, offset: 0, size: 4 }] });
    const want = [
      "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED",
      `[2] STRUCT '${long}' size=4 vlen=1`,
      `\t'${long}' type_id=1 bits_offset=0`,
      `[3] VAR '${long}' type_id=2, linkage=global`,
      "[4] DATASEC '.d' size=4 vlen=1",
      `\ttype_id=3 offset=0 size=4 (VAR '${long}')`,
      '',
    ].join('\n');
    expect(dumpRawString(b)).toBe(want);
    expect(latin1(Buffer.concat(dumpBytes(b, 4096)))).toBe(want);
  });

  it('handles a type whose lines together exceed the buffer', () => {
    const b = new Btf();
    addType(b, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    const n = 65535;
    const members = Array.from({ length: n }, (_, i) => ({ name: `member_${i}`, type: 1, bitOffset: i * 32, bitfieldSize: 0 }));
    addType(b, { kind: 'STRUCT', name: 'wide', size: n * 4, bitfields: false, members });
    const want = [
      "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED",
      `[2] STRUCT 'wide' size=${n * 4} vlen=${n}`,
      ...members.map((m) => `\t'${m.name}' type_id=1 bits_offset=${m.bitOffset}`),
      '',
    ].join('\n');
    expect(dumpRawString(b)).toBe(want);
    const chunks = dumpBytes(b, 4096);
    expect(latin1(Buffer.concat(chunks))).toBe(want);
  });

  it('cuts output into chunks of about the requested size', () => {
    const b = new Btf();
    addType(b, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
    for (let i = 0; i < 5000; i++) addType(b, { kind: 'PTR', name: '', type: i + 1 });
    const chunks = dumpBytes(b, 4096);
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(4096);
      expect(c.length).toBeLessThan(4096 + 200);
      expect(c[c.length - 1]).toBe(10);
    }
    expect(latin1(Buffer.concat(chunks))).toBe(dumpRawString(b));
  });

  it('can be started again from inside a sink', () => {
    const outer = buildKindsBase();
    const inner = buildKindsSplit(outer);
    const parts: string[] = [];
    dumpRaw(outer, (s) => {
      parts.push(s);
      expect(dumpRawString(inner)).toBe(SPLIT_RAW);
    });
    expect(parts.join('')).toBe(BASE_RAW);
  });
});

describe.skipIf(!has('btf/vmlinux-6.12.btf.gz', 'btf/vmlinux-6.12.raw.sha256'))('dumpRaw on real BTF (bpftool 7.5 digests and dumps in testdata)', () => {
  const vmlinux = () => parseBtf(file('btf/vmlinux-6.12.btf.gz'));

  it('matches bpftool on the 6.12 vmlinux BTF', () => {
    const btf = vmlinux();
    expect(btf.count).toBe(112768);
    expect(sha256(dumpBytes(btf))).toBe(latin1(file('btf/vmlinux-6.12.raw.sha256')).trim());
  });

  it.skipIf(!has('btf/host.btf.gz', 'btf/host.raw.sha256'))('matches bpftool on a newer host BTF', () => {
    expect(sha256(dumpBytes(parseBtf(file('btf/host.btf.gz'))))).toBe(latin1(file('btf/host.raw.sha256')).trim());
  });

  const modules = ['dummy', 'tcp_bbr', 'tcp_dctcp', 'veth', 'loop', 'nf_conntrack'].filter((m) => has(`modules/${m}.ko`, `modules/${m}.raw.gz`));
  it.skipIf(modules.length === 0)('matches bpftool -B vmlinux on shipped modules', () => {
    const base = vmlinux();
    for (const m of modules) {
      const btf = parseBtf(btfSection(`modules/${m}.ko`), { base, file: `${m}.ko`, section: '.BTF' });
      expect(btf.startId).toBe(112769);
      expect(dumpRawString(btf), m).toBe(latin1(file(`modules/${m}.raw.gz`)));
    }
  });

  it.skipIf(!has('btf/s390x-gbtf.o', 'dump/s390x-gbtf.raw.txt'))('matches bpftool on big-endian BTF from GCC', () => {
    const btf = parseBtf(btfSection('btf/s390x-gbtf.o'), { section: '.BTF' });
    expect(btf.le).toBe(false);
    expect(dumpRawString(btf)).toBe(latin1(file('dump/s390x-gbtf.raw.txt')));
  });
});

// dumpC against `bpftool btf dump ... format c` (7.5) text committed in testdata/dump-c, and against gcc.

import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Btf, addType, inflate, parseBtf, serializeBtf } from '../../src/btf/index.js';
import type { BtfMember, BtfType } from '../../src/btf/index.js';
import { dumpC, dumpCBytes } from '../../src/btf/dump/c.js';
import { BtfError } from '../../src/common/errors.js';
import { parseElf } from '../../src/elf/file.js';

const TESTDATA = join(import.meta.dirname, '..', '..', 'testdata');
const DIR = join(TESTDATA, 'dump-c');
/**
 * Set to rewrite testdata/dump-c/*.btf from the builders below; then `scripts/check-dump-c.sh
 * --fixtures` remakes the expected .h files with bpftool (these tests never run bpftool).
 */
const WRITE = process.env.DUMP_C_WRITE_BTF === '1';

function file(rel: string): Uint8Array {
  const raw = readFileSync(join(TESTDATA, rel));
  return rel.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

function text(rel: string): string {
  return readFileSync(join(TESTDATA, rel), 'latin1');
}

/** A small builder over addType: each helper returns the new id. */
class B {
  readonly btf: Btf;
  constructor(base?: Btf) {
    this.btf = new Btf(base ? { base } : {});
  }
  add(t: BtfType): number {
    return addType(this.btf, t);
  }
  int(name: string, size: number, encoding = 0, bits = size * 8): number {
    return this.add({ kind: 'INT', name, size, encoding, offset: 0, bits });
  }
  ref(kind: 'PTR' | 'CONST' | 'VOLATILE' | 'RESTRICT', type: number): number {
    return this.add({ kind, name: '', type });
  }
  ptr(type: number): number {
    return this.ref('PTR', type);
  }
  typedef(name: string, type: number): number {
    return this.add({ kind: 'TYPEDEF', name, type });
  }
  array(type: number, nelems: number, indexType: number): number {
    return this.add({ kind: 'ARRAY', type, indexType, nelems });
  }
  /** Members as [name, type, bit offset, bitfield size?]. */
  struct(name: string, size: number, members: Array<[string, number, number, number?]>, kind: 'STRUCT' | 'UNION' = 'STRUCT'): number {
    const ms: BtfMember[] = members.map(([n, type, bitOffset, bitfieldSize]) => ({ name: n, type, bitOffset, bitfieldSize: bitfieldSize ?? 0 }));
    return this.add({ kind, name, size, bitfields: ms.some((m) => m.bitfieldSize !== 0), members: ms });
  }
  union(name: string, size: number, members: Array<[string, number, number, number?]>): number {
    return this.struct(name, size, members, 'UNION');
  }
  enumT(name: string, size: number, values: Array<[string, bigint]>, signed = false, kind: 'ENUM' | 'ENUM64' = 'ENUM'): number {
    return this.add({ kind, name, size, signed, values: values.map(([n, value]) => ({ name: n, value })) });
  }
  proto(ret: number, params: Array<[string, number]>): number {
    return this.add({ kind: 'FUNC_PROTO', returnType: ret, params: params.map(([name, type]) => ({ name, type })) });
  }
  func(name: string, proto: number, linkage = 1): number {
    return this.add({ kind: 'FUNC', name, type: proto, linkage });
  }
}

const SIGNED = 1;
const CHAR = 2;
const BOOL = 4;

/** Types most fixtures start with: int, unsigned int, char, long unsigned int, long int. */
function basics(b: B): { int: number; uint: number; char: number; ulong: number; long: number } {
  return {
    int: b.int('int', 4, SIGNED),
    uint: b.int('unsigned int', 4),
    char: b.int('char', 1, SIGNED | CHAR),
    ulong: b.int('long unsigned int', 8),
    long: b.int('long int', 8, SIGNED),
  };
}

/** Forward declarations for pointer cycles, self references, typedef/struct cycles. */
function cycles(): Btf {
  const b = new B();
  const { int, ulong } = basics(b);
  // struct A { struct B *b; struct C c; int x; }; struct B { struct A *a; int x; };
  // struct C { struct A *back; long unsigned int n; };  (ids reserved in order A, B, C)
  const a = b.btf.typeCount;
  const pA = a + 3;
  const pB = a + 4;
  b.struct('A', 32, [['b', pB, 0], ['c', a + 2, 64], ['x', int, 192]]);
  b.struct('B', 16, [['a', pA, 0], ['x', int, 64]]);
  b.struct('C', 16, [['back', pA, 0], ['n', ulong, 64]]);
  b.ptr(a);
  b.ptr(a + 1);
  // struct list_head { struct list_head *next, *prev; };
  const lh = b.btf.typeCount;
  b.struct('list_head', 16, [['next', lh + 1, 0], ['prev', lh + 1, 64]]);
  b.ptr(lh);
  // struct node { struct list_head l; node_t *child; struct ops *ops; }; typedef struct node node_t;
  const node = b.btf.typeCount;
  b.struct('node', 32, [['l', lh, 0], ['child', node + 2, 128], ['ops', node + 4, 192]]);
  b.typedef('node_t', node);
  b.ptr(node + 1);
  // struct ops { int (*cb)(struct ops *, node_t); struct ops *next; };
  const ops = b.btf.typeCount;
  b.struct('ops', 16, [['cb', ops + 3, 0], ['next', ops + 1, 64]]);
  b.ptr(ops);
  b.proto(int, [['o', ops + 1], ['n', node + 1]]);
  b.ptr(ops + 2);
  // typedef struct A a_t; a_t *pointer typedef
  const at = b.typedef('a_t', a);
  b.typedef('a_ptr_t', b.ptr(at));
  return b.btf;
}

/** Anonymous types: typedef'd anonymous struct, nested struct/union/enum members, top-level anon enums. */
function anon(): Btf {
  const b = new B();
  const { int, uint, char, ulong } = basics(b);
  // typedef struct { int a; char b; } pair_t;
  const s1 = b.struct('', 8, [['a', int, 0], ['b', char, 32]]);
  const pairT = b.typedef('pair_t', s1);
  // enum { RED, GREEN } as a member; an anonymous union holding an anonymous struct
  const colors = b.enumT('', 4, [['RED', 0n], ['GREEN', 1n]]);
  const inner = b.struct('', 8, [['lo', uint, 0], ['hi', uint, 32]]);
  const un = b.union('', 8, [['raw', ulong, 0], ['', inner, 0]]);
  const idx = b.int('int', 4, SIGNED); // a duplicate "int" used as the array index type
  const arrOfAnon = b.array(b.struct('', 4, [['v', int, 0]]), 2, idx);
  const ptrAnon = b.ptr(b.struct('', 16, [['p', pairT, 0], ['q', int, 64]]));
  b.struct('holder', 48, [
    ['color', colors, 0],
    ['', un, 64],
    ['pairs', arrOfAnon, 128],
    ['dyn', ptrAnon, 192],
    ['pair', pairT, 256],
    ['flags', b.typedef('flags_t', b.enumT('', 1, [['F_A', 1n], ['F_B', 2n]])), 320],
  ]);
  // top-level anonymous enums (constants): bpftool drops the first one in its sorted order
  b.enumT('', 4, [['ZZZ_LAST', 9n]]);
  b.enumT('', 4, [['AAA_FIRST', 1n], ['AAA_SECOND', 2n]]);
  b.enumT('', 4, [['MMM_MIDDLE', 5n]]);
  return b.btf;
}

/** Duplicate struct/typedef/enumerator names get ___N suffixes; empty enums stay plain. */
function names(): Btf {
  const b = new B();
  const { int, char } = basics(b);
  b.struct('dup', 4, [['x', int, 0]]);
  b.struct('dup', 1, [['c', char, 0]]);
  const d3 = b.struct('dup', 8, [['x', int, 0], ['y', int, 32]]);
  b.typedef('dup_t', int);
  b.typedef('dup_t', char);
  b.enumT('state', 4, [['ST_ON', 1n], ['ST_OFF', 0n]]);
  b.enumT('state2', 4, [['ST_ON', 5n], ['OTHER', 6n]]);
  b.enumT('opaque', 4, []); // a forward-declared enum
  b.add({ kind: 'FWD', name: 'fwd_s', union: false });
  b.add({ kind: 'FWD', name: 'fwd_u', union: true });
  b.struct('user', 8, [['d', b.ptr(d3), 0]]);
  return b.btf;
}

/** Bitfields, packed structs, explicit padding, empty structs, enum sizes and 64-bit values. */
function layout(): Btf {
  const b = new B();
  const { int, uint, char, ulong, long } = basics(b);
  const ushort = b.int('short unsigned int', 2);
  const u8 = b.int('unsigned char', 1);
  // struct bits { unsigned int a: 3; unsigned int b: 5; int c: 10; unsigned char d; long unsigned int e: 40; int f: 2; };
  b.struct('bits', 16, [['a', uint, 0, 3], ['b', uint, 3, 5], ['c', int, 8, 10], ['d', u8, 24], ['e', ulong, 64, 40], ['f', int, 104, 2]]);
  // bitfields with gaps between them and a gap before a plain member
  b.struct('gaps', 16, [['a', uint, 0, 4], ['b', uint, 12, 4], ['c', ulong, 64]]);
  // packed: an int at byte 1
  b.struct('packed_s', 5, [['c', char, 0], ['i', int, 8]]);
  // packed by size only (size not a multiple of the alignment)
  b.struct('packed_tail', 9, [['l', ulong, 0], ['c', char, 64]]);
  // holes that need explicit padding: a long after a char at offset 16, trailing padding
  b.struct('padded', 64, [['c', char, 0], ['l', long, 128], ['s', ushort, 192]]);
  // a struct aligned to 64 bytes (as with ____cacheline_aligned): member at 64, size 128
  const cl = b.struct('cacheline', 128, [['a', int, 0], ['b', int, 512]]);
  b.struct('uses_cacheline', 192, [['x', char, 0], ['line', cl, 512]]);
  // union with padding and an empty struct
  b.union('u_pad', 16, [['i', int, 0], ['c', char, 0]]);
  b.struct('empty', 0, []);
  b.struct('sized_empty', 8, []);
  // a bitfield right after a bitfield that needs an aligning marker
  b.struct('realign', 8, [['a', uint, 0, 1], ['b', uint, 32, 1]]);
  // enums: 1 byte, 8 bytes with 32-bit values, signed negative, unsigned big, 64-bit
  b.enumT('small', 1, [['S0', 0n], ['S1', 1n]]);
  b.enumT('wide32', 8, [['W0', 0n], ['W1', 1n]]);
  b.enumT('neg', 4, [['NEG', -5n], ['POS', 5n]], true);
  b.enumT('big_u', 4, [['BIG', 0xfffffff0n]]);
  b.enumT('e64', 8, [['E_LOW', 1n], ['E_HIGH', 0x123456789abcdef0n]], false, 'ENUM64');
  b.enumT('e64s', 8, [['E_MIN', -0x8000000000000000n], ['E_ONE', 1n]], true, 'ENUM64');
  b.enumT('e64_small_values', 8, [['E_S', 7n]], false, 'ENUM64');
  return b.btf;
}

/** Declarator syntax: function pointers, arrays of pointers, qualifiers, type tags, skipped kinds. */
function decls(): Btf {
  const b = new B();
  const { int, char, ulong } = basics(b);
  const idx = b.int('__ARRAY_SIZE_TYPE__', 4);
  const bool = b.int('_Bool', 1, BOOL);
  const i128 = b.int('__int128', 16, SIGNED);
  const u128 = b.int('__int128 unsigned', 16);
  const dbl = b.add({ kind: 'FLOAT', name: 'double', size: 8 });
  const ld = b.add({ kind: 'FLOAT', name: 'long double', size: 16 });
  const cchar = b.ref('CONST', char);
  const pcchar = b.ptr(cchar);
  const pchar = b.ptr(char);
  const cpchar = b.ref('CONST', pchar);
  const vint = b.ref('VOLATILE', int);
  const cvint = b.ref('CONST', vint);
  const rpchar = b.ref('RESTRICT', pchar);
  const voidp = b.ptr(0);
  const cvoidp = b.ptr(b.ref('CONST', 0));
  // int (*fn)(int, char *)
  const fn = b.ptr(b.proto(int, [['a', int], ['s', pchar]]));
  // void (*handlers[4])(void)
  const vproto = b.proto(0, []);
  const handlers = b.array(b.ptr(vproto), 4, idx);
  // int (*(*getter)(void))(int)
  const inner = b.ptr(b.proto(int, [['', int]]));
  const getter = b.ptr(b.proto(inner, [['', 0]]));
  // char *names[8]; int (*pa)[10]; int m[3][4]; const int carr[2]
  const names = b.array(pchar, 8, idx);
  const pa = b.ptr(b.array(int, 10, idx));
  const m = b.array(b.array(int, 4, idx), 3, idx);
  const carr = b.array(b.ref('CONST', int), 2, idx);
  const flex = b.array(char, 0, idx);
  // int (*printf_fn)(const char *, ...)
  const vararg = b.ptr(b.proto(int, [['fmt', pcchar], ['', 0]]));
  // typedef int fn_t(int); fn_t *fp;  typedef void (*cb_t)(void *, ulong)
  const fnT = b.typedef('fn_t', b.proto(int, [['x', int]]));
  const cbT = b.typedef('cb_t', b.ptr(b.proto(0, [['ctx', voidp], ['n', ulong]])));
  // pointer to const pointer to char, const pointer to volatile int
  const ppc = b.ptr(cpchar);
  const cpv = b.ref('CONST', b.ptr(vint));
  // int __attribute__((btf_type_tag("user"))) *up;
  const up = b.ptr(b.add({ kind: 'TYPE_TAG', name: 'user', type: int, attr: false }));
  b.struct('decls', 240, [
    ['fn', fn, 0], ['handlers', handlers, 64], ['getter', getter, 320], ['names', names, 384],
    ['pa', pa, 896], ['m', m, 960], ['carr', carr, 1344], ['printf_fn', vararg, 1408],
    ['fp', b.ptr(fnT), 1472], ['cb', cbT, 1536], ['ppc', ppc, 1600], ['cpv', cpv, 1664],
    ['up', up, 1728], ['cvi', cvint, 1792], ['rp', rpchar, 1856], ['cp', cvoidp, 1920],
    ['ok', bool, 1984], ['d', dbl, 2048], ['flex', flex, 2112],
  ]);
  b.struct('wide', 48, [['s', i128, 0], ['u', u128, 128], ['ld', ld, 256]]);
  // FUNC, VAR and DATASEC produce nothing
  const f = b.func('some_function', b.proto(int, [['x', int]]));
  const v = b.add({ kind: 'VAR', name: 'some_var', type: int, linkage: 1 });
  b.add({ kind: 'DATASEC', name: '.data', size: 4, vars: [{ type: v, offset: 0, size: 4 }] });
  b.add({ kind: 'DECL_TAG', name: 'some_tag', type: f, componentIdx: -1, attr: false });
  return b.btf;
}

/** Compiler builtins: __builtin_va_list is never defined, __gnuc_va_list over void is fixed up. */
function builtins(): Btf {
  const b = new B();
  const { int, char } = basics(b);
  const va = b.typedef('__builtin_va_list', b.ptr(char));
  b.typedef('va_list', va);
  b.typedef('__gnuc_va_list', 0);
  b.struct('uses_va', 16, [['ap', va, 0], ['n', int, 64]]);
  b.int('__Poly8_t', 1);
  return b.btf;
}

/** Base half of the split fixture. */
function splitBase(): Btf {
  const b = new B();
  const { int } = basics(b);
  const task = b.btf.typeCount;
  b.struct('task', 16, [['pid', int, 0], ['parent', task + 1, 64]]);
  b.ptr(task);
  b.struct('unused_in_module', 4, [['x', int, 0]]);
  b.typedef('pid_t', int);
  return b.btf;
}

/** Split half: refers to base types and duplicates a base struct name. */
function split(base: Btf): Btf {
  const b = new B(base);
  const int = 1;
  const task = 6;
  const pidT = 9;
  const pTask = b.ptr(task);
  const md = b.btf.typeCount;
  b.struct('mod_data', 24, [['t', pTask, 0], ['pid', pidT, 64], ['cnt', int, 96], ['self', md + 1, 128]]);
  b.ptr(md);
  b.struct('task', 4, [['local', int, 0]]);
  return b.btf;
}

/** A kfunc (FUNC with a "bpf_kfunc" decl tag) and tags that do not count. */
function kfuncs(): Btf {
  const b = new B();
  const { int, ulong } = basics(b);
  const ctx = b.struct('kf_ctx', 8, [['v', ulong, 0]]);
  const p = b.proto(int, [['ctx', b.ptr(ctx)], ['flags', ulong]]);
  const f1 = b.func('bpf_kf_one', p);
  const f2 = b.func('bpf_kf_two', b.proto(b.ptr(ctx), [['', 0]]));
  const f3 = b.func('not_a_kfunc', p);
  b.add({ kind: 'DECL_TAG', name: 'bpf_kfunc', type: f2, componentIdx: -1, attr: false });
  b.add({ kind: 'DECL_TAG', name: 'bpf_kfunc', type: f1, componentIdx: -1, attr: false });
  b.add({ kind: 'DECL_TAG', name: 'bpf_kfunc', type: f3, componentIdx: 0, attr: false });
  b.add({ kind: 'DECL_TAG', name: 'bpf_kfunc_x', type: f3, componentIdx: -1, attr: false });
  b.add({ kind: 'DECL_TAG', name: 'bpf_kfunc', type: ctx, componentIdx: -1, attr: false });
  return b.btf;
}

interface Fixture {
  name: string;
  btf: Btf;
  base?: Btf;
}

function fixtures(): Fixture[] {
  const base = splitBase();
  return [
    { name: 'cycles', btf: cycles() },
    { name: 'anon', btf: anon() },
    { name: 'names', btf: names() },
    { name: 'layout', btf: layout() },
    { name: 'decls', btf: decls() },
    { name: 'builtins', btf: builtins() },
    { name: 'kfuncs', btf: kfuncs() },
    { name: 'split', btf: split(base), base },
  ];
}

/** The fixture as parsed from testdata/dump-c (split over its committed base, if any). */
function committedBtf(f: Fixture): Btf {
  const base = f.base ? parseBtf(file(`dump-c/${f.name}.base.btf`)) : null;
  return parseBtf(file(`dump-c/${f.name}.btf`), { base });
}

function gccAvailable(): boolean {
  return spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
}

describe('dumpC on hand-built BTF (expected text from bpftool 7.5)', () => {
  for (const f of fixtures()) {
    describe(f.name, () => {
      it('holds the same types as the committed raw BTF the expectations were made from', () => {
        if (WRITE) {
          writeFileSync(join(DIR, `${f.name}.btf`), serializeBtf(f.btf));
          if (f.base) writeFileSync(join(DIR, `${f.name}.base.btf`), serializeBtf(f.base));
        }
        const committed = committedBtf(f);
        expect(committed.typeCount).toBe(f.btf.typeCount);
        for (let id = 1; id < f.btf.typeCount; id++) expect(inflate(committed, id)).toEqual(inflate(f.btf, id));
      });

      it('sorted, as `format c`', () => {
        expect(dumpC(f.btf)).toBe(text(`dump-c/${f.name}.h`));
      });

      it('unsorted, as `format c unsorted`', () => {
        expect(dumpC(f.btf, { sorted: false })).toBe(text(`dump-c/${f.name}.unsorted.h`));
      });

      it('gives the same text from the committed raw BTF', () => {
        expect(dumpC(committedBtf(f))).toBe(text(`dump-c/${f.name}.h`));
      });
    });
  }
});

describe('dumpC details', () => {
  it('emits the vmlinux.h prologue and epilogue around an empty BTF', () => {
    const out = dumpC(new Btf());
    expect(out.startsWith('#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n'
      + '#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n\n')).toBe(true);
    expect(out.endsWith('\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n#endif\n\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n'
      + '#pragma clang attribute pop\n#endif\n\n#endif /* __VMLINUX_H__ */\n')).toBe(true);
  });

  it('dumpCBytes is dumpC as latin1 bytes', () => {
    const btf = decls();
    expect(Buffer.from(dumpCBytes(btf)).toString('latin1')).toBe(dumpC(btf));
  });

  it('rootIds dumps only what the roots need, without the kfunc section', () => {
    const btf = cycles();
    let listHead = 0;
    for (let id = 1; id < btf.typeCount; id++) if (btf.name(id) === 'list_head') listHead = id;
    const out = dumpC(btf, { rootIds: [listHead] });
    expect(out).toContain('struct list_head {\n\tstruct list_head *next;\n\tstruct list_head *prev;\n};\n\n');
    expect(out).not.toContain('struct node');
    expect(out).not.toContain('BPF kfuncs');
    expect(() => dumpC(btf, { rootIds: [btf.typeCount] })).toThrow(BtfError);
  });

  it('rejects a reference to a type id that does not exist', () => {
    const b = new B();
    const int = b.int('int', 4, SIGNED);
    b.struct('s', 8, [['x', int, 0], ['p', 99, 32]]);
    expect(() => dumpC(b.btf)).toThrow(/type id 99/);
  });

  it('rejects a struct that embeds itself (no C can express it)', () => {
    const b = new B();
    const int = b.int('int', 4, SIGNED);
    const id = b.btf.typeCount;
    b.struct('loop', 8, [['x', int, 0], ['self', id, 32]]);
    expect(() => dumpC(b.btf)).toThrow(/unsatisfiable type cycle/);
  });
});

describe('dumpC compiles', () => {
  const haveGcc = gccAvailable();
  it.skipIf(!haveGcc)(`every fixture's dump passes gcc -fsyntax-only${haveGcc ? '' : ' (skipped: gcc not found on PATH)'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'dump-c-'));
    try {
      for (const f of fixtures()) {
        for (const sorted of [true, false]) {
          const path = join(dir, `${f.name}${sorted ? '' : '.unsorted'}.h`);
          writeFileSync(path, dumpCBytes(f.btf, { sorted }));
          // warnings are bpftool's too (btf_type_tag is clang-only; INT64_MIN as a literal)
          const r = spawnSync('gcc', ['-fsyntax-only', '-Wno-attributes', '-x', 'c', path], { encoding: 'utf8' });
          expect(r.stderr, `${f.name}${sorted ? '' : ' (unsorted)'}`).not.toMatch(/error/);
          expect(r.status).toBe(0);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dumpC on the committed kernel BTF (sha256 of bpftool 7.5 output)', () => {
  const sums = new Map<string, string>();
  for (const line of text('dump-c/corpus.sha256').split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (m) sums.set(m[2], m[1]);
  }
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const vmlinuxRel = 'btf/vmlinux-6.12.btf.gz';
  const haveVmlinux = existsSync(join(TESTDATA, vmlinuxRel));
  let vmlinux: Btf | null = null;
  const getVmlinux = () => (vmlinux ??= parseBtf(file(vmlinuxRel)));

  for (const rel of ['btf/vmlinux-6.12.btf.gz', 'btf/host.btf.gz']) {
    it.skipIf(!existsSync(join(TESTDATA, rel)))(rel, () => {
      const btf = rel === vmlinuxRel ? getVmlinux() : parseBtf(file(rel));
      expect(sha(dumpCBytes(btf))).toBe(sums.get(rel));
    });
  }

  for (const [rel, sum] of sums) {
    if (!rel.startsWith('modules/')) continue;
    it.skipIf(!haveVmlinux || !existsSync(join(TESTDATA, rel)))(`${rel} over vmlinux-6.12`, () => {
      const elf = parseElf(file(rel), rel);
      const sec = elf.sectionByName('.BTF');
      expect(sec).toBeTruthy();
      const btf = parseBtf(elf.sectionData(sec!), { base: getVmlinux(), file: rel });
      expect(sha(dumpCBytes(btf))).toBe(sum);
    });
  }
});

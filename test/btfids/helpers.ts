// Shared pieces of the .BTF_ids tests: the fixture objects, the BTF they resolve against, and the bytes expected.

import { Btf } from '../../src/btf/index.js';
import { parseElf, type ElfFile } from '../../src/elf/index.js';
import { buildBtf, type TypeSpec } from '../helpers/btf-build.js';
import { fixture } from '../helpers/testdata.js';

/** The objects built from testdata/btfids/src/btfids.c, with their byte order and class. */
export const LAYOUT_FIXTURES = [
  { file: 'x86_64.o', le: true, is64: true },
  { file: 's390x.o', le: false, is64: true },
  { file: 's390-31.o', le: false, is64: false },
  { file: 'x86_64.exec', le: true, is64: true },
  { file: 's390x.exec', le: false, is64: true },
] as const;

/** A fresh copy of a testdata/btfids file, parsed. */
export function loadFixture(name: string): ElfFile {
  const bytes = fixture(`btfids/${name}`).slice();
  return parseElf(bytes, name);
}

/**
 * The types the fixture names resolve against, with the ids the expectations use:
 * 1 int, 2 proto, 3-4 FUNC dup_fn twice, 5 STRUCT foo, 6 UNION bar, 7 TYPEDEF baz_t, 8-10 FUNC
 * f_a f_b f_c, 11 FUNC do_thing, 12-14 FUNC k_one k_two k_three, 15 STRUCT bar (wrong kind for
 * `union bar`), 16 FUNC foo (wrong kind for `struct foo`), 17 STRUCT foo again (a duplicate).
 * `struct missing` and `func no_such_fn` are absent.
 */
export const FIXTURE_TYPES: readonly TypeSpec[] = [
  ['INT', 'int', 4, 1],
  ['FUNC_PROTO', 1, []],
  ['FUNC', 'dup_fn', 2],
  ['FUNC', 'dup_fn', 2],
  ['STRUCT', 'foo', 4, [['x', 1, 0]]],
  ['UNION', 'bar', 4, [['y', 1, 0]]],
  ['TYPEDEF', 'baz_t', 1],
  ['FUNC', 'f_a', 2],
  ['FUNC', 'f_b', 2],
  ['FUNC', 'f_c', 2],
  ['FUNC', 'do_thing', 2],
  ['FUNC', 'k_one', 2],
  ['FUNC', 'k_two', 2],
  ['FUNC', 'k_three', 2],
  ['STRUCT', 'bar', 4, [['z', 1, 0]]],
  ['FUNC', 'foo', 2],
  ['STRUCT', 'foo', 8, [['x', 1, 0]]],
];

/** FIXTURE_TYPES as one base BTF. */
export function fixtureBtf(): Btf {
  return buildBtf(FIXTURE_TYPES);
}

/** FIXTURE_TYPES split after `baseCount` types: the split BTF over its own base (same ids). */
export function fixtureSplitBtf(baseCount = 8): Btf {
  const base = buildBtf(FIXTURE_TYPES.slice(0, baseCount));
  return buildBtf(FIXTURE_TYPES.slice(baseCount), { base });
}

/** Warnings resolving the fixtures against FIXTURE_TYPES gives, in resolve_btfids' order. */
export const FIXTURE_WARNINGS = [
  "multiple IDs found for 'dup_fn': 3, 4 - using 3",
  "multiple IDs found for 'foo': 5, 17 - using 5",
  'unresolved symbol missing',
  'unresolved symbol no_such_fn',
];

/** The resolved section as 32-bit words (what resolve_btfids writes), by offset. */
export const EXPECTED_WORDS: readonly number[] = [
  5, 6, 7, 11, // list_a: foo, bar, baz_t, do_thing
  0, 5, 0, 3, 0, // unused, foo, missing, dup_fn, no_such_fn
  4, 0, 8, 9, 10, // set_a: cnt, ids sorted (the unused 0 first)
  3, 0x80000000, 5, 0x11, 8, 0x0a0b0c0d, 10, 0x01020304, // set8_plain: cnt, flags, pairs by id
  3, 1, 12, 0x1000, 13, 0x3, 14, 0, // kfunc_set
  7, // list_single: baz_t
];

/** The section as compiled: zero slots, flags words in their compiled places. */
export const COMPILED_WORDS: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0,
  0, 0x80000000, 0, 0x01020304, 0, 0x11, 0, 0x0a0b0c0d,
  0, 1, 0, 0x3, 0, 0x1000, 0, 0,
  0,
];

/** Words to bytes in one byte order. */
export function wordsToBytes(words: readonly number[], le: boolean): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, le));
  return out;
}

/** Bytes to 32-bit words in one byte order. */
export function bytesToWords(b: Uint8Array, le: boolean): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) out.push(dv.getUint32(i, le));
  return out;
}

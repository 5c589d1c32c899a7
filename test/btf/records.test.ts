// A base parsed from BTF bytes keeps its records where dedup over it uses them without a copy:
// dedup takes that array once, and neither the base's records nor the results change for it.

import { describe, expect, it } from 'vitest';
import { Btf, BTF_KIND_PTR, parseBtf, serializeBtf } from '../../src/btf/index.js';
import { dedupBtf } from '../../src/btf/dedup/index.js';
import { recordsWithRoom, takeRoomAround, VOID_WORDS } from '../../src/btf/model/records.js';
import { buildBtf, INT_SIGNED } from '../helpers/btf-build.js';

/** A base of a few types, as bytes. */
function baseBytes(): Uint8Array {
  return serializeBtf(buildBtf([
    ['INT', 'int', 4, INT_SIGNED], // [1]
    ['PTR', 1], // [2]
    ['STRUCT', 's1', 8, [['f1', 1, 0], ['f2', 2, 32]]], // [3]
    // Enough records that the split ones below fit in the room after them.
    ['STRUCT', 'big', 40, [['a', 1, 0], ['b', 1, 32], ['c', 1, 64], ['d', 1, 96], ['e', 1, 128], ['f', 1, 160], ['g', 1, 192], ['h', 1, 224]]], // [4]
  ]));
}

/** The same base with its records copied to a plain array: dedup must copy them itself. */
function copiedBase(bytes: Uint8Array): Btf {
  const p = parseBtf(bytes);
  return new Btf({ le: p.le, hdrLen: p.hdrLen, words: p.words.slice(), wordLen: p.wordLen, offs: p.offs.slice(), count: p.count, strs: p.strs.slice(), strLen: p.strLen });
}

/**
 * A split BTF over `base` duplicating its struct and adding one of its own, deduplicated (the ids
 * in the comments are those over the base of baseBytes).
 */
function dedupOver(base: Btf): Btf {
  const split = buildBtf([
    ['INT', 'int', 4, INT_SIGNED], // [5] = [1]
    ['PTR', 5], // [6] = [2]
    ['STRUCT', 's1', 8, [['f1', 5, 0], ['f2', 6, 32]]], // [7] = [3]
    ['STRUCT', 's2', 4, [['g', 5, 0]]], // [8]
    ['PTR', 8], // [9]
  ], { base });
  return dedupBtf(split);
}

describe('records with room for dedup', () => {
  it('a parsed base has its records after a zero void record, with as much room again', () => {
    const base = parseBtf(baseBytes());
    expect(base.words.byteOffset).toBe(VOID_WORDS * 4);
    expect(base.words.length).toBe(base.wordLen);
    expect(base.words.buffer.byteLength).toBe(8 * (VOID_WORDS + base.wordLen));
  });

  it('dedup over it gives what it gives over a copied base, run after run, and leaves its records alone', () => {
    const bytes = baseBytes();
    const expected = serializeBtf(dedupOver(copiedBase(bytes)));
    const base = parseBtf(bytes);
    const before = base.words.slice();
    // Each result stays as it was while later runs use the room.
    const results = [0, 1, 2].map(() => dedupOver(base));
    results.forEach((r, run) => expect(Buffer.compare(serializeBtf(r), expected), `run ${run}`).toBe(0));
    expect([...base.words]).toEqual([...before]);
    // The array is dedup's now: taken once only.
    expect(takeRoomAround(base.words, base.wordLen)).toBeNull();
    // The split types were written past the base's records, not into them.
    const all = new Uint32Array(base.words.buffer);
    expect(all.subarray(VOID_WORDS + base.wordLen).some((w) => w !== 0)).toBe(true);
  });

  it('is taken only as made: the exact records, a zero void record, once', () => {
    const w = recordsWithRoom(6);
    expect(takeRoomAround(w.subarray(0, 5), 5)).toBeNull();
    expect(takeRoomAround(w, 5)).toBeNull();
    expect(takeRoomAround(new Uint32Array(2 * (VOID_WORDS + 6)).subarray(VOID_WORDS, VOID_WORDS + 6), 6)).toBeNull();
    new Uint32Array(w.buffer)[1] = 7;
    expect(takeRoomAround(w, 6)).toBeNull();
    const v = recordsWithRoom(4);
    const all = takeRoomAround(v, 4);
    expect(all?.length).toBe(2 * (VOID_WORDS + 4));
    expect(all?.buffer).toBe(v.buffer);
    expect(takeRoomAround(v, 4)).toBeNull();
  });

  it('a base that grew is copied, its records as they are now', () => {
    const bytes = baseBytes();
    const base = parseBtf(bytes);
    base.add(BTF_KIND_PTR, 0, 0, false, 1); // [5], a PTR to int: the records move to a new array
    // The same split over both (its ids one later than over baseBytes' base).
    const copy = copiedBase(serializeBtf(base));
    expect(Buffer.compare(serializeBtf(dedupOver(base)), serializeBtf(dedupOver(copy)))).toBe(0);
  });
});

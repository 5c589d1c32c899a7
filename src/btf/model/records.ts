// Record arrays with room for a split BTF: where a base's records are read into, so that
// deduplication over that base uses them as they are.
//
// Dedup works on one array holding a zero record for void (id 0), every base record after it, and
// then the records of the split BTF it deduplicates. Built by copying, that array cost each run
// over a 6.12 vmlinux ~3.5 ms and 3 MB. A base read from BTF bytes instead gets its records in
// such an array from the start (its `words` a view of the records' part), and dedup takes the
// array over, once: the room after the records belongs to dedup from then on, never to the Btf,
// whose `words` ends where its records do (a type appended to it moves them to a new array).

/** Words before the records: the zero record of void. */
export const VOID_WORDS = 3;

/** Buffers made by recordsWithRoom and not taken yet. */
const unclaimed = new WeakSet<ArrayBufferLike>();

/**
 * `n` words for a base's records: a view starting at word VOID_WORDS of a zeroed array of twice
 * VOID_WORDS + n words (pages never written cost no memory). Where the address space for that is
 * refused (a machine without overcommit), just the `n` words: dedup then copies them.
 */
export function recordsWithRoom(n: number): Uint32Array {
  let all: Uint32Array;
  try {
    all = new Uint32Array(2 * (VOID_WORDS + n));
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return new Uint32Array(n);
  }
  unclaimed.add(all.buffer);
  return all.subarray(VOID_WORDS, VOID_WORDS + n);
}

/**
 * The whole array around `words` when recordsWithRoom made it, `words` still spans the records
 * exactly (`len` words) and nothing took the array before; null otherwise. The array is the
 * caller's from now on.
 */
export function takeRoomAround(words: Uint32Array, len: number): Uint32Array | null {
  const buf = words.buffer;
  if (!unclaimed.has(buf) || words.byteOffset !== VOID_WORDS * 4 || words.length !== len) return null;
  const all = new Uint32Array(buf);
  if (all.length !== 2 * (VOID_WORDS + len) || all[0] !== 0 || all[1] !== 0 || all[2] !== 0) return null;
  unclaimed.delete(buf);
  return all;
}

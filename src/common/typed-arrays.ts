// Growing typed arrays that serve as lists and tables on hot paths.

/** A new Int32Array of at least `n` elements (twice the old size or more) starting with `src`. */
export function grownInt32(src: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const a = new Int32Array(Math.max(n, src.length * 2));
  a.set(src);
  return a;
}

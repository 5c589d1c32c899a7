// Growing typed arrays that serve as lists and tables on hot paths.

/** A new Int32Array of at least `n` elements (twice the old size or more) starting with `src`. */
export function grownInt32(src: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const a = new Int32Array(Math.max(n, src.length * 2));
  a.set(src);
  return a;
}

/** A zero-filled byte array of `size`, in a SharedArrayBuffer when worker threads are to read it too. */
export function byteArray(size: number, shared: boolean): Uint8Array {
  return shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
}

/** `data` copied into a new SharedArrayBuffer (for worker threads to read without a copy each). */
export function sharedCopy(data: Uint8Array): Uint8Array {
  const c = byteArray(data.length, true);
  c.set(data);
  return c;
}

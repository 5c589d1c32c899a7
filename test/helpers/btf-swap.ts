// An independent byte swapper for raw BTF, used to make opposite-endian fixtures.

const EXTRA: Record<number, (vlen: number) => number> = {
  1: () => 1, 3: () => 3, 4: (v) => 3 * v, 5: (v) => 3 * v, 6: (v) => 2 * v, 13: (v) => 2 * v,
  14: () => 1, 15: (v) => 3 * v, 17: () => 1, 19: (v) => 3 * v,
};

/** Return a copy of little-endian raw BTF (24-byte header, no layout) in big-endian order. */
export function swapBtfToBigEndian(le: Uint8Array): Uint8Array {
  const out = new Uint8Array(le);
  const src = new DataView(le.buffer, le.byteOffset, le.byteLength);
  const dst = new DataView(out.buffer);
  const sw32 = (o: number) => dst.setUint32(o, src.getUint32(o, true), false);
  dst.setUint16(0, src.getUint16(0, true), false);
  const hdrLen = src.getUint32(4, true);
  for (let o = 4; o < hdrLen; o += 4) sw32(o);
  const typeOff = hdrLen + src.getUint32(8, true);
  const typeEnd = typeOff + src.getUint32(12, true);
  let p = typeOff;
  while (p < typeEnd) {
    const info = src.getUint32(p + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const n = 3 + (EXTRA[kind]?.(vlen) ?? 0);
    for (let i = 0; i < n; i++) sw32(p + i * 4);
    p += n * 4;
  }
  return out;
}

// A Btf back to raw bytes: header | types | layout | strings, in the object's byte order.

import type { Btf } from '../model/btf.js';
import { BTF_HDR_LEN_LAYOUT, BTF_HDR_LEN_V1, BTF_MAGIC, BTF_VERSION } from './kinds.js';

const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Serialize own types and strings (never the base's). Output for a parsed, unmodified object is
 * byte-identical to its input when that input had no gaps between sections.
 */
export function serializeBtf(btf: Btf, opts: { le?: boolean } = {}): Uint8Array {
  const le = opts.le ?? btf.le;
  const layoutLen = btf.layout ? btf.layout.length : 0;
  let hdrLen = btf.hdrLen;
  if (layoutLen > 0 && hdrLen < BTF_HDR_LEN_LAYOUT) hdrLen = BTF_HDR_LEN_LAYOUT;
  if (hdrLen < BTF_HDR_LEN_V1) hdrLen = BTF_HDR_LEN_V1;
  const typeLen = btf.wordLen * 4;
  const strLen = btf.strLen;
  const out = new Uint8Array(hdrLen + typeLen + layoutLen + strLen);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, BTF_MAGIC, le);
  out[2] = BTF_VERSION;
  out[3] = 0;
  dv.setUint32(4, hdrLen, le);
  dv.setUint32(8, 0, le);
  dv.setUint32(12, typeLen, le);
  dv.setUint32(16, typeLen + layoutLen, le);
  dv.setUint32(20, strLen, le);
  if (hdrLen >= BTF_HDR_LEN_LAYOUT) {
    dv.setUint32(24, layoutLen ? typeLen : 0, le);
    dv.setUint32(28, layoutLen, le);
  }
  writeWords(out, hdrLen, btf.words, btf.wordLen, le);
  let p = hdrLen + typeLen;
  if (btf.layout) {
    out.set(btf.layout, p);
    if (!le) for (let i = 0; i + 3 < layoutLen; i += 4) { const t = out[p + i + 2]; out[p + i + 2] = out[p + i + 3]; out[p + i + 3] = t; }
    p += layoutLen;
  }
  out.set(btf.strs.subarray(0, strLen), p);
  return out;
}

/**
 * `n` words of `w` into `out` at byte `at`, in the given byte order: a plain copy when that is the
 * host's. Its own function, so that serializeBtf is not compiled while inside this loop.
 */
function writeWords(out: Uint8Array, at: number, w: Uint32Array, n: number, le: boolean): void {
  if (le === HOST_LE) {
    out.set(new Uint8Array(w.buffer, w.byteOffset, n * 4), at);
    return;
  }
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < n; i++) dv.setUint32(at + 4 * i, w[i], le);
}

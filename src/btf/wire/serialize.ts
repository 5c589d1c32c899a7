// A Btf back to raw bytes: header | types | layout | strings, in the object's byte order.

import type { Btf } from '../model/btf.js';
import { BTF_HDR_LEN_LAYOUT, BTF_HDR_LEN_V1, BTF_MAGIC, BTF_VERSION } from './kinds.js';

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
  const w = btf.words;
  let p = hdrLen;
  for (let i = 0; i < btf.wordLen; i++, p += 4) dv.setUint32(p, w[i], le);
  if (btf.layout) {
    out.set(btf.layout, p);
    if (!le) for (let i = 0; i + 3 < layoutLen; i += 4) { const t = out[p + i + 2]; out[p + i + 2] = out[p + i + 3]; out[p + i + 3] = t; }
    p += layoutLen;
  }
  out.set(btf.strs.subarray(0, strLen), p);
  return out;
}

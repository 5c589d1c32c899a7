// Public face of the BTF core: model, wire format, object view.

export { Btf } from './model/btf.js';
export { inflate, addType } from './model/types.js';
export type { BtfType, BtfMember, BtfParam, BtfEnumValue, BtfVarSecinfo } from './model/types.js';
export { parseBtf, parseBtfHeader, looksLikeBtf } from './wire/parse.js';
export type { BtfHeader, ParseBtfOptions } from './wire/parse.js';
export { serializeBtf } from './wire/serialize.js';
export * from './wire/kinds.js';

// Public face of BTF deduplication.

export { dedupBtf, dedupBtfWithMap } from './dedup.js';
export type { DedupOptions } from './dedup.js';

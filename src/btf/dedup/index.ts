// Public face of BTF deduplication.

export { dedupBtf } from './dedup.js';
export type { DedupOptions } from './dedup.js';

// Public face of BTF deduplication.

export { adoptBaseState, dedupBtf, dedupBtfWithMap, savedBaseState } from './dedup.js';
export type { DedupOptions, SavedBaseState } from './dedup.js';

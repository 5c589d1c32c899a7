// Public face of relocation.

export { relocateBtf, RelocationError } from './relocate.js';
export type { Relocated } from './relocate.js';

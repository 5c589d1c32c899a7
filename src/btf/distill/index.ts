// Public face of base distillation.

export { distillBase } from './distill.js';
export type { Distilled } from './distill.js';

// The JSON report of `btfpost batch`.

import { z } from 'zod';

/** One module's outcome. */
export const BatchModuleResultSchema = z.object({
  module: z.string(),
  result: z.enum(['ok', 'failed']),
  error: z.string().optional(),
  /** Own types in the module's .BTF (split types). */
  types: z.number().int().nonnegative(),
  /** Bytes of .BTF and of the distilled base section written (0 with --check-only). */
  btfBytes: z.number().int().nonnegative(),
  baseBytes: z.number().int().nonnegative(),
  warnings: z.array(z.string()).optional(),
  /** Wall time for this module in milliseconds. */
  ms: z.number().int().nonnegative(),
});
export type BatchModuleResult = z.infer<typeof BatchModuleResultSchema>;

/** The whole run. */
export const BatchReportSchema = z.object({
  base: z.string(),
  mode: z.enum(['post-link', 'check-only']),
  jobs: z.number().int().positive(),
  modules: z.array(BatchModuleResultSchema),
  ok: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Wall time of the run in milliseconds. */
  ms: z.number().int().nonnegative(),
});
export type BatchReport = z.infer<typeof BatchReportSchema>;

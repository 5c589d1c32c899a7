// One module of a batch run, the same in the main thread and in a worker.

import { readMaybeCompressed, writeMaybeCompressed } from '../elf/compress-file.js';
import { loadBase } from '../btf/base-cache.js';
import type { Btf } from '../btf/model/btf.js';
import { BtfpostError } from '../common/errors.js';
import { parseFeatureLists, KBUILD_FEATURES } from '../encoder/index.js';
import { postLink } from './postlink.js';
import type { BatchModuleResult } from './batch-schema.js';

/** Settings shared by every module of a run (plain data, so it can cross to workers). */
export interface BatchSettings {
  base: string;
  features: string[];
  distilled: boolean;
  baseSection: '.BTF.base' | '.BTF.base_ref';
  standalone: boolean;
  stripSignature: boolean;
  checkOnly: boolean;
  langExclude: string[];
}

/** Per-thread state: the base is parsed once per thread. */
export class BatchRunner {
  private base: Btf | null = null;
  /** Read buffer reused from module to module (each module is written before the next is read). */
  private readonly scratch = { buf: new Uint8Array(0) };
  constructor(private readonly s: BatchSettings) {}

  async run(file: string): Promise<BatchModuleResult> {
    const t0 = performance.now();
    const done = (r: Omit<BatchModuleResult, 'module' | 'ms'>): BatchModuleResult => ({ module: file, ms: Math.round(performance.now() - t0), ...r });
    try {
      if (!this.base) this.base = (await loadBase(this.s.base)).btf;
      const { bytes, compression } = await readMaybeCompressed(file, this.scratch);
      if (this.s.checkOnly) {
        // Loaded only for --check-only (it brings zod for its report schema).
        const { checkModule } = await import('./check.js');
        const c = checkModule(bytes, file, this.base);
        return done({ result: c.ok ? 'ok' : 'failed', error: c.reason, types: c.types ?? 0, btfBytes: 0, baseBytes: 0 });
      }
      const lists = this.s.features.length ? this.s.features : [KBUILD_FEATURES];
      const r = postLink(bytes, file, {
        base: this.base, features: parseFeatureLists(lists), langExclude: this.s.langExclude, distilled: this.s.distilled,
        baseSection: this.s.baseSection, standalone: this.s.standalone, stripSignature: this.s.stripSignature,
      });
      await writeMaybeCompressed(file, r.chunks, compression);
      return done({ result: 'ok', types: r.types, btfBytes: r.btfBytes, baseBytes: r.baseBytes, warnings: r.warnings.length ? r.warnings : undefined });
    } catch (e) {
      if (!(e instanceof BtfpostError)) {
        return done({ result: 'failed', error: `internal error: ${(e as Error).message}`, types: 0, btfBytes: 0, baseBytes: 0 });
      }
      return done({ result: 'failed', error: e.describe(), types: 0, btfBytes: 0, baseBytes: 0 });
    }
  }
}

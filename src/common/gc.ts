// A full garbage collection on request, for the few places that drop hundreds of MB at once.

import { runInNewContext } from 'node:vm';
import { v8 } from './lazy-builtin.js';

let collect: (() => void) | null | undefined;

/**
 * Run a full garbage collection now, so that large buffers no longer referred to are returned
 * before the next big allocation (V8 frees an unreachable ArrayBuffer only at a full collection,
 * which a phase allocating little JS memory may not reach for seconds). A no-op where the runtime
 * does not allow it.
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      v8().setFlagsFromString('--expose-gc');
      const fn: unknown = runInNewContext('gc');
      collect = typeof fn === 'function' ? (fn as () => void) : null;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

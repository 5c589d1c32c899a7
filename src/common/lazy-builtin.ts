// Node modules loaded where they are first needed, not when the program starts.

import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/*
 * Modules that many runs never use: loading them with the program costs every process a few
 * milliseconds each. A plain require, not import(): the bundled program runs as a vm.Script, where
 * import() needs a loader Node 20 does not always offer.
 */

/** For starting compressors (compressed output) and batch worker processes. */
export function childProcess(): typeof import('node:child_process') {
  return load('node:child_process') as typeof import('node:child_process');
}

/** For writing and evicting base cache entries (a hit, the common case, only reads). */
export function fsPromises(): typeof import('node:fs/promises') {
  return load('node:fs/promises') as typeof import('node:fs/promises');
}

/** For encode -j. */
export function workerThreads(): typeof import('node:worker_threads') {
  return load('node:worker_threads') as typeof import('node:worker_threads');
}

/** For V8's optimizer settings while a small input is encoded (compiler-tuning.ts), and full collections (gc.ts). */
export function v8(): typeof import('node:v8') {
  return load('node:v8') as typeof import('node:v8');
}

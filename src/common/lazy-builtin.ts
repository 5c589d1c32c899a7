// Node modules loaded where they are first needed, not when the program starts.

import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * node:child_process and node:worker_threads, which most runs never use: loading them with the
 * program costs every process several milliseconds. A plain require, not import(): the bundled
 * program runs as a vm.Script, where import() needs a loader Node 20 does not always offer.
 */
export function childProcess(): typeof import('node:child_process') {
  return load('node:child_process') as typeof import('node:child_process');
}

export function workerThreads(): typeof import('node:worker_threads') {
  return load('node:worker_threads') as typeof import('node:worker_threads');
}

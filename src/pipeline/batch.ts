// Batch runs over module trees: a pool of worker processes, each parsing the base once.

import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BtfpostError } from '../common/errors.js';
import { childProcess } from '../common/lazy-builtin.js';
import type { BatchSettings } from './batch-job.js';
import type { BatchModuleResult, BatchReport } from './batch-schema.js';

/** V8 flags of worker processes. */
const WORKER_V8_FLAGS = ['--single-threaded'];

/**
 * A worker process's environment: this process's, without NODE_EXTRA_CA_CERTS. Nothing here makes
 * a TLS connection, and Node would parse the certificates it names at the start of every worker
 * (as bin/btfpost spares its own process).
 */
function workerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

const MODULE_RE = /\.ko(\.xz|\.zst|\.gz)?$/;

/** Every module file under the given files and directories, sorted, each once. */
export async function collectModules(paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  const walk = async (p: string): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      throw new BtfpostError('io', `cannot read: ${(e as Error).message}`, { file: p });
    }
    if (st.isDirectory()) {
      for (const n of (await readdir(p)).sort()) await walk(join(p, n));
    } else if (MODULE_RE.test(p) || paths.includes(p)) {
      out.add(p);
    }
  };
  for (const p of paths) await walk(p);
  return [...out].sort();
}

/**
 * Process `files` with `jobs` threads (1: in this thread). Results come back in `files` order
 * whatever the number of jobs, and each module's output depends only on that module and the base.
 */
export async function runBatch(files: readonly string[], settings: BatchSettings, jobs: number, onDone?: (done: number, total: number, last: string) => void): Promise<BatchReport> {
  const t0 = performance.now();
  const results = new Array<BatchModuleResult>(files.length);
  let done = 0;
  const finish = (i: number, r: BatchModuleResult) => {
    results[i] = r;
    done++;
    onDone?.(done, files.length, files[i]);
  };
  const n = Math.max(1, Math.min(jobs, files.length));
  if (n <= 1) {
    // Loaded only here: with workers, this process never encodes, and loading the encoder would
    // only delay starting them.
    const { BatchRunner } = await import('./batch-job.js');
    const runner = new BatchRunner(settings);
    for (let i = 0; i < files.length; i++) finish(i, await runner.run(files[i]));
  } else {
    // Largest modules first, so one big module does not start last and hold up the whole run.
    const order = files.map((_, i) => i);
    const size = files.map((f) => { try { return statSync(f).size; } catch { return 0; } });
    order.sort((a, b) => size[b] - size[a] || a - b);
    let next = 0;
    const worker = fileURLToPath(new URL('./batch-worker.js', import.meta.url));
    const { fork } = childProcess();
    await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve) => {
      const start = () => {
        let current = -1;
        let stopping = false;
        let ended = false;
        // Processes rather than threads: with one job per core, V8's own helper threads (concurrent
        // marking and compilation) only compete with the other jobs, so each worker runs without them.
        const w = fork(worker, [], { execArgv: [...WORKER_V8_FLAGS], env: workerEnv(), serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        const feed = () => {
          if (next >= files.length) {
            current = -1;
            stopping = true;
            w.disconnect();
            return;
          }
          current = order[next++];
          w.send({ file: files[current] });
        };
        const end = (why: string) => {
          if (ended) return;
          ended = true;
          // A worker that dies (out of memory, killed) fails the module it had; the run goes on
          // with a new worker while modules are left.
          if (current >= 0) {
            finish(current, { module: files[current], result: 'failed', error: `worker process ended (${why})`, types: 0, btfBytes: 0, baseBytes: 0, ms: 0 });
            current = -1;
          }
          if (!stopping && next < files.length) start();
          else resolve();
        };
        w.on('message', (r: BatchModuleResult) => {
          finish(current, r);
          feed();
        });
        w.on('exit', (code, signal) => end(signal !== null ? `signal ${signal}` : `exit code ${code}`));
        w.on('error', (e) => {
          // A process that never started reports nothing else; otherwise 'exit' follows with the cause.
          if (w.pid === undefined) end(e.message);
          else w.kill();
        });
        w.send({ settings });
        feed();
      };
      start();
    })));
  }
  const failed = results.filter((r) => r.result === 'failed').length;
  return {
    base: settings.base, mode: settings.checkOnly ? 'check-only' : 'post-link', jobs: n, modules: results,
    ok: results.length - failed, failed, ms: Math.round(performance.now() - t0),
  };
}

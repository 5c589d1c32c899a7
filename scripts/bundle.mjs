// Bundles the compiled program (dist/, from tsc) into dist/bundle/: one file per entry point plus
// shared chunks, with its npm dependencies inside. Node loads a handful of files instead of ~100
// modules at every start, about a fifth of a small module's run (each kbuild module is one run).
// Worker entry points keep the names the code resolves next to itself (worker.js, batch-worker.js).
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bundle`;
await rm(out, { recursive: true, force: true });
await build({
  input: {
    btfpost: `${root}dist/cli/main.js`,
    pahole: `${root}dist/cli/pahole.js`,
    'resolve-ids': `${root}dist/cli/resolve-ids.js`,
    'batch-worker': `${root}dist/pipeline/batch-worker.js`,
    worker: `${root}dist/encoder/worker.js`,
  },
  platform: 'node',
  logLevel: 'warn',
  output: { dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunk-[name]-[hash].js' },
});

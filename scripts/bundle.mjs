// Bundles the compiled program (dist/, from tsc) into dist/bundle/, with its npm dependencies inside:
// - each program of bin/ is one CommonJS file (btfpost.cjs, pahole.cjs, resolve-ids.cjs), which
//   bin/load-bundle.js compiles with V8's code cache (see scripts/code-cache.mjs): a kbuild run
//   starts two cold processes per module, and parsing and compiling ~1 MB of JavaScript was a
//   fifth of a small module's run;
// - the worker threads' entry points are ES modules with shared chunks, under the names the code
//   resolves next to itself (worker.js, batch-worker.js).
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bundle`;
await rm(out, { recursive: true, force: true });
await build({
  input: {
    'batch-worker': `${root}dist/pipeline/batch-worker.js`,
    worker: `${root}dist/encoder/worker.js`,
  },
  platform: 'node',
  logLevel: 'warn',
  output: { dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunk-[name]-[hash].js' },
});
const programs = { btfpost: 'cli/main.js', pahole: 'cli/pahole.js', 'resolve-ids': 'cli/resolve-ids.js' };
for (const [name, entry] of Object.entries(programs)) {
  await build({
    input: { [name]: `${root}dist/${entry}` },
    platform: 'node',
    logLevel: 'warn',
    // import.meta.url becomes the bundle's own file URL. yargs also reads import.meta.resolve, only
    // to resolve `extends` in configuration files, which btfpost does not use.
    onLog: (level, log, handler) => {
      if (log.code !== 'EMPTY_IMPORT_META') handler(level, log);
    },
    // Strict, as the ES modules it is made of are (a CommonJS file is not unless it says so).
    output: { dir: out, format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false, strict: true },
  });
}

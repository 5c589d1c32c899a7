// Bundles the compiled program (dist/, from tsc) into dist/bundle/, with its npm dependencies inside:
// - each program of bin/ is one CommonJS file (btfpost.cjs, pahole.cjs, resolve-ids.cjs), which
//   bin/load-bundle.js compiles with V8's code cache (see scripts/code-cache.mjs): a kbuild run
//   starts two cold processes per module, and parsing and compiling ~1 MB of JavaScript was a
//   fifth of a small module's run;
// - the worker threads' entry points are ES modules with shared chunks, under the names the code
//   resolves next to itself (worker.js, batch-worker.js).
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
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
// string-width (yargs, cliui and wrap-ansi each import a copy) builds Unicode property regexes and
// Intl.Segmenter objects when its module is evaluated: ~25 ms of every cold start, though only help
// and usage texts measure strings. Each import of it gets a stand-in that evaluates the copy it
// would have had on first use.
const LAZY = 'string-width';
const lazyModules = {
  name: 'lazy-string-width',
  async resolveId(source, importer, options) {
    if (source !== LAZY || importer === undefined || importer.startsWith('\0')) return null;
    const real = await this.resolve(source, importer, { ...options, skipSelf: true });
    // Named relative to the project: the id appears in the bundle as a comment.
    return real ? `\0lazy:${relative(root, real.id)}` : null;
  },
  load(id) {
    if (!id.startsWith('\0lazy:')) return null;
    const real = JSON.stringify(join(root, id.slice('\0lazy:'.length)));
    return `let impl;\nexport default function stringWidth(string, options) {\n  impl ??= require(${real}).default;\n  return impl(string, options);\n}\n`;
  },
};
const programs = { btfpost: 'cli/main.js', pahole: 'cli/pahole.js', 'resolve-ids': 'cli/resolve-ids.js' };
for (const [name, entry] of Object.entries(programs)) {
  await build({
    input: { [name]: `${root}dist/${entry}` },
    platform: 'node',
    logLevel: 'warn',
    plugins: [lazyModules],
    // import.meta.url becomes the bundle's own file URL. yargs also reads import.meta.resolve, only
    // to resolve `extends` in configuration files, which btfpost does not use.
    onLog: (level, log, handler) => {
      if (log.code !== 'EMPTY_IMPORT_META') handler(level, log);
    },
    // Strict, as the ES modules it is made of are (a CommonJS file is not unless it says so).
    output: { dir: out, format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false, strict: true },
  });
}

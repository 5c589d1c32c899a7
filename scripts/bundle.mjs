// Bundles the compiled program (dist/, from tsc) into dist/bundle/, with its npm dependencies inside:
// - each program of bin/ is one CommonJS file (btfpost.cjs, pahole.cjs, resolve-ids.cjs), which
//   bin/load-bundle.js compiles with V8's code cache (see scripts/code-cache.mjs): a kbuild run
//   starts two cold processes per module, and parsing and compiling ~1 MB of JavaScript was a
//   fifth of a small module's run;
// - the worker threads' entry points are ES modules with shared chunks, under the names the code
//   resolves next to itself (worker.js, batch-worker.js).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';

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
// yargs imports Node's assert module for two internal checks; loading it costs a start ~1.5 ms
// and sets up process.stderr. yargs gets these two functions instead.
const ASSERT_STAND_IN = '\0yargs-assert';
const ASSERT_SOURCE = `
export function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) fail(message, 'expected the same value');
}
export function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) fail(message, 'expected another value');
}
function fail(message, what) {
  throw message instanceof Error ? message : new Error(\`yargs: \${message ?? what}\`);
}
`;
// yargs' platform module reads the terminal's width when it is evaluated, which sets up
// process.stdout (1-2.5 ms of a start); only help text needs the width. It is read when asked.
const SHIM = '/node_modules/yargs/lib/platform-shims/esm.mjs';
const COLUMNS = "stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null";
// Each yargs() guesses a default version by searching the working directory and its parents for a
// package.json and reading it (~1 ms of every run, and the file of whatever project the user is
// in). btfpost always sets its own (command-line.ts: VERSION, or none for a named command), so the
// guess is left out.
const FACTORY = '/node_modules/yargs/build/lib/yargs-factory.js';
const GUESS = '        yargs.version();\n';
const lazyModules = {
  name: 'lazy-modules',
  async resolveId(source, importer, options) {
    if (importer === undefined || importer.startsWith('\0')) return null;
    if (source === 'assert' && importer.endsWith(SHIM)) return ASSERT_STAND_IN;
    if (source !== LAZY) return null;
    const real = await this.resolve(source, importer, { ...options, skipSelf: true });
    // Named relative to the project: the id appears in the bundle as a comment.
    return real ? `\0lazy:${relative(root, real.id)}` : null;
  },
  load(id) {
    if (id === ASSERT_STAND_IN) return ASSERT_SOURCE;
    if (!id.startsWith('\0lazy:')) return null;
    const real = JSON.stringify(join(root, id.slice('\0lazy:'.length)));
    return `let impl;\nexport default function stringWidth(string, options) {\n  impl ??= require(${real}).default;\n  return impl(string, options);\n}\n`;
  },
  transform(code, id) {
    if (id.endsWith(FACTORY)) {
      if (code.split(GUESS).length !== 2) throw new Error(`${id}: the default version is not set as expected; see scripts/bundle.mjs`);
      return code.replace(GUESS, '');
    }
    if (!id.endsWith(SHIM)) return null;
    // Another yargs may read it elsewhere: stop rather than bundle it unchanged.
    if (code.split(COLUMNS).length !== 2) throw new Error(`${id}: the terminal width is not read as expected; see scripts/bundle.mjs`);
    return code.replace(COLUMNS, `get ${COLUMNS.replace(': ', '() { return ')}; }`);
  },
};
// btfpost-encode and btfpost-module are bin/btfpost's for `encode` and the post-link job (see
// btfpostProgram in bin/load-bundle.js).
const programs = {
  btfpost: 'cli/main.js', 'btfpost-encode': 'cli/main-encode.js', 'btfpost-module': 'cli/main-module.js',
  pahole: 'cli/pahole.js', 'resolve-ids': 'cli/resolve-ids.js',
};
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
// Every character past ASCII (in comments and in a few string literals of yargs' dependencies)
// written as a \u escape, which JavaScript reads as the same character in strings, regular
// expressions, identifiers and comments: an ASCII program is read into a one-byte string (see
// bin/load-bundle.js), a quarter of the time of decoding UTF-8 into a two-byte one. Only the raw
// text of a template literal (String.raw) would differ, so the build stops if one has such a character.
/** Whether a template literal in `node` (a parsed program, or part of one) has a character past ASCII. */
function templateNonAscii(node) {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(templateNonAscii);
  if (node.type === 'TemplateElement' && /[^\x00-\x7f]/.test(node.value.raw)) return true;
  return Object.values(node).some(templateNonAscii);
}
for (const name of await readdir(out)) {
  if (!/\.c?js$/.test(name)) continue;
  const file = join(out, name);
  const text = await readFile(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(text)) continue;
  if (templateNonAscii(parseAst(text))) throw new Error(`${name}: a template literal has a character past ASCII, which a \\u escape would change`);
  await writeFile(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

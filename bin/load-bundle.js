// Loads one of the bundled programs (dist/bundle/NAME.cjs) with the V8 code cache written next to
// it at build time (NAME.cjs.cache, see scripts/code-cache.mjs), so a cold process neither parses
// the program nor compiles the functions a typical run calls. The cache changes how fast a
// program starts, never what it does:
// - V8 itself refuses a cache from another V8 version or with other flags, but checks the source
//   only by its length and the cache's own bytes not at all (a damaged cache aborts the process);
// - so the file also carries SHA-256 digests of the source it was made for and of itself, and is
//   handed to V8 only when both match. Otherwise the program is compiled as usual.
// CommonJS, like the programs of bin/ that load it (bin/package.json): a process started on an ES
// module sets up Node's ES module loader first, 10-20 ms of every run.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const MAGIC = Buffer.from('btfpost code cache 1\n');
const DIGEST = 32;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

/** The cache file's bytes for V8's cache `data` of the program whose source is `source` (bytes). */
function codeCacheFile(source, data) {
  return Buffer.concat([MAGIC, sha256(source), sha256(data), data]);
}

/** V8's cache from the cache file's bytes, or undefined when they are not for `source` or damaged. */
function codeCacheData(file, source) {
  if (file.length < MAGIC.length + 2 * DIGEST || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const at = MAGIC.length;
  const data = file.subarray(at + 2 * DIGEST);
  if (!sha256(source).equals(file.subarray(at, at + DIGEST))) return undefined;
  if (!sha256(data).equals(file.subarray(at + DIGEST, at + 2 * DIGEST))) return undefined;
  return data;
}

/**
 * The exports of dist/bundle/NAME.cjs, the compiled script (for createCachedData), its source
 * bytes, and whether V8 took the cache.
 */
function loadBundle(name) {
  const file = join(__dirname, '..', 'dist', 'bundle', `${name}.cjs`);
  const source = readFileSync(file);
  let cachedData;
  try {
    cachedData = codeCacheData(readFileSync(`${file}.cache`), source);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS function wrapper, as Node's own loader puts around a module (same line numbers).
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n});`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, source, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/** Run program NAME's entry function `entry` on the command line's arguments; it sets the exit code. */
function runBundle(name, entry) {
  const { exports } = loadBundle(name);
  exports[entry](process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

module.exports = { codeCacheFile, loadBundle, runBundle };

// Loads one of the bundled programs (dist/bundle/NAME.cjs) with the V8 code cache written next to
// it at build time (NAME.cjs.cache, see scripts/code-cache.mjs), so a cold process neither parses
// the program nor compiles the functions a typical run calls. The cache changes how fast a
// program starts, never what it does:
// - V8 itself refuses a cache from another V8 version or with other flags, but checks the source
//   only by its length and the cache's own bytes not at all (a damaged cache aborts the process);
// - so the file also carries CRC-32s of the source it was made for and of V8's data, and is handed
//   to V8 only when both match. Otherwise the program is compiled as usual. (A check against
//   damage and stale files, not against someone who can write the program itself; node:zlib, which
//   every program loads anyway, computes it where node:crypto would cost each process 6 ms to load.
//   A Node without zlib.crc32, before 20.15, compiles the program as usual.)
// CommonJS, like the programs of bin/ that load it (bin/package.json): a process started on an ES
// module sets up Node's ES module loader first, 10-20 ms of every run.
'use strict';
const { isAscii } = require('node:buffer');
const { existsSync, readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');
const { crc32 } = require('node:zlib');

const MAGIC = Buffer.from('btfpost code cache 2\n');
const DIGEST = 4;

/** CRC-32 of `bytes` as four bytes. */
function digest(bytes) {
  const d = Buffer.alloc(DIGEST);
  d.writeUInt32BE(crc32(bytes));
  return d;
}

/** The cache file's bytes for V8's cache `data` of the program whose source is `source` (bytes). */
function codeCacheFile(source, data) {
  if (typeof crc32 !== 'function') throw new Error('this Node has no zlib.crc32 (20.15 or later has)');
  return Buffer.concat([MAGIC, digest(source), digest(data), data]);
}

/** V8's cache from the cache file's bytes, or undefined when they are not for `source` or damaged. */
function codeCacheData(file, source) {
  if (typeof crc32 !== 'function') return undefined;
  if (file.length < MAGIC.length + 2 * DIGEST || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const at = MAGIC.length;
  const data = file.subarray(at + 2 * DIGEST);
  if (!digest(source).equals(file.subarray(at, at + DIGEST))) return undefined;
  if (!digest(data).equals(file.subarray(at + DIGEST, at + 2 * DIGEST))) return undefined;
  return data;
}

/**
 * The exports of dist/bundle/NAME.cjs, the compiled script (for createCachedData), its source
 * bytes, and whether V8 took the cache.
 */
function loadBundle(name) {
  const file = bundleFile(name);
  const source = readFileSync(file);
  let cachedData;
  try {
    cachedData = codeCacheData(readFileSync(`${file}.cache`), source);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS function wrapper, as Node's own loader puts around a module (same line numbers).
  // scripts/bundle.mjs writes ASCII only, read the quick way, into a one-byte string.
  const text = isAscii(source) ? source.toString('latin1') : source.toString('utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${text}\n});`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, source, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Run program NAME's entry function `entry` on the command line's arguments; it sets the exit code.
 * When the program is done, the heap is collected once (see collectBeforeExit). Then, when nothing
 * is left pending (no output still on its way down a pipe, no timer, no child, no file request:
 * process.getActiveResourcesInfo() is empty), the process exits at once. Left to end by itself,
 * Node would first wait for V8's helper threads to finish every optimizing compile still queued,
 * for functions nothing will call again: with one helper thread (bin/btfpost) that was 10-20 ms of
 * a small module's run. Otherwise it ends as usual.
 */
function runBundle(name, entry) {
  const { exports } = loadBundle(name);
  exports[entry](process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    collectBeforeExit();
    if (process.getActiveResourcesInfo().length === 0) process.exit(code);
  });
}

/**
 * A full garbage collection, so that ending the process cannot hang. Both ways Node 20 ends (exit()
 * and running out of work) block this thread until V8's helper threads are done, while a compile
 * on such a thread can be waiting for this thread to collect the heap: it allocates, the heap has
 * grown past its limit while the program ran, and it waits for a collection that never comes
 * (nodejs/node#54918). The post-link job hung that way once in ~8500 runs, on the 6.12 debug
 * package's modules: a helper thread in CollectionBarrier::AwaitCollectionBackground, this one
 * joining it in NodePlatform::Shutdown. Collected, the heap is far below its next limit, and a
 * compile still running allocates without waiting. ~3-5 ms; `gc` is reached through a new context
 * (the flag applies to contexts made after it is set).
 */
function collectBeforeExit() {
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    require('node:vm').runInNewContext('gc')();
  } catch {
    // Without it the process ends as before.
  }
}

/**
 * The bundle bin/btfpost runs for its arguments `argv`: the post-link job on a module and
 * `encode`, which kbuild and packaging runs start once per module, have bundles of their own
 * (btfpost-module, btfpost-encode), without the other subcommands and what only they use: ~6 ms of
 * each such start, where a small module's whole run is ~0.14 s. Every other command line, and any
 * asking for --help or --version, runs the full program (btfpost). The choice mirrors
 * src/cli/command-line.ts: these are the arguments for which the full program would register
 * only that one subcommand, so both run them alike.
 */
function btfpostProgram(argv) {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || argv.includes('--help') || argv.includes('--version')) return 'btfpost';
  const own = first === 'encode' ? 'btfpost-encode' : MODULE_FILE.test(first) ? 'btfpost-module' : null;
  // A dist/ built before these bundles existed has the full program only.
  return own !== null && existsSync(bundleFile(own)) ? own : 'btfpost';
}

function bundleFile(name) {
  return join(__dirname, '..', 'dist', 'bundle', `${name}.cjs`);
}

/** A first word naming a module file: MODULE_FILE of src/cli/command-line.ts (a test holds them equal). */
const MODULE_FILE = /\.ko(\.xz|\.zst|\.gz)?$|\.o$/;

module.exports = { MODULE_FILE, btfpostProgram, codeCacheFile, loadBundle, runBundle };

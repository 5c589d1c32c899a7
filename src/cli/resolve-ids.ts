// `btfpost resolve-ids ELF` and the resolve_btfids-compatible `btfpost-resolve_btfids` program.

import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { checkBtfIdsBlob, resolveCollected, resolveBtfidsWarningLine, type ResolveBtfIdsResult } from '../btfids/btfids.js';
import { BtfIdsError } from '../btfids/errors.js';
import { loadBtfForResolution, readElfForBtfIds, writeBytesInPlace } from '../btfids/io.js';
import { collectBtfIds } from '../btfids/symbols.js';
import { BtfpostError, UsageError, readError } from '../common/errors.js';
import { parseElf } from '../elf/file.js';
import { writeFileAtomic } from '../elf/write.js';
import { distillBase } from '../btf/distill/index.js';
import { serializeBtf } from '../btf/wire/serialize.js';

// Only light modules are imported statically: btfpost-resolve_btfids runs once per module in a
// kernel build, so its start-up time counts. The compressed-file reader and the ELF writer are
// imported where the btfpost subcommand needs them.

/** Exit codes shared with the main CLI: 0 success, 1 usage error, 2 bad input or failed operation. */
const EXIT_OK = 0;
const EXIT_USAGE = 1;
const EXIT_FAIL = 2;

/** Arguments of `btfpost resolve-ids`. */
interface ResolveIdsArgs {
  elf: string;
  base?: string;
  btf?: string;
  fatal_warnings: boolean;
  verbose: number;
  'strip-signature': boolean;
}

function printWarnings(result: ResolveBtfIdsResult, line: (s: string) => void): void {
  for (const w of result.details) line(resolveBtfidsWarningLine(w));
}

function fatalError(file: string, result: ResolveBtfIdsResult): BtfIdsError {
  const n = result.warnings.length;
  return new BtfIdsError(`${n} warning${n === 1 ? '' : 's'} treated as errors (--fatal_warnings); file left unchanged`, { file, section: '.BTF_ids' });
}

/** The resolve-ids subcommand; `setCode` receives the exit code. */
export function resolveIdsCommand(setCode: (code: number) => void): CommandModule<object, ResolveIdsArgs> {
  return {
    command: 'resolve-ids <elf>',
    describe: 'resolve the .BTF_ids section of a module or vmlinux in place (like resolve_btfids)',
    builder: (y) => y
      .positional('elf', { type: 'string', demandOption: true, describe: 'ELF with .BTF_ids (.ko, .ko.xz, .ko.zst, vmlinux)' })
      .option('base', { alias: ['b', 'btf_base'], type: 'string', describe: 'base BTF (raw or ELF) the module BTF is split over' })
      .option('btf', { type: 'string', describe: 'BTF to resolve against (raw or ELF) instead of the ELF\'s own .BTF' })
      .option('fatal_warnings', { alias: 'fatal-warnings', type: 'boolean', default: false, describe: 'turn warnings into errors (nothing is written)' })
      .option('strip-signature', { type: 'boolean', default: false, describe: 'allow changing a signed module by dropping its signature' })
      .option('verbose', { alias: 'v', type: 'count', describe: 'explain what is done (-vv: every slot)' }),
    handler: async (argv) => {
      const { applyElfEdits, readMaybeCompressed, writeMaybeCompressed } = await import('../elf/index.js');
      const file = argv.elf;
      const say = (m: string) => process.stderr.write(`btfpost: ${m}\n`);
      const { bytes, compression } = await readMaybeCompressed(file);
      const elf = parseElf(bytes, file);
      const c = collectBtfIds(elf);
      if (!c.found) {
        if (argv.verbose > 0) say(`${file}: ${c.reason}; nothing to do`);
        setCode(EXIT_OK);
        return;
      }
      const loaded = await loadBtfForResolution(elf, { btfPath: argv.btf, basePath: argv.base });
      if (argv.verbose > 0 && loaded.distilledSection && argv.base !== undefined && argv.btf === undefined) {
        say(`${file} has ${loaded.distilledSection}: resolving in its numbering, not against ${argv.base}`);
      }
      const debug = argv.verbose > 1 ? (m: string) => process.stderr.write(`${m}\n`) : undefined;
      const result = resolveCollected(c.layout, loaded.btf, { debug });
      for (const w of result.details) say(`warning: ${w.message}`);
      if (argv.fatal_warnings && result.warnings.length > 0) throw fatalError(file, result);
      const s = result.stats;
      if (argv.verbose > 0) {
        say(`${file}: ${s.symbols} symbols, ${s.names} names (${s.resolved} resolved, ${s.unresolved} unresolved), ${s.sets} sets, ${s.set8s} set8s; ${result.changed ? 'updated' : 'already up to date'}`);
      }
      if (result.changed && result.patched && result.section) {
        if (elf.signature && !argv['strip-signature']) {
          throw new BtfIdsError('module is signed and resolving .BTF_ids would invalidate its signature; pass --strip-signature and sign it again afterwards', {
            file, section: '.BTF_ids',
          });
        }
        const out = applyElfEdits(elf, { edits: [{ op: 'patch', section: result.section.index, offset: 0, data: result.patched }], signature: 'strip' });
        await writeMaybeCompressed(file, out, compression);
      }
      setCode(EXIT_OK);
    },
  };
}

const PROG = 'btfpost-resolve_btfids';

const USAGE = `usage: ${PROG} [options] ELF
       ${PROG} --patch_btfids BLOB ELF

Writes BTF type ids into the .BTF_ids section of ELF (a module or vmlinux), in place.

  -v, --verbose           trace what is done (repeatable)
  --btf FILE              resolve against the BTF in FILE (raw or ELF) instead of ELF's .BTF
  -b, --btf_base FILE     base BTF (raw or ELF) that the module BTF is split over
  --fatal_warnings        fail on warnings (unresolved or ambiguous names); ELF is left unchanged
  --distill_base          distill the base against --btf_base and write <elf>.BTF,
                          <elf>.BTF.base and <elf>.BTF_ids (ids in the distilled numbering)
  --patch_btfids BLOB     copy BLOB over .BTF_ids (sizes must match)
  -h, --help              show this text
`;

/** A parsed resolve_btfids command line. */
export interface CompatOptions {
  /** How many -v were given. */
  verbose: number;
  btf?: string;
  base?: string;
  fatalWarnings: boolean;
  distillBase: boolean;
  patchBtfids?: string;
  help: boolean;
  elf: string;
}

type LongOpt = { name: string; value: boolean; set: (o: CompatOptions, v: string | boolean) => void };

const LONG_OPTS: readonly LongOpt[] = [
  { name: 'verbose', value: false, set: (o, v) => { o.verbose = v === false ? 0 : o.verbose + 1; } },
  { name: 'btf', value: true, set: (o, v) => { o.btf = v as string; } },
  { name: 'btf_base', value: true, set: (o, v) => { o.base = v as string; } },
  { name: 'fatal_warnings', value: false, set: (o, v) => { o.fatalWarnings = v !== false; } },
  { name: 'distill_base', value: false, set: (o, v) => { o.distillBase = v !== false; } },
  { name: 'patch_btfids', value: true, set: (o, v) => { o.patchBtfids = v as string; } },
  { name: 'help', value: false, set: (o) => { o.help = true; } },
];

/**
 * Parse resolve_btfids' command line (tools/lib/subcmd parse-options rules): options before the
 * one positional ELF argument (parsing stops at the first non-option), `--opt=value` or
 * `--opt value`, unambiguous long-option prefixes, `--no-` for booleans, bundled short options
 * (`-vv`, `-bFILE`).
 * @throws UsageError on anything else.
 */
export function parseResolveBtfidsArgs(argv: readonly string[]): CompatOptions {
  const o: CompatOptions = { verbose: 0, fatalWarnings: false, distillBase: false, help: false, elf: '' };
  const rest: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      let name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      let negated = false;
      let matches = LONG_OPTS.filter((l) => l.name === name);
      if (matches.length === 0) matches = LONG_OPTS.filter((l) => l.name.startsWith(name));
      if (matches.length === 0 && name.startsWith('no-')) {
        negated = true;
        name = name.slice(3);
        matches = LONG_OPTS.filter((l) => !l.value && (l.name === name || l.name.startsWith(name)));
        const exact = matches.filter((l) => l.name === name);
        if (exact.length === 1) matches = exact;
      }
      if (matches.length === 0) throw new UsageError(`unknown option \`${a.slice(2)}'`);
      if (matches.length > 1) throw new UsageError(`ambiguous option: ${name} (could be --${matches.map((m) => m.name).join(' or --')})`);
      const opt = matches[0];
      if (opt.value) {
        if (negated) throw new UsageError(`option \`${opt.name}' cannot be negated`);
        let v: string | undefined;
        if (eq >= 0) v = a.slice(eq + 1);
        else if (i + 1 < argv.length) v = argv[++i];
        if (v === undefined) throw new UsageError(`option \`${opt.name}' requires a value`);
        opt.set(o, v);
      } else {
        if (eq >= 0) throw new UsageError(`option \`${opt.name}' takes no value`);
        opt.set(o, !negated);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const ch = a[k];
        if (ch === 'v') o.verbose++;
        else if (ch === 'h') o.help = true;
        else if (ch === 'b') {
          let v: string | undefined = a.slice(k + 1);
          if (v === '') v = i + 1 < argv.length ? argv[++i] : undefined;
          if (v === undefined) throw new UsageError('switch `b\' requires a value');
          o.base = v;
          break;
        } else throw new UsageError(`unknown switch \`${ch}'`);
      }
      continue;
    }
    break; // first non-option: the rest are arguments
  }
  for (; i < argv.length; i++) rest.push(argv[i]);
  if (o.help) return o;
  if (rest.length !== 1) throw new UsageError(rest.length === 0 ? 'no ELF object given' : `expected one ELF object, got ${rest.length} arguments`);
  o.elf = rest[0];
  return o;
}

/**
 * Run the resolve_btfids-compatible program with `argv` (without the program name) and resolve
 * to its exit code. The ELF is patched in place (only the `.BTF_ids` bytes are rewritten, as
 * libelf does for resolve_btfids); a signed module is refused. Warnings are printed as
 * resolve_btfids prints them. Errors print one line on stderr and exit 2; usage errors exit 1.
 */
export async function mainResolveBtfids(argv: string[]): Promise<number> {
  let opts: CompatOptions;
  try {
    opts = parseResolveBtfidsArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${PROG}: ${e.message}\nTry '${PROG} --help'.\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (opts.distillBase && opts.base === undefined) {
    process.stderr.write(`${PROG}: --distill_base needs --btf_base\nTry '${PROG} --help'.\n`);
    return EXIT_USAGE;
  }
  const verbose = opts.verbose;
  const debug = (level: number, s: string) => {
    if (verbose >= level) process.stderr.write(`${s}\n`);
  };
  try {
    if (opts.distillBase) return await distillAndDump(opts, debug);
    if (opts.patchBtfids !== undefined) return await patchBlob(opts.patchBtfids, opts.elf, debug);

    const { elf } = await readElfForBtfIds(opts.elf);
    const c = collectBtfIds(elf);
    if (!c.found) {
      debug(1, `Cannot find .BTF_ids or symbols sections, nothing to do (${c.reason})`);
      return EXIT_OK;
    }
    const loaded = await loadBtfForResolution(elf, { btfPath: opts.btf, basePath: opts.base });
    if (loaded.distilledSection && opts.base !== undefined && opts.btf === undefined) {
      debug(1, `${opts.elf} has ${loaded.distilledSection}: resolving against it, not against ${opts.base}`);
    }
    const result = resolveCollected(c.layout, loaded.btf, { debug: verbose > 0 ? (m) => debug(1, m) : undefined });
    printWarnings(result, (m) => process.stderr.write(`${m}\n`));
    if (opts.fatalWarnings && result.warnings.length > 0) throw fatalError(opts.elf, result);
    if (result.changed && result.patched && result.section) {
      if (elf.signature) {
        throw new BtfIdsError('module is signed and resolving .BTF_ids would invalidate the signature; use `btfpost resolve-ids --strip-signature` and sign again', {
          file: opts.elf, section: '.BTF_ids',
        });
      }
      await writeBytesInPlace(opts.elf, result.section.offset, result.patched);
    }
    debug(1, `update ${result.changed ? 'ok' : 'not needed'} for ${opts.elf}`);
    return EXIT_OK;
  } catch (e) {
    return reportCompatError(e);
  }
}

/**
 * `--distill_base` (the kbuild flow of newer kernels, scripts/gen-btf.sh): distill the split BTF
 * (from --btf, else the ELF's .BTF) against --btf_base, resolve .BTF_ids in the distilled
 * numbering, and write the blobs `<elf>.BTF`, `<elf>.BTF.base` and `<elf>.BTF_ids` for the caller
 * to put into the ELF (objcopy --add-section, then --patch_btfids); the ELF itself is not changed.
 */
async function distillAndDump(opts: CompatOptions, debug: (level: number, s: string) => void): Promise<number> {
  const { elf } = await readElfForBtfIds(opts.elf);
  const loaded = await loadBtfForResolution(elf, { btfPath: opts.btf, basePath: opts.base! });
  const d = distillBase(loaded.btf, { file: opts.btf ?? opts.elf });
  const c = collectBtfIds(elf);
  if (c.found) {
    const result = resolveCollected(c.layout, d.split, { debug: opts.verbose > 0 ? (m) => debug(1, m) : undefined });
    printWarnings(result, (m) => process.stderr.write(`${m}\n`));
    if (opts.fatalWarnings && result.warnings.length > 0) throw fatalError(opts.elf, result);
    await writeFileAtomic(`${opts.elf}.BTF_ids`, result.patched ?? c.layout.data);
  } else {
    debug(1, `Cannot find .BTF_ids or symbols sections, nothing to do (${c.reason})`);
  }
  await writeFileAtomic(`${opts.elf}.BTF`, serializeBtf(d.split));
  await writeFileAtomic(`${opts.elf}.BTF.base`, serializeBtf(d.base));
  debug(1, `wrote ${opts.elf}.BTF (${d.split.count} types) and ${opts.elf}.BTF.base (${d.base.count} types)`);
  return EXIT_OK;
}

async function patchBlob(blobPath: string, elfPath: string, debug: (level: number, s: string) => void): Promise<number> {
  let blob: Uint8Array;
  try {
    const b = readFileSync(blobPath);
    blob = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw readError(blobPath, e);
  }
  const { elf } = await readElfForBtfIds(elfPath);
  const sec = checkBtfIdsBlob(elf, blob, blobPath);
  const cur = elf.sectionData(sec);
  let same = cur.length === blob.length;
  for (let i = 0; same && i < blob.length; i++) same = cur[i] === blob[i];
  if (!same) {
    if (elf.signature) throw new BtfIdsError('module is signed and patching .BTF_ids would invalidate the signature', { file: elfPath, section: '.BTF_ids' });
    await writeBytesInPlace(elfPath, sec.offset, blob);
  }
  debug(1, `Copying data from ${blobPath} to .BTF_ids section of ${elfPath} (${blob.length} bytes)`);
  return EXIT_OK;
}

function reportCompatError(e: unknown): number {
  if (e instanceof BtfpostError) {
    process.stderr.write(`${PROG}: ${e.describe()}\n`);
    return EXIT_FAIL;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.syscall === 'string') {
    process.stderr.write(`${PROG}: ${err.path ?? ''}${err.path ? ': ' : ''}${err.message}\n`);
    return EXIT_FAIL;
  }
  process.stderr.write(`${PROG}: internal error: ${err instanceof Error ? err.message : String(e)}\n`);
  if (process.env.BTFPOST_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT_FAIL;
}

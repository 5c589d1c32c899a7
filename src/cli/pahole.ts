// `btfpost-pahole`: a stand-in for `pahole` in its BTF-encoding role, taking the options the kernel
// build passes (`-J`, `--btf_base`, `--btf_features`, legacy `--btf_gen_*`/`--skip_encoding_btf_*`
// switches, `-j`, `--lang_exclude`, `--btf_encode_detached`) and `--version` answers that
// scripts/pahole-version.sh turns into a number. Nothing but encoding is offered: pahole's
// struct-layout printing options are refused with a usage error.

import { UsageError, withFile } from '../common/errors.js';
import { byteArray } from '../common/typed-arrays.js';
import type { ElfFile } from '../elf/index.js';
import { availableParallelism } from 'node:os';
import { FEATURE_TABLE, isFeatureName, legacyDefaultFeatures, noFeatures, type EncodeFeatureName, type EncodeFeatures } from '../encoder/features.js';

// Only the parser and the feature table are imported statically: kbuild runs this once per
// module, and `--version` / `--supported_btf_features` should answer without loading the encoder.

/** The pahole release whose BTF encoding (and command line) btfpost follows. */
export const PAHOLE_COMPAT_VERSION = 'v1.30';

/** Feature names in the table that the encoder does not implement (requests are ignored, as pahole does when its libbpf lacks one). */
const UNIMPLEMENTED: ReadonlySet<EncodeFeatureName> = new Set<EncodeFeatureName>(['layout']);

/** What `--supported_btf_features` prints: the implemented features, in pahole's table order. */
export function supportedBtfFeatures(): string {
  return FEATURE_TABLE.map(([n]) => n).filter((n) => !UNIMPLEMENTED.has(n)).join(',');
}

/** What a parsed command line asks for. */
export type PaholeAction = 'encode' | 'version' | 'numeric_version' | 'supported_btf_features' | 'help';

/** A parsed pahole command line. */
export interface PaholeOptions {
  action: PaholeAction;
  /** Raw BTF file to write instead of `.BTF` in the ELF (`--btf_encode_detached`). */
  detached?: string;
  /** Base BTF (raw or ELF) for split BTF (`--btf_base`). */
  base?: string;
  /** The feature switches after applying every option in order. */
  features: EncodeFeatures;
  /** `-j N` (undefined: not given; 0: `-j` without a number). Accepted; output does not depend on it. */
  jobs?: number;
  /** Languages whose compilation units are skipped (`--lang_exclude`). */
  langExclude: string[];
  /** Number of `-V`. */
  verbose: number;
  /** The ELF to encode. */
  file?: string;
}

type Handler = (st: ParseState, arg: string | undefined) => void;

interface LongOption {
  name: string;
  /** 'none': a switch; 'required': takes `=V` or the next argument; 'optional': only `=V`. */
  arg: 'none' | 'required' | 'optional';
  run: Handler;
}

interface ParseState {
  o: PaholeOptions;
  encode: boolean;
  /** Set once the first --btf_features* option has reset the switches, as pahole does only once. */
  featuresReset: boolean;
  action?: PaholeAction;
}

/** Apply one `--btf_features` list with pahole's rules (see parseFeatureLists in the encoder). */
function applyFeatureList(st: ParseState, list: string, strict: boolean): void {
  if (!st.featuresReset) {
    // The first feature list starts from "everything off"; legacy switches given before it are dropped.
    st.o.features = noFeatures();
    st.featuresReset = true;
  }
  const f = st.o.features;
  const enableDefault = () => {
    for (const [name, dflt] of FEATURE_TABLE) if (dflt && !UNIMPLEMENTED.has(name)) f[name] = true;
  };
  if (list === 'default') {
    enableDefault();
    return;
  }
  let rest = list;
  if (rest.startsWith('+')) {
    enableDefault();
    rest = rest.slice(1);
  }
  for (const name of rest.split(',')) {
    if (name === '') continue;
    if (isFeatureName(name)) {
      if (!UNIMPLEMENTED.has(name)) f[name] = true;
    } else if (name === 'default') {
      enableDefault();
    } else if (strict) {
      throw new UsageError(`feature '${name}' in '${list}' is not supported; supported BTF features are: ${supportedBtfFeatures()}`);
    } else if (st.o.verbose > 0) {
      process.stderr.write(`btfpost-pahole: ignoring unsupported feature '${name}'\n`);
    }
  }
}

const set = (name: EncodeFeatureName, value: boolean): Handler => (st) => { st.o.features[name] = value; };

const startEncoding: Handler = (st) => { st.encode = true; };

function parseJobs(v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`-j takes a number of jobs, not '${v}'`);
  return Number(v);
}

const LONG_OPTIONS: readonly LongOption[] = [
  { name: 'btf_encode', arg: 'none', run: startEncoding },
  { name: 'btf_encode_detached', arg: 'required', run: (st, v) => { st.o.detached = v; st.encode = true; } },
  { name: 'btf_base', arg: 'required', run: (st, v) => { st.o.base = v; } },
  { name: 'btf_features', arg: 'required', run: (st, v) => applyFeatureList(st, v!, false) },
  { name: 'btf_features_strict', arg: 'required', run: (st, v) => applyFeatureList(st, v!, true) },
  // pahole 1.27+ turns this into --btf_features=all, which names no feature: it only resets the switches.
  { name: 'btf_gen_all', arg: 'none', run: (st) => applyFeatureList(st, 'all', false) },
  { name: 'btf_gen_floats', arg: 'none', run: set('float', true) },
  { name: 'btf_gen_optimized', arg: 'none', run: set('optimized_func', true) },
  { name: 'btf_encode_force', arg: 'none', run: set('encode_force', true) },
  { name: 'btf_attributes', arg: 'none', run: set('attributes', true) },
  { name: 'skip_encoding_btf_vars', arg: 'none', run: set('var', false) },
  { name: 'skip_encoding_btf_decl_tag', arg: 'none', run: set('decl_tag', false) },
  { name: 'skip_encoding_btf_type_tag', arg: 'none', run: set('type_tag', false) },
  { name: 'skip_encoding_btf_enum64', arg: 'none', run: set('enum64', false) },
  { name: 'skip_encoding_btf_inconsistent_proto', arg: 'none', run: set('consistent_func', true) },
  { name: 'reproducible_build', arg: 'none', run: set('reproducible_build', true) },
  { name: 'jobs', arg: 'optional', run: (st, v) => { st.o.jobs = v === undefined ? 0 : parseJobs(v); } },
  { name: 'lang_exclude', arg: 'required', run: (st, v) => { st.o.langExclude.push(...v!.split(',').filter((s) => s !== '')); } },
  { name: 'verbose', arg: 'none', run: (st) => { st.o.verbose++; } },
  { name: 'supported_btf_features', arg: 'none', run: (st) => { st.action ??= 'supported_btf_features'; } },
  { name: 'version', arg: 'none', run: (st) => { st.action ??= 'version'; } },
  { name: 'numeric_version', arg: 'none', run: (st) => { st.action ??= 'numeric_version'; } },
  { name: 'help', arg: 'none', run: (st) => { st.action ??= 'help'; } },
  { name: 'usage', arg: 'none', run: (st) => { st.action ??= 'help'; } },
];

/**
 * Parse a pahole command line (GNU argp rules): options and the ELF may come in any order, `--`
 * ends the options; long options take `--opt=V` or `--opt V` when they need a value; `-j`/`--jobs`
 * take an optional number only when attached (`-j4`, `--jobs=4`); short switches may be bundled
 * (`-JV`, `-Jj4`). Options apply in the order given, with pahole's feature rules: the first
 * `--btf_features` list resets every switch to off, later lists and switches add to it.
 * `--supported_btf_features`, `--version` and `--help` win over encoding.
 * @throws UsageError for unknown options, missing values, or no/many ELF files when encoding.
 */
export function parsePaholeArgs(argv: readonly string[]): PaholeOptions {
  const o: PaholeOptions = { action: 'encode', features: legacyDefaultFeatures(), langExclude: [], verbose: 0 };
  const st: ParseState = { o, encode: false, featuresReset: false };
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const opt = LONG_OPTIONS.find((l) => l.name === name);
      if (!opt) throw new UsageError(`unrecognized option '--${name}' (btfpost-pahole offers only BTF encoding; see --help)`);
      let v: string | undefined;
      if (eq >= 0) {
        if (opt.arg === 'none') throw new UsageError(`option '--${name}' doesn't allow an argument`);
        v = a.slice(eq + 1);
      } else if (opt.arg === 'required') {
        if (i + 1 >= argv.length) throw new UsageError(`option '--${name}' requires an argument`);
        v = argv[++i];
      }
      opt.run(st, v);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const ch = a[k];
        if (ch === 'J') startEncoding(st, undefined);
        else if (ch === 'V') o.verbose++;
        else if (ch === '?') st.action ??= 'help';
        else if (ch === 'j') {
          const v = a.slice(k + 1);
          o.jobs = v === '' ? 0 : parseJobs(v);
          break;
        } else {
          throw new UsageError(`invalid option -- '${ch}' (btfpost-pahole offers only BTF encoding; see --help)`);
        }
      }
      continue;
    }
    files.push(a);
  }
  if (st.action) {
    o.action = st.action;
    return o;
  }
  if (!st.encode) throw new UsageError('only BTF encoding is offered: give -J (write .BTF into the ELF) or --btf_encode_detached=FILE');
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'no ELF file given' : `expected one ELF file, got ${files.length}: ${files.join(' ')}`);
  o.file = files[0];
  return o;
}

const USAGE = `usage: btfpost-pahole -J [options] ELF
       btfpost-pahole --btf_encode_detached=FILE [options] ELF
       btfpost-pahole --version | --numeric_version | --supported_btf_features

Encodes the DWARF of ELF (a kernel module or vmlinux) as BTF like pahole ${PAHOLE_COMPAT_VERSION}, for use as
PAHOLE=btfpost-pahole in a kernel build. With -J the BTF is written into ELF as .BTF (and, with the
distilled_base feature and a base, the distilled base as .BTF.base).

  -J, --btf_encode                 write .BTF into ELF
      --btf_encode_detached=FILE   write raw BTF to FILE instead
      --btf_base=FILE              base BTF (raw, or an ELF such as vmlinux): encode split BTF
      --btf_features=LIST          enable features (comma-separated, 'default', '+extra'); repeatable
      --btf_features_strict=LIST   the same, but unknown names are an error
      --supported_btf_features     print the features btfpost implements and exit
      --btf_gen_floats, --btf_gen_optimized, --btf_encode_force, --btf_attributes,
      --skip_encoding_btf_{vars,decl_tag,type_tag,enum64,inconsistent_proto},
      --reproducible_build, --btf_gen_all
                                   pahole's older switches, with pahole's meaning
  -j[N], --jobs[=N]                threads (all CPUs without N) for inputs with 32 MB of DWARF or
                                   more, such as a vmlinux (the output does not depend on it)
      --lang_exclude=LANGS         skip compilation units in these languages (e.g. rust)
  -V, --verbose                    say what was written
      --version                    print ${PAHOLE_COMPAT_VERSION} (the pahole version btfpost follows)
      --numeric_version            print ${PAHOLE_COMPAT_VERSION.replace(/^v(\d+)\.(\d+)$/, '$1$2')}
  -?, --help                       this text
`;

/** Exit codes: 0 success, 1 usage error or failure (pahole exits 1 on any failure). */
const EXIT_OK = 0;
const EXIT_FAIL = 1;

/**
 * Run btfpost-pahole with `argv` (without the program name); resolves to the exit code. Usage
 * errors and failures print one line on stderr and exit 1.
 */
export async function mainPahole(argv: string[]): Promise<number> {
  let o: PaholeOptions;
  try {
    o = parsePaholeArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`btfpost-pahole: ${e.message}\n`);
      return EXIT_FAIL;
    }
    throw e;
  }
  switch (o.action) {
    case 'version':
      process.stdout.write(`${PAHOLE_COMPAT_VERSION}\n`);
      return EXIT_OK;
    case 'numeric_version':
      process.stdout.write(`${PAHOLE_COMPAT_VERSION.replace(/^v(\d+)\.(\d+)$/, '$1$2')}\n`);
      return EXIT_OK;
    case 'supported_btf_features':
      process.stdout.write(`${supportedBtfFeatures()}\n`);
      return EXIT_OK;
    case 'help':
      process.stdout.write(USAGE);
      return EXIT_OK;
    default:
      break;
  }
  try {
    await encode(o);
    return EXIT_OK;
  } catch (e) {
    await reportFailure(e);
    return EXIT_FAIL;
  }
}

/** One line on stderr for a failure; a stack trace only with BTFPOST_DEBUG set. */
async function reportFailure(e: unknown): Promise<void> {
  const { BtfpostError } = await import('../common/errors.js');
  const err = e as NodeJS.ErrnoException;
  let msg: string;
  if (e instanceof BtfpostError) msg = e.describe();
  else if (err && typeof err.code === 'string' && typeof err.syscall === 'string') msg = `${err.path ?? ''}${err.path ? ': ' : ''}${err.message}`;
  else msg = `internal error: ${err instanceof Error ? err.message : String(e)}`;
  process.stderr.write(`btfpost-pahole: ${msg}\n`);
  if (process.env.BTFPOST_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
}

async function encode(o: PaholeOptions): Promise<void> {
  const [{ loadBase }, { parseElf, readElfSparse, readWholeInto, writeFileAtomic }, { encodeBtfFrom, encodeBtfParallel, encoderReadsSection }, { serializeBtf }, { distillBase }, { setBtfSections }, { BtfpostError }] = await Promise.all([
    import('../btf/base-cache.js'),
    import('../elf/index.js'),
    import('../encoder/index.js'),
    import('../btf/wire/serialize.js'),
    import('../btf/distill/index.js'),
    import('../pipeline/write-ko.js'),
    import('../common/errors.js'),
  ]);
  const file = o.file!;
  const say = (m: string) => { if (o.verbose > 0) process.stderr.write(`btfpost-pahole: ${file}: ${m}\n`); };
  const base = o.base !== undefined ? (await loadBase(o.base)).btf : null;
  // --btf_encode_detached reads only what encoding needs and hands the file over (a vmlinux is
  // hundreds of MB); -J rewrites the file, so it reads and keeps all of it.
  // -j as pahole: threads (all CPUs without a number), used for large inputs only (a vmlinux; see
  // PARALLEL_MIN_BYTES), whose file is then read into memory the threads share.
  const jobs = o.jobs === undefined ? 1 : o.jobs === 0 ? availableParallelism() : o.jobs;
  const alloc = (size: number) => byteArray(size, jobs > 1);
  let elf: ElfFile | null = null;
  let btf;
  try {
    const opts = { base, features: o.features, langExclude: o.langExclude, jobs };
    if (o.detached !== undefined) {
      const input = { elf: (await readElfSparse(file, { section: encoderReadsSection, alloc })).elf as ElfFile | null };
      btf = (await encodeBtfFrom(input, opts)).btf;
    } else {
      elf = parseElf(await readWholeInto(file, alloc), file);
      btf = (await encodeBtfParallel(elf, opts)).btf;
    }
  } catch (e) {
    throw e instanceof BtfpostError ? withFile(e, file) : e;
  }
  // Like pahole: a base (non-split) BTF with nothing but void is not written at all.
  if (!base && btf.count === 0) {
    say('no types to encode; nothing written');
    return;
  }
  if (elf === null) {
    const raw = serializeBtf(btf);
    await writeFileAtomic(o.detached!, raw);
    say(`wrote ${btf.count} types (${raw.length} bytes) to ${o.detached}`);
    return;
  }
  if (elf.signature) {
    throw new BtfpostError('unsupported', 'module is signed; writing .BTF would void the signature (sign after BTF, or use btfpost --strip-signature)', { file });
  }
  let sections: { btf: Uint8Array; base: Uint8Array | null };
  if (o.features.distilled_base) {
    if (!base) throw new BtfpostError('usage', 'the distilled_base feature needs --btf_base (a distilled base is made from the base BTF)', { file });
    const d = distillBase(btf, { file });
    sections = { btf: serializeBtf(d.split), base: serializeBtf(d.base) };
    say(`.BTF ${d.split.count} types (${sections.btf.length} bytes), .BTF.base ${d.base.count} types (${sections.base!.length} bytes)`);
  } else {
    sections = { btf: serializeBtf(btf), base: null };
    say(`.BTF ${btf.count} types (${sections.btf.length} bytes)`);
  }
  await writeFileAtomic(file, setBtfSections(elf, sections));
}

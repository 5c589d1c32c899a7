// `btfpost encode ELF [--btf_base BASE] [--btf_features LIST] [-j N] (--detached OUT | -J)`: DWARF → BTF like `pahole -J`.

import type { CommandModule } from 'yargs';
import { z } from 'zod/mini';
import { serializeBtf } from '../btf/index.js';
import { distillBase } from '../btf/distill/index.js';
import { loadBase } from '../btf/base-cache.js';
import { BtfpostError, UsageError, withFile } from '../common/errors.js';
import { byteArray } from '../common/typed-arrays.js';
import { applyElfEdits, parseElf, readElfSparse, readWholeInto, writeFileAtomic, type ElfEdit, type ElfFile } from '../elf/index.js';
import { encodeBtfFrom, encodeBtfParallel, encoderReadsSection, isFeatureName, legacyDefaultFeatures, parseFeatureLists } from '../encoder/index.js';

interface EncodeArgs {
  file: string;
  btf_base?: string;
  btf_features?: string[];
  btf_features_strict: boolean;
  jobs?: number;
  detached?: string;
  J: boolean;
  lang_exclude?: string;
  'allow-signed': boolean;
}

/** The feature lists as given on the command line: comma-separated names, optionally `default` or a leading `+`. */
// zod's small build: the full one costs a cold `encode` process ~40 ms to load.
const featureListSchema = z.array(z.string().check(z.regex(/^\+?[A-Za-z0-9_,]*$/, 'a feature list is comma-separated names, optionally starting with +')));


/** Validate --btf_features at the boundary and turn the lists into feature switches. */
function features(lists: string[] | undefined, strict: boolean) {
  if (lists === undefined || lists.length === 0) return legacyDefaultFeatures();
  const parsed = featureListSchema.safeParse(lists ?? []);
  if (!parsed.success) throw new UsageError(`--btf_features: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  if (strict) {
    for (const l of parsed.data) {
      for (const n of l.replace(/^\+/, '').split(',')) {
        if (n !== '' && n !== 'default' && !isFeatureName(n)) throw new UsageError(`--btf_features: unknown feature '${n}'`);
      }
    }
  }
  return parseFeatureLists(parsed.data, { strict });
}

function edit(elf: ElfFile, name: string, data: Uint8Array): ElfEdit {
  return elf.sectionByName(name) ? { op: 'replace', section: name, data } : { op: 'add', name, data, align: 1 };
}

/** The encode subcommand; `setCode` receives the exit code. */
export function encodeCommand(setCode: (code: number) => void): CommandModule<object, EncodeArgs> {
  return {
    command: 'encode <file>',
    describe: 'encode the DWARF of an ELF (kernel module, vmlinux) as BTF, like pahole -J',
    builder: (y) => y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF with DWARF' })
      .option('btf_base', { alias: 'B', type: 'string', describe: 'base BTF (raw or ELF, e.g. vmlinux) for split module BTF' })
      .option('btf_features', { type: 'string', array: true, describe: 'pahole feature list(s): default, +extra, or names; they accumulate (none given: var,enum64,decl_tag,type_tag as pahole)' })
      .option('btf_features_strict', { type: 'boolean', default: false, describe: 'refuse unknown feature names' })
      .option('lang_exclude', { type: 'string', describe: 'skip units in these languages (comma-separated, e.g. rust)' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'threads encoding runs of units in parallel, this one included, for inputs with 32 MB of DWARF or more (output identical to -j 1)' })
      .option('detached', { type: 'string', describe: 'write raw BTF to this file' })
      .option('J', { type: 'boolean', default: false, describe: 'write .BTF into the ELF (replacing or adding the section)' })
      .option('allow-signed', { type: 'boolean', default: false, describe: 'allow -J on a signed module (drops the signature)' })
      .check((a) => {
        if (!a.detached === !a.J) throw new UsageError('give exactly one of --detached OUT and -J');
        if (a.jobs !== undefined && !(Number.isInteger(a.jobs) && a.jobs >= 0)) throw new UsageError('-j takes a non-negative integer');
        return true;
      }),
    handler: async (argv) => {
      const feats = features(argv.btf_features, argv.btf_features_strict);
      const base = argv.btf_base ? (await loadBase(argv.btf_base)).btf : null;
      const jobs = argv.jobs ?? 1;
      const langExclude = (argv.lang_exclude ?? '').split(',').filter((s) => s !== '');
      const named = <T>(p: Promise<T>): Promise<T> => p.catch((e: unknown) => {
        throw e instanceof BtfpostError ? withFile(e, argv.file) : e;
      });
      // With worker threads the file is read into shared memory once, so no thread needs a copy.
      if (argv.detached) {
        // Only what encoding reads, and handed over: the file is not needed after encoding.
        const input = { elf: await readForEncoding(argv.file, jobs > 1) as ElfFile | null };
        const { btf } = await named(encodeBtfFrom(input, { base, features: feats, langExclude, jobs }));
        await writeFileAtomic(argv.detached, serializeBtf(btf));
      } else {
        // -J rewrites the file, so it reads and keeps all of it.
        const elf = parseElf(await readInput(argv.file, jobs > 1), argv.file);
        if (elf.signature && !argv['allow-signed']) {
          throw new BtfpostError('unsupported', 'module is signed; writing .BTF would invalidate the signature (use --allow-signed to drop it and sign again afterwards)', { file: argv.file });
        }
        const { btf } = await named(encodeBtfParallel(elf, { base, features: feats, langExclude, jobs }));
        const edits: ElfEdit[] = [];
        if (feats.distilled_base && base) {
          const d = distillBase(btf, { file: argv.file });
          edits.push(edit(elf, '.BTF', serializeBtf(d.split)), edit(elf, '.BTF.base', serializeBtf(d.base)));
        } else {
          edits.push(edit(elf, '.BTF', serializeBtf(btf)));
        }
        const out = applyElfEdits(elf, { edits, signature: elf.signature ? 'strip' : 'keep' });
        await writeFileAtomic(argv.file, out);
      }
      setCode(0);
    },
  };
}

/**
 * The ELF with only the sections encoding reads (see encoderReadsSection): the rest of a vmlinux,
 * its code, data and line tables, is neither read nor held in memory.
 */
async function readForEncoding(path: string, shared: boolean): Promise<ElfFile> {
  return (await readElfSparse(path, { section: encoderReadsSection, alloc: (size) => byteArray(size, shared) })).elf;
}

/** The file's bytes: a view of what was read, in a SharedArrayBuffer when worker threads will read it too. */
function readInput(path: string, shared: boolean): Promise<Uint8Array> {
  return readWholeInto(path, (size) => byteArray(size, shared));
}

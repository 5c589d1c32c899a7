// The main job: `btfpost MODULE.ko --base VMLINUX [...]`.

import type { CommandModule } from 'yargs';
import { readMaybeCompressed, writeMaybeCompressed } from '../elf/compress-file.js';
import { UsageError } from '../common/errors.js';

/** Compression implied by a file name (.ko.xz, .ko.zst, .gz), none otherwise. */
export function compressionForName(name: string): 'none' | 'xz' | 'zstd' | 'gzip' {
  if (name.endsWith('.xz')) return 'xz';
  if (name.endsWith('.zst')) return 'zstd';
  if (name.endsWith('.gz')) return 'gzip';
  return 'none';
}

interface PostLinkArgs {
  module: string;
  base?: string;
  btf_features: string[];
  btf_features_strict: boolean;
  lang_exclude?: string;
  'distilled-base': boolean;
  'base-section': '.BTF.base' | '.BTF.base_ref';
  standalone: boolean;
  output?: string;
  jobs?: number;
  'strip-signature': boolean;
  fatal_warnings: boolean;
  verbose: boolean;
}

/** The default command. */
export function postLinkCommand(setCode: (code: number) => void): CommandModule<object, PostLinkArgs> {
  return {
    command: '$0 <module>',
    describe: 'encode, deduplicate (and distill) the BTF of a module and resolve its .BTF_ids, in place or to -o',
    builder: (y) => y
      .positional('module', { type: 'string', demandOption: true, describe: '.ko, .ko.xz or .ko.zst with DWARF' })
      .option('base', { alias: ['B', 'btf_base'], type: 'string', describe: 'vmlinux BTF (raw or ELF) the module BTF is split over' })
      .option('btf_features', { type: 'string', array: true, default: [] as string[], describe: 'pahole --btf_features lists (default: what kbuild uses)' })
      .option('btf_features_strict', { type: 'boolean', default: false, describe: 'refuse unknown feature names' })
      .option('lang_exclude', { type: 'string', describe: 'skip units in these languages (rust)' })
      .option('distilled-base', { type: 'boolean', default: false, describe: 'also write a distilled base so the BTF survives kernel rebuilds' })
      .option('base-section', { choices: ['.BTF.base', '.BTF.base_ref'] as const, default: '.BTF.base' as const, describe: 'section name of the distilled base' })
      .option('standalone', { type: 'boolean', default: false, describe: 'self-contained BTF with no base (not read by upstream kernels)' })
      .option('output', { alias: 'o', type: 'string', describe: 'write here instead of replacing the module' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'accepted for pahole compatibility; output is the same for any value' })
      .option('strip-signature', { type: 'boolean', default: false, describe: 'drop an appended module signature (sign again after BTF)' })
      .option('fatal_warnings', { type: 'boolean', default: false, describe: '.BTF_ids warnings are errors' })
      .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'explain each step with sizes' }),
    handler: async (a) => {
      if (!a.base && !a.standalone) throw new UsageError('give --base VMLINUX (or --standalone)');
      const [{ postLink }, { parseFeatureLists, KBUILD_FEATURES }] = await Promise.all([import('../pipeline/postlink.js'), import('../encoder/index.js')]);
      const lists = a.btf_features.length > 0 ? a.btf_features : [KBUILD_FEATURES];
      const features = parseFeatureLists(lists.flatMap((l) => l.split(/\s+/)).filter(Boolean), { strict: a.btf_features_strict });
      const log = a.verbose ? (l: string) => process.stderr.write(`btfpost: ${a.module}: ${l}\n`) : undefined;
      const loaded = a.standalone ? null : await (await import('../btf/base-cache.js')).loadBase(a.base!);
      const base = loaded?.btf ?? null;
      if (loaded) log?.(`base ${a.base}: ${loaded.btf.count} types, prepared for dedup ${loaded.cache === 'hit' ? 'from the cache' : loaded.cache === 'miss' ? 'and cached' : '(no cache)'}`);
      const { bytes, compression } = await readMaybeCompressed(a.module);
      const r = postLink(bytes, a.module, {
        base, features, langExclude: a.lang_exclude ? a.lang_exclude.split(',') : [], distilled: a['distilled-base'],
        baseSection: a['base-section'], standalone: a.standalone, stripSignature: a['strip-signature'], fatalWarnings: a.fatal_warnings, log,
      });
      for (const w of r.warnings) if (!a.verbose) process.stderr.write(`btfpost: ${a.module}: ${w}\n`);
      // In place: keep the module's compression; with -o: the output name's extension decides.
      const outCompression = a.output ? compressionForName(a.output) : compression;
      await writeMaybeCompressed(a.output ?? a.module, r.chunks, outCompression);
      setCode(0);
    },
  };
}

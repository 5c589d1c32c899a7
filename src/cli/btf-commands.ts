// BTF subcommands: dedup, merge, distill, relocate, check, renumber.

import type { Argv, CommandModule } from 'yargs';
import { readMaybeCompressed } from '../elf/compress-file.js';
import { writeFileAtomic } from '../elf/index.js';
import { serializeBtf } from '../btf/wire/serialize.js';
import { btfFromBytes, btfFromElf, loadBtfFile } from '../btf/load.js';
import { parseElf } from '../elf/index.js';
import { reresolveBtfIds, setBtfSections } from '../pipeline/write-ko.js';
import { dedupBtf } from '../btf/dedup/index.js';
import { distillBase } from '../btf/distill/index.js';
import { relocateBtf } from '../btf/relocate/index.js';
import { mergeModules, renumberAsSplit, standaloneFromSplit } from '../btf/standalone.js';
import { compareBtf } from '../btf/compare.js';
import type { CheckResult } from '../pipeline/check.js';
import { UsageError } from '../common/errors.js';
import type { Btf } from '../btf/model/btf.js';

type SetCode = (code: number) => void;

async function loadBase(path: string | undefined): Promise<Btf | null> {
  return path ? (await loadBtfFile(path)).btf : null;
}

async function writeBtf(path: string, btf: Btf): Promise<void> {
  await writeFileAtomic(path, serializeBtf(btf));
}

const baseOpt = <T>(y: Argv<T>, required: boolean, describe: string) =>
  y.option('base', { alias: 'B', type: 'string', demandOption: required, describe });

/** `btfpost dedup IN [--base BASE] -o OUT` */
export function dedupCommand(setCode: SetCode): CommandModule {
  return {
    command: 'dedup <in>',
    describe: 'deduplicate BTF (as split BTF when --base is given), as libbpf btf__dedup does',
    builder: (y) => baseOpt(y.positional('in', { type: 'string', demandOption: true, describe: 'raw BTF or ELF with .BTF' }), false, 'base BTF (raw or ELF)')
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'raw BTF to write' }),
    handler: async (argv) => {
      const a = argv as unknown as { in: string; base?: string; output: string };
      const base = await loadBase(a.base);
      const { btf } = await loadBtfFile(a.in, { base });
      await writeBtf(a.output, dedupBtf(btf, { file: a.in }));
      setCode(0);
    },
  };
}

/** `btfpost merge BASE MODULE... -o OUT` */
export function mergeCommand(setCode: SetCode): CommandModule {
  return {
    command: 'merge <base> <modules..>',
    describe: 'one self-contained BTF holding a vmlinux BTF and the given modules\' types, each merged once',
    builder: (y) => y
      .positional('base', { type: 'string', demandOption: true, describe: 'vmlinux BTF (raw or ELF)' })
      .positional('modules', { type: 'string', array: true, demandOption: true, describe: 'modules (.ko, .ko.xz, .ko.zst) or raw split BTF' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'raw BTF to write' }),
    handler: async (argv) => {
      const a = argv as unknown as { base: string; modules: string[]; output: string };
      const base = (await loadBtfFile(a.base)).btf;
      const mods: Btf[] = [];
      for (const m of a.modules) mods.push((await loadBtfFile(m, { base })).btf);
      await writeBtf(a.output, mergeModules(base, mods));
      setCode(0);
    },
  };
}

/** `btfpost distill IN --base BASE -o SPLIT --base-out DISTILLED` */
export function distillCommand(setCode: SetCode): CommandModule {
  return {
    command: 'distill <in>',
    describe: 'split BTF into new split BTF plus a distilled base (.BTF.base contents)',
    builder: (y) => baseOpt(y.positional('in', { type: 'string', demandOption: true, describe: '.ko or raw split BTF' }), true, 'the base the split BTF was built against')
      .option('output', { alias: 'o', type: 'string', describe: 'new split BTF (raw)' })
      .option('base-out', { type: 'string', describe: 'distilled base BTF (raw)' })
      .option('ko-out', { type: 'string', describe: 'write a copy of the module IN with the new .BTF and the distilled base section' })
      .option('base-section', { choices: ['.BTF.base', '.BTF.base_ref'] as const, default: '.BTF.base' as const, describe: 'section name of the distilled base in --ko-out' })
      .option('strip-signature', { type: 'boolean', default: false, describe: 'drop the module signature (sign again afterwards)' })
      .check((a) => {
        if (!a['ko-out'] && !(a.output && a['base-out'])) throw new Error('give -o and --base-out, or --ko-out');
        return true;
      }),
    handler: async (argv) => {
      const a = argv as unknown as { in: string; base: string; output?: string; baseOut?: string; koOut?: string; baseSection: '.BTF.base' | '.BTF.base_ref'; stripSignature: boolean };
      const base = (await loadBtfFile(a.base)).btf;
      const { bytes } = await readMaybeCompressed(a.in);
      // A module is parsed once: its sections are read here and edited below.
      const elf = a.koOut ? parseElf(bytes, a.in) : null;
      const { btf } = elf ? btfFromElf(elf, a.in, { base, relocate: true }) : btfFromBytes(bytes, a.in, { base });
      const d = distillBase(btf, { file: a.in });
      if (a.output) await writeBtf(a.output, d.split);
      if (a.baseOut) await writeBtf(a.baseOut, d.base);
      if (a.koOut && elf) {
        // .BTF_ids hold ids of the old numbering: write them again in the distilled one.
        const ids = reresolveBtfIds(elf, btf, d.split);
        for (const w of ids.warnings) process.stderr.write(`btfpost: ${a.in}: ${w}\n`);
        const out = setBtfSections(elf, { btf: serializeBtf(d.split), base: serializeBtf(d.base), baseSection: a.baseSection, btfIds: ids.data }, { stripSignature: a.stripSignature });
        await writeFileAtomic(a.koOut, out);
      }
      setCode(0);
    },
  };
}

/** `btfpost relocate IN --base NEW -o OUT [--distilled FILE]` */
export function relocateCommand(setCode: SetCode): CommandModule {
  return {
    command: 'relocate <in>',
    describe: 'move split BTF from its distilled base onto another vmlinux BTF, as the kernel does at load',
    builder: (y) => baseOpt(y.positional('in', { type: 'string', demandOption: true, describe: '.ko with .BTF and .BTF.base, or raw split BTF' }), true, 'the new base')
      .option('distilled', { type: 'string', describe: 'the distilled base, when IN is raw split BTF' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'split BTF over the new base (raw)' }),
    handler: async (argv) => {
      const a = argv as unknown as { in: string; base: string; output: string; distilled?: string };
      const base = (await loadBtfFile(a.base)).btf;
      let split: Btf;
      if (a.distilled) {
        const dist = (await loadBtfFile(a.distilled)).btf;
        split = (await loadBtfFile(a.in, { base: dist })).btf;
      } else {
        const l = await loadBtfFile(a.in);
        if (!l.distilled) throw new UsageError(`${a.in} has no .BTF.base; give the distilled base with --distilled`);
        split = l.btf;
      }
      await writeBtf(a.output, relocateBtf(split, base, { file: a.in }).btf);
      setCode(0);
    },
  };
}

/** `btfpost check MODULE... --base NEW [--built-with OLD] [--json]` */
export function checkCommand(setCode: SetCode): CommandModule {
  return {
    command: 'check <modules..>',
    describe: 'will each module\'s BTF be usable on the kernel whose BTF is --base?',
    builder: (y) => baseOpt(y.positional('modules', { type: 'string', array: true, demandOption: true }), true, 'BTF of the target kernel')
      .option('built-with', { type: 'string', describe: 'vmlinux BTF the plain split modules were built against (enables the id-by-id check)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON report (schema: CheckReportSchema)' }),
    handler: async (argv) => {
      const a = argv as unknown as { modules: string[]; base: string; builtWith?: string; json: boolean };
      const { checkModule, CheckReportSchema } = await import('../pipeline/check.js');
      const base = (await loadBtfFile(a.base)).btf;
      const builtWith = await loadBase(a.builtWith);
      const results: CheckResult[] = [];
      for (const m of a.modules) {
        const { bytes } = await readMaybeCompressed(m);
        results.push(checkModule(bytes, m, base, { builtWith }));
      }
      const failed = results.filter((r) => !r.ok).length;
      if (a.json) {
        const report = CheckReportSchema.parse({ base: a.base, modules: results, ok: results.length - failed, failed });
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        for (const r of results) process.stdout.write(`${r.module}: ${r.ok ? 'ok' : 'FAIL'} (${r.mode})${r.reason ? `: ${r.reason}` : ''}\n`);
        process.stdout.write(`${results.length - failed} ok, ${failed} failed\n`);
      }
      setCode(failed ? 2 : 0);
    },
  };
}

/** `btfpost renumber IN --as-split-of VMLINUX -o OUT` */
export function renumberCommand(setCode: SetCode): CommandModule {
  return {
    command: 'renumber <in>',
    describe: 'show standalone module BTF as split BTF over a vmlinux (ids and strings after the base\'s)',
    builder: (y) => y.positional('in', { type: 'string', demandOption: true, describe: 'standalone BTF (raw or ELF)' })
      .option('as-split-of', { type: 'string', demandOption: true, describe: 'the vmlinux BTF' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'raw split BTF to write' }),
    handler: async (argv) => {
      const a = argv as unknown as { in: string; asSplitOf: string; output: string };
      const base = (await loadBtfFile(a.asSplitOf)).btf;
      const { btf } = await loadBtfFile(a.in);
      await writeBtf(a.output, renumberAsSplit(btf, base));
      setCode(0);
    },
  };
}


/** `btfpost compare A B [--base BASE]` */
export function compareCommand(setCode: SetCode): CommandModule {
  return {
    command: 'compare <a> <b>',
    describe: 'compare two BTFs as type graphs, independent of type order (exit 0 when equal)',
    builder: (y) => baseOpt(y.positional('a', { type: 'string', demandOption: true }).positional('b', { type: 'string', demandOption: true }), false, 'base BTF both are split over')
      .option('json', { type: 'boolean', default: false }),
    handler: async (argv) => {
      const a = argv as unknown as { a: string; b: string; base?: string; json: boolean };
      const base = await loadBase(a.base);
      const A = (await loadBtfFile(a.a, { base })).btf;
      const B = (await loadBtfFile(a.b, { base })).btf;
      const r = compareBtf(A, B);
      if (a.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      } else {
        for (const t of r.onlyInA) process.stdout.write(`only in ${a.a}: ${t}\n`);
        for (const t of r.onlyInB) process.stdout.write(`only in ${a.b}: ${t}\n`);
        process.stdout.write(`${r.equal ? 'equal' : 'different'} (${r.countA} and ${r.countB} types)\n`);
      }
      setCode(r.equal ? 0 : 3);
    },
  };
}

/** `btfpost standalone IN --base BASE -o OUT` */
export function standaloneCommand(setCode: SetCode): CommandModule {
  return {
    command: 'standalone <in>',
    describe: 'self-contained BTF of a module: its split types plus copies of every base type they reach',
    builder: (y) => baseOpt(y.positional('in', { type: 'string', demandOption: true, describe: '.ko or raw split BTF' }), true, 'the base the split BTF was built against')
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'raw BTF to write' }),
    handler: async (argv) => {
      const a = argv as unknown as { in: string; base: string; output: string };
      const base = (await loadBtfFile(a.base)).btf;
      const { btf } = await loadBtfFile(a.in, { base });
      await writeBtf(a.output, dedupBtf(standaloneFromSplit(btf), { file: a.in }));
      setCode(0);
    },
  };
}

// `btfpost batch DIR|FILE... --base VMLINUX [--jobs N] [--report FILE] [--check-only]`.

import { availableParallelism } from 'node:os';
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../elf/index.js';

interface BatchArgs {
  paths: string[];
  base: string;
  jobs?: number;
  report?: string;
  'check-only': boolean;
  'distilled-base': boolean;
  'base-section': '.BTF.base' | '.BTF.base_ref';
  standalone: boolean;
  'strip-signature': boolean;
  btf_features: string[];
  lang_exclude?: string;
}

/** The batch subcommand. */
export function batchCommand(setCode: (code: number) => void): CommandModule<object, BatchArgs> {
  return {
    command: 'batch <paths..>',
    describe: 'run the post-link job (or --check-only) over many modules in parallel, with a JSON report',
    builder: (y) => y
      .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'modules or directories searched for *.ko[.xz|.zst]' })
      .option('base', { alias: 'B', type: 'string', demandOption: true, describe: 'vmlinux BTF (raw or ELF)' })
      .option('jobs', { alias: 'j', type: 'number', describe: 'worker processes (default: the number of CPUs)' })
      .option('report', { type: 'string', describe: 'write a JSON report here (schema: BatchReportSchema)' })
      .option('check-only', { type: 'boolean', default: false, describe: 'only check each module\'s BTF against --base; change nothing' })
      .option('distilled-base', { type: 'boolean', default: false })
      .option('base-section', { choices: ['.BTF.base', '.BTF.base_ref'] as const, default: '.BTF.base' as const })
      .option('standalone', { type: 'boolean', default: false })
      .option('strip-signature', { type: 'boolean', default: false })
      .option('btf_features', { type: 'string', array: true, default: [] as string[] })
      .option('lang_exclude', { type: 'string' }),
    handler: async (a) => {
      const { collectModules, runBatch } = await import('../pipeline/batch.js');
      const { BatchReportSchema } = await import('../pipeline/batch-schema.js');
      const files = await collectModules(a.paths);
      const jobs = a.jobs ?? availableParallelism();
      const tty = process.stderr.isTTY === true;
      const report = await runBatch(files, {
        base: a.base, features: a.btf_features.flatMap((l) => l.split(/\s+/)).filter(Boolean), distilled: a['distilled-base'],
        baseSection: a['base-section'], standalone: a.standalone, stripSignature: a['strip-signature'], checkOnly: a['check-only'],
        langExclude: a.lang_exclude ? a.lang_exclude.split(',') : [],
      }, jobs, tty ? (d, t, last) => {
        const w = 30;
        const f = Math.round((d / t) * w);
        process.stderr.write(`\r[${'#'.repeat(f)}${' '.repeat(w - f)}] ${d}/${t} ${last.slice(-40).padEnd(40)}`);
        if (d === t) process.stderr.write('\n');
      } : undefined);
      BatchReportSchema.parse(report);
      if (a.report) await writeFileAtomic(a.report, new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`));
      for (const m of report.modules) if (m.result === 'failed') process.stderr.write(`btfpost: ${m.error}\n`);
      if (tty || report.failed) process.stderr.write(`btfpost: ${report.ok} ok, ${report.failed} failed in ${(report.ms / 1000).toFixed(1)} s\n`);
      setCode(report.failed ? 2 : 0);
    },
  };
}

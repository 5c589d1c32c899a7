// `btfpost dump FILE [-B BASE] [--format raw|c|json]`.

import type { CommandModule } from 'yargs';
import { loadBtfFile } from '../btf/load.js';
import { TextSink } from './output.js';

interface DumpArgs {
  file: string;
  base?: string;
  format: 'raw' | 'c' | 'json';
}

/** The dump subcommand; `setCode` receives the exit code. */
export function dumpCommand(setCode: (code: number) => void): CommandModule<object, DumpArgs> {
  return {
    command: 'dump <file>',
    describe: 'print BTF of a raw BTF file or an ELF (vmlinux, .ko, .ko.xz, .ko.zst)',
    builder: (y) => y
      .positional('file', { type: 'string', demandOption: true, describe: 'raw BTF or ELF with .BTF' })
      .option('base', { alias: 'B', type: 'string', describe: 'base BTF (raw or ELF) for split BTF' })
      .option('format', { alias: 'f', choices: ['raw', 'c', 'json'] as const, default: 'raw' as const, describe: 'output format' }),
    handler: async (argv) => {
      const base = argv.base ? (await loadBtfFile(argv.base)).btf : null;
      const { btf } = await loadBtfFile(argv.file, { base });
      const sink = new TextSink();
      // Each format's code is loaded only when asked for, to keep start-up short.
      if (argv.format === 'raw') {
        const { dumpRaw } = await import('../btf/dump/raw.js');
        dumpRaw(btf, (s) => sink.write(s));
      } else if (argv.format === 'c') {
        const { dumpC } = await import('../btf/dump/c.js');
        sink.write(dumpC(btf));
      } else {
        const { dumpJson } = await import('../btf/dump/json.js');
        sink.write(`${JSON.stringify(dumpJson(btf), null, 2)}\n`);
      }
      sink.flush();
      setCode(0);
    },
  };
}

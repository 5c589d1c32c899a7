// The btfpost command line with every subcommand (see command-line.ts).

import { runCommandLine, type CommandTable } from './command-line.js';

// Each subcommand's module is imported only when that subcommand runs (all of them for --help
// or an unknown word), so a dump does not pay for compiling the encoder.
const ALL: CommandTable = {
  named: {
    batch: async () => [(await import('./batch.js')).batchCommand],
    dump: async () => [(await import('./dump.js')).dumpCommand],
    'resolve-ids': async () => [(await import('./resolve-ids.js')).resolveIdsCommand],
    encode: async () => [(await import('./encode.js')).encodeCommand],
    dedup: async () => [(await import('./btf-commands.js')).dedupCommand],
    merge: async () => [(await import('./btf-commands.js')).mergeCommand],
    distill: async () => [(await import('./btf-commands.js')).distillCommand],
    relocate: async () => [(await import('./btf-commands.js')).relocateCommand],
    check: async () => [(await import('./btf-commands.js')).checkCommand],
    renumber: async () => [(await import('./btf-commands.js')).renumberCommand],
    compare: async () => [(await import('./btf-commands.js')).compareCommand],
    standalone: async () => [(await import('./btf-commands.js')).standaloneCommand],
  },
  onModule: async () => [(await import('./postlink.js')).postLinkCommand],
};

/** Run the CLI with the given arguments; resolves to the process exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommandLine(ALL, argv);
}

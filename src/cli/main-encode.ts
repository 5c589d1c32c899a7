// `btfpost encode ...` alone (see bin/load-bundle.js, btfpostProgram): the same command line as
// main.ts for the arguments it is started with, bundled without the other subcommands.

import { runCommandLine } from './command-line.js';
import { encodeCommand } from './encode.js';

/** Run `btfpost encode` with the given arguments (the first is `encode`); resolves to the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommandLine({ named: { encode: async () => [encodeCommand] }, onModule: null }, argv);
}

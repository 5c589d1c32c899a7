// `btfpost MODULE ...` alone, the post-link job (see bin/load-bundle.js, btfpostProgram): the same
// command line as main.ts for the arguments it is started with, bundled without the subcommands.

import { runCommandLine } from './command-line.js';
import { postLinkCommand } from './postlink.js';

/** Run the post-link job with the given arguments (the first names a module); resolves to the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommandLine({ named: {}, onModule: async () => [postLinkCommand] }, argv);
}

// The btfpost command line: parses arguments, runs a subcommand, maps errors to exit codes.

import yargs from 'yargs';
import { BtfpostError, UsageError } from '../common/errors.js';
import { dumpCommand } from './dump.js';
import { encodeCommand } from './encode.js';
import { postLinkCommand } from './postlink.js';
import { batchCommand } from './batch.js';
import { resolveIdsCommand } from './resolve-ids.js';
import { checkCommand, compareCommand, dedupCommand, distillCommand, mergeCommand, relocateCommand, renumberCommand, standaloneCommand } from './btf-commands.js';
import { VERSION } from './version.js';

/** Exit codes: 0 success, 1 usage error, 2 bad input or failed operation. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_FAIL = 2;

/** Run the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const setCode = (c: number) => { code = c; };
  const cli = yargs(argv)
    .scriptName('btfpost')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'give a command; see --help')
    .recommendCommands()
    .command(postLinkCommand(setCode))
    .command(batchCommand(setCode))
    .command(dumpCommand(setCode))
    .command(resolveIdsCommand(setCode))
    .command(encodeCommand(setCode))
    .command(dedupCommand(setCode))
    .command(mergeCommand(setCode))
    .command(distillCommand(setCode))
    .command(relocateCommand(setCode))
    .command(checkCommand(setCode))
    .command(renumberCommand(setCode))
    .command(compareCommand(setCode))
    .command(standaloneCommand(setCode))
    .help()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  try {
    await cli.parseAsync();
  } catch (e) {
    return reportError(e);
  }
  return code;
}

/** Print an error as one line on stderr and choose the exit code. Never prints a stack trace. */
export function reportError(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`btfpost: ${e.message}\nTry 'btfpost --help'.\n`);
    return EXIT_USAGE;
  }
  if (e instanceof BtfpostError) {
    process.stderr.write(`btfpost: ${e.describe()}\n`);
    return EXIT_FAIL;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.syscall === 'string') {
    process.stderr.write(`btfpost: ${err.path ?? ''}${err.path ? ': ' : ''}${err.message}\n`);
    return EXIT_FAIL;
  }
  const msg = err instanceof Error ? err.message : String(e);
  process.stderr.write(`btfpost: internal error: ${msg}\n`);
  if (process.env.BTFPOST_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return EXIT_FAIL;
}

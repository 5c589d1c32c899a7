// The btfpost command line over a table of subcommands: parses arguments, runs a subcommand, maps
// errors to exit codes. main.ts runs it with every subcommand; main-encode.ts and main-module.ts
// with the one each needs (see bin/load-bundle.js, btfpostProgram).

import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { BtfpostError, UsageError } from '../common/errors.js';
import { VERSION } from './version.js';

type SetCode = (code: number) => void;
type Factory = (setCode: SetCode) => CommandModule<any, any>;
/** Loads a subcommand's module: imported only when that subcommand runs. */
export type CommandLoader = () => Promise<Factory[]>;

/**
 * The subcommands of a command line: those run by name (`btfpost encode ...`), and the one run on
 * a module file (`btfpost module.ko ...`), if any.
 */
export interface CommandTable {
  named: Readonly<Record<string, CommandLoader>>;
  onModule: CommandLoader | null;
}

/** A first word naming a module file, which runs the table's `onModule` (see bin/load-bundle.js). */
export const MODULE_FILE = /\.ko(\.xz|\.zst|\.gz)?$|\.o$/;

/** The named command `argv` runs when it needs no other (no --help, no --version), else null. */
async function namedCommand(table: CommandTable, argv: readonly string[]): Promise<Factory | null> {
  const first = argv[0];
  if (!first || !Object.hasOwn(table.named, first) || argv.includes('--help') || argv.includes('--version')) return null;
  const factories = await table.named[first]();
  return factories.length === 1 ? factories[0] : null;
}

async function commandsFor(table: CommandTable, argv: readonly string[]): Promise<Factory[]> {
  const first = argv[0];
  // A version check (packaging scripts run one per build) needs no command.
  if (argv.length === 1 && first === '--version') return [];
  const wantsAll = !first || first.startsWith('-') || argv.includes('--help') || argv.includes('--version');
  if (!wantsAll && Object.hasOwn(table.named, first)) return table.named[first]();
  if (!wantsAll && table.onModule !== null && MODULE_FILE.test(first)) return table.onModule();
  const all = table.onModule !== null ? [await table.onModule()] : [];
  for (const load of Object.values(table.named)) all.push(await load());
  return all.flat();
}

/** Exit codes: 0 success, 1 usage error, 2 bad input or failed operation. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_FAIL = 2;

/** Run the command line of `table` with the given arguments; resolves to the process exit code. */
export async function runCommandLine(table: CommandTable, argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const setCode = (c: number) => { code = c; };
  const named = await namedCommand(table, argv);
  if (named !== null) return runNamed(argv, named, setCode).then(() => code, reportError);
  const cli = yargs(argv)
    .scriptName('btfpost')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'give a command; see --help')
    .recommendCommands();
  for (const make of await commandsFor(table, argv)) cli.command(make(setCode));
  // The width of help text, the only text yargs itself prints here (failures go to .fail below).
  // Asked only for help: reading it sets up process.stdout, 1-2.5 ms of a start.
  if (argv.includes('--help')) cli.wrap(Math.min(100, process.stdout.columns ?? 100));
  cli
    .help()
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

/**
 * Run one named command (`btfpost encode ...`) as the only, default command of a parser over the
 * words after its name. Parsing, checks and messages are the same; what is skipped is the help
 * text yargs renders before running a named command's handler (~40 ms of a cold process, about
 * what pahole needs for a whole small module). With no help, it needs no text width either.
 */
async function runNamed(argv: readonly string[], make: Factory, setCode: SetCode): Promise<void> {
  const m = make(setCode);
  const [name, ...params] = String(m.command).split(' ');
  const cli = yargs(argv.slice(1))
    .scriptName(`btfpost ${name}`)
    .strict()
    .command({ ...m, command: ['$0', ...params].join(' ') })
    .help(false)
    .version(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  await cli.parseAsync();
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

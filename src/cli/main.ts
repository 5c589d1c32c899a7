// The btfpost command line: parses arguments, runs a subcommand, maps errors to exit codes.

import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { BtfpostError, UsageError } from '../common/errors.js';
import { VERSION } from './version.js';

type SetCode = (code: number) => void;
type Factory = (setCode: SetCode) => CommandModule<any, any>;

// Each subcommand's module is imported only when that subcommand runs (all of them for --help
// or an unknown word), so a dump does not pay for compiling the encoder.
const COMMANDS: Record<string, () => Promise<Factory[]>> = {
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
};
const DEFAULT_COMMAND = async (): Promise<Factory[]> => [(await import('./postlink.js')).postLinkCommand];

/** The named command `argv` runs when it needs no other (no --help, no --version), else null. */
async function namedCommand(argv: readonly string[]): Promise<Factory | null> {
  const first = argv[0];
  if (!first || !Object.hasOwn(COMMANDS, first) || argv.includes('--help') || argv.includes('--version')) return null;
  const factories = await COMMANDS[first]();
  return factories.length === 1 ? factories[0] : null;
}

async function commandsFor(argv: readonly string[]): Promise<Factory[]> {
  const first = argv[0];
  // A version check (packaging scripts run one per build) needs no command.
  if (argv.length === 1 && first === '--version') return [];
  const wantsAll = !first || first.startsWith('-') || argv.includes('--help') || argv.includes('--version');
  if (!wantsAll && Object.hasOwn(COMMANDS, first)) return COMMANDS[first]();
  if (!wantsAll && /\.ko(\.xz|\.zst|\.gz)?$|\.o$/.test(first)) return DEFAULT_COMMAND();
  const all = [await DEFAULT_COMMAND()];
  for (const load of Object.values(COMMANDS)) all.push(await load());
  return all.flat();
}

/** Exit codes: 0 success, 1 usage error, 2 bad input or failed operation. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_FAIL = 2;

/** Run the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const setCode = (c: number) => { code = c; };
  const named = await namedCommand(argv);
  if (named !== null) return runNamed(argv, named, setCode).then(() => code, reportError);
  const cli = yargs(argv)
    .scriptName('btfpost')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'give a command; see --help')
    .recommendCommands();
  for (const make of await commandsFor(argv)) cli.command(make(setCode));
  cli
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

/**
 * Run one named command (`btfpost encode ...`) as the only, default command of a parser over the
 * words after its name. Parsing, checks and messages are the same; what is skipped is the help
 * text yargs renders before running a named command's handler (~40 ms of a cold process, about
 * what pahole needs for a whole small module).
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
    .wrap(Math.min(100, process.stdout.columns ?? 100))
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

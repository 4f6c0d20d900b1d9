/**
 * The `casebook` CLI: one program, one file per command group in `cli/commands/`.
 *
 * Each command module exports `register(program)`; modules are discovered from the folder so
 * that the people building separate command groups never edit the same file. Exit codes are a
 * contract: 0 success, 1 the input or the round is invalid, 2 usage or I/O errors.
 */
import { Command, CommanderError } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CliError, cliErrorReport, EXIT, unexpectedErrorReport } from './support/errors';

export interface CommandModule {
  register(program: Command): void;
}

/**
 * Where command modules come from: the files of `cli/commands/` (their names, sorted) and how to
 * load one. By default they are imported from the folder; the prebuilt CLI bundle passes its own
 * loaders (cli/casebook.mjs), generated from the same folder listing.
 */
export interface CommandSource {
  files: readonly string[];
  load(file: string): Promise<Partial<CommandModule>>;
}

function folderSource(): CommandSource {
  const files = readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  return { files, load: async (file) => (await import(pathToFileURL(join(commandsDir, file)).href)) as Partial<CommandModule> };
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

/**
 * The command modules to load for `argv`: only the one(s) that declare the requested command, so
 * a single command does not pay for importing (and transpiling) every other command's
 * dependencies; all of them for help, an unknown command, or no command.
 */
function modulesFor(argv: readonly string[], files: readonly string[]): readonly string[] {
  const name = argv.slice(2).find((arg) => !arg.startsWith('-') && !GLOBAL_VALUE_OPTIONS.has(argv[argv.indexOf(arg) - 1] ?? ''));
  if (!name || name === 'help') return files;
  const declaring = files.filter((file) => readFileSync(join(commandsDir, file), 'utf8').includes(`.command('${name}`));
  return declaring.length > 0 ? declaring : files;
}

/** Root options that take a value: their value is not a command name. */
const GLOBAL_VALUE_OPTIONS = new Set(['--api', '--token', '--data-dir']);

export async function buildProgram(argv: readonly string[] = [], source: CommandSource = folderSource()): Promise<Command> {
  const program = new Command('casebook')
    .description('Selection rounds of innovation cases, end to end (local cloud by default).')
    .option('--json', 'machine-readable output (one JSON document, or JSON lines for many)')
    .option('--api <url>', 'API base URL of a deployed stack (default: the local cloud)')
    .option('--token <jwt>', "bearer token, for automation (default: the tokens of `casebook login`, or locally a demo persona's)")
    .option('--data-dir <dir>', 'data directory of the local cloud', '.casebook')
    .showHelpAfterError()
    .exitOverride();
  for (const file of modulesFor(argv, source.files)) {
    const mod = await source.load(file);
    if (typeof mod.register !== 'function') throw new Error(`cli/commands/${file} exports no register()`);
    mod.register(program);
  }
  return program;
}

export async function main(argv: string[], source?: CommandSource): Promise<number> {
  const debug = Boolean(process.env.CASEBOOK_DEBUG);
  try {
    const program = await buildProgram(argv, source);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit with code 0; anything else from the parser is a usage error
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(cliErrorReport(err, debug));
      return err.exitCode;
    }
    // never a bare message: which step, what failed under it, and how to see more
    process.stderr.write(unexpectedErrorReport(err, debug));
    return EXIT.usage;
  }
}

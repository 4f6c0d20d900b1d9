import type { Command } from 'commander';
import { roundNumberArg } from '../support/round-id';
import { SingleBar } from 'cli-progress';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { intakeDossier, type IntakeReport, type ValidationContext } from '../../src/domain/dossier';
import type { Issue } from '../../src/domain/model';
import { CliError, EXIT } from '../support/errors';

/** The dossiers of a directory: its files, not subdirectories, without dotfiles and READMEs. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !/^readme(\.[a-z]+)?$/i.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => join(dir, name));
}

function describe(i: Issue): string {
  const where = i.at?.line !== undefined ? ` ${i.at.line}:${i.at.column ?? 1}` : '';
  return `${i.code} [${i.field}${where}] ${i.message.zh}\n      ${i.message.en}`;
}

function printHuman(file: string, report: IntakeReport): void {
  const head = report.valid ? `✓ ${file}` : `✗ ${file}`;
  const unit = report.dossier ? `  ${report.dossier.unit.canonicalName} (${report.dossier.unit.code})` : '';
  process.stdout.write(`${head}${unit}\n`);
  for (const e of report.errors) process.stdout.write(`  error   ${describe(e)}\n`);
  for (const w of report.warnings) process.stdout.write(`  warning ${describe(w)}\n`);
}

/** `casebook validate PATH [--round N]`: exit 0 all valid, 1 any invalid, 2 usage or I/O error. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('parse and validate dossiers (a file or a directory of files) as the intake pipeline would')
    .argument('<path>', 'a dossier file (.md, .json, .docx, .zip) or a directory of them (not recursive; READMEs skipped)')
    .option('--round <n>', 'check against round N, as 6 or round-6 (its number must match the dossier’s)', roundNumberArg)
    .option('--json', 'one JSON object per file (JSON lines for a directory)')
    .action(async (path: string, opts: { round?: number; json?: boolean }) => {
      const json = Boolean(opts.json ?? program.opts().json);
      let ctx: ValidationContext = {};
      if (opts.round !== undefined) {
        ctx = { round: { number: opts.round, eligibleLevels: ['county', 'township'], closed: false } };
      }
      let isDirectory: boolean;
      try {
        isDirectory = (await stat(path)).isDirectory();
      } catch {
        throw new CliError(`cannot read ${path}`, EXIT.usage, 'check the path; give a dossier file or a directory of dossiers');
      }
      const files = isDirectory ? await listFiles(path) : [path];
      if (isDirectory && files.length === 0) throw new CliError(`no files in ${path}`, EXIT.usage);

      const bar =
        isDirectory && !json && process.stderr.isTTY
          ? new SingleBar({ format: 'validating {bar} {value}/{total}', stream: process.stderr })
          : null;
      bar?.start(files.length, 0);
      let anyInvalid = false;
      let ioFailure = false;
      // The next file is read while this one is parsed (the read's outcome, error included, is
      // only looked at in its turn).
      const read = (i: number) =>
        i < files.length
          ? readFile(files[i]!).then(
              (bytes) => ({ bytes }),
              (err: unknown) => ({ err }),
            )
          : null;
      let next = read(0);
      for (const [i, file] of files.entries()) {
        const name = isDirectory ? relative(path, file) : file;
        const outcome = (await next)!;
        next = read(i + 1);
        if (!('bytes' in outcome)) {
          ioFailure = true;
          process.stderr.write(
            `casebook: cannot read ${file}: ${outcome.err instanceof Error ? outcome.err.message : String(outcome.err)}\n`,
          );
          continue;
        }
        const report = await intakeDossier(outcome.bytes, { key: name, ctx });
        anyInvalid ||= !report.valid;
        bar?.increment();
        if (json) {
          const out = { valid: report.valid, errors: report.errors, warnings: report.warnings, dossier: report.dossier };
          process.stdout.write(`${JSON.stringify(isDirectory ? { file: name, ...out } : out)}\n`);
        } else {
          if (bar) process.stderr.write('\n');
          printHuman(name, report);
        }
      }
      bar?.stop();
      process.exitCode = ioFailure ? EXIT.usage : anyInvalid ? EXIT.invalid : EXIT.ok;
    });
}

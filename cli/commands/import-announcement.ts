import type { Command } from 'commander';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importAnnouncement } from '../../src/domain/announcement';
import { renderJson } from '../../src/domain/dossier';
import { CliError, EXIT } from '../support/errors';

/** `casebook import-announcement FILE`: the round, its cases and the page's defects, from a published result page. */
export function register(program: Command): void {
  program
    .command('import-announcement')
    .description('read a published result page into its round and cases, reporting junk markup and mojibake')
    .argument('<file>', 'the result page as text (UTF-8)')
    .option('--json', 'print one JSON document')
    .option('--write-dir <dir>', 'also write each case as a JSON dossier into DIR (text kept as published)')
    .action(async (file: string, opts: { json?: boolean; writeDir?: string }) => {
      const json = Boolean(opts.json ?? program.opts().json);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        throw new CliError(`cannot read ${file}`, EXIT.usage, 'give the path of a saved result page');
      }
      const result = importAnnouncement(text);
      if (result.cases.length === 0) {
        throw new CliError(`no cases (項目一, 項目二 …) found in ${file}`, EXIT.invalid, 'is this a result page with 項目/申報單位/主要做法 sections?');
      }
      if (opts.writeDir) {
        await mkdir(opts.writeDir, { recursive: true });
        for (const c of result.cases) {
          const dossier = { title: c.title, unit: c.unit, practices: c.practices, ...(result.round.number ? { round: result.round.number } : {}) };
          await writeFile(join(opts.writeDir, `case-${String(c.number).padStart(2, '0')}.json`), renderJson(dossier));
        }
      }
      if (json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const r = result.round;
      process.stdout.write(`round ${r.number ?? '?'}: ${r.title ?? '(no title)'}\n  theme: ${r.theme ?? '(none found)'}\n\n`);
      for (const c of result.cases) process.stdout.write(`  ${String(c.number).padStart(2)}. ${c.title}\n      ${c.unit}\n`);
      process.stdout.write(`\n${result.defects.length} defect(s):\n`);
      for (const d of result.defects) process.stdout.write(`  ${d.kind.padEnd(10)} line ${d.line}:${d.column}  ${d.excerpt}\n`);
      if (opts.writeDir) process.stdout.write(`\nwrote ${result.cases.length} dossiers to ${opts.writeDir}\n`);
    });
}

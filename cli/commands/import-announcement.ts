import type { Command } from 'commander';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readEndpoints } from '../../local/endpoints';
import { importAnnouncement, type AnnouncementImport } from '../../src/domain/announcement';
import { renderJson } from '../../src/domain/dossier';
import { CliError, EXIT } from '../support/errors';

/**
 * `--backfill`: files the page's round as a past round straight into the local cloud's table.
 * There is no API route for it on purpose: it is an office maintenance step, run on the office's
 * machine against its data dir, not something an applicant or reviewer can reach.
 */
async function backfill(page: AnnouncementImport, text: string, file: string, dataDir: string, year: number) {
  const info = readEndpoints(dataDir);
  if (!info) {
    throw new CliError(
      `no local cloud is running for data dir ${dataDir}`,
      EXIT.usage,
      'start it with `casebook dev` (or pass its --data-dir); --backfill writes to its table directly',
    );
  }
  const tableName = info.env.TABLE_NAME;
  if (!tableName) throw new CliError(`the local cloud of ${dataDir} names no TABLE_NAME`, EXIT.usage, 'restart it with `casebook dev`');
  // Loaded only here: the SDK and the store are not needed to print a page.
  const [{ DynamoDBClient }, { createDocumentClient }, { Store }, { backfillRound, sha256Hex }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('../../src/store/client'),
    import('../../src/store/store'),
    import('../../src/usecases/intake/backfill'),
  ]);
  const client = new DynamoDBClient({
    endpoint: info.endpoints.dynamodb,
    region: info.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: info.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: info.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
  });
  try {
    const store = new Store({ doc: createDocumentClient(client), tableName });
    return await backfillRound({ store, clock: { now: () => new Date() } }, page, {
      year,
      sourceName: basename(file),
      sourceSha256: sha256Hex(text),
    });
  } finally {
    client.destroy();
  }
}

/** `casebook import-announcement FILE`: the round, its cases and the page's defects, from a published result page. */
export function register(program: Command): void {
  program
    .command('import-announcement')
    .description('read a published result page into its round and cases, reporting junk markup and mojibake')
    .argument('<file>', 'the result page as text (UTF-8)')
    .option('--json', 'print one JSON document')
    .option('--write-dir <dir>', 'also write each case as a JSON dossier into DIR (text kept as published)')
    .option(
      '--backfill',
      'office maintenance: store the page as a past round (APPROVED, its cases and near-duplicate index) in the local cloud of --data-dir, so new dossiers are checked against it; re-running changes nothing',
    )
    .option('--year <year>', 'with --backfill: the year the round ran (the page does not say it reliably)')
    .action(async (file: string, opts: { json?: boolean; writeDir?: string; backfill?: boolean; year?: string }) => {
      const json = Boolean(opts.json ?? program.opts().json);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        throw new CliError(`cannot read ${file}`, EXIT.usage, 'give the path of a saved result page');
      }
      const result = importAnnouncement(text);
      if (result.cases.length === 0) {
        throw new CliError(
          `no cases (項目一, 項目二 …) found in ${file}`,
          EXIT.invalid,
          'is this a result page with 項目/申報單位/主要做法 sections?',
        );
      }
      let year: number | undefined;
      if (opts.backfill) {
        year = Number(opts.year);
        if (!opts.year || !Number.isInteger(year) || year < 2000 || year > 2100) {
          throw new CliError('--backfill needs --year YEAR (2000–2100), the year the round ran', EXIT.usage, 'e.g. --backfill --year 2023');
        }
        if (!result.round.number)
          throw new CliError(
            `no round number (第N屆) found in ${file}`,
            EXIT.invalid,
            'a past round is filed under its number; is this a result page?',
          );
      }
      const backfilled =
        year !== undefined ? await backfill(result, text, file, String(program.opts().dataDir ?? '.casebook'), year) : undefined;
      if (opts.writeDir) {
        await mkdir(opts.writeDir, { recursive: true });
        for (const c of result.cases) {
          const dossier = {
            title: c.title,
            unit: c.unit,
            practices: c.practices,
            ...(result.round.number ? { round: result.round.number } : {}),
          };
          await writeFile(join(opts.writeDir, `case-${String(c.number).padStart(2, '0')}.json`), renderJson(dossier));
        }
      }
      if (json) {
        process.stdout.write(`${JSON.stringify(backfilled ? { ...result, backfill: backfilled } : result)}\n`);
        return;
      }
      const r = result.round;
      process.stdout.write(`round ${r.number ?? '?'}: ${r.title ?? '(no title)'}\n  theme: ${r.theme ?? '(none found)'}\n\n`);
      for (const c of result.cases) process.stdout.write(`  ${String(c.number).padStart(2)}. ${c.title}\n      ${c.unit}\n`);
      process.stdout.write(`\n${result.defects.length} defect(s):\n`);
      for (const d of result.defects) process.stdout.write(`  ${d.kind.padEnd(10)} line ${d.line}:${d.column}  ${d.excerpt}\n`);
      if (opts.writeDir) process.stdout.write(`\nwrote ${result.cases.length} dossiers to ${opts.writeDir}\n`);
      if (backfilled) {
        const added = backfilled.cases.filter((c) => c.created).length;
        process.stdout.write(
          `\nbackfilled ${backfilled.roundId}: ${backfilled.roundCreated ? 'round created' : 'round already there'}, ${added} case(s) added, ${backfilled.cases.length - added} already there\n`,
        );
        for (const s of backfilled.skipped) process.stdout.write(`  skipped ${String(s.number).padStart(2)}. ${s.title}: ${s.reason}\n`);
      }
    });
}

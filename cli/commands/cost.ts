import type { Command } from 'commander';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectCost, roundShare, type Prices } from '../../src/domain/cost/project';
import { METERING_FILE, type MeteringFile } from '../../local/metering';
import { CliError, EXIT } from '../support/errors';
import { roundIdArg } from '../support/round-id';

const PRICES_DIR = resolve(import.meta.dirname, '../../data/prices');

function latestPriceFile(): string {
  const file = readdirSync(PRICES_DIR)
    .filter((f) => /^aws-\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort()
    .pop();
  if (!file) throw new CliError(`no price file in ${PRICES_DIR}`, EXIT.usage);
  return join(PRICES_DIR, file);
}

const usd = (n: number) => (n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`);

/**
 * `casebook cost ROUND [--prices FILE] [--views N] [--json]`: the AWS bill of a round projected
 * from what the metered local cloud counted (`<data-dir>/metering.json`), at dated public prices.
 */
export function register(program: Command): void {
  program
    .command('cost')
    .description('project the AWS bill of a round from the counts of a metered local run (<data-dir>/metering.json)')
    .argument('<round>', 'round number or id (6 or round-6)', roundIdArg)
    .option('--prices <file>', 'price file (default: the newest data/prices/aws-<date>.json)')
    .option('--views <n>', 'public views of every published object to include', '100')
    .option('--json', 'the projection as one JSON document')
    .action((roundId: string, opts: { prices?: string; views: string; json?: boolean }) => {
      const json = Boolean(opts.json ?? program.opts().json);
      const dataDir = resolve(String(program.opts().dataDir ?? '.casebook'));
      const path = join(dataDir, METERING_FILE);
      if (!existsSync(path)) {
        throw new CliError(
          `no metering counts in ${dataDir}`,
          EXIT.usage,
          `run a round on a metered local cloud first (npm run bench -- --only cost writes one); counts are saved to ${path}`,
        );
      }
      const metering = JSON.parse(readFileSync(path, 'utf8')) as MeteringFile;
      const dossiers = metering.dossiersByRound[roundId];
      if (!dossiers) {
        const known = Object.keys(metering.dossiersByRound);
        throw new CliError(
          `round ${roundId} has no metered dossiers in ${path}`,
          EXIT.invalid,
          known.length ? `metered rounds: ${known.join(', ')}` : 'no round was metered',
        );
      }
      const views = Number(opts.views);
      if (!Number.isFinite(views) || views < 0) throw new CliError(`--views must be a number ≥ 0, got "${opts.views}"`, EXIT.usage);
      const prices = JSON.parse(readFileSync(opts.prices ?? latestPriceFile(), 'utf8')) as Prices;
      const shared = Object.keys(metering.dossiersByRound).length > 1;
      const projection = projectCost(roundShare(metering.counts, dossiers), prices, { siteViewsPerCasePage: views });
      const notes = [
        ...metering.notes,
        ...(shared
          ? [
              `the data dir was metered over ${Object.keys(metering.dossiersByRound).length} rounds: this round's share is taken by its dossiers (${dossiers} of ${metering.counts.dossiers})`,
            ]
          : []),
      ];
      if (json) {
        process.stdout.write(`${JSON.stringify({ roundId, dossiers, meteredAt: metering.writtenAt, ...projection, notes })}\n`);
        return;
      }
      const rows = projection.lines.filter((l) => l.quantity > 0);
      const width = Math.max(...rows.map((l) => l.service.length));
      const out = [
        `round ${roundId}: ${dossiers} dossiers, metered ${metering.writtenAt}`,
        '',
        ...rows.map(
          (l) =>
            `  ${l.service.padEnd(width)}  ${String(Math.round(l.quantity * 1000) / 1000).padStart(12)} ${l.unit.padEnd(20)} ${usd(l.usd).padStart(10)}${l.scope === 'round' ? '  (once per round)' : ''}`,
        ),
        '',
        `  total ${usd(projection.totalUsd)}: ${usd(projection.perDossierUsd)} per dossier, ${usd(projection.perRoundUsd)} once per round`,
        `  a round of 1,000 dossiers: ${usd(projection.perThousandDossiersUsd)} (goal ≤ $1)`,
        '',
        ...projection.assumptions.map((a) => `  · ${a}`),
        ...notes.map((n) => `  · ${n}`),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
}

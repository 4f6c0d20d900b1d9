/**
 * The cost of a round on AWS: N dossiers through the metered local cloud (upload → parse →
 * validate → store → eligibility task open, plus what the stream triggers), the counts saved to
 * the data dir's metering.json, projected at the dated prices in data/prices/.
 * Goal (issue 16): ≤ $0.15 per 1,000 dossiers, people's time excluded; baseline = the goal.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectCost, type Prices } from '../../src/domain/cost/project';
import type { MeteringFile } from '../../local/metering';
import type { SuiteResult } from '../lib/measure';
import { RoundDriver, spawnCloud } from '../lib/cloud';
import { intakeItems } from './intake';

/** Projected USD per 1,000 dossiers, intake to eligibility (issue 16). */
const GOAL_USD_PER_THOUSAND = 0.15;

export function latestPrices(dir = 'data/prices'): Prices {
  const file = readdirSync(dir)
    .filter((f) => /^aws-\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort()
    .pop();
  if (!file) throw new Error(`no price file in ${dir}`);
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Prices;
}

export async function runCost(opts: { quick: boolean }): Promise<SuiteResult[]> {
  const n = opts.quick ? 20 : 200;
  const dataDir = mkdtempSync(join(tmpdir(), 'casebook-bench-cost-'));
  const cloud = await spawnCloud(dataDir, { meter: true });
  const driver = await RoundDriver.connect(dataDir, cloud.ready);
  try {
    const roundId = await driver.openRound(800);
    await driver.uploadAll(roundId, intakeItems(n, 800));
    const outcome = await driver.untilSettled(roundId, n);
    // let the stream-fed publisher finish what the intake triggered before reading the counts
    for (let i = 0; i < 100 && !(await cloud.command('stats')).quiescent; i++) await new Promise((r) => setTimeout(r, 200));
    const { counts: metering } = await cloud.command<{ counts: MeteringFile }>('counts');
    const projection = projectCost(metering.counts, latestPrices());
    const perThousand = projection.perThousandDossiersUsd;
    const top = [...projection.lines]
      .sort((a, b) => b.usd - a.usd)
      .slice(0, 3)
      .map((l) => `${l.service} $${((l.usd / metering.counts.dossiers) * 1000).toFixed(3)}`);
    return [
      {
        name: `cost of a round: ${n} dossiers, intake to eligibility`,
        metric: `projected USD per 1,000 dossiers at ${projection.prices.date} ${projection.prices.region} prices (people's time excluded; covers upload → eligibility task and the publisher runs it triggers, not the review, finalization and publication stages); baseline = the $${GOAL_USD_PER_THOUSAND} goal, ratio = ours / goal; largest: ${top.join(', ')}`,
        ours: perThousand,
        baseline: GOAL_USD_PER_THOUSAND,
        ratio: perThousand / GOAL_USD_PER_THOUSAND,
        goal: `≤ $${GOAL_USD_PER_THOUSAND} per 1,000 dossiers (ratio ≤ 1)`,
        met: perThousand <= GOAL_USD_PER_THOUSAND && outcome.failed === 0,
        detail: {
          outcome,
          perExecution: metering.stateTransitionsByMachine,
          counts: metering.counts,
          dynamodbOperations: metering.dynamodbOperations,
          lines: projection.lines,
          assumptions: projection.assumptions,
          notes: metering.notes,
        },
      },
    ];
  } finally {
    driver.close();
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

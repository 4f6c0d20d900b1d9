import type { SuiteResult } from '../lib/measure';
import { runBoot } from './boot';
import { runBundles } from './bundles';
import { runCost } from './cost';
import { runDocx } from './docx';
import { runGrowth } from './growth';
import { runIntake } from './intake';
import { runPublishing } from './publishing';

export interface Suite {
  id: string;
  title: string;
  goal: string;
  run(opts: { quick: boolean }): Promise<{ results: SuiteResult[]; plots?: string[] }>;
}

/** In the order of issue 8. */
export const SUITES: Suite[] = [
  {
    id: 'bundles',
    title: 'Lambda bundles: cold start vs a bundle that creates one DynamoDB client',
    goal: '≤ 1.25× (parser, publisher ≤ 1.6×)',
    run: async (o) => ({ results: await runBundles(o) }),
  },
  {
    id: 'intake',
    title: 'Intake of 500 dossiers on the local cloud vs parse + validate in a loop (and the cloud’s peak memory)',
    goal: '≥ 20% of the ceiling; ≤ 1 GiB',
    run: async (o) => ({ results: await runIntake(o) }),
  },
  {
    id: 'docx',
    title: '.docx: casebook validate on 100 dossiers vs pandoc -t plain',
    goal: '≥ 3×',
    run: async (o) => ({ results: await runDocx(o) }),
  },
  { id: 'publishing', title: 'Publishing 1,000 cases vs Eleventy', goal: '≥ 5×', run: async (o) => ({ results: await runPublishing(o) }) },
  { id: 'boot', title: 'Local cloud: boot to ready', goal: '≤ 5 s', run: async (o) => ({ results: await runBoot(o) }) },
  { id: 'growth', title: 'Growth of intake and publishing with the number of dossiers', goal: 'exponent ≤ 1.1', run: (o) => runGrowth(o) },
  {
    id: 'cost',
    title: 'Cost of a round on AWS, projected from a metered local round',
    goal: '≤ $1 per 1,000 dossiers',
    run: async (o) => ({ results: await runCost(o) }),
  },
];

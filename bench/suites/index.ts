import type { SuiteResult } from '../lib/measure';
import { runBundles } from './bundles';
import { runPublishing } from './publishing';

export interface Suite {
  id: string;
  title: string;
  goal: string;
  run(opts: { quick: boolean }): Promise<{ results: SuiteResult[]; plots?: string[] }>;
}

/** In the order of issue 8. */
export const SUITES: Suite[] = [
  { id: 'bundles', title: 'Lambda bundles: cold start vs an empty bundle', goal: '≤ 1.5× (parser ≤ 2.5×)', run: async (o) => ({ results: await runBundles(o) }) },
  { id: 'publishing', title: 'Publishing 1,000 cases vs Eleventy', goal: '≥ 5×', run: async (o) => ({ results: await runPublishing(o) }) },
];

/**
 * `npm run bench [-- --quick] [-- --only NAME[,NAME]]`: runs every benchmark suite and writes
 * bench/results.json and docs/benchmarks.md. `--quick` runs each suite small, for CI to catch
 * breakage, not to judge speed. A suite that fails to run is reported as not met, with its error,
 * and the others still run.
 */
import { parseArgs } from 'node:util';
import type { SuiteResult } from './lib/measure';
import { machineInfo, writeReport } from './lib/report';
import { SUITES } from './suites';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const only = values.only ? new Set(values.only.split(',')) : undefined;

const results: SuiteResult[] = [];
const plots: string[] = [];
for (const suite of SUITES) {
  if (only && !only.has(suite.id)) continue;
  process.stderr.write(`bench: ${suite.id} — ${suite.title}${values.quick ? ' (quick)' : ''}\n`);
  const t0 = performance.now();
  try {
    const out = await suite.run({ quick: values.quick ?? false });
    results.push(...out.results);
    plots.push(...(out.plots ?? []));
    for (const r of out.results) process.stderr.write(`  ${r.met ? 'met ' : 'MISS'} ${r.name}: ratio ${r.ratio.toFixed(3)} (goal ${r.goal})\n`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`  FAILED ${suite.id}: ${message}\n`);
    results.push({ name: suite.title, metric: 'suite failed to run', ours: Number.NaN, baseline: Number.NaN, ratio: Number.NaN, goal: suite.goal, met: false, detail: { error: message } });
  }
  process.stderr.write(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}

writeReport({ machine: machineInfo(), node: process.version, date: new Date().toISOString(), quick: values.quick ?? false, suites: results, plots });
const missed = results.filter((r) => !r.met).length;
process.stderr.write(`bench: ${results.length - missed} goals met, ${missed} not met — bench/results.json, docs/benchmarks.md\n`);

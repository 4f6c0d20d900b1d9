/**
 * `npm run bench [-- --quick] [-- --only NAME[,NAME]]`: runs every benchmark suite and writes
 * bench/results.json and docs/benchmarks.md. `--quick` runs each suite small, for CI to catch
 * breakage, not to judge speed. A suite that fails to run is reported as not met, with its error,
 * and the others still run. With `--only`, the other suites' results already in bench/results.json
 * are kept (a partial run updates the report instead of erasing it); the report is rewritten after
 * every suite, so a run cut short still leaves what it measured.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SuiteResult } from './lib/measure';
import { machineInfo, writeReport, type BenchReport } from './lib/report';
import { SUITES } from './suites';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const only = values.only ? new Set(values.only.split(',')) : undefined;

const RESULTS = 'bench/results.json';
const stored = only && existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchReport) : undefined;
// a quick run and a full run are not mixed in one report
const previous = stored?.quick === (values.quick ?? false) ? stored : undefined;
const kept = (previous?.suites ?? []).filter((r) => r.suite !== undefined && !only!.has(r.suite) && SUITES.some((s) => s.id === r.suite));
const keptPlots = only?.has('growth') ? [] : (previous?.plots ?? []);
const results: SuiteResult[] = [];
const plots: string[] = [];
const order = (r: SuiteResult) => SUITES.findIndex((s) => s.id === r.suite);
const save = () =>
  writeReport({
    machine: machineInfo(),
    node: process.version,
    date: new Date().toISOString(),
    quick: values.quick ?? false,
    suites: [...kept, ...results].sort((a, b) => order(a) - order(b)),
    plots: [...new Set([...keptPlots, ...plots])],
  });
for (const suite of SUITES) {
  if (only && !only.has(suite.id)) continue;
  process.stderr.write(`bench: ${suite.id} — ${suite.title}${values.quick ? ' (quick)' : ''}\n`);
  const t0 = performance.now();
  try {
    const out = await suite.run({ quick: values.quick ?? false });
    results.push(...out.results.map((r) => ({ suite: suite.id, ...r })));
    plots.push(...(out.plots ?? []));
    for (const r of out.results)
      process.stderr.write(`  ${r.met ? 'met ' : 'MISS'} ${r.name}: ratio ${r.ratio.toFixed(3)} (goal ${r.goal})\n`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`  FAILED ${suite.id}: ${message}\n`);
    results.push({
      suite: suite.id,
      name: suite.title,
      metric: 'suite failed to run',
      ours: Number.NaN,
      baseline: Number.NaN,
      ratio: Number.NaN,
      goal: suite.goal,
      met: false,
      detail: { error: message },
    });
  }
  process.stderr.write(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  save();
}
save();
const missed = results.filter((r) => !r.met).length;
process.stderr.write(`bench: ${results.length - missed} goals met, ${missed} not met — bench/results.json, docs/benchmarks.md\n`);

/**
 * Suite 2 — intake on the local cloud: N dossiers uploaded through presigned URLs, each then
 * parsed, validated, stored and waiting at the eligibility step (its approval task open), against
 * calling parseDossier + validateDossier directly in a loop on the same files (the ceiling: no
 * storage, no workflow). Goal (issue 16): ≥ 15 dossiers/s reaching eligibility, none lost; the
 * ratio to the ceiling is reported beside it. `BENCH_INTAKE_N` runs another size (development).
 *
 * Suite 5 (memory) is measured here too: the peak RSS of the local cloud's whole process tree
 * (Node, the JVM of DynamoDB Local, the s3rver child, tsx's esbuild) while it takes the upload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDossier, validateDossier } from '../../src/domain/dossier';
import { median, type SuiteResult } from '../lib/measure';
import { samplePeakRss } from '../lib/procmem';
import { RoundDriver, spawnCloud } from '../lib/cloud';
import { benchDossiers, renderBenchMarkdown, type BenchDossier } from '../fixtures/dossiers';

export const MEMORY_GOAL_BYTES = 2 ** 30;
/** Dossiers a second reaching eligibility on the local cloud (issue 16). */
export const INTAKE_GOAL_PER_SECOND = 15;

export interface IntakeItem {
  d: BenchDossier;
  bytes: Buffer;
  fileName: string;
  contentType: string;
}

export function intakeItems(n: number, roundNumber: number): IntakeItem[] {
  return benchDossiers(n, roundNumber).map((d) => ({
    d,
    bytes: renderBenchMarkdown(d),
    fileName: `${d.fileName}.md`,
    contentType: 'text/markdown',
  }));
}

/** The ceiling: the domain's parse + validate over the same bytes, in this process. */
export async function ceiling(items: IntakeItem[], roundNumber: number): Promise<number> {
  const t0 = performance.now();
  for (const item of items) {
    const parsed = await parseDossier(item.bytes, { key: `dossiers/r/${item.d.unit.code}/s/${item.fileName}` });
    const report = validateDossier(parsed, {
      round: { number: roundNumber, eligibleLevels: ['county', 'township'], closed: false },
      expectedUnitCode: item.d.unit.code,
    });
    if (!report.valid) throw new Error(`ceiling: ${item.fileName} is invalid: ${report.errors.map((e) => e.code).join(', ')}`);
  }
  return performance.now() - t0;
}

export async function runIntake(opts: { quick: boolean }): Promise<SuiteResult[]> {
  const n = Number(process.env.BENCH_INTAKE_N) || (opts.quick ? 30 : 500);
  const runs = opts.quick ? 1 : 2;
  const dataDir = mkdtempSync(join(tmpdir(), 'casebook-bench-intake-'));
  const cloud = await spawnCloud(dataDir);
  const driver = await RoundDriver.connect(dataDir, cloud.ready);
  const memory = samplePeakRss(cloud.child.pid!);
  try {
    const ceilingMs: number[] = [];
    const intakeMs: number[] = [];
    const outcomes: Awaited<ReturnType<RoundDriver['untilSettled']>>[] = [];
    // C I C I … C: each intake run sits between two ceiling runs
    for (let r = 0; r < runs; r++) {
      const number = 700 + r;
      const items = intakeItems(n, number);
      ceilingMs.push(await ceiling(items, number));
      const roundId = await driver.openRound(number);
      const t0 = performance.now();
      await driver.uploadAll(roundId, items);
      outcomes.push(await driver.untilSettled(roundId, n));
      intakeMs.push(performance.now() - t0);
    }
    ceilingMs.push(await ceiling(intakeItems(n, 700), 700));
    const peak = memory.stop();
    // only dossiers that reached eligibility count as throughput
    const reached = median(outcomes.map((o) => o.waiting));
    const lost = outcomes.reduce((s, o) => s + o.failed + o.rejected, 0);
    const ours = reached / (median(intakeMs) / 1000);
    const base = n / (median(ceilingMs) / 1000);
    const stats = (await cloud.command('stats')).stats;
    return [
      {
        name: `intake on the local cloud: ${n} dossiers to eligibility`,
        metric: `dossiers/s reaching eligibility: presigned upload (8 applicants at a time) → parsed, validated, stored, eligibility task open; baseline = the ${INTAKE_GOAL_PER_SECOND}/s goal, ratio = ours / goal; ratio to the ceiling (parse + validate in a loop, ${base.toFixed(0)}/s): ${(ours / base).toFixed(4)}${lost ? `; ${lost} of ${n * runs} dossiers did not get there (${outcomes.reduce((s, o) => s + o.failed, 0)} executions failed${outcomes.find((o) => o.firstCause)?.firstCause ? `, e.g. ${outcomes.find((o) => o.firstCause)!.firstCause}` : ''}; ${outcomes.reduce((s, o) => s + o.rejected, 0)} rejected)` : ''}`,
        ours,
        baseline: INTAKE_GOAL_PER_SECOND,
        ratio: ours / INTAKE_GOAL_PER_SECOND,
        goal: `≥ ${INTAKE_GOAL_PER_SECOND} dossiers/s, none lost (ratio ≥ 1)`,
        met: ours >= INTAKE_GOAL_PER_SECOND && lost === 0,
        detail: {
          dossiers: n,
          runs,
          intakeMs,
          ceilingMs,
          ceilingPerSecond: base,
          ratioToCeiling: ours / base,
          outcomes,
          functions: stats.functions,
        },
      },
      {
        name: 'local cloud: peak memory during intake',
        metric: `peak RSS of all its processes (MiB), sampled from /proc every 250 ms over ${peak.samples} samples; baseline = the goal, ratio = ours / goal`,
        ours: peak.peakBytes / 2 ** 20,
        baseline: MEMORY_GOAL_BYTES / 2 ** 20,
        ratio: peak.peakBytes / MEMORY_GOAL_BYTES,
        goal: '≤ 1 GiB (ratio ≤ 1)',
        met: peak.peakBytes <= MEMORY_GOAL_BYTES,
        detail: { atPeak: peak.byProcess.map((p) => ({ ...p, rssMiB: Math.round(p.rss / 2 ** 20) })) },
      },
    ];
  } finally {
    memory.stop();
    driver.close();
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Suite 5 — the local cloud's boot: from spawning its process to its ready line (the JVM of
 * DynamoDB Local, s3rver, the engine, the API and the site server all up, tables created), on a
 * fresh data dir each time. The goal is absolute (≤ 5 s), so the baseline column holds the goal
 * and the ratio is ours / goal. The bare start of the same runtime (`node -e 0`), measured
 * interleaved, is kept in the detail as the floor no boot can beat on this machine right now.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, run, type SuiteResult } from '../lib/measure';
import { spawnCloud } from '../lib/cloud';

const GOAL_MS = 5000;

export async function runBoot(opts: { quick: boolean }): Promise<SuiteResult[]> {
  const rounds = opts.quick ? 1 : 5;
  const boots: number[] = [];
  const inProcess: number[] = [];
  const bare: number[] = [];
  const synth: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await run(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t0);
    const dataDir = mkdtempSync(join(tmpdir(), 'casebook-bench-boot-'));
    try {
      const cloud = await spawnCloud(dataDir);
      boots.push(cloud.spawnToReadyMs - cloud.ready.synthMs);
      synth.push(cloud.ready.synthMs);
      inProcess.push(cloud.ready.bootMs);
      await cloud.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const ours = median(boots);
  return [
    {
      name: 'local cloud: boot to ready',
      metric: `spawn → ready, median of ${rounds} fresh boots, ms (Java included; a re-synthesis of the stack, when sources changed, is excluded); baseline = the 5 s goal, ratio = ours / goal; bare \`node -e 0\` start meanwhile: ${median(bare).toFixed(0)} ms`,
      ours,
      baseline: GOAL_MS,
      ratio: ours / GOAL_MS,
      goal: '≤ 5 s (ratio ≤ 1)',
      met: ours <= GOAL_MS,
      detail: { spawnToReadyMinusSynthMs: boots, synthMs: synth, startLocalCloudMs: inProcess, bareNodeMs: bare },
    },
  ];
}

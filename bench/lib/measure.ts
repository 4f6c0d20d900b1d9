/**
 * Measuring on a shared, noisy machine: every figure is compared with a baseline measured in the
 * same run, interleaved with it (A B A B …) so that a burst of load hits both sides alike, and
 * summarised by the median, which one slow outlier cannot move.
 */
import { spawn } from 'node:child_process';

export interface SuiteResult {
  /** The id of the suite that produced it (set by the runner; lets `--only` update in place). */
  suite?: string;
  name: string;
  metric: string;
  ours: number;
  baseline: number;
  /** ours / baseline, or baseline / ours where bigger is better: see `direction`. */
  ratio: number;
  goal: string;
  met: boolean;
  /** Free-form detail kept in results.json (per-item figures, sizes, notes). */
  detail?: Record<string, unknown>;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `a` and `b` alternately `rounds` times and returns the medians of each, in ms. */
export async function interleaved(
  rounds: number,
  a: () => Promise<unknown> | unknown,
  b: () => Promise<unknown> | unknown,
): Promise<{ a: number; b: number; aSamples: number[]; bSamples: number[] }> {
  const aSamples: number[] = [];
  const bSamples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // alternate which side goes first so neither always gets the warmer cache
    const order = i % 2 === 0 ? ([a, b] as const) : ([b, a] as const);
    for (const fn of order) {
      const t0 = performance.now();
      await fn();
      const ms = performance.now() - t0;
      (fn === a ? aSamples : bSamples).push(ms);
    }
  }
  return { a: median(aSamples), b: median(bSamples), aSamples, bSamples };
}

export async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Runs a command to completion; rejects with its stderr when it fails. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`)),
    );
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/**
 * Least-squares slope of log(y) against log(x): the exponent k in y ≈ c·x^k.
 * k ≈ 1 is linear growth; the goal for intake and publishing is k ≤ 1.1.
 */
export function growthExponent(points: { x: number; y: number }[]): number {
  const pts = points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) }));
  const n = pts.length;
  if (n < 2) return Number.NaN;
  const mx = pts.reduce((s, p) => s + p.x, 0) / n;
  const my = pts.reduce((s, p) => s + p.y, 0) / n;
  const num = pts.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = pts.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return num / den;
}

/**
 * Runs every function of `fns` once per round, in an order that rotates from round to round (so
 * no side always goes first, or always follows the same neighbour), `rounds` times; returns each
 * side's median and samples, in ms. Comparing three or more things measured side by side this way
 * keeps a burst of load on the shared machine from landing on one of them only.
 */
export async function interleavedMany(
  rounds: number,
  fns: (() => Promise<unknown> | unknown)[],
): Promise<{ medians: number[]; samples: number[][] }> {
  const samples: number[][] = fns.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < fns.length; j++) {
      const k = (i + j) % fns.length;
      const t0 = performance.now();
      await fns[k]!();
      samples[k]!.push(performance.now() - t0);
    }
  }
  return { medians: samples.map(median), samples };
}

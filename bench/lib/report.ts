/** Writes bench/results.json and the Markdown table in docs/benchmarks.md. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { SuiteResult } from './measure';

export interface BenchReport {
  machine: { cpus: string; cores: number; memoryGiB: number };
  node: string;
  date: string;
  quick: boolean;
  suites: SuiteResult[];
  plots: string[];
}

export function machineInfo(): BenchReport['machine'] {
  const c = cpus();
  return { cpus: c[0]?.model ?? 'unknown', cores: c.length, memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

const fmt = (n: number) =>
  Number.isFinite(n) ? (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3)) : String(n);

/**
 * `paths.findings` (default bench/findings.md), when present, is appended under the table: the
 * reasons behind the misses, written by whoever profiled them, kept beside the numbers.
 */
export function writeReport(
  report: BenchReport,
  paths: { json: string; markdown: string; findings?: string } = {
    json: 'bench/results.json',
    markdown: 'docs/benchmarks.md',
    findings: 'bench/findings.md',
  },
): void {
  mkdirSync('bench', { recursive: true });
  mkdirSync('docs', { recursive: true });
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench`; every figure is a ratio against a baseline measured in the same run,',
    'because these machines are shared and noisy. Absolute numbers are for orientation only.',
    '',
    `- machine: ${report.machine.cpus}, ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB`,
    `- Node.js: ${report.node}`,
    `- date: ${report.date}${report.quick ? ' (quick run: small sizes, breakage check only, not a judgement of speed)' : ''}`,
    '',
    '| suite | metric | ours | baseline | ratio | goal | met |',
    '|---|---|---:|---:|---:|---|:-:|',
    ...report.suites.map(
      (s) =>
        `| ${s.name} | ${s.metric} | ${fmt(s.ours)} | ${fmt(s.baseline)} | ${fmt(s.ratio)} | ${s.goal} | ${s.met ? 'yes' : '**no**'} |`,
    ),
    '',
    ...report.plots.map((p) => `![${p}](${p.replace(/^docs\//, '')})`),
    '',
  ];
  if (paths.findings && existsSync(paths.findings)) lines.push(readFileSync(paths.findings, 'utf8').trimEnd(), '');
  writeFileSync(paths.markdown, lines.join('\n'));
}

import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { growthExponent, median } from '../../../bench/lib/measure';
import { writeReport, type BenchReport } from '../../../bench/lib/report';

describe('growthExponent', () => {
  it('finds the exponent of an exact power law', () => {
    const linear = [100, 1000, 10000].map((x) => ({ x, y: 3 * x }));
    const quadratic = [100, 1000, 10000].map((x) => ({ x, y: 0.5 * x * x }));
    const flat = [10, 30, 100].map((x) => ({ x, y: 42 }));
    expect(growthExponent(linear)).toBeCloseTo(1, 9);
    expect(growthExponent(quadratic)).toBeCloseTo(2, 9);
    expect(growthExponent(flat)).toBeCloseTo(0, 9);
  });

  it('fits the least-squares slope through noisy points', () => {
    // n^1.5 with ±10% alternating noise: the fit stays near 1.5, and well above the 1.1 goal
    const pts = [10, 30, 100, 300, 1000].map((x, i) => ({ x, y: x ** 1.5 * (i % 2 ? 1.1 : 0.9) }));
    const k = growthExponent(pts);
    expect(k).toBeGreaterThan(1.4);
    expect(k).toBeLessThan(1.6);
  });

  it('ignores non-positive points and needs two to fit', () => {
    expect(growthExponent([{ x: 10, y: 5 }])).toBeNaN();
    expect(
      growthExponent([
        { x: 10, y: 5 },
        { x: 0, y: 7 },
        { x: 100, y: 0 },
      ]),
    ).toBeNaN();
    expect(
      growthExponent([
        { x: 10, y: 10 },
        { x: 0, y: 1 },
        { x: 100, y: 100 },
      ]),
    ).toBeCloseTo(1, 9);
  });
});

describe('median', () => {
  it('is not moved by one slow outlier', () => {
    expect(median([10, 11, 12, 10_000])).toBe(11.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });
});

describe('writeReport', () => {
  const report: BenchReport = {
    machine: { cpus: 'Test CPU', cores: 2, memoryGiB: 8 },
    node: 'v24.9.0',
    date: '2026-11-30T00:00:00.000Z',
    quick: false,
    suites: [
      { name: 'publishing: 1000 cases', metric: 'speed-up', ours: 120, baseline: 900, ratio: 7.5, goal: '≥ 5×', met: true },
      { name: 'intake | pipes', metric: 'dossiers/s', ours: 0.5, baseline: 10, ratio: 0.05, goal: '≥ 0.2', met: false },
      {
        name: 'broken suite',
        metric: 'suite failed to run',
        ours: Number.NaN,
        baseline: Number.NaN,
        ratio: Number.NaN,
        goal: '≥ 3×',
        met: false,
      },
    ],
    plots: ['docs/bench-growth-time.svg'],
  };

  it('writes results.json with the issue’s shape and a Markdown table that marks misses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebook-report-'));
    const paths = { json: join(dir, 'results.json'), markdown: join(dir, 'benchmarks.md') };
    writeReport(report, paths);
    const json = JSON.parse(readFileSync(paths.json, 'utf8')) as BenchReport;
    expect(json.suites.map((s) => [s.name, s.met])).toEqual([
      ['publishing: 1000 cases', true],
      ['intake | pipes', false],
      ['broken suite', false],
    ]);
    for (const s of json.suites)
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['name', 'metric', 'ours', 'baseline', 'ratio', 'goal', 'met']));
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain('Test CPU, 2 cores, 8 GiB');
    expect(md).toContain('Node.js: v24.9.0');
    expect(md).toMatch(/\| publishing: 1000 cases \| speed-up \| 120 \| 900 \| 7\.50 \| ≥ 5× \| yes \|/);
    expect(md).toMatch(/\| broken suite \| suite failed to run \| NaN \| NaN \| NaN \| ≥ 3× \| \*\*no\*\* \|/);
    expect(md).toContain('![docs/bench-growth-time.svg](bench-growth-time.svg)');
  });
});

describe('writeReport findings', () => {
  it('appends the findings file under the table when there is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casebook-report-'));
    const findings = join(dir, 'findings.md');
    writeFileSync(findings, '## Why goals were missed\n\nThe audit chain is one key.\n');
    const paths = { json: join(dir, 'r.json'), markdown: join(dir, 'b.md'), findings };
    writeReport({ machine: { cpus: 'c', cores: 1, memoryGiB: 1 }, node: 'v24', date: 'd', quick: true, suites: [], plots: [] }, paths);
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain('quick run');
    expect(md.indexOf('## Why goals were missed')).toBeGreaterThan(md.indexOf('| suite |'));
    writeReport(
      { machine: { cpus: 'c', cores: 1, memoryGiB: 1 }, node: 'v24', date: 'd', quick: true, suites: [], plots: [] },
      { ...paths, findings: join(dir, 'absent.md') },
    );
    expect(readFileSync(paths.markdown, 'utf8')).not.toContain('Why goals were missed');
  });
});

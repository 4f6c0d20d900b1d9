import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { projectCost, roundShare, type Prices, type RoundCounts } from '../../../src/domain/cost/project';

const prices = JSON.parse(readFileSync('data/prices/aws-2026-11-30.json', 'utf8')) as Prices;

const zero: RoundCounts = {
  dossiers: 0,
  stateTransitions: 0,
  lambda: [],
  dynamodb: { readUnits: 0, writeUnits: 0, storedBytes: 0 },
  s3: { putRequests: 0, getRequests: 0, storedBytes: 0 },
  site: { bytes: 0, objects: 0, invalidationPaths: 0 },
  apiRequests: 0,
  emails: 0,
  s3Events: 0,
  logBytes: 0,
};

describe('projectCost', () => {
  it('costs nothing when nothing happened', () => {
    const p = projectCost(zero, prices);
    expect(p.totalUsd).toBe(0);
    expect(Number.isNaN(p.perThousandDossiersUsd)).toBe(true);
  });

  it('bills state transitions at the Standard workflow price', () => {
    const p = projectCost({ ...zero, dossiers: 1000, stateTransitions: 40_000 }, prices);
    expect(p.lines.find((l) => l.service.startsWith('Step Functions'))!.usd).toBeCloseTo(1.0, 6);
    expect(p.perThousandDossiersUsd).toBeCloseTo(1.0, 6);
  });

  it('bills Lambda by GB-second at the configured memory, rounding each call up by 1 ms', () => {
    const p = projectCost(
      { ...zero, dossiers: 1, lambda: [{ name: 'parse-dossier', invocations: 1000, totalDurationMs: 99_000, memoryMb: 1024 }] },
      prices,
    );
    const compute = p.lines.find((l) => l.service === 'Lambda compute (arm64)')!;
    expect(compute.quantity).toBeCloseTo(100, 6); // (99 000 ms + 1 000 ms) at 1 GiB
    expect(compute.usd).toBeCloseTo(100 * prices.lambdaArmPerGbSecond, 9);
  });

  it('deducts the free CloudFront invalidation paths', () => {
    const under = projectCost({ ...zero, site: { bytes: 0, objects: 0, invalidationPaths: 999 } }, prices);
    const over = projectCost({ ...zero, site: { bytes: 0, objects: 0, invalidationPaths: 1010 } }, prices);
    expect(under.lines.find((l) => l.service === 'CloudFront invalidations')!.usd).toBe(0);
    expect(over.lines.find((l) => l.service === 'CloudFront invalidations')!.usd).toBeCloseTo(
      10 * prices.cloudfrontPerInvalidationPathAfterFree,
      9,
    );
  });

  it('names its price date and region', () => {
    expect(projectCost(zero, prices).prices).toEqual({ date: '2026-11-30', region: 'us-east-1', currency: 'USD' });
  });
});

describe('roundShare', () => {
  it('gives a round its share of shared counts by dossiers, so the cost per dossier is unchanged', () => {
    const shared: RoundCounts = {
      ...zero,
      dossiers: 400,
      stateTransitions: 4000,
      lambda: [{ name: 'parse-dossier', invocations: 400, totalDurationMs: 40_000, memoryMb: 1536 }],
      dynamodb: { readUnits: 800, writeUnits: 1200, storedBytes: 4000 },
    };
    const share = roundShare(shared, 100);
    expect(share.dossiers).toBe(100);
    expect(share.stateTransitions).toBe(1000);
    expect(share.lambda[0]).toMatchObject({ invocations: 100, totalDurationMs: 10_000, memoryMb: 1536 });
    expect(share.dynamodb).toEqual({ readUnits: 200, writeUnits: 300, storedBytes: 1000 });
    expect(projectCost(share, prices).perThousandDossiersUsd).toBeCloseTo(projectCost(shared, prices).perThousandDossiersUsd, 9);
  });

  it('leaves the counts whole when the data dir held only this round', () => {
    const only: RoundCounts = { ...zero, dossiers: 50, stateTransitions: 700 };
    expect(roundShare(only, 50)).toEqual(only);
  });
});

describe('a round of 1,000 dossiers', () => {
  it('pays the per-dossier lines 1,000 times and the public reading of the site once', () => {
    const counts: RoundCounts = {
      ...zero,
      dossiers: 20,
      stateTransitions: 200,
      site: { bytes: 1_000_000, objects: 100, invalidationPaths: 0 },
    };
    const p = projectCost(counts, prices, { siteViewsPerCasePage: 100 });
    const sfn = 200 * prices.stepFunctionsStandardPerStateTransition;
    const reads = p.lines.filter((l) => l.scope === 'round').reduce((s, l) => s + l.usd, 0);
    expect(reads).toBeGreaterThan(0);
    expect(p.perRoundUsd).toBeCloseTo(reads, 12);
    expect(p.perDossierUsd).toBeCloseTo((p.totalUsd - reads) / 20, 12);
    expect(p.perThousandDossiersUsd).toBeCloseTo(((p.totalUsd - reads) / 20) * 1000 + reads, 9);
    expect(p.perDossierUsd * 20).toBeGreaterThanOrEqual(sfn);
  });
});

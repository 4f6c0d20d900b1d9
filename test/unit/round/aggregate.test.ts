import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { aggregateRound, quorumMet, weightedTotal, type ReviewTotal } from '../../../src/domain/scoring/aggregate';
import type { Rubric } from '../../../src/domain/model';

const rubric: Rubric = {
  maxScore: 10,
  criteria: [
    {
      id: 'innovation',
      name: { zh: '創新性', en: 'Innovation' },
      weight: 0.6,
      descriptors: [{ min: 0, max: 10, text: { zh: '-', en: '-' } }],
    },
    {
      id: 'effectiveness',
      name: { zh: '實效性', en: 'Effectiveness' },
      weight: 0.4,
      descriptors: [{ min: 0, max: 10, text: { zh: '-', en: '-' } }],
    },
  ],
};

describe('weightedTotal', () => {
  it('weighs criteria by weight over the sum of weights, on the rubric scale', () => {
    expect(weightedTotal({ scores: { innovation: 9, effectiveness: 6 } }, rubric)).toEqual({ ok: true, value: 7.8 });
    const hundred: Rubric = { ...rubric, criteria: rubric.criteria.map((criterion) => ({ ...criterion, weight: criterion.weight * 100 })) };
    expect(weightedTotal({ scores: { innovation: 9, effectiveness: 6 } }, hundred)).toEqual({ ok: true, value: 7.8 });
  });

  it('rejects missing, unknown, out-of-range and non-numeric scores with coded bilingual errors', () => {
    const result = weightedTotal({ scores: { innovation: 11, bogus: 3 } }, rubric);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.code).sort()).toEqual([
      'SCORE_MISSING_CRITERION',
      'SCORE_OUT_OF_RANGE',
      'SCORE_UNKNOWN_CRITERION',
    ]);
    for (const error of result.errors) {
      expect(error.message.zh.length).toBeGreaterThan(0);
      expect(error.message.en.length).toBeGreaterThan(0);
    }
    const nan = weightedTotal({ scores: { innovation: Number.NaN, effectiveness: 5 } }, rubric);
    expect(nan.ok ? [] : nan.errors.map((error) => error.code)).toEqual(['SCORE_NOT_A_NUMBER']);
    const negative = weightedTotal({ scores: { innovation: -1, effectiveness: 5 } }, rubric);
    expect(negative.ok ? [] : negative.errors.map((error) => error.field)).toEqual(['scores.innovation']);
  });
});

describe('quorumMet', () => {
  it('is met at the quorum and not below it', () => {
    expect(quorumMet(2, 2)).toBe(true);
    expect(quorumMet(1, 2)).toBe(false);
    expect(quorumMet(0, 0)).toBe(false);
  });
});

/** Every reviewer scores every case: quality plus the reviewer's leniency. */
function crossed(quality: number[], leniency: Record<string, number>): ReviewTotal[] {
  return Object.entries(leniency).flatMap(([reviewerId, offset]) =>
    quality.map((q, index) => ({ caseId: `c${index}`, reviewerId, total: q + offset })),
  );
}

describe('aggregateRound', () => {
  it('summarises each case: raw mean, spread, count', () => {
    const result = aggregateRound([
      { caseId: 'a', reviewerId: 'r1', total: 8 },
      { caseId: 'a', reviewerId: 'r2', total: 6 },
      { caseId: 'b', reviewerId: 'r1', total: 5 },
      { caseId: 'b', reviewerId: 'r2', total: 7 },
    ]);
    expect(result.cases.map(({ caseId, rawMean, spread, count }) => ({ caseId, rawMean, spread, count }))).toEqual([
      { caseId: 'a', rawMean: 7, spread: 2, count: 2 },
      { caseId: 'b', rawMean: 6, spread: 2, count: 2 },
    ]);
    expect(result.issues).toEqual([]);
  });

  it('corrects a reviewer who is uniformly 2 points harsher: normalised values agree, raw ones do not', () => {
    const quality = [8, 6.5, 7, 5, 9];
    const fair = aggregateRound(crossed(quality, { r1: 0, r2: 0, r3: 0 }));
    const harsh = aggregateRound(crossed(quality, { r1: 0, r2: 0, r3: -2 }));
    for (const [index, summary] of harsh.cases.entries()) {
      // The harsh reviewer's raw totals are 2 below the others, so raw spread is 2; normalised agree exactly.
      expect(summary.spread).toBe(2);
      const values = harsh.reviews.filter((review) => review.caseId === summary.caseId).map((review) => review.normalised);
      expect(Math.max(...values) - Math.min(...values)).toBeLessThan(1e-3);
      // Differences between cases are preserved: only a common shift (the harsh reviewer's share) remains.
      expect(summary.normalizedMean - fair.cases[index]!.normalizedMean).toBeCloseTo(-2 / 3, 3);
    }
  });

  it('puts cases back in quality order when a strict and a lenient reviewer each saw a comparable half', () => {
    // Quality falls from c0 to c5. "strict" (-2) reviews c0, c2, c4; "lenient" (+2) reviews c1, c3, c5.
    const quality = [9, 8.8, 7, 6.8, 5, 4.8];
    const reviews: ReviewTotal[] = [
      ...crossed(quality, { r1: 0, r2: 0 }),
      ...[0, 2, 4].map((index) => ({ caseId: `c${index}`, reviewerId: 'strict', total: quality[index]! - 2 })),
      ...[1, 3, 5].map((index) => ({ caseId: `c${index}`, reviewerId: 'lenient', total: quality[index]! + 2 })),
    ];
    const result = aggregateRound(reviews);
    const byRaw = [...result.cases].sort((a, b) => b.rawMean - a.rawMean).map((summary) => summary.caseId);
    const byNormalised = [...result.cases].sort((a, b) => b.normalizedMean - a.normalizedMean).map((summary) => summary.caseId);
    expect(byRaw).toEqual(['c1', 'c0', 'c3', 'c2', 'c5', 'c4']);
    expect(byNormalised).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('keeps a single-score reviewer raw and shifts a reviewer with no spread', () => {
    const result = aggregateRound([
      { caseId: 'a', reviewerId: 'r1', total: 8 },
      { caseId: 'b', reviewerId: 'r1', total: 4 },
      { caseId: 'a', reviewerId: 'once', total: 9.5 },
      { caseId: 'a', reviewerId: 'flat', total: 7 },
      { caseId: 'b', reviewerId: 'flat', total: 7 },
    ]);
    const calibration = Object.fromEntries(result.reviewers.map((reviewer) => [reviewer.reviewerId, reviewer.calibration]));
    expect(calibration).toEqual({ r1: 'zscore', once: 'raw', flat: 'shift' });
    const normalised = (caseId: string, reviewerId: string) =>
      result.reviews.find((review) => review.caseId === caseId && review.reviewerId === reviewerId)!.normalised;
    expect(normalised('a', 'once')).toBe(9.5);
    expect(normalised('a', 'flat')).toBe(result.scale.mean);
    expect(Number.isFinite(normalised('a', 'r1'))).toBe(true);
  });

  it('flags a reviewer far from the other reviewers of a case, and nobody where the panel agrees', () => {
    const quality = [8, 7, 6, 5, 7.5, 6.5];
    const reviews = crossed(quality, { r1: 0, r2: 0.3, r3: -0.2 });
    const disagreeing = reviews.map((review) =>
      review.caseId === 'c3' && review.reviewerId === 'r2' ? { ...review, total: 9.8 } : review,
    );
    const result = aggregateRound(disagreeing);
    expect(result.cases.find((summary) => summary.caseId === 'c3')!.outliers).toEqual(['r2']);
    expect(result.cases.filter((summary) => summary.caseId !== 'c3').every((summary) => summary.outliers.length === 0)).toBe(true);
    expect(aggregateRound(reviews).cases.every((summary) => summary.outliers.length === 0)).toBe(true);
  });

  it('leaves out non-numeric and duplicate totals with coded issues', () => {
    const result = aggregateRound([
      { caseId: 'a', reviewerId: 'r1', total: 8 },
      { caseId: 'a', reviewerId: 'r1', total: 3 },
      { caseId: 'a', reviewerId: 'r2', total: Number.NaN },
    ]);
    expect(result.issues.map((problem) => problem.code)).toEqual(['AGGREGATE_DUPLICATE_REVIEW', 'AGGREGATE_TOTAL_NOT_A_NUMBER']);
    expect(result.cases).toEqual([{ caseId: 'a', rawMean: 8, normalizedMean: 8, spread: 0, sd: 0, count: 1, outliers: [] }]);
  });

  it('property: adding a constant to one reviewer shifts every normalised mean equally (rankings unchanged)', () => {
    const design = fc
      .record({
        reviewers: fc.integer({ min: 2, max: 5 }),
        cases: fc.integer({ min: 3, max: 8 }),
      })
      .chain(({ reviewers, cases }) =>
        fc.record({
          // Each reviewer scores at least two cases, with distinct totals so every reviewer is z-scored.
          sheets: fc.array(
            fc
              .uniqueArray(fc.integer({ min: 0, max: cases - 1 }), { minLength: 2, maxLength: cases })
              .chain((caseIndexes) =>
                fc.tuple(
                  fc.constant(caseIndexes),
                  fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: caseIndexes.length, maxLength: caseIndexes.length }),
                ),
              ),
            { minLength: reviewers, maxLength: reviewers },
          ),
          shifted: fc.integer({ min: 0, max: reviewers - 1 }),
          offset: fc.double({ min: -3, max: 3, noNaN: true }),
        }),
      );
    fc.assert(
      fc.property(design, ({ sheets, shifted, offset }) => {
        const reviews = sheets.flatMap(([caseIndexes, marks], reviewer) =>
          caseIndexes.map((caseIndex, at) => ({ caseId: `c${caseIndex}`, reviewerId: `r${reviewer}`, total: marks[at]! / 10 })),
        );
        const moved = reviews.map((review) => (review.reviewerId === `r${shifted}` ? { ...review, total: review.total + offset } : review));
        const before = aggregateRound(reviews).cases;
        const after = aggregateRound(moved).cases;
        const shifts = before.map((summary, index) => after[index]!.normalizedMean - summary.normalizedMean);
        expect(Math.max(...shifts) - Math.min(...shifts)).toBeLessThan(1e-3);
      }),
      { numRuns: 200 },
    );
  });
});

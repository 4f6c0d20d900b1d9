/**
 * Scoring: a reviewer's sheet becomes a weighted total, and the totals of a round become per-case
 * summaries (raw mean, normalised mean, spread, count, outliers).
 *
 * Normalisation, in words: reviewers differ in leniency (one scores everything two points higher)
 * and in range (one uses 5–9, another 2–10). Each reviewer's totals are standardised by that
 * reviewer's own mean and standard deviation across the round (a z-score), then mapped back onto
 * the raw scale as `roundMean + z × pooledWithinReviewerSd`, so a normalised 8.1 reads like a raw
 * 8.1. The pooled within-reviewer sd (not the sd of all totals) is used so that differences in
 * leniency between reviewers do not inflate the scale: adding a constant to one reviewer's totals
 * shifts every normalised value by the same amount and changes no ranking.
 *
 * Reviewers who cannot be standardised:
 * - one total in the round: no spread to standardise by, so the total is kept as it is (flagged
 *   `calibration: 'raw'`);
 * - several totals, all equal (sd 0): only their leniency is corrected (the total moves to the
 *   round mean; `calibration: 'shift'`), since they distinguished nothing.
 *
 * A limit worth knowing: z-scores assume each reviewer saw a comparable mix of cases; a reviewer
 * who happened to get only strong cases is pulled towards the middle. Balanced random assignment
 * (see round/assignment) is what makes the assumption reasonable; the raw mean is always shown too.
 */
import type { Issue, Rubric, ScoreSheet, ScoreSummary } from '../model';
import { type Outcome, failure, issue, round4, success } from '../round/outcome';

// ---------------------------------------------------------------------------------------------
// One sheet

/**
 * Weighted total of one score sheet on the rubric's scale (0..maxScore): Σ weight·score / Σ weight,
 * so weights may sum to 1, to 100 or to anything. Every criterion must be scored, with a finite
 * number within 0..maxScore, and no unknown criterion may appear.
 */
export function weightedTotal(sheet: ScoreSheet, rubric: Rubric): Outcome<number> {
  const errors: Issue[] = [];
  const known = new Set(rubric.criteria.map((criterion) => criterion.id));
  for (const id of Object.keys(sheet.scores)) {
    if (!known.has(id)) {
      errors.push(
        issue(
          'SCORE_UNKNOWN_CRITERION',
          `scores.${id}`,
          `評分表中有評審標準以外的項目「${id}」`,
          `"${id}" is not a criterion of this round's rubric`,
        ),
      );
    }
  }
  let weighted = 0;
  let weights = 0;
  for (const criterion of rubric.criteria) {
    const field = `scores.${criterion.id}`;
    const score = sheet.scores[criterion.id];
    if (score === undefined) {
      errors.push(
        issue('SCORE_MISSING_CRITERION', field, `未評「${criterion.name.zh}」一項`, `"${criterion.name.en}" has not been scored`),
      );
      continue;
    }
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      errors.push(
        issue(
          'SCORE_NOT_A_NUMBER',
          field,
          `「${criterion.name.zh}」的分數不是有效數字`,
          `the score for "${criterion.name.en}" is not a number`,
        ),
      );
      continue;
    }
    if (score < 0 || score > rubric.maxScore) {
      errors.push(
        issue(
          'SCORE_OUT_OF_RANGE',
          field,
          `「${criterion.name.zh}」的分數 ${score} 超出 0 至 ${rubric.maxScore} 分的範圍`,
          `the score ${score} for "${criterion.name.en}" is outside 0..${rubric.maxScore}`,
        ),
      );
      continue;
    }
    weighted += criterion.weight * score;
    weights += criterion.weight;
  }
  if (errors.length > 0) return failure(errors);
  return success(round4(weighted / weights));
}

// ---------------------------------------------------------------------------------------------
// A round

export interface ReviewTotal {
  caseId: string;
  reviewerId: string;
  total: number;
}

export type Calibration = 'zscore' | 'shift' | 'raw';

export interface ReviewerCalibration {
  reviewerId: string;
  count: number;
  mean: number;
  sd: number;
  calibration: Calibration;
}

export interface NormalisedReview extends ReviewTotal {
  /** The total mapped through the reviewer's calibration, on the raw scale. */
  normalised: number;
}

/** A case's summary: the stored ScoreSummary plus the sd of its raw totals. */
export interface CaseScore extends ScoreSummary {
  caseId: string;
  /** Population sd of the case's raw totals (0 with one score). */
  sd: number;
}

export interface AggregateOptions {
  /** How many within-case sds away from the others' mean makes a score an outlier (default 2). */
  outlierSds?: number;
  /** A gap smaller than this is never an outlier, however unanimous the panel usually is (default 1 point). */
  outlierMinGap?: number;
}

export interface RoundAggregate {
  /** One per case that has at least one valid total, in first-seen order. */
  cases: CaseScore[];
  reviews: NormalisedReview[];
  reviewers: ReviewerCalibration[];
  /** The round mean and the pooled within-reviewer sd that normalised values are mapped onto. */
  scale: { mean: number; sd: number };
  /** The round's typical disagreement inside a case (pooled within-case sd), used for outliers. */
  withinCaseSd: number;
  /** Totals that were left out (non-finite, duplicated reviewer/case pairs): coded, bilingual. */
  issues: Issue[];
}

/**
 * Aggregates the totals of a round (every scored review of every case; pass the whole round so
 * reviewer calibration sees all of each reviewer's totals).
 *
 * Outliers: with three reviewers per case, a z-score inside the case can never exceed 1.16 and an
 * IQR of three numbers is meaningless, so neither rule the textbooks suggest works here. A score
 * is flagged instead when the case has at least three scores and the score lies further from the
 * mean of the *other* reviewers' scores than `outlierSds` times the round's pooled within-case sd
 * (how much reviewers usually disagree), and at least `outlierMinGap` points. Normalised values are
 * compared, so a reviewer who is merely harsh everywhere is not flagged everywhere.
 */
export function aggregateRound(reviews: readonly ReviewTotal[], options: AggregateOptions = {}): RoundAggregate {
  const outlierSds = options.outlierSds ?? 2;
  const outlierMinGap = options.outlierMinGap ?? 1;
  const issues: Issue[] = [];
  const valid: ReviewTotal[] = [];
  const seen = new Set<string>();
  for (const review of reviews) {
    const key = `${review.caseId}\u0000${review.reviewerId}`;
    if (typeof review.total !== 'number' || !Number.isFinite(review.total)) {
      issues.push(
        issue(
          'AGGREGATE_TOTAL_NOT_A_NUMBER',
          `${review.caseId}/${review.reviewerId}`,
          `評審 ${review.reviewerId} 對案件 ${review.caseId} 的總分不是有效數字，未計入`,
          `the total of reviewer ${review.reviewerId} for case ${review.caseId} is not a number and was left out`,
        ),
      );
      continue;
    }
    if (seen.has(key)) {
      issues.push(
        issue(
          'AGGREGATE_DUPLICATE_REVIEW',
          `${review.caseId}/${review.reviewerId}`,
          `評審 ${review.reviewerId} 對案件 ${review.caseId} 有多於一個總分，只計第一個`,
          `reviewer ${review.reviewerId} has more than one total for case ${review.caseId}; only the first counts`,
        ),
      );
      continue;
    }
    seen.add(key);
    valid.push(review);
  }

  const byReviewer = groupBy(valid, (review) => review.reviewerId);
  const reviewers: ReviewerCalibration[] = [];
  let squaredWithin = 0;
  let pooledCount = 0;
  for (const [reviewerId, own] of byReviewer) {
    const totals = own.map((review) => review.total);
    const mean = meanOf(totals);
    const sd = populationSd(totals, mean);
    const calibration: Calibration = totals.length < 2 ? 'raw' : sd > 1e-9 ? 'zscore' : 'shift';
    reviewers.push({ reviewerId, count: totals.length, mean: round4(mean), sd: round4(sd), calibration });
    if (calibration !== 'raw') {
      squaredWithin += totals.reduce((sum, total) => sum + (total - mean) ** 2, 0);
      pooledCount += totals.length;
    }
  }
  const scaleMean = valid.length > 0 ? meanOf(valid.map((review) => review.total)) : 0;
  const scaleSd = pooledCount > 0 ? Math.sqrt(squaredWithin / pooledCount) : 0;

  const calibrationOf = new Map(reviewers.map((reviewer) => [reviewer.reviewerId, reviewer]));
  const exactStats = new Map(
    [...byReviewer].map(([reviewerId, own]) => {
      const totals = own.map((review) => review.total);
      const mean = meanOf(totals);
      return [reviewerId, { mean, sd: populationSd(totals, mean) }] as const;
    }),
  );
  const normalisedReviews: NormalisedReview[] = valid.map((review) => {
    const calibration = calibrationOf.get(review.reviewerId)!.calibration;
    const stats = exactStats.get(review.reviewerId)!;
    let normalised: number;
    if (calibration === 'zscore') normalised = scaleMean + ((review.total - stats.mean) / stats.sd) * scaleSd;
    else if (calibration === 'shift') normalised = review.total - stats.mean + scaleMean;
    else normalised = review.total;
    return { ...review, normalised: round4(normalised) };
  });

  const byCase = groupBy(normalisedReviews, (review) => review.caseId);
  let squaredWithinCase = 0;
  let withinCaseDegrees = 0;
  for (const own of byCase.values()) {
    if (own.length < 2) continue;
    const values = own.map((review) => review.normalised);
    const mean = meanOf(values);
    squaredWithinCase += values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
    withinCaseDegrees += values.length - 1;
  }
  const withinCaseSd = withinCaseDegrees > 0 ? Math.sqrt(squaredWithinCase / withinCaseDegrees) : 0;
  const outlierGap = Math.max(outlierSds * withinCaseSd, outlierMinGap);

  const cases: CaseScore[] = [];
  for (const [caseId, own] of byCase) {
    const totals = own.map((review) => review.total);
    const values = own.map((review) => review.normalised);
    const rawMean = meanOf(totals);
    const outliers: string[] = [];
    if (own.length >= 3) {
      const sum = values.reduce((acc, value) => acc + value, 0);
      for (const review of own) {
        const othersMean = (sum - review.normalised) / (own.length - 1);
        if (Math.abs(review.normalised - othersMean) > outlierGap) outliers.push(review.reviewerId);
      }
    }
    cases.push({
      caseId,
      rawMean: round4(rawMean),
      normalizedMean: round4(meanOf(values)),
      spread: round4(Math.max(...totals) - Math.min(...totals)),
      sd: round4(populationSd(totals, rawMean)),
      count: own.length,
      outliers,
    });
  }

  return {
    cases,
    reviews: normalisedReviews,
    reviewers,
    scale: { mean: round4(scaleMean), sd: round4(scaleSd) },
    withinCaseSd: round4(withinCaseSd),
    issues,
  };
}

/** Whether enough scores are in to complete a panel at the review deadline. */
export function quorumMet(count: number, quorum: number): boolean {
  return count >= Math.max(1, quorum);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function meanOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function populationSd(values: readonly number[], mean: number): number {
  if (values.length < 2) return 0;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
}

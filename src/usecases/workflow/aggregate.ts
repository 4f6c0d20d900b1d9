/**
 * aggregate-scores: the case's score summary (raw mean, normalised mean, spread, outliers),
 * calibrated against every score of the round so far; the case becomes REVIEWED. Ranking
 * recomputes the normalised means once all cases are in, since calibration shifts as reviewers
 * score more cases.
 */
import * as z from 'zod';
import type { ScoreSummary } from '../../domain/model';
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import { aggregateCases, type ScoresStore } from './scores';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type AggregateStore = StorePort<{ cases: 'listCasesByRound' | 'requireCase' | 'updateCaseStatus' }> & ScoresStore & AuditTrailStore;

export const aggregateInputSchema = z.object({ roundId: z.string(), caseId: z.string() });
export type AggregateInput = z.infer<typeof aggregateInputSchema>;

export async function aggregateScores(
  deps: WorkflowDeps<AggregateStore>,
  event: AggregateInput,
): Promise<ScoreSummary & { caseId: string }> {
  const { roundId, caseId } = aggregateInputSchema.parse(event);
  const record = await deps.store.cases.requireCase(caseId);
  const scoredCases = [
    ...(await deps.store.cases.listCasesByRound(roundId, 'IN_REVIEW')),
    ...(await deps.store.cases.listCasesByRound(roundId, 'REVIEWED')),
  ];
  const aggregate = await aggregateCases(deps.store, scoredCases.some((c) => c.caseId === caseId) ? scoredCases : [...scoredCases, record]);
  const mine = aggregate.cases.find((entry) => entry.caseId === caseId);
  if (!mine) throw new WorkflowError('Casebook.NoScores', `case ${caseId} has no scores to aggregate`);
  const score: ScoreSummary = {
    rawMean: mine.rawMean,
    normalizedMean: mine.normalizedMean,
    spread: mine.spread,
    count: mine.count,
    outliers: mine.outliers,
  };
  const at = deps.clock.now().toISOString();
  if (record.status === 'IN_REVIEW') await deps.store.cases.updateCaseStatus(caseId, 'REVIEWED', ['IN_REVIEW'], { score, updatedAt: at });
  await audit(deps, roundId, 'CASE_REVIEWED', `case:${caseId}`, score);
  return { caseId, ...score };
}

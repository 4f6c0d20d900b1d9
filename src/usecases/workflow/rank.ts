/**
 * rank-shortlist: recompute every reviewed case's calibrated score over the whole round, then
 * shortlist in score order under the quotas (every departure explained by the round domain).
 * The round becomes SHORTLISTED and shortlisted cases SHORTLISTED; the rest stay REVIEWED until
 * the round is approved.
 */
import { shortlist, type RankedCase } from '../../domain/round/shortlist';
import { cityCodeOf } from '../../domain/units';
import type { CaseRecord, ScoreSummary } from '../../domain/model';
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import { roundInputSchema, type RoundInput } from './check-round';
import { aggregateCases, type ScoresStore } from './scores';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type RankStore = StorePort<{ rounds: 'requireRound' | 'updateRoundStatus'; cases: 'listCasesByRound' | 'updateCaseStatus' }> &
  ScoresStore &
  AuditTrailStore;

export interface RankOutput {
  count: number;
  feasible: boolean;
  attempts: { leadership: number };
  timeouts: { leadershipSeconds: number };
}

export async function rankShortlist(deps: WorkflowDeps<RankStore>, event: RoundInput): Promise<RankOutput> {
  const { roundId } = roundInputSchema.parse(event);
  const round = await deps.store.rounds.requireRound(roundId);
  const out = (count: number, feasible: boolean): RankOutput => ({
    count,
    feasible,
    attempts: { leadership: 1 },
    timeouts: { leadershipSeconds: round.charter.timeouts.leadershipSeconds },
  });
  // A retried step after the round moved on returns what was decided.
  if (round.status === 'SHORTLISTED') return out(round.shortlist?.length ?? 0, true);
  if (round.status !== 'CLOSED') throw new WorkflowError('Casebook.RoundNotClosed', `round ${roundId} is ${round.status}, not CLOSED`);

  const reviewed: CaseRecord[] = [
    ...(await deps.store.cases.listCasesByRound(roundId, 'REVIEWED')),
    ...(await deps.store.cases.listCasesByRound(roundId, 'SHORTLISTED')),
  ];
  const aggregate = await aggregateCases(deps.store, reviewed);
  const at = deps.clock.now().toISOString();
  const scoreOf = new Map(aggregate.cases.map((entry) => [entry.caseId, entry]));
  const ranked: RankedCase[] = [];
  for (const record of reviewed) {
    const entry = scoreOf.get(record.caseId);
    if (!entry) continue;
    const score: ScoreSummary = {
      rawMean: entry.rawMean,
      normalizedMean: entry.normalizedMean,
      spread: entry.spread,
      count: entry.count,
      outliers: entry.outliers,
    };
    ranked.push({
      caseId: record.caseId,
      score: entry.normalizedMean,
      cityCode: cityCodeOf(record.unitCode) ?? record.city,
      level: record.level,
      label: record.unitName,
    });
    await deps.store.cases.updateCaseStatus(record.caseId, record.status, [record.status], { score, updatedAt: at });
  }
  const result = shortlist({ cases: ranked, quotas: round.charter.quotas });
  for (const entry of result.entries) {
    await deps.store.cases.updateCaseStatus(entry.caseId, 'SHORTLISTED', ['REVIEWED', 'SHORTLISTED'], { updatedAt: at });
  }
  await deps.store.rounds.updateRoundStatus(roundId, 'SHORTLISTED', ['CLOSED'], { shortlist: result.entries });
  await audit(deps, roundId, 'ROUND_SHORTLISTED', `round:${roundId}`, {
    shortlist: result.entries,
    passedOver: result.rejected.map((rejected) => ({ caseId: rejected.caseId, code: rejected.code, reason: rejected.reason })),
    feasible: result.feasible,
    issues: result.issues.map((issue) => issue.code),
  });
  return out(result.entries.length, result.feasible);
}

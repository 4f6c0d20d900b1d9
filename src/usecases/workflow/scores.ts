/** Aggregates a round's scored reviews through the scoring domain (calibration needs the whole round). */
import { aggregateRound, type RoundAggregate } from '../../domain/scoring/aggregate';
import type { CaseRecord } from '../../domain/model';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type ScoresStore = StorePort<{ reviews: 'listReviewsByCase' }>;

export async function aggregateCases(store: ScoresStore, cases: readonly CaseRecord[]): Promise<RoundAggregate> {
  const totals = [];
  for (const record of cases) {
    for (const review of await store.reviews.listReviewsByCase(record.caseId)) {
      if (review.status === 'SCORED' && typeof review.total === 'number')
        totals.push({ caseId: record.caseId, reviewerId: review.reviewerId, total: review.total });
    }
  }
  return aggregateRound(totals);
}

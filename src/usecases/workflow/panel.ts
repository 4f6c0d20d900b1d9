/** Reviewer assignment for one case, with the round's current load, through the round domain. */
import { assignReviewers, type AssignableCase } from '../../domain/round/assignment';
import { cityCodeOf } from '../../domain/units';
import type { CaseRecord, Charter, Review } from '../../domain/model';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type PanelStore = StorePort<{ reviews: 'assignReviewers' | 'listReviewsByCase' | 'listReviewsByReviewer' }>;

/** Reviews that count towards the panel (not those reported missing or replaced). */
export const activeReviews = (reviews: readonly Review[]) =>
  reviews.filter((review) => review.status === 'ASSIGNED' || review.status === 'SCORED');

export function assignableCase(record: CaseRecord): AssignableCase {
  return { caseId: record.caseId, unitCode: record.unitCode, cityCode: cityCodeOf(record.unitCode) ?? record.city };
}

/**
 * Tops up a case's panel to `reviewersPerCase` with conflict-free reviewers, balancing load
 * across the round. Returns the active reviewer ids and any shortage message.
 */
export async function staffPanel(
  store: PanelStore,
  charter: Charter,
  record: CaseRecord,
  at: string,
): Promise<{
  reviewerIds: string[];
  added: string[];
  shortage?: { needed: number; available: number; reason: { zh: string; en: string } };
}> {
  const reviews = await store.reviews.listReviewsByCase(record.caseId);
  const active = activeReviews(reviews).map((review) => review.reviewerId);
  if (active.length >= charter.reviewersPerCase) return { reviewerIds: active, added: [] };

  const currentLoad: Record<string, number> = {};
  for (const reviewer of charter.panel) {
    currentLoad[reviewer.id] = activeReviews(await store.reviews.listReviewsByReviewer(reviewer.id, record.roundId)).length;
  }
  const exclude = reviews.map((review) => ({ caseId: record.caseId, reviewerId: review.reviewerId }));
  const result = assignReviewers({
    cases: [assignableCase(record)],
    panel: charter.panel,
    perCase: charter.reviewersPerCase - active.length,
    currentLoad,
    exclude,
  });
  const added = result.assignments[0]?.reviewerIds ?? [];
  await store.reviews.assignReviewers(record.roundId, record.caseId, added, at);
  const shortage = result.shortages[0];
  return {
    reviewerIds: [...active, ...added],
    added,
    ...(shortage
      ? { shortage: { needed: charter.reviewersPerCase, available: active.length + added.length, reason: shortage.reason } }
      : {}),
  };
}

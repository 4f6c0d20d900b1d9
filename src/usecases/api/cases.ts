/** Cases as each role may see them, and the office's corrections, withdrawals and reviewer swaps. */
import type { Actor, CaseRecord, Review, Round } from '../../domain/model';
import { forbidden, notFound, wrongState } from '../errors';
import {
  approverMaySee,
  assignmentOf,
  caseAccess,
  isApplicant,
  isApprover,
  isConflicted,
  isOffice,
  isReviewer,
  requireRole,
} from './access';
import type { ApiDeps } from './ports';
import { audit, loadRound, type LoadRoundStore, type OfficeAuditStore } from './rounds';
import { caseView } from './views';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type CasesApiStore = StorePort<{
  cases: 'getCase' | 'getCaseVersion' | 'listCasesByRound' | 'updateCaseStatus';
  reviews: 'assignReviewers' | 'listReviewsByCase' | 'listReviewsByReviewer' | 'updateReviewStatus';
  tasks: 'addTaskAssignees' | 'listTasksByRound';
}> &
  LoadRoundStore &
  OfficeAuditStore;

async function loadCase(deps: ApiDeps<CasesApiStore>, caseId: string): Promise<CaseRecord> {
  const c = await deps.store.cases.getCase(caseId);
  if (!c) throw notFound('case', caseId);
  return c;
}

function reviewSummaries(reviews: Review[]) {
  return reviews.map((r) => ({
    reviewerId: r.reviewerId,
    status: r.status,
    ...(r.total !== undefined ? { total: r.total } : {}),
    ...(r.scoredAt ? { scoredAt: r.scoredAt } : {}),
  }));
}

export async function listCases(deps: ApiDeps<CasesApiStore>, actor: Actor, roundId: string) {
  const round = await loadRound(deps, roundId);
  const blind = round.charter.blindReview;
  if (isOffice(actor)) {
    return { cases: (await deps.store.cases.listCasesByRound(roundId)).map((c) => caseView(c, 'office', { blind })) };
  }
  const seen = new Map<string, ReturnType<typeof caseView>>();
  if (isApprover(actor)) {
    for (const c of await deps.store.cases.listCasesByRound(roundId))
      if (approverMaySee(round, c)) seen.set(c.caseId, caseView(c, 'approver', { blind }));
  }
  if (isReviewer(actor)) {
    for (const r of await deps.store.reviews.listReviewsByReviewer(actor.id, roundId)) {
      if (r.status === 'REPLACED' || seen.has(r.caseId)) continue;
      const c = await deps.store.cases.getCase(r.caseId);
      if (c && !isConflicted(round, actor.id, c)) seen.set(c.caseId, caseView(c, 'reviewer', { blind }));
    }
  }
  if (isApplicant(actor)) {
    for (const c of await deps.store.cases.listCasesByRound(roundId))
      if (c.unitCode === actor.unitCode && !seen.has(c.caseId)) seen.set(c.caseId, caseView(c, 'applicant', { blind }));
  }
  if (!isApprover(actor) && !isReviewer(actor) && !isApplicant(actor)) throw forbidden();
  return { cases: [...seen.values()] };
}

export async function readCase(deps: ApiDeps<CasesApiStore>, actor: Actor, caseId: string) {
  const c = await loadCase(deps, caseId);
  const round = await loadRound(deps, c.roundId);
  const reviews = await deps.store.reviews.listReviewsByCase(caseId);
  const access = caseAccess(actor, round, c, reviews);
  const version = await deps.store.cases.getCaseVersion(caseId, c.currentVersion);
  const parsed = version?.dossier && typeof version.dossier === 'object' ? (version.dossier as Record<string, unknown>) : undefined;
  return caseView(c, access, { blind: round.charter.blindReview, ...(parsed ? { parsed } : {}), reviews: reviewSummaries(reviews) });
}

async function officeCase(deps: ApiDeps<CasesApiStore>, actor: Actor, caseId: string): Promise<{ c: CaseRecord; round: Round }> {
  requireRole(actor, 'secretariat');
  const c = await loadCase(deps, caseId);
  return { c, round: await loadRound(deps, c.roundId) };
}

export async function correctCase(deps: ApiDeps<CasesApiStore>, actor: Actor, caseId: string, input: { note: string }) {
  const { c, round } = await officeCase(deps, actor, caseId);
  if (c.status !== 'APPROVED') {
    throw wrongState('CASE_NOT_PUBLISHED', {
      zh: `案例狀態為 ${c.status}；只有已公布的案例可以更正。`,
      en: `The case is ${c.status}; only an approved (published) case can be corrected.`,
    });
  }
  const at = deps.now().toISOString();
  const next = await deps.store.cases.updateCaseStatus(caseId, 'APPROVED', ['APPROVED'], {
    corrections: [...(c.corrections ?? []), { at, by: actor.name, note: input.note }],
    updatedAt: at,
  });
  await audit(deps, actor, c.roundId, 'case.correct', `case:${caseId}`, { note: input.note });
  return caseView(next, 'office', { blind: round.charter.blindReview });
}

export async function withdrawCase(deps: ApiDeps<CasesApiStore>, actor: Actor, caseId: string, input: { reason: string }) {
  const { c, round } = await officeCase(deps, actor, caseId);
  if (c.status === 'WITHDRAWN') {
    throw wrongState('CASE_ALREADY_WITHDRAWN', { zh: '案例已撤回。', en: 'The case is already withdrawn.' });
  }
  const at = deps.now().toISOString();
  const next = await deps.store.cases.updateCaseStatus(caseId, 'WITHDRAWN', [c.status], { updatedAt: at });
  await audit(deps, actor, c.roundId, 'case.withdraw', `case:${caseId}`, { reason: input.reason, from: c.status });
  return caseView(next, 'office', { blind: round.charter.blindReview });
}

export async function replaceReviewer(
  deps: ApiDeps<CasesApiStore>,
  actor: Actor,
  caseId: string,
  reviewerId: string,
  input: { newReviewerId: string; reason: string },
) {
  const { c, round } = await officeCase(deps, actor, caseId);
  if (c.status !== 'IN_REVIEW') {
    throw wrongState('CASE_NOT_IN_REVIEW', { zh: `案例狀態為 ${c.status}，不在評審中。`, en: `The case is ${c.status}, not IN_REVIEW.` });
  }
  const reviews = await deps.store.reviews.listReviewsByCase(caseId);
  const old = assignmentOf(reviews, reviewerId);
  if (!old) throw notFound('reviewer', `${reviewerId} @ ${caseId}`);
  if (old.status === 'SCORED') {
    throw wrongState('REVIEWER_ALREADY_SCORED', {
      zh: '該評審已評分，不能更換。',
      en: 'That reviewer already scored; they cannot be replaced.',
    });
  }
  if (!round.charter.panel.some((p) => p.id === input.newReviewerId)) {
    throw wrongState('NOT_ON_PANEL', {
      zh: `${input.newReviewerId} 不在本輪評審名單內。`,
      en: `${input.newReviewerId} is not on the round’s panel.`,
    });
  }
  if (assignmentOf(reviews, input.newReviewerId)) {
    throw wrongState('ALREADY_ASSIGNED', { zh: '新評審已獲分派此案例。', en: 'The new reviewer is already assigned to this case.' });
  }
  if (isConflicted(round, input.newReviewerId, c)) {
    throw wrongState('REVIEWER_CONFLICTED', {
      zh: '新評審與此案例有利益衝突（同一轄區或已申報迴避）。',
      en: 'The new reviewer has a conflict with this case (jurisdiction or declared).',
    });
  }
  await deps.store.reviews.updateReviewStatus(caseId, reviewerId, 'REPLACED', [old.status]);
  await deps.store.reviews.assignReviewers(c.roundId, caseId, [input.newReviewerId], deps.now().toISOString());
  // the open panel step must accept the newcomer's scores
  for (const t of await deps.store.tasks.listTasksByRound(c.roundId, 'PANEL', 'OPEN')) {
    if (t.caseId === caseId) await deps.store.tasks.addTaskAssignees(t.taskId, [input.newReviewerId]);
  }
  await audit(deps, actor, c.roundId, 'case.replace-reviewer', `case:${caseId}`, {
    from: reviewerId,
    to: input.newReviewerId,
    reason: input.reason,
  });
  return caseView(c, 'office', {
    blind: round.charter.blindReview,
    reviews: reviewSummaries(await deps.store.reviews.listReviewsByCase(caseId)),
  });
}

/**
 * A case's whole record as its staff follow it: every version, the eligibility decision, the
 * panel's assignments and scores, the aggregate and the history of what happened to it (from the
 * audit trail, which is the record of every change).
 *
 * Blind-aware: the office sees who reviewed; the leadership meeting sees the panel's scores
 * under stable labels (評審 1, 2, …) but not who gave them, so its decision rests on the scores.
 */
import type { Actor, CaseStatus } from '../../domain/model';
import { notFound } from '../errors';
import type { StorePort } from '../../store/store';
import type { ApiDeps } from './ports';
import { caseAccess, requireRole } from './access';
import { caseView } from './views';

/** The reads this view needs, and nothing else. */
export type CaseRecordStore = StorePort<{
  cases: 'getCase' | 'listCaseVersions';
  rounds: 'getRound';
  reviews: 'listReviewsByCase';
  tasks: 'listTasksByRound';
  audit: 'listAuditWithPending';
}>;

/** What a recorded action did to the case's status, where the action says so by itself. */
function statusAfter(caseId: string, action: string, change: unknown): CaseStatus | undefined {
  const c = (change ?? {}) as Record<string, unknown>;
  switch (action) {
    case 'CASE_STORED':
      return 'ELIGIBILITY_PENDING';
    case 'ELIGIBILITY_DECIDED': {
      const outcome = (c.decision as { outcome?: string } | undefined)?.outcome;
      return outcome === 'eligible'
        ? 'IN_REVIEW'
        : outcome === 'ineligible'
          ? 'INELIGIBLE'
          : outcome === 'revision'
            ? 'REVISION_REQUESTED'
            : undefined;
    }
    case 'CASE_REVIEWED':
      return 'REVIEWED';
    case 'ROUND_SHORTLISTED':
      return (c.shortlist as { caseId: string }[] | undefined)?.some((e) => e.caseId === caseId) ? 'SHORTLISTED' : undefined;
    case 'ROUND_APPROVED':
      return (c.approved as { caseId: string }[] | undefined)?.some((e) => e.caseId === caseId) ? 'APPROVED' : 'NOT_SELECTED';
    case 'case.withdraw':
      return 'WITHDRAWN';
    default:
      return undefined;
  }
}

export async function readCaseRecord(deps: Pick<ApiDeps<CaseRecordStore>, 'store'>, actor: Actor, caseId: string) {
  // applicants and reviewers never use this route: 403 before anything says whether the case exists
  requireRole(actor, 'secretariat', 'approver');
  const c = await deps.store.cases.getCase(caseId);
  if (!c) throw notFound('case', caseId);
  const round = await deps.store.rounds.getRound(c.roundId);
  if (!round) throw notFound('round', c.roundId);
  const reviews = await deps.store.reviews.listReviewsByCase(caseId);
  const access = caseAccess(actor, round, c, reviews);
  if (access !== 'office' && access !== 'approver') throw notFound('case', caseId);
  const office = access === 'office';
  const [versions, eligibilityTasks, trail] = await Promise.all([
    deps.store.cases.listCaseVersions(caseId),
    deps.store.tasks.listTasksByRound(c.roundId, 'ELIGIBILITY'),
    deps.store.audit.listAuditWithPending(c.roundId),
  ]);
  const eligibility = eligibilityTasks
    .filter((t) => t.caseId === caseId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((t) => ({
      taskId: t.taskId,
      status: t.status,
      openedAt: t.createdAt,
      ...(t.decision !== undefined ? { decision: t.decision } : {}),
      ...(t.decidedAt ? { decidedAt: t.decidedAt } : {}),
      ...(office && t.decidedBy ? { decidedBy: t.decidedBy } : {}),
    }));
  // the approver's labels follow assignment order, so they stay the same between reads
  const ordered = [...reviews].sort((a, b) => a.assignedAt.localeCompare(b.assignedAt) || a.reviewerId.localeCompare(b.reviewerId));
  const panelName = new Map(round.charter.panel.map((p) => [p.id, p.name]));
  const assignments = ordered.map((r, i) => ({
    ...(office ? { reviewerId: r.reviewerId, reviewerName: panelName.get(r.reviewerId) ?? r.reviewerId } : { reviewer: `評審 ${i + 1}` }),
    status: r.status,
    assignedAt: r.assignedAt,
    ...(r.sheet ? { scores: r.sheet.scores } : {}),
    ...(office && r.sheet?.comment ? { comment: r.sheet.comment } : {}),
    ...(r.total !== undefined ? { total: r.total } : {}),
    ...(r.scoredAt ? { scoredAt: r.scoredAt } : {}),
  }));
  const mentions = (e: { subject: string; change: unknown }) =>
    e.subject === `case:${caseId}` || JSON.stringify(e.change ?? null).includes(`"${caseId}"`);
  const history = trail.filter(mentions).map((e) => {
    const status = statusAfter(caseId, e.action, e.change);
    return {
      at: e.at,
      action: e.action,
      by: office ? e.actor.name : e.actor.id === 'system' ? e.actor.name : '—',
      ...(status ? { status } : {}),
    };
  });
  return {
    ...caseView(c, access, { blind: round.charter.blindReview }),
    versions: versions.map((v) => ({
      version: v.version,
      submissionId: v.submissionId,
      ...(v.createdAt ? { createdAt: v.createdAt } : {}),
      current: v.version === c.currentVersion,
    })),
    eligibility,
    assignments,
    ...(c.score ? { aggregate: c.score } : {}),
    history,
  };
}

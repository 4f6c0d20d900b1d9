/**
 * Who may see and do what. Every rule about roles lives here so the authorization matrix test
 * and the routes read the same rules.
 *
 * A resource the caller may not see at all answers 404 for applicants and reviewers (so ids
 * of other units' submissions or unassigned cases are not confirmed), 403 when the caller's role
 * can never use the route.
 */
import type { Actor, CaseRecord, Review, Role, Round, Task } from '../../domain/model';
import { ROLE_ZH } from '../../domain/labels';
import { TASK_ROLE } from '../../domain/model';
import { forbidden, notFound } from '../errors';
import { conflictOf, countyCodeOf } from '../../domain/round/assignment';

export const isOffice = (a: Actor | undefined) => !!a && a.roles.includes('secretariat');
export const isApprover = (a: Actor | undefined) => !!a && a.roles.includes('approver');
export const isReviewer = (a: Actor | undefined) => !!a && a.roles.includes('reviewer');
export const isApplicant = (a: Actor | undefined) => !!a && a.roles.includes('applicant') && !!a.unitCode;

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (roles.some((r) => actor.roles.includes(r))) return;
  throw forbidden({
    zh: `此操作只限${roles.map((r) => ROLE_ZH[r]).join('或')}；您的角色是：${actor.roles.map((r) => ROLE_ZH[r]).join('、') || '（無）'}。`,
    en: `Only ${roles.join(' or ')} may do this; your roles: ${actor.roles.join(', ') || '(none)'}.`,
  });
}

/** A reviewer may never see a case from their jurisdiction or one they declared a conflict with. */
export function isConflicted(round: Round, reviewerId: string, c: Pick<CaseRecord, 'caseId' | 'unitCode'>): boolean {
  const reviewer = round.charter.panel.find((p) => p.id === reviewerId);
  if (!reviewer) return false;
  const countyCode = countyCodeOf({ caseId: c.caseId, unitCode: c.unitCode, cityCode: '' });
  // GB/T 2260: a county's city is its first four digits followed by 00
  const cityCode = countyCode ? `${countyCode.slice(0, 4)}00` : '';
  return conflictOf(reviewer, { caseId: c.caseId, unitCode: c.unitCode, cityCode, ...(countyCode ? { countyCode } : {}) }) !== null;
}

/** The reviewer's live assignment on a case (not replaced), or undefined. */
export function assignmentOf(reviews: Review[], reviewerId: string): Review | undefined {
  return reviews.find((r) => r.reviewerId === reviewerId && r.status !== 'REPLACED');
}

export type CaseAccess = 'office' | 'applicant' | 'reviewer' | 'approver';

const APPROVER_VISIBLE: ReadonlySet<CaseRecord['status']> = new Set(['SHORTLISTED', 'SELECTED', 'APPROVED', 'NOT_SELECTED']);

/**
 * An approver sees the cases ranked for their decision. While the round waits for that decision
 * (SHORTLISTED) they also see every reviewed case, so they can add one that missed the shortlist.
 */
export function approverMaySee(round: Pick<Round, 'status'>, c: Pick<CaseRecord, 'status'>): boolean {
  return APPROVER_VISIBLE.has(c.status) || (round.status === 'SHORTLISTED' && c.status === 'REVIEWED');
}

/**
 * How the caller may see a case, or a thrown 403/404. Office first: an office member who is also
 * a reviewer still sees the office view.
 */
export function caseAccess(actor: Actor, round: Round, c: CaseRecord, reviews: Review[]): CaseAccess {
  if (isOffice(actor)) return 'office';
  if (isApprover(actor) && approverMaySee(round, c)) return 'approver';
  if (isReviewer(actor) && assignmentOf(reviews, actor.id) && !isConflicted(round, actor.id, c)) return 'reviewer';
  if (isApplicant(actor) && actor.unitCode === c.unitCode) return 'applicant';
  if (isApprover(actor) || isReviewer(actor) || isApplicant(actor)) throw notFound('case', c.caseId);
  throw forbidden();
}

/**
 * Whether the caller is the one who decides this task: the right role and, for a panel step,
 * an unconflicted live assignment on the case.
 */
export function ownsTask(actor: Actor, task: Task, round: Round | undefined, reviews: Review[], c: CaseRecord | undefined): boolean {
  const role = TASK_ROLE[task.kind];
  if (!actor.roles.includes(role)) return false;
  if (task.kind !== 'PANEL') return true;
  const assignees = (task as Task & { assignees?: string[] }).assignees;
  if (assignees && !assignees.includes(actor.id)) return false;
  if (!assignmentOf(reviews, actor.id)) return false;
  return !(round && c && isConflicted(round, actor.id, c));
}

/** Replace every occurrence of the unit's names with a mask, for blind review. */
export function redactNames(text: string, names: string[]): string {
  let out = text;
  for (const name of [...new Set(names.filter((n) => n.length >= 2))].sort((a, b) => b.length - a.length)) {
    out = out.split(name).join('〔申報單位〕');
  }
  return out;
}

/**
 * A round as its staff decide from it: the office (secretariat) and the leadership meeting
 * (approver) see the frozen charter with its hash, the ranked shortlist with why each case is
 * there (the ranking's explanation and its place under the quotas), the cases passed over and
 * why, the approved list with its reasons, the notice window and the objections filed.
 *
 * A route of its own behind the JWT authorizer: on API Gateway an HTTP API route is either
 * authorized or not, so the public round route never sees a token.
 */
import type { Actor, AuditEntry, Bilingual, CaseRecord } from '../../domain/model';
import { quotaNotes } from '../../domain/round/quota-notes';
import { listCities } from '../../domain/units';
import { notFound } from '../errors';
import type { StorePort } from '../../store/store';
import type { ApiDeps } from './ports';
import { requireRole } from './access';
import { roundOffice } from './views';

/** The reads this view needs, and nothing else. */
export type RoundStaffStore = StorePort<{
  rounds: 'getRound';
  cases: 'listCasesByRound';
  objections: 'listObjections';
  // the trail with its unsealed tail: the ranking's record may not be sealed yet
  audit: 'listAuditWithPending';
}>;

type TrailEntry = Pick<AuditEntry, 'action' | 'at' | 'change'>;

interface PassedOver {
  caseId: string;
  code: string;
  reason: Bilingual;
}

/** The last ranking's record in the audit trail: the cases it passed over, and why. */
function lastRanking(entries: readonly TrailEntry[]): { passedOver: PassedOver[]; feasible?: boolean; issues?: string[] } | undefined {
  const entry = [...entries].reverse().find((e) => e.action === 'ROUND_SHORTLISTED');
  if (!entry || !entry.change || typeof entry.change !== 'object') return undefined;
  const change = entry.change as { passedOver?: PassedOver[]; feasible?: boolean; issues?: string[] };
  return {
    passedOver: Array.isArray(change.passedOver) ? change.passedOver : [],
    ...(typeof change.feasible === 'boolean' ? { feasible: change.feasible } : {}),
    ...(Array.isArray(change.issues) ? { issues: change.issues } : {}),
  };
}

const caseLabel = (c: CaseRecord | undefined) =>
  c ? { title: c.title, unitName: c.unitName, city: c.city, level: c.level, status: c.status } : {};

export async function readRoundForStaff(deps: Pick<ApiDeps<RoundStaffStore>, 'store'>, actor: Actor, roundId: string) {
  requireRole(actor, 'secretariat', 'approver');
  const round = await deps.store.rounds.getRound(roundId);
  if (!round) throw notFound('round', roundId);
  const [cases, objections, trail] = await Promise.all([
    deps.store.cases.listCasesByRound(roundId),
    deps.store.objections.listObjections(roundId),
    round.shortlist || round.noticeEndsAt ? deps.store.audit.listAuditWithPending(roundId) : Promise.resolve([] as TrailEntry[]),
  ]);
  const byId = new Map(cases.map((c) => [c.caseId, c]));
  // cases carry their city's code; the notes name the city as people write it
  const cityName = new Map(listCities().map((c) => [c.code, c.hant]));
  const notes = quotaNotes(
    round.shortlist ?? [],
    cases.map((c) => ({ caseId: c.caseId, level: c.level, city: cityName.get(c.city) ?? c.city })),
    round.charter.quotas,
  );
  const ranking = lastRanking(trail);
  const noticeOpened = [...trail].reverse().find((e) => e.action === 'NOTICE_OPENED');
  return {
    ...roundOffice(round),
    shortlist: (round.shortlist ?? []).map((e) => {
      const c = byId.get(e.caseId);
      return {
        ...e,
        ...caseLabel(c),
        ...(c?.score ? { rawMean: c.score.rawMean, spread: c.score.spread, reviews: c.score.count } : {}),
        quotaNote: notes.get(e.caseId)!,
      };
    }),
    ...(ranking
      ? {
          passedOver: ranking.passedOver.map((p) => ({ ...p, ...caseLabel(byId.get(p.caseId)) })),
          ...(ranking.feasible !== undefined ? { feasible: ranking.feasible } : {}),
          ...(ranking.issues?.length ? { quotaIssues: ranking.issues } : {}),
        }
      : {}),
    ...(round.approvedList ? { approvedList: round.approvedList.map((e) => ({ ...e, ...caseLabel(byId.get(e.caseId)) })) } : {}),
    notice: {
      days: round.charter.noticePeriodDays,
      ...(noticeOpened ? { startsAt: noticeOpened.at } : {}),
      ...(round.noticeEndsAt ? { endsAt: round.noticeEndsAt } : {}),
    },
    objections: {
      total: objections.length,
      open: objections.filter((o) => o.status === 'OPEN').length,
      upheld: objections.filter((o) => o.status === 'UPHELD').length,
      dismissed: objections.filter((o) => o.status === 'DISMISSED').length,
    },
  };
}

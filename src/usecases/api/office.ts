/** Objections, the outbox and the audit trail. */
import type { Actor, Objection } from '../../domain/model';
import { notFound, wrongState } from '../errors';
import { isOffice, requireRole } from './access';
import type { ApiDeps } from './ports';
import { audit, loadRound, type LoadRoundStore, type OfficeAuditStore } from './rounds';
import { verifyChain } from '../../domain/audit/chain';
import { formatCst } from '../../domain/charts';
import type { AuditEntry } from '../../domain/model';

/** The audit chain check in the API's shape: ok, length, head, or the first broken link. */
export function auditCheck(roundId: string, entries: readonly AuditEntry[]) {
  const v = verifyChain(entries);
  return v.ok
    ? { roundId, ok: true, length: v.count, head: v.head }
    : { roundId, ok: false, length: entries.length, firstBroken: { seq: v.firstBrokenSeq, reason: `${v.reason.zh} / ${v.reason.en}` } };
}
import { objectionView } from './views';
import { checkContent, checkSourceLimit, objectionIdFor, type ObjectionGuardStore } from './objection-guard';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type OfficeApiStore = StorePort<{
  objections: 'fileObjectionOnce' | 'listObjections' | 'objectionGuardTotals';
  outbox: 'listNotificationsByRound' | 'listPendingNotifications' | 'releaseNotification';
  rounds: 'listRounds';
  audit: 'exportAudit' | 'listAudit';
}> &
  LoadRoundStore &
  OfficeAuditStore &
  ObjectionGuardStore;

export interface ObjectionSource {
  /** The caller's address as the gateway reports it (hashed before it is stored). */
  sourceIp?: string;
}

/**
 * Files an objection from the public. In order: the round must be in its notice; the source
 * must be within its limit (429); the text must pass the content rules (422); the case must be
 * listed (404). An exact repeat (same case, same normalised text) is counted on the objection
 * already filed and answered with it, never filed twice.
 */
export async function fileObjection(
  deps: ApiDeps<OfficeApiStore>,
  roundId: string,
  input: { caseId: string; text: string; contact?: string },
  source: ObjectionSource = {},
) {
  const round = await loadRound(deps, roundId);
  if (round.status !== 'NOTICE') {
    throw wrongState('NOT_IN_NOTICE', {
      zh: '現在不是公示期，不能提出異議。',
      en: 'Objections can be filed only during the public-notice period.',
    });
  }
  if (round.noticeEndsAt && deps.now().getTime() >= Date.parse(round.noticeEndsAt)) {
    throw wrongState('NOTICE_ENDED', {
      zh: `公示期已於 ${formatCst(round.noticeEndsAt)}（北京時間）結束，不能再提出異議。`,
      en: `The public-notice period ended at ${round.noticeEndsAt}; objections are closed.`,
    });
  }
  await checkSourceLimit(deps, round, source.sourceIp);
  await checkContent(deps, roundId, input.text);
  const listed =
    (round.approvedList ?? []).some((e) => e.caseId === input.caseId) || (round.shortlist ?? []).some((e) => e.caseId === input.caseId);
  if (!listed) throw notFound('case', input.caseId);
  const objection: Objection = {
    objectionId: objectionIdFor(roundId, input.caseId, input.text),
    roundId,
    caseId: input.caseId,
    text: input.text,
    ...(input.contact ? { contact: input.contact } : {}),
    filedAt: deps.now().toISOString(),
    status: 'OPEN',
  };
  const filed = await deps.store.objections.fileObjectionOnce(objection);
  if (!filed.created) {
    await deps.store.objections.countObjectionGuard(roundId, 'suppressed');
    return { objectionId: filed.objection.objectionId, filedAt: filed.objection.filedAt, repeat: true as const };
  }
  // the objector is anonymous: the audit names the public, never the contact
  await audit(deps, { id: 'public', name: 'public', roles: [] }, roundId, 'objection.file', `objection:${objection.objectionId}`, {
    caseId: input.caseId,
  });
  return { objectionId: objection.objectionId, filedAt: objection.filedAt, repeat: false as const };
}

export async function listObjections(deps: ApiDeps<OfficeApiStore>, actor: Actor, roundId: string) {
  requireRole(actor, 'secretariat', 'approver');
  await loadRound(deps, roundId);
  const office = isOffice(actor);
  const [objections, guard] = await Promise.all([
    deps.store.objections.listObjections(roundId),
    deps.store.objections.objectionGuardTotals(roundId),
  ]);
  // what the public route refused or folded: the office weighs a flood by these, not by rows
  return { objections: objections.map((o) => objectionView(o, office)), guard };
}

export async function listOutbox(deps: ApiDeps<OfficeApiStore>, actor: Actor, status?: string) {
  requireRole(actor, 'secretariat');
  const filter = status === 'PENDING' || status === 'RELEASED' ? status : undefined;
  if (filter === 'PENDING') return { notifications: await deps.store.outbox.listPendingNotifications() };
  const rounds = await deps.store.rounds.listRounds();
  const all = (await Promise.all(rounds.map((r) => deps.store.outbox.listNotificationsByRound(r.roundId)))).flat();
  all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { notifications: filter ? all.filter((n) => n.status === filter) : all };
}

export async function releaseNotification(deps: ApiDeps<OfficeApiStore>, actor: Actor, notificationId: string) {
  requireRole(actor, 'secretariat');
  const released = await deps.store.outbox.releaseNotification(notificationId, deps.now().toISOString());
  await audit(deps, actor, released.roundId, 'outbox.release', `notification:${notificationId}`, {
    kind: released.kind,
    recipient: released.recipient,
  });
  return released;
}

export async function exportAudit(deps: ApiDeps<OfficeApiStore>, actor: Actor, roundId: string): Promise<string> {
  requireRole(actor, 'secretariat');
  await loadRound(deps, roundId);
  return deps.store.audit.exportAudit(roundId);
}

export async function verifyAudit(deps: ApiDeps<OfficeApiStore>, actor: Actor, roundId: string) {
  requireRole(actor, 'secretariat');
  await loadRound(deps, roundId);
  const entries = await deps.store.audit.listAudit(roundId);
  return auditCheck(roundId, entries);
}

export function requireFound<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw notFound(what, id);
  return value;
}

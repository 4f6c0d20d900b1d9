/** Round lifecycle as the office drives it through the API. */
import type { Actor, Charter, Round } from '../../domain/model';
import { canonicalJson, sha256Hex } from '../../domain/round/canonical-json';
import { charterSchema } from '../../domain/model';
import { conflict, invalidInput, notFound, wrongState } from '../errors';
import { zodIssues } from '../../domain/zod-issues';
import { requireRole } from './access';
import type { ApiDeps } from './ports';
import { resolvePanel } from './users';
import { roundOffice, roundPublic } from './views';
import type { StorePort } from '../../store/store';

/** What recording an office action needs: the round's audit trail. */
export type OfficeAuditStore = StorePort<{ audit: 'appendAudit' }>;
/** What loading a round needs. */
export type LoadRoundStore = StorePort<{ rounds: 'getRound' }>;
/** What the round lifecycle reads and writes of the case table. */
export type RoundsApiStore = StorePort<{
  rounds: 'amendRound' | 'createRound' | 'getRound' | 'listRounds' | 'updateRound' | 'updateRoundStatus';
}> &
  OfficeAuditStore;

export const charterSha256 = (c: Charter) => sha256Hex(canonicalJson(c));

/** Every office action lands in the round's hash-chained audit trail. */
export async function audit(
  deps: Pick<ApiDeps<OfficeAuditStore>, 'store' | 'now'>,
  actor: Actor,
  roundId: string,
  action: string,
  subject: string,
  change: unknown,
) {
  await deps.store.audit.appendAudit({
    roundId,
    at: deps.now().toISOString(),
    actor: { id: actor.id, name: actor.name },
    action,
    subject,
    change,
  });
}

export const defaultRoundId = (c: Pick<Charter, 'number'>) => `round-${c.number}`;

export async function loadRound(deps: Pick<ApiDeps<LoadRoundStore>, 'store'>, roundId: string): Promise<Round> {
  const round = await deps.store.rounds.getRound(roundId);
  if (!round) throw notFound('round', roundId);
  return round;
}

export async function listRounds(deps: ApiDeps<RoundsApiStore>) {
  const rounds = await deps.store.rounds.listRounds();
  rounds.sort((a, b) => a.charter.year - b.charter.year || a.charter.number - b.charter.number);
  return { rounds: rounds.map(roundPublic) };
}

/** The public view, whoever asks: the staff's view has its own route (round-staff.ts). */
export async function readRound(deps: ApiDeps<RoundsApiStore>, roundId: string) {
  return roundPublic(await loadRound(deps, roundId));
}

export async function createRound(deps: ApiDeps<RoundsApiStore>, actor: Actor, input: { roundId?: string; charter: Charter }) {
  requireRole(actor, 'secretariat');
  checkDeadlines(input.charter);
  input = { ...input, charter: await resolvePanel(deps, input.charter) };
  const roundId = input.roundId ?? defaultRoundId(input.charter);
  if (await deps.store.rounds.getRound(roundId)) {
    throw conflict('ROUND_EXISTS', { zh: `評選輪次已存在：${roundId}`, en: `Round ${roundId} already exists` });
  }
  const round: Round = { roundId, charter: input.charter, status: 'DRAFT', createdAt: deps.now().toISOString() };
  await deps.store.rounds.createRound(round);
  await audit(deps, actor, roundId, 'round.create', `round:${roundId}`, { charterSha256: charterSha256(round.charter) });
  return roundOffice(round);
}

function checkDeadlines(c: Charter): void {
  if (Date.parse(c.reviewDeadline) <= Date.parse(c.submissionDeadline)) {
    throw invalidInput([
      {
        code: 'DEADLINES_OUT_OF_ORDER',
        field: 'charter.reviewDeadline',
        message: { zh: '評審截止時間必須晚於申報截止時間。', en: 'The review deadline must come after the submission deadline.' },
      },
    ]);
  }
  if (c.quorum > c.reviewersPerCase) {
    throw invalidInput([
      {
        code: 'QUORUM_ABOVE_PANEL',
        field: 'charter.quorum',
        message: { zh: '法定評分人數不能多於每案評審人數。', en: 'The quorum cannot exceed the reviewers per case.' },
      },
    ]);
  }
}

export async function amendRound(
  deps: ApiDeps<RoundsApiStore>,
  actor: Actor,
  roundId: string,
  input: { changes: Partial<Charter>; reason: string },
) {
  requireRole(actor, 'secretariat');
  const round = await loadRound(deps, roundId);
  if (round.status !== 'DRAFT' && round.status !== 'OPEN') {
    throw wrongState('ROUND_NOT_AMENDABLE', {
      zh: `輪次狀態為 ${round.status}，只能在草稿或徵集期間修訂章程。`,
      en: `The round is ${round.status}; the charter can be amended only while DRAFT or OPEN.`,
    });
  }
  if (input.changes.panel) {
    const { panel } = await resolvePanel(deps, { ...round.charter, panel: input.changes.panel }, 'changes.panel');
    input = { ...input, changes: { ...input.changes, panel } };
  }
  const merged = charterSchema.safeParse({ ...round.charter, ...input.changes });
  if (!merged.success) throw invalidInput(zodIssues(merged.error).map((i) => ({ ...i, field: `changes.${i.field}` })));
  checkDeadlines(merged.data);
  if (merged.data.number !== round.charter.number || merged.data.year !== round.charter.year) {
    throw wrongState('ROUND_IDENTITY_FIXED', { zh: '輪次的屆別和年份不能修訂。', en: 'A round’s number and year cannot be amended.' });
  }
  const sha = round.status === 'OPEN' ? charterSha256(merged.data) : undefined;
  const before: Record<string, unknown> = {};
  for (const k of Object.keys(input.changes)) before[k] = (round.charter as Record<string, unknown>)[k];
  await deps.store.rounds.amendRound(
    {
      amendmentId: deps.newId(),
      roundId,
      at: deps.now().toISOString(),
      by: { id: actor.id, name: actor.name },
      reason: input.reason,
      change: { before: before as Partial<Charter>, after: input.changes },
      ...(sha ? { charterSha256After: sha } : {}),
    },
    merged.data,
    [round.status],
    sha,
  );
  await audit(deps, actor, roundId, 'round.amend', `round:${roundId}`, {
    reason: input.reason,
    fields: Object.keys(input.changes),
    charterSha256: sha,
  });
  return roundOffice({ ...round, charter: merged.data, ...(sha ? { charterSha256: sha } : {}) });
}

export async function openRound(deps: ApiDeps<RoundsApiStore>, actor: Actor, roundId: string) {
  requireRole(actor, 'secretariat');
  const round = await loadRound(deps, roundId);
  if (round.status !== 'DRAFT') {
    throw wrongState('ROUND_NOT_DRAFT', {
      zh: `輪次狀態為 ${round.status}，只有草稿可以開放徵集。`,
      en: `The round is ${round.status}; only a DRAFT round can open.`,
    });
  }
  if (Date.parse(round.charter.submissionDeadline) <= deps.now().getTime()) {
    throw wrongState('DEADLINE_IN_PAST', {
      zh: '申報截止時間已過，請先修訂章程的截止時間再開放。',
      en: 'The submission deadline has passed; amend it before opening the round.',
    });
  }
  const next = await deps.store.rounds.updateRoundStatus(roundId, 'OPEN', ['DRAFT'], {
    openedAt: deps.now().toISOString(),
    charterSha256: charterSha256(round.charter),
  });
  await audit(deps, actor, roundId, 'round.open', `round:${roundId}`, { charterSha256: next.charterSha256 });
  return roundOffice(next);
}

/**
 * Close submissions and start finalization. The round is marked CLOSED first (conditional), then
 * the execution starts; a CLOSED round with no execution yet can be closed again to retry.
 */
export async function closeRound(deps: ApiDeps<RoundsApiStore>, actor: Actor, roundId: string) {
  requireRole(actor, 'secretariat');
  const round = await loadRound(deps, roundId);
  const retry = round.status === 'CLOSED' && !round.finalizationExecutionArn;
  if (round.status !== 'OPEN' && !retry) {
    throw wrongState('ROUND_NOT_OPEN', {
      zh: `輪次狀態為 ${round.status}，不能截止。`,
      en: `The round is ${round.status}; only an OPEN round can close.`,
    });
  }
  if (!retry) {
    await deps.store.rounds.updateRoundStatus(roundId, 'CLOSED', ['OPEN'], { closedAt: deps.now().toISOString() });
    await audit(deps, actor, roundId, 'round.close', `round:${roundId}`, {});
  }
  const executionArn = await deps.workflows.startFinalization(roundId);
  // the workflow may already have moved the round on: record the execution whatever its status
  const next = await deps.store.rounds.updateRound(roundId, { finalizationExecutionArn: executionArn });
  await audit(deps, actor, roundId, 'round.finalization-started', `round:${roundId}`, { executionArn });
  return roundOffice(next);
}

export async function proceedRound(deps: ApiDeps<RoundsApiStore>, actor: Actor, roundId: string, input: { reason: string }) {
  requireRole(actor, 'secretariat');
  const round = await loadRound(deps, roundId);
  if (round.status !== 'CLOSED') {
    throw wrongState('ROUND_NOT_CLOSED', {
      zh: `輪次狀態為 ${round.status}；只有已截止、尚未排名的輪次可以提前進入排名。`,
      en: `The round is ${round.status}; only a CLOSED round can proceed to ranking.`,
    });
  }
  const next = await deps.store.rounds.updateRound(roundId, { proceedRequested: true }, ['CLOSED']);
  await audit(deps, actor, roundId, 'round.proceed', `round:${roundId}`, { reason: input.reason });
  return roundOffice(next);
}

/**
 * open-notice: the approved list goes on public notice for the charter's period; objections may
 * be filed until `noticeEndsAt`, which the workflow's Wait state reads.
 */
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import { roundInputSchema, type RoundInput } from './check-round';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type NoticeStore = StorePort<{ rounds: 'requireRound' | 'updateRoundStatus' }> & AuditTrailStore;

export async function openNotice(deps: WorkflowDeps<NoticeStore>, event: RoundInput): Promise<{ noticeEndsAt: string }> {
  const { roundId } = roundInputSchema.parse(event);
  const round = await deps.store.rounds.requireRound(roundId);
  if (round.status === 'NOTICE' && round.noticeEndsAt) return { noticeEndsAt: round.noticeEndsAt };
  if (round.status !== 'SHORTLISTED' || !round.approvedList?.length) {
    throw new WorkflowError('Casebook.RoundNotApproved', `round ${roundId} has no approved list to put on notice (status ${round.status})`);
  }
  const seconds = round.charter.noticePeriodSecondsOverride ?? Math.round(round.charter.noticePeriodDays * 86_400);
  const now = deps.clock.now();
  const noticeEndsAt = new Date(now.getTime() + seconds * 1000).toISOString();
  await deps.store.rounds.updateRoundStatus(roundId, 'NOTICE', ['SHORTLISTED'], { noticeEndsAt });
  await deps.notifier.notify({
    roundId,
    kind: 'LIST_READY',
    recipient: 'secretariat',
    dedupKey: `notice:${noticeEndsAt}`,
    subject: { zh: '擬入選名單進入公示期', en: 'The list is on public notice' },
    body: { zh: `公示期至 ${noticeEndsAt} 止，期間可受理異議。`, en: `Objections may be filed until ${noticeEndsAt}.` },
  });
  await audit(deps, roundId, 'NOTICE_OPENED', `round:${roundId}`, { noticeEndsAt, approvedList: round.approvedList });
  return { noticeEndsAt };
}

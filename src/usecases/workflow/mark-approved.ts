/**
 * mark-approved: the approved list becomes final in one transaction (cases APPROVED with their
 * published reasons, round APPROVED); publication follows from the table stream. Cases left off
 * the list become NOT_SELECTED, and every applicant hears the result.
 */
import type { CaseStatus } from '../../domain/model';
import { StoreError } from '../../store/errors';
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import { roundInputSchema, type RoundInput } from './check-round';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type MarkApprovedStore = StorePort<{ rounds: 'markApproved' | 'requireRound'; cases: 'listCasesByRound' | 'updateCaseStatus' }> &
  AuditTrailStore;

const STILL_CANDIDATE: readonly CaseStatus[] = ['REVIEWED', 'SHORTLISTED', 'SELECTED'];

export async function markApproved(
  deps: WorkflowDeps<MarkApprovedStore>,
  event: RoundInput,
): Promise<{ approved: number; notSelected: number }> {
  const { roundId } = roundInputSchema.parse(event);
  const round = await deps.store.rounds.requireRound(roundId);
  const list = round.approvedList ?? [];
  const at = deps.clock.now().toISOString();
  if (round.status !== 'APPROVED') {
    if (round.status !== 'NOTICE') throw new WorkflowError('Casebook.RoundNotOnNotice', `round ${roundId} is ${round.status}, not NOTICE`);
    if (list.length === 0) throw new WorkflowError('Casebook.RoundNotApproved', `round ${roundId} has an empty approved list`);
    await deps.store.rounds.markApproved(roundId, list, at);
  }
  const approvedIds = new Set(list.map((entry) => entry.caseId));
  let notSelected = 0;
  for (const status of STILL_CANDIDATE) {
    for (const record of await deps.store.cases.listCasesByRound(roundId, status)) {
      if (approvedIds.has(record.caseId)) continue;
      try {
        await deps.store.cases.updateCaseStatus(record.caseId, 'NOT_SELECTED', [status], { updatedAt: at });
        notSelected += 1;
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
      }
    }
  }
  for (const record of await deps.store.cases.listCasesByRound(roundId)) {
    if (record.status !== 'APPROVED' && record.status !== 'NOT_SELECTED') continue;
    await deps.notifier.notify({
      roundId,
      kind: 'FINAL_RESULT',
      recipient: record.unitCode,
      dedupKey: `result:${record.caseId}`,
      subject: { zh: `評選結果：${record.title}`, en: `Result of the selection: ${record.title}` },
      body:
        record.status === 'APPROVED'
          ? { zh: `「${record.title}」已獲審定入選。`, en: `"${record.title}" has been selected.` }
          : {
              zh: `「${record.title}」本輪未入選，感謝參與。`,
              en: `"${record.title}" was not selected this round. Thank you for taking part.`,
            },
    });
  }
  await audit(deps, roundId, 'ROUND_APPROVED', `round:${roundId}`, { approved: list, notSelected });
  return { approved: list.length, notSelected };
}

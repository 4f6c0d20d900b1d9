/**
 * check-round: finalization may rank once no case is still in eligibility or review, or when the
 * office asked to proceed without them. Rounds with a shortened notice period (local runs and
 * tests) are polled every second, others every ten minutes.
 */
import * as z from 'zod';
import type { WorkflowDeps } from '../deps';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type CheckRoundStore = StorePort<{ rounds: 'requireRound'; cases: 'listCasesByRound' }>;

export const roundInputSchema = z.object({ roundId: z.string() });
export type RoundInput = z.infer<typeof roundInputSchema>;

export async function checkRound(
  deps: WorkflowDeps<CheckRoundStore>,
  event: RoundInput,
): Promise<{ ready: boolean; pending: number; reviewed: number; proceedRequested: boolean; pollSeconds: number }> {
  const { roundId } = roundInputSchema.parse(event);
  const round = await deps.store.rounds.requireRound(roundId);
  const pending =
    (await deps.store.cases.listCasesByRound(roundId, 'ELIGIBILITY_PENDING')).length +
    (await deps.store.cases.listCasesByRound(roundId, 'IN_REVIEW')).length;
  const reviewed = (await deps.store.cases.listCasesByRound(roundId, 'REVIEWED')).length;
  const proceedRequested = round.proceedRequested === true;
  return {
    ready: pending === 0 || proceedRequested,
    pending,
    reviewed,
    proceedRequested,
    pollSeconds: round.charter.noticePeriodSecondsOverride !== undefined ? 1 : 600,
  };
}

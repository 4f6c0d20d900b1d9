/**
 * collect-objections: after the notice period, the objections still open go to the approver.
 * `attempt` numbers the ruling steps of the round (one per pass), so each is a distinct task.
 */
import type { WorkflowDeps } from '../deps';
import { roundInputSchema, type RoundInput } from './check-round';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type ObjectionsStore = StorePort<{ rounds: 'requireRound'; objections: 'listObjections'; tasks: 'listTasksByRound' }>;

export async function collectObjections(
  deps: WorkflowDeps<ObjectionsStore>,
  event: RoundInput,
): Promise<{ open: number; objectionIds: string[]; attempt: number; timeoutSeconds: number }> {
  const { roundId } = roundInputSchema.parse(event);
  const round = await deps.store.rounds.requireRound(roundId);
  const open = await deps.store.objections.listObjections(roundId, 'OPEN');
  const rulings = await deps.store.tasks.listTasksByRound(roundId, 'OBJECTION_RULING');
  return {
    open: open.length,
    objectionIds: open.map((objection) => objection.objectionId),
    attempt: rulings.length + 1,
    timeoutSeconds: round.charter.timeouts.objectionRulingSeconds,
  };
}

/** Every workflow action leaves an audit entry; this is the one helper that writes them. */
import type { Actor } from '../domain/model';
import { SYSTEM_ACTOR } from '../domain/model';
import type { WorkflowDeps } from './deps';
import type { StorePort } from '../store/store';

/** What this use case reads and writes of the case table. */
export type AuditTrailStore = StorePort<{ audit: 'appendAudit' }>;

export async function audit(
  deps: Pick<WorkflowDeps<AuditTrailStore>, 'store' | 'clock'>,
  roundId: string,
  action: string,
  subject: string,
  change: unknown,
  actor: Actor = SYSTEM_ACTOR,
): Promise<void> {
  await deps.store.audit.appendAudit({
    roundId,
    at: deps.clock.now().toISOString(),
    actor: { id: actor.id, name: actor.name },
    action,
    subject,
    change,
  });
}

/** Every workflow action leaves an audit entry; this is the one helper that writes them. */
import type { Actor } from '../domain/model';
import { SYSTEM_ACTOR } from '../domain/model';
import type { WorkflowDeps } from './deps';
import type { StorePort, TableWrite } from '../store/store';

/** What this use case reads and writes of the case table. */
export type AuditTrailStore = StorePort<{ audit: 'appendAudit' }>;

/** What `auditWith` uses: the entry written in the step's own transaction. */
export type AuditInTransactionStore = StorePort<{ audit: 'appendAuditWith' }>;

/**
 * A step's writes (built by the repositories: `…Write` methods) and its audit entry in one
 * transaction: two requests, the counter and the transaction, instead of one per write plus two.
 * All or nothing: if a write's condition fails, its error propagates and no entry is added.
 */
export async function auditWith(
  deps: Pick<WorkflowDeps<AuditInTransactionStore>, 'store' | 'clock'>,
  entry: { roundId: string; action: string; subject: string; change: unknown; actor?: Actor },
  writes: readonly TableWrite[],
): Promise<void> {
  const actor = entry.actor ?? SYSTEM_ACTOR;
  await deps.store.audit.appendAuditWith(
    {
      roundId: entry.roundId,
      at: deps.clock.now().toISOString(),
      actor: { id: actor.id, name: actor.name },
      action: entry.action,
      subject: entry.subject,
      change: entry.change,
    },
    writes,
  );
}

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

/**
 * Notifier that writes Notification items to the table's outbox; nothing leaves the machine
 * until the office releases it (the local default, and a safe mode on AWS).
 *
 * Steps run at least once (Lambda retries, the engine resuming after a crash), so the id is
 * derived from what the notification is about and the write is conditional: a repeat is a no-op.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../ports/clock';
import type { NotificationDraft, Notifier } from '../ports/notifier';
import type { StorePort } from '../store/store';

/** The outbox write every notifier makes first. */
export type NotificationOutbox = StorePort<{ outbox: 'appendNotificationOnce' }>;

/** The id of a notification: the same round, kind, recipient and subject always give the same id. */
export function notificationIdFor(draft: Pick<NotificationDraft, 'roundId' | 'kind' | 'recipient' | 'dedupKey'>): string {
  const identity = JSON.stringify([draft.roundId, draft.kind, draft.recipient, draft.dedupKey]);
  return `n-${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

export class OutboxNotifier implements Notifier {
  constructor(
    private readonly store: NotificationOutbox,
    private readonly clock: Clock,
  ) {}

  async notify(draft: NotificationDraft): Promise<string> {
    const notificationId = notificationIdFor(draft);
    await this.store.outbox.appendNotificationOnce({
      ...draft,
      notificationId,
      createdAt: this.clock.now().toISOString(),
      status: 'PENDING',
    });
    return notificationId;
  }
}

/**
 * Notifier that writes Notification items to the table's outbox; nothing leaves the machine
 * until the office releases it (the local default, and a safe mode on AWS).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock';
import type { NotificationDraft, Notifier } from '../ports/notifier';
import type { Store } from '../store/store';

export class OutboxNotifier implements Notifier {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async notify(draft: NotificationDraft): Promise<string> {
    const notificationId = `n-${randomUUID()}`;
    await this.store.appendNotification({ ...draft, notificationId, createdAt: this.clock.now().toISOString(), status: 'PENDING' });
    return notificationId;
  }
}

/** The outbox: every notification the system sends, kept until it is released (sent) or withdrawn. */
import type { Notification } from '../domain/model';
import { conflict, isConditionalFailure, notFound, StoreError } from './errors';
import { keys } from './schema';
import { strip, type TableClient } from './table';

export class OutboxRepository {
  constructor(private readonly table: TableClient) {}

  /**
   * Records a notification once: its id is deterministic (the notifier derives it from what the
   * notification is about), so a retried step finds it there and gets the stored one back.
   */
  async appendNotificationOnce(notification: Notification): Promise<{ created: boolean; notification: Notification }> {
    const key = keys.notification(notification.roundId, notification.notificationId);
    try {
      await this.table.put({
        Item: { ...key, ...keys.notificationIndex(notification.status, notification.createdAt), type: 'Notification', ...notification },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return { created: true, notification };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return { created: false, notification: strip<Notification>(await this.table.get(key))! };
    }
  }

  async appendNotification(notification: Notification): Promise<Notification> {
    return (await this.appendNotificationOnce(notification)).notification;
  }

  async getNotification(roundId: string, notificationId: string): Promise<Notification | undefined> {
    return strip<Notification>(await this.table.get(keys.notification(roundId, notificationId)));
  }

  /** Marks a notification RELEASED if it is still PENDING (a sent email); false if it was not. */
  async markNotificationReleased(
    notification: Pick<Notification, 'roundId' | 'notificationId' | 'createdAt'>,
    at: string,
  ): Promise<boolean> {
    try {
      await this.table.conditionalUpdate(
        keys.notification(notification.roundId, notification.notificationId),
        { status: 'RELEASED', releasedAt: at, GSI1SK: `RELEASED#${notification.createdAt}` },
        { expression: 'attribute_exists(PK) AND #status = :pending', names: { '#status': 'status' }, values: { ':pending': 'PENDING' } },
        () => conflict('notification', notification.notificationId, 'not pending'),
      );
      return true;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'CONFLICT') return false;
      throw error;
    }
  }

  /** Withdraws a PENDING notification whose sending failed, so that a retry may send it. */
  async withdrawNotification(roundId: string, notificationId: string): Promise<void> {
    try {
      await this.table.delete({
        Key: keys.notification(roundId, notificationId),
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'PENDING' },
      });
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /** Notifications waiting to be released, oldest first. */
  async listPendingNotifications(): Promise<Notification[]> {
    const items = await this.table.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)',
      ExpressionAttributeValues: { ':pk': 'OUTBOX', ':sk': 'PENDING#' },
    });
    return items.map((item) => strip<Notification>(item)!);
  }

  /** A round's notifications, oldest first (the sort key holds the id, so ordering is done here). */
  async listNotificationsByRound(roundId: string): Promise<Notification[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `OUTBOX#${roundId}` },
    });
    return items
      .map((item) => strip<Notification>(item)!)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.notificationId.localeCompare(b.notificationId));
  }

  /** Marks a pending notification RELEASED (once; a second release is a conflict). */
  async releaseNotification(notificationId: string, at: string): Promise<Notification> {
    const pending = await this.table.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)',
      FilterExpression: 'notificationId = :id',
      ExpressionAttributeValues: { ':pk': 'OUTBOX', ':sk': 'PENDING#', ':id': notificationId },
    });
    const found = pending[0];
    if (!found) throw notFound('notification', notificationId);
    const item = await this.table.conditionalUpdate(
      { PK: found.PK as string, SK: found.SK as string },
      { status: 'RELEASED', releasedAt: at, GSI1SK: `RELEASED#${found.createdAt as string}` },
      { expression: 'attribute_exists(PK) AND #status = :pending', names: { '#status': 'status' }, values: { ':pending': 'PENDING' } },
      () => conflict('notification', notificationId, 'already released'),
    );
    return strip<Notification>(item)!;
  }
}

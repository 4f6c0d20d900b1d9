/**
 * Outgoing notifications (validation results, eligibility, revision requests, assignments,
 * reminders, escalations, list ready, final result). Locally an outbox the office reads and
 * releases; on AWS, SES.
 */
import type { Bilingual, NotificationKind } from '../domain/model';

export interface NotificationDraft {
  roundId: string;
  kind: NotificationKind;
  /** A role (`secretariat`, `approver`), a reviewer id or a unit code. */
  recipient: string;
  subject: Bilingual;
  body: Bilingual;
  /**
   * What this notification is about, within its round, kind and recipient (a submission, a task,
   * a case's result…). Together they make the notification's id, so a retried step that notifies
   * again records nothing new and sends nothing twice.
   */
  dedupKey: string;
}

export interface Notifier {
  /** Returns the id of the notification as recorded; the same id, and no second notice, on a repeat. */
  notify(draft: NotificationDraft): Promise<string>;
}

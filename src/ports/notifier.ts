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
}

export interface Notifier {
  /** Returns the id of the notification as recorded. */
  notify(draft: NotificationDraft): Promise<string>;
}

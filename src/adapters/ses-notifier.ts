/**
 * Notifier that sends email through SES v2 and keeps a copy in the outbox, so the office sees
 * what went out. Recipients are roles, reviewer ids or unit codes; `resolveAddress` maps them
 * to addresses (the directory of people lives with the identity provider). A recipient without an
 * address goes to the office's own mailbox (the sender), naming the intended recipient, so
 * nothing is silently dropped.
 *
 * At most once: the outbox record is claimed first (conditional put, PENDING, id derived from
 * what the notification is about), then the email is sent, then the record is marked RELEASED.
 * A retried step finds the claim and sends nothing. If SES refuses, the claim is withdrawn so the
 * retry can send; only a crash between the claim and SES's answer leaves a PENDING record, which
 * the office sees in the outbox as not sent.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Clock } from '../ports/clock';
import type { NotificationDraft, Notifier } from '../ports/notifier';
import type { StorePort } from '../store/store';
import { notificationIdFor } from './outbox-notifier';

/** The outbox copy of every email: claimed before sending, released or withdrawn after. */
export type SesOutbox = StorePort<{ outbox: 'appendNotificationOnce' | 'withdrawNotification' | 'markNotificationReleased' }>;

export type AddressResolver = (recipient: string) => Promise<string | undefined>;

const emailLike = /^[^@\s]+@[^@\s]+$/;

export class SesNotifier implements Notifier {
  constructor(
    private readonly ses: SESv2Client,
    private readonly store: SesOutbox,
    private readonly clock: Clock,
    private readonly senderEmail: string,
    private readonly resolveAddress: AddressResolver = async (recipient) => (emailLike.test(recipient) ? recipient : undefined),
  ) {}

  async notify(draft: NotificationDraft): Promise<string> {
    const notificationId = notificationIdFor(draft);
    const claim = await this.store.outbox.appendNotificationOnce({
      ...draft,
      notificationId,
      createdAt: this.clock.now().toISOString(),
      status: 'PENDING',
    });
    if (!claim.created) return notificationId;

    const address = await this.resolveAddress(draft.recipient);
    const to = address ?? this.senderEmail;
    const forward = address ? '' : `（收件人 / recipient: ${draft.recipient}）\n\n`;
    try {
      await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.senderEmail,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: { Data: `${draft.subject.zh} / ${draft.subject.en}`, Charset: 'UTF-8' },
              Body: { Text: { Data: `${forward}${draft.body.zh}\n\n---\n\n${draft.body.en}`, Charset: 'UTF-8' } },
            },
          },
        }),
      );
    } catch (error) {
      await this.store.outbox.withdrawNotification(draft.roundId, notificationId);
      throw error;
    }
    await this.store.outbox.markNotificationReleased(claim.notification, this.clock.now().toISOString());
    return notificationId;
  }
}

/**
 * Notifier that sends email through SES v2 and keeps a RELEASED copy in the outbox, so the office
 * sees what went out. Recipients are roles, reviewer ids or unit codes; `resolveAddress` maps them
 * to addresses (the directory of people lives with the identity provider). A recipient without an
 * address goes to the office's own mailbox (the sender), naming the intended recipient, so
 * nothing is silently dropped.
 */
import { randomUUID } from 'node:crypto';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Clock } from '../ports/clock';
import type { NotificationDraft, Notifier } from '../ports/notifier';
import type { Store } from '../store/store';

export type AddressResolver = (recipient: string) => Promise<string | undefined>;

const emailLike = /^[^@\s]+@[^@\s]+$/;

export class SesNotifier implements Notifier {
  constructor(
    private readonly ses: SESv2Client,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly senderEmail: string,
    private readonly resolveAddress: AddressResolver = async (recipient) => (emailLike.test(recipient) ? recipient : undefined),
  ) {}

  async notify(draft: NotificationDraft): Promise<string> {
    const address = await this.resolveAddress(draft.recipient);
    const to = address ?? this.senderEmail;
    const forward = address ? '' : `（收件人 / recipient: ${draft.recipient}）\n\n`;
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
    const now = this.clock.now().toISOString();
    const notificationId = `n-${randomUUID()}`;
    await this.store.appendNotification({ ...draft, notificationId, createdAt: now, status: 'RELEASED', releasedAt: now });
    return notificationId;
  }
}

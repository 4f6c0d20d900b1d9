import { Annotations, Stack } from 'aws-cdk-lib';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { Bindable } from './case-store';
import { allow, roleOf } from './iam';

export interface NotificationsProps {
  /** The From address. Without it, notifications stay in the outbox for the office to release by hand. */
  readonly senderEmail?: string;
}

/**
 * Notifications: the outgoing-email side of the notifier port. With a sender address the
 * functions use SES (`NOTIFIER=ses`) and may send only from that verified identity; without one
 * they use the outbox (`NOTIFIER=outbox`): messages are stored in the table and nothing leaves.
 */
export class Notifications extends Construct {
  readonly senderEmail?: string;
  readonly identity?: EmailIdentity;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    if (props.senderEmail) {
      this.identity = new EmailIdentity(this, 'Sender', { identity: Identity.email(props.senderEmail) });
    } else {
      Annotations.of(this).addInfo('No senderEmail context: notifications stay in the outbox (NOTIFIER=outbox).');
    }
  }

  /** Sets NOTIFIER and SENDER_EMAIL and, with SES, allows SendEmail from the sender identity only. */
  bindSender(fn: Bindable): void {
    if (!this.identity || !this.senderEmail) {
      fn.addEnvironment('NOTIFIER', 'outbox');
      return;
    }
    fn.addEnvironment('NOTIFIER', 'ses');
    fn.addEnvironment('SENDER_EMAIL', this.senderEmail);
    const stack = Stack.of(this);
    allow(roleOf(fn), {
      actions: ['ses:SendEmail'],
      resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.identity.emailIdentityName })],
    });
  }
}

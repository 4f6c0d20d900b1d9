/**
 * The SES side of `workflowDeps`, in its own module so that deps.ts can load it by `import()` only
 * at a function's first notification (see s3-wiring.ts for why the SDK is not imported directly).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Clock } from '../ports/clock';
import { SesNotifier, type SesOutbox } from '../adapters/ses-notifier';

let client: SESv2Client | undefined;

export function sesNotifier(store: SesOutbox, clock: Clock, senderEmail: string): SesNotifier {
  client ??= new SESv2Client({});
  return new SesNotifier(client, store, clock, senderEmail);
}

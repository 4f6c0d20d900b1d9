/**
 * The dependencies of the workflow and intake use cases, wired to AWS (or to the local cloud via
 * AWS_ENDPOINT_URL_*). Built once per process, on first use, so a handler that is only imported
 * does not need its environment yet.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { config } from '../config';
import { systemClock } from '../ports/clock';
import type { Notifier } from '../ports/notifier';
import { defaultStore } from '../store/client';
import type { WorkflowDeps } from '../usecases/deps';
import { OutboxNotifier } from './outbox-notifier';
import { S3ObjectStore } from './s3-object-store';
import { SesNotifier } from './ses-notifier';

let s3: S3Client | undefined;
export function s3Client(): S3Client {
  s3 ??= new S3Client({});
  return s3;
}

let deps: WorkflowDeps | undefined;

export function defaultDeps(): WorkflowDeps {
  if (deps) return deps;
  const store = defaultStore();
  const clock = systemClock;
  const notifier: Notifier =
    config.notifier === 'ses' ? new SesNotifier(new SESv2Client({}), store, clock, config.senderEmail) : new OutboxNotifier(store, clock);
  let objects: S3ObjectStore | undefined;
  deps = {
    store,
    clock,
    notifier,
    // Only intake functions have DOSSIER_BUCKET; the others never touch this.
    get objects() {
      objects ??= new S3ObjectStore(s3Client(), config.dossierBucket);
      return objects;
    },
  };
  return deps;
}

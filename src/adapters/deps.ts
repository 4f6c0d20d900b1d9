/**
 * The dependencies of the workflow and intake use cases, wired to AWS (or to the local cloud via
 * AWS_ENDPOINT_URL_*). Built once per process, on first use, so a handler that is only imported
 * does not need its environment yet.
 *
 * Each workflow function composes the repositories its use case declares (`workflowDeps`), so
 * its bundle carries no other repository's code. Most never touch the dossier bucket and
 * only send email where NOTIFIER=ses. The S3 and SES adapters (and their SDK clients, a large
 * share of each bundle) are therefore loaded by `import()` the first time a call needs them:
 * esbuild keeps the code in the one-file bundle but defers evaluating it, so a function's cold
 * start pays only for what it uses. Once loaded, each client is created once and kept (in
 * src/bundle-seams/s3-wiring.ts and ses-wiring.ts).
 */
import { config } from '../config';
import { systemClock, type Clock } from '../ports/clock';
import type { Notifier, NotificationDraft } from '../ports/notifier';
import type { ObjectStore, StoredObject } from '../ports/object-store';
import { defaultStore, defaultTable } from '../store/client';
import { OutboxRepository } from '../store/outbox';
import type { TableClient } from '../store/table';
import type { WorkflowDeps } from '../usecases/deps';
import { OutboxNotifier } from './outbox-notifier';
import type { SesOutbox } from './ses-notifier';

/** Loads once and keeps the result; a failed load is forgotten so the next call can retry. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** The dossier bucket through S3, loading the S3 adapter on the first call. */
class LazyS3ObjectStore implements ObjectStore {
  private readonly store = once(async () => (await import('../bundle-seams/s3-wiring')).s3ObjectStore(this.bucket));

  constructor(private readonly bucket: string) {}

  async getObject(key: string, versionId?: string): Promise<StoredObject> {
    return (await this.store()).getObject(key, versionId);
  }

  async putJson(key: string, value: unknown): Promise<void> {
    return (await this.store()).putJson(key, value);
  }

  async getJson<T = unknown>(key: string): Promise<T> {
    return (await this.store()).getJson<T>(key);
  }
}

/** SES with the outbox copy, loading the SES adapter on the first notification. */
class LazySesNotifier implements Notifier {
  private readonly notifier = once(async () =>
    (await import('../bundle-seams/ses-wiring')).sesNotifier(this.store, this.clock, this.senderEmail),
  );

  constructor(
    private readonly store: SesOutbox,
    private readonly clock: Clock,
    private readonly senderEmail: string,
  ) {}

  async notify(draft: NotificationDraft): Promise<string> {
    return (await this.notifier()).notify(draft);
  }
}

function wire<S>(store: S, outbox: SesOutbox): WorkflowDeps<S> {
  const clock = systemClock;
  // Both settings are read now, as before, so a misconfigured function still fails at its first
  // invocation rather than at its first notification.
  const notifier: Notifier =
    config.notifier === 'ses' ? new LazySesNotifier(outbox, clock, config.senderEmail) : new OutboxNotifier(outbox, clock);
  let objects: ObjectStore | undefined;
  return {
    store,
    clock,
    notifier,
    // Only intake functions have DOSSIER_BUCKET; the others never touch this.
    get objects() {
      objects ??= new LazyS3ObjectStore(config.dossierBucket);
      return objects;
    },
  };
}

/**
 * The deps of one workflow function, whose store holds only the repositories `repositories`
 * builds: the function's bundle then carries only their code. Built on the first call and kept.
 */
export function workflowDeps<S>(repositories: (table: TableClient) => S): () => WorkflowDeps<S> {
  let deps: WorkflowDeps<S> | undefined;
  return () => {
    if (deps) return deps;
    const table = defaultTable();
    deps = wire(repositories(table), { outbox: new OutboxRepository(table) });
    return deps;
  };
}

let deps: WorkflowDeps | undefined;

/** The deps with every repository, for the decision route (which serves every kind of step). */
export function defaultDeps(): WorkflowDeps {
  if (deps) return deps;
  const store = defaultStore();
  deps = wire(store, store);
  return deps;
}

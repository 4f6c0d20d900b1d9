import type { Clock } from '../ports/clock';
import type { Notifier } from '../ports/notifier';
import type { ObjectStore } from '../ports/object-store';
import type { Store } from '../store/store';

/**
 * What the intake and workflow use cases talk to. `S` is the use case's own view of the store
 * (its `StorePort`); handlers pass the AWS-wired set, whose `Store` satisfies every port, tests
 * their own.
 */
export interface WorkflowDeps<S = Store> {
  store: S;
  objects: ObjectStore;
  notifier: Notifier;
  clock: Clock;
}

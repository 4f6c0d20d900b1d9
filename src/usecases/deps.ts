import type { Clock } from '../ports/clock';
import type { Notifier } from '../ports/notifier';
import type { ObjectStore } from '../ports/object-store';
import type { Store } from '../store/store';

/** What the intake and workflow use cases talk to; handlers pass the AWS-wired set, tests their own. */
export interface WorkflowDeps {
  store: Store;
  objects: ObjectStore;
  notifier: Notifier;
  clock: Clock;
}

/** `.waitForTaskToken` target of both machines: create the approval step holding the token, assign, notify. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { CaseRepository } from '../../src/store/cases';
import { ReviewRepository } from '../../src/store/reviews';
import { RoundRepository } from '../../src/store/rounds';
import { TaskRepository } from '../../src/store/tasks';
import { openTask, type OpenTaskInput } from '../../src/usecases/workflow/open-task';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return {
    rounds,
    cases: new CaseRepository(table),
    tasks: new TaskRepository(table),
    reviews: new ReviewRepository(table),
    audit: new AuditRepository(table, rounds),
  };
});

export const handler = async (event: OpenTaskInput) => openTask(deps(), event);

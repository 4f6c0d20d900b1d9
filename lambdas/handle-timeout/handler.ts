/** Catch of States.Timeout on every callback: expire the step, remind and escalate, say what comes next. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { CaseRepository } from '../../src/store/cases';
import { ReviewRepository } from '../../src/store/reviews';
import { RoundRepository } from '../../src/store/rounds';
import { TaskRepository } from '../../src/store/tasks';
import { handleTimeout, type TimeoutInput } from '../../src/usecases/workflow/handle-timeout';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return {
    rounds,
    tasks: new TaskRepository(table),
    cases: new CaseRepository(table),
    reviews: new ReviewRepository(table),
    audit: new AuditRepository(table, rounds),
  };
});

export const handler = async (event: TimeoutInput) => handleTimeout(deps(), event);

/** Hourly schedule: remind whoever must act on approval steps past the charter's due time, and tell the office. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { ReviewRepository } from '../../src/store/reviews';
import { RoundRepository } from '../../src/store/rounds';
import { TaskRepository } from '../../src/store/tasks';
import { remindOverdue } from '../../src/usecases/workflow/remind-overdue';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return { tasks: new TaskRepository(table), reviews: new ReviewRepository(table), audit: new AuditRepository(table, rounds) };
});

// The scheduled event carries nothing the sweep needs: it reads "now" from the clock.
export const handler = async () => remindOverdue(deps());

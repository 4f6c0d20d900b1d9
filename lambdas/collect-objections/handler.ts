/** round-finalization task: the objections still open after the notice period. */
import { workflowDeps } from '../../src/adapters/deps';
import { ObjectionRepository } from '../../src/store/objections';
import { RoundRepository } from '../../src/store/rounds';
import { TaskRepository } from '../../src/store/tasks';
import { collectObjections } from '../../src/usecases/workflow/objections';
import type { RoundInput } from '../../src/usecases/workflow/check-round';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => ({
  rounds: new RoundRepository(table),
  objections: new ObjectionRepository(table),
  tasks: new TaskRepository(table),
}));

export const handler = async (event: RoundInput) => collectObjections(deps(), event);

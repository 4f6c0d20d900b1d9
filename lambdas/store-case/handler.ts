/** dossier-review task: store the case version (conditional), superseding the unit's previous one. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { CaseRepository } from '../../src/store/cases';
import { RoundRepository } from '../../src/store/rounds';
import { SubmissionRepository } from '../../src/store/submissions';
import { TaskRepository } from '../../src/store/tasks';
import { storeCase, type StoreCaseInput } from '../../src/usecases/intake/store-case';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return {
    rounds,
    submissions: new SubmissionRepository(table),
    cases: new CaseRepository(table),
    tasks: new TaskRepository(table),
    audit: new AuditRepository(table, rounds),
  };
});

export const handler = async (event: StoreCaseInput) => storeCase(deps(), event);

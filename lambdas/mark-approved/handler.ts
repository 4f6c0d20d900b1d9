/** round-finalization task: the approved list, cases and round, in one transaction. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { CaseRepository } from '../../src/store/cases';
import { RoundRepository } from '../../src/store/rounds';
import { markApproved } from '../../src/usecases/workflow/mark-approved';
import type { RoundInput } from '../../src/usecases/workflow/check-round';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return { rounds, cases: new CaseRepository(table), audit: new AuditRepository(table, rounds) };
});

export const handler = async (event: RoundInput) => markApproved(deps(), event);

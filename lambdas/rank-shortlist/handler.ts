/** round-finalization task: rank the reviewed cases and shortlist them under the quotas. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { CaseRepository } from '../../src/store/cases';
import { ReviewRepository } from '../../src/store/reviews';
import { RoundRepository } from '../../src/store/rounds';
import { rankShortlist } from '../../src/usecases/workflow/rank';
import type { RoundInput } from '../../src/usecases/workflow/check-round';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return { rounds, cases: new CaseRepository(table), reviews: new ReviewRepository(table), audit: new AuditRepository(table, rounds) };
});

export const handler = async (event: RoundInput) => rankShortlist(deps(), event);

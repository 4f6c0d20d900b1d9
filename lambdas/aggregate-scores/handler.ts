/** dossier-review task: aggregate the panel's scores; the case becomes REVIEWED. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { CaseRepository } from '../../src/store/cases';
import { ReviewRepository } from '../../src/store/reviews';
import { RoundRepository } from '../../src/store/rounds';
import { aggregateScores, type AggregateInput } from '../../src/usecases/workflow/aggregate';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return { cases: new CaseRepository(table), reviews: new ReviewRepository(table), audit: new AuditRepository(table, rounds) };
});

export const handler = async (event: AggregateInput) => aggregateScores(deps(), event);

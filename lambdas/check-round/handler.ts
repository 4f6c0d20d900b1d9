/** round-finalization task: is every case reviewed, or did the office say proceed? */
import { workflowDeps } from '../../src/adapters/deps';
import { CaseRepository } from '../../src/store/cases';
import { RoundRepository } from '../../src/store/rounds';
import { checkRound, type RoundInput } from '../../src/usecases/workflow/check-round';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => ({ rounds: new RoundRepository(table), cases: new CaseRepository(table) }));

export const handler = async (event: RoundInput) => checkRound(deps(), event);

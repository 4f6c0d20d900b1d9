/** dossier-review task: aggregate the panel's scores; the case becomes REVIEWED. */
import { defaultDeps } from '../../src/adapters/deps';
import { aggregateScores, type AggregateInput } from '../../src/usecases/workflow/aggregate';

export const handler = async (event: AggregateInput) => aggregateScores(defaultDeps(), event);

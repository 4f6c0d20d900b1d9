/** round-finalization task: is every case reviewed, or did the office say proceed? */
import { defaultDeps } from '../../src/adapters/deps';
import { checkRound, type RoundInput } from '../../src/usecases/workflow/check-round';

export const handler = async (event: RoundInput) => checkRound(defaultDeps(), event);

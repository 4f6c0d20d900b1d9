/** round-finalization task: rank the reviewed cases and shortlist them under the quotas. */
import { defaultDeps } from '../../src/adapters/deps';
import { rankShortlist } from '../../src/usecases/workflow/rank';
import type { RoundInput } from '../../src/usecases/workflow/check-round';

export const handler = async (event: RoundInput) => rankShortlist(defaultDeps(), event);

/** round-finalization task: the approved list, cases and round, in one transaction. */
import { defaultDeps } from '../../src/adapters/deps';
import { markApproved } from '../../src/usecases/workflow/mark-approved';
import type { RoundInput } from '../../src/usecases/workflow/check-round';

export const handler = async (event: RoundInput) => markApproved(defaultDeps(), event);

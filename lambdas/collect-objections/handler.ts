/** round-finalization task: the objections still open after the notice period. */
import { defaultDeps } from '../../src/adapters/deps';
import { collectObjections } from '../../src/usecases/workflow/objections';
import type { RoundInput } from '../../src/usecases/workflow/check-round';

export const handler = async (event: RoundInput) => collectObjections(defaultDeps(), event);

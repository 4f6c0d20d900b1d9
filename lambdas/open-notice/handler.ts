/** round-finalization task: start the public-notice period. */
import { defaultDeps } from '../../src/adapters/deps';
import { openNotice } from '../../src/usecases/workflow/notice';
import type { RoundInput } from '../../src/usecases/workflow/check-round';

export const handler = async (event: RoundInput) => openNotice(defaultDeps(), event);

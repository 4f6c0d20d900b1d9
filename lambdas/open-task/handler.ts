/** `.waitForTaskToken` target of both machines: create the approval step holding the token, assign, notify. */
import { defaultDeps } from '../../src/adapters/deps';
import { openTask, type OpenTaskInput } from '../../src/usecases/workflow/open-task';

export const handler = async (event: OpenTaskInput) => openTask(defaultDeps(), event);

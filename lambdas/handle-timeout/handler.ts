/** Catch of States.Timeout on every callback: expire the step, remind and escalate, say what comes next. */
import { defaultDeps } from '../../src/adapters/deps';
import { handleTimeout, type TimeoutInput } from '../../src/usecases/workflow/handle-timeout';

export const handler = async (event: TimeoutInput) => handleTimeout(defaultDeps(), event);

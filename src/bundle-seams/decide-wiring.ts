/**
 * The decision path: the workflow's decideTask (a conditional write of the decision first, then
 * SendTaskSuccess through the Step Functions adapter). Kept apart so only the `decide` Lambda's
 * bundle pulls in the SendTask* code path.
 */
import { defaultDeps } from '../adapters/deps';
import { defaultWorkflow } from '../adapters/sfn';
import type { Actor } from '../domain/model';
import { decideTask } from '../usecases/workflow/decide';
import type { ApiDeps } from '../usecases/api/ports';

export const decideWithWorkflow: ApiDeps['decide'] = async (actor: Actor, taskId: string, body: unknown) => {
  const result = await decideTask(defaultDeps(), actor, taskId, body);
  if (result.status === 'sent') {
    await defaultWorkflow().sendTaskSuccess(result.sendSuccess.token, result.sendSuccess.output);
    return { outcome: 'sent', task: result.task };
  }
  return { outcome: 'recorded', task: result.task, remaining: result.remaining };
};

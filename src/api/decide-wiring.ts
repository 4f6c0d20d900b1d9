/**
 * The decision path: engineer E2's decideTask (a conditional write of the decision first, then
 * SendTaskSuccess through the Step Functions adapter). Kept apart so only the `decide` Lambda's
 * bundle pulls in the SendTask* code path.
 */
import type { Actor, Task } from '../domain/model';
import { ApiError } from './errors';

export async function decideWithWorkflow(_actor: Actor, taskId: string, _body: unknown): Promise<Task> {
  throw new ApiError(503, 'DECIDE_NOT_WIRED', {
    zh: `決定功能尚未接上工作流程（${taskId}）。`,
    en: `Decisions are not wired to the workflow yet (${taskId}).`,
  });
}

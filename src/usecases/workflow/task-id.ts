import { createHash } from 'node:crypto';

/**
 * The id of one opening of an approval step: the same execution, state and attempt always give
 * the same id, so a retried open-task finds its task instead of creating a second one, and the
 * timeout handler finds the task it must expire.
 */
export function taskIdFor(executionArn: string, state: string, attempt: number): string {
  return `t-${createHash('sha256').update(`${executionArn}|${state}|${attempt}`).digest('hex').slice(0, 24)}`;
}

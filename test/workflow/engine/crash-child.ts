/**
 * Child process for the durability test: starts executions that stop in a callback, a Wait and a
 * never-returning Lambda, reports where they are, then idles until the parent kills it.
 * Usage: node --import tsx crash-child.ts <dataDir> <invocationLog> <waitMs>
 */
import { appendFileSync } from 'node:fs';
import { LocalStepFunctions } from '../../../local/stepfunctions';
import { durableDefinition, machineArn } from './helpers';

const [dataDir, invocationLog, waitMs] = process.argv.slice(2) as [string, string, string];
const engine = new LocalStepFunctions({
  dataDir,
  log: () => {},
  invokeLambda: async (functionArn, payload) => {
    const functionName = functionArn.split(':function:')[1]!;
    appendFileSync(invocationLog, `${JSON.stringify({ functionName, payload })}\n`);
    if (functionName === 'slow') return new Promise(() => {});
    return { from: 'child', functionName };
  },
});
const arn = machineArn('durable');
engine.registerStateMachine({ name: 'durable', arn, definition: durableDefinition() });
const callback = engine.startExecution({ stateMachineArn: arn, name: 'in-callback', input: { path: 'callback', caseId: 'C-7' } });
const until = new Date(Date.now() + Number(waitMs)).toISOString();
const wait = engine.startExecution({ stateMachineArn: arn, name: 'in-wait', input: { path: 'wait', until } });
const slow = engine.startExecution({ stateMachineArn: arn, name: 'in-lambda', input: { path: 'slow' } });

const task = await engine.waitForPendingTask({ executionArn: callback.executionArn });
const waiting = await engine.waitForExecution(wait.executionArn, () => engine.describePosition(wait)?.waitUntil !== undefined);
await engine.waitForExecution(slow.executionArn, () => engine.describePosition(slow)?.stateName === 'Slow');
// The Lambda call starts one macrotask after the state is entered.
await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write(
  `${JSON.stringify({
    ready: true,
    taskToken: task.taskToken,
    deadline: task.deadline?.getTime(),
    waitUntil: engine.describePosition(waiting)?.waitUntil?.getTime(),
  })}\n`,
);
setInterval(() => {}, 60_000);

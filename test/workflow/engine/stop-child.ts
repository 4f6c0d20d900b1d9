/**
 * Child process for the stop() test: parks executions in a callback, a month-long Wait and a
 * Lambda that never returns, then stops the engine and lets the process end on its own — which
 * it only does when no timer or handle is left behind.
 */
import { LocalStepFunctions } from '../../../local/stepfunctions';
import { approvalDefinition, fn, machineArn } from './helpers';

let hangingCalls = 0;
const engine = new LocalStepFunctions({
  log: () => {},
  invokeLambda: async (functionArn) => {
    if (functionArn === fn('hang')) {
      hangingCalls += 1;
      return new Promise(() => {});
    }
    return { ok: true };
  },
});
const approval = machineArn('approval');
const waiting = machineArn('waiting');
const hanging = machineArn('hanging');
engine.registerStateMachine({ name: 'approval', arn: approval, definition: approvalDefinition() });
engine.registerStateMachine({
  name: 'waiting',
  arn: waiting,
  definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3_000_000, End: true } } },
});
engine.registerStateMachine({
  name: 'hanging',
  arn: hanging,
  definition: { StartAt: 'H', States: { H: { Type: 'Task', Resource: fn('hang'), End: true } } },
});
const a = engine.startExecution({ stateMachineArn: approval, input: { caseId: 'C' } });
const w = engine.startExecution({ stateMachineArn: waiting });
const h = engine.startExecution({ stateMachineArn: hanging });
await engine.waitForPendingTask({ executionArn: a.executionArn });
await engine.waitForExecution(w.executionArn, () => engine.describePosition(w)?.waitUntil !== undefined);
await engine.waitForExecution(h.executionArn, () => hangingCalls === 1);
await engine.stop();
const statuses = [a, w, h].map(({ executionArn }) => engine.describeExecution({ executionArn }).status);
process.stdout.write(`${JSON.stringify({ stopped: true, statuses })}\n`);

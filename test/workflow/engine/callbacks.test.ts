import { afterEach, describe, expect, it } from '@jest/globals';
import { SfnError, type LocalStepFunctions } from '../../../local/stepfunctions';
import { approvalDefinition, engineWith, FakeLambdas, historyTypes, machineArn } from './helpers';

const arn = machineArn('approval');
let engine: LocalStepFunctions;

afterEach(async () => {
  await engine?.stop();
}, 120_000);

function start(lambdas: FakeLambdas, definition = approvalDefinition(), options = {}) {
  engine = engineWith(lambdas, options);
  engine.registerStateMachine({ name: 'approval', arn, definition });
  return engine.startExecution({ stateMachineArn: arn, name: 'case-1', input: { caseId: 'C-1' } });
}

function errorName(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SfnError);
    return (error as Error).name;
  }
  return undefined;
}

describe('callback tasks (.waitForTaskToken)', () => {
  it('invokes the Lambda once with a minted token and completes with the SendTaskSuccess output', async () => {
    const lambdas = new FakeLambdas().on('prepare', () => ({ parsed: true }));
    const { executionArn } = start(lambdas);
    const task = await engine.waitForPendingTask({ executionArn });

    const [opened] = lambdas.calls('open-task');
    expect(lambdas.calls('open-task')).toHaveLength(1);
    expect(opened!.payload).toEqual({
      taskToken: task.taskToken,
      caseId: 'C-1',
      state: 'Approval',
      enteredAt: task.enteredAt,
      executionArn,
      original: { caseId: 'C-1' },
    });
    expect(task.taskToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(engine.describeExecution({ executionArn }).status).toBe('RUNNING');

    engine.sendTaskSuccess({
      taskToken: task.taskToken,
      output: JSON.stringify({ decision: 'ELIGIBLE', note: 'dropped by ResultSelector' }),
    });
    const done = await engine.waitForExecution(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ caseId: 'C-1', prepared: { parsed: true }, approval: { decision: 'ELIGIBLE' } });
    expect(historyTypes(engine, executionArn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(engine.pendingTasks()).toEqual([]);
  });

  it('rejects a reused, unknown or malformed token with the AWS error names', async () => {
    const { executionArn } = start(new FakeLambdas());
    const { taskToken } = await engine.waitForPendingTask({ executionArn });
    engine.sendTaskSuccess({ taskToken, output: '{"decision":"ELIGIBLE"}' });

    expect(errorName(() => engine.sendTaskSuccess({ taskToken, output: '{}' }))).toBe('TaskDoesNotExist');
    expect(errorName(() => engine.sendTaskFailure({ taskToken: 'A'.repeat(64) }))).toBe('TaskDoesNotExist');
    expect(errorName(() => engine.sendTaskHeartbeat({ taskToken: 'not a token!' }))).toBe('InvalidToken');
    await engine.waitForExecution(executionArn);
  });

  it('routes SendTaskFailure to the matching Catch', async () => {
    const { executionArn } = start(new FakeLambdas());
    const { taskToken } = await engine.waitForPendingTask({ executionArn });
    engine.sendTaskHeartbeat({ taskToken });
    expect(errorName(() => engine.sendTaskSuccess({ taskToken, output: 'not json' }))).toBe('InvalidOutput');

    engine.sendTaskFailure({ taskToken, error: 'Rejected', cause: 'out of scope' });
    const done = await engine.waitForExecution(executionArn);

    expect(done).toMatchObject({ status: 'FAILED', error: 'CaseRejected', cause: 'rejected by the approver' });
    const history = engine.getExecutionHistory({ executionArn }).events;
    expect(history.find((e) => e.type === 'TaskFailed')).toMatchObject({
      taskFailedEventDetails: { error: 'Rejected', cause: 'out of scope' },
    });
    expect(history.map((e) => e.type)).toContain('FailStateEntered');
  });

  it('times out a callback into the States.Timeout Catch and answers TaskTimedOut afterwards', async () => {
    const { executionArn } = start(new FakeLambdas(), approvalDefinition({ timeoutSeconds: 1209600 }), {
      callbackTimeoutScaling: { maxSeconds: 0.2 },
    });
    const { taskToken, deadline } = await engine.waitForPendingTask({ executionArn });
    expect(deadline).toBeInstanceOf(Date);

    const done = await engine.waitForExecution(executionArn);

    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!);
    expect(output.outcome).toBe('timed-out');
    expect(output.timeout.Error).toBe('States.Timeout');
    expect(historyTypes(engine, executionArn)).toContain('TaskTimedOut');
    expect(errorName(() => engine.sendTaskSuccess({ taskToken, output: '{}' }))).toBe('TaskTimedOut');
  });

  it('does not let States.TaskFailed catch a timeout (as on AWS)', async () => {
    const { executionArn } = start(new FakeLambdas(), approvalDefinition({ catchTimeout: ['States.TaskFailed'] }), {
      callbackTimeoutScaling: { maxSeconds: 0.1 },
    });
    const done = await engine.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('fails the state with the Lambda error when the callback Lambda itself fails', async () => {
    const lambdas = new FakeLambdas().on('open-task', () => {
      throw Object.assign(new Error('table unavailable'), { name: 'Rejected' });
    });
    const { executionArn } = start(lambdas);
    const done = await engine.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'CaseRejected' });
    expect(engine.pendingTasks()).toEqual([]);
  });
});

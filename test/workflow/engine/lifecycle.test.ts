import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { LocalStepFunctions } from '../../../local/stepfunctions';
import { approvalDefinition, engineWith, FakeLambdas, fn, machineArn } from './helpers';

let engine: LocalStepFunctions;
afterEach(async () => {
  await engine?.stop();
}, 120_000);

describe('engine lifecycle', () => {
  it('stop() ends runs parked in a callback, a long Wait and a hanging Lambda, and leaves nothing to keep the process alive', async () => {
    const script = fileURLToPath(new URL('./stop-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => {
      // A leaked timer keeps the child alive; give it generous time to exit on its own.
      const guard = setTimeout(() => {
        child.kill('SIGKILL');
      }, 20_000);
      child.once('exit', (code) => {
        clearTimeout(guard);
        resolve(code);
      });
    });
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout.trim())).toEqual({ stopped: true, statuses: ['RUNNING', 'RUNNING', 'RUNNING'] });
  });

  it('times out a whole execution at its TimeoutSeconds and closes its tokens', async () => {
    engine = engineWith(new FakeLambdas());
    const arn = machineArn('short-lived');
    engine.registerStateMachine({ name: 'short-lived', arn, definition: { ...approvalDefinition(), TimeoutSeconds: 1 } });
    const { executionArn } = engine.startExecution({ stateMachineArn: arn, input: { caseId: 'C' } });
    const { taskToken } = await engine.waitForPendingTask({ executionArn });

    const done = await engine.waitForExecution(executionArn);

    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(engine.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 1 }).events[0]?.type).toBe('ExecutionTimedOut');
    expect(() => engine.sendTaskSuccess({ taskToken, output: '{}' })).toThrow(expect.objectContaining({ name: 'TaskDoesNotExist' }));
  });

  it('StopExecution aborts a waiting execution', async () => {
    engine = engineWith(new FakeLambdas());
    const arn = machineArn('approval');
    engine.registerStateMachine({ name: 'approval', arn, definition: approvalDefinition() });
    const { executionArn } = engine.startExecution({ stateMachineArn: arn, input: { caseId: 'C' } });
    const { taskToken } = await engine.waitForPendingTask({ executionArn });

    engine.stopExecution({ executionArn, error: 'Withdrawn', cause: 'applicant withdrew' });

    expect(engine.describeExecution({ executionArn })).toMatchObject({ status: 'ABORTED', error: 'Withdrawn' });
    expect(engine.pendingTasks()).toEqual([]);
    expect(() => engine.sendTaskSuccess({ taskToken, output: '{}' })).toThrow(expect.objectContaining({ name: 'TaskDoesNotExist' }));
    await engine.idle();
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalStepFunctions } from '../../../local/stepfunctions';
import { durableDefinition, FakeLambdas, historyTypes, machineArn } from './helpers';

const arn = machineArn('durable');
const executionArn = (name: string) => `${arn.replace(':stateMachine:', ':execution:')}:${name}`;
const root = mkdtempSync(join(tmpdir(), 'casebook-sfn-durable-'));
const dataDir = join(root, 'data');
const invocationLog = join(root, 'child-invocations.jsonl');
const lambdas = new FakeLambdas().on('slow', () => ({ slow: 'done in parent' }));
let engine: LocalStepFunctions;
let report: { taskToken: string; deadline: number; waitUntil: number };

/** Runs the child engine until it reports, then SIGKILLs it (no chance to clean up). */
async function crashChild(waitMs: number): Promise<typeof report> {
  const script = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, invocationLog, String(waitMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  let reported: typeof report | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as { ready?: boolean } & typeof report;
    if (message.ready) {
      reported = message;
      break;
    }
  }
  if (!reported) throw new Error('child engine exited without reporting');
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return reported;
}

beforeAll(async () => {
  report = await crashChild(1500);
  engine = new LocalStepFunctions({ dataDir, invokeLambda: lambdas.invoke, log: () => {} });
  engine.registerStateMachine({ name: 'durable', arn, definition: durableDefinition() });
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  rmSync(root, { recursive: true, force: true });
}, 120_000);

describe('an engine killed with SIGKILL, restarted on the same data directory', () => {
  it('lists the executions that were running, and resumes them with recover()', async () => {
    const running = engine.listExecutions({ stateMachineArn: arn, statusFilter: 'RUNNING' }).executions.map((e) => e.name);
    expect(running.sort()).toEqual(['in-callback', 'in-lambda', 'in-wait']);
    const { resumed } = await engine.recover();
    expect(resumed.sort()).toEqual([executionArn('in-callback'), executionArn('in-lambda'), executionArn('in-wait')].sort());
  });

  it('keeps the waiting callback with its token and original deadline, without invoking its Lambda again', async () => {
    const task = await engine.waitForPendingTask({ executionArn: executionArn('in-callback') });
    expect(task).toMatchObject({ taskToken: report.taskToken, stateName: 'Approval', lambdaInvoked: true });
    expect(task.deadline?.getTime()).toBe(report.deadline);
    const childCalls = readFileSync(invocationLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { functionName: string; payload: any });
    expect(childCalls.filter((c) => c.functionName === 'open-task').map((c) => c.payload.taskToken)).toEqual([report.taskToken]);
    expect(lambdas.calls('open-task')).toHaveLength(0);
    expect(lambdas.calls('prepare')).toHaveLength(0);

    engine.sendTaskSuccess({ taskToken: report.taskToken, output: JSON.stringify({ decision: 'ELIGIBLE' }) });
    const done = await engine.waitForExecution(executionArn('in-callback'));

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ caseId: 'C-7', prepared: { from: 'child' }, approval: { decision: 'ELIGIBLE' } });
    const types = historyTypes(engine, done.executionArn);
    expect(types.filter((t) => t === 'ExecutionStarted')).toHaveLength(1);
    expect(types.filter((t) => t === 'TaskSubmitted')).toHaveLength(1);
    expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(1);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('resumes a Wait at its persisted end time', async () => {
    const done = await engine.waitForExecution(executionArn('in-wait'));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(report.waitUntil);
    const types = historyTypes(engine, done.executionArn);
    expect(types.filter((t) => t === 'WaitStateEntered')).toHaveLength(1);
    expect(types.filter((t) => t === 'WaitStateExited')).toHaveLength(1);
  });

  it('runs a Lambda task that was in flight again (at least once)', async () => {
    const done = await engine.waitForExecution(executionArn('in-lambda'));
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).slow).toEqual({ slow: 'done in parent' });
    expect(lambdas.calls('slow')).toHaveLength(1);
    expect(lambdas.calls('finish').length).toBe(3);
  });

  it('continues each history from its file: ids run on without a gap across the kill, in both orders', async () => {
    // the engine keeps histories on disk only; the events written by the killed child come first
    const done = await engine.waitForExecution(executionArn('in-lambda'));
    const events = engine.getExecutionHistory({ executionArn: done.executionArn }).events;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.previousEventId)).toEqual(events.map((_, i) => i));
    const reversed = engine.getExecutionHistory({ executionArn: done.executionArn, reverseOrder: true }).events;
    expect(reversed.map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());
    // reading in reverse does not reorder what a later forward read sees
    expect(engine.getExecutionHistory({ executionArn: done.executionArn }).events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import { SfnError, type LocalStepFunctions, type LocalStepFunctionsOptions } from '../../../local/stepfunctions';
import { CALLBACK, engineWith, FakeLambdas, fn, historyTypes, machineArn, namedError } from './helpers';

let engine: LocalStepFunctions;
afterEach(async () => {
  await engine?.stop();
}, 120_000);

const LAMBDA_TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

async function run(lambdas: FakeLambdas, definition: object, input: object = {}, options: Partial<LocalStepFunctionsOptions> = {}) {
  engine = engineWith(lambdas, options);
  const arn = machineArn('tasks');
  engine.registerStateMachine({ name: 'tasks', arn, definition });
  const { executionArn } = engine.startExecution({ stateMachineArn: arn, input });
  return engine.waitForExecution(executionArn);
}

const parseThenStore = {
  StartAt: 'Parse',
  States: {
    Parse: {
      Type: 'Task',
      Resource: fn('parse'),
      TimeoutSeconds: 60,
      Retry: [{ ErrorEquals: LAMBDA_TRANSIENT, MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 2 }],
      Catch: [{ ErrorEquals: ['InvalidDossier'], ResultPath: '$.error', Next: 'RecordRejection' }],
      ResultPath: '$.parsed',
      Next: 'Store',
    },
    Store: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fn('store'), 'Payload.$': '$.parsed' },
      ResultSelector: { 'stored.$': '$.Payload' },
      End: true,
    },
    RecordRejection: { Type: 'Pass', End: true },
  },
};

describe('Lambda tasks', () => {
  it('retries a Lambda that fails twice with a transient error, then goes on', async () => {
    const lambdas = new FakeLambdas()
      .on('parse', (_payload, n) => {
        if (n <= 2) throw namedError('Lambda.ServiceException', `transient ${n}`);
        return { submissionId: 'S-1' };
      })
      .on('store', (payload) => ({ storedId: payload.submissionId }));

    const done = await run(lambdas, parseThenStore, { key: 'k' });

    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ stored: { storedId: 'S-1' } });
    expect(lambdas.calls('parse')).toHaveLength(3);
    expect(lambdas.calls('parse').every((c) => c.payload.key === 'k')).toBe(true);
    const types = historyTypes(engine, done.executionArn);
    expect(types.filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(2);
    expect(types.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(1);
    expect(types).toContain('TaskSucceeded');
  });

  it("counts a Lambda task's TimeoutSeconds from the function's start, not from its wait for a slot", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // as the local cloud's registry: queued for a slot first, then `started`, then the handler
    const queued = (queueMs: number, runMs: number) => async (_arn: string, _payload: unknown, hooks?: { started?: () => void }) => {
      await sleep(queueMs);
      hooks?.started?.();
      await sleep(runMs);
      return { ok: true };
    };
    const machine = (resource: string, parameters?: object) => ({
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: resource, ...(parameters ? { Parameters: parameters } : {}), TimeoutSeconds: 1, End: true },
      },
    });
    const lambdas = new FakeLambdas();
    // waited 1.5 s for a slot, ran 0.1 s: within its 1 s
    const waited = await run(lambdas, machine(fn('work')), {}, { invokeLambda: queued(1_500, 100) });
    expect(waited.status).toBe('SUCCEEDED');
    await engine.stop();
    const viaInvoke = await run(
      lambdas,
      machine('arn:aws:states:::lambda:invoke', { FunctionName: fn('work') }),
      {},
      {
        invokeLambda: queued(1_500, 100),
      },
    );
    expect(viaInvoke.status).toBe('SUCCEEDED');
    await engine.stop();
    // ran 1.5 s once started: timed out
    const slow = await run(lambdas, machine(fn('work')), {}, { invokeLambda: queued(0, 1_500) });
    expect(slow.status).toBe('FAILED');
    expect(slow.error).toBe('States.Timeout');
  });

  it('fails the execution with the error name once the retries are used up', async () => {
    const lambdas = new FakeLambdas().on('parse', () => {
      throw namedError('Lambda.ServiceException', 'down');
    });
    const done = await run(lambdas, parseThenStore);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Lambda.ServiceException' });
    expect(JSON.parse(done.cause!)).toEqual({ errorType: 'Lambda.ServiceException', errorMessage: 'down' });
    expect(lambdas.calls('parse')).toHaveLength(3);
    expect(lambdas.calls('store')).toHaveLength(0);
  });

  it('catches a domain error by name, with the AWS error document as Cause', async () => {
    const lambdas = new FakeLambdas().on('parse', () => {
      throw namedError('InvalidDossier', 'no title');
    });
    const done = await run(lambdas, parseThenStore, { key: 'k' });
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!);
    expect(output.error.Error).toBe('InvalidDossier');
    expect(JSON.parse(output.error.Cause)).toEqual({ errorType: 'InvalidDossier', errorMessage: 'no title' });
    expect(lambdas.calls('parse')).toHaveLength(1);
  });

  it('runs Choice, Map (with Lambda tasks per item), Parallel and Wait states', async () => {
    const definition = {
      StartAt: 'Route',
      States: {
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.kind', StringEquals: 'batch', Next: 'EachItem' }],
          Default: 'Unexpected',
        },
        Unexpected: { Type: 'Fail', Error: 'WrongRoute' },
        EachItem: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
          ItemProcessor: {
            StartAt: 'Double',
            States: { Double: { Type: 'Task', Resource: fn('double'), End: true } },
          },
          ResultPath: '$.doubled',
          Next: 'Pause',
        },
        Pause: { Type: 'Wait', SecondsPath: '$.pauseSeconds', Next: 'Both' },
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: 'L', End: true } } },
            { StartAt: 'Right', States: { Right: { Type: 'Pass', InputPath: '$.doubled', End: true } } },
          ],
          ResultPath: '$.both',
          End: true,
        },
      },
    };
    const lambdas = new FakeLambdas().on('double', (payload) => payload.value * 2 + payload.index);

    const done = await run(
      lambdas,
      definition,
      { kind: 'batch', items: [1, 2, 3], pauseSeconds: 86_400 * 30 },
      { waitScaling: { maxSeconds: 0.05 } },
    );

    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!);
    expect(output.doubled).toEqual([2, 5, 8]);
    expect(output.both).toEqual(['L', [2, 5, 8]]);
    const types = historyTypes(engine, done.executionArn);
    expect(types).toEqual(
      expect.arrayContaining([
        'ChoiceStateEntered',
        'MapStateEntered',
        'MapStateSucceeded',
        'WaitStateEntered',
        'WaitStateExited',
        'ParallelStateEntered',
        'ParallelStateExited',
      ]),
    );
    expect(types.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(3);
  });

  it('fails with States.DataLimitExceeded when a state output passes 256 KiB', async () => {
    const definition = {
      StartAt: 'Big',
      States: { Big: { Type: 'Task', Resource: fn('big'), Next: 'After' }, After: { Type: 'Task', Resource: fn('after'), End: true } },
    };
    const lambdas = new FakeLambdas().on('big', () => ({ document: 'x'.repeat(300 * 1024) }));
    const done = await run(lambdas, definition);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(lambdas.calls('after')).toHaveLength(0);
  });

  it('takes the Choice default and fails with the Fail state error', async () => {
    const definition = {
      StartAt: 'Route',
      States: {
        Route: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Fine' }], Default: 'Broken' },
        Fine: { Type: 'Succeed' },
        Broken: { Type: 'Fail', Error: 'NotOk', Cause: 'ok was false' },
      },
    };
    const done = await run(new FakeLambdas(), definition, { ok: false });
    expect(done).toMatchObject({ status: 'FAILED', error: 'NotOk', cause: 'ok was false' });
  });
});

describe('StartExecution names', () => {
  const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: fn('work'), End: true } } };

  it('returns the running execution for the same name and input, and refuses a different input', async () => {
    let release!: () => void;
    const lambdas = new FakeLambdas().on(
      'work',
      () => new Promise<{ done: boolean }>((resolve) => (release = () => resolve({ done: true }))),
    );
    engine = engineWith(lambdas);
    const arn = machineArn('named');
    engine.registerStateMachine({ name: 'named', arn, definition });

    const first = engine.startExecution({ stateMachineArn: arn, name: 'd-abc', input: '{"key":"a"}' });
    const second = engine.startExecution({ stateMachineArn: arn, name: 'd-abc', input: { key: 'a' } });
    expect(second).toEqual(first);
    expect(() => engine.startExecution({ stateMachineArn: arn, name: 'd-abc', input: { key: 'b' } })).toThrow(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
    while (lambdas.calls('work').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await engine.waitForExecution(first.executionArn);
    expect(lambdas.calls('work')).toHaveLength(1);
    expect(engine.listExecutions({ stateMachineArn: arn }).executions).toHaveLength(1);
    // Closed executions keep their name (Standard workflows): a late duplicate is refused.
    expect(() => engine.startExecution({ stateMachineArn: arn, name: 'd-abc', input: { key: 'a' } })).toThrow(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
    expect(() => engine.startExecution({ stateMachineArn: arn, name: 'has space' })).toThrow(
      expect.objectContaining({ name: 'InvalidName' }),
    );
  });
});

describe('definitions the local engine refuses', () => {
  const cases: [string, object][] = [
    ['JSONata', { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }],
    ['Assign', { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } }],
    [
      'a callback inside a Map',
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: {
              StartAt: 'Cb',
              States: {
                Cb: {
                  Type: 'Task',
                  Resource: CALLBACK,
                  Parameters: { FunctionName: fn('x'), Payload: { 'taskToken.$': '$$.Task.Token' } },
                  End: true,
                },
              },
            },
            End: true,
          },
        },
      },
    ],
    [
      'a timeout a Node timer cannot hold',
      { StartAt: 'A', States: { A: { Type: 'Task', Resource: fn('x'), TimeoutSeconds: 2_147_484, End: true } } },
    ],
    [
      'a non-Lambda resource',
      {
        StartAt: 'A',
        States: { A: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: 't' }, End: true } },
      },
    ],
  ];
  it.each(cases)('rejects %s', (_label, definition) => {
    engine = engineWith(new FakeLambdas());
    let thrown: unknown;
    try {
      engine.registerStateMachine({ name: 'bad', arn: machineArn('bad'), definition });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SfnError);
    expect((thrown as SfnError).name).toBe('InvalidDefinition');
  });
});

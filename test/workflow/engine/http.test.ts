import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSfnServer, type LocalStepFunctions, type SfnServer } from '../../../local/stepfunctions';
import { approvalDefinition, engineWith, FakeLambdas, machineArn } from './helpers';

const arn = machineArn('approval-http');
const lambdas = new FakeLambdas();
let engine: LocalStepFunctions;
let server: SfnServer;
let sfn: SFNClient;

beforeAll(async () => {
  engine = engineWith(lambdas);
  engine.registerStateMachine({ name: 'approval-http', arn, definition: approvalDefinition() });
  server = await startSfnServer(engine, { port: 0 });
  // Unchanged application code: the endpoint comes from the environment, as in the local cloud.
  process.env.AWS_ENDPOINT_URL_SFN = server.url;
  sfn = new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}, 120_000);

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SFN;
  sfn?.destroy();
  await server?.close();
  await engine?.stop();
}, 120_000);

async function sdkError(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('Step Functions JSON endpoint with the real SDK client', () => {
  it('starts, lists, describes, decides and reports history of an execution', async () => {
    const input = JSON.stringify({ caseId: 'C-9' });
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'sdk-1', input }));
    expect(started.executionArn).toBe(`${arn.replace(':stateMachine:', ':execution:')}:sdk-1`);
    expect(started.startDate).toBeInstanceOf(Date);
    expect(Math.abs(started.startDate!.getTime() - Date.now())).toBeLessThan(60_000);

    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'sdk-1', input }));
    expect(again.executionArn).toBe(started.executionArn);
    expect(again.startDate?.getTime()).toBe(started.startDate?.getTime());
    expect(
      await sdkError(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'sdk-1', input: '{"caseId":"other"}' }))),
    ).toEqual({
      name: 'ExecutionAlreadyExists',
      status: 400,
    });

    const task = await engine.waitForPendingTask({ executionArn: started.executionArn! });
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }));
    expect(running.executions?.map((e) => e.name)).toEqual(['sdk-1']);

    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ decision: 'ELIGIBLE' }) }));
    await engine.waitForExecution(started.executionArn!);

    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(described.output!).approval).toEqual({ decision: 'ELIGIBLE' });
    expect(described.input).toBe(input);

    const history = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true, maxResults: 3 }),
    );
    expect(history.events?.map((e) => e.type)).toEqual(['ExecutionSucceeded', 'SucceedStateExited', 'SucceedStateEntered']);
    expect(history.events?.[0]?.timestamp).toBeInstanceOf(Date);
    expect(history.nextToken).toBeTruthy();
    const scheduled = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }))).events?.find(
      (e) => e.type === 'TaskScheduled',
    );
    expect(scheduled?.taskScheduledEventDetails?.resourceType).toBe('lambda');
    expect(JSON.parse(scheduled!.taskScheduledEventDetails!.parameters!).FunctionName).toContain('open-task');

    const succeeded = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions?.map((e) => e.name)).toEqual(['sdk-1']);
  });

  it('maps engine errors to AWS error names', async () => {
    expect(await sdkError(sfn.send(new SendTaskSuccessCommand({ taskToken: 'B'.repeat(64), output: '{}' })))).toEqual({
      name: 'TaskDoesNotExist',
      status: 400,
    });
    expect(await sdkError(sfn.send(new SendTaskFailureCommand({ taskToken: 'no spaces allowed' })))).toEqual({
      name: 'InvalidToken',
      status: 400,
    });
    expect(
      await sdkError(sfn.send(new DescribeExecutionCommand({ executionArn: `${arn.replace(':stateMachine:', ':execution:')}:nope` }))),
    ).toEqual({
      name: 'ExecutionDoesNotExist',
      status: 400,
    });
    expect(await sdkError(sfn.send(new StartExecutionCommand({ stateMachineArn: machineArn('missing'), input: '{}' })))).toEqual({
      name: 'StateMachineDoesNotExist',
      status: 400,
    });
    expect(await sdkError(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{not json' })))).toEqual({
      name: 'InvalidExecutionInput',
      status: 400,
    });
  });

  it('describes and lists state machines', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(described).toMatchObject({ name: 'approval-http', type: 'STANDARD', status: 'ACTIVE' });
    expect(JSON.parse(described.definition!).StartAt).toBe('Prepare');
    expect(described.creationDate).toBeInstanceOf(Date);
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.stateMachineArn)).toEqual([arn]);
  });
});

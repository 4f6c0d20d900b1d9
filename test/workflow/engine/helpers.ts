/** Synthetic definitions and a recording in-process invoker for the engine tests. */
import { LocalStepFunctions, type LocalStepFunctionsOptions } from '../../../local/stepfunctions';

export const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
export const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
export const machineArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;

export interface Invocation {
  functionName: string;
  payload: any;
}

type Behaviour = (payload: any, invocation: number) => unknown;

/** Records every invocation; behaviours are per function name (default: echo `{ok: true}`). */
export class FakeLambdas {
  readonly invocations: Invocation[] = [];
  private readonly behaviours = new Map<string, Behaviour>();

  on(functionName: string, behaviour: Behaviour): this {
    this.behaviours.set(functionName, behaviour);
    return this;
  }

  calls(functionName: string): Invocation[] {
    return this.invocations.filter((i) => i.functionName === functionName);
  }

  readonly invoke = async (functionArn: string, payload: unknown): Promise<unknown> => {
    const functionName = functionArn.split(':function:')[1]!;
    this.invocations.push({ functionName, payload });
    const behaviour = this.behaviours.get(functionName);
    return behaviour ? behaviour(payload, this.calls(functionName).length) : { ok: true };
  };
}

export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export function engineWith(lambdas: FakeLambdas, options: Partial<LocalStepFunctionsOptions> = {}): LocalStepFunctions {
  return new LocalStepFunctions({ invokeLambda: lambdas.invoke, retryIntervalMs: 0, log: () => {}, ...options });
}

/** Prepare (Lambda) → Approval (callback) → Done, with Catch for timeout and rejection. */
export function approvalDefinition(options: { timeoutSeconds?: number; catchTimeout?: string[] } = {}) {
  return {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Task', Resource: fn('prepare'), ResultPath: '$.prepared', Next: 'Approval' },
      Approval: {
        Type: 'Task',
        Resource: CALLBACK,
        Parameters: {
          FunctionName: fn('open-task'),
          Payload: {
            'taskToken.$': '$$.Task.Token',
            'caseId.$': '$.caseId',
            'state.$': '$$.State.Name',
            'enteredAt.$': '$$.State.EnteredTime',
            'executionArn.$': '$$.Execution.Id',
            'original.$': '$$.Execution.Input',
          },
        },
        TimeoutSeconds: options.timeoutSeconds ?? 3600,
        ResultSelector: { 'decision.$': '$.decision' },
        ResultPath: '$.approval',
        Catch: [
          { ErrorEquals: options.catchTimeout ?? ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' },
          { ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'WasRejected' },
        ],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
      TimedOut: { Type: 'Pass', Result: 'timed-out', ResultPath: '$.outcome', End: true },
      WasRejected: { Type: 'Fail', Error: 'CaseRejected', Cause: 'rejected by the approver' },
    },
  };
}

export function historyTypes(engine: LocalStepFunctions, executionArn: string): string[] {
  return engine.getExecutionHistory({ executionArn }).events.map((e) => e.type);
}

/** One machine, three ways to be caught by a crash: in a callback, in a Wait, inside a plain Lambda. */
export function durableDefinition() {
  return {
    StartAt: 'Route',
    States: {
      Route: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.path', StringEquals: 'callback', Next: 'Prepare' },
          { Variable: '$.path', StringEquals: 'wait', Next: 'Notice' },
        ],
        Default: 'Slow',
      },
      Prepare: { Type: 'Task', Resource: fn('prepare'), ResultPath: '$.prepared', Next: 'Approval' },
      Approval: {
        Type: 'Task',
        Resource: CALLBACK,
        Parameters: { FunctionName: fn('open-task'), Payload: { 'taskToken.$': '$$.Task.Token', 'caseId.$': '$.caseId' } },
        TimeoutSeconds: 86_400,
        ResultPath: '$.approval',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Finish' }],
        Next: 'Finish',
      },
      Notice: { Type: 'Wait', TimestampPath: '$.until', Next: 'Finish' },
      Slow: { Type: 'Task', Resource: fn('slow'), ResultPath: '$.slow', Next: 'Finish' },
      Finish: { Type: 'Task', Resource: fn('finish'), ResultPath: '$.finished', End: true },
    },
  };
}

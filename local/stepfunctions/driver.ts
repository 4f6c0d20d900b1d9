/**
 * The execution driver: walks the top level of a definition one state per library run (see
 * `singleStepDefinition`), persisting the state name and input before each step, so an execution
 * resumes after a crash at the state it was in. Task states at every level come back through
 * `handleTask`, which invokes Lambdas through the injected invoker and, for `.waitForTaskToken`
 * states, opens a token (tokens.ts), invokes the Lambda once, and waits for the decision or the
 * deadline. Also ends executions (`finish`) with the history event AWS records.
 */
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  END_TRANSITION,
  isTransitionStub,
  singleStepDefinition,
  TRANSITION_PREFIX,
  type CompiledMachine,
  type Json,
  type StateInfo,
} from './definition';
import {
  MAX_PAYLOAD_BYTES,
  scaleSeconds,
  type DurationScaling,
  type ExecutionRuntime,
  type Executions,
  type LambdaInvoker,
  type RegisteredMachine,
} from './executions';
import type { ExecutionStatus, Position, TokenRecord } from './store';
import { alarmAt, sleepUntil } from './timers';
import { mintToken, type TaskTokens } from './tokens';

export interface DriverOptions {
  invokeLambda: LambdaInvoker;
  waitScaling?: DurationScaling;
  callbackTimeoutScaling?: DurationScaling;
  /** Recorded in TaskScheduled events, as AWS does. */
  region: string;
}

interface StepContext {
  stateName: string;
  enteredAt: string;
  libraryContext: { Task: { Token?: string }; [key: string]: unknown };
  /** The persisted position when resuming after a restart; consumed by the first attempt. */
  resume?: Position;
}

/** The abort reason when the engine stops: executions stay RUNNING for a later recover(). */
export const STOPPED = 'engine-stopped';

/** An end of the current run that is not a state error: neither Retry nor Catch may see it. */
class DetachedError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(reason: unknown) {
    super(`Execution detached from the engine: ${String(reason)}`);
    this.name = 'Casebook.Detached';
  }
}

function stateError(name: string, cause: string, options: { catchable?: boolean } = {}): Error {
  const error = new Error(cause);
  error.name = name;
  if (options.catchable === false) Object.assign(error, { isRetryable: false, isCatchable: false });
  return error;
}

/** The shape AWS gives a Lambda function error: name = errorType, cause = the error document. */
function lambdaError(thrown: unknown): Error {
  if (thrown instanceof DetachedError) return thrown;
  const name =
    thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && 'name' in thrown)
      ? String((thrown as { name: unknown }).name || 'Error')
      : 'Error';
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return stateError(name, JSON.stringify({ errorType: name, errorMessage: message }));
}

function toJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DetachedError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DetachedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Lets the library's event log catch up, so nested history events keep their order. */
function yieldToEventLog(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

let timeoutErrorClass: Promise<new () => Error> | undefined;

/**
 * The library treats its own `States.Timeout` error class specially (`States.TaskFailed` must not
 * match it) but does not export it; the engine enforces callback deadlines itself, so it borrows
 * the class from a 1 ms library timeout.
 */
export function libraryTimeoutErrorClass(): Promise<new () => Error> {
  timeoutErrorClass ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: { Probe: { Type: 'Task', Resource: 'arn:aws:states:::casebook-local:probe', TimeoutSeconds: 0.001, End: true } },
      } as unknown as StateMachineDefinition,
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<never>(() => {}) } } });
    try {
      await run.result;
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      if (cause?.name === 'States.Timeout') return cause.constructor as new () => Error;
    }
    throw new Error('aws-local-stepfunctions did not time out a task as expected');
  })();
  return timeoutErrorClass;
}

export class ExecutionDriver {
  constructor(
    private readonly executions: Executions,
    private readonly tokens: TaskTokens,
    private readonly options: DriverOptions,
  ) {}

  launch(runtime: ExecutionRuntime, machine: RegisteredMachine, stateName: string, input: Json, resume?: Position): void {
    runtime.abort = new AbortController();
    this.armExecutionTimeout(runtime, machine);
    runtime.driving = this.drive(runtime, machine, stateName, input, resume)
      .catch((error: unknown) => {
        if (runtime.record.status === 'RUNNING' && !runtime.abort.signal.aborted) {
          this.finish(runtime, 'FAILED', { error: 'States.Runtime', cause: `Local engine error: ${(error as Error).message}` });
        }
      })
      .finally(() => {
        runtime.driving = undefined;
        runtime.parked = false;
        this.executions.notify();
      });
  }

  private armExecutionTimeout(runtime: ExecutionRuntime, machine: RegisteredMachine): void {
    const seconds = machine.compiled.definition.TimeoutSeconds;
    if (typeof seconds !== 'number') return;
    runtime.timeoutAlarm = alarmAt(Date.parse(runtime.record.startDate) + seconds * 1000, () => {
      if (runtime.record.status !== 'RUNNING') return;
      this.detach(runtime, 'timed-out');
      this.finish(runtime, 'TIMED_OUT', { error: 'States.Timeout', cause: `Execution exceeded TimeoutSeconds ${seconds}` });
    });
  }

  /** Ends the current run of an execution (engine stop, StopExecution, execution timeout). */
  detach(runtime: ExecutionRuntime, reason: string): void {
    runtime.timeoutAlarm?.cancel();
    runtime.timeoutAlarm = undefined;
    if (!runtime.abort.signal.aborted) runtime.abort.abort(reason);
    runtime.abortLibraryRun?.();
  }

  private async drive(
    runtime: ExecutionRuntime,
    machine: RegisteredMachine,
    startState: string,
    startInput: Json,
    resume?: Position,
  ): Promise<void> {
    await libraryTimeoutErrorClass();
    let stateName = startState;
    let input = startInput;
    let resuming = resume;
    const signal = runtime.abort.signal;
    while (!signal.aborted) {
      const info = machine.compiled.states.get(stateName)!;
      const enteredAt = resuming?.enteredAt ?? new Date().toISOString();
      if (!resuming) {
        runtime.record.position = { stateName, stateInput: input, enteredAt };
        this.executions.persist(runtime);
        this.executions.recordEvent(runtime, `${info.type}StateEntered`, {
          stateEnteredEventDetails: { name: stateName, input: JSON.stringify(input) },
        });
        if (info.type === 'Map' || info.type === 'Parallel') this.executions.recordEvent(runtime, `${info.type}StateStarted`, {});
      }
      const step = await this.runStep(runtime, machine, info, input, {
        stateName,
        enteredAt,
        libraryContext: { Task: {} },
        resume: resuming,
      });
      resuming = undefined;
      if (signal.aborted) return;
      if (step.kind === 'failed') {
        if (info.type === 'Map' || info.type === 'Parallel') this.executions.recordEvent(runtime, `${info.type}StateFailed`, {});
        this.finish(runtime, 'FAILED', { error: step.error, cause: step.cause });
        return;
      }
      if (Buffer.byteLength(JSON.stringify(step.output)) > MAX_PAYLOAD_BYTES) {
        // As on AWS: pass ids and keys between states, not documents.
        this.finish(runtime, 'FAILED', {
          error: 'States.DataLimitExceeded',
          cause: `The state '${stateName}' returned a result larger than the 256 KiB Step Functions payload limit`,
        });
        return;
      }
      const waitUntil = runtime.record.position?.waitUntil;
      if (info.type === 'Wait' && waitUntil !== undefined) {
        runtime.parked = true;
        this.executions.notify();
        try {
          await sleepUntil(waitUntil, signal);
        } catch {
          return;
        } finally {
          runtime.parked = false;
        }
      }
      if (info.type === 'Map' || info.type === 'Parallel') this.executions.recordEvent(runtime, `${info.type}StateSucceeded`, {});
      this.executions.recordEvent(runtime, `${info.type}StateExited`, {
        stateExitedEventDetails: { name: stateName, output: JSON.stringify(step.output) },
      });
      if (info.type === 'Succeed' || step.next === END_TRANSITION || step.next === undefined) {
        this.finish(runtime, 'SUCCEEDED', { output: step.output });
        return;
      }
      stateName = step.next;
      input = step.output;
    }
  }

  private async runStep(
    runtime: ExecutionRuntime,
    machine: RegisteredMachine,
    info: StateInfo,
    input: Json,
    step: StepContext,
  ): Promise<{ kind: 'next'; next?: string; output: Json } | { kind: 'failed'; error: string; cause: string }> {
    const { compiled } = machine;
    const definition = singleStepDefinition(compiled, info.name);
    let next: string | undefined;
    const handlers: Record<string, (payload: unknown) => Promise<Json> | Json> = {};
    for (const name of compiled.taskStateNames)
      handlers[name] = (payload) => this.handleTask(runtime, compiled, name, payload as Json, step);
    for (const name of Object.keys(definition.States)) {
      if (isTransitionStub(name)) {
        handlers[name] = (output) => {
          next = name.slice(TRANSITION_PREFIX.length);
          return output as Json;
        };
      }
    }
    const { record } = runtime;
    const original = JSON.parse(record.input) as Json;
    step.libraryContext = {
      Execution: { Id: record.executionArn, Name: record.name, RoleArn: machine.roleArn, StartTime: record.startDate },
      __ExecutionInput: original,
      __ExecutionStartTime: record.startDate,
      StateMachine: { Id: machine.arn, Name: machine.name },
      State: { Name: info.name, EnteredTime: step.enteredAt, RetryCount: 0 },
      Task: { Token: info.kind === 'callback' ? (step.resume?.callback?.token ?? mintToken()) : undefined },
    };
    const library = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
    const run = library.run(input, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: machine.retryOverrides },
      noThrowOnAbort: true,
      context: step.libraryContext as never,
    });
    runtime.abortLibraryRun = run.abort;
    if (runtime.abort.signal.aborted) run.abort();
    const events = this.translateLibraryEvents(runtime, compiled, info.name, run.eventLogs);
    try {
      const output = (await run.result) as Json;
      await events;
      return { kind: 'next', next, output };
    } catch (error) {
      await events;
      const cause = error instanceof ExecutionError ? (error.cause as Error) : (error as Error);
      return { kind: 'failed', error: cause.name, cause: cause.message };
    } finally {
      runtime.abortLibraryRun = undefined;
    }
  }

  /** Nested states (inside Map and Parallel) appear in the history through the library's log. */
  private async translateLibraryEvents(
    runtime: ExecutionRuntime,
    compiled: CompiledMachine,
    topState: string,
    logs: AsyncGenerator<unknown>,
  ): Promise<void> {
    for await (const raw of logs) {
      if (runtime.abort.signal.aborted) continue;
      const event = raw as {
        type: string;
        index?: number;
        state?: { name: string; input?: unknown; output?: unknown };
        parentState?: { name: string };
      };
      if ((event.type === 'StateEntered' || event.type === 'StateExited') && event.state) {
        const { name } = event.state;
        if (name === topState || isTransitionStub(name)) continue;
        const type = compiled.states.get(name)?.type ?? 'Task';
        if (event.type === 'StateEntered') {
          this.executions.recordEvent(runtime, `${type}StateEntered`, {
            stateEnteredEventDetails: { name, input: JSON.stringify(event.state.input ?? null) },
          });
        } else {
          this.executions.recordEvent(runtime, `${type}StateExited`, {
            stateExitedEventDetails: { name, output: JSON.stringify(event.state.output ?? null) },
          });
        }
      } else if (event.type.startsWith('MapIteration') && event.parentState) {
        const key = `${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`;
        this.executions.recordEvent(runtime, event.type, { [key]: { name: event.parentState.name, index: event.index ?? 0 } });
      }
    }
  }

  private async handleTask(
    runtime: ExecutionRuntime,
    compiled: CompiledMachine,
    stateName: string,
    payload: Json,
    step: StepContext,
  ): Promise<Json> {
    const signal = runtime.abort.signal;
    if (signal.aborted) throw new DetachedError(signal.reason);
    await yieldToEventLog();
    if (signal.aborted) throw new DetachedError(signal.reason);
    const info = compiled.states.get(stateName)!;
    switch (info.kind) {
      case 'callback':
        return this.runCallback(runtime, info, payload, step);
      case 'wait':
        return this.runWait(runtime, info, payload, step);
      case 'lambda':
        return this.runLambda(runtime, info, payload);
      case 'lambda-invoke':
        return this.runLambdaInvoke(runtime, info, payload);
      default:
        throw stateError('States.Runtime', `State ${stateName} is not a task the local engine can run`, { catchable: false });
    }
  }

  /**
   * Calls the function; with `timeoutSeconds`, fails the task with States.Timeout when the function
   * has run that long. The clock starts when the function starts, not when the task asked for it:
   * on AWS the invocation starts at once on an instance of its own, where the local cloud may queue
   * it for a slot; counting the queue made a deadline rush time out tasks that never ran.
   */
  private async invoke(runtime: ExecutionRuntime, functionArn: string, payload: unknown, timeoutSeconds?: number): Promise<Json> {
    const TimeoutError = timeoutSeconds !== undefined ? await libraryTimeoutErrorClass() : undefined;
    let timer: NodeJS.Timeout | undefined;
    let expire: (error: Error) => void = () => {};
    const expired = new Promise<never>((_, reject) => (expire = reject));
    const started = () => {
      if (!TimeoutError || timer) return;
      timer = setTimeout(() => expire(new TimeoutError()), timeoutSeconds! * 1000);
      timer.unref();
    };
    const invoker = this.options.invokeLambda;
    const call = Promise.resolve()
      .then(() => invoker(functionArn, structuredClone(payload), { started }))
      .then(toJson, (error: unknown) => {
        throw lambdaError(error);
      });
    // an invoker that takes no hooks (a plain function in a test) runs the function at once
    if (invoker.length < 3) started();
    try {
      return await raceAbort(Promise.race([call, expired]), runtime.abort.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runLambda(runtime: ExecutionRuntime, info: StateInfo, payload: Json): Promise<Json> {
    const timeoutInSeconds = info.definition.TimeoutSeconds;
    this.executions.recordEvent(runtime, 'LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: {
        resource: info.resource,
        input: JSON.stringify(payload),
        ...(typeof timeoutInSeconds === 'number' ? { timeoutInSeconds } : {}),
      },
    });
    this.executions.recordEvent(runtime, 'LambdaFunctionStarted', {});
    try {
      const output = await this.invoke(runtime, info.resource!, payload, taskTimeout(info));
      this.executions.recordEvent(runtime, 'LambdaFunctionSucceeded', {
        lambdaFunctionSucceededEventDetails: { output: JSON.stringify(output) },
      });
      return output;
    } catch (error) {
      if (!(error instanceof DetachedError)) {
        this.executions.recordEvent(runtime, 'LambdaFunctionFailed', {
          lambdaFunctionFailedEventDetails: { error: (error as Error).name, cause: (error as Error).message },
        });
      }
      throw error;
    }
  }

  private async runLambdaInvoke(runtime: ExecutionRuntime, info: StateInfo, parameters: Json): Promise<Json> {
    const { functionName, payload } = invokeParameters(parameters);
    const details = { resourceType: 'lambda', resource: 'invoke' };
    this.executions.recordEvent(runtime, 'TaskScheduled', {
      taskScheduledEventDetails: { ...details, region: this.options.region, parameters: JSON.stringify(parameters) },
    });
    this.executions.recordEvent(runtime, 'TaskStarted', { taskStartedEventDetails: details });
    try {
      const output = await this.invoke(runtime, functionName, payload, taskTimeout(info));
      const result: Json = { ExecutedVersion: '$LATEST', Payload: output, StatusCode: 200 };
      this.executions.recordEvent(runtime, 'TaskSucceeded', { taskSucceededEventDetails: { ...details, output: JSON.stringify(result) } });
      return result;
    } catch (error) {
      if (!(error instanceof DetachedError)) {
        this.executions.recordEvent(runtime, 'TaskFailed', {
          taskFailedEventDetails: { ...details, error: (error as Error).name, cause: (error as Error).message },
        });
      }
      throw error;
    }
  }

  private async runWait(runtime: ExecutionRuntime, info: StateInfo, payload: Json, step: StepContext): Promise<Json> {
    const { __wait: spec, __input: passThrough } = payload as { __wait: { seconds?: unknown; timestamp?: unknown }; __input: Json };
    const resumedUntil = info.topLevel ? step.resume?.waitUntil : undefined;
    const enteredAtMs = info.topLevel ? Date.parse(step.enteredAt) : Date.now();
    let waitUntil: number;
    if (resumedUntil !== undefined) waitUntil = resumedUntil;
    else {
      let seconds: number;
      if (spec.seconds !== undefined) {
        if (!Number.isInteger(spec.seconds) || (spec.seconds as number) < 0) {
          throw stateError(
            'States.Runtime',
            `Wait state ${info.name}: seconds must be a non-negative integer, got ${JSON.stringify(spec.seconds)}`,
            { catchable: false },
          );
        }
        seconds = spec.seconds as number;
      } else {
        const at = typeof spec.timestamp === 'string' ? Date.parse(spec.timestamp) : Number.NaN;
        if (Number.isNaN(at)) {
          throw stateError(
            'States.Runtime',
            `Wait state ${info.name}: timestamp must be an RFC 3339 timestamp, got ${JSON.stringify(spec.timestamp)}`,
            { catchable: false },
          );
        }
        seconds = Math.max(0, (at - enteredAtMs) / 1000);
      }
      waitUntil = enteredAtMs + scaleSeconds(seconds, this.options.waitScaling) * 1000;
    }
    if (info.topLevel) {
      // The engine's top-level loop sleeps (durably) after this step; here it only records when.
      runtime.record.position = { ...runtime.record.position!, waitUntil };
      this.executions.persist(runtime);
    } else {
      await sleepUntil(waitUntil, runtime.abort.signal).catch((reason: unknown) => {
        throw new DetachedError(reason);
      });
    }
    return passThrough;
  }

  private async runCallback(runtime: ExecutionRuntime, info: StateInfo, parameters: Json, step: StepContext): Promise<Json> {
    const TimeoutError = await libraryTimeoutErrorClass();
    const token = step.libraryContext.Task.Token!;
    const resumed = step.resume?.callback?.token === token ? step.resume.callback : undefined;
    step.resume = undefined;
    const { functionName, payload } = invokeParameters(parameters);
    const details = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
    const timeoutSeconds = typeof info.definition.TimeoutSeconds === 'number' ? info.definition.TimeoutSeconds : undefined;
    const deadline = resumed
      ? resumed.deadline
      : timeoutSeconds !== undefined
        ? Date.now() + scaleSeconds(timeoutSeconds, this.options.callbackTimeoutScaling) * 1000
        : undefined;
    const position = runtime.record.position!;
    const tokenRecord: TokenRecord = runtime.record.tokens[token] ?? {
      stateName: info.name,
      status: 'PENDING',
      ...(deadline !== undefined ? { deadline } : {}),
    };
    runtime.record.tokens[token] = tokenRecord;
    position.callback = {
      token,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
      lambdaInvoked: resumed?.lambdaInvoked ?? false,
    };
    const entry = this.tokens.open(runtime, token, tokenRecord);
    this.executions.persist(runtime);
    const rotateToken = () => {
      // A retried callback gets a new token, as on AWS.
      step.libraryContext.Task.Token = mintToken();
    };
    if (!resumed) {
      this.executions.recordEvent(runtime, 'TaskScheduled', {
        taskScheduledEventDetails: {
          ...details,
          region: this.options.region,
          parameters: JSON.stringify(parameters),
          ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
        },
      });
      this.executions.recordEvent(runtime, 'TaskStarted', { taskStartedEventDetails: details });
    }
    this.tokens.armDeadline(entry, deadline);
    const decision = this.tokens.decision(entry);
    try {
      if (!position.callback.lambdaInvoked && !entry.decision) {
        let submitted: Json;
        try {
          submitted = await this.invoke(runtime, functionName, payload);
        } catch (error) {
          if (!(error instanceof DetachedError)) {
            this.tokens.close(entry, 'CLOSED');
            this.executions.recordEvent(runtime, 'TaskFailed', {
              taskFailedEventDetails: { ...details, error: (error as Error).name, cause: (error as Error).message },
            });
            rotateToken();
          }
          throw error;
        }
        position.callback.lambdaInvoked = true;
        this.executions.persist(runtime);
        this.executions.recordEvent(runtime, 'TaskSubmitted', {
          taskSubmittedEventDetails: { ...details, output: JSON.stringify(submitted) },
        });
      }
      runtime.parked = true;
      this.executions.notify();
      const outcome = await raceAbort(decision, runtime.abort.signal);
      runtime.parked = false;
      switch (outcome.kind) {
        case 'success':
          return outcome.output;
        case 'failure':
          rotateToken();
          throw stateError(outcome.error, outcome.cause);
        case 'timeout':
          rotateToken();
          throw new TimeoutError();
      }
      throw new Error('unreachable: unknown decision');
    } finally {
      runtime.parked = false;
      this.tokens.release(entry);
    }
  }

  finish(
    runtime: ExecutionRuntime,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    result: { output?: Json; error?: string; cause?: string },
  ): void {
    const { record } = runtime;
    if (record.status !== 'RUNNING') return;
    runtime.timeoutAlarm?.cancel();
    runtime.timeoutAlarm = undefined;
    record.status = status;
    record.stopDate = new Date().toISOString();
    delete record.position;
    this.tokens.closeAllOf(record);
    if (status === 'SUCCEEDED') record.output = JSON.stringify(result.output ?? null);
    if (result.error !== undefined) record.error = result.error;
    if (result.cause !== undefined) record.cause = result.cause;
    this.executions.persist(runtime);
    const failure = {
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
    };
    switch (status) {
      case 'SUCCEEDED':
        this.executions.recordEvent(runtime, 'ExecutionSucceeded', {
          executionSucceededEventDetails: { output: record.output, outputDetails: { truncated: false } },
        });
        break;
      case 'FAILED':
        this.executions.recordEvent(runtime, 'ExecutionFailed', { executionFailedEventDetails: failure });
        break;
      case 'TIMED_OUT':
        this.executions.recordEvent(runtime, 'ExecutionTimedOut', { executionTimedOutEventDetails: failure });
        break;
      case 'ABORTED':
        this.executions.recordEvent(runtime, 'ExecutionAborted', { executionAbortedEventDetails: failure });
        break;
    }
  }
}

function invokeParameters(parameters: Json): { functionName: string; payload: Json } {
  const object = (typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? parameters : {}) as Record<
    string,
    Json
  >;
  const functionName = object.FunctionName;
  if (typeof functionName !== 'string' || !functionName) {
    throw stateError('States.Runtime', 'Parameters.FunctionName is required for lambda:invoke', { catchable: false });
  }
  return { functionName, payload: object.Payload ?? {} };
}

/** A Lambda task's TimeoutSeconds, which the engine enforces from the function's start (see invoke). */
function taskTimeout(info: StateInfo): number | undefined {
  const seconds = info.definition.TimeoutSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

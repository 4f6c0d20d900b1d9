/**
 * The local Step Functions engine: aws-local-stepfunctions runs the states, this class adds what
 * the library lacks — the callback pattern, AWS-shaped history, name idempotency, and durable
 * executions that resume after a crash at the state they were in.
 *
 * How: the engine walks the top level of a definition itself, one state per library run (see
 * `singleStepDefinition`), persisting the state name and input before each step. Task states at
 * every level are routed to `handleTask`, which invokes Lambdas through the injected invoker and,
 * for `.waitForTaskToken` states, mints a token, invokes the Lambda once, and waits for
 * SendTaskSuccess / SendTaskFailure / the deadline.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  compileDefinition,
  END_TRANSITION,
  isTransitionStub,
  singleStepDefinition,
  TRANSITION_PREFIX,
  type CompiledMachine,
  type Json,
  type StateInfo,
} from './definition';
import { SfnError } from './errors';
import { EngineStore, type ExecutionRecord, type ExecutionStatus, type Position, type StoredHistoryEvent, type TokenRecord } from './store';
import { alarmAt, sleepUntil, type Alarm } from './timers';

/** Invokes a Lambda function; a thrown error's `name` becomes the state's error (Retry/Catch). */
export type LambdaInvoker = (functionArn: string, payload: unknown) => Promise<unknown>;

/** Shortens durations for local runs: `seconds * scale`, then at most `maxSeconds`. */
export interface DurationScaling {
  scale?: number;
  maxSeconds?: number;
}

export interface LocalStepFunctionsOptions {
  invokeLambda: LambdaInvoker;
  /** Where executions, histories and state machines are kept; omit for a memory-only engine. */
  dataDir?: string;
  /** Applied to Wait states (e.g. the multi-day public-notice period in the demo). */
  waitScaling?: DurationScaling;
  /** Applied to callback TimeoutSeconds (e.g. to see approval timeouts in a test). */
  callbackTimeoutScaling?: DurationScaling;
  /** Replaces every Retry interval with this many milliseconds (tests). */
  retryIntervalMs?: number;
  /** For ARNs made up by the engine (state machines registered without one). */
  region?: string;
  accountId?: string;
  /** Engine problems that are not execution results (e.g. a definition gone missing on recover). */
  log?: (message: string) => void;
}

export interface RegisterStateMachineInput {
  name: string;
  arn?: string;
  /** ASL as JSON text or object, with substitutions already applied. */
  definition: string | object;
  roleArn?: string;
}

export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string;
  /** JSON text, as the API carries it; any other value is serialized for you. */
  input?: string | Json | object;
}

export interface StartExecutionOutput {
  executionArn: string;
  startDate: Date;
}

export interface DescribeExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  error?: string;
  cause?: string;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export interface DescribeStateMachineOutput {
  stateMachineArn: string;
  name: string;
  status: 'ACTIVE';
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  creationDate: Date;
}

/** A callback state waiting for a decision. */
export interface PendingTask {
  taskToken: string;
  executionArn: string;
  stateMachineArn: string;
  stateName: string;
  enteredAt: string;
  deadline?: Date;
  /** The Lambda was invoked (false only between entering the state and the Lambda returning). */
  lambdaInvoked: boolean;
}

type Decision = NonNullable<TokenRecord['decision']>;

interface TokenEntry {
  token: string;
  executionArn: string;
  record: TokenRecord;
  decision?: Decision;
  waiter?: (decision: Decision) => void;
  alarm?: Alarm;
}

interface RegisteredMachine {
  name: string;
  arn: string;
  definitionText: string;
  roleArn: string;
  creationDate: Date;
  compiled: CompiledMachine;
  retryOverrides: Record<string, number>;
}

interface ExecutionRuntime {
  record: ExecutionRecord;
  /**
   * The history, kept in memory only by an engine without a data dir. With one, the history lives
   * in its append-only file alone and is read back when asked for: holding every execution's
   * events (inputs and outputs of each state) in memory grew the local cloud by ~40 KB per
   * execution, and loading them all at boot read every file of a long-lived data dir.
   */
  history?: StoredHistoryEvent[];
  /** Id of the last event recorded; undefined until first needed for an execution loaded from disk. */
  lastEventId?: number;
  /** Aborted when the engine stops (reason STOPPED) or the execution ends early. */
  abort: AbortController;
  driving?: Promise<void>;
  /** Waiting for a decision or a Wait timer: nothing happens until something external does. */
  parked: boolean;
  timeoutAlarm?: Alarm;
  abortLibraryRun?: () => void;
}

interface StepContext {
  stateName: string;
  enteredAt: string;
  libraryContext: { Task: { Token?: string }; [key: string]: unknown };
  /** The persisted position when resuming after a restart; consumed by the first attempt. */
  resume?: Position;
}

const STOPPED = 'engine-stopped';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,1024}$/;
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const MAX_PAYLOAD_BYTES = 262_144;

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

function scaleSeconds(seconds: number, scaling: DurationScaling | undefined): number {
  const scaled = seconds * (scaling?.scale ?? 1);
  return scaling?.maxSeconds !== undefined ? Math.min(scaled, scaling.maxSeconds) : scaled;
}

let timeoutErrorClass: Promise<new () => Error> | undefined;

/**
 * The library treats its own `States.Timeout` error class specially (`States.TaskFailed` must not
 * match it) but does not export it; the engine enforces callback deadlines itself, so it borrows
 * the class from a 1 ms library timeout.
 */
function libraryTimeoutErrorClass(): Promise<new () => Error> {
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

export class LocalStepFunctions {
  private readonly machines = new Map<string, RegisteredMachine>();
  private readonly executions = new Map<string, ExecutionRuntime>();
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly waiters = new Set<() => void>();
  private readonly store: EngineStore;
  private readonly region: string;
  private readonly accountId: string;
  private stopped = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.store = new EngineStore(options.dataDir);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    for (const machine of this.store.loadStateMachines()) {
      try {
        this.addMachine(machine.name, machine.arn, machine.definition, machine.roleArn, new Date(machine.creationDate), false);
      } catch (error) {
        this.log(`stored state machine ${machine.arn} no longer compiles: ${(error as Error).message}`);
      }
    }
    for (const record of this.store.loadExecutions()) {
      this.executions.set(record.executionArn, {
        record,
        abort: new AbortController(),
        parked: false,
      });
      for (const [token, tokenRecord] of Object.entries(record.tokens)) {
        this.tokens.set(token, { token, executionArn: record.executionArn, record: tokenRecord, decision: tokenRecord.decision });
      }
    }
  }

  // ---------------------------------------------------------------- state machines

  registerStateMachine(input: RegisterStateMachineInput): { stateMachineArn: string } {
    const arn = input.arn ?? `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${input.name}`;
    const text = typeof input.definition === 'string' ? input.definition : JSON.stringify(input.definition, null, 2);
    const roleArn = input.roleArn ?? `arn:aws:iam::${this.accountId}:role/local-${input.name}`;
    const existing = this.machines.get(arn);
    const machine = this.addMachine(input.name, arn, text, roleArn, existing?.creationDate ?? new Date(), true);
    return { stateMachineArn: machine.arn };
  }

  describeStateMachine(input: { stateMachineArn: string }): DescribeStateMachineOutput {
    const machine = this.machine(input.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionText,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: machine.creationDate,
    };
  }

  listStateMachines(): { stateMachines: { stateMachineArn: string; name: string; type: 'STANDARD'; creationDate: Date }[] } {
    return {
      stateMachines: [...this.machines.values()].map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: 'STANDARD' as const,
        creationDate: m.creationDate,
      })),
    };
  }

  // ---------------------------------------------------------------- executions

  startExecution(input: StartExecutionInput): StartExecutionOutput {
    this.assertRunning();
    const machine = this.machine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = this.normalizeInput(input.input);
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: a repeated start of a RUNNING execution with the same input is a no-op returning it.
      if (existing.record.status === 'RUNNING' && sameJson(existing.record.input, inputText)) {
        return { executionArn, startDate: new Date(existing.record.startDate) };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input: inputText,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      tokens: {},
    };
    const runtime: ExecutionRuntime = {
      record,
      ...(this.store.dataDir ? {} : { history: [] }),
      lastEventId: 0,
      abort: new AbortController(),
      parked: false,
    };
    this.executions.set(executionArn, runtime);
    this.persist(runtime);
    this.recordEvent(runtime, 'ExecutionStarted', {
      executionStartedEventDetails: { input: inputText, inputDetails: { truncated: false }, roleArn: machine.roleArn },
    });
    this.launch(runtime, machine, machine.compiled.definition.StartAt, JSON.parse(inputText) as Json);
    return { executionArn, startDate: new Date(record.startDate) };
  }

  /** Ends a running execution as ABORTED (StopExecution). */
  stopExecution(input: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const runtime = this.execution(input.executionArn);
    if (runtime.record.status === 'RUNNING') {
      this.detach(runtime, 'aborted');
      this.finish(runtime, 'ABORTED', { error: input.error, cause: input.cause });
    }
    return { stopDate: new Date(runtime.record.stopDate ?? Date.now()) };
  }

  describeExecution(input: { executionArn: string }): DescribeExecutionOutput {
    const { record } = this.execution(input.executionArn);
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: new Date(record.startDate),
      ...(record.stopDate ? { stopDate: new Date(record.stopDate) } : {}),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
    };
  }

  listExecutions(input: { stateMachineArn?: string; statusFilter?: ExecutionStatus; maxResults?: number; nextToken?: string } = {}): {
    executions: ExecutionListItem[];
    nextToken?: string;
  } {
    if (input.stateMachineArn) this.machine(input.stateMachineArn);
    const all = [...this.executions.values()]
      .map((rt) => rt.record)
      .filter(
        (r) =>
          (!input.stateMachineArn || r.stateMachineArn === input.stateMachineArn) &&
          (!input.statusFilter || r.status === input.statusFilter),
      )
      .sort((a, b) => b.startDate.localeCompare(a.startDate) || b.executionArn.localeCompare(a.executionArn));
    const { page, nextToken } = paginate(all, input.maxResults, input.nextToken, 1000);
    return {
      executions: page.map((r) => ({
        executionArn: r.executionArn,
        stateMachineArn: r.stateMachineArn,
        name: r.name,
        status: r.status,
        startDate: new Date(r.startDate),
        ...(r.stopDate ? { stopDate: new Date(r.stopDate) } : {}),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  getExecutionHistory(input: {
    executionArn: string;
    maxResults?: number;
    reverseOrder?: boolean;
    nextToken?: string;
    includeExecutionData?: boolean;
  }): {
    events: HistoryEvent[];
    nextToken?: string;
  } {
    const runtime = this.execution(input.executionArn);
    const history = runtime.history ? [...runtime.history] : this.store.loadHistory(runtime.record.executionArn);
    const ordered = input.reverseOrder ? history.reverse() : history;
    const { page, nextToken } = paginate(ordered, input.maxResults, input.nextToken, 1000);
    return {
      events: page.map((event) => ({ ...structuredClone(event), timestamp: new Date(event.timestamp) })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  // ---------------------------------------------------------------- callbacks

  sendTaskSuccess(input: { taskToken: string; output: string }): Record<string, never> {
    const entry = this.pendingToken(input.taskToken);
    let output: Json;
    try {
      output = JSON.parse(input.output) as Json;
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    if (Buffer.byteLength(input.output) > MAX_PAYLOAD_BYTES) throw new SfnError('InvalidOutput', 'Output exceeds 256 KiB');
    this.decide(entry, 'SUCCEEDED', { kind: 'success', output }, 'TaskSucceeded', {
      taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: input.output },
    });
    return {};
  }

  sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Record<string, never> {
    const entry = this.pendingToken(input.taskToken);
    const error = input.error ?? 'States.TaskFailed';
    const cause = input.cause ?? '';
    this.decide(entry, 'FAILED', { kind: 'failure', error, cause }, 'TaskFailed', {
      taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error, cause },
    });
    return {};
  }

  /** Accepted for a pending task (HeartbeatSeconds is not enforced locally). */
  sendTaskHeartbeat(input: { taskToken: string }): Record<string, never> {
    this.pendingToken(input.taskToken);
    return {};
  }

  /** Callback states currently waiting for a decision (tokens included: this is the local operator's view). */
  pendingTasks(filter: { executionArn?: string; stateName?: string } = {}): PendingTask[] {
    const out: PendingTask[] = [];
    for (const runtime of this.executions.values()) {
      const { record } = runtime;
      const callback = record.position?.callback;
      if (record.status !== 'RUNNING' || !callback || record.tokens[callback.token]?.status !== 'PENDING') continue;
      if (filter.executionArn && filter.executionArn !== record.executionArn) continue;
      if (filter.stateName && filter.stateName !== record.position?.stateName) continue;
      out.push({
        taskToken: callback.token,
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        stateName: record.position!.stateName,
        enteredAt: record.position!.enteredAt,
        ...(callback.deadline !== undefined ? { deadline: new Date(callback.deadline) } : {}),
        lambdaInvoked: callback.lambdaInvoked,
      });
    }
    return out;
  }

  /** Where a RUNNING execution is (the local operator's view; AWS shows this only through history). */
  describePosition(input: {
    executionArn: string;
  }): { stateName: string; enteredAt: string; waitUntil?: Date; taskToken?: string } | undefined {
    const { record } = this.execution(input.executionArn);
    const position = record.status === 'RUNNING' ? record.position : undefined;
    if (!position) return undefined;
    return {
      stateName: position.stateName,
      enteredAt: position.enteredAt,
      ...(position.waitUntil !== undefined ? { waitUntil: new Date(position.waitUntil) } : {}),
      ...(position.callback ? { taskToken: position.callback.token } : {}),
    };
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Resumes every RUNNING execution found in the data directory at the top-level state it was in:
   * a callback keeps its token and deadline and its Lambda is not invoked again; a Wait keeps its
   * end time; any other state runs again (at least once, as AWS retries). Register the state
   * machines first (their stored copies are used otherwise).
   */
  async recover(): Promise<{ resumed: string[] }> {
    this.assertRunning();
    await libraryTimeoutErrorClass();
    const resumed: string[] = [];
    for (const runtime of this.executions.values()) {
      const { record } = runtime;
      if (record.status !== 'RUNNING' || runtime.driving) continue;
      const machine = this.machines.get(record.stateMachineArn);
      if (!machine) {
        this.log(`cannot resume ${record.executionArn}: state machine ${record.stateMachineArn} is not registered`);
        continue;
      }
      const position = record.position;
      if (position && !machine.compiled.states.has(position.stateName)) {
        this.log(`cannot resume ${record.executionArn}: state ${position.stateName} no longer exists`);
        continue;
      }
      if (position) this.launch(runtime, machine, position.stateName, position.stateInput, position);
      else this.launch(runtime, machine, machine.compiled.definition.StartAt, JSON.parse(record.input) as Json);
      resumed.push(record.executionArn);
    }
    return { resumed };
  }

  /** Stops every run and timer; executions stay RUNNING on disk for a later `recover()`. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const driving: Promise<void>[] = [];
    for (const runtime of this.executions.values()) {
      this.detach(runtime, STOPPED);
      if (runtime.driving) driving.push(runtime.driving);
    }
    for (const entry of this.tokens.values()) {
      entry.alarm?.cancel();
      entry.alarm = undefined;
    }
    await Promise.allSettled(driving);
    this.notify();
  }

  /** Resolves when every execution is finished or parked (waiting for a decision or a Wait timer). */
  idle(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.until(
      () => [...this.executions.values()].every((rt) => rt.record.status !== 'RUNNING' || rt.parked || !rt.driving),
      'the engine to become idle',
      options.timeoutMs,
    ).then(() => undefined);
  }

  /** Resolves with the execution once `predicate` holds (default: it is no longer RUNNING). */
  waitForExecution(
    executionArn: string,
    predicate: (execution: DescribeExecutionOutput) => boolean = (e) => e.status !== 'RUNNING',
    options: { timeoutMs?: number } = {},
  ): Promise<DescribeExecutionOutput> {
    return this.until(
      () => {
        const execution = this.describeExecution({ executionArn });
        return predicate(execution) ? execution : undefined;
      },
      `execution ${executionArn}`,
      options.timeoutMs,
    );
  }

  /** Resolves with the first pending callback task matching the filter. */
  waitForPendingTask(
    filter: { executionArn?: string; stateName?: string } = {},
    options: { timeoutMs?: number } = {},
  ): Promise<PendingTask> {
    return this.until(
      () => this.pendingTasks(filter).find((t) => t.lambdaInvoked),
      `a pending task ${JSON.stringify(filter)}`,
      options.timeoutMs,
    );
  }

  // ---------------------------------------------------------------- internals: machines

  private addMachine(name: string, arn: string, text: string, roleArn: string, creationDate: Date, persist: boolean): RegisteredMachine {
    if (!/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    const compiled = compileDefinition(text);
    const retryOverrides: Record<string, number> = {};
    if (this.options.retryIntervalMs !== undefined) {
      for (const info of compiled.states.values()) {
        if ('Retry' in info.definition) retryOverrides[info.name] = this.options.retryIntervalMs;
      }
    }
    const machine: RegisteredMachine = { name, arn, definitionText: text, roleArn, creationDate, compiled, retryOverrides };
    this.machines.set(arn, machine);
    if (persist) this.store.saveStateMachine({ name, arn, definition: text, roleArn, creationDate: creationDate.toISOString() });
    return machine;
  }

  private machine(arn: string): RegisteredMachine {
    const machine = this.machines.get(arn);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: string): ExecutionRuntime {
    const runtime = this.executions.get(arn);
    if (!runtime) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return runtime;
  }

  private normalizeInput(input: StartExecutionInput['input']): string {
    let text: string;
    if (input === undefined) text = '{}';
    else if (typeof input === 'string') {
      try {
        JSON.parse(input);
      } catch {
        throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
      }
      text = input;
    } else text = JSON.stringify(input);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw new SfnError('InvalidExecutionInput', 'Execution input exceeds 256 KiB');
    return text;
  }

  // ---------------------------------------------------------------- internals: running

  private launch(runtime: ExecutionRuntime, machine: RegisteredMachine, stateName: string, input: Json, resume?: Position): void {
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
        this.notify();
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
  private detach(runtime: ExecutionRuntime, reason: string): void {
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
        this.persist(runtime);
        this.recordEvent(runtime, `${info.type}StateEntered`, {
          stateEnteredEventDetails: { name: stateName, input: JSON.stringify(input) },
        });
        if (info.type === 'Map' || info.type === 'Parallel') this.recordEvent(runtime, `${info.type}StateStarted`, {});
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
        if (info.type === 'Map' || info.type === 'Parallel') this.recordEvent(runtime, `${info.type}StateFailed`, {});
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
        this.notify();
        try {
          await sleepUntil(waitUntil, signal);
        } catch {
          return;
        } finally {
          runtime.parked = false;
        }
      }
      if (info.type === 'Map' || info.type === 'Parallel') this.recordEvent(runtime, `${info.type}StateSucceeded`, {});
      this.recordEvent(runtime, `${info.type}StateExited`, {
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
          this.recordEvent(runtime, `${type}StateEntered`, {
            stateEnteredEventDetails: { name, input: JSON.stringify(event.state.input ?? null) },
          });
        } else {
          this.recordEvent(runtime, `${type}StateExited`, {
            stateExitedEventDetails: { name, output: JSON.stringify(event.state.output ?? null) },
          });
        }
      } else if (event.type.startsWith('MapIteration') && event.parentState) {
        const key = `${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`;
        this.recordEvent(runtime, event.type, { [key]: { name: event.parentState.name, index: event.index ?? 0 } });
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
        return this.runLambdaInvoke(runtime, payload);
      default:
        throw stateError('States.Runtime', `State ${stateName} is not a task the local engine can run`, { catchable: false });
    }
  }

  private async invoke(runtime: ExecutionRuntime, functionArn: string, payload: unknown): Promise<Json> {
    try {
      const result = await raceAbort(
        Promise.resolve().then(() => this.options.invokeLambda(functionArn, structuredClone(payload))),
        runtime.abort.signal,
      );
      return toJson(result);
    } catch (error) {
      throw lambdaError(error);
    }
  }

  private async runLambda(runtime: ExecutionRuntime, info: StateInfo, payload: Json): Promise<Json> {
    const timeoutInSeconds = info.definition.TimeoutSeconds;
    this.recordEvent(runtime, 'LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: {
        resource: info.resource,
        input: JSON.stringify(payload),
        ...(typeof timeoutInSeconds === 'number' ? { timeoutInSeconds } : {}),
      },
    });
    this.recordEvent(runtime, 'LambdaFunctionStarted', {});
    try {
      const output = await this.invoke(runtime, info.resource!, payload);
      this.recordEvent(runtime, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: JSON.stringify(output) } });
      return output;
    } catch (error) {
      if (!(error instanceof DetachedError)) {
        this.recordEvent(runtime, 'LambdaFunctionFailed', {
          lambdaFunctionFailedEventDetails: { error: (error as Error).name, cause: (error as Error).message },
        });
      }
      throw error;
    }
  }

  private async runLambdaInvoke(runtime: ExecutionRuntime, parameters: Json): Promise<Json> {
    const { functionName, payload } = invokeParameters(parameters);
    const details = { resourceType: 'lambda', resource: 'invoke' };
    this.recordEvent(runtime, 'TaskScheduled', {
      taskScheduledEventDetails: { ...details, region: this.region, parameters: JSON.stringify(parameters) },
    });
    this.recordEvent(runtime, 'TaskStarted', { taskStartedEventDetails: details });
    try {
      const output = await this.invoke(runtime, functionName, payload);
      const result: Json = { ExecutedVersion: '$LATEST', Payload: output, StatusCode: 200 };
      this.recordEvent(runtime, 'TaskSucceeded', { taskSucceededEventDetails: { ...details, output: JSON.stringify(result) } });
      return result;
    } catch (error) {
      if (!(error instanceof DetachedError)) {
        this.recordEvent(runtime, 'TaskFailed', {
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
      this.persist(runtime);
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
    const entry: TokenEntry = this.tokens.get(token) ?? { token, executionArn: runtime.record.executionArn, record: tokenRecord };
    entry.record = tokenRecord;
    this.tokens.set(token, entry);
    this.persist(runtime);
    const rotateToken = () => {
      // A retried callback gets a new token, as on AWS.
      step.libraryContext.Task.Token = mintToken();
    };
    if (!resumed) {
      this.recordEvent(runtime, 'TaskScheduled', {
        taskScheduledEventDetails: {
          ...details,
          region: this.region,
          parameters: JSON.stringify(parameters),
          ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
        },
      });
      this.recordEvent(runtime, 'TaskStarted', { taskStartedEventDetails: details });
    }
    if (deadline !== undefined && tokenRecord.status === 'PENDING') {
      entry.alarm = alarmAt(deadline, () => this.timeOut(entry));
    }
    const decision = new Promise<Decision>((resolve) => {
      if (entry.decision) resolve(entry.decision);
      else entry.waiter = resolve;
    });
    try {
      if (!position.callback.lambdaInvoked && !entry.decision) {
        let submitted: Json;
        try {
          submitted = await this.invoke(runtime, functionName, payload);
        } catch (error) {
          if (!(error instanceof DetachedError)) {
            this.closeToken(entry, 'CLOSED');
            this.recordEvent(runtime, 'TaskFailed', {
              taskFailedEventDetails: { ...details, error: (error as Error).name, cause: (error as Error).message },
            });
            rotateToken();
          }
          throw error;
        }
        position.callback.lambdaInvoked = true;
        this.persist(runtime);
        this.recordEvent(runtime, 'TaskSubmitted', { taskSubmittedEventDetails: { ...details, output: JSON.stringify(submitted) } });
      }
      runtime.parked = true;
      this.notify();
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
      entry.waiter = undefined;
      if (entry.record.status !== 'PENDING') {
        entry.alarm?.cancel();
        entry.alarm = undefined;
      }
    }
  }

  // ---------------------------------------------------------------- internals: tokens

  private pendingToken(token: string): TokenEntry {
    this.assertRunning();
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) throw new SfnError('InvalidToken', 'Invalid token');
    const entry = this.tokens.get(token);
    if (!entry) throw new SfnError('TaskDoesNotExist', 'Task does not exist');
    if (entry.record.status === 'PENDING' && entry.record.deadline !== undefined && Date.now() >= entry.record.deadline)
      this.timeOut(entry);
    if (entry.record.status === 'TIMED_OUT') throw new SfnError('TaskTimedOut', 'Task Timed Out');
    if (entry.record.status !== 'PENDING') throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
    return entry;
  }

  private decide(
    entry: TokenEntry,
    status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT',
    decision: Decision,
    eventType: string,
    details: Record<string, unknown>,
  ): void {
    const runtime = this.executions.get(entry.executionArn)!;
    entry.record.decision = decision;
    this.closeToken(entry, status);
    this.recordEvent(runtime, eventType, details);
    entry.decision = decision;
    entry.waiter?.(decision);
  }

  private timeOut(entry: TokenEntry): void {
    if (entry.record.status !== 'PENDING') return;
    this.decide(entry, 'TIMED_OUT', { kind: 'timeout' }, 'TaskTimedOut', {
      taskTimedOutEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke.waitForTaskToken',
        error: 'States.Timeout',
        cause: 'The task did not receive a decision before TimeoutSeconds',
      },
    });
  }

  private closeToken(entry: TokenEntry, status: TokenRecord['status']): void {
    entry.record.status = status;
    entry.alarm?.cancel();
    entry.alarm = undefined;
    const runtime = this.executions.get(entry.executionArn);
    if (runtime) this.persist(runtime);
  }

  // ---------------------------------------------------------------- internals: records

  private finish(
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
    for (const [token, tokenRecord] of Object.entries(record.tokens)) {
      if (tokenRecord.status !== 'PENDING') continue;
      tokenRecord.status = 'CLOSED';
      const entry = this.tokens.get(token);
      entry?.alarm?.cancel();
      if (entry) entry.alarm = undefined;
    }
    if (status === 'SUCCEEDED') record.output = JSON.stringify(result.output ?? null);
    if (result.error !== undefined) record.error = result.error;
    if (result.cause !== undefined) record.cause = result.cause;
    this.persist(runtime);
    const failure = {
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
    };
    switch (status) {
      case 'SUCCEEDED':
        this.recordEvent(runtime, 'ExecutionSucceeded', {
          executionSucceededEventDetails: { output: record.output, outputDetails: { truncated: false } },
        });
        break;
      case 'FAILED':
        this.recordEvent(runtime, 'ExecutionFailed', { executionFailedEventDetails: failure });
        break;
      case 'TIMED_OUT':
        this.recordEvent(runtime, 'ExecutionTimedOut', { executionTimedOutEventDetails: failure });
        break;
      case 'ABORTED':
        this.recordEvent(runtime, 'ExecutionAborted', { executionAbortedEventDetails: failure });
        break;
    }
  }

  private persist(runtime: ExecutionRuntime): void {
    this.store.saveExecution(runtime.record);
  }

  private recordEvent(runtime: ExecutionRuntime, type: string, details: Record<string, unknown>): void {
    // an execution loaded from disk reads its file once, at its first new event (which also seals
    // a line torn by a kill before anything is appended after it)
    const lastId = (runtime.lastEventId ??= this.store.loadHistory(runtime.record.executionArn).at(-1)?.id ?? 0);
    const event: StoredHistoryEvent = { ...details, id: lastId + 1, previousEventId: lastId, timestamp: Date.now(), type };
    runtime.lastEventId = event.id;
    runtime.history?.push(event);
    this.store.appendHistory(runtime.record.executionArn, event);
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private until<T>(check: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = () => {
        let value: T | undefined | false;
        try {
          value = check();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value !== undefined && value !== false) {
          cleanup();
          resolve(value);
        } else if (this.stopped) {
          cleanup();
          reject(new Error(`Engine stopped while waiting for ${what}`));
        }
      };
      const cleanup = () => {
        this.waiters.delete(waiter);
        if (timer) clearTimeout(timer);
      };
      this.waiters.add(waiter);
      timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      waiter();
    });
  }

  private assertRunning(): void {
    if (this.stopped) throw new Error('The local Step Functions engine is stopped');
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => console.warn(`[stepfunctions] ${m}`)))(message);
  }
}

function mintToken(): string {
  // Opaque and unguessable, like AWS's; base64url so it travels in JSON and URLs unchanged.
  return randomBytes(48).toString('base64url');
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

function sameJson(a: string, b: string): boolean {
  return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
}

function paginate<T>(
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  limit: number,
): { page: T[]; nextToken?: string } {
  const size = maxResults && maxResults > 0 ? Math.min(maxResults, limit) : limit;
  let offset = 0;
  if (nextToken) {
    offset = Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(offset) || offset < 0) throw new SfnError('InvalidToken', 'Invalid pagination token');
  }
  const page = items.slice(offset, offset + size);
  const more = offset + size < items.length;
  return { page, ...(more ? { nextToken: Buffer.from(String(offset + size)).toString('base64url') } : {}) };
}

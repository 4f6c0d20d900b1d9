/**
 * The local Step Functions engine's API surface: the AWS operations (state machines, executions,
 * history, SendTask*) and the operator and test helpers beyond them (pendingTasks, idle, waits,
 * recover, stop). aws-local-stepfunctions runs the states; what the library lacks — the callback
 * pattern, AWS-shaped history, name idempotency, and durable executions that resume after a crash
 * at the state they were in — lives beside this file: the execution driver (driver.ts), the
 * task-token bookkeeping (tokens.ts) and the records they share (executions.ts).
 */
import { randomUUID } from 'node:crypto';
import { compileDefinition, type Json } from './definition';
import { ExecutionDriver, libraryTimeoutErrorClass, STOPPED } from './driver';
import { SfnError } from './errors';
import {
  Executions,
  MAX_PAYLOAD_BYTES,
  type DurationScaling,
  type ExecutionRuntime,
  type LambdaInvoker,
  type RegisteredMachine,
} from './executions';
import { EngineStore, type ExecutionRecord, type ExecutionStatus, type StoredHistoryEvent } from './store';
import { TaskTokens } from './tokens';

export type { DurationScaling, LambdaInvoker } from './executions';

const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

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

export class LocalStepFunctions {
  private readonly machines = new Map<string, RegisteredMachine>();
  private readonly executions: Executions;
  private readonly tokens: TaskTokens;
  private readonly driver: ExecutionDriver;
  private readonly store: EngineStore;
  private readonly region: string;
  private readonly accountId: string;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.store = new EngineStore(options.dataDir);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.executions = new Executions(this.store);
    this.tokens = new TaskTokens(this.executions);
    this.driver = new ExecutionDriver(this.executions, this.tokens, {
      invokeLambda: options.invokeLambda,
      waitScaling: options.waitScaling,
      callbackTimeoutScaling: options.callbackTimeoutScaling,
      region: this.region,
    });
    for (const machine of this.store.loadStateMachines()) {
      try {
        this.addMachine(machine.name, machine.arn, machine.definition, machine.roleArn, new Date(machine.creationDate), false);
      } catch (error) {
        this.log(`stored state machine ${machine.arn} no longer compiles: ${(error as Error).message}`);
      }
    }
    for (const record of this.store.loadExecutions()) {
      this.executions.byArn.set(record.executionArn, {
        record,
        abort: new AbortController(),
        parked: false,
      });
      this.tokens.load(record);
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
    this.executions.assertRunning();
    const machine = this.machine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = this.normalizeInput(input.input);
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.byArn.get(executionArn);
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
    this.executions.byArn.set(executionArn, runtime);
    this.executions.persist(runtime);
    this.executions.recordEvent(runtime, 'ExecutionStarted', {
      executionStartedEventDetails: { input: inputText, inputDetails: { truncated: false }, roleArn: machine.roleArn },
    });
    this.driver.launch(runtime, machine, machine.compiled.definition.StartAt, JSON.parse(inputText) as Json);
    return { executionArn, startDate: new Date(record.startDate) };
  }

  /** Ends a running execution as ABORTED (StopExecution). */
  stopExecution(input: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const runtime = this.executions.get(input.executionArn);
    if (runtime.record.status === 'RUNNING') {
      this.driver.detach(runtime, 'aborted');
      this.driver.finish(runtime, 'ABORTED', { error: input.error, cause: input.cause });
    }
    return { stopDate: new Date(runtime.record.stopDate ?? Date.now()) };
  }

  describeExecution(input: { executionArn: string }): DescribeExecutionOutput {
    const { record } = this.executions.get(input.executionArn);
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
    const all = [...this.executions.byArn.values()]
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
    const runtime = this.executions.get(input.executionArn);
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
    const entry = this.tokens.pending(input.taskToken);
    let output: Json;
    try {
      output = JSON.parse(input.output) as Json;
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    if (Buffer.byteLength(input.output) > MAX_PAYLOAD_BYTES) throw new SfnError('InvalidOutput', 'Output exceeds 256 KiB');
    this.tokens.decide(entry, 'SUCCEEDED', { kind: 'success', output }, 'TaskSucceeded', {
      taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: input.output },
    });
    return {};
  }

  sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Record<string, never> {
    const entry = this.tokens.pending(input.taskToken);
    const error = input.error ?? 'States.TaskFailed';
    const cause = input.cause ?? '';
    this.tokens.decide(entry, 'FAILED', { kind: 'failure', error, cause }, 'TaskFailed', {
      taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error, cause },
    });
    return {};
  }

  /** Accepted for a pending task (HeartbeatSeconds is not enforced locally). */
  sendTaskHeartbeat(input: { taskToken: string }): Record<string, never> {
    this.tokens.pending(input.taskToken);
    return {};
  }

  /** Callback states currently waiting for a decision (tokens included: this is the local operator's view). */
  pendingTasks(filter: { executionArn?: string; stateName?: string } = {}): PendingTask[] {
    const out: PendingTask[] = [];
    for (const runtime of this.executions.byArn.values()) {
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
    const { record } = this.executions.get(input.executionArn);
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
    this.executions.assertRunning();
    await libraryTimeoutErrorClass();
    const resumed: string[] = [];
    for (const runtime of this.executions.byArn.values()) {
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
      if (position) this.driver.launch(runtime, machine, position.stateName, position.stateInput, position);
      else this.driver.launch(runtime, machine, machine.compiled.definition.StartAt, JSON.parse(record.input) as Json);
      resumed.push(record.executionArn);
    }
    return { resumed };
  }

  /** Stops every run and timer; executions stay RUNNING on disk for a later `recover()`. */
  async stop(): Promise<void> {
    if (this.executions.stopped) return;
    this.executions.stopped = true;
    const driving: Promise<void>[] = [];
    for (const runtime of this.executions.byArn.values()) {
      this.driver.detach(runtime, STOPPED);
      if (runtime.driving) driving.push(runtime.driving);
    }
    this.tokens.cancelAllAlarms();
    await Promise.allSettled(driving);
    this.executions.notify();
  }

  /** Resolves when every execution is finished or parked (waiting for a decision or a Wait timer). */
  idle(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.until(
      () => [...this.executions.byArn.values()].every((rt) => rt.record.status !== 'RUNNING' || rt.parked || !rt.driving),
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
        } else if (this.executions.stopped) {
          cleanup();
          reject(new Error(`Engine stopped while waiting for ${what}`));
        }
      };
      const cleanup = () => {
        this.executions.waiters.delete(waiter);
        if (timer) clearTimeout(timer);
      };
      this.executions.waiters.add(waiter);
      timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      waiter();
    });
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => console.warn(`[stepfunctions] ${m}`)))(message);
  }
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

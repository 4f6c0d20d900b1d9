/**
 * What the engine's three parts share: the executions in memory, their durable records and
 * histories (through `EngineStore`), and the waiters woken on every change. The API surface
 * (engine.ts), the execution driver (driver.ts) and the task-token bookkeeping (tokens.ts) all
 * record through this one object, so a history has one writer and one event numbering.
 */
import type { CompiledMachine, Json } from './definition';
import { SfnError } from './errors';
import type { EngineStore, ExecutionRecord, StoredHistoryEvent, TokenRecord } from './store';
import type { Alarm } from './timers';

export const MAX_PAYLOAD_BYTES = 262_144;

/** Invokes a Lambda function; a thrown error's `name` becomes the state's error (Retry/Catch). */
/**
 * Invokes a function for a task. `hooks.started` is called when the function starts running (after
 * any wait for a local invocation slot): a task's TimeoutSeconds counts from there.
 */
export type LambdaInvoker = (functionArn: string, payload: unknown, hooks?: { started?: () => void }) => Promise<unknown>;

/** Shortens durations for local runs: `seconds * scale`, then at most `maxSeconds`. */
export interface DurationScaling {
  scale?: number;
  maxSeconds?: number;
}

export function scaleSeconds(seconds: number, scaling: DurationScaling | undefined): number {
  const scaled = seconds * (scaling?.scale ?? 1);
  return scaling?.maxSeconds !== undefined ? Math.min(scaled, scaling.maxSeconds) : scaled;
}

export type Decision = NonNullable<TokenRecord['decision']>;

export interface TokenEntry {
  token: string;
  executionArn: string;
  record: TokenRecord;
  decision?: Decision;
  waiter?: (decision: Decision) => void;
  alarm?: Alarm;
}

export interface RegisteredMachine {
  name: string;
  arn: string;
  definitionText: string;
  roleArn: string;
  creationDate: Date;
  compiled: CompiledMachine;
  retryOverrides: Record<string, number>;
}

export interface ExecutionRuntime {
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

export class Executions {
  readonly byArn = new Map<string, ExecutionRuntime>();
  readonly waiters = new Set<() => void>();
  stopped = false;

  constructor(readonly store: EngineStore) {}

  get(arn: string): ExecutionRuntime {
    const runtime = this.byArn.get(arn);
    if (!runtime) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return runtime;
  }

  persist(runtime: ExecutionRuntime): void {
    this.store.saveExecution(runtime.record);
  }

  recordEvent(runtime: ExecutionRuntime, type: string, details: Record<string, unknown>): void {
    // an execution loaded from disk reads its file once, at its first new event (which also seals
    // a line torn by a kill before anything is appended after it)
    const lastId = (runtime.lastEventId ??= this.store.loadHistory(runtime.record.executionArn).at(-1)?.id ?? 0);
    const event: StoredHistoryEvent = { ...details, id: lastId + 1, previousEventId: lastId, timestamp: Date.now(), type };
    runtime.lastEventId = event.id;
    runtime.history?.push(event);
    this.store.appendHistory(runtime.record.executionArn, event);
    this.notify();
  }

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  assertRunning(): void {
    if (this.stopped) throw new Error('The local Step Functions engine is stopped');
  }
}

export type { Json };

/**
 * Durable state of the local engine: one JSON file per execution (rewritten atomically with
 * tmp + rename, so a SIGKILL leaves either the old or the new record, never half of one) and one
 * append-only JSON-lines history per execution (a torn last line is skipped on load).
 * No fsync: the point is surviving a killed process, not a power cut, and page cache survives that.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from './definition';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export type TokenStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CLOSED';

/** A task token handed out by a callback state, and what became of it. */
export interface TokenRecord {
  stateName: string;
  status: TokenStatus;
  /** Epoch ms after which the task counts as timed out; absent when the state has no timeout. */
  deadline?: number;
  /** The decision, kept so an execution that crashed right after it still proceeds on resume. */
  decision?: { kind: 'success'; output: Json } | { kind: 'failure'; error: string; cause: string } | { kind: 'timeout' };
}

/** Where a RUNNING execution is: the top-level state it entered and that state's input. */
export interface Position {
  stateName: string;
  stateInput: Json;
  enteredAt: string;
  callback?: {
    token: string;
    /** TimeoutSeconds as written in the definition (before local scaling). */
    timeoutSeconds?: number;
    deadline?: number;
    /** The callback Lambda returned; on resume it is not invoked again. */
    lambdaInvoked: boolean;
  };
  /** Epoch ms a top-level Wait state ends (already scaled). */
  waitUntil?: number;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  position?: Position;
  tokens: Record<string, TokenRecord>;
}

export interface StoredHistoryEvent {
  id: number;
  previousEventId: number;
  /** Epoch ms. */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export interface StateMachineRecord {
  name: string;
  arn: string;
  definition: string;
  roleArn: string;
  creationDate: string;
}

function fileKey(arn: string): string {
  return createHash('sha256').update(arn).digest('hex').slice(0, 40);
}

function writeAtomically(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

function readJsonFiles<T>(dir: string): T[] {
  const out: T[] = [];
  for (const entry of readdirSync(dir)) {
    if (!entry.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, entry), 'utf8')) as T);
    } catch {
      // A file that does not parse cannot have been written by writeAtomically; skip it.
    }
  }
  return out;
}

/** Persists to `dataDir`, or keeps nothing when `dataDir` is undefined (in-memory engine). */
export class EngineStore {
  private readonly executionsDir?: string;
  private readonly historyDir?: string;
  private readonly machinesDir?: string;

  constructor(readonly dataDir?: string) {
    if (!dataDir) return;
    this.executionsDir = join(dataDir, 'executions');
    this.historyDir = join(dataDir, 'history');
    this.machinesDir = join(dataDir, 'state-machines');
    for (const dir of [this.executionsDir, this.historyDir, this.machinesDir]) mkdirSync(dir, { recursive: true });
  }

  saveExecution(record: ExecutionRecord): void {
    if (!this.executionsDir) return;
    writeAtomically(join(this.executionsDir, `${fileKey(record.executionArn)}.json`), JSON.stringify(record));
  }

  loadExecutions(): ExecutionRecord[] {
    return this.executionsDir ? readJsonFiles<ExecutionRecord>(this.executionsDir) : [];
  }

  appendHistory(executionArn: string, event: StoredHistoryEvent): void {
    if (!this.historyDir) return;
    appendFileSync(join(this.historyDir, `${fileKey(executionArn)}.jsonl`), `${JSON.stringify(event)}\n`);
  }

  loadHistory(executionArn: string): StoredHistoryEvent[] {
    if (!this.historyDir) return [];
    let text: string;
    try {
      text = readFileSync(join(this.historyDir, `${fileKey(executionArn)}.jsonl`), 'utf8');
    } catch {
      return [];
    }
    if (text && !text.endsWith('\n')) {
      // Seal a line torn by a kill so the next append starts on a line of its own.
      appendFileSync(join(this.historyDir, `${fileKey(executionArn)}.jsonl`), '\n');
    }
    const events: StoredHistoryEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as StoredHistoryEvent);
      } catch {
        // torn write at the moment of a kill
      }
    }
    return events;
  }

  saveStateMachine(record: StateMachineRecord): void {
    if (!this.machinesDir) return;
    writeAtomically(join(this.machinesDir, `${fileKey(record.arn)}.json`), JSON.stringify(record));
  }

  loadStateMachines(): StateMachineRecord[] {
    return this.machinesDir ? readJsonFiles<StateMachineRecord>(this.machinesDir) : [];
  }
}

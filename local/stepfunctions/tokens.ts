/**
 * Task-token bookkeeping for callback (`.waitForTaskToken`) states: minting tokens, their durable
 * records and deadlines, and deciding them (SendTaskSuccess, SendTaskFailure, timeout). A decision
 * is recorded before the waiting state hears of it, so an execution that crashes right after a
 * decision still proceeds on resume.
 */
import { randomBytes } from 'node:crypto';
import { SfnError } from './errors';
import type { Decision, ExecutionRuntime, Executions, TokenEntry } from './executions';
import type { ExecutionRecord, TokenRecord } from './store';
import { alarmAt } from './timers';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,1024}$/;

export function mintToken(): string {
  // Opaque and unguessable, like AWS's; base64url so it travels in JSON and URLs unchanged.
  return randomBytes(48).toString('base64url');
}

export class TaskTokens {
  private readonly entries = new Map<string, TokenEntry>();

  constructor(private readonly executions: Executions) {}

  /** Takes in the tokens of an execution loaded from disk. */
  load(record: ExecutionRecord): void {
    for (const [token, tokenRecord] of Object.entries(record.tokens)) {
      this.entries.set(token, { token, executionArn: record.executionArn, record: tokenRecord, decision: tokenRecord.decision });
    }
  }

  /** The entry of a token a callback state holds (a resumed one keeps its entry and any decision). */
  open(runtime: ExecutionRuntime, token: string, tokenRecord: TokenRecord): TokenEntry {
    const entry: TokenEntry = this.entries.get(token) ?? { token, executionArn: runtime.record.executionArn, record: tokenRecord };
    entry.record = tokenRecord;
    this.entries.set(token, entry);
    return entry;
  }

  /** Arms the entry's deadline, if it has one and is still undecided. */
  armDeadline(entry: TokenEntry, deadline: number | undefined): void {
    if (deadline !== undefined && entry.record.status === 'PENDING') {
      entry.alarm = alarmAt(deadline, () => this.timeOut(entry));
    }
  }

  /** Resolves with the decision (at once when it was taken before a crash). */
  decision(entry: TokenEntry): Promise<Decision> {
    return new Promise<Decision>((resolve) => {
      if (entry.decision) resolve(entry.decision);
      else entry.waiter = resolve;
    });
  }

  /** The callback state stopped waiting: no waiter, and no alarm once the token is decided. */
  release(entry: TokenEntry): void {
    entry.waiter = undefined;
    if (entry.record.status !== 'PENDING') this.cancelAlarm(entry);
  }

  /** The token named by SendTask*, if it can still be decided. */
  pending(token: string): TokenEntry {
    this.executions.assertRunning();
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) throw new SfnError('InvalidToken', 'Invalid token');
    const entry = this.entries.get(token);
    if (!entry) throw new SfnError('TaskDoesNotExist', 'Task does not exist');
    if (entry.record.status === 'PENDING' && entry.record.deadline !== undefined && Date.now() >= entry.record.deadline)
      this.timeOut(entry);
    if (entry.record.status === 'TIMED_OUT') throw new SfnError('TaskTimedOut', 'Task Timed Out');
    if (entry.record.status !== 'PENDING') throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
    return entry;
  }

  decide(
    entry: TokenEntry,
    status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT',
    decision: Decision,
    eventType: string,
    details: Record<string, unknown>,
  ): void {
    const runtime = this.executions.byArn.get(entry.executionArn)!;
    entry.record.decision = decision;
    this.close(entry, status);
    this.executions.recordEvent(runtime, eventType, details);
    entry.decision = decision;
    entry.waiter?.(decision);
  }

  close(entry: TokenEntry, status: TokenRecord['status']): void {
    entry.record.status = status;
    this.cancelAlarm(entry);
    const runtime = this.executions.byArn.get(entry.executionArn);
    if (runtime) this.executions.persist(runtime);
  }

  /** An execution ended: its undecided tokens close without a decision. */
  closeAllOf(record: ExecutionRecord): void {
    for (const [token, tokenRecord] of Object.entries(record.tokens)) {
      if (tokenRecord.status !== 'PENDING') continue;
      tokenRecord.status = 'CLOSED';
      const entry = this.entries.get(token);
      if (entry) this.cancelAlarm(entry);
    }
  }

  /** The engine stops: no deadline may fire afterwards. */
  cancelAllAlarms(): void {
    for (const entry of this.entries.values()) this.cancelAlarm(entry);
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

  private cancelAlarm(entry: TokenEntry): void {
    entry.alarm?.cancel();
    entry.alarm = undefined;
  }
}

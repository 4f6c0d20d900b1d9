/**
 * Tasks: the approval steps a state machine waits on. Task tokens are written on Task items and
 * returned only by `getTaskToken`; every state change is conditional, so a second decision or a
 * decision after expiry is a coded error instead of a lost update.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor, Task, TaskKind, TaskStatus } from '../domain/model';
import { TASK_ROLE } from '../domain/model';
import { alreadyExists, isConditionalFailure, notFound, taskAlreadyDecided, taskExpired } from './errors';
import { keys } from './schema';
import { strip, type TableClient, type TableWrite } from './table';

/** A task as stored: the model's Task plus who may decide it and where in the workflow it waits. */
export interface StoredTask extends Task {
  role: string;
  stateName: string;
  /** Reviewer ids for a panel task; empty for role-wide steps. */
  assignees?: string[];
  /** How many times this step was (re)opened after a timeout. */
  attempt?: number;
  /** When the overdue sweep reminded (set once, before it notifies). */
  remindedAt?: string;
}

export interface NewTask {
  taskId: string;
  kind: TaskKind;
  roundId: string;
  caseId?: string;
  executionArn: string;
  stateName: string;
  createdAt: string;
  expiresAt: string;
  dueAt?: string;
  assignees?: string[];
  attempt?: number;
}

/** Internal: a task's condition failed; the caller reads the task to say why. */
class TaskConditionFailed extends Error {}

export class TaskRepository {
  constructor(private readonly table: TableClient) {}

  /**
   * Creates the task holding the workflow's token. The id is deterministic, so a retried
   * open-task finds its task already there and gets `created: false`.
   */
  /**
   * `createTask` as one write of a larger transaction (with its audit entry); if the task exists
   * the write fails with ALREADY_EXISTS, and the caller reads it with `getTask`.
   */
  createTaskWrite(task: NewTask, taskToken: string): { write: TableWrite; task: StoredTask } {
    const role = TASK_ROLE[task.kind];
    const stored: StoredTask = { ...task, role, status: 'OPEN' };
    return {
      task: stored,
      write: {
        item: {
          Put: {
            Item: {
              ...keys.task(task.taskId),
              ...keys.taskIndex(role, 'OPEN', task.createdAt, task.roundId, task.kind, task.taskId),
              type: 'Task',
              ...stored,
              taskToken,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => alreadyExists('task', task.taskId),
      },
    };
  }

  async createTask(task: NewTask, taskToken: string): Promise<{ created: boolean; task: StoredTask }> {
    const role = TASK_ROLE[task.kind];
    const stored: StoredTask = { ...task, role, status: 'OPEN' };
    try {
      await this.table.put({
        Item: {
          ...keys.task(task.taskId),
          ...keys.taskIndex(role, 'OPEN', task.createdAt, task.roundId, task.kind, task.taskId),
          type: 'Task',
          ...stored,
          taskToken,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return { created: true, task: stored };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return { created: false, task: (await this.getTask(task.taskId))! };
    }
  }

  /** A task without its token (the only shape any caller outside the decision path sees). */
  async getTask(taskId: string): Promise<StoredTask | undefined> {
    return strip<StoredTask>(await this.table.get(keys.task(taskId)), ['taskToken']);
  }

  async requireTask(taskId: string): Promise<StoredTask> {
    const task = await this.getTask(taskId);
    if (!task) throw notFound('task', taskId);
    return task;
  }

  /** The workflow token of a task: the one read path that returns it, for the decision function. */
  async getTaskToken(taskId: string): Promise<string | undefined> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.name, Key: keys.task(taskId), ProjectionExpression: 'taskToken', ConsistentRead: true }),
    );
    return out.Item?.taskToken as string | undefined;
  }

  private async moveTask(
    taskId: string,
    to: TaskStatus,
    patch: Record<string, unknown>,
    now: string,
    requireUnexpired: boolean,
  ): Promise<StoredTask> {
    const task = await this.requireTask(taskId);
    const index = keys.taskIndex(task.role, to, task.createdAt, task.roundId, task.kind, taskId);
    const condition = requireUnexpired
      ? {
          expression: 'attribute_exists(PK) AND #status = :open AND expiresAt > :now',
          names: { '#status': 'status' },
          values: { ':open': 'OPEN', ':now': now },
        }
      : { expression: 'attribute_exists(PK) AND #status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } };
    try {
      const item = await this.table.conditionalUpdate(
        keys.task(taskId),
        { ...patch, status: to, GSI1SK: index.GSI1SK, GSI2SK: index.GSI2SK },
        condition,
        () => new TaskConditionFailed(),
      );
      return strip<StoredTask>(item, ['taskToken'])!;
    } catch (error) {
      if (!(error instanceof TaskConditionFailed)) throw error;
      const current = await this.requireTask(taskId);
      if (current.status === 'EXPIRED' || current.status === 'CANCELLED') throw taskExpired(taskId);
      if (current.status === 'OPEN') throw taskExpired(taskId); // open but past expiresAt
      throw taskAlreadyDecided(taskId);
    }
  }

  /**
   * Records the decision on an OPEN, unexpired task. A task already decided answers
   * TASK_ALREADY_DECIDED (409); an expired or cancelled one TASK_EXPIRED (410).
   */
  async decideTask(taskId: string, decision: unknown, by: Actor, at: string): Promise<StoredTask> {
    return this.moveTask(taskId, 'DECIDED', { decision, decidedBy: by.id, decidedAt: at }, at, true);
  }

  /** Marks an OPEN task EXPIRED (the workflow's timeout fired); errors as `decideTask` otherwise. */
  async expireTask(taskId: string, at: string): Promise<StoredTask> {
    return this.moveTask(taskId, 'EXPIRED', { expiredAt: at }, at, false);
  }

  async cancelTask(taskId: string, at: string): Promise<StoredTask> {
    return this.moveTask(taskId, 'CANCELLED', { cancelledAt: at }, at, false);
  }

  /** Replaces the token of an OPEN task (the engine re-entered the waiting state and minted a new one). */
  async refreshTaskToken(taskId: string, taskToken: string): Promise<void> {
    await this.table.conditionalUpdate(
      keys.task(taskId),
      { taskToken },
      { expression: 'attribute_exists(PK) AND #status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } },
      () => taskAlreadyDecided(taskId),
    );
  }

  /** Adds reviewer ids to a panel task's assignees (a replacement reviewer). */
  async addTaskAssignees(taskId: string, reviewerIds: readonly string[]): Promise<StoredTask> {
    const task = await this.requireTask(taskId);
    const assignees = [...new Set([...(task.assignees ?? []), ...reviewerIds])];
    const item = await this.table.conditionalUpdate(
      keys.task(taskId),
      { assignees },
      { expression: 'attribute_exists(PK) AND #status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } },
      () => taskAlreadyDecided(taskId),
    );
    return strip<StoredTask>(item, ['taskToken'])!;
  }

  /**
   * Claims the overdue reminder of an OPEN task that was not reminded yet: true for the one caller
   * whose conditional write set `remindedAt`, false for every other (already reminded, decided,
   * expired or gone). Whoever gets true sends the reminder; a retry gets false and sends nothing.
   */
  async markTaskReminded(taskId: string, at: string): Promise<boolean> {
    try {
      await this.table.conditionalUpdate(
        keys.task(taskId),
        { remindedAt: at },
        {
          expression: 'attribute_exists(PK) AND #status = :open AND attribute_not_exists(remindedAt)',
          names: { '#status': 'status' },
          values: { ':open': 'OPEN' },
        },
        () => new TaskConditionFailed(),
      );
      return true;
    } catch (error) {
      if (error instanceof TaskConditionFailed) return false;
      throw error;
    }
  }

  /** Gives a claimed reminder back (its sending failed), so the next sweep tries again. */
  async releaseTaskReminder(taskId: string, at: string): Promise<void> {
    try {
      await this.table.update({
        Key: keys.task(taskId),
        UpdateExpression: 'REMOVE remindedAt',
        ConditionExpression: 'remindedAt = :at',
        ExpressionAttributeValues: { ':at': at },
      });
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /**
   * OPEN tasks of every round past their `dueAt` and not yet reminded, oldest first per role. One
   * Query per role on GSI1 (`TASKS#<role>`, `OPEN#…`): it reads the open tasks only (a few per
   * live round), and the filter keeps those due by `now` (ISO strings in UTC compare in time order).
   */
  async listOverdueTasks(now: string): Promise<StoredTask[]> {
    const roles = [...new Set(Object.values(TASK_ROLE))].sort();
    const perRole = await Promise.all(
      roles.map((role) =>
        this.table.queryAll({
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :open)',
          FilterExpression: 'dueAt <= :now AND attribute_not_exists(remindedAt)',
          ExpressionAttributeValues: { ':pk': `TASKS#${role}`, ':open': 'OPEN#', ':now': now },
        }),
      ),
    );
    return perRole.flat().map((item) => strip<StoredTask>(item, ['taskToken'])!);
  }

  /** Tasks a role may act on, newest first, optionally only in one status. */
  async listTasksByRole(role: string, status?: TaskStatus): Promise<StoredTask[]> {
    const items = await this.table.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: status ? 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `TASKS#${role}`, ...(status ? { ':sk': `${status}#` } : {}) },
      ScanIndexForward: false,
    });
    return items.map((item) => strip<StoredTask>(item, ['taskToken'])!);
  }

  async listTasksByRound(roundId: string, kind?: TaskKind, status?: TaskStatus): Promise<StoredTask[]> {
    const prefix = kind ? (status ? `${kind}#${status}#` : `${kind}#`) : undefined;
    const items = await this.table.queryAll({
      IndexName: 'GSI2',
      KeyConditionExpression: prefix ? 'GSI2PK = :pk AND begins_with(GSI2SK, :sk)' : 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}#TASKS`, ...(prefix ? { ':sk': prefix } : {}) },
    });
    const tasks = items.map((item) => strip<StoredTask>(item, ['taskToken'])!);
    return status && !kind ? tasks.filter((task) => task.status === status) : tasks;
  }
}

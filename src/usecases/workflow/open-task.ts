/**
 * open-task: called by every `.waitForTaskToken` state. Creates the approval step that holds the
 * token (people only ever see our task id), staffs the panel for PANEL steps, and notifies whoever
 * must act. Retries are harmless: the task id is deterministic and creation is conditional.
 */
import * as z from 'zod';
import { TASK_KINDS, type Bilingual, type TaskKind, type Timeouts } from '../../domain/model';
import type { StoredTask, StorePort } from '../../store/store';
import { StoreError } from '../../store/errors';
import { auditWith, type AuditInTransactionStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import { staffPanel, type PanelStore } from './panel';
import { taskIdFor } from './task-id';

/** What this use case reads and writes of the case table. */
export type OpenTaskStore = StorePort<{
  rounds: 'requireRound';
  cases: 'requireCase' | 'updateCaseStatus';
  tasks: 'createTaskWrite' | 'getTask' | 'refreshTaskToken';
}> &
  PanelStore &
  AuditInTransactionStore;

/** Which approval step of which execution: what open-task and handle-timeout both receive. */
export const approvalStepSchema = z.object({
  kind: z.enum(TASK_KINDS),
  roundId: z.string(),
  caseId: z.string().optional(),
  executionArn: z.string(),
  state: z.string(),
  attempt: z.number().int().positive(),
});

export const openTaskInputSchema = approvalStepSchema.extend({
  taskToken: z.string().min(1),
  timeoutSeconds: z.number().int().positive().max(2_147_483),
});
export type OpenTaskInput = z.infer<typeof openTaskInputSchema>;

/** The charter's timeout for each kind of step. */
const CHARTER_TIMEOUT: Record<TaskKind, keyof Timeouts> = {
  ELIGIBILITY: 'eligibilitySeconds',
  PANEL: 'panelSeconds',
  LEADERSHIP: 'leadershipSeconds',
  OBJECTION_RULING: 'objectionRulingSeconds',
};

/**
 * When a step is due: the charter's timeout for its kind, never later than the ceiling the state
 * machine enforces (`timeoutSeconds`, which the file must state as a fixed number). The ceiling
 * still ends the step; the due time only makes the office see it overdue and triggers one reminder.
 */
export function dueSecondsFor(kind: TaskKind, timeouts: Timeouts, ceilingSeconds: number): number {
  return Math.min(timeouts[CHARTER_TIMEOUT[kind]], ceilingSeconds);
}

export async function openTask(deps: WorkflowDeps<OpenTaskStore>, event: OpenTaskInput): Promise<{ taskId: string; created: boolean }> {
  const input = openTaskInputSchema.parse(event);
  const round = await deps.store.rounds.requireRound(input.roundId);
  const now = deps.clock.now();
  const at = now.toISOString();
  const taskId = taskIdFor(input.executionArn, input.state, input.attempt);
  const expiresAt = new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString();
  const dueAt = new Date(now.getTime() + dueSecondsFor(input.kind, round.charter.timeouts, input.timeoutSeconds) * 1000).toISOString();

  let assignees: string[] | undefined;
  let shortage: Bilingual | undefined;
  if (input.kind === 'PANEL') {
    if (!input.caseId) throw new WorkflowError('Casebook.BadTaskInput', 'a panel step needs a caseId');
    const record = await deps.store.cases.requireCase(input.caseId);
    if (record.status === 'ELIGIBILITY_PENDING')
      await deps.store.cases.updateCaseStatus(record.caseId, 'IN_REVIEW', ['ELIGIBILITY_PENDING']);
    const staffed = await staffPanel(deps.store, round.charter, record, at);
    assignees = staffed.reviewerIds;
    shortage = staffed.shortage?.reason;
  }

  const { write, task } = deps.store.tasks.createTaskWrite(
    {
      taskId,
      kind: input.kind,
      roundId: input.roundId,
      ...(input.caseId ? { caseId: input.caseId } : {}),
      executionArn: input.executionArn,
      stateName: input.state,
      createdAt: at,
      expiresAt,
      dueAt,
      attempt: input.attempt,
      ...(assignees ? { assignees } : {}),
    },
    input.taskToken,
  );
  // The task and its audit entry: one transaction.
  try {
    await auditWith(
      deps,
      {
        roundId: input.roundId,
        action: 'TASK_OPENED',
        subject: `task:${taskId}`,
        change: { kind: input.kind, caseId: input.caseId ?? null, attempt: input.attempt, expiresAt, dueAt, assignees: assignees ?? null },
      },
      [write],
    );
  } catch (error) {
    if (!(error instanceof StoreError) || error.code !== 'ALREADY_EXISTS') throw error;
    // Re-entered after a restart of the engine: the step stays the same, the live token is the new one.
    const existing = await deps.store.tasks.getTask(taskId);
    if (existing?.status === 'OPEN') await deps.store.tasks.refreshTaskToken(taskId, input.taskToken);
    return { taskId, created: false };
  }

  await notifyOpened(deps, task, shortage);
  return { taskId, created: true };
}

async function notifyOpened(deps: WorkflowDeps<OpenTaskStore>, task: StoredTask, shortage: Bilingual | undefined): Promise<void> {
  // People are asked for the charter's due time; the ceiling is only the workflow's last resort.
  const by = task.dueAt ?? task.expiresAt;
  const subjectCase = task.caseId ? `（${task.caseId}）` : '';
  switch (task.kind) {
    case 'ELIGIBILITY':
      await deps.notifier.notify({
        roundId: task.roundId,
        kind: 'ELIGIBILITY',
        recipient: 'secretariat',
        dedupKey: `task:${task.taskId}`,
        subject: { zh: `待辦：資格審查${subjectCase}`, en: `To do: eligibility check ${task.caseId ?? ''}`.trim() },
        body: { zh: `請在 ${by} 前完成資格審查（步驟 ${task.taskId}）。`, en: `Please decide eligibility by ${by} (step ${task.taskId}).` },
      });
      return;
    case 'PANEL':
      for (const reviewerId of task.assignees ?? []) {
        await deps.notifier.notify({
          roundId: task.roundId,
          kind: 'ASSIGNMENT',
          recipient: reviewerId,
          dedupKey: `task:${task.taskId}`,
          subject: { zh: '新的評審任務', en: 'A new case to review' },
          body: { zh: `請在 ${by} 前為案例評分（步驟 ${task.taskId}）。`, en: `Please score the case by ${by} (step ${task.taskId}).` },
        });
      }
      if (shortage) {
        await deps.notifier.notify({
          roundId: task.roundId,
          kind: 'ESCALATION',
          recipient: 'secretariat',
          dedupKey: `task:${task.taskId}:shortage`,
          subject: { zh: `評審人數不足${subjectCase}`, en: `Not enough reviewers for ${task.caseId}` },
          body: { zh: `${shortage.zh}。請增聘評審或調整。`, en: `${shortage.en}. Add reviewers to the panel or replace one.` },
        });
      }
      return;
    case 'LEADERSHIP':
      await deps.notifier.notify({
        roundId: task.roundId,
        kind: 'LIST_READY',
        recipient: 'approver',
        dedupKey: `task:${task.taskId}`,
        subject: { zh: '候選名單已就緒，待領導審定', en: 'The shortlist is ready for approval' },
        body: {
          zh: `請在 ${by} 前審定名單並填寫入選理由（步驟 ${task.taskId}）。`,
          en: `Please approve or amend the list and write each case's reason by ${by} (step ${task.taskId}).`,
        },
      });
      return;
    case 'OBJECTION_RULING':
      await deps.notifier.notify({
        roundId: task.roundId,
        kind: 'ESCALATION',
        recipient: 'approver',
        dedupKey: `task:${task.taskId}`,
        subject: { zh: '公示期收到異議，待裁定', en: 'Objections received during the notice period' },
        body: {
          zh: `請在 ${by} 前就異議作出裁定（步驟 ${task.taskId}）。`,
          en: `Please rule on the objections by ${by} (step ${task.taskId}).`,
        },
      });
      return;
  }
}

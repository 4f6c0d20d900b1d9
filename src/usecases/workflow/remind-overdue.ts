/**
 * remind-overdue: the hourly sweep that makes the charter's step timeouts act. The state machines
 * keep a fixed ceiling on every callback (the file rules want an explicit `TimeoutSeconds`); each
 * task also records `dueAt`, the charter's timeout for its kind. For every OPEN task past `dueAt`
 * that was not reminded yet, whoever must act is reminded (REMINDER) and the office is told
 * (ESCALATION), once. The step stays open and can still be decided until the ceiling, where the
 * workflow's own timeout (handle-timeout) takes over.
 *
 * Once, even when sweeps overlap or a run is retried: a conditional write claims the task
 * (`remindedAt`) before anything is sent, so only one run notifies; notifications have
 * deterministic ids, so a run that fails half-way and gives its claim back can send again later
 * without doubling what already went out.
 */
import { TASK_ROLE } from '../../domain/model';
import type { StoredTask, StorePort } from '../../store/store';
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';

/** What this use case reads and writes of the case table. */
export type RemindOverdueStore = StorePort<{
  tasks: 'listOverdueTasks' | 'markTaskReminded' | 'releaseTaskReminder';
  audit: 'sealAllAudits';
  reviews: 'listReviewsByCase';
}> &
  AuditTrailStore;

/** Who hears about every overdue step: the office that runs the round. */
export const OFFICE_RECIPIENT = 'secretariat';

export interface RemindOverdueResult {
  /** Tasks reminded by this run. */
  reminded: { taskId: string; kind: StoredTask['kind']; roundId: string; recipients: string[] }[];
  /** Overdue tasks another run (or an earlier attempt) had already claimed. */
  skipped: number;
}

export async function remindOverdue(deps: WorkflowDeps<RemindOverdueStore>): Promise<RemindOverdueResult> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const overdue = await deps.store.tasks.listOverdueTasks(at);
  const result: RemindOverdueResult = { reminded: [], skipped: 0 };
  const failures: unknown[] = [];
  for (const task of overdue) {
    // Past the ceiling the workflow's timeout expires the step and reminds itself; asking people
    // to act on a step that would answer 410 helps nobody.
    if (Date.parse(task.expiresAt) <= now.getTime()) continue;
    if (!(await deps.store.tasks.markTaskReminded(task.taskId, at))) {
      result.skipped += 1;
      continue;
    }
    try {
      const recipients = await remind(deps, task);
      await audit(deps, task.roundId, 'TASK_OVERDUE', `task:${task.taskId}`, {
        kind: task.kind,
        caseId: task.caseId ?? null,
        dueAt: task.dueAt ?? null,
        expiresAt: task.expiresAt,
        reminded: recipients,
        escalatedTo: OFFICE_RECIPIENT,
      });
      result.reminded.push({ taskId: task.taskId, kind: task.kind, roundId: task.roundId, recipients });
    } catch (error) {
      // One failing step must not starve the others; the claim is given back so the next run (or
      // this invocation's retry) tries again, and the deterministic ids keep what went out single.
      await deps.store.tasks.releaseTaskReminder(task.taskId, at);
      failures.push(error);
    }
  }
  // Appends leave entries unsealed until someone reads the trail; sealing here bounds how long
  // any round's chain stays unlinked when nobody does.
  await deps.store.audit.sealAllAudits();
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} overdue reminders failed`);
  return result;
}

/** Sends the reminder and the escalation; returns who was reminded. */
async function remind(deps: WorkflowDeps<RemindOverdueStore>, task: StoredTask): Promise<string[]> {
  const recipients = await whoMustAct(deps, task);
  const what = task.caseId ? `（${task.caseId}）` : '';
  const dedupKey = `overdue:${task.taskId}`;
  for (const recipient of recipients) {
    await deps.notifier.notify({
      roundId: task.roundId,
      kind: 'REMINDER',
      recipient,
      dedupKey,
      subject: { zh: `提醒：審批步驟已到期${what}`, en: `Reminder: an approval step is due ${task.caseId ?? ''}`.trim() },
      body: {
        zh: `「${task.stateName}」步驟（${task.taskId}）已於 ${task.dueAt} 到期，請盡快處理；${task.expiresAt} 後將不再接受決定。`,
        en: `The "${task.stateName}" step (${task.taskId}) was due at ${task.dueAt}; please act on it soon. Decisions close at ${task.expiresAt}.`,
      },
    });
  }
  await deps.notifier.notify({
    roundId: task.roundId,
    kind: 'ESCALATION',
    recipient: OFFICE_RECIPIENT,
    dedupKey,
    subject: { zh: `逾期上報：${task.stateName}${what}`, en: `Overdue: ${task.stateName} ${task.caseId ?? ''}`.trim() },
    body: {
      zh: `「${task.stateName}」步驟（${task.taskId}）已超過章程期限 ${task.dueAt}，仍未處理；已提醒：${recipients.join('、') || '（無）'}。`,
      en: `"${task.stateName}" (${task.taskId}) is past the charter's due time ${task.dueAt} and still open; reminded: ${recipients.join(', ') || '(nobody)'}.`,
    },
  });
  return recipients;
}

/** The role for role-wide steps; for a panel, the assigned reviewers who have not scored yet. */
async function whoMustAct(deps: WorkflowDeps<RemindOverdueStore>, task: StoredTask): Promise<string[]> {
  if (task.kind !== 'PANEL') return [TASK_ROLE[task.kind]];
  if (!task.caseId) return task.assignees ?? [];
  const assignees = new Set(task.assignees ?? []);
  const reviews = await deps.store.reviews.listReviewsByCase(task.caseId);
  return reviews
    .filter((review) => review.status === 'ASSIGNED' && (assignees.size === 0 || assignees.has(review.reviewerId)))
    .map((review) => review.reviewerId)
    .sort();
}

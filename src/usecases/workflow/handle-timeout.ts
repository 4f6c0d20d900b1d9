/**
 * handle-timeout: the Catch of `States.Timeout` on every approval step. The step is marked
 * EXPIRED (a late decision answers 410), whoever should have acted is reminded and the office is
 * told, and the workflow learns what comes next:
 * - REOPEN: open the step again (a new task, attempt + 1);
 * - PROCEED: a panel with a quorum of scores goes on to aggregation; reviewers who did not score
 *   are reported MISSING so the office can replace them in later cases;
 * - END: nothing waits for this step any more (the case was superseded or withdrawn, or the
 *   round moved on).
 */
import * as z from 'zod';
import { quorumMet } from '../../domain/scoring/aggregate';
import { TASK_ROLE } from '../../domain/model';
import { StoreError } from '../../store/errors';
import type { StoredTask, StorePort } from '../../store/store';
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { approvalStepSchema } from './open-task';
import { taskIdFor } from './task-id';

/** What this use case reads and writes of the case table. */
export type HandleTimeoutStore = StorePort<{
  tasks: 'expireTask' | 'getTask';
  cases: 'getCase';
  rounds: 'getRound' | 'requireRound';
  reviews: 'listReviewsByCase' | 'updateReviewStatus';
}> &
  AuditTrailStore;

export const timeoutInputSchema = approvalStepSchema;
export type TimeoutInput = z.infer<typeof timeoutInputSchema>;

export interface TimeoutOutput {
  action: 'REOPEN' | 'PROCEED' | 'END';
  /** The attempt number of the next opening (for REOPEN). */
  attempt: number;
  taskId: string;
  scored?: number;
  missing?: string[];
}

export async function handleTimeout(deps: WorkflowDeps<HandleTimeoutStore>, event: TimeoutInput): Promise<TimeoutOutput> {
  const input = timeoutInputSchema.parse(event);
  const taskId = taskIdFor(input.executionArn, input.state, input.attempt);
  const at = deps.clock.now().toISOString();
  const task = await deps.store.tasks.getTask(taskId);
  const next = (action: TimeoutOutput['action'], extra: Partial<TimeoutOutput> = {}): TimeoutOutput => ({
    action,
    attempt: input.attempt + 1,
    taskId,
    ...extra,
  });

  if (task?.status === 'CANCELLED') {
    await audit(deps, input.roundId, 'TASK_ENDED', `task:${taskId}`, { kind: input.kind, reason: 'cancelled' });
    return next('END');
  }
  if (task?.status === 'OPEN') {
    try {
      await deps.store.tasks.expireTask(taskId, at);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
    }
  }

  if (input.kind === 'PANEL') return panelTimeout(deps, input, task, next);

  if (input.kind === 'ELIGIBILITY') {
    const record = input.caseId ? await deps.store.cases.getCase(input.caseId) : undefined;
    if (!record || record.status !== 'ELIGIBILITY_PENDING') {
      await audit(deps, input.roundId, 'TASK_EXPIRED', `task:${taskId}`, {
        kind: input.kind,
        next: 'END',
        caseStatus: record?.status ?? null,
      });
      return next('END');
    }
  } else {
    const round = await deps.store.rounds.getRound(input.roundId);
    const waiting = input.kind === 'LEADERSHIP' ? 'SHORTLISTED' : 'NOTICE';
    if (!round || round.status !== waiting) {
      await audit(deps, input.roundId, 'TASK_EXPIRED', `task:${taskId}`, {
        kind: input.kind,
        next: 'END',
        roundStatus: round?.status ?? null,
      });
      return next('END');
    }
  }
  await remindAndEscalate(deps, input, [TASK_ROLE[input.kind]]);
  await audit(deps, input.roundId, 'TASK_EXPIRED', `task:${taskId}`, { kind: input.kind, next: 'REOPEN', attempt: input.attempt });
  return next('REOPEN');
}

async function panelTimeout(
  deps: WorkflowDeps<HandleTimeoutStore>,
  input: TimeoutInput,
  task: StoredTask | undefined,
  next: (action: TimeoutOutput['action'], extra?: Partial<TimeoutOutput>) => TimeoutOutput,
): Promise<TimeoutOutput> {
  const record = input.caseId ? await deps.store.cases.getCase(input.caseId) : undefined;
  if (!record || record.status !== 'IN_REVIEW') {
    await audit(deps, input.roundId, 'TASK_EXPIRED', `task:${next('END').taskId}`, {
      kind: 'PANEL',
      next: 'END',
      caseStatus: record?.status ?? null,
    });
    return next('END');
  }
  const round = await deps.store.rounds.requireRound(input.roundId);
  const assignees = new Set(task?.assignees ?? []);
  const reviews = (await deps.store.reviews.listReviewsByCase(record.caseId)).filter(
    (review) => assignees.size === 0 || assignees.has(review.reviewerId),
  );
  const scored = reviews.filter((review) => review.status === 'SCORED').length;
  const pending = reviews.filter((review) => review.status === 'ASSIGNED').map((review) => review.reviewerId);

  if (quorumMet(scored, round.charter.quorum)) {
    for (const reviewerId of pending) {
      await deps.store.reviews.updateReviewStatus(record.caseId, reviewerId, 'MISSING', ['ASSIGNED']).catch((error: unknown) => {
        if (!(error instanceof StoreError)) throw error;
      });
    }
    if (pending.length > 0) {
      await deps.notifier.notify({
        roundId: input.roundId,
        kind: 'ESCALATION',
        recipient: 'secretariat',
        dedupKey: `timeout:${taskIdFor(input.executionArn, input.state, input.attempt)}:quorum`,
        subject: { zh: `評審逾期未評分（${record.caseId}）`, en: `Reviewers missed the deadline (${record.caseId})` },
        body: {
          zh: `已達法定人數（${scored} 份評分），案例繼續彙總。未評分的評審：${pending.join('、')}。`,
          en: `Quorum reached with ${scored} scores; the case goes on to aggregation. Missing reviewers: ${pending.join(', ')}.`,
        },
      });
    }
    await audit(deps, input.roundId, 'PANEL_QUORUM_AT_TIMEOUT', `case:${record.caseId}`, {
      scored,
      quorum: round.charter.quorum,
      missing: pending,
    });
    return next('PROCEED', { scored, missing: pending });
  }

  await remindAndEscalate(deps, input, pending, scored);
  await audit(deps, input.roundId, 'TASK_EXPIRED', `case:${record.caseId}`, {
    kind: 'PANEL',
    next: 'REOPEN',
    scored,
    quorum: round.charter.quorum,
    pending,
  });
  return next('REOPEN', { scored });
}

async function remindAndEscalate(
  deps: WorkflowDeps<HandleTimeoutStore>,
  input: TimeoutInput,
  recipients: readonly string[],
  scored?: number,
): Promise<void> {
  const what = input.caseId ? `（${input.caseId}）` : '';
  for (const recipient of recipients) {
    await deps.notifier.notify({
      roundId: input.roundId,
      kind: 'REMINDER',
      recipient,
      dedupKey: `timeout:${taskIdFor(input.executionArn, input.state, input.attempt)}`,
      subject: { zh: `提醒：審批步驟已逾期${what}`, en: `Reminder: an approval step is overdue ${input.caseId ?? ''}`.trim() },
      body: {
        zh: `「${input.state}」步驟已逾期，已重新開啟，請盡快處理。`,
        en: `The "${input.state}" step is overdue and has been reopened; please act on it soon.`,
      },
    });
  }
  await deps.notifier.notify({
    roundId: input.roundId,
    kind: 'ESCALATION',
    recipient: 'secretariat',
    dedupKey: `timeout:${taskIdFor(input.executionArn, input.state, input.attempt)}`,
    subject: { zh: `逾期上報：${input.state}${what}`, en: `Overdue: ${input.state} ${input.caseId ?? ''}`.trim() },
    body: {
      zh: `「${input.state}」第 ${input.attempt} 次開啟後逾期${scored === undefined ? '' : `（已收到 ${scored} 份評分，未達法定人數）`}，已重新開啟。`,
      en: `"${input.state}" (opening ${input.attempt}) timed out${scored === undefined ? '' : ` with ${scored} scores, below the quorum`}; it was reopened.`,
    },
  });
}

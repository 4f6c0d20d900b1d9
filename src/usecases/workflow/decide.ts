/**
 * Applying a person's decision to an approval step: the domain half of `POST /tasks/{id}/decision`.
 *
 * Order matters: the decision is validated, then recorded with a conditional write (status OPEN
 * and not expired), and only then does the caller send the token to the workflow. So a second
 * decision is a clear TASK_ALREADY_DECIDED, one on an expired or superseded step
 * TASK_EXPIRED, and the workflow never receives two results for one step.
 *
 * The decide Lambda authenticates, calls `decideTask`, and when the result carries
 * `sendSuccess` calls SendTaskSuccess with its token and output. Panel steps collect one score
 * sheet per assigned reviewer; the step completes (and `sendSuccess` is returned) with the last.
 */
import {
  eligibilityDecisionSchema,
  leadershipDecisionSchema,
  objectionRulingSchema,
  scoreSheetSchema,
  TASK_ROLE,
  type Actor,
  type ApprovedEntry,
  type CaseRecord,
  type CaseStatus,
  type Issue,
} from '../../domain/model';
import { ROLE_ZH } from '../../domain/labels';
import { weightedTotal } from '../../domain/scoring/aggregate';
import { StoreError, taskAlreadyDecided, taskExpired } from '../../store/errors';
import type { StoredTask, StorePort } from '../../store/store';
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { forbidden, invalidDecision, UseCaseError } from '../errors';
import { activeReviews } from './panel';

/** What this use case reads and writes of the case table. */
export type DecideStore = StorePort<{
  tasks: 'decideTask' | 'getTaskToken' | 'requireTask';
  cases: 'listCasesByRound' | 'requireCase' | 'updateCaseStatus';
  rounds: 'requireRound' | 'updateRound';
  reviews: 'listReviewsByCase' | 'recordScore';
  objections: 'listObjections' | 'ruleObjection';
}> &
  AuditTrailStore;

export type DecideResult =
  | { status: 'sent'; task: StoredTask; sendSuccess: { token: string; output: unknown } }
  /** A panel score was recorded; the step waits for the other reviewers. */
  | { status: 'recorded'; task: StoredTask; remaining: string[] };

type Deps = Pick<WorkflowDeps<DecideStore>, 'store' | 'clock' | 'notifier'>;

export async function decideTask(deps: Deps, actor: Actor, taskId: string, body: unknown): Promise<DecideResult> {
  const task = await deps.store.tasks.requireTask(taskId);
  const role = TASK_ROLE[task.kind];
  if (!actor.roles.includes(role)) {
    throw forbidden({ zh: `此步驟只能由${ROLE_ZH[role]}決定。`, en: `Only the ${role} role may decide this step.` });
  }
  if (task.kind === 'PANEL' && !(task.assignees ?? []).includes(actor.id)) {
    throw forbidden({ zh: '您未被分配評審此案例。', en: 'You are not assigned to review this case.' });
  }
  const now = deps.clock.now();
  if (task.status === 'DECIDED') throw taskAlreadyDecided(taskId);
  if (task.status !== 'OPEN' || Date.parse(task.expiresAt) <= now.getTime()) throw taskExpired(taskId);

  switch (task.kind) {
    case 'ELIGIBILITY':
      return decideEligibility(deps, actor, task, body);
    case 'PANEL':
      return scorePanel(deps, actor, task, body);
    case 'LEADERSHIP':
      return decideLeadership(deps, actor, task, body);
    case 'OBJECTION_RULING':
      return ruleObjections(deps, actor, task, body);
  }
}

function parseBody<T>(
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  body: unknown,
): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw invalidDecision(
    parsed.error.issues.map((problem) => ({
      code: 'DECISION_FIELD_INVALID',
      field: problem.path.map(String).join('.') || '(body)',
      message: {
        zh: `欄位「${problem.path.map(String).join('.') || '內容'}」不正確：${problem.message}`,
        en: `${problem.path.map(String).join('.') || 'body'}: ${problem.message}`,
      },
    })),
  );
}

async function send(deps: Deps, task: StoredTask, decision: unknown, actor: Actor, output: unknown): Promise<DecideResult> {
  const decided = await deps.store.tasks.decideTask(task.taskId, decision, actor, deps.clock.now().toISOString());
  const token = await deps.store.tasks.getTaskToken(task.taskId);
  if (!token)
    throw new UseCaseError('TASK_TOKEN_MISSING', { zh: '審批步驟缺少工作流程憑證', en: 'The approval step has no workflow token' }, [], {
      taskId: task.taskId,
    });
  return { status: 'sent', task: decided, sendSuccess: { token, output } };
}

// ---------------------------------------------------------------------------------------------

async function decideEligibility(deps: Deps, actor: Actor, task: StoredTask, body: unknown): Promise<DecideResult> {
  const decision = parseBody(eligibilityDecisionSchema, body);
  const record = await deps.store.cases.requireCase(task.caseId!);
  const result = await send(deps, task, decision, actor, { outcome: decision.outcome });
  const at = deps.clock.now().toISOString();
  const to: CaseStatus =
    decision.outcome === 'eligible' ? 'IN_REVIEW' : decision.outcome === 'ineligible' ? 'INELIGIBLE' : 'REVISION_REQUESTED';
  await deps.store.cases.updateCaseStatus(record.caseId, to, ['ELIGIBILITY_PENDING'], { updatedAt: at });
  if (decision.outcome !== 'eligible') {
    const text = decision.outcome === 'ineligible' ? decision.reason : decision.message;
    await deps.notifier.notify({
      roundId: task.roundId,
      kind: decision.outcome === 'ineligible' ? 'ELIGIBILITY' : 'REVISION_REQUESTED',
      recipient: record.unitCode,
      dedupKey: `task:${task.taskId}`,
      subject:
        decision.outcome === 'ineligible'
          ? { zh: `資格審查未通過：${record.title}`, en: `Not eligible: ${record.title}` }
          : { zh: `請修改申報材料：${record.title}`, en: `Please revise your dossier: ${record.title}` },
      body:
        decision.outcome === 'ineligible'
          ? { zh: `辦公室認定案例不符合參評資格。理由：${text}`, en: `The secretariat found the case ineligible. Reason: ${text}` }
          : {
              zh: `辦公室請您修改後在截止時間前重新上傳：${text}`,
              en: `The secretariat asks you to revise and upload again before the deadline: ${text}`,
            },
    });
  }
  await audit(deps, task.roundId, 'ELIGIBILITY_DECIDED', `case:${record.caseId}`, { taskId: task.taskId, decision }, actor);
  return result;
}

async function scorePanel(deps: Deps, actor: Actor, task: StoredTask, body: unknown): Promise<DecideResult> {
  const sheet = parseBody(scoreSheetSchema, body);
  const round = await deps.store.rounds.requireRound(task.roundId);
  const total = weightedTotal(sheet, round.charter.rubric);
  if (!total.ok) throw invalidDecision(total.errors);
  const at = deps.clock.now().toISOString();
  await deps.store.reviews.recordScore(task.caseId!, actor.id, sheet, total.value, at);
  await audit(
    deps,
    task.roundId,
    'SCORE_RECORDED',
    `case:${task.caseId}`,
    { taskId: task.taskId, reviewerId: actor.id, sheet, total: total.value },
    actor,
  );

  const assignees = new Set(task.assignees ?? []);
  const reviews = activeReviews(await deps.store.reviews.listReviewsByCase(task.caseId!)).filter((review) =>
    assignees.has(review.reviewerId),
  );
  const remaining = reviews.filter((review) => review.status !== 'SCORED').map((review) => review.reviewerId);
  if (remaining.length > 0) return { status: 'recorded', task, remaining };
  try {
    return await send(deps, task, { complete: true, scored: reviews.length }, actor, { complete: true, scored: reviews.length });
  } catch (error) {
    // Two last scores at once: the other one completed the step; this score is recorded all the same.
    if (error instanceof StoreError && error.code === 'TASK_ALREADY_DECIDED') return { status: 'recorded', task, remaining: [] };
    throw error;
  }
}

async function decideLeadership(deps: Deps, actor: Actor, task: StoredTask, body: unknown): Promise<DecideResult> {
  const decision = parseBody(leadershipDecisionSchema, body);
  const round = await deps.store.rounds.requireRound(task.roundId);
  const shortlisted = new Set((round.shortlist ?? []).map((entry) => entry.caseId));
  const listed = decision.list.map((entry) => entry.caseId);
  const issues: Issue[] = [];
  const candidates = new Map<string, CaseRecord>();
  for (const status of ['SHORTLISTED', 'REVIEWED'] as const) {
    for (const record of await deps.store.cases.listCasesByRound(task.roundId, status)) candidates.set(record.caseId, record);
  }
  if (new Set(listed).size !== listed.length) {
    issues.push(issue('LIST_DUPLICATE_CASE', 'list', '名單中有重複的案例。', 'The list names a case more than once.'));
  }
  const added = listed.filter((caseId) => !shortlisted.has(caseId));
  const struck = [...shortlisted].filter((caseId) => !listed.includes(caseId));
  for (const caseId of listed) {
    if (!candidates.has(caseId))
      issues.push(
        issue(
          'LIST_UNKNOWN_CASE',
          `list.${caseId}`,
          `案例 ${caseId} 不是本輪已評審的案例。`,
          `Case ${caseId} is not a reviewed case of this round.`,
        ),
      );
  }
  if (decision.outcome === 'approve' && (added.length > 0 || struck.length > 0)) {
    issues.push(
      issue(
        'APPROVE_CHANGES_LIST',
        'outcome',
        '名單與候選名單不同，請選擇「修改」並說明理由。',
        'The list differs from the shortlist: choose "amend" and give reasons.',
      ),
    );
  }
  if (decision.outcome === 'amend') {
    const reasoned = new Map(decision.amendments.map((amendment) => [`${amendment.change}:${amendment.caseId}`, amendment]));
    for (const caseId of added) {
      if (!reasoned.has(`add:${caseId}`))
        issues.push(
          issue('AMEND_REASON_MISSING', `amendments.${caseId}`, `增列案例 ${caseId} 須說明理由。`, `Adding case ${caseId} needs a reason.`),
        );
    }
    for (const caseId of struck) {
      if (!reasoned.has(`strike:${caseId}`))
        issues.push(
          issue(
            'AMEND_REASON_MISSING',
            `amendments.${caseId}`,
            `刪除案例 ${caseId} 須說明理由。`,
            `Striking case ${caseId} needs a reason.`,
          ),
        );
    }
  }
  if (issues.length > 0) throw invalidDecision(issues);

  const result = await send(deps, task, decision, actor, { outcome: decision.outcome, count: listed.length });
  const at = deps.clock.now().toISOString();
  const approvedList: ApprovedEntry[] = decision.list.map((entry, index) => ({
    caseId: entry.caseId,
    order: index + 1,
    reason: entry.reason,
  }));
  for (const entry of approvedList) {
    const record = candidates.get(entry.caseId)!;
    await deps.store.cases.updateCaseStatus(entry.caseId, 'SELECTED', [record.status], { reason: entry.reason, updatedAt: at });
  }
  for (const caseId of struck) await deps.store.cases.updateCaseStatus(caseId, 'NOT_SELECTED', ['SHORTLISTED'], { updatedAt: at });
  await deps.store.rounds.updateRound(task.roundId, { approvedList }, ['SHORTLISTED']);
  await audit(
    deps,
    task.roundId,
    'LEADERSHIP_DECIDED',
    `round:${task.roundId}`,
    { taskId: task.taskId, outcome: decision.outcome, approvedList, amendments: decision.amendments },
    actor,
  );
  return result;
}

async function ruleObjections(deps: Deps, actor: Actor, task: StoredTask, body: unknown): Promise<DecideResult> {
  const decision = parseBody(objectionRulingSchema, body);
  const open = await deps.store.objections.listObjections(task.roundId, 'OPEN');
  const openIds = new Set(open.map((objection) => objection.objectionId));
  const ruled = new Set(decision.rulings.map((ruling) => ruling.objectionId));
  const issues: Issue[] = [];
  for (const ruling of decision.rulings) {
    if (!openIds.has(ruling.objectionId))
      issues.push(
        issue(
          'OBJECTION_NOT_OPEN',
          `rulings.${ruling.objectionId}`,
          `異議 ${ruling.objectionId} 不存在或已裁定。`,
          `Objection ${ruling.objectionId} is not open.`,
        ),
      );
  }
  for (const objection of open) {
    if (!ruled.has(objection.objectionId))
      issues.push(
        issue(
          'OBJECTION_NOT_RULED',
          `rulings.${objection.objectionId}`,
          `異議 ${objection.objectionId} 尚未裁定。`,
          `Objection ${objection.objectionId} has no ruling.`,
        ),
      );
  }
  if (issues.length > 0) throw invalidDecision(issues);

  const upheld = decision.rulings.filter((ruling) => ruling.outcome === 'upheld');
  const result = await send(deps, task, decision, actor, { upheld: upheld.length, dismissed: decision.rulings.length - upheld.length });
  const at = deps.clock.now().toISOString();
  for (const ruling of decision.rulings) {
    await deps.store.objections.ruleObjection(
      task.roundId,
      ruling.objectionId,
      ruling.outcome === 'upheld' ? 'UPHELD' : 'DISMISSED',
      ruling.reason,
    );
  }
  // An upheld objection strikes its case from the list; the rest keep their order.
  const struck = new Set(upheld.map((ruling) => open.find((objection) => objection.objectionId === ruling.objectionId)!.caseId));
  if (struck.size > 0) {
    const round = await deps.store.rounds.requireRound(task.roundId);
    const approvedList = (round.approvedList ?? [])
      .filter((entry) => !struck.has(entry.caseId))
      .map((entry, index) => ({ ...entry, order: index + 1 }));
    await deps.store.rounds.updateRound(task.roundId, { approvedList }, ['NOTICE']);
    for (const caseId of struck) {
      await deps.store.cases.updateCaseStatus(caseId, 'NOT_SELECTED', ['SELECTED'], { updatedAt: at }).catch((error: unknown) => {
        if (!(error instanceof StoreError)) throw error;
      });
    }
  }
  await audit(deps, task.roundId, 'OBJECTIONS_RULED', `round:${task.roundId}`, { taskId: task.taskId, rulings: decision.rulings }, actor);
  return result;
}

function issue(code: string, field: string, zh: string, en: string): Issue {
  return { code, field, message: { zh, en } };
}

export { UseCaseError };

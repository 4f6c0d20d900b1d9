/** Approval steps: each caller sees and decides only their own. Decisions never happen on a GET. */
import type { Actor, Role, Task } from '../../domain/model';
import { TASK_ROLE } from '../../domain/model';
import { forbidden, notFound } from '../errors';
import { isOffice, ownsTask } from './access';
import type { ApiDeps } from './ports';
import { taskView } from './views';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type TasksApiStore = StorePort<{
  rounds: 'getRound';
  reviews: 'listReviewsByCase';
  cases: 'getCase';
  tasks: 'getTask' | 'listTasksByRole';
}>;

async function owns(deps: ApiDeps<TasksApiStore>, actor: Actor, task: Task): Promise<boolean> {
  if (!actor.roles.includes(TASK_ROLE[task.kind])) return false;
  if (task.kind !== 'PANEL' || !task.caseId) return ownsTask(actor, task, undefined, [], undefined);
  const [round, reviews, c] = await Promise.all([
    deps.store.rounds.getRound(task.roundId),
    deps.store.reviews.listReviewsByCase(task.caseId),
    deps.store.cases.getCase(task.caseId),
  ]);
  return ownsTask(actor, task, round, reviews, c);
}

export async function listMyTasks(deps: ApiDeps<TasksApiStore>, actor: Actor, status: Task['status'] = 'OPEN') {
  const roles = [...new Set(actor.roles.filter((r): r is Role => Object.values(TASK_ROLE).includes(r)))];
  const out: Task[] = [];
  const seen = new Set<string>();
  for (const role of roles) {
    for (const t of await deps.store.tasks.listTasksByRole(role, status)) {
      if (seen.has(t.taskId)) continue;
      seen.add(t.taskId);
      // past its deadline an open step can only expire; it is the office's overdue list now
      if (status === 'OPEN' && Date.parse(t.expiresAt) <= deps.now().getTime()) continue;
      if (!(await owns(deps, actor, t))) continue;
      // a panel step stays open until every reviewer scored: it is no longer mine once I did
      if (status === 'OPEN' && t.kind === 'PANEL' && t.caseId) {
        const mine = (await deps.store.reviews.listReviewsByCase(t.caseId)).find(
          (r) => r.reviewerId === actor.id && r.status !== 'REPLACED',
        );
        if (mine?.status === 'SCORED') continue;
      }
      out.push(t);
    }
  }
  out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.taskId.localeCompare(b.taskId));
  return { tasks: out.map(taskView) };
}

export async function readTask(deps: ApiDeps<TasksApiStore>, actor: Actor, taskId: string) {
  const task = await deps.store.tasks.getTask(taskId);
  if (!task) throw notFound('task', taskId);
  if (!isOffice(actor) && !(await owns(deps, actor, task))) {
    throw forbidden({ zh: '這個審批步驟不屬於您。', en: 'This approval step is not yours.' });
  }
  return taskView(task);
}

export async function decide(deps: ApiDeps<TasksApiStore>, actor: Actor, taskId: string, body: unknown) {
  const task = await deps.store.tasks.getTask(taskId);
  if (!task) throw notFound('task', taskId);
  if (!(await owns(deps, actor, task))) {
    throw forbidden({
      zh: `這個審批步驟（${task.kind}）不屬於您，不能作決定。`,
      en: `This approval step (${task.kind}) is not yours to decide.`,
    });
  }
  const result = await deps.decide(actor, taskId, body);
  return {
    taskId: result.task.taskId,
    status: result.task.status,
    outcome: result.outcome,
    ...(result.remaining ? { remaining: result.remaining.length } : {}),
    decidedAt: result.task.decidedAt ?? deps.now().toISOString(),
    decidedBy: result.task.decidedBy ?? actor.id,
  };
}
